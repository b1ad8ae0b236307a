// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes: two ports joined back to back. "X{id" is the master end and
 * "X}id" the slave end of pipe id of parent X; what one end transmits on
 * TX ring k the other receives on RX ring k, with no copy: only buffer
 * indices travel.
 *
 * Objects. A struct nm_pipe holds both ends (two adapters) and, for each
 * TX ring of each end, a channel to the peer's RX ring of the same index.
 * Both ends are created with the pipe; an end is "alive" while someone
 * holds a reference to it, and the pipe goes away with its last live end.
 * The parent X is a netdev's adapter (referenced, never put in netmap
 * mode), or nothing if no device has that name: such pipes are keyed by
 * the name alone and use the global allocator. Up to
 * NM_PIPE_MAX_PER_PARENT pipes per parent; one more is -ENOMEM (no room
 * for another pipe, as upstream reports it).
 *
 * Channels. The two ends bind, sync and close independently, so a sync
 * never touches the peer's ring: each channel owns a small queue of n
 * buffer descriptors (n = slots of both rings; every descriptor always
 * holds one buffer of the pipe's allocator) and each side only ever
 * exchanges descriptors between its own ring and that queue:
 *
 *   writer txsync:  TX slot  <-swap->  queue position  (data goes in)
 *   reader rxsync:  queue position  <-swap->  RX slot  (data comes out)
 *
 * so the buffer index an application writes in a TX slot is the one the
 * peer finds in its RX slot, each ring always holds a full set of buffers,
 * and both swapped slots come back with NS_BUF_CHANGED. Queue positions
 * advance in step with ring slots: position = (slot + off) mod n, with one
 * offset per side (see "Rings come and go").
 *
 * Protocol (positions modulo n; four counters per channel):
 *
 *   [freed, delivered)   in the reader's RX ring, not yet released
 *   [delivered, avail)   complete packets the reader may take
 *   [avail, sent)        fragments of a packet still being written
 *   [sent, freed)        free: the writer may fill them (one stays empty)
 *
 *  (A) A position is touched only by the side that owns it above; sent
 *      and delivered are private to their side, avail and freed are
 *      written by one side and read by the other.
 *  (B) The writer fills positions, then publishes avail with a release;
 *      the reader loads avail with an acquire before taking positions
 *      below it. avail only moves past a slot without NS_MOREFRAG, so a
 *      packet appears whole or not at all.
 *  (C) The reader is done with positions (it swapped their buffers at
 *      delivery) before publishing freed with a release; the writer loads
 *      freed with an acquire before reusing them. TX completion is
 *      therefore consumption by the reader: the writer's tail follows
 *      freed.
 *  (D) Every buffer index read from a ring is checked as it crosses: an
 *      invalid one (the application lost the buffer) is replaced by a
 *      fresh buffer, or buffer 0 if none is left; a length beyond the
 *      buffer is clamped, and an invalid TX index carries length 0. The
 *      kernel never reads or writes buffer contents.
 *  (E) Wake-ups: each channel knows the writer's and the reader's kring
 *      while their ends are active, under chan->lock; a side notifies the
 *      other after publishing (B) or (C), and nm_kring_notify()'s barrier
 *      pairs with the one in poll, so no wake-up is lost.
 * The private side of a channel is serialised by its kring's sync_lock,
 * or by nm_core_lock in the hooks, which only run while no fd of that end
 * exists (so no sync of that end can run).
 *
 * Rings come and go. The core creates a ring when an fd first binds it
 * and deletes it when the last one leaves, without telling us. Each side
 * remembers the ring and indices it left behind; a sync that finds
 * something else is looking at a new ring and re-anchors the offset:
 *  - a new TX ring starts at sent. Its fresh tail may promise more slots
 *    than the queue has free (the old writer's packets are still there);
 *    then txsync moves only what fits and keeps the tail until freed
 *    catches up, as a tail never moves back.
 *  - a new RX ring starts at delivered: what the old ring held unreleased
 *    went away with it and counts as released.
 * A writer that goes away in the middle of a packet ends the packet there
 * so that the next one is not glued to it.
 */
#include <linux/ctype.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "netmap_kern.h"

#define NM_PIPE_MAX_PER_PARENT	64
#define NM_PIPE_MAX_RINGS	256
#define NM_PIPE_MAX_SLOTS	4096
#define NM_PIPE_DEF_SLOTS	1024

enum {
	NM_PIPE_MASTER,
	NM_PIPE_SLAVE,
	NM_PIPE_SIDES,
};

/* One queue position: the buffer it holds and what the writer put in. */
struct nm_pipe_desc {
	u32 buf_idx;
	u16 len;
	u16 flags;
};

/* The ring a side last synced, and where its slot 0 is in the queue. */
struct nm_pipe_att {
	struct netmap_ring *ring;	/* NULL: none since the end activated */
	u32 hwcur;
	u32 hwtail;
	u32 off;
};

struct nm_pipe_chan {
	u32 n;
	struct nm_pipe_desc *q;

	u32 avail;			/* (B) writer -> reader */
	u32 freed;			/* (C) reader -> writer */

	struct nm_pipe_att w;		/* writer side, private (A) */
	u32 sent;
	struct nm_pipe_att r;		/* reader side, private (A) */
	u32 delivered;

	spinlock_t lock;		/* (E) */
	struct nm_kring *writer;	/* lock */
	struct nm_kring *reader;	/* lock */
};

struct nm_pipe;

struct nm_pipe_end {
	struct nm_adapter up;
	struct nm_pipe *pipe;
	int side;
	bool alive;			/* up.ref counts (nm_core_lock) */
};

struct nm_pipe {
	struct list_head entry;		/* in nm_pipes (nm_core_lock) */
	struct nm_adapter *parent;	/* NULL: no device of that name */
	char parent_name[NETMAP_REQ_IFNAMSIZ];
	char id[NETMAP_REQ_IFNAMSIZ];
	struct nm_mem *mem;
	int alive_ends;			/* nm_core_lock */
	int active_ends;		/* nm_core_lock */
	u32 nchans[NM_PIPE_SIDES];	/* TX rings of each end */
	struct nm_pipe_chan *chans[NM_PIPE_SIDES];
	struct nm_pipe_end end[NM_PIPE_SIDES];
};

static LIST_HEAD(nm_pipes);		/* nm_core_lock */

static struct nm_pipe_end *nm_pipe_end_of(struct nm_adapter *na)
{
	return container_of(na, struct nm_pipe_end, up);
}

/* The channel @kring writes to (TX) or reads from (RX). */
static struct nm_pipe_chan *nm_pipe_chan_of(struct nm_kring *kring)
{
	struct nm_pipe_end *end = nm_pipe_end_of(kring->na);
	int writer = kring->dir == NM_TX ? end->side : !end->side;

	return &end->pipe->chans[writer][kring->id];
}

/* (E) */
static void nm_pipe_wake(struct nm_pipe_chan *chan, bool reader)
{
	struct nm_kring *kring;

	spin_lock(&chan->lock);
	kring = reader ? chan->reader : chan->writer;
	if (kring)
		nm_kring_notify(kring);
	spin_unlock(&chan->lock);
}

static bool nm_pipe_att_same(const struct nm_pipe_att *att,
			     const struct nm_kring *kring)
{
	return att->ring == kring->ring && att->hwcur == kring->hwcur &&
	       att->hwtail == kring->hwtail;
}

static void nm_pipe_att_save(struct nm_pipe_att *att,
			     const struct nm_kring *kring)
{
	att->ring = kring->ring;
	att->hwcur = kring->hwcur;
	att->hwtail = kring->hwtail;
}

/* Writer side: close a packet left open by a writer that went away. */
static void nm_pipe_end_packet(struct nm_pipe_chan *chan)
{
	if (chan->avail == chan->sent)
		return;
	chan->q[(chan->sent + chan->n - 1) % chan->n].flags &= ~NS_MOREFRAG;
	smp_store_release(&chan->avail, chan->sent);	/* (B) */
	nm_pipe_wake(chan, true);
}

/* (D) A buffer index from a ring, or a replacement for a lost one. */
static u32 nm_pipe_check_idx(struct nm_kring *kring, u32 idx)
{
	if (nm_buf_idx_valid(&kring->lut, idx))
		return idx;
	return nm_mem_buf_alloc(kring->na->mem);
}

/* TX slot -> queue position; true if the slot ends a packet. */
static bool nm_pipe_put(struct nm_kring *kring, struct netmap_slot *slot,
			struct nm_pipe_desc *d)
{
	u32 idx = READ_ONCE(slot->buf_idx);
	u32 len = min_t(u32, READ_ONCE(slot->len), kring->lut.objsize);
	u16 flags = READ_ONCE(slot->flags) & NS_MOREFRAG;

	if (!nm_buf_idx_valid(&kring->lut, idx)) {
		idx = nm_pipe_check_idx(kring, idx);
		len = 0;
	}
	slot->buf_idx = d->buf_idx;
	slot->flags = NS_BUF_CHANGED;
	d->buf_idx = idx;
	d->len = len;
	d->flags = flags;
	return !flags;
}

/* Queue position -> RX slot, taking the slot's released buffer back. */
static void nm_pipe_get(struct nm_kring *kring, struct nm_pipe_desc *d,
			struct netmap_slot *slot)
{
	u32 idx = nm_pipe_check_idx(kring, READ_ONCE(slot->buf_idx));

	slot->buf_idx = d->buf_idx;
	slot->len = d->len;
	slot->flags = d->flags | NS_BUF_CHANGED;
	d->buf_idx = idx;
	d->len = 0;
	d->flags = 0;
}

/*
 * Give back to the application the slots the reader has released, never
 * moving the tail backwards (a new ring may have been promised more).
 */
static void nm_pipe_tx_tail(struct nm_kring *kring, struct nm_pipe_chan *chan,
			    u32 freed)
{
	u32 n = kring->num_slots;
	u32 busy = (freed + n - chan->w.off) % n;	/* oldest in flight */
	u32 tail = nm_prev(busy, n);
	u32 last = nm_prev(kring->hwcur, n);

	if (nm_dist(kring->hwtail, tail, n) <= nm_dist(kring->hwtail, last, n))
		kring->hwtail = tail;
}

static int nm_pipe_txsync(struct nm_kring *kring, int flags)
{
	struct nm_pipe_chan *chan = nm_pipe_chan_of(kring);
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->num_slots, avail = chan->avail;
	u32 freed, room, todo, t, q;

	lockdep_assert_held(&kring->sync_lock);
	if (!nm_pipe_att_same(&chan->w, kring)) {
		/* A new ring: it continues where the last one stopped. */
		chan->w.off = (chan->sent + n - kring->hwcur) % n;
		nm_pipe_end_packet(chan);
		avail = chan->avail;
	}

	freed = smp_load_acquire(&chan->freed);		/* (C) */
	room = n - 1 - nm_dist(freed, chan->sent, n);
	todo = min(nm_dist(kring->hwcur, kring->rhead, n), room);
	t = kring->hwcur;
	q = chan->sent;
	while (todo--) {
		if (nm_pipe_put(kring, &ring->slot[t], &chan->q[q]))
			avail = nm_next(q, n);
		t = nm_next(t, n);
		q = nm_next(q, n);
	}
	kring->hwcur = t;
	chan->sent = q;
	if (avail != chan->avail) {
		smp_store_release(&chan->avail, avail);	/* (B) */
		nm_pipe_wake(chan, true);
	}

	nm_pipe_tx_tail(kring, chan, freed);
	nm_pipe_att_save(&chan->w, kring);
	return 0;
}

static int nm_pipe_rxsync(struct nm_kring *kring, int flags)
{
	struct nm_pipe_chan *chan = nm_pipe_chan_of(kring);
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->num_slots;
	u32 avail, freed, r, q;

	lockdep_assert_held(&kring->sync_lock);
	if (!nm_pipe_att_same(&chan->r, kring)) {
		/* A new ring: it starts at delivered (see the top). */
		chan->r.off = (chan->delivered + n - kring->hwtail) % n;
	}

	/* Released slots keep their buffers until delivery swaps them. */
	kring->hwcur = kring->rhead;
	freed = (kring->hwcur + chan->r.off) % n;

	avail = smp_load_acquire(&chan->avail);		/* (B) */
	r = kring->hwtail;
	for (q = chan->delivered; q != avail; q = nm_next(q, n)) {
		nm_pipe_get(kring, &chan->q[q], &ring->slot[r]);
		r = nm_next(r, n);
	}
	kring->hwtail = r;
	chan->delivered = q;

	if (freed != chan->freed) {
		smp_store_release(&chan->freed, freed);	/* (C) */
		nm_pipe_wake(chan, false);
	}
	nm_pipe_att_save(&chan->r, kring);
	return 0;
}

static int nm_pipe_reg(struct nm_adapter *na, bool on)
{
	if (on)
		set_bit(NAF_NETMAP_ON, &na->flags);
	else
		clear_bit(NAF_NETMAP_ON, &na->flags);
	return 0;
}

/* Give every queue position a buffer; first end to activate. */
static int nm_pipe_fill(struct nm_pipe *pipe, struct nm_mem *mem)
{
	int s;
	u32 c, i;

	for (s = 0; s < NM_PIPE_SIDES; s++) {
		for (c = 0; c < pipe->nchans[s]; c++) {
			struct nm_pipe_chan *chan = &pipe->chans[s][c];

			chan->avail = chan->freed = 0;
			chan->sent = chan->delivered = 0;
			memset(&chan->w, 0, sizeof(chan->w));
			memset(&chan->r, 0, sizeof(chan->r));
			for (i = 0; i < chan->n; i++) {
				chan->q[i].buf_idx = nm_mem_buf_alloc(mem);
				if (!chan->q[i].buf_idx)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

/* Free the queues' buffers; last end to deactivate, or a failed fill. */
static void nm_pipe_drain(struct nm_pipe *pipe, struct nm_mem *mem)
{
	int s;
	u32 c, i;

	for (s = 0; s < NM_PIPE_SIDES; s++) {
		for (c = 0; c < pipe->nchans[s]; c++) {
			struct nm_pipe_chan *chan = &pipe->chans[s][c];

			for (i = 0; i < chan->n; i++) {
				nm_mem_buf_free(mem, chan->q[i].buf_idx);
				chan->q[i].buf_idx = 0;
			}
		}
	}
}

static int nm_pipe_krings_create(struct nm_adapter *na)
{
	struct nm_pipe_end *end = nm_pipe_end_of(na);
	struct nm_pipe *pipe = end->pipe;
	enum nm_dir d;
	int err;
	u32 k;

	lockdep_assert_held(&nm_core_lock);
	/* Paired rings must match; the allocator may have shrunk them. */
	nm_for_each_dir(d)
		for (k = 0; k < na->num_rings[d]; k++)
			if (na->rings[d][k].num_slots !=
			    nm_pipe_chan_of(&na->rings[d][k])->n)
				return -EINVAL;

	if (!pipe->active_ends) {
		err = nm_pipe_fill(pipe, na->mem);
		if (err) {
			nm_pipe_drain(pipe, na->mem);
			return err;
		}
	}
	pipe->active_ends++;

	nm_for_each_dir(d) {
		for (k = 0; k < na->num_rings[d]; k++) {
			struct nm_kring *kring = &na->rings[d][k];
			struct nm_pipe_chan *chan = nm_pipe_chan_of(kring);

			spin_lock(&chan->lock);
			if (d == NM_TX)
				chan->writer = kring;
			else
				chan->reader = kring;
			spin_unlock(&chan->lock);
		}
	}
	return 0;
}

/* The writer's end deactivates: end its packet, stop waking it. */
static void nm_pipe_writer_detach(struct nm_pipe_chan *chan)
{
	chan->w.ring = NULL;
	nm_pipe_end_packet(chan);
	spin_lock(&chan->lock);
	chan->writer = NULL;
	spin_unlock(&chan->lock);
}

/* The reader's end deactivates: what its ring held counts as released. */
static void nm_pipe_reader_detach(struct nm_pipe_chan *chan)
{
	chan->r.ring = NULL;
	if (chan->freed != chan->delivered) {
		/* (C): the ring is gone, so is every use of those positions */
		smp_store_release(&chan->freed, chan->delivered);
		nm_pipe_wake(chan, false);
	}
	spin_lock(&chan->lock);
	chan->reader = NULL;
	spin_unlock(&chan->lock);
}

static void nm_pipe_krings_delete(struct nm_adapter *na)
{
	struct nm_pipe_end *end = nm_pipe_end_of(na);
	struct nm_pipe *pipe = end->pipe;
	u32 k;

	lockdep_assert_held(&nm_core_lock);
	for (k = 0; k < na->num_rings[NM_TX]; k++)
		nm_pipe_writer_detach(nm_pipe_chan_of(&na->rings[NM_TX][k]));
	for (k = 0; k < na->num_rings[NM_RX]; k++)
		nm_pipe_reader_detach(nm_pipe_chan_of(&na->rings[NM_RX][k]));
	if (!--pipe->active_ends)
		nm_pipe_drain(pipe, na->mem);
}

static void nm_pipe_destroy(struct nm_pipe *pipe)
{
	int s;
	u32 c;

	lockdep_assert_held(&nm_core_lock);
	list_del(&pipe->entry);
	for (s = 0; s < NM_PIPE_SIDES; s++) {
		for (c = 0; pipe->chans[s] && c < pipe->nchans[s]; c++)
			kvfree(pipe->chans[s][c].q);
		kvfree(pipe->chans[s]);
	}
	if (pipe->parent)
		nm_adapter_put(pipe->parent);
	nm_mem_put(pipe->mem);
	kfree(pipe);
}

/* The last reference to an end: the pipe goes with the last live end. */
static void nm_pipe_dtor(struct nm_adapter *na)
{
	struct nm_pipe_end *end = nm_pipe_end_of(na);
	struct nm_pipe *pipe = end->pipe;

	lockdep_assert_held(&nm_core_lock);
	end->alive = false;
	na->mem = NULL;
	na->mem_default = NULL;
	if (!--pipe->alive_ends)
		nm_pipe_destroy(pipe);
}

static const struct nm_adapter_ops nm_pipe_ops = {
	.reg		= nm_pipe_reg,
	.txsync		= nm_pipe_txsync,
	.rxsync		= nm_pipe_rxsync,
	.krings_create	= nm_pipe_krings_create,
	.krings_delete	= nm_pipe_krings_delete,
	.dtor		= nm_pipe_dtor,
};

/* A new reference to an end, bringing it back to life if needed. */
static struct nm_adapter *nm_pipe_end_get(struct nm_pipe_end *end)
{
	struct nm_adapter *na = &end->up;

	if (end->alive)
		return nm_adapter_get(na);
	kref_init(&na->ref);
	na->mem_default = nm_mem_get(end->pipe->mem);
	na->mem = na->mem_default;
	end->alive = true;
	end->pipe->alive_ends++;
	return na;
}

/* Split "X{id" / "X}id" at the last brace and check both parts. */
static int nm_pipe_parse(const char *name, char *parent, char *id, int *side)
{
	const char *sep = strrchr(name, '{'), *p;
	const char *close = strrchr(name, '}');
	size_t plen;

	if (!sep || (close && close > sep))
		sep = close;
	if (!sep)
		return -EINVAL;
	plen = sep - name;
	if (!plen || !sep[1] || memchr(name, '{', plen) ||
	    memchr(name, '}', plen))
		return -EINVAL;
	for (p = sep + 1; *p; p++)
		if (!isalnum(*p) && *p != '_')
			return -EINVAL;
	/* Both parts are shorter than the name, which fits. */
	memcpy(parent, name, plen);
	parent[plen] = '\0';
	strscpy(id, sep + 1, NETMAP_REQ_IFNAMSIZ);
	*side = *sep == '{' ? NM_PIPE_MASTER : NM_PIPE_SLAVE;
	return 0;
}

static bool nm_pipe_same_parent(const struct nm_pipe *pipe,
				const struct nm_adapter *parent,
				const char *pname)
{
	return pipe->parent == parent &&
	       (parent || !strcmp(pipe->parent_name, pname));
}

static struct nm_pipe *nm_pipe_find(const struct nm_adapter *parent,
				    const char *pname, const char *id,
				    unsigned int *count)
{
	struct nm_pipe *pipe;

	*count = 0;
	list_for_each_entry(pipe, &nm_pipes, entry) {
		if (!nm_pipe_same_parent(pipe, parent, pname))
			continue;
		if (!strcmp(pipe->id, id))
			return pipe;
		(*count)++;
	}
	return NULL;
}

/*
 * Ring and slot counts of the master, from a request made on @side (the
 * slave's TX is the master's RX). Zero asks for the default: one ring,
 * and the parent's slot count.
 */
static void nm_pipe_geometry(struct nm_pipe *pipe, int side,
			     const struct nmreq_register *req,
			     u32 rings[NM_DIRS], u32 slots[NM_DIRS])
{
	struct nm_adapter *parent = pipe->parent;
	u32 max_slots = min_t(u32, NM_PIPE_MAX_SLOTS,
			      nm_mem_ring_max_slots(pipe->mem));
	u32 want_rings[NM_DIRS] = { 0, 0 }, want_slots[NM_DIRS] = { 0, 0 };
	enum nm_dir d;

	if (req) {
		want_rings[NM_TX] = req->nr_tx_rings;
		want_rings[NM_RX] = req->nr_rx_rings;
		want_slots[NM_TX] = req->nr_tx_slots;
		want_slots[NM_RX] = req->nr_rx_slots;
	}
	/* Same refresh as a bind or PORT_INFO on the parent would do. */
	if (parent && !parent->active_fds && parent->ops->config &&
	    parent->ops->config(parent) && nm_verbose)
		pr_info("netmap: %s: cannot read ring sizes\n", parent->name);

	nm_for_each_dir(d) {
		enum nm_dir md = side == NM_PIPE_MASTER ? d : !d;
		u32 def = parent && parent->num_slots[md] ?
			  parent->num_slots[md] : NM_PIPE_DEF_SLOTS;

		rings[md] = clamp_t(u32, want_rings[d] ?: 1, 1,
				    NM_PIPE_MAX_RINGS);
		/* A ring needs two slots, one of which stays empty. */
		slots[md] = max_t(u32, 2, min(want_slots[d] ?: def, max_slots));
	}
}

static int nm_pipe_chans_alloc(struct nm_pipe *pipe, int side, u32 nrings,
			       u32 nslots)
{
	u32 c;

	pipe->chans[side] = kvcalloc(nrings, sizeof(struct nm_pipe_chan),
				     GFP_KERNEL);
	if (!pipe->chans[side])
		return -ENOMEM;
	pipe->nchans[side] = nrings;
	for (c = 0; c < nrings; c++) {
		struct nm_pipe_chan *chan = &pipe->chans[side][c];

		chan->n = nslots;
		spin_lock_init(&chan->lock);
		chan->q = kvcalloc(nslots, sizeof(*chan->q), GFP_KERNEL);
		if (!chan->q)
			return -ENOMEM;
	}
	return 0;
}

/* A new pipe, with no live end yet; takes over the @parent reference. */
static struct nm_pipe *nm_pipe_create(struct nm_adapter *parent,
				      const char *pname, const char *id,
				      int side,
				      const struct nmreq_register *req)
{
	u32 rings[NM_DIRS], slots[NM_DIRS];
	struct nm_pipe *pipe;
	int s, err;

	pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);
	if (!pipe) {
		if (parent)
			nm_adapter_put(parent);
		return ERR_PTR(-ENOMEM);
	}
	pipe->parent = parent;
	strscpy(pipe->parent_name, pname, sizeof(pipe->parent_name));
	strscpy(pipe->id, id, sizeof(pipe->id));
	pipe->mem = parent ? nm_mem_get(parent->mem) : nm_mem_get_global();
	list_add(&pipe->entry, &nm_pipes);

	nm_pipe_geometry(pipe, side, req, rings, slots);
	err = nm_pipe_chans_alloc(pipe, NM_PIPE_MASTER, rings[NM_TX],
				  slots[NM_TX]);
	if (!err)
		err = nm_pipe_chans_alloc(pipe, NM_PIPE_SLAVE, rings[NM_RX],
					  slots[NM_RX]);
	if (err) {
		nm_pipe_destroy(pipe);
		return ERR_PTR(err);
	}

	for (s = 0; s < NM_PIPE_SIDES; s++) {
		struct nm_pipe_end *end = &pipe->end[s];
		struct nm_adapter *na = &end->up;
		char name[NETMAP_REQ_IFNAMSIZ];

		snprintf(name, sizeof(name), "%s%c%s", pname,
			 s == NM_PIPE_MASTER ? '{' : '}', id);
		nm_adapter_init(na, name, &nm_pipe_ops);
		/* txsync swaps the sent buffer out of its slot */
		set_bit(NAF_NO_ZMON, &na->flags);
		end->pipe = pipe;
		end->side = s;
		na->num_rings[NM_TX] = pipe->nchans[s];
		na->num_rings[NM_RX] = pipe->nchans[!s];
		na->num_slots[NM_TX] = s == NM_PIPE_MASTER ? slots[NM_TX] :
							     slots[NM_RX];
		na->num_slots[NM_RX] = s == NM_PIPE_MASTER ? slots[NM_RX] :
							     slots[NM_TX];
	}
	return pipe;
}

/**
 * nm_pipe_lookup() - find or create an end of a pipe
 * @net: the caller's network namespace, for the parent's lookup
 * @name: "X{id" for the master end or "X}id" for the slave end of pipe
 *	id of parent X; the last brace splits
 * @req: the REGISTER request (mode, geometry, nr_mem_id), or NULL for
 *	PORT_INFO_GET and POOLS_INFO_GET (ALL_NIC, default geometry)
 *
 * A new pipe takes its geometry from @req; an existing one keeps its own.
 * The parent is looked up like any port but never put in netmap mode; if
 * no device is called X the pipe has no parent and uses the global
 * allocator.
 *
 * Context: nm_core_lock held; takes rtnl.
 * Return: a new reference to the end; ERR_PTR(-EINVAL) for a bad name,
 * a mode other than NR_REG_ALL_NIC / NR_REG_ONE_NIC or an nr_mem_id that
 * is not the pipe's; ERR_PTR(-ENOMEM) beyond NM_PIPE_MAX_PER_PARENT pipes
 * or on allocation failure; or the parent's lookup error.
 */
struct nm_adapter *nm_pipe_lookup(struct net *net, const char *name,
				  const struct nmreq_register *req)
{
	char pname[NETMAP_REQ_IFNAMSIZ], id[NETMAP_REQ_IFNAMSIZ];
	struct nm_adapter *parent, *na;
	struct nm_pipe *pipe;
	unsigned int count;
	int side, err;

	lockdep_assert_held(&nm_core_lock);
	err = nm_pipe_parse(name, pname, id, &side);
	if (err)
		return ERR_PTR(err);
	if (req && req->nr_mode != NR_REG_ALL_NIC &&
	    req->nr_mode != NR_REG_ONE_NIC)
		return ERR_PTR(-EINVAL);

	parent = nm_adapter_lookup(net, pname, true, NULL);
	if (IS_ERR(parent)) {
		if (PTR_ERR(parent) != -ENXIO)
			return parent;
		parent = NULL;
	}
	pipe = nm_pipe_find(parent, pname, id, &count);
	if (!pipe && count < NM_PIPE_MAX_PER_PARENT) {
		/* The new pipe keeps the parent reference. */
		pipe = nm_pipe_create(parent, pname, id, side, req);
		if (IS_ERR(pipe))
			return ERR_CAST(pipe);
	} else {
		if (parent)
			nm_adapter_put(parent);
		if (!pipe)
			return ERR_PTR(-ENOMEM);
	}

	na = nm_pipe_end_get(&pipe->end[side]);
	if (req && req->nr_mem_id && req->nr_mem_id != nm_mem_id(pipe->mem)) {
		/* Both ends must share buffers: no other allocator. */
		nm_adapter_put(na);
		return ERR_PTR(-EINVAL);
	}
	return na;
}
