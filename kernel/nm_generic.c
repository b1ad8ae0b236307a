// SPDX-License-Identifier: GPL-2.0
/*
 * Generic (emulated) adapter: netmap rings on any netdev, through the
 * regular stack interfaces only.
 *
 * RX: an rx_handler steals the device's incoming skbs into a per-ring
 * queue (bounded by the ring size); rxsync copies them into the slots.
 * Packets larger than a buffer span several slots with NS_MOREFRAG.
 * The reader is woken by a per-ring timer rather than for every frame
 * (see "RX wakeup mitigation" below).
 *
 * TX: txsync copies each slot into a fresh skb and hands it to
 * dev_queue_xmit(). Every skb carries a destructor that counts a
 * completion when the driver (or the peer, for veth) lets go of it; a
 * slot is given back to the application only after its completion, which
 * gives applications the device's backpressure. The destructor finds its
 * ring through a small refcounted nm_gen_txc, so a completion that
 * arrives after the ring is gone is harmless.
 *
 * Nothing on the device is replaced: we only add an rx_handler while in
 * netmap mode and remove it when the last user leaves or the device goes
 * away.
 */
#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include NM_GSO_HEADER

#include "netmap_kern.h"

/* TX completion tracking of one ring; outlives it while skbs are out. */
struct nm_gen_txc {
	spinlock_t lock;		/* protects kring */
	struct nm_kring *kring;		/* NULL once the ring is gone */
	atomic_t done;			/* completions not yet reclaimed */
	refcount_t ref;			/* the ring + one per skb in flight */
};

/* Live nm_gen_txc objects: module exit waits for stragglers. */
static atomic_t nm_gen_txc_count = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(nm_gen_txc_wq);

struct nm_generic {
	struct nm_adapter up;
};

static void nm_gen_txc_put(struct nm_gen_txc *txc)
{
	if (!refcount_dec_and_test(&txc->ref))
		return;
	kfree(txc);
	if (atomic_dec_and_test(&nm_gen_txc_count))
		wake_up_all(&nm_gen_txc_wq);
}

static void nm_gen_skb_destructor(struct sk_buff *skb);

/* Is @skb one of our own generic-TX frames? */
bool nm_gen_skb_is_ours(const struct sk_buff *skb)
{
	return skb->destructor == nm_gen_skb_destructor;
}

static void nm_gen_skb_destructor(struct sk_buff *skb)
{
	struct nm_gen_txc *txc = skb_shinfo(skb)->destructor_arg;
	unsigned long flags;

	atomic_inc(&txc->done);
	spin_lock_irqsave(&txc->lock, flags);
	if (txc->kring)
		nm_kring_notify(txc->kring);
	spin_unlock_irqrestore(&txc->lock, flags);
	nm_gen_txc_put(txc);
}

/* Largest frame a chain of NS_MOREFRAG slots may form. */
#define NM_GEN_TX_MAX	65535
/* Most slots one frame may span (64 KB of 2 KB buffers, and some). */
#define NM_GEN_TX_FRAGS	64

/*
 * One frame from slots [first, first + nslots) of @kring's ring, @len
 * bytes in all (the per-slot lengths in @lens, already bounded).
 */
static struct sk_buff *nm_gen_skb_build(struct nm_kring *kring,
					struct net_device *dev, u32 first,
					u32 nslots, const u32 *lens, u32 len)
{
	unsigned int hr = LL_RESERVED_SPACE(dev);
	struct netmap_ring *ring = kring->ring;
	struct sk_buff *skb;
	u32 k, i = first;

	if (len < ETH_HLEN)
		return NULL;
	skb = alloc_skb(hr + len + dev->needed_tailroom,
			GFP_KERNEL | __GFP_NOWARN);
	if (!skb)
		return NULL;
	skb_reserve(skb, hr);
	for (k = 0; k < nslots; k++) {
		u32 idx = READ_ONCE(ring->slot[i].buf_idx);

		skb_put_data(skb, nm_buf_addr(&kring->lut, idx), lens[k]);
		i = nm_next(i, kring->num_slots);
	}
	skb->dev = dev;
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb->protocol = eth_hdr(skb)->h_proto;
	if (ntohs(skb->protocol) < ETH_P_802_3_MIN)
		skb->protocol = htons(ETH_P_802_3);
	skb_set_queue_mapping(skb, kring->id);

	refcount_inc(&kring->txc->ref);
	skb_shinfo(skb)->destructor_arg = kring->txc;
	skb->destructor = nm_gen_skb_destructor;
	return skb;
}

