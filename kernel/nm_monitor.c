// SPDX-License-Identifier: GPL-2.0
/*
 * Monitors: a port that sees the traffic of another port's rings.
 *
 * REGISTER with NR_MONITOR_TX and/or NR_MONITOR_RX (or NR_ZCOPY_MON,
 * which means both) on the name of a port that some fd has in netmap
 * mode creates a monitor port for this fd only. Its RX ring k receives
 * what passes through ring k of the parent: TX ring k's frames (flagged
 * NS_TXMON) and RX ring k's frames; host rings likewise. The monitor has
 * max(parent TX, parent RX) RX rings and one TX ring, which refuses to
 * send (a monitor never injects). The fd's ring selection (nr_mode,
 * nr_ringid) chooses which parent rings are watched.
 *
 * Two flavours:
 *  - copy monitors have a private allocator and receive a copy of each
 *    frame as it passes: TX frames when the parent's txsync takes them,
 *    RX frames when the parent's rxsync makes them visible;
 *  - zero-copy monitors share the parent's allocator and receive the
 *    frame's buffer itself once the parent is done with it: RX frames
 *    when the application releases them, TX frames when their
 *    transmission completes. The parent's slot gets the monitor's spare
 *    buffer in exchange (NS_BUF_CHANGED). Ports whose txsync gives away
 *    the buffers it sends (pipes: NAF_NO_ZMON) cannot have them.
 * A monitor ring that is full loses frames, counted in its drops
 * (/sys/kernel/debug/netmap/rings); the parent never waits for it.
 *
 * Hooks. A parent kring with monitors has a list of links, one per
 * (monitor ring, side); nm_kring_ops_sync() diverts its syncs to
 * nm_monitor_sync() while the list is not empty. Links are added and
 * removed under nm_core_lock and the parent kring's sync_lock, so a
 * sync always sees a stable list.
 *
 * Monitor rings. Frames arrive from parent syncs, which hold the
 * parent's sync_lock, not the monitor's; both meet in struct
 * nm_mon_ring under its spinlock:
 *   producer (parent sync): fills slots from tail up to head - 1,
 *      then advances tail;
 *   consumer (monitor rxsync): publishes the application's released
 *      head, and takes tail as its hwtail.
 * Kernel indices (hwcur, hwtail) of the monitor kring are only written
 * by its own rxsync, under its sync_lock, as for any other port.
 *
 * Lifetime. The monitor holds a reference on the parent adapter. When
 * the parent leaves netmap mode (its last fd closes) its krings go away:
 * nm_monitor_parent_off() unlinks every monitor first and marks it
 * NAF_ZOMBIE, so its syncs fail with -EIO and poll reports POLLERR.
 *
 * Exclusivity: a monitor may not watch a ring bound with NR_EXCLUSIVE
 * (-EBUSY), and a ring being watched cannot be bound exclusively.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "netmap_kern.h"

#define NM_MON_MAX_SLOTS	4096

/* A monitor RX ring as the producers see it. */
struct nm_mon_ring {
	spinlock_t lock;
	u32 head;		/* first slot the application still holds */
	u32 tail;		/* next slot to fill */
};

/* One monitor ring fed by one parent ring. */
struct nm_mon_link {
	struct list_head node;		/* in parent kring->monitors */
	struct nm_kring *parent;	/* NULL once unlinked */
	struct nm_kring *mkring;	/* the monitor's RX kring */
	struct nm_mon_ring *mr;
};

struct nm_monitor {
	struct nm_adapter up;
	struct nm_adapter *parent;	/* referenced */
	bool zcopy;
	bool watch[NM_DIRS];		/* parent directions watched */
	struct nm_mon_ring *mr;		/* per RX kring, with the krings */
	struct nm_mon_link *links;	/* while in netmap mode */
	u32 nlinks;
};

static struct nm_monitor *nm_mon_of(struct nm_adapter *na)
{
	return container_of(na, struct nm_monitor, up);
}

/* Free slots a producer may fill. Called with mr->lock held. */
static u32 nm_mon_room(const struct nm_mon_ring *mr, u32 n)
{
	return nm_dist(mr->tail, nm_prev(mr->head, n), n);
}

/*
 * Copy parent slots [from, to) into the monitor ring. Indices and
 * lengths come from shared memory: a bad parent buffer gives an empty
 * frame, a bad monitor buffer loses the frame.
 */
