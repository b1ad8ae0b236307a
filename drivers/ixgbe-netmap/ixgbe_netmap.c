// SPDX-License-Identifier: GPL-2.0
/*
 * Native netmap adapter of the ixgbe driver (82598, 82599, X540, X550).
 * Built into ixgbe.ko with the in-tree driver, which calls the hooks of
 * ixgbe_netmap.h.
 *
 * netmap sees the driver's TX and RX queues (at most IXGBE_NM_MAX_RINGS
 * each way, the core's limit), with the driver's ring sizes; XDP rings
 * are left to the driver, and a port with an XDP program attached is
 * refused.
 *
 * Entering and leaving netmap mode (->reg) restarts the device if it
 * runs: its ring setup (ixgbe_configure_tx_ring/_rx_ring) calls our
 * hooks, which ask netmap_reset() whether each ring is to use netmap
 * buffers:
 *  - a TX ring stays empty, txsync writes its advanced descriptors;
 *  - an RX ring gets 2 KB packet buffers (SRRCTL) and no receive
 *    coalescing (RSCCTL), which the driver may have configured for its
 *    own pages, then the free netmap slots once the queue is enabled.
 * The driver's TX clean and RX clean routines only wake netmap's pollers
 * on such rings (the hooks return before touching them).
 *
 * Descriptor d of a ring holds netmap slot (d + hwofs) mod n (see
 * netmap_native.h). txsync turns each packet (a slot, or a chain of
 * NS_MOREFRAG slots) into one data descriptor per slot and sets RS on the
 * last descriptor of a packet every ixnm_tx_rs_interval() descriptors,
 * on packets with NS_REPORT and on the last packet of each sync; the RS
 * descriptors are remembered in order (struct ixnm_rs_fifo), and
 * completion is read from their DD write-back; packets that were not sent
 * (no RS) after the last RS descriptor complete from the head register
 * (ixnm_tx_complete()). rxsync collects
 * descriptors with DD set, a frame spanning several descriptors becoming
 * NS_MOREFRAG slots, then gives the released slots back and moves RDT.
 *
 * Every buffer index and length comes from memory the application can
 * write: each is read once; netmap_buf() maps a bad index to buffer 0
 * (reserved, mapped), and a TX packet with a bad buffer or length is not
 * sent (ixnm_tx_encode() makes its descriptors context descriptors).
 *
 * State (struct ixgbe_netmap): txq[q] and rxq[q].next belong to the sync
 * of ring q (one at a time, the core's rule) and to the ring setup path,
 * which runs while the driver is down or resetting, when syncs return
 * -EAGAIN; rxq[q].init/.reset pass from one setup hook to the next;
 * rs_mem and rs_n change under rtnl in ->reg(on) on entry only, before
 * any ring is set up for netmap (on says whether we are in netmap mode:
 * a ->reg(on) while on only reinitialises the rings), and are freed at
 * detach.
 */
#include <linux/build_bug.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#include "ixgbe.h"
#include "ixgbe_netmap.h"
#include "netmap_native.h"
#include "ixgbe_netmap_ring.h"

/* The core's limit on the rings of a native adapter. */
#define IXGBE_NM_MAX_RINGS	64U
/* SRRCTL.BSIZEPKT in netmap mode: netmap's default buffer size. */
#define IXGBE_NM_RX_BUF		2048

struct ixgbe_nm_txq {
	struct ixnm_rs_fifo rs;
	u32 clean;		/* first descriptor not known to be done */
	u32 since_rs;		/* descriptors written since the last RS */
};

struct ixgbe_nm_rxq {
	struct netmap_sync init;	/* from netmap_reset(), for the fill */
	bool reset;			/* init is to be filled in */
	u32 next;			/* next descriptor to check for DD */
};

struct ixgbe_netmap {
	struct netmap_adapter *na;
	bool on;			/* between ->reg(on) and ->reg(off) */
	u32 *rs_mem;			/* the TX rings' RS FIFOs */
	u32 rs_n;			/* ring size rs_mem was made for */
	struct ixgbe_nm_txq txq[IXGBE_NM_MAX_RINGS];
	struct ixgbe_nm_rxq rxq[IXGBE_NM_MAX_RINGS];
};