static int nm_gen_txsync(struct nm_kring *kring, int flags)
{
	struct net_device *dev = kring->na->ifp;
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->num_slots, head = kring->rhead;
	u32 done, i;

	if (kring->host)
		return nm_host_txsync(kring, flags);

	done = atomic_xchg(&kring->txc->done, 0);
	kring->tx_inflight -= min(done, kring->tx_inflight);

	/*
	 * A frame is a run of slots ending with one without NS_MOREFRAG; a
	 * run not finished before head waits for the next sync. Each
	 * frame's data is copied into its skb, so only one slot per frame
	 * in flight is held back (tx_inflight counts skbs).
	 */
	i = kring->hwcur;
	while (i != head) {
		u32 lens[NM_GEN_TX_FRAGS], nslots = 0, len = 0, j = i;
		bool whole = false, fits = true;
		struct sk_buff *skb = NULL;

		do {
			struct netmap_slot *slot = &ring->slot[j];
			u32 l = min_t(u32, READ_ONCE(slot->len),
				      kring->lut.objsize);
			u16 f = READ_ONCE(slot->flags);

			if (nslots < NM_GEN_TX_FRAGS)
				lens[nslots] = l;
			else
				fits = false;
			nslots++;
			len += l;
			slot->flags = f & ~(NS_REPORT | NS_BUF_CHANGED);
			j = nm_next(j, n);
			whole = !(f & NS_MOREFRAG);
		} while (!whole && j != head);
		if (!whole)
			break;

		if (fits && len <= NM_GEN_TX_MAX)
			skb = nm_gen_skb_build(kring, dev, i, nslots, lens, len);
		if (!skb) {
			atomic64_inc(&kring->drops);
		} else {
			int ret;

			kring->tx_inflight++;
			/* net_xmit_eval() evaluates its argument twice */
			ret = dev_queue_xmit(skb);
			if (net_xmit_eval(ret))
				atomic64_inc(&kring->drops);
		}
		i = j;
	}
	kring->hwcur = i;

	done = atomic_xchg(&kring->txc->done, 0);
	kring->tx_inflight -= min(done, kring->tx_inflight);
	/* Slots after hwtail up to hwcur are still in flight. */
	kring->hwtail = (kring->hwcur + 2 * n - 1 - kring->tx_inflight) % n;
	return 0;
}

/*
 * RX wakeup mitigation. Waking the reader for every frame costs a
 * wakeup, a poll() return and an rxsync per frame. Instead, the first
 * frame that finds the ring's timer idle arms it for generic_rx_mit_us;
 * when it fires, the reader is woken once for everything queued by
 * then. A queue half full wakes the reader at once, so that a fast
 * sender cannot fill it while the timer runs.
 *
 * No frame is ever left without a wakeup: rx_mit_armed is cleared by the
 * timer *before* it notifies, and set by the rx_handler *after* it has
 * queued its frame. Either the rx_handler sees 0 and arms a new timer,
 * or it sees 1 and its frame was queued before the pending timer's
 * notify, whose barrier (wq_has_sleeper()) makes it visible to the woken
 * reader's rxsync. A reader that is not asleep needs no wakeup: poll()
 * registers on the wait queue before it runs rxsync (see nm_sync_poll()).
 *
 * Only the rx_handler (frames of the device) is mitigated; the host RX
 * ring's frames, which the stack hands over one by one in process
 * context, wake their reader at once. The timer is stopped for good in
 * nm_gen_krings_delete(), which runs after nm_gen_reg(off) or
 * nm_generic_detach() unregistered the rx_handler (synchronize_net()
 * inside): nothing can arm it again after that.
 */
