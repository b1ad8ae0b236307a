// SPDX-License-Identifier: GPL-2.0
/*
 * Adapters, krings and binding: what happens when an fd registers a port
 * and when it is released.
 *
 * The first fd to bind an adapter activates its allocator, creates the
 * krings and puts the adapter in netmap mode; each fd then gets rings for
 * the krings it selected (shared with other fds that selected them too)
 * and a netmap_if of its own. The last fd to leave undoes all of it, so
 * the adapter and the device are back to their initial state.
 */
#include <linux/ktime.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "netmap_kern.h"

DEFINE_MUTEX(nm_core_lock);

/**
 * nm_adapter_init() - initialise the common part of an adapter
 * @na: adapter embedded in its type's structure, zeroed
 * @name: port name
 * @ops: the type's callbacks
 *
 * The adapter starts with one reference, owned by the caller, and one
 * fake host ring per direction.
 *
 * Context: any.
 */
void nm_adapter_init(struct nm_adapter *na, const char *name,
		     const struct nm_adapter_ops *ops)
{
	enum nm_dir d;

	strscpy(na->name, name, sizeof(na->name));
	kref_init(&na->ref);
	na->ops = ops;
	INIT_LIST_HEAD(&na->dev_entry);
	nm_for_each_dir(d) {
		na->num_host_rings[d] = 1;
		init_waitqueue_head(&na->si[d]);
	}
}

/**
 * nm_adapter_get() - take a reference on an adapter
 * @na: the adapter
 *
 * Context: nm_core_lock held.
 * Return: @na.
 */
struct nm_adapter *nm_adapter_get(struct nm_adapter *na)
{
	lockdep_assert_held(&nm_core_lock);
	kref_get(&na->ref);
	return na;
}

static void nm_adapter_release(struct kref *ref)
{
	struct nm_adapter *na = container_of(ref, struct nm_adapter, ref);

	if (na->mem_default)
		nm_mem_put(na->mem_default);
	na->ops->dtor(na);
}

/**
 * nm_adapter_put() - drop a reference; the last one destroys the adapter
 * @na: the adapter
 *
 * Context: nm_core_lock held, rtnl not held (the destructor may take it).
 */
void nm_adapter_put(struct nm_adapter *na)
{
	lockdep_assert_held(&nm_core_lock);
	kref_put(&na->ref, nm_adapter_release);
}

/**
 * nm_adapter_lookup() - find the adapter of a port by name
 * @net: the caller's network namespace
 * @name: port name
 * @create: create a generic adapter for a netdev that has none
 * @req: the REGISTER request, or NULL (PORT_INFO_GET, POOLS_INFO_GET)
 *
 * Context: nm_core_lock held; takes rtnl.
 * Return: a new reference, or ERR_PTR(-ENXIO) if no such port (in @net),
 * ERR_PTR(-EPERM) if @req would bind a netdev the caller lacks
 * CAP_NET_ADMIN for in its namespace, or another negative errno.
 */
struct nm_adapter *nm_adapter_lookup(struct net *net, const char *name,
				     bool create,
				     const struct nmreq_register *req)
{
	struct net_device *dev;
	struct nm_adapter *na;

	lockdep_assert_held(&nm_core_lock);
	if (!name[0])
		return ERR_PTR(-ENXIO);
	if (strpbrk(name, "{}"))
		return nm_pipe_lookup(net, name, req);

	rtnl_lock();
	/* Only devices of the caller's own namespace have a name here. */
	dev = __dev_get_by_name(net, name);
	if (!dev) {
		na = ERR_PTR(-ENXIO);
		goto out;
	}
	/* Binding takes the NIC from the stack: like configuring it. */
	if (req && !ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN)) {
		na = ERR_PTR(-EPERM);
		goto out;
	}
	/* A driver's native adapter first, unless generic is asked for. */
	na = nm_admode != NM_ADMODE_GENERIC ? nm_native_find(dev) : NULL;
	if (!na && nm_admode != NM_ADMODE_NATIVE)
		na = nm_netdev_find(dev);
	if (na) {
		kref_get(&na->ref);
		goto out;
	}
	if (!create) {
		na = ERR_PTR(-ENXIO);
		goto out;
	}
	if (nm_admode == NM_ADMODE_NATIVE) {
		na = ERR_PTR(-EOPNOTSUPP);
		goto out;
	}
	na = nm_generic_create(dev);
