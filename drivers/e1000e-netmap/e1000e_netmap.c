// SPDX-License-Identifier: GPL-2.0
/*
 * Native netmap adapter of the e1000e driver (82571..82574, 8257x, ICH/PCH
 * MACs; QEMU's "-device e1000e" is an 82574). Built into e1000e.ko with
 * the in-tree driver, which calls the hooks of e1000e_netmap.h.
 *
 * The device has one TX and one RX queue used by the driver, so netmap
 * sees one ring each way, of the driver's ring size.
 *
 * Entering netmap mode (->reg) restarts the device if it runs; its
 * configuration path (e1000_configure) calls e1000e_netmap_configure(),
 * which asks netmap_reset() whether each ring is to use netmap buffers:
 *  - TX stays empty, the legacy descriptors are written by txsync;
 *  - RX descriptors (extended format, as the driver uses with a standard
 *    MTU) get the free netmap slots, and the driver's RX clean/refill
 *    functions are replaced by ours, which only wake netmap's pollers.
 * Leaving netmap mode restarts the device again: e1000_configure then
 * installs the driver's own functions and buffers as usual.
 *
 * Descriptor d of a ring holds netmap slot (d + hwofs) mod n (see
 * netmap_native.h). txsync writes one descriptor per slot and sets RS on
 * the last one of each batch (and on NS_REPORT slots), so that a batch
 * raises one completion interrupt; completion is read from the TDH
 * register. rxsync collects descriptors with DD set, then gives the
 * released slots back and moves RDT.
 *
 * Every buffer index and length comes from memory the application can
 * write: netmap_buf() maps a bad index to buffer 0 (reserved, mapped), a
 * TX slot with a bad index or length is sent as a zero-length descriptor,
 * which carries no data.
 */
#include <linux/module.h>
#include <linux/netdevice.h>

#include "e1000.h"
#include "e1000e_netmap.h"
#include "netmap_native.h"

/* RCTL.BSIZE the driver programs for a standard MTU. */
#define E1000E_NM_RX_BUF	2048

struct e1000e_netmap {
	struct netmap_adapter *na;
	u32 rx_next;		/* next RX descriptor to check for DD */
};

static struct netmap_adapter *e1000e_nm(struct e1000_adapter *adapter)
{
	return adapter->netmap ? adapter->netmap->na : NULL;
}

/* Syncs leave the hardware alone while the driver reconfigures it. */
static bool e1000e_nm_busy(struct e1000_adapter *adapter)
{
	return test_bit(__E1000_DOWN, &adapter->state) ||
	       test_bit(__E1000_RESETTING, &adapter->state);
}

static int e1000e_nm_txsync(struct net_device *netdev, struct netmap_sync *s)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);
	struct e1000_ring *tx_ring = adapter->tx_ring;
	u32 n = s->num_slots, bufsize = netmap_buf_size(s);
	u32 k, nic, hw_head;

	if (e1000e_nm_busy(adapter) || tx_ring->count != n)
		return -EAGAIN;

	if (s->hwcur != s->head) {
		nic = netmap_idx_k2n(s, s->hwcur);
		for (k = s->hwcur; k != s->head; k = netmap_next(k, n)) {
			struct netmap_slot *slot = &s->slot[k];
			struct e1000_tx_desc *desc = E1000_TX_DESC(*tx_ring, nic);
			u32 len = READ_ONCE(slot->len);
			u16 flags = READ_ONCE(slot->flags);
			u32 cmd = E1000_TXD_CMD_IFCS;
			dma_addr_t dma;

			if (!netmap_buf(s, READ_ONCE(slot->buf_idx), &dma) ||
			    len > bufsize)
				len = 0;
			if (len)
				netmap_sync_for_device(s, dma, len);
			if (!(flags & NS_MOREFRAG) || !len)
				cmd |= E1000_TXD_CMD_EOP;
			if ((flags & NS_REPORT) || netmap_next(k, n) == s->head)
				cmd |= E1000_TXD_CMD_RS;
			desc->buffer_addr = cpu_to_le64(dma);
			desc->lower.data = cpu_to_le32(cmd | len);
			desc->upper.data = 0;
			slot->flags = flags & ~(NS_REPORT | NS_BUF_CHANGED);
			nic = netmap_next(nic, n);
		}
		/* Descriptors in memory before the device sees the new tail. */
		wmb();
		writel(nic, tx_ring->tail);
		s->hwcur = s->head;
	}

	/* Everything before the hardware head has been fetched and sent. */
	hw_head = readl(tx_ring->head);
	if (hw_head >= n)
		return -EIO;
	s->hwtail = netmap_prev(netmap_idx_n2k(s, hw_head), n);
	return 0;
}