#define NM_GEN_RX_MIT_MAX_US	10000

static unsigned int nm_gen_rx_mit_us = 100;

static int nm_gen_rx_mit_set(const char *val, const struct kernel_param *kp)
{
	unsigned int us;

	/* Not a number, too large for one, or out of range: all -EINVAL. */
	if (kstrtouint(val, 0, &us) || us > NM_GEN_RX_MIT_MAX_US)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, us);
	return 0;
}

static const struct kernel_param_ops nm_gen_rx_mit_ops = {
	.set = nm_gen_rx_mit_set,
	.get = param_get_uint,
};

module_param_cb(generic_rx_mit_us, &nm_gen_rx_mit_ops, &nm_gen_rx_mit_us,
		0644);
MODULE_PARM_DESC(generic_rx_mit_us,
		 "Generic adapter: longest delay of an RX wakeup, microseconds (0..10000, 0: wake at every frame; default 100)");

static enum hrtimer_restart nm_gen_rx_mit_fire(struct hrtimer *t)
{
	struct nm_kring *kring = container_of(t, struct nm_kring, rx_mit);

	atomic_set(&kring->rx_mit_armed, 0);
	/* Orders the clear before the notify's reads of the queue state. */
	smp_mb__after_atomic();
	nm_kring_notify(kring);
	return HRTIMER_NORESTART;
}

/* A frame was queued on @kring; wake its reader now or arm the timer. */
static void nm_gen_rx_wake(struct nm_kring *kring, bool mitigate)
{
	unsigned int us = READ_ONCE(nm_gen_rx_mit_us);

	if (!mitigate || !us ||
	    skb_queue_len(&kring->rx_queue) >= kring->num_slots / 2) {
		nm_kring_notify(kring);
		return;
	}
	/* Fully ordered: after the frame's queueing (see above). */
	if (!atomic_xchg(&kring->rx_mit_armed, 1))
		hrtimer_start(&kring->rx_mit, us * NSEC_PER_USEC,
			      HRTIMER_MODE_REL);
}

/* Queue one finished frame; consumes @skb. */
static void nm_gen_rx_enqueue_one(struct nm_kring *kring, struct sk_buff *skb,
				  bool mitigate)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop;
	/*
	 * Like a socket receive: release the sender's accounting now (for
	 * veth the skb still belongs to the peer's socket), or a sender
	 * could block on its send buffer until the application reads.
	 */
	skb_orphan(skb);
	if (skb_queue_len(&kring->rx_queue) >= kring->num_slots)
		goto drop;
	skb_queue_tail(&kring->rx_queue, skb);
	nm_gen_rx_wake(kring, mitigate);
	return;

drop:
	atomic64_inc(&kring->drops);
	kfree_skb(skb);
}