out:
	rtnl_unlock();
	return na;
}

/**
 * nm_adapter_capable() - may the caller take or watch the traffic of @na?
 * @na: an adapter found by nm_adapter_lookup()
 *
 * A netdev's traffic is the caller's only with CAP_NET_ADMIN in the
 * device's network namespace, as for configuring it; other ports (pipes,
 * null ports, monitors) need nothing more than the open fd.
 *
 * Context: nm_core_lock held; takes rtnl.
 * Return: 0, or -EPERM.
 */
int nm_adapter_capable(struct nm_adapter *na)
{
	int err = 0;

	rtnl_lock();
	if (na->ifp && !ns_capable(dev_net(na->ifp)->user_ns, CAP_NET_ADMIN))
		err = -EPERM;
	rtnl_unlock();
	return err;
}

/**
 * nm_kring_notify() - wake every poller interested in @kring
 * @kring: a ring with news (packets received, transmissions completed)
 *
 * Context: any, including hard IRQ.
 */
void nm_kring_notify(struct nm_kring *kring)
{
	wait_queue_head_t *si = &kring->na->si[kring->dir];

	/* Pairs with the barrier in poll_wait()'s queueing: no lost wakeup. */
	if (wq_has_sleeper(&kring->wq))
		wake_up_all(&kring->wq);
	if (wq_has_sleeper(si))
		wake_up_all(si);
}

/**
 * nm_adapter_stop() - change the run state of every kring of an adapter
 * @na: adapter in netmap mode (its krings exist)
 * @state: NM_KR_ON, NM_KR_STOPPED or NM_KR_ZOMBIE
 *
 * For NM_KR_ZOMBIE, waits until no sync is running on any ring, so that
 * the caller may then release the device the syncs were using.
 *
 * Context: rtnl held, NAF_NETMAP_ON set; may sleep.
 */
void nm_adapter_stop(struct nm_adapter *na, int state)
{
	enum nm_dir d;
	u32 i;

	ASSERT_RTNL();
	nm_for_each_dir(d) {
		for (i = 0; i < nm_kring_count(na, d); i++) {
			struct nm_kring *kring = &na->rings[d][i];

			if (READ_ONCE(kring->state) == NM_KR_ZOMBIE)
				continue;
			WRITE_ONCE(kring->state, state);
			if (state == NM_KR_ZOMBIE) {
				mutex_lock(&kring->sync_lock);
				mutex_unlock(&kring->sync_lock);
			}
			nm_kring_notify(kring);
		}
	}
}

static int nm_krings_create(struct nm_adapter *na)
{
	enum nm_dir d;
	u32 i;
	int err;

	nm_for_each_dir(d) {
		u32 n = nm_kring_count(na, d);

		na->rings[d] = kvcalloc(n, sizeof(struct nm_kring), GFP_KERNEL);
		if (!na->rings[d]) {
			err = -ENOMEM;
			goto err_free;
		}
		for (i = 0; i < n; i++) {
			struct nm_kring *kring = &na->rings[d][i];

			kring->na = na;
			kring->id = i;
			kring->dir = d;
			kring->host = i >= na->num_rings[d];
			kring->num_slots = na->num_slots[d];
			mutex_init(&kring->sync_lock);
			init_waitqueue_head(&kring->wq);
			skb_queue_head_init(&kring->rx_queue);
			atomic64_set(&kring->drops, 0);
			INIT_LIST_HEAD(&kring->monitors);
			snprintf(kring->name, sizeof(kring->name), "%s %s%u%s",
				 na->name, d == NM_TX ? "TX" : "RX", i,
				 kring->host ? "^" : "");
		}
	}
	if (na->ops->krings_create) {
		err = na->ops->krings_create(na);
		if (err)
			goto err_free;
	}
	return 0;

err_free:
	nm_for_each_dir(d) {
		kvfree(na->rings[d]);
		na->rings[d] = NULL;
	}
	return err;
}

