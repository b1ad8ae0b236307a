/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap hooks of the e1000e driver: each is called from one place of the
 * in-tree driver (see patches/), all the logic is in e1000e_netmap.c.
 */
#ifndef _E1000E_NETMAP_H
#define _E1000E_NETMAP_H

#include <linux/netdevice.h>

struct e1000_adapter;
struct e1000_ring;

/* e1000_probe(), after register_netdev() */
void e1000e_netmap_attach(struct e1000_adapter *adapter);
/* e1000_remove(), after unregister_netdev() */
void e1000e_netmap_detach(struct e1000_adapter *adapter);
/* e1000_configure(), before the RX ring is filled */
void e1000e_netmap_configure(struct e1000_adapter *adapter);
/* e1000_clean_tx_irq(): true = netmap owns the ring, do not clean it */
bool e1000e_netmap_tx_irq(struct e1000_ring *tx_ring);
/* e1000_xmit_frame(): true = the frame was consumed */
bool e1000e_netmap_xmit(struct sk_buff *skb, struct net_device *netdev);

#endif /* _E1000E_NETMAP_H */