static void nm_gen_rx_enqueue_mit(struct nm_kring *kring, struct sk_buff *skb,
				  bool tx_path, bool mitigate)
{
	struct sk_buff *segs, *next;

	if (!skb_is_gso(skb)) {
		nm_gen_rx_enqueue_one(kring, skb, mitigate);
		return;
	}
	segs = __skb_gso_segment(skb, 0, tx_path);
	if (IS_ERR_OR_NULL(segs)) {
		atomic64_inc(&kring->drops);
		kfree_skb(skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		nm_gen_rx_enqueue_one(kring, skb, mitigate);
	}
}

/**
 * nm_gen_rx_enqueue() - queue a frame for a ring's next rxsync
 * @kring: an RX kring (hardware or host) in netmap mode
 * @skb: the frame, data at its Ethernet header; consumed
 * @tx_path: the frame was on its way out (host RX ring)
 *
 * Offloads the stack left to the device are finished in software here,
 * so that applications always see complete frames with valid checksums:
 * GSO frames are segmented and partial checksums are completed. A frame
 * that cannot be finished, or that finds the queue full, is counted in
 * kring->drops. The ring's reader is woken at once.
 *
 * Context: softirq or process context with BH disabled.
 */
void nm_gen_rx_enqueue(struct nm_kring *kring, struct sk_buff *skb,
		       bool tx_path)
{
	nm_gen_rx_enqueue_mit(kring, skb, tx_path, false);
}

static rx_handler_result_t nm_gen_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct nm_adapter *na = rcu_dereference(skb->dev->rx_handler_data);
	struct nm_kring *kring;
	u32 q = 0;

	/* Frames the host TX ring injects are for the stack. */
	if (nm_host_skb_is_injected(skb))
		return RX_HANDLER_PASS;
	if (skb_rx_queue_recorded(skb))
		q = skb_get_rx_queue(skb) % na->num_rings[NM_RX];
	kring = &na->rings[NM_RX][q];
	if (!READ_ONCE(kring->on))
		return RX_HANDLER_PASS;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		goto drop;
	/* Applications get the frame from its Ethernet header on. */
	skb_push(skb, skb->data - skb_mac_header(skb));
	if (skb_vlan_tag_present(skb)) {
		skb = __vlan_hwaccel_push_inside(skb);
		if (!skb)
			goto drop;
	}
	nm_gen_rx_enqueue_mit(kring, skb, false, true);
	return RX_HANDLER_CONSUMED;

drop:
	atomic64_inc(&kring->drops);
	return RX_HANDLER_CONSUMED;
}

static int nm_gen_rxsync(struct nm_kring *kring, int flags)
{
	struct netmap_ring *ring = kring->ring;
	u32 bufsize = kring->lut.objsize;
	u32 n = kring->num_slots, i, stop;
	struct sk_buff *skb;
	bool fwd;

	/*
	 * Slots the application released go back to the kernel; in
	 * transparent mode those marked NS_FORWARD go up to the stack first.
	 */
	fwd = !kring->host &&
	      (READ_ONCE(nm_fwd) || (READ_ONCE(ring->flags) & NR_FORWARD));
	for (i = kring->hwcur; i != kring->rhead; i = nm_next(i, n)) {
		struct netmap_slot *slot = &ring->slot[i];
		u16 sflags = READ_ONCE(slot->flags);

		if (fwd && (sflags & NS_FORWARD))
			nm_host_inject(kring, kring->na->ifp, slot);
		slot->flags = sflags & ~(NS_BUF_CHANGED | NS_FORWARD);
	}
	kring->hwcur = kring->rhead;

	/* Fill free slots, leaving one empty before hwcur. */
	stop = nm_prev(kring->hwcur, n);
	i = kring->hwtail;
	while (i != stop && (skb = skb_dequeue(&kring->rx_queue))) {
		u32 need = max_t(u32, DIV_ROUND_UP(skb->len, bufsize), 1);
		u32 off = 0;

		if (need > n - 1) {
			/* Could never fit: drop instead of stalling. */
			atomic64_inc(&kring->drops);
			kfree_skb(skb);
			continue;
		}
		if (need > nm_dist(i, stop, n)) {
			skb_queue_head(&kring->rx_queue, skb);
			break;
		}
		while (need--) {
			struct netmap_slot *slot = &ring->slot[i];
			u32 chunk = min(bufsize, skb->len - off);
			void *dst = nm_buf_addr(&kring->lut,
						READ_ONCE(slot->buf_idx));

			if (skb_copy_bits(skb, off, dst, chunk))
				chunk = 0;
			slot->len = chunk;
			slot->flags = need ? NS_MOREFRAG : 0;
			off += chunk;
			i = nm_next(i, n);
		}
		consume_skb(skb);
	}
	kring->hwtail = i;
	return 0;
}

