// SPDX-License-Identifier: GPL-2.0
/*
 * Host rings of netdev adapters: the path between the application and the
 * device's own network stack.
 *
 *  - host RX ring: frames the stack transmits through the device while
 *    the ring is bound. A netfilter egress hook on the device steals them
 *    (our own generic-TX frames pass through untouched) and queues them
 *    like received frames; the generic rxsync delivers them. GSO frames
 *    and partial checksums are finished in software first, so nothing is
 *    dropped for needing an offload (upstream drops those).
 *  - host TX ring: every slot the application releases becomes an skb
 *    handed to netif_rx() as if the device had received it; the generic
 *    rx_handler recognises these frames and lets them reach the stack.
 *    Slots are free again as soon as the sync returns.
 *
 * While the host RX ring is not bound the stack's frames reach the device
 * as usual: binding only the hardware rings does not cut the host off.
 *
 * Transparent mode, NIC to host: on a hardware RX ring with NR_FORWARD
 * set (or with the fwd module parameter), slots the application releases
 * with NS_FORWARD are injected into the stack like host TX slots, during
 * the rxsync that takes them back. Host to NIC: slots released on the
 * host RX ring with NS_FORWARD (same NR_FORWARD / fwd condition) move,
 * without copy, into the free slots of the hardware TX rings of the same
 * fd - only if that fd has all of them bound - as if the application had
 * queued them there; the next TX sync sends them (poll() does it at once).
 */
#include <linux/etherdevice.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "netmap_kern.h"

/* Injected skbs whose destructor (ours) has not run yet. */
static atomic_t nm_host_inflight = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(nm_host_wq);

static void nm_host_skb_destructor(struct sk_buff *skb)
{
	if (atomic_dec_and_test(&nm_host_inflight))
		wake_up_all(&nm_host_wq);
}

/**
 * nm_host_skb_is_injected() - did the host TX ring create @skb?
 * @skb: a frame seen on the receive path
 *
 * Context: any.
 * Return: true for frames that must reach the stack.
 */
bool nm_host_skb_is_injected(const struct sk_buff *skb)
{
	return skb->destructor == nm_host_skb_destructor;
}

static unsigned int nm_host_egress(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct nm_adapter *na = priv;
	struct nm_kring *kring;
	u32 q;

	if (nm_gen_skb_is_ours(skb))
		return NF_ACCEPT;
	q = skb_get_queue_mapping(skb) % na->num_host_rings[NM_RX];
	kring = &na->rings[NM_RX][na->num_rings[NM_RX] + q];
	if (!READ_ONCE(kring->on))
		return NF_ACCEPT;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb) {
		atomic64_inc(&kring->drops);
		return NF_STOLEN;
	}
	nm_gen_rx_enqueue(kring, skb, true);
	return NF_STOLEN;
}

/**
 * nm_host_attach() - start capturing what the stack sends through @dev
 * @na: adapter entering netmap mode; its krings exist
 * @dev: its device
 *
 * Context: rtnl held.
 * Return: 0 or a negative errno.
 */