static void nm_mon_copy(struct nm_mon_link *l, u32 from, u32 to)
{
	struct nm_kring *pk = l->parent, *mk = l->mkring;
	u16 txmon = pk->dir == NM_TX ? NS_TXMON : 0;
	u32 n = pk->num_slots, mn = mk->num_slots;
	struct nm_mon_ring *mr = l->mr;
	u32 want = nm_dist(from, to, n), moved = 0, room, t, i;

	if (!want)
		return;
	spin_lock(&mr->lock);
	room = nm_mon_room(mr, mn);
	t = mr->tail;
	for (i = from; i != to && room; i = nm_next(i, n)) {
		struct netmap_slot *ps = &pk->ring->slot[i];
		struct netmap_slot *ms = &mk->ring->slot[t];
		u32 idx = READ_ONCE(ps->buf_idx);
		u32 midx = READ_ONCE(ms->buf_idx);
		u32 len = min_t(u32, READ_ONCE(ps->len), pk->lut.objsize);

		if (!nm_buf_idx_valid(&mk->lut, midx))
			continue;	/* counted below as lost */
		if (!nm_buf_idx_valid(&pk->lut, idx))
			len = 0;
		len = min(len, mk->lut.objsize);
		memcpy(nm_buf_addr(&mk->lut, midx), nm_buf_addr(&pk->lut, idx),
		       len);
		WRITE_ONCE(ms->len, len);
		WRITE_ONCE(ms->flags,
			   (READ_ONCE(ps->flags) & NS_MOREFRAG) | txmon);
		t = nm_next(t, mn);
		room--;
		moved++;
	}
	mr->tail = t;
	spin_unlock(&mr->lock);
	if (want > moved)
		atomic64_add(want - moved, &mk->drops);
	if (moved)
		nm_kring_notify(mk);
}

/*
 * Hand parent slots [from, to) to a zero-copy monitor by exchanging
 * buffers. When the monitor has less room than that, the oldest frames
 * are the ones it misses.
 */
static void nm_mon_swap(struct nm_mon_link *l, u32 from, u32 to)
{
	struct nm_kring *pk = l->parent, *mk = l->mkring;
	u16 txmon = pk->dir == NM_TX ? NS_TXMON : 0;
	u32 n = pk->num_slots, mn = mk->num_slots;
	struct nm_mon_ring *mr = l->mr;
	u32 want = nm_dist(from, to, n), room, lost = 0, t;
	bool moved = false;

	if (!want)
		return;
	spin_lock(&mr->lock);
	room = nm_mon_room(mr, mn);
	if (want > room) {
		lost = want - room;
		from = (from + lost) % n;
	}
	t = mr->tail;
	for (; from != to; from = nm_next(from, n)) {
		struct netmap_slot *ps = &pk->ring->slot[from];
		struct netmap_slot *ms = &mk->ring->slot[t];
		u32 idx = READ_ONCE(ps->buf_idx);
		u32 midx = READ_ONCE(ms->buf_idx);
		u32 len = min_t(u32, READ_ONCE(ps->len), pk->lut.objsize);
		u16 flags = READ_ONCE(ps->flags);

		/* Both rings are in the same allocator (see create). */
		if (!nm_buf_idx_valid(&pk->lut, idx) ||
		    !nm_buf_idx_valid(&pk->lut, midx)) {
			lost++;
			continue;
		}
		WRITE_ONCE(ms->buf_idx, idx);
		WRITE_ONCE(ms->len, len);
		WRITE_ONCE(ms->flags, (flags & NS_MOREFRAG) | txmon);
		WRITE_ONCE(ps->buf_idx, midx);
		WRITE_ONCE(ps->flags, flags | NS_BUF_CHANGED);
		t = nm_next(t, mn);
		moved = true;
	}
	mr->tail = t;
	spin_unlock(&mr->lock);
	if (lost)
		atomic64_add(lost, &mk->drops);
	if (moved)
		nm_kring_notify(mk);
}

/**
 * nm_monitor_sync() - a parent kring's sync, shown to its monitors
 * @kring: a parent kring with at least one monitor
 * @flags: as for the adapter's txsync/rxsync
 *
 * Copy monitors get TX frames before the parent's txsync (which may move
 * the buffers away: pipes) and RX frames after its rxsync; zero-copy
 * monitors get RX frames the application released before the rxsync
 * recycles them, and TX frames whose transmission completed after the
 * txsync.
 *
 * Context: kring->sync_lock held.
 * Return: what the adapter's sync returned.
 */