static int nm_gen_reg(struct nm_adapter *na, bool on)
{
	struct net_device *dev;
	enum nm_dir d;
	int err = 0;
	u32 i;

	rtnl_lock();
	dev = na->ifp;
	if (!on) {
		if (test_and_clear_bit(NAF_NETMAP_ON, &na->flags) && dev) {
			nm_host_detach(na, dev);
			netdev_rx_handler_unregister(dev);
		}
		goto out;
	}
	if (!dev || test_bit(NAF_ZOMBIE, &na->flags)) {
		err = -ENXIO;
		goto out;
	}
	nm_for_each_dir(d)
		for (i = 0; i < nm_kring_count(na, d); i++)
			WRITE_ONCE(na->rings[d][i].state, netif_running(dev) ?
				   NM_KR_ON : NM_KR_STOPPED);
	err = netdev_rx_handler_register(dev, nm_gen_rx_handler, na);
	if (err)
		goto out;
	err = nm_host_attach(na, dev);
	if (err) {
		netdev_rx_handler_unregister(dev);
		goto out;
	}
	set_bit(NAF_NETMAP_ON, &na->flags);
out:
	rtnl_unlock();
	return err;
}

static int nm_gen_config(struct nm_adapter *na)
{
	struct ethtool_ringparam rp = {};
	struct kernel_ethtool_ringparam krp = {};
	struct ethtool_channels ch = {};
	const struct ethtool_ops *ops;
	struct net_device *dev;
	u32 txq, rxq;
	int err = 0;

	rtnl_lock();
	dev = na->ifp;
	if (!dev) {
		err = -ENXIO;
		goto out;
	}
	ops = dev->ethtool_ops;
	na->mtu = dev->mtu;
	txq = dev->real_num_tx_queues;
	rxq = dev->real_num_rx_queues;
	if (ops && ops->get_channels) {
		ops->get_channels(dev, &ch);
		if (ch.combined_count + ch.tx_count)
			txq = ch.combined_count + ch.tx_count;
		if (ch.combined_count + ch.rx_count)
			rxq = ch.combined_count + ch.rx_count;
	}
	na->num_rings[NM_TX] = clamp_t(u32, txq, 1, dev->num_tx_queues);
	na->num_rings[NM_RX] = clamp_t(u32, rxq, 1, max(dev->num_rx_queues, 1U));

	na->num_slots[NM_TX] = nm_generic_ringsize;
	na->num_slots[NM_RX] = nm_generic_ringsize;
	if (ops && ops->get_ringparam) {
		ops->get_ringparam(dev, &rp, &krp, NULL);
		if (rp.tx_pending)
			na->num_slots[NM_TX] = rp.tx_pending;
		if (rp.rx_pending)
			na->num_slots[NM_RX] = rp.rx_pending;
	}
out:
	rtnl_unlock();
	return err;
}