/* Our descriptor bits are the driver's. */
static void ixgbe_nm_check_bits(void)
{
	BUILD_BUG_ON(IXNM_TXD_DTYP_DATA != IXGBE_ADVTXD_DTYP_DATA);
	BUILD_BUG_ON(IXNM_TXD_DTYP_CTXT != IXGBE_ADVTXD_DTYP_CTXT);
	BUILD_BUG_ON(IXNM_TXD_CMD_EOP != IXGBE_TXD_CMD_EOP);
	BUILD_BUG_ON(IXNM_TXD_CMD_IFCS != IXGBE_ADVTXD_DCMD_IFCS);
	BUILD_BUG_ON(IXNM_TXD_CMD_RS != IXGBE_TXD_CMD_RS);
	BUILD_BUG_ON(IXNM_TXD_CMD_DEXT != IXGBE_ADVTXD_DCMD_DEXT);
	BUILD_BUG_ON(IXNM_TXD_PAYLEN_SHIFT != IXGBE_ADVTXD_PAYLEN_SHIFT);
	BUILD_BUG_ON(IXNM_TXD_STAT_DD != IXGBE_TXD_STAT_DD);
	BUILD_BUG_ON(IXNM_RXD_STAT_DD != IXGBE_RXD_STAT_DD);
	BUILD_BUG_ON(IXNM_RXD_STAT_EOP != IXGBE_RXD_STAT_EOP);
	BUILD_BUG_ON(IXNM_TX_MAX_DESC_LEN >= IXGBE_MAX_DATA_PER_TXD);
	/* A context descriptor fills the data descriptor's dwords 2-3. */
	BUILD_BUG_ON(offsetof(struct ixgbe_adv_tx_context_desc,
			      type_tucmd_mlhl) !=
		     offsetof(union ixgbe_adv_tx_desc, read.cmd_type_len));
	BUILD_BUG_ON(offsetof(struct ixgbe_adv_tx_context_desc,
			      mss_l4len_idx) !=
		     offsetof(union ixgbe_adv_tx_desc, read.olinfo_status));
}

/* Syncs leave the hardware alone while the driver reconfigures it. */
static bool ixgbe_nm_busy(struct ixgbe_adapter *adapter)
{
	return test_bit(__IXGBE_DOWN, &adapter->state) ||
	       test_bit(__IXGBE_RESETTING, &adapter->state);
}

/* For ixnm_tx_complete(): a TX descriptor's DD, the TX head register. */
static bool ixgbe_nm_tx_dd(void *arg, u32 d)
{
	union ixgbe_adv_tx_desc *desc = IXGBE_TX_DESC((struct ixgbe_ring *)arg,
						      d);

	return le32_to_cpu(READ_ONCE(desc->wb.status)) & IXNM_TXD_STAT_DD;
}

static u32 ixgbe_nm_tx_head(void *arg)
{
	struct ixgbe_ring *ring = arg;
	struct ixgbe_adapter *adapter = netdev_priv(ring->netdev);

	return IXGBE_READ_REG(&adapter->hw, IXGBE_TDH(ring->reg_idx));
}