int nm_monitor_sync(struct nm_kring *kring, int flags)
{
	const struct nm_adapter_ops *ops = kring->na->ops;
	u32 n = kring->num_slots, old_tail = kring->hwtail;
	struct nm_mon_link *l;
	int err;

	lockdep_assert_held(&kring->sync_lock);
	if (kring->dir == NM_TX) {
		u32 from = kring->mon_txpos;

		/* Slots the txsync left unsent last time were copied then. */
		if (nm_dist(kring->hwcur, from, n) >
		    nm_dist(kring->hwcur, kring->rhead, n))
			from = kring->hwcur;
		list_for_each_entry(l, &kring->monitors, node)
			if (!nm_mon_of(l->mkring->na)->zcopy)
				nm_mon_copy(l, from, kring->rhead);
		kring->mon_txpos = kring->rhead;

		err = ops->txsync(kring, flags);
		if (err)
			return err;
		/* Completed: [old hwtail + 1, new hwtail + 1). */
		list_for_each_entry(l, &kring->monitors, node)
			if (nm_mon_of(l->mkring->na)->zcopy)
				nm_mon_swap(l, nm_next(old_tail, n),
					    nm_next(kring->hwtail, n));
		return 0;
	}

	list_for_each_entry(l, &kring->monitors, node)
		if (nm_mon_of(l->mkring->na)->zcopy)
			nm_mon_swap(l, kring->hwcur, kring->rhead);
	err = ops->rxsync(kring, flags);
	if (err)
		return err;
	list_for_each_entry(l, &kring->monitors, node)
		if (!nm_mon_of(l->mkring->na)->zcopy)
			nm_mon_copy(l, old_tail, kring->hwtail);
	return 0;
}

static void nm_mon_unlink(struct nm_mon_link *l)
{
	struct nm_kring *pk = l->parent;

	if (!pk)
		return;
	mutex_lock(&pk->sync_lock);
	list_del(&l->node);
	l->parent = NULL;
	mutex_unlock(&pk->sync_lock);
}

/**
 * nm_monitor_parent_off() - a port leaves netmap mode: drop its monitors
 * @na: the port, its krings still present
 *
 * Every monitor of @na is unlinked and becomes a zombie.
 *
 * Context: nm_core_lock held.
 */
void nm_monitor_parent_off(struct nm_adapter *na)
{
	enum nm_dir d;
	u32 i;

	lockdep_assert_held(&nm_core_lock);
	nm_for_each_dir(d) {
		for (i = 0; i < nm_kring_count(na, d); i++) {
			struct nm_kring *pk = &na->rings[d][i];
			struct nm_mon_link *l, *tmp;

			list_for_each_entry_safe(l, tmp, &pk->monitors, node) {
				struct nm_kring *mk = l->mkring;

				nm_mon_unlink(l);
				set_bit(NAF_ZOMBIE, &mk->na->flags);
				nm_kring_notify(mk);
			}
		}
	}
}

/* The parent kring monitor RX kring @mk watches in direction @d, if any. */
static struct nm_kring *nm_mon_parent_kring(struct nm_monitor *mon,
					    struct nm_kring *mk, enum nm_dir d)
{
	struct nm_adapter *pna = mon->parent;
	u32 nhw = mon->up.num_rings[NM_RX], i = mk->id;

	if (!mon->watch[d])
		return NULL;
	if (!mk->host)
		return i < pna->num_rings[d] ? &pna->rings[d][i] : NULL;
	if (!test_bit(NAF_HOST_RINGS, &pna->flags))
		return NULL;
	i -= nhw;
	return i < pna->num_host_rings[d] ?
	       &pna->rings[d][pna->num_rings[d] + i] : NULL;
}

static void nm_mon_detach(struct nm_monitor *mon)
{
	u32 k;

	for (k = 0; k < mon->nlinks; k++)
		nm_mon_unlink(&mon->links[k]);
	kfree(mon->links);
	mon->links = NULL;
	mon->nlinks = 0;
}