static int e1000e_nm_rxsync(struct net_device *netdev, struct netmap_sync *s)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);
	struct e1000e_netmap *nm = adapter->netmap;
	struct e1000_ring *rx_ring = adapter->rx_ring;
	u32 n = s->num_slots, bufsize = netmap_buf_size(s);
	u32 k, nic, stop;

	if (e1000e_nm_busy(adapter) || rx_ring->count != n)
		return -EAGAIN;

	/* Frames the device wrote back, up to the slot before hwcur. */
	nic = nm->rx_next;
	k = netmap_idx_n2k(s, nic);
	stop = netmap_prev(s->hwcur, n);
	while (k != stop) {
		union e1000_rx_desc_extended *desc =
			E1000_RX_DESC_EXT(*rx_ring, nic);
		u32 staterr = le32_to_cpu(desc->wb.upper.status_error);
		struct netmap_slot *slot = &s->slot[k];
		dma_addr_t dma;
		u32 len;

		if (!(staterr & E1000_RXD_STAT_DD))
			break;
		/* The rest of the descriptor after its DD bit. */
		dma_rmb();
		len = min_t(u32, le16_to_cpu(desc->wb.upper.length), bufsize);
		if (netmap_buf(s, READ_ONCE(slot->buf_idx), &dma))
			netmap_sync_for_cpu(s, dma, len);
		slot->len = len;
		slot->flags = (staterr & E1000_RXD_STAT_EOP) ? 0 : NS_MOREFRAG;
		nic = netmap_next(nic, n);
		k = netmap_next(k, n);
	}
	nm->rx_next = nic;
	s->hwtail = k;

	/* Slots the application released go back to the device. */
	if (s->hwcur != s->head) {
		nic = netmap_idx_k2n(s, s->hwcur);
		for (k = s->hwcur; k != s->head; k = netmap_next(k, n)) {
			union e1000_rx_desc_extended *desc =
				E1000_RX_DESC_EXT(*rx_ring, nic);
			struct netmap_slot *slot = &s->slot[k];
			dma_addr_t dma;

			netmap_buf(s, READ_ONCE(slot->buf_idx), &dma);
			netmap_sync_for_device(s, dma, bufsize);
			desc->read.buffer_addr = cpu_to_le64(dma);
			desc->read.reserved = 0;	/* clears DD */
			slot->flags &= ~NS_BUF_CHANGED;
			nic = netmap_next(nic, n);
		}
		s->hwcur = s->head;
		/* Descriptors in memory before the device sees the new tail. */
		wmb();
		writel(netmap_idx_k2n(s, netmap_prev(s->hwcur, n)),
		       rx_ring->tail);
	}
	return 0;
}

/* NAPI's RX work in netmap mode: wake the pollers, report no work. */
static bool e1000e_nm_clean_rx(struct e1000_ring *rx_ring, int *work_done,
			       int work_to_do)
{
	netmap_rx_irq(e1000e_nm(rx_ring->adapter), 0);
	return false;
}

/* The RX ring is refilled by rxsync only. */
static void e1000e_nm_alloc_rx(struct e1000_ring *rx_ring, int cleaned_count,
			       gfp_t gfp)
{
}

/* Program the free netmap slots into the RX ring, RDT after them. */
static void e1000e_nm_rx_fill(struct e1000_adapter *adapter,
			      struct netmap_sync *s)
{
	struct e1000_ring *rx_ring = adapter->rx_ring;
	u32 n = s->num_slots, bufsize = netmap_buf_size(s);
	u32 k, nic = 0, stop = netmap_prev(s->hwcur, n);