static int ixgbe_nm_txsync(struct net_device *netdev, struct netmap_sync *s)
{
	struct ixgbe_adapter *adapter = netdev_priv(netdev);
	u32 n = s->num_slots, interval = ixnm_tx_rs_interval(n);
	union ixgbe_adv_tx_desc *rs_desc = NULL;
	u32 maxlen = netmap_buf_size(s);
	struct ixgbe_nm_txq *q;
	struct ixgbe_ring *ring;
	u32 k, nic, d, rs_nic = 0;

	if (ixgbe_nm_busy(adapter) || s->qid >= IXGBE_NM_MAX_RINGS ||
	    s->qid >= adapter->num_tx_queues)
		return -EAGAIN;
	ring = adapter->tx_ring[s->qid];
	q = &adapter->netmap->txq[s->qid];
	if (!ring || ring->count != n || !q->rs.desc || q->rs.size != n)
		return -EAGAIN;

	k = s->hwcur;
	nic = netmap_idx_k2n(s, k);
	while (k != s->head) {
		struct ixnm_tx_frag f[IXNM_TX_MAX_FRAGS];
		dma_addr_t dma[IXNM_TX_MAX_FRAGS];
		struct ixnm_txd txd[IXNM_TX_MAX_FRAGS];
		union ixgbe_adv_tx_desc *desc = NULL;
		bool report = false, more, sent;
		u32 i, j = k, nf = 0;

		/* One packet: its slots, each read once. */
		do {
			struct netmap_slot *slot = &s->slot[j];
			u16 flags = READ_ONCE(slot->flags);

			f[nf].flags = flags;
			f[nf].len = READ_ONCE(slot->len);
			f[nf].buf_ok = netmap_buf(s, READ_ONCE(slot->buf_idx),
						  &dma[nf]);
			report |= flags & NS_REPORT;
			more = flags & NS_MOREFRAG;
			nf++;
			j = netmap_next(j, n);
		} while (more && j != s->head && nf < IXNM_TX_MAX_FRAGS);
		/* The rest of the packet is not released yet: next time. */
		if (more && nf < IXNM_TX_MAX_FRAGS)
			break;

		sent = ixnm_tx_encode(f, nf, maxlen, txd);
		for (i = 0; i < nf; i++) {
			u32 len = txd[i].cmd & IXNM_TXD_LEN_MASK;

			desc = IXGBE_TX_DESC(ring, nic);
			if (txd[i].data) {
				netmap_sync_for_device(s, dma[i], len);
				desc->read.buffer_addr = cpu_to_le64(dma[i]);
			} else {
				desc->read.buffer_addr = 0;
			}
			desc->read.cmd_type_len = cpu_to_le32(txd[i].cmd);
			desc->read.olinfo_status = cpu_to_le32(txd[i].olinfo);
			s->slot[k].flags = f[i].flags &
					   ~(NS_REPORT | NS_BUF_CHANGED);
			k = netmap_next(k, n);
			d = nic;
			nic = netmap_next(nic, n);
		}
		q->since_rs += nf;
		if (!sent)
			continue;
		if (ixnm_tx_want_rs(q->since_rs, interval, report)) {
			desc->read.cmd_type_len |= cpu_to_le32(IXNM_TXD_CMD_RS);
			/* Never full: one entry per packet in flight. */
			ixnm_rs_push(&q->rs, d);
			q->since_rs = 0;
			rs_desc = NULL;
		} else {
			rs_desc = desc;
			rs_nic = d;
		}
	}
	/* The last packet sent reports, so that the batch completes. */
	if (rs_desc) {
		rs_desc->read.cmd_type_len |= cpu_to_le32(IXNM_TXD_CMD_RS);
		ixnm_rs_push(&q->rs, rs_nic);
		q->since_rs = 0;
	}
	if (k != s->hwcur) {
		/* Descriptors in memory before the device sees the new tail. */
		wmb();
		writel(nic, ring->tail);
		s->hwcur = k;
	}

	/* In order: done RS descriptors, then the head register if needed. */
	q->clean = ixnm_tx_complete(&q->rs, q->clean, netmap_idx_k2n(s, k), n,
				    ixgbe_nm_tx_dd, ixgbe_nm_tx_head, ring);
	s->hwtail = netmap_prev(netmap_idx_n2k(s, q->clean), n);
	return 0;
}

static int ixgbe_nm_rxsync(struct net_device *netdev, struct netmap_sync *s)
{
	struct ixgbe_adapter *adapter = netdev_priv(netdev);
	u32 n = s->num_slots, bufsize = netmap_buf_size(s);
	struct ixgbe_nm_rxq *q;
	struct ixgbe_ring *ring;
	u32 k, nic, stop;

	if (ixgbe_nm_busy(adapter) || s->qid >= IXGBE_NM_MAX_RINGS ||
	    s->qid >= adapter->num_rx_queues)
		return -EAGAIN;
	ring = adapter->rx_ring[s->qid];
	q = &adapter->netmap->rxq[s->qid];
	if (!ring || ring->count != n || q->next >= n)
		return -EAGAIN;

	/* Frames the device wrote back, up to the slot before hwcur. */
	nic = q->next;
	k = netmap_idx_n2k(s, nic);
	stop = netmap_prev(s->hwcur, n);
	while (k != stop) {
		union ixgbe_adv_rx_desc *desc = IXGBE_RX_DESC(ring, nic);
		u32 staterr = le32_to_cpu(READ_ONCE(desc->wb.upper.status_error));
		struct netmap_slot *slot = &s->slot[k];
		dma_addr_t dma;
		u16 flags;
		u32 len;

		if (!(staterr & IXNM_RXD_STAT_DD))
			break;
		/* The rest of the descriptor after its DD bit. */
		dma_rmb();
		ixnm_rx_slot(staterr, le16_to_cpu(desc->wb.upper.length),
			     bufsize, &len, &flags);
		if (netmap_buf(s, READ_ONCE(slot->buf_idx), &dma))
			netmap_sync_for_cpu(s, dma, len);
		slot->len = len;
		slot->flags = flags;
		nic = netmap_next(nic, n);
		k = netmap_next(k, n);
	}
	q->next = nic;
	s->hwtail = k;

	/* Slots the application released go back to the device. */
	if (s->hwcur != s->head) {
		nic = netmap_idx_k2n(s, s->hwcur);
		for (k = s->hwcur; k != s->head; k = netmap_next(k, n)) {
			union ixgbe_adv_rx_desc *desc = IXGBE_RX_DESC(ring, nic);
			struct netmap_slot *slot = &s->slot[k];
			dma_addr_t dma;

			netmap_buf(s, READ_ONCE(slot->buf_idx), &dma);
			netmap_sync_for_device(s, dma, bufsize);
			desc->read.pkt_addr = cpu_to_le64(dma);
			desc->read.hdr_addr = 0;	/* clears DD */
			slot->flags &= ~NS_BUF_CHANGED;
			nic = netmap_next(nic, n);
		}
		s->hwcur = s->head;
		/* Descriptors in memory before the device sees the new tail. */
		wmb();
		writel(netmap_idx_k2n(s, netmap_prev(s->hwcur, n)), ring->tail);
	}
	return 0;
}