static int nm_gen_krings_create(struct nm_adapter *na)
{
	u32 i;

	for (i = 0; i < na->num_rings[NM_RX]; i++) {
		struct nm_kring *kring = &na->rings[NM_RX][i];

		hrtimer_init(&kring->rx_mit, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		kring->rx_mit.function = nm_gen_rx_mit_fire;
		atomic_set(&kring->rx_mit_armed, 0);
	}
	for (i = 0; i < na->num_rings[NM_TX]; i++) {
		struct nm_kring *kring = &na->rings[NM_TX][i];
		struct nm_gen_txc *txc;

		txc = kzalloc(sizeof(*txc), GFP_KERNEL);
		if (!txc)
			goto err_free;
		spin_lock_init(&txc->lock);
		txc->kring = kring;
		refcount_set(&txc->ref, 1);
		atomic_inc(&nm_gen_txc_count);
		kring->txc = txc;
	}
	return 0;

err_free:
	while (i--) {
		nm_gen_txc_put(na->rings[NM_TX][i].txc);
		na->rings[NM_TX][i].txc = NULL;
	}
	return -ENOMEM;
}

static void nm_gen_krings_delete(struct nm_adapter *na)
{
	u32 i;

	/* The rx_handler is gone (see "RX wakeup mitigation"). */
	for (i = 0; i < na->num_rings[NM_RX]; i++)
		hrtimer_cancel(&na->rings[NM_RX][i].rx_mit);

	for (i = 0; i < na->num_rings[NM_TX]; i++) {
		struct nm_kring *kring = &na->rings[NM_TX][i];
		struct nm_gen_txc *txc = kring->txc;

		spin_lock_irq(&txc->lock);
		txc->kring = NULL;
		spin_unlock_irq(&txc->lock);
		nm_gen_txc_put(txc);
		kring->txc = NULL;
	}
}

static void nm_gen_dtor(struct nm_adapter *na)
{
	rtnl_lock();
	if (!list_empty(&na->dev_entry))
		nm_netdev_del(na);
	if (na->ifp)
		netdev_put(na->ifp, &na->dev_tracker);
	na->ifp = NULL;
	rtnl_unlock();
	kfree(container_of(na, struct nm_generic, up));
}

static const struct nm_adapter_ops nm_gen_ops = {
	.reg		= nm_gen_reg,
	.txsync		= nm_gen_txsync,
	.rxsync		= nm_gen_rxsync,
	.config		= nm_gen_config,
	.krings_create	= nm_gen_krings_create,
	.krings_delete	= nm_gen_krings_delete,
	.dtor		= nm_gen_dtor,
};

/**
 * nm_generic_create() - create the generic adapter of a netdev
 * @dev: the device; the adapter holds a reference until the device goes
 *	away or the adapter is destroyed
 *
 * Context: rtnl held.
 * Return: the adapter with one reference, or ERR_PTR(-ENOMEM).
 */
struct nm_adapter *nm_generic_create(struct net_device *dev)
{
	struct nm_generic *gna;
	struct nm_adapter *na;
	enum nm_dir d;

	ASSERT_RTNL();
	gna = kzalloc(sizeof(*gna), GFP_KERNEL);
	if (!gna)
		return ERR_PTR(-ENOMEM);
	na = &gna->up;
	nm_adapter_init(na, dev->name, &nm_gen_ops);
	na->mem_default = nm_mem_get_global();
	na->mem = na->mem_default;
	na->rx_buf_maxsize = 32768;
	set_bit(NAF_HOST_RINGS, &na->flags);
	nm_for_each_dir(d) {
		na->num_rings[d] = 1;
		na->num_slots[d] = nm_generic_ringsize;
	}
	na->ifp = dev;
	netdev_hold(dev, &na->dev_tracker, GFP_KERNEL);
	nm_netdev_add(na, dev);
	return na;
}

/**
 * nm_generic_detach() - the device is going away: turn @na into a zombie
 * @na: a generic adapter attached to a device being unregistered
 *
 * Syncs now fail with -EIO and poll() reports POLLERR; the rings stay
 * mapped until their fds are closed. The device reference is dropped here
 * so that the unregistration can complete.
 *
 * Context: rtnl held (netdev notifier).
 */
void nm_generic_detach(struct nm_adapter *na)
{
	enum nm_dir d;
	u32 i;

	ASSERT_RTNL();
	set_bit(NAF_ZOMBIE, &na->flags);
	if (test_and_clear_bit(NAF_NETMAP_ON, &na->flags)) {
		nm_adapter_stop(na, NM_KR_ZOMBIE);
		nm_host_detach(na, na->ifp);
		netdev_rx_handler_unregister(na->ifp);
		nm_for_each_dir(d)
			for (i = 0; i < nm_kring_count(na, d); i++)
				skb_queue_purge(&na->rings[d][i].rx_queue);
	}
	nm_netdev_del(na);
	netdev_put(na->ifp, &na->dev_tracker);
	na->ifp = NULL;
}

int nm_generic_init(void)
{
	return 0;
}

/* Wait for skbs still owned by drivers, whose destructors call us. */
void nm_generic_uninit(void)
{
	nm_host_uninit();
	while (!wait_event_timeout(nm_gen_txc_wq,
				   !atomic_read(&nm_gen_txc_count), 10 * HZ))
		pr_info("netmap: waiting for %d TX rings' packets to be freed\n",
			atomic_read(&nm_gen_txc_count));
}