static void nm_krings_delete(struct nm_adapter *na)
{
	enum nm_dir d;
	u32 i;

	if (na->ops->krings_delete)
		na->ops->krings_delete(na);
	nm_for_each_dir(d) {
		for (i = 0; i < nm_kring_count(na, d); i++) {
			struct nm_kring *kring = &na->rings[d][i];

			WARN_ON_ONCE(kring->ring);
			skb_queue_purge(&kring->rx_queue);
			mutex_destroy(&kring->sync_lock);
		}
		kvfree(na->rings[d]);
		na->rings[d] = NULL;
	}
}

static void nm_ring_delete(struct nm_adapter *na, struct nm_kring *kring)
{
	struct netmap_ring *ring = kring->ring;
	u32 i;

	if (!ring)
		return;
	/*
	 * The application may have swapped buffers in: free whatever the
	 * slots hold now. The allocator ignores invalid and double frees.
	 */
	for (i = 0; i < kring->num_slots; i++)
		nm_mem_buf_free(na->mem, READ_ONCE(ring->slot[i].buf_idx));
	kring->ring = NULL;
	nm_mem_ring_free(na->mem, ring);
}

static int nm_ring_create(struct nm_adapter *na, struct nm_kring *kring)
{
	const struct nm_mem_lut *lut = nm_mem_lut(na->mem);
	u32 n = kring->num_slots, i;
	struct netmap_ring *ring;

	ring = nm_mem_ring_alloc(na->mem, struct_size(ring, slot, n));
	if (!ring)
		return -ENOMEM;
	ring->buf_ofs = nm_mem_buf_ofs(na->mem, ring);
	ring->num_slots = n;
	ring->nr_buf_size = lut->objsize;
	ring->ringid = kring->id;
	ring->dir = kring->dir;
	for (i = 0; i < n; i++) {
		struct netmap_slot *slot = &ring->slot[i];

		slot->buf_idx = nm_mem_buf_alloc(na->mem);
		if (!slot->buf_idx)
			goto err_bufs;
		slot->len = lut->objsize;
	}

	kring->lut = *lut;
	kring->hwcur = 0;
	kring->hwtail = kring->dir == NM_TX ? n - 1 : 0;
	kring->rhead = kring->rcur = 0;
	kring->rtail = kring->hwtail;
	kring->err = false;
	kring->tx_inflight = 0;
	kring->mon_txpos = 0;
	ring->head = ring->cur = 0;
	ring->tail = kring->hwtail;
	kring->ring = ring;
	return 0;

err_bufs:
	while (i--)
		nm_mem_buf_free(na->mem, ring->slot[i].buf_idx);
	nm_mem_ring_free(na->mem, ring);
	return -ENOMEM;
}

