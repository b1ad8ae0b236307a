/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap hooks of the ixgbe driver: each is called from one place of the
 * in-tree driver (see patches/), all the logic is in ixgbe_netmap.c.
 */
#ifndef _IXGBE_NETMAP_H
#define _IXGBE_NETMAP_H

#include <linux/netdevice.h>

struct ixgbe_adapter;
struct ixgbe_ring;

/* ixgbe_probe(), once the netdev is registered and nothing can fail */
void ixgbe_netmap_attach(struct ixgbe_adapter *adapter);
/* ixgbe_remove(), after unregister_netdev() */
void ixgbe_netmap_detach(struct ixgbe_adapter *adapter);
/* ixgbe_configure_tx_ring(), before the queue is enabled */
void ixgbe_netmap_configure_tx_ring(struct ixgbe_adapter *adapter,
				    struct ixgbe_ring *ring);
/* ixgbe_configure_rx_ring(), before the queue is enabled */
void ixgbe_netmap_configure_rx_ring(struct ixgbe_adapter *adapter,
				    struct ixgbe_ring *ring);
/* ixgbe_configure_rx_ring(), once the queue is enabled: true = filled
 * with netmap buffers, do not allocate the driver's
 */
bool ixgbe_netmap_fill_rx_ring(struct ixgbe_adapter *adapter,
			       struct ixgbe_ring *ring);
/* ixgbe_clean_tx_irq(): true = netmap owns the ring, do not clean it */
bool ixgbe_netmap_tx_irq(struct ixgbe_ring *tx_ring);
/* ixgbe_clean_rx_irq(): true = netmap owns the ring, report no work */
bool ixgbe_netmap_rx_irq(struct ixgbe_ring *rx_ring);
/* ixgbe_xmit_frame(): true = the frame was consumed */
bool ixgbe_netmap_xmit(struct sk_buff *skb, struct net_device *netdev);

#endif /* _IXGBE_NETMAP_H */