int nm_host_attach(struct nm_adapter *na, struct net_device *dev)
{
	struct nf_hook_ops *ops;
	int err;

	ASSERT_RTNL();
	ops = kzalloc(sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	ops->hook = nm_host_egress;
	ops->priv = na;
	ops->pf = NFPROTO_NETDEV;
	ops->hooknum = NF_NETDEV_EGRESS;
	ops->dev = dev;
	err = nf_register_net_hook(dev_net(dev), ops);
	if (err) {
		kfree(ops);
		return err;
	}
	na->host_hook = ops;
	return 0;
}

/**
 * nm_host_detach() - undo nm_host_attach()
 * @na: adapter leaving netmap mode
 * @dev: its device
 *
 * Waits until no egress hook call can still be running, so the caller may
 * free the krings afterwards.
 *
 * Context: rtnl held.
 */
void nm_host_detach(struct nm_adapter *na, struct net_device *dev)
{
	ASSERT_RTNL();
	if (!na->host_hook)
		return;
	nf_unregister_net_hook(dev_net(dev), na->host_hook);
	synchronize_net();
	kfree(na->host_hook);
	na->host_hook = NULL;
}

/**
 * nm_host_inject() - hand one frame to the stack as if @dev received it
 * @kring: ring the frame comes from (its drops counter, its buffers)
 * @dev: the device
 * @slot: slot holding the frame; indices and length are checked here
 *
 * Frames shorter than an Ethernet header or longer than a buffer are
 * dropped and counted.
 *
 * Context: process context (may allocate), kring->sync_lock held.
 */
void nm_host_inject(struct nm_kring *kring, struct net_device *dev,
		    const struct netmap_slot *slot)
{
	u32 len = READ_ONCE(slot->len);
	struct sk_buff *skb;

	if (len < ETH_HLEN || len > kring->lut.objsize)
		goto drop;
	skb = __netdev_alloc_skb(dev, len, GFP_KERNEL | __GFP_NOWARN);
	if (!skb)
		goto drop;
	skb_put_data(skb, nm_buf_addr(&kring->lut, READ_ONCE(slot->buf_idx)),
		     len);
	skb->protocol = eth_type_trans(skb, dev);
	atomic_inc(&nm_host_inflight);
	skb->destructor = nm_host_skb_destructor;
	netif_rx(skb);
	return;

drop:
	atomic64_inc(&kring->drops);
}

/**
 * nm_host_txsync() - inject the released host TX slots into the stack
 * @kring: a host TX kring of a netdev adapter
 * @flags: NM_SYNC_* (unused: slots are always free on return)
 *
 * Context: process context, kring->sync_lock held.
 * Return: 0.
 */
int nm_host_txsync(struct nm_kring *kring, int flags)
{
	struct net_device *dev = kring->na->ifp;
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->num_slots, head = kring->rhead, i;

	for (i = kring->hwcur; i != head; i = nm_next(i, n)) {
		struct netmap_slot *slot = &ring->slot[i];

		slot->flags &= ~(NS_REPORT | NS_BUF_CHANGED);
		nm_host_inject(kring, dev, slot);
	}
	kring->hwcur = head;
	kring->hwtail = nm_prev(head, n);
	return 0;
}

/*
 * Queue one frame at the application's head of @tk by swapping buffers
 * with @src. Returns false if @tk has no free slot.
 */
static bool nm_host_swap_into_tx(struct nm_kring *tk, struct netmap_slot *src)
{
	struct netmap_ring *ring = tk->ring;
	u32 n = tk->num_slots;
	u32 head = READ_ONCE(ring->head), cur = READ_ONCE(ring->cur);
	struct netmap_slot *dst;
	u32 idx;

	/* The application's head must be sane, with a free slot at it. */
	if (head >= n || cur >= n ||
	    nm_dist(tk->rhead, head, n) >= nm_dist(tk->rhead, tk->rtail, n))
		return false;
	dst = &ring->slot[head];
	idx = READ_ONCE(dst->buf_idx);
	if (!nm_buf_idx_valid(&tk->lut, idx))
		return false;
	WRITE_ONCE(dst->buf_idx, READ_ONCE(src->buf_idx));
	WRITE_ONCE(dst->len, min_t(u32, READ_ONCE(src->len), tk->lut.objsize));
	WRITE_ONCE(dst->flags, NS_BUF_CHANGED);
	WRITE_ONCE(src->buf_idx, idx);
	WRITE_ONCE(src->flags, NS_BUF_CHANGED);
	if (cur == head)
		WRITE_ONCE(ring->cur, nm_next(head, n));
	WRITE_ONCE(ring->head, nm_next(head, n));
	return true;
}

/**
 * nm_host_forward_to_nic() - move NS_FORWARD slots from host RX to NIC TX
 * @hk: a host RX kring whose released slots [hwcur, rhead) are validated
 *	and not yet given back
 *
 * The caller has checked that the fd binds every hardware TX ring and
 * that forwarding is on. A frame that finds no room stays where it is
 * (and is given back to the kernel like any released slot): counted as
 * a drop.
 *
 * Context: process context, @hk->sync_lock held; takes the TX rings'
 * sync_lock (always after a host RX ring's, never the other way).
 * Return: the number of frames moved.
 */
u32 nm_host_forward_to_nic(struct nm_kring *hk)
{
	struct nm_adapter *na = hk->na;
	u32 n = hk->num_slots, ntx = na->num_rings[NM_TX];
	u32 i, t = 0, moved = 0;

	for (i = hk->hwcur; i != hk->rhead; i = nm_next(i, n)) {
		struct netmap_slot *slot = &hk->ring->slot[i];
		u32 tried;

		if (!(READ_ONCE(slot->flags) & NS_FORWARD))
			continue;
		if (!nm_buf_idx_valid(&hk->lut, READ_ONCE(slot->buf_idx)))
			goto drop;
		for (tried = 0; tried < ntx; tried++, t = (t + 1) % ntx) {
			struct nm_kring *tk = &na->rings[NM_TX][t];
			bool ok;

			mutex_lock_nested(&tk->sync_lock, SINGLE_DEPTH_NESTING);
			ok = READ_ONCE(tk->state) == NM_KR_ON && tk->ring &&
			     nm_host_swap_into_tx(tk, slot);
			mutex_unlock(&tk->sync_lock);
			if (ok)
				break;
		}
		if (tried < ntx) {
			moved++;
			continue;
		}
drop:
		atomic64_inc(&hk->drops);
	}
	return moved;
}

/* Module exit: wait for injected frames still inside the stack. */
void nm_host_uninit(void)
{
	while (!wait_event_timeout(nm_host_wq, !atomic_read(&nm_host_inflight),
				   10 * HZ))
		pr_info("netmap: waiting for %d injected packets to be freed\n",
			atomic_read(&nm_host_inflight));
}