void ixgbe_netmap_configure_tx_ring(struct ixgbe_adapter *adapter,
				    struct ixgbe_ring *ring)
{
	struct ixgbe_netmap *nm = adapter->netmap;
	struct ixgbe_nm_txq *q;
	struct netmap_sync s;

	if (!nm || ring_is_xdp(ring) || ring->queue_index >= IXGBE_NM_MAX_RINGS)
		return;
	/* The ring starts empty: txsync writes its descriptors. */
	if (!netmap_reset(nm->na, NETMAP_TX, ring->queue_index, ring->count,
			  &s))
		return;
	q = &nm->txq[ring->queue_index];
	ixnm_rs_reset(&q->rs);
	q->clean = 0;
	q->since_rs = 0;
}

void ixgbe_netmap_configure_rx_ring(struct ixgbe_adapter *adapter,
				    struct ixgbe_ring *ring)
{
	struct ixgbe_netmap *nm = adapter->netmap;
	struct ixgbe_hw *hw = &adapter->hw;
	u8 reg_idx = ring->reg_idx;
	struct ixgbe_nm_rxq *q;
	u32 reg;

	if (!nm || ring->queue_index >= IXGBE_NM_MAX_RINGS)
		return;
	q = &nm->rxq[ring->queue_index];
	q->reset = netmap_reset(nm->na, NETMAP_RX, ring->queue_index,
				ring->count, &q->init);
	if (!q->reset)
		return;

	/* One netmap buffer per descriptor, frames never coalesced. */
	if (hw->mac.type == ixgbe_mac_82598EB)
		reg_idx &= adapter->ring_feature[RING_F_RSS].mask;
	reg = IXGBE_READ_REG(hw, IXGBE_SRRCTL(reg_idx));
	reg &= ~IXGBE_SRRCTL_BSIZEPKT_MASK;
	reg |= IXGBE_NM_RX_BUF >> IXGBE_SRRCTL_BSIZEPKT_SHIFT;
	IXGBE_WRITE_REG(hw, IXGBE_SRRCTL(reg_idx), reg);
	if (hw->mac.type != ixgbe_mac_82598EB) {
		reg = IXGBE_READ_REG(hw, IXGBE_RSCCTL(ring->reg_idx));
		IXGBE_WRITE_REG(hw, IXGBE_RSCCTL(ring->reg_idx),
				reg & ~IXGBE_RSCCTL_RSCEN);
	}
}

bool ixgbe_netmap_fill_rx_ring(struct ixgbe_adapter *adapter,
			       struct ixgbe_ring *ring)
{
	struct ixgbe_netmap *nm = adapter->netmap;
	struct netmap_sync *s;
	struct ixgbe_nm_rxq *q;
	u32 k, n, stop, bufsize, nic = 0;

	if (!nm || ring->queue_index >= IXGBE_NM_MAX_RINGS)
		return false;
	q = &nm->rxq[ring->queue_index];
	if (!q->reset)
		return false;
	q->reset = false;

	/* The free slots [hwtail, hwcur - 1) into descriptors 0.. */
	s = &q->init;
	n = s->num_slots;
	bufsize = netmap_buf_size(s);
	stop = netmap_prev(s->hwcur, n);
	for (k = s->hwtail; k != stop; k = netmap_next(k, n)) {
		union ixgbe_adv_rx_desc *desc = IXGBE_RX_DESC(ring, nic);
		dma_addr_t dma;

		netmap_buf(s, READ_ONCE(s->slot[k].buf_idx), &dma);
		netmap_sync_for_device(s, dma, bufsize);
		desc->read.pkt_addr = cpu_to_le64(dma);
		desc->read.hdr_addr = 0;
		nic++;
	}
	q->next = 0;
	/* Descriptors in memory before the device sees the new tail. */
	wmb();
	writel(nic, ring->tail);
	return true;
}