/* Translate the request's mode into a kring range per direction. */
static int nm_ring_range(struct nm_adapter *na,
			 const struct nmreq_register *req,
			 u32 first[NM_DIRS], u32 last[NM_DIRS])
{
	bool host = test_bit(NAF_HOST_RINGS, &na->flags);
	u32 id = req->nr_ringid;
	enum nm_dir d;

	if ((req->nr_flags & NR_TX_RINGS_ONLY) &&
	    (req->nr_flags & NR_RX_RINGS_ONLY))
		return -EINVAL;

	switch (req->nr_mode) {
	case NR_REG_ALL_NIC:
	case NR_REG_NULL:
	case NR_REG_ONE_NIC:
		if (req->nr_mode == NR_REG_ONE_NIC &&
		    id >= na->num_rings[NM_TX] && id >= na->num_rings[NM_RX])
			return -EINVAL;
		break;
	case NR_REG_SW:
	case NR_REG_NIC_SW:
	case NR_REG_ONE_SW:
		if (!host)
			return -EINVAL;
		if (req->nr_mode == NR_REG_ONE_SW &&
		    id >= na->num_host_rings[NM_TX] &&
		    id >= na->num_host_rings[NM_RX])
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	nm_for_each_dir(d) {
		u32 nhw = na->num_rings[d], nhost = na->num_host_rings[d];

		switch (req->nr_mode) {
		case NR_REG_ALL_NIC:
		case NR_REG_NULL:
			first[d] = 0;
			last[d] = nhw;
			break;
		case NR_REG_ONE_NIC:
			/* Out of range in one direction only: use ring 0. */
			first[d] = id < nhw ? id : 0;
			last[d] = first[d] + 1;
			break;
		case NR_REG_SW:
			first[d] = nhw;
			last[d] = nhw + nhost;
			break;
		case NR_REG_NIC_SW:
			first[d] = 0;
			last[d] = nhw + nhost;
			break;
		case NR_REG_ONE_SW:
			first[d] = nhw + (id < nhost ? id : 0);
			last[d] = first[d] + 1;
			break;
		}
	}
	if (req->nr_flags & NR_TX_RINGS_ONLY)
		first[NM_RX] = last[NM_RX] = 0;
	if (req->nr_flags & NR_RX_RINGS_ONLY)
		first[NM_TX] = last[NM_TX] = 0;
	return 0;
}

static int nm_check_exclusive(struct nm_adapter *na, const u32 *first,
			      const u32 *last, bool exclusive)
{
	enum nm_dir d;
	u32 i;

	nm_for_each_bound(d, i, first, last) {
		struct nm_kring *kring = &na->rings[d][i];

		if (kring->exclusive ||
		    (exclusive &&
		     (kring->users || !list_empty(&kring->monitors))))
			return -EBUSY;
	}
	return 0;
}

/* The first fd may ask for more host rings than the default one. */
static void nm_host_rings_request(struct nm_adapter *na,
				  const struct nmreq_register *req)
{
	if (!test_bit(NAF_HOST_RINGS, &na->flags))
		return;
	if (req->nr_host_tx_rings)
		na->num_host_rings[NM_TX] = min_t(u32, req->nr_host_tx_rings,
						  NM_HOST_RINGS_MAX);
	if (req->nr_host_rx_rings)
		na->num_host_rings[NM_RX] = min_t(u32, req->nr_host_rx_rings,
						  NM_HOST_RINGS_MAX);
}

/* First fd on this adapter (already configured): memory, krings. */
static int nm_adapter_activate(struct nm_adapter *na, struct nm_mem *mem,
			       bool wants_rx)
{
	enum nm_dir d;
	int err;

	if (mem && mem != na->mem) {
		/* Borrow another allocator until the last fd leaves. */
		na->mem = nm_mem_get(mem);
	}
	err = nm_mem_activate(na->mem);
	if (err)
		goto err_mem;

	nm_for_each_dir(d)
		na->num_slots[d] = clamp_t(u32, na->num_slots[d], 2,
					   nm_mem_ring_max_slots(na->mem));

	err = -EINVAL;
	if (wants_rx && na->mtu > nm_mem_lut(na->mem)->objsize) {
		if (nm_verbose)
			pr_info("netmap: %s: MTU %u larger than buffers (%u)\n",
				na->name, na->mtu, nm_mem_lut(na->mem)->objsize);
		goto err_deactivate;
	}

	err = nm_krings_create(na);
	if (err)
		goto err_deactivate;
	return 0;

err_deactivate:
	nm_mem_deactivate(na->mem);
err_mem:
	if (na->mem != na->mem_default) {
		nm_mem_put(na->mem);
		na->mem = na->mem_default;
	}
	return err;
}

/*
 * Last fd gone: leave netmap mode, free everything activate created.
 * Context: nm_core_lock held; takes rtnl.
 */
static void nm_adapter_deactivate(struct nm_adapter *na)
{
	enum nm_dir d;
	u32 i;

	if (test_bit(NAF_NETMAP_ON, &na->flags))
		na->ops->reg(na, false);
	nm_monitor_parent_off(na);
	/*
	 * A device event may have taken the port out of netmap mode a moment
	 * ago and still be stopping and purging its krings, under rtnl, with
	 * sleeps in between (nm_generic_detach(), nm_native_gone()): seeing
	 * NAF_NETMAP_ON clear, we did not call ->reg() and so did not wait
	 * for it. The krings go under rtnl, after it. Nothing can bring the
	 * port back into netmap mode meanwhile: that takes nm_core_lock.
	 */
	rtnl_lock();
	nm_for_each_dir(d)
		for (i = 0; i < nm_kring_count(na, d); i++)
			nm_ring_delete(na, &na->rings[d][i]);
	nm_krings_delete(na);
	rtnl_unlock();
	nm_for_each_dir(d)
		na->num_host_rings[d] = 1;
	nm_mem_deactivate(na->mem);
	if (na->mem != na->mem_default) {
		nm_mem_put(na->mem);
		na->mem = na->mem_default;
	}
}

/* Drop this fd's claim on its krings; free rings nobody uses any more. */
static void nm_krings_release(struct nm_adapter *na, const u32 *first,
			      const u32 *last, bool exclusive)
{
	bool unused = false;
	enum nm_dir d;
	u32 i;

	nm_for_each_bound(d, i, first, last) {
		struct nm_kring *kring = &na->rings[d][i];

		if (exclusive)
			kring->exclusive = false;
		if (--kring->users)
			continue;
		WRITE_ONCE(kring->on, false);
		unused = true;
	}
	if (!unused || na->active_fds == 0)
		return;		/* deactivate frees it all */
	/* The adapter stops using the rings before their buffers go. */
	if (test_bit(NAF_NETMAP_ON, &na->flags) && na->ops->rings_update)
		na->ops->rings_update(na);
	nm_for_each_bound(d, i, first, last) {
		struct nm_kring *kring = &na->rings[d][i];

		if (kring->users)
			continue;
		mutex_lock(&kring->sync_lock);
		skb_queue_purge(&kring->rx_queue);
		nm_ring_delete(na, kring);
		mutex_unlock(&kring->sync_lock);
	}
}

/* Sets *created if a ring had to be made (nobody used it before). */
static int nm_krings_claim(struct nm_adapter *na, const u32 *first,
			   const u32 *last, bool exclusive, bool *created)
{
	enum nm_dir d;
	u32 i;
	int err;

	*created = false;
	nm_for_each_bound(d, i, first, last)
		na->rings[d][i].users++;

	nm_for_each_bound(d, i, first, last) {
		struct nm_kring *kring = &na->rings[d][i];

		if (!kring->ring) {
			err = nm_ring_create(na, kring);
			if (err)
				goto err_release;
			*created = true;
		}
	}
	/* Only once every ring exists: the failure path above is simple. */
	nm_for_each_bound(d, i, first, last) {
		na->rings[d][i].exclusive = exclusive;
		WRITE_ONCE(na->rings[d][i].on, true);
	}
	return 0;

err_release:
	nm_krings_release(na, first, last, false);
	return err;
}

static struct netmap_if *nm_if_create(struct nm_adapter *na,
				      const u32 *first, const u32 *last)
{
	u32 ntx = nm_kring_count(na, NM_TX), nrx = nm_kring_count(na, NM_RX);
	struct netmap_if *nifp;
	enum nm_dir d;
	u64 base;
	u32 i;

	nifp = nm_mem_if_alloc(na->mem, struct_size(nifp, ring_ofs, ntx + nrx));
	if (!nifp)
		return NULL;
	strscpy(nifp->ni_name, na->name, sizeof(nifp->ni_name));
	nifp->ni_flags = nm_mem_is_private(na->mem) ? NI_PRIV_MEM : 0;
	nifp->ni_tx_rings = na->num_rings[NM_TX];
	nifp->ni_rx_rings = na->num_rings[NM_RX];
	nifp->ni_host_tx_rings = na->num_host_rings[NM_TX];
	nifp->ni_host_rx_rings = na->num_host_rings[NM_RX];

	base = nm_mem_ofs(na->mem, nifp);
	nm_for_each_dir(d) {
		u32 slot0 = d == NM_TX ? 0 : ntx;

		for (i = first[d]; i < last[d]; i++)
			nifp->ring_ofs[slot0 + i] =
				nm_mem_ofs(na->mem, na->rings[d][i].ring) - base;
	}
	return nifp;
}

/* Extra buffers are chained through their first 4 bytes. */
static u32 nm_extra_bufs_alloc(struct nm_adapter *na, struct netmap_if *nifp,
			       u32 n)
{
	const struct nm_mem_lut *lut = nm_mem_lut(na->mem);
	u32 head = 0, got;

	for (got = 0; got < n; got++) {
		u32 idx = nm_mem_buf_alloc(na->mem);

		if (!idx)
			break;
		*(u32 *)nm_buf_addr(lut, idx) = head;
		head = idx;
	}
	nifp->ni_bufs_head = head;
	return got;
}

/*
 * Free the chain starting at the application's current ni_bufs_head: it
 * may have edited both the head and the links, so stop at the first
 * invalid or already-free index, and never walk more than the pool size.
 */
static void nm_extra_bufs_free(struct nm_mem *mem, struct netmap_if *nifp)
{
	const struct nm_mem_lut *lut = nm_mem_lut(mem);
	u32 idx = READ_ONCE(nifp->ni_bufs_head), steps;

	for (steps = 0; idx && steps < lut->objtotal; steps++) {
		u32 next;

		if (!nm_buf_idx_valid(lut, idx))
			break;
		next = READ_ONCE(*(u32 *)nm_buf_addr(lut, idx));
		if (!nm_mem_buf_free(mem, idx))
			break;
		idx = next;
	}
	nifp->ni_bufs_head = 0;
}

/* Ports whose types are not built yet. */
static int nm_bind_unsupported(const struct nmreq_header *hdr)
{
	if (!strncmp(hdr->nr_name, NM_BDG_NAME, strlen(NM_BDG_NAME)))
		return -EOPNOTSUPP;
	return 0;
}

/**
 * nm_bind() - NETMAP_REQ_REGISTER: bind @priv to the port in @hdr
 * @priv: an unbound fd
 * @hdr: request header (port name)
 * @req: request body, updated with the result on success
 *
 * The binding is not visible to syncs, poll and mmap until the caller
 * publishes it with nm_bind_publish(); until then it may still undo it
 * with nm_unbind() (a request that fails after binding), which nobody
 * else can be using.
 *
 * Context: process context; takes nm_core_lock and rtnl.
 * Return: 0 or a negative errno (see the ABI spec, §1.7).
 */
int nm_bind(struct nm_priv *priv, struct nmreq_header *hdr,
	    struct nmreq_register *req)
{
	struct net *net = current->nsproxy->net_ns;
	bool exclusive = req->nr_flags & NR_EXCLUSIVE;
	struct nm_mem *mem = NULL;
	u32 first[NM_DIRS], last[NM_DIRS];
	struct netmap_if *nifp;
	struct nm_adapter *na;
	bool activated = false;
	bool created;
	int err;

	mutex_lock(&nm_core_lock);
	err = -EBUSY;
	if (priv->bound)
		goto out_unlock;
	err = nm_bind_unsupported(hdr);
	if (err)
		goto out_unlock;
	if (req->nr_mem_id) {
		mem = nm_mem_find(req->nr_mem_id);
		err = -EINVAL;
		if (!mem)
			goto out_unlock;
	}

	if (req->nr_mode == NR_REG_NULL)
		na = nm_null_create(hdr->nr_name, req, mem);
	else if (req->nr_flags & (NR_MONITOR_TX | NR_MONITOR_RX | NR_ZCOPY_MON))
		na = nm_monitor_create(net, hdr->nr_name, req);
	else
		na = nm_adapter_lookup(net, hdr->nr_name, true, req);
	if (IS_ERR(na)) {
		err = PTR_ERR(na);
		goto out_mem;
	}
	if (!na->active_fds) {
		/* Ring counts may have changed since the port was last used. */
		if (na->ops->config) {
			err = na->ops->config(na);
			if (err)
				goto out_put;
		}
		nm_host_rings_request(na, req);
	}
	err = nm_ring_range(na, req, first, last);
	if (err)
		goto out_put;

	if (!na->active_fds) {
		err = nm_adapter_activate(na, mem, last[NM_RX] > first[NM_RX]);
		if (err)
			goto out_put;
		activated = true;
	} else if (mem && mem != na->mem) {
		/* In use with another allocator: cannot switch now. */
		err = -EINVAL;
		goto out_put;
	}

	err = nm_check_exclusive(na, first, last, exclusive);
	if (err)
		goto out_deactivate;
	err = nm_krings_claim(na, first, last, exclusive, &created);
	if (err)
		goto out_deactivate;
	err = -ENOMEM;
	nifp = nm_if_create(na, first, last);
	if (!nifp)
		goto out_release;
	if (!test_bit(NAF_NETMAP_ON, &na->flags)) {
		err = na->ops->reg(na, true);
		if (err)
			goto out_if;
	} else if (created && na->ops->rings_update) {
		/* Rings nobody used until now: the adapter takes them up. */
		err = na->ops->rings_update(na);
		if (err)
			goto out_if;
	}

	req->nr_extra_bufs = nm_extra_bufs_alloc(na, nifp, req->nr_extra_bufs);
	na->active_fds++;
	priv->mem = nm_mem_get(na->mem);
	priv->nifp = nifp;
	memcpy(priv->first, first, sizeof(first));
	memcpy(priv->last, last, sizeof(last));
	priv->nr_flags = req->nr_flags;

	req->nr_offset = nm_mem_ofs(na->mem, nifp);
	req->nr_memsize = nm_mem_size(na->mem);
	req->nr_tx_rings = na->num_rings[NM_TX];
	req->nr_rx_rings = na->num_rings[NM_RX];
	req->nr_tx_slots = na->num_slots[NM_TX];
	req->nr_rx_slots = na->num_slots[NM_RX];
	if (test_bit(NAF_HOST_RINGS, &na->flags)) {
		req->nr_host_tx_rings = na->num_host_rings[NM_TX];
		req->nr_host_rx_rings = na->num_host_rings[NM_RX];
	} else {
		req->nr_host_tx_rings = 0;
		req->nr_host_rx_rings = 0;
	}
	req->nr_mem_id = nm_mem_id(na->mem);
	if (req->nr_flags & NR_ZCOPY_MON)
		req->nr_flags |= NR_MONITOR_TX | NR_MONITOR_RX;

	priv->bound = na;
	mutex_unlock(&nm_core_lock);
	if (mem)
		nm_mem_put(mem);
	return 0;

out_if:
	nm_mem_if_free(na->mem, nifp);
out_release:
	nm_krings_release(na, first, last, exclusive);
out_deactivate:
	if (activated)
		nm_adapter_deactivate(na);
out_put:
	nm_adapter_put(na);
out_mem:
	if (mem)
		nm_mem_put(mem);
out_unlock:
	mutex_unlock(&nm_core_lock);
	return err;
}

/**
 * nm_bind_publish() - make a binding visible to syncs, poll and mmap
 * @priv: an fd nm_bind() succeeded on, not yet published
 *
 * Context: process context.
 */
void nm_bind_publish(struct nm_priv *priv)
{
	/* Last: syncs, poll and mmap look at priv->na first. */
	smp_store_release(&priv->na, priv->bound);
}

/**
 * nm_unbind() - undo nm_bind()
 * @priv: a bound fd that no sync, poll or mmap can be using: released,
 *	or bound by a request that failed before nm_bind_publish()
 *
 * Context: process context; takes nm_core_lock and rtnl.
 */
void nm_unbind(struct nm_priv *priv)
{
	struct nm_adapter *na = priv->bound;

	mutex_lock(&nm_core_lock);
	nm_extra_bufs_free(na->mem, priv->nifp);
	nm_mem_if_free(na->mem, priv->nifp);
	na->active_fds--;
	nm_krings_release(na, priv->first, priv->last,
			  priv->nr_flags & NR_EXCLUSIVE);
	if (!na->active_fds)
		nm_adapter_deactivate(na);
	nm_mem_put(priv->mem);
	nm_adapter_put(na);
	priv->nifp = NULL;
	priv->mem = NULL;
	priv->bound = NULL;
	WRITE_ONCE(priv->na, NULL);
	mutex_unlock(&nm_core_lock);
}

/* Size and id of an allocator, populating it if needed. */
static int nm_mem_query(struct nm_mem *mem, u64 *memsize, u16 *mem_id)
{
	int err = nm_mem_activate(mem);

	if (err)
		return err;
	*memsize = nm_mem_size(mem);
	*mem_id = nm_mem_id(mem);
	nm_mem_deactivate(mem);
	return 0;
}

/**
 * nm_port_info() - NETMAP_REQ_PORT_INFO_GET
 * @net: the caller's network namespace
 * @hdr: request header; an empty name asks about allocator nr_mem_id
 * @req: request body, filled on success
 *
 * Context: process context; takes nm_core_lock and rtnl.
 * Return: 0 or a negative errno.
 */
int nm_port_info(struct net *net, struct nmreq_header *hdr,
		 struct nmreq_port_info_get *req)
{
	struct nm_adapter *na;
	struct nm_mem *mem;
	int err;

	mutex_lock(&nm_core_lock);
	if (!hdr->nr_name[0]) {
		mem = req->nr_mem_id ? nm_mem_find(req->nr_mem_id) :
				       nm_mem_get_global();
		err = -EINVAL;
		if (mem) {
			err = nm_mem_query(mem, &req->nr_memsize,
					   &req->nr_mem_id);
			nm_mem_put(mem);
		}
		goto out_unlock;
	}

	err = nm_bind_unsupported(hdr);
	if (err)
		goto out_unlock;
	na = nm_adapter_lookup(net, hdr->nr_name, true, NULL);
	if (IS_ERR(na)) {
		err = PTR_ERR(na);
		goto out_unlock;
	}
	err = 0;
	if (!na->active_fds && na->ops->config)
		err = na->ops->config(na);
	if (!err)
		err = nm_mem_query(na->mem, &req->nr_memsize, &req->nr_mem_id);
	if (!err) {
		u32 max = nm_mem_ring_max_slots(na->mem);

		req->nr_tx_rings = na->num_rings[NM_TX];
		req->nr_rx_rings = na->num_rings[NM_RX];
		req->nr_tx_slots = clamp_t(u32, na->num_slots[NM_TX], 2, max);
		req->nr_rx_slots = clamp_t(u32, na->num_slots[NM_RX], 2, max);
		if (test_bit(NAF_HOST_RINGS, &na->flags)) {
			req->nr_host_tx_rings = na->num_host_rings[NM_TX];
			req->nr_host_rx_rings = na->num_host_rings[NM_RX];
		} else {
			req->nr_host_tx_rings = 0;
			req->nr_host_rx_rings = 0;
		}
	}
	nm_adapter_put(na);
out_unlock:
	mutex_unlock(&nm_core_lock);
	return err;
}

/**
 * nm_pools_info() - NETMAP_REQ_POOLS_INFO_GET
 * @net: the caller's network namespace
 * @hdr: request header naming a port
 * @req: request body, filled on success
 *
 * Populates the port's allocator if it was not (as upstream does).
 *
 * Context: process context; takes nm_core_lock and rtnl.
 * Return: 0 or a negative errno; -ENXIO for an empty or unknown name.
 */
int nm_pools_info(struct net *net, struct nmreq_header *hdr,
		  struct nmreq_pools_info *req)
{
	struct nm_adapter *na;
	int err;

	mutex_lock(&nm_core_lock);
	err = nm_bind_unsupported(hdr);
	if (err)
		goto out_unlock;
	na = nm_adapter_lookup(net, hdr->nr_name, true, NULL);
	if (IS_ERR(na)) {
		err = PTR_ERR(na);
		goto out_unlock;
	}
	err = nm_mem_activate(na->mem);
	if (!err) {
		nm_mem_pools_info(na->mem, req);
		nm_mem_deactivate(na->mem);
	}
	nm_adapter_put(na);
out_unlock:
	mutex_unlock(&nm_core_lock);
	return err;
}