/* Link every bound monitor RX ring to the parent rings it watches. */
static int nm_mon_attach(struct nm_monitor *mon)
{
	struct nm_adapter *na = &mon->up, *pna = mon->parent;
	u32 nrx = nm_kring_count(na, NM_RX), i, k = 0;
	enum nm_dir d;

	if (!test_bit(NAF_NETMAP_ON, &pna->flags) || !pna->active_fds ||
	    test_bit(NAF_ZOMBIE, &pna->flags))
		return -EINVAL;
	mon->links = kcalloc(nrx * NM_DIRS, sizeof(*mon->links), GFP_KERNEL);
	if (!mon->links)
		return -ENOMEM;

	for (i = 0; i < nrx; i++) {
		struct nm_kring *mk = &na->rings[NM_RX][i];

		if (!mk->ring)
			continue;	/* not selected by this fd */
		nm_for_each_dir(d) {
			struct nm_kring *pk = nm_mon_parent_kring(mon, mk, d);

			if (!pk)
				continue;
			if (pk->exclusive) {
				nm_mon_detach(mon);
				return -EBUSY;
			}
			mon->links[k].mkring = mk;
			mon->links[k].mr = &mon->mr[i];
			mon->links[k].parent = pk;
			mutex_lock(&pk->sync_lock);
			if (list_empty(&pk->monitors))
				pk->mon_txpos = pk->hwcur;
			list_add_tail(&mon->links[k].node, &pk->monitors);
			mutex_unlock(&pk->sync_lock);
			mon->nlinks = ++k;
		}
	}
	return 0;
}

static int nm_mon_reg(struct nm_adapter *na, bool on)
{
	struct nm_monitor *mon = nm_mon_of(na);
	u32 i;
	int err;

	lockdep_assert_held(&nm_core_lock);
	if (!on) {
		nm_mon_detach(mon);
		clear_bit(NAF_NETMAP_ON, &na->flags);
		return 0;
	}
	for (i = 0; i < nm_kring_count(na, NM_RX); i++) {
		mon->mr[i].head = 0;
		mon->mr[i].tail = 0;
	}
	err = nm_mon_attach(mon);
	if (err)
		return err;
	set_bit(NAF_NETMAP_ON, &na->flags);
	return 0;
}

/* A monitor never transmits. */
static int nm_mon_txsync(struct nm_kring *kring, int flags)
{
	return kring->rhead == kring->hwcur ? 0 : -EIO;
}

static int nm_mon_rxsync(struct nm_kring *kring, int flags)
{
	struct nm_mon_ring *mr = &nm_mon_of(kring->na)->mr[kring->id];

	spin_lock(&mr->lock);
	mr->head = kring->rhead;
	kring->hwcur = kring->rhead;
	kring->hwtail = mr->tail;
	spin_unlock(&mr->lock);
	return 0;
}

static int nm_mon_krings_create(struct nm_adapter *na)
{
	struct nm_monitor *mon = nm_mon_of(na);
	u32 n = nm_kring_count(na, NM_RX), i;

	mon->mr = kcalloc(n, sizeof(*mon->mr), GFP_KERNEL);
	if (!mon->mr)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		spin_lock_init(&mon->mr[i].lock);
	return 0;
}

static void nm_mon_krings_delete(struct nm_adapter *na)
{
	struct nm_monitor *mon = nm_mon_of(na);

	kfree(mon->mr);
	mon->mr = NULL;
}

static void nm_mon_dtor(struct nm_adapter *na)
{
	struct nm_monitor *mon = nm_mon_of(na);

	nm_adapter_put(mon->parent);
	kfree(mon);
}

static const struct nm_adapter_ops nm_mon_ops = {
	.reg		= nm_mon_reg,
	.txsync		= nm_mon_txsync,
	.rxsync		= nm_mon_rxsync,
	.krings_create	= nm_mon_krings_create,
	.krings_delete	= nm_mon_krings_delete,
	.dtor		= nm_mon_dtor,
};

/* A private allocator big enough for every ring of the monitor. */
static struct nm_mem *nm_mon_mem_create(struct nm_monitor *mon)
{
	struct nm_adapter *na = &mon->up;
	u32 slots = max(na->num_slots[NM_TX], na->num_slots[NM_RX]);
	u32 rings = nm_kring_count(na, NM_TX) + nm_kring_count(na, NM_RX);
	struct nm_mem_geom g = {};

	g.objsize[NM_POOL_RING] = sizeof(struct netmap_ring) +
				  slots * sizeof(struct netmap_slot);
	g.objnum[NM_POOL_RING] = rings;
	g.objsize[NM_POOL_BUF] = nm_mem_lut(mon->parent->mem)->objsize;
	g.objnum[NM_POOL_BUF] = rings * slots + 2;
	return nm_mem_create_private(&g);
}