bool ixgbe_netmap_tx_irq(struct ixgbe_ring *tx_ring)
{
	struct ixgbe_adapter *adapter = netdev_priv(tx_ring->netdev);

	if (!adapter->netmap || ring_is_xdp(tx_ring))
		return false;
	return netmap_tx_irq(adapter->netmap->na, tx_ring->queue_index);
}

bool ixgbe_netmap_rx_irq(struct ixgbe_ring *rx_ring)
{
	struct ixgbe_adapter *adapter = netdev_priv(rx_ring->netdev);

	if (!adapter->netmap)
		return false;
	return netmap_rx_irq(adapter->netmap->na, rx_ring->queue_index);
}

bool ixgbe_netmap_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct ixgbe_adapter *adapter = netdev_priv(netdev);

	return adapter->netmap && netmap_xmit(adapter->netmap->na, skb);
}

/* One RS FIFO per TX ring, for rings of @n descriptors (rtnl held). */
static int ixgbe_nm_rs_alloc(struct ixgbe_netmap *nm, u32 n)
{
	u32 i, rings = IXGBE_NM_MAX_RINGS;

	kvfree(nm->rs_mem);
	nm->rs_n = 0;
	nm->rs_mem = kvcalloc(array_size(rings, n), sizeof(u32), GFP_KERNEL);
	for (i = 0; i < rings; i++) {
		nm->txq[i].rs.desc = nm->rs_mem ? nm->rs_mem + i * n : NULL;
		nm->txq[i].rs.size = nm->rs_mem ? n : 0;
		ixnm_rs_reset(&nm->txq[i].rs);
	}
	if (!nm->rs_mem)
		return -ENOMEM;
	nm->rs_n = n;
	return 0;
}

static int ixgbe_nm_reg(struct net_device *netdev, bool on)
{
	struct ixgbe_adapter *adapter = netdev_priv(netdev);
	struct ixgbe_netmap *nm = adapter->netmap;
	int err;

	/*
	 * Called again while on (rings bound or released), ->reg neither
	 * refuses nor allocates: the rings must be reinitialised, a released
	 * ring's buffers are freed right after, and the bound rings' txsyncs
	 * use the RS FIFOs.
	 */
	/* XDP and AF_XDP bring their own buffers to the rings. */
	if (on && !nm->on && adapter->xdp_prog)
		return -EBUSY;
	if (on && ixnm_rs_realloc(nm->on, nm->rs_n, adapter->tx_ring_count)) {
		err = ixgbe_nm_rs_alloc(nm, adapter->tx_ring_count);
		if (err)
			return err;
	}
	nm->on = on;
	/* A stopped device is set up for netmap when it is opened. */
	if (netif_running(netdev))
		ixgbe_reinit_locked(adapter);
	return 0;
}

static int ixgbe_nm_config(struct net_device *netdev,
			   struct netmap_native_info *info)
{
	struct ixgbe_adapter *adapter = netdev_priv(netdev);

	info->num_tx_rings = min_t(u32, adapter->num_tx_queues,
				   IXGBE_NM_MAX_RINGS);
	info->num_rx_rings = min_t(u32, adapter->num_rx_queues,
				   IXGBE_NM_MAX_RINGS);
	info->num_tx_slots = adapter->tx_ring_count;
	info->num_rx_slots = adapter->rx_ring_count;
	return 0;
}

static const struct netmap_native_ops ixgbe_nm_ops = {
	.reg	= ixgbe_nm_reg,
	.txsync	= ixgbe_nm_txsync,
	.rxsync	= ixgbe_nm_rxsync,
	.config	= ixgbe_nm_config,
};

void ixgbe_netmap_attach(struct ixgbe_adapter *adapter)
{
	struct netmap_native_info info = {
		.dev = adapter->netdev,
		.dma_dev = &adapter->pdev->dev,
		.owner = THIS_MODULE,
		.ops = &ixgbe_nm_ops,
		.num_tx_rings = IXGBE_NM_MAX_RINGS,
		.num_rx_rings = IXGBE_NM_MAX_RINGS,
		.num_tx_slots = adapter->tx_ring_count,
		.num_rx_slots = adapter->rx_ring_count,
		.rx_buf_size = IXGBE_NM_RX_BUF,
	};
	struct ixgbe_netmap *nm;

	ixgbe_nm_check_bits();
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

void ixgbe_netmap_detach(struct ixgbe_adapter *adapter)
{
	struct ixgbe_netmap *nm = adapter->netmap;

	if (!nm)
		return;
	netmap_detach(nm->na);
	adapter->netmap = NULL;
	kvfree(nm->rs_mem);
	kfree(nm);
}