	for (k = s->hwtail; k != stop; k = netmap_next(k, n)) {
		union e1000_rx_desc_extended *desc =
			E1000_RX_DESC_EXT(*rx_ring, nic);
		dma_addr_t dma;

		netmap_buf(s, READ_ONCE(s->slot[k].buf_idx), &dma);
		netmap_sync_for_device(s, dma, bufsize);
		desc->read.buffer_addr = cpu_to_le64(dma);
		desc->read.reserved = 0;
		nic++;
	}
	adapter->netmap->rx_next = 0;
	/* Descriptors in memory before the device sees the new tail. */
	wmb();
	writel(nic, rx_ring->tail);
}

void e1000e_netmap_configure(struct e1000_adapter *adapter)
{
	struct netmap_adapter *na = e1000e_nm(adapter);
	struct netmap_sync s;
	u32 rx_desc;

	if (!na)
		return;
	/* The TX ring starts empty: nothing to program until txsync. */
	netmap_reset(na, NETMAP_TX, 0, adapter->tx_ring->count, &s);

	/* Packet split and jumbo frames use other buffer layouts. */
	rx_desc = adapter->rx_ring->count;
	if (adapter->rx_ps_pages ||
	    adapter->rx_buffer_len > E1000E_NM_RX_BUF)
		rx_desc = 0;
	if (!netmap_reset(na, NETMAP_RX, 0, rx_desc, &s))
		return;
	e1000e_nm_rx_fill(adapter, &s);
	adapter->clean_rx = e1000e_nm_clean_rx;
	adapter->alloc_rx_buf = e1000e_nm_alloc_rx;
}

bool e1000e_netmap_tx_irq(struct e1000_ring *tx_ring)
{
	return netmap_tx_irq(e1000e_nm(tx_ring->adapter), 0);
}

bool e1000e_netmap_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	return netmap_xmit(e1000e_nm(netdev_priv(netdev)), skb);
}

static int e1000e_nm_reg(struct net_device *netdev, bool on)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);

	/* A stopped device is configured for netmap when it is opened. */
	if (netif_running(netdev))
		e1000e_reinit_locked(adapter);
	return 0;
}

static int e1000e_nm_config(struct net_device *netdev,
			    struct netmap_native_info *info)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);

	info->num_tx_slots = adapter->tx_ring->count;
	info->num_rx_slots = adapter->rx_ring->count;
	return 0;
}

static const struct netmap_native_ops e1000e_nm_ops = {
	.reg	= e1000e_nm_reg,
	.txsync	= e1000e_nm_txsync,
	.rxsync	= e1000e_nm_rxsync,
	.config	= e1000e_nm_config,
};

void e1000e_netmap_attach(struct e1000_adapter *adapter)
{
	struct netmap_native_info info = {
		.dev = adapter->netdev,
		.dma_dev = &adapter->pdev->dev,
		.owner = THIS_MODULE,
		.ops = &e1000e_nm_ops,
		.num_tx_rings = 1,
		.num_rx_rings = 1,
		.num_tx_slots = adapter->tx_ring->count,
		.num_rx_slots = adapter->rx_ring->count,
		.rx_buf_size = E1000E_NM_RX_BUF,
	};
	struct e1000e_netmap *nm;

	/* The tail write workaround of some PCH parts is not done here. */
	if (adapter->flags2 & FLAG2_PCIM2PCI_ARBITER_WA)
		return;
	nm = kzalloc(sizeof(*nm), GFP_KERNEL);
	if (!nm)
		return;
	nm->na = netmap_attach(&info);
	if (IS_ERR(nm->na)) {
		netdev_warn(adapter->netdev, "no netmap adapter: %ld\n",
			    PTR_ERR(nm->na));
		kfree(nm);
		return;
	}
	adapter->netmap = nm;
}

void e1000e_netmap_detach(struct e1000_adapter *adapter)
{
	struct e1000e_netmap *nm = adapter->netmap;

	if (!nm)
		return;
	netmap_detach(nm->na);
	adapter->netmap = NULL;
	kfree(nm);
}