/**
 * nm_monitor_create() - a monitor of an existing port
 * @net: the caller's network namespace, to find the parent
 * @name: the parent port's name
 * @req: the REGISTER request: NR_MONITOR_TX/RX or NR_ZCOPY_MON in
 *	nr_flags; nr_tx_slots/nr_rx_slots may size the monitor's rings
 *
 * Context: process context, nm_core_lock held.
 * Return: the monitor with one reference; ERR_PTR(-ENXIO) if there is no
 * such port, -EPERM for a NIC without CAP_NET_ADMIN in its namespace,
 * -EINVAL if nobody has it in netmap mode (or a zero-copy
 * monitor names another allocator), -EOPNOTSUPP for a zero-copy monitor
 * of a port that cannot have one, -ENOMEM.
 */
struct nm_adapter *nm_monitor_create(struct net *net, const char *name,
				     const struct nmreq_register *req)
{
	bool zcopy = req->nr_flags & NR_ZCOPY_MON;
	struct nm_adapter *na, *pna;
	struct nm_monitor *mon;
	struct nm_mem *mem;
	char mname[NETMAP_REQ_IFNAMSIZ];
	enum nm_dir d;
	int err;

	lockdep_assert_held(&nm_core_lock);
	pna = nm_adapter_lookup(net, name, true, NULL);
	if (IS_ERR(pna))
		return pna;
	/* Watching a NIC is taking its traffic: the same privilege. */
	err = nm_adapter_capable(pna);
	if (err)
		goto err_put;
	err = -EINVAL;
	if (!pna->active_fds || !test_bit(NAF_NETMAP_ON, &pna->flags))
		goto err_put;
	if (zcopy && req->nr_mem_id && req->nr_mem_id != nm_mem_id(pna->mem))
		goto err_put;
	err = -EOPNOTSUPP;
	if (zcopy && test_bit(NAF_NO_ZMON, &pna->flags))
		goto err_put;

	err = -ENOMEM;
	mon = kzalloc(sizeof(*mon), GFP_KERNEL);
	if (!mon)
		goto err_put;
	snprintf(mname, sizeof(mname), "%s/%s%s%s", name,
		 zcopy ? "z" : "",
		 !zcopy && (req->nr_flags & NR_MONITOR_TX) ? "t" : "",
		 !zcopy && (req->nr_flags & NR_MONITOR_RX) ? "r" : "");
	na = &mon->up;
	nm_adapter_init(na, mname, &nm_mon_ops);
	mon->parent = pna;
	mon->zcopy = zcopy;
	mon->watch[NM_TX] = zcopy || (req->nr_flags & NR_MONITOR_TX);
	mon->watch[NM_RX] = zcopy || (req->nr_flags & NR_MONITOR_RX);

	na->num_rings[NM_TX] = 1;
	na->num_rings[NM_RX] = max(pna->num_rings[NM_TX],
				   pna->num_rings[NM_RX]);
	if (test_bit(NAF_HOST_RINGS, &pna->flags)) {
		set_bit(NAF_HOST_RINGS, &na->flags);
		na->num_host_rings[NM_RX] = max(pna->num_host_rings[NM_TX],
						pna->num_host_rings[NM_RX]);
	}
	nm_for_each_dir(d)
		na->num_slots[d] = max(pna->num_slots[NM_TX],
				       pna->num_slots[NM_RX]);
	if (req->nr_tx_slots)
		na->num_slots[NM_TX] = req->nr_tx_slots;
	if (req->nr_rx_slots)
		na->num_slots[NM_RX] = req->nr_rx_slots;
	/* Zero copy swaps buffers: the slot counts must fit one allocator. */
	if (zcopy) {
		mem = nm_mem_get(pna->mem);
	} else {
		nm_for_each_dir(d)
			na->num_slots[d] = clamp_t(u32, na->num_slots[d], 2,
						   NM_MON_MAX_SLOTS);
		mem = nm_mon_mem_create(mon);
		if (IS_ERR(mem)) {
			err = PTR_ERR(mem);
			kfree(mon);
			goto err_put;
		}
	}
	na->mem_default = mem;
	na->mem = mem;
	return na;

err_put:
	nm_adapter_put(pna);
	return ERR_PTR(err);
}
