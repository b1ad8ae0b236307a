// SPDX-License-Identifier: GPL-2.0
/*
 * Shared-memory allocator: builds the pools described in nm_mem.h out of
 * physically contiguous, zeroed clusters, hands out their objects and
 * serves the region to userspace through mmap().
 *
 * Locking, outermost first:
 *  - nm_mem_ids_lock (mutex): the id table, and the drop of a last
 *    reference (kref_put_mutex), so that nm_mem_find() never revives an
 *    allocator on its way out.
 *  - mem->lock (mutex): the active count, the geometry (layout), the
 *    cluster tables and the lookup table. These only change while no user
 *    is active, so holders of an activation read them without the lock.
 *    Page faults take it too: it is nested inside mmap_lock.
 *  - mem->bitmap_lock (spinlock, IRQ safe, taken last): the free bitmaps,
 *    their search hints and free counts. Object and buffer allocation
 *    never sleep, so callers may hold spinlocks of their own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "nm_mem.h"
#include "nm_mem_layout.h"

#define NM_MEM_GLOBAL_ID	1
#define NM_BUF_RESERVED		2	/* buffers 0 and 1 are never handed out */

/* Large requests are expected to fail sometimes: no warning, no OOM kill. */
#define NM_MEM_GFP	(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

struct nm_pool {
	void **clusters;		/* kernel address of each cluster */
	unsigned long *bitmap;		/* set: object in use */
	u32 nfree;
	u32 hint;			/* where the next search starts */
};

struct nm_mem {
	struct kref ref;
	u16 id;				/* constant */
	bool private;			/* constant */
	struct nm_mem_geom want;	/* private: constant request */

	struct mutex lock;		/* see the top of this file */
	unsigned int active;		/* lock */
	bool populated;			/* lock */
	struct nm_mem_layout layout;	/* lock; stable while active */
	struct nm_mem_lut lut;		/* lock; stable while active */

	spinlock_t bitmap_lock;		/* see the top of this file */
	/* clusters, bitmap pointer: lock; the rest: bitmap_lock */
	struct nm_pool pools[NM_POOL_COUNT];
};

static const char *const nm_pool_names[NM_POOL_COUNT + 1] = {
	[NM_POOL_IF] = "if pool",
	[NM_POOL_RING] = "ring pool",
	[NM_POOL_BUF] = "buf pool",
	[NM_POOL_COUNT] = "region",
};

static DEFINE_MUTEX(nm_mem_ids_lock);
static DEFINE_IDR(nm_mem_ids);
static struct nm_mem *nm_mem_global;

/*
 * Module parameters, for each pool P in if, ring, buf:
 *   P_size, P_num		requested geometry of the global allocator,
 *				used when it is next populated (0644)
 *   P_curr_size, P_curr_num	geometry of the populated global allocator,
 *				0 before (0444)
 *   priv_P_size, priv_P_num	minimum geometry of private allocators (0644)
 * Writes are serialised by the module's parameter lock, which
 * nm_mem_params() takes for a snapshot.
 */
static struct nm_mem_geom nm_geom_req = {
	.objsize = { [NM_POOL_IF] = 1024, [NM_POOL_RING] = 36864,
		     [NM_POOL_BUF] = 2048 },
	.objnum = { [NM_POOL_IF] = 100, [NM_POOL_RING] = 200,
		    [NM_POOL_BUF] = 163840 },
};

static struct nm_mem_geom nm_geom_cur;	/* global mem->lock */

static struct nm_mem_geom nm_geom_pmin = {
	.objsize = { [NM_POOL_IF] = 1024, [NM_POOL_RING] = 20480,
		     [NM_POOL_BUF] = 2048 },
	.objnum = { [NM_POOL_IF] = 2, [NM_POOL_RING] = 4,
		    [NM_POOL_BUF] = 4098 },
};

module_param_named(if_size, nm_geom_req.objsize[NM_POOL_IF], uint, 0644);
MODULE_PARM_DESC(if_size, "Object size of the global if pool");
module_param_named(if_num, nm_geom_req.objnum[NM_POOL_IF], uint, 0644);
MODULE_PARM_DESC(if_num, "Object count of the global if pool");
module_param_named(ring_size, nm_geom_req.objsize[NM_POOL_RING], uint, 0644);
MODULE_PARM_DESC(ring_size, "Object size of the global ring pool");
module_param_named(ring_num, nm_geom_req.objnum[NM_POOL_RING], uint, 0644);
MODULE_PARM_DESC(ring_num, "Object count of the global ring pool");
module_param_named(buf_size, nm_geom_req.objsize[NM_POOL_BUF], uint, 0644);
MODULE_PARM_DESC(buf_size, "Object size of the global buf pool");
module_param_named(buf_num, nm_geom_req.objnum[NM_POOL_BUF], uint, 0644);
MODULE_PARM_DESC(buf_num, "Object count of the global buf pool");

module_param_named(if_curr_size, nm_geom_cur.objsize[NM_POOL_IF], uint, 0444);
MODULE_PARM_DESC(if_curr_size, "Current object size of the global if pool");
module_param_named(if_curr_num, nm_geom_cur.objnum[NM_POOL_IF], uint, 0444);
MODULE_PARM_DESC(if_curr_num, "Current object count of the global if pool");
module_param_named(ring_curr_size, nm_geom_cur.objsize[NM_POOL_RING], uint, 0444);
MODULE_PARM_DESC(ring_curr_size, "Current object size of the global ring pool");
module_param_named(ring_curr_num, nm_geom_cur.objnum[NM_POOL_RING], uint, 0444);
MODULE_PARM_DESC(ring_curr_num, "Current object count of the global ring pool");
module_param_named(buf_curr_size, nm_geom_cur.objsize[NM_POOL_BUF], uint, 0444);
MODULE_PARM_DESC(buf_curr_size, "Current object size of the global buf pool");
module_param_named(buf_curr_num, nm_geom_cur.objnum[NM_POOL_BUF], uint, 0444);
MODULE_PARM_DESC(buf_curr_num, "Current object count of the global buf pool");

module_param_named(priv_if_size, nm_geom_pmin.objsize[NM_POOL_IF], uint, 0644);
MODULE_PARM_DESC(priv_if_size, "Minimum object size of private if pools");
module_param_named(priv_if_num, nm_geom_pmin.objnum[NM_POOL_IF], uint, 0644);
MODULE_PARM_DESC(priv_if_num, "Minimum object count of private if pools");
module_param_named(priv_ring_size, nm_geom_pmin.objsize[NM_POOL_RING], uint, 0644);
MODULE_PARM_DESC(priv_ring_size, "Minimum object size of private ring pools");
module_param_named(priv_ring_num, nm_geom_pmin.objnum[NM_POOL_RING], uint, 0644);
MODULE_PARM_DESC(priv_ring_num, "Minimum object count of private ring pools");
module_param_named(priv_buf_size, nm_geom_pmin.objsize[NM_POOL_BUF], uint, 0644);
MODULE_PARM_DESC(priv_buf_size, "Minimum object size of private buf pools");
module_param_named(priv_buf_num, nm_geom_pmin.objnum[NM_POOL_BUF], uint, 0644);
MODULE_PARM_DESC(priv_buf_num, "Minimum object count of private buf pools");

static void nm_mem_params(struct nm_mem_geom *g, const struct nm_mem_geom *p)
{
	kernel_param_lock(THIS_MODULE);
	*g = *p;
	kernel_param_unlock(THIS_MODULE);
}

/* The geometry the next population would use. */
static void nm_mem_want(const struct nm_mem *mem, struct nm_mem_geom *g)
{
	if (mem->private)
		*g = mem->want;
	else
		nm_mem_params(g, &nm_geom_req);
}

static int nm_mem_plan(const struct nm_mem *mem, const struct nm_mem_geom *g,
		       struct nm_mem_layout *l)
{
	enum nm_pool_kind where;
	const char *why;

	why = nm_mem_layout_compute(l, g, PAGE_SIZE, &where);
	if (!why)
		return 0;
	pr_err_ratelimited("%s allocator: %s: %s (requested if %u x %u, ring %u x %u, buf %u x %u)\n",
			   mem->private ? "private" : "global",
			   nm_pool_names[where], why,
			   g->objsize[NM_POOL_IF], g->objnum[NM_POOL_IF],
			   g->objsize[NM_POOL_RING], g->objnum[NM_POOL_RING],
			   g->objsize[NM_POOL_BUF], g->objnum[NM_POOL_BUF]);
	return -EINVAL;
}

/* Kernel address of object @idx of a populated pool. */
static void *nm_pool_obj(const struct nm_pool *p,
			 const struct nm_pool_layout *pl, u32 idx)
{
	return p->clusters[idx / pl->clustentries] +
	       (size_t)(idx % pl->clustentries) * pl->objsize;
}

/* Index and region offset of @obj; linear in the number of clusters. */
static bool nm_pool_locate(const struct nm_pool *p,
			   const struct nm_pool_layout *pl, const void *obj,
			   u32 *idx, u64 *ofs)
{
	unsigned long span = (unsigned long)pl->clustentries * pl->objsize;
	u32 c;

	for (c = 0; c < pl->numclusters; c++) {
		unsigned long d = (unsigned long)obj -
				  (unsigned long)p->clusters[c];

		if (d >= span)
			continue;
		if (d % pl->objsize)
			return false;
		*idx = c * pl->clustentries + d / pl->objsize;
		*ofs = pl->offset + (u64)c * pl->clustsize + d;
		return true;
	}
	return false;
}

/* First free object at or after the hint, wrapping to @first; bitmap_lock. */
static bool nm_pool_take(struct nm_pool *p, u32 total, u32 first, u32 *idx)
{
	unsigned long i;

	if (!p->nfree)
		return false;
	i = find_next_zero_bit(p->bitmap, total, p->hint);
	if (i >= total)
		i = find_next_zero_bit(p->bitmap, total, first);
	__set_bit(i, p->bitmap);
	WRITE_ONCE(p->nfree, p->nfree - 1);
	p->hint = i + 1;
	*idx = i;
	return true;
}

/* False, changing nothing, if @idx is already free; bitmap_lock. */
static bool nm_pool_give(struct nm_pool *p, u32 idx)
{
	if (!__test_and_clear_bit(idx, p->bitmap))
		return false;
	WRITE_ONCE(p->nfree, p->nfree + 1);
	return true;
}

static void nm_pool_free(struct nm_pool *p, const struct nm_pool_layout *pl)
{
	u32 c;

	/* Pages still mapped by a process keep their own references. */
	for (c = 0; p->clusters && c < pl->numclusters; c++) {
		if (p->clusters[c])
			free_pages_exact(p->clusters[c], pl->clustsize);
		cond_resched();
	}
	kvfree(p->clusters);
	kvfree(p->bitmap);
	memset(p, 0, sizeof(*p));
}

static int nm_pool_alloc(struct nm_pool *p, const struct nm_pool_layout *pl)
{
	u32 c;

	p->clusters = kvcalloc(pl->numclusters, sizeof(*p->clusters),
			       NM_MEM_GFP);
	p->bitmap = kvcalloc(BITS_TO_LONGS(pl->objtotal), sizeof(long),
			     NM_MEM_GFP);
	if (!p->clusters || !p->bitmap)
		goto err_free;
	for (c = 0; c < pl->numclusters; c++) {
		p->clusters[c] = alloc_pages_exact(pl->clustsize,
						   NM_MEM_GFP | __GFP_ZERO);
		if (!p->clusters[c] || fatal_signal_pending(current))
			goto err_free;
		cond_resched();
	}
	return 0;

err_free:
	nm_pool_free(p, pl);
	return -ENOMEM;
}

/* Every object free again, except the reserved buffers. */
static void nm_mem_reset_bitmaps(struct nm_mem *mem)
{
	struct nm_pool *bp = &mem->pools[NM_POOL_BUF];
	unsigned long flags;
	int k;

	lockdep_assert_held(&mem->lock);
	spin_lock_irqsave(&mem->bitmap_lock, flags);
	for (k = 0; k < NM_POOL_COUNT; k++) {
		struct nm_pool *p = &mem->pools[k];

		bitmap_zero(p->bitmap, mem->layout.pool[k].objtotal);
		p->hint = 0;
		WRITE_ONCE(p->nfree, mem->layout.pool[k].objtotal);
	}
	bitmap_set(bp->bitmap, 0, NM_BUF_RESERVED);
	bp->hint = NM_BUF_RESERVED;
	WRITE_ONCE(bp->nfree, bp->nfree - NM_BUF_RESERVED);
	spin_unlock_irqrestore(&mem->bitmap_lock, flags);
}

static void nm_mem_set_curr(const struct nm_mem *mem)
{
	int k;

	if (mem->private)
		return;
	for (k = 0; k < NM_POOL_COUNT; k++) {
		WRITE_ONCE(nm_geom_cur.objsize[k],
			   mem->layout.pool[k].objsize);
		WRITE_ONCE(nm_geom_cur.objnum[k],
			   mem->layout.pool[k].objtotal);
	}
}

static void nm_mem_depopulate(struct nm_mem *mem)
{
	int k;

	lockdep_assert_held(&mem->lock);
	if (!mem->populated)
		return;
	kvfree(mem->lut.vaddr);
	memset(&mem->lut, 0, sizeof(mem->lut));
	for (k = NM_POOL_COUNT - 1; k >= 0; k--)
		nm_pool_free(&mem->pools[k], &mem->layout.pool[k]);
	memset(&mem->layout, 0, sizeof(mem->layout));
	mem->populated = false;
	nm_mem_set_curr(mem);
}

static int nm_mem_populate(struct nm_mem *mem, const struct nm_mem_layout *l)
{
	const struct nm_pool_layout *bl = &l->pool[NM_POOL_BUF];
	int k, err = -ENOMEM;
	u32 i;

	lockdep_assert_held(&mem->lock);
	for (k = 0; k < NM_POOL_COUNT; k++) {
		err = nm_pool_alloc(&mem->pools[k], &l->pool[k]);
		if (err)
			goto err_pools;
	}
	mem->lut.vaddr = kvmalloc_array(bl->objtotal, sizeof(void *),
					NM_MEM_GFP);
	if (!mem->lut.vaddr) {
		err = -ENOMEM;
		goto err_pools;
	}
	for (i = 0; i < bl->objtotal; i++) {
		mem->lut.vaddr[i] = nm_pool_obj(&mem->pools[NM_POOL_BUF], bl, i);
		if (i % 4096 == 4095)
			cond_resched();
	}
	mem->lut.objtotal = bl->objtotal;
	mem->lut.objsize = bl->objsize;

	mem->layout = *l;
	mem->populated = true;
	nm_mem_reset_bitmaps(mem);
	nm_mem_set_curr(mem);
	return 0;

err_pools:
	while (k--)
		nm_pool_free(&mem->pools[k], &l->pool[k]);
	pr_err_ratelimited("%s allocator %u: cannot allocate %llu bytes\n",
			   mem->private ? "private" : "global", mem->id,
			   l->memsize);
	return err;
}

/*
 * The populated layout while users are active, else the one the next
 * activation would build (all zeros if it would fail).
 */
static void nm_mem_layout_get(const struct nm_mem *mem,
			      struct nm_mem_layout *l)
{
	/* Taking the lock does not modify the allocator. */
	struct mutex *lock = (struct mutex *)&mem->lock;
	enum nm_pool_kind where;
	struct nm_mem_geom g;

	mutex_lock(lock);
	if (mem->active) {
		*l = mem->layout;
	} else {
		nm_mem_want(mem, &g);
		if (nm_mem_layout_compute(l, &g, PAGE_SIZE, &where))
			memset(l, 0, sizeof(*l));
	}
	mutex_unlock(lock);
}

/* Allocate an allocator and publish it under an id in [@min, @max]. */
static struct nm_mem *nm_mem_create(bool private, const struct nm_mem_geom *g,
				    int min, int max)
{
	struct nm_mem_layout l;
	struct nm_mem *mem;
	int id, err;

	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem)
		return ERR_PTR(-ENOMEM);
	kref_init(&mem->ref);
	mutex_init(&mem->lock);
	spin_lock_init(&mem->bitmap_lock);
	mem->private = private;
	if (g) {
		mem->want = *g;
		err = nm_mem_plan(mem, g, &l);
		if (err)
			goto err_free;
	}

	mutex_lock(&nm_mem_ids_lock);
	id = idr_alloc_cyclic(&nm_mem_ids, mem, min, max + 1, GFP_KERNEL);
	if (id >= 0)
		mem->id = id;
	mutex_unlock(&nm_mem_ids_lock);
	if (id < 0) {
		err = id;
		goto err_free;
	}
	return mem;

err_free:
	mutex_destroy(&mem->lock);
	kfree(mem);
	return ERR_PTR(err);
}

/* kref_put_mutex() release: called with nm_mem_ids_lock held. */
static void nm_mem_release(struct kref *ref)
	__releases(&nm_mem_ids_lock)
{
	struct nm_mem *mem = container_of(ref, struct nm_mem, ref);

	idr_remove(&nm_mem_ids, mem->id);
	mutex_unlock(&nm_mem_ids_lock);

	mutex_lock(&mem->lock);
	nm_mem_depopulate(mem);
	mutex_unlock(&mem->lock);
	mutex_destroy(&mem->lock);
	kfree(mem);
}

/**
 * nm_mem_init() - create the global allocator (id 1), not yet populated
 * Context: module init.
 * Return: 0 or -errno.
 */
int nm_mem_init(void)
{
	struct nm_mem *mem;

	BUILD_BUG_ON(sizeof(struct netmap_ring) != 256);
	BUILD_BUG_ON(sizeof(struct netmap_slot) != 16);

	mem = nm_mem_create(false, NULL, NM_MEM_GLOBAL_ID, NM_MEM_GLOBAL_ID);
	if (IS_ERR(mem))
		return PTR_ERR(mem);
	nm_mem_global = mem;
	return 0;
}

/**
 * nm_mem_uninit() - drop the global allocator and free its region
 * Context: module exit. Open files and mappings pin the module, so no
 * other reference is left.
 */
void nm_mem_uninit(void)
{
	nm_mem_put(nm_mem_global);
	nm_mem_global = NULL;
	if (!idr_is_empty(&nm_mem_ids))
		pr_warn("private allocators leaked at exit\n");
	idr_destroy(&nm_mem_ids);
}

/**
 * nm_mem_get_global() - reference the global allocator
 * Context: any context between nm_mem_init() and nm_mem_uninit().
 * Return: the allocator, with a reference for nm_mem_put().
 */
struct nm_mem *nm_mem_get_global(void)
{
	return nm_mem_get(nm_mem_global);
}

/**
 * nm_mem_find() - look an allocator up by id
 * @id: allocator id; 0 names none
 * Context: process context.
 * Return: the allocator with a new reference, or NULL.
 */
struct nm_mem *nm_mem_find(u16 id)
{
	struct nm_mem *mem;

	mutex_lock(&nm_mem_ids_lock);
	mem = id ? idr_find(&nm_mem_ids, id) : NULL;
	if (mem)
		kref_get(&mem->ref);
	mutex_unlock(&nm_mem_ids_lock);
	return mem;
}

/**
 * nm_mem_create_private() - create an allocator with its own id and region
 * @want: requested geometry, or NULL; values below the priv_* module
 *	parameters are raised to them
 *
 * The region is allocated by the first nm_mem_activate() and freed with
 * the last reference.
 *
 * Context: process context.
 * Return: the allocator with one reference, ERR_PTR(-EINVAL) for a bad
 * geometry, ERR_PTR(-ENOSPC) when all ids are taken, or ERR_PTR(-ENOMEM).
 */
struct nm_mem *nm_mem_create_private(const struct nm_mem_geom *want)
{
	struct nm_mem_geom g;
	int k;

	nm_mem_params(&g, &nm_geom_pmin);
	for (k = 0; want && k < NM_POOL_COUNT; k++) {
		g.objsize[k] = max(g.objsize[k], want->objsize[k]);
		g.objnum[k] = max(g.objnum[k], want->objnum[k]);
	}
	return nm_mem_create(true, &g, NM_MEM_GLOBAL_ID + 1, U16_MAX);
}

/**
 * nm_mem_get() - take a reference on an allocator
 * @mem: allocator the caller holds a reference on
 * Context: any context.
 * Return: @mem.
 */
struct nm_mem *nm_mem_get(struct nm_mem *mem)
{
	kref_get(&mem->ref);
	return mem;
}

/**
 * nm_mem_put() - drop a reference; the last one destroys the allocator
 * @mem: allocator, or NULL
 *
 * Destruction releases the id and frees the region; pages a process
 * still maps stay valid until it unmaps them.
 *
 * Context: process context.
 */
void nm_mem_put(struct nm_mem *mem)
{
	if (mem)
		kref_put_mutex(&mem->ref, nm_mem_release, &nm_mem_ids_lock);
}

/**
 * nm_mem_id() - id of an allocator, as reported in nr_mem_id
 * @mem: allocator
 * Context: any context.
 * Return: the id; 1 for the global allocator.
 */
u16 nm_mem_id(const struct nm_mem *mem)
{
	return mem->id;
}

/**
 * nm_mem_is_private() - whether netmap_ifs of @mem carry NI_PRIV_MEM
 * @mem: allocator
 * Context: any context.
 * Return: true for allocators made by nm_mem_create_private().
 */
bool nm_mem_is_private(const struct nm_mem *mem)
{
	return mem->private;
}

/**
 * nm_mem_activate() - start using an allocator, populating it if needed
 * @mem: allocator
 *
 * The first activation allocates the region. Later, whenever no user is
 * active, the global allocator rebuilds it if its module parameters now
 * give another layout; an old mapping keeps the pages it has faulted in
 * but does not match the new region.
 *
 * Context: process context; may sleep for long on a large region.
 * Return: 0, -EINVAL for a bad geometry (logged), -ENOMEM, or -EINTR if
 * the caller was killed meanwhile.
 */
int nm_mem_activate(struct nm_mem *mem)
{
	struct nm_mem_layout l;
	struct nm_mem_geom g;
	int err = 0;

	mutex_lock(&mem->lock);
	if (!mem->active) {
		nm_mem_want(mem, &g);
		err = nm_mem_plan(mem, &g, &l);
		/* memcmp: nm_mem_layout_compute() zeroes the padding. */
		if (!err && (!mem->populated ||
			     memcmp(&l, &mem->layout, sizeof(l)))) {
			nm_mem_depopulate(mem);
			err = nm_mem_populate(mem, &l);
			if (err && fatal_signal_pending(current))
				err = -EINTR;
		}
	}
	if (!err)
		mem->active++;
	mutex_unlock(&mem->lock);
	return err;
}

/**
 * nm_mem_deactivate() - stop using an allocator
 * @mem: allocator the caller activated
 *
 * When the last user leaves, every object becomes free again (except
 * buffers 0 and 1), reclaiming whatever a process leaked; the region
 * stays allocated for the next user. Free objects before calling this.
 *
 * Context: process context.
 */
void nm_mem_deactivate(struct nm_mem *mem)
{
	mutex_lock(&mem->lock);
	if (!WARN_ON_ONCE(!mem->active) && !--mem->active)
		nm_mem_reset_bitmaps(mem);
	mutex_unlock(&mem->lock);
}

/**
 * nm_mem_size() - size of the region to mmap (nr_memsize)
 * @mem: allocator
 * Context: process context. Exact while the caller holds an activation,
 * else a prediction of the next one.
 * Return: bytes; 0 if the requested geometry is invalid.
 */
u64 nm_mem_size(const struct nm_mem *mem)
{
	struct nm_mem_layout l;

	nm_mem_layout_get(mem, &l);
	return l.memsize;
}

/**
 * nm_mem_lut() - buffer lookup table
 * @mem: allocator the caller activated
 * Context: any context; valid until the caller's nm_mem_deactivate().
 * Return: the table, which hot paths may copy.
 */
const struct nm_mem_lut *nm_mem_lut(const struct nm_mem *mem)
{
	return &mem->lut;
}

/**
 * nm_mem_ring_max_slots() - most slots a ring object can hold
 * @mem: allocator
 * Context: process context; same accuracy as nm_mem_size().
 * Return: (ring object size - 256) / 16; 0 if the geometry is invalid.
 */
u32 nm_mem_ring_max_slots(const struct nm_mem *mem)
{
	struct nm_mem_layout l;
	u32 size;

	nm_mem_layout_get(mem, &l);
	size = l.pool[NM_POOL_RING].objsize;
	if (size < sizeof(struct netmap_ring))
		return 0;
	return (size - sizeof(struct netmap_ring)) /
	       sizeof(struct netmap_slot);
}

static void *nm_mem_obj_alloc(struct nm_mem *mem, enum nm_pool_kind kind,
			      size_t len)
{
	const struct nm_pool_layout *pl = &mem->layout.pool[kind];
	struct nm_pool *p = &mem->pools[kind];
	unsigned long flags;
	bool found;
	void *obj;
	u32 idx;

	if (len > pl->objsize)
		return NULL;
	spin_lock_irqsave(&mem->bitmap_lock, flags);
	found = nm_pool_take(p, pl->objtotal, 0, &idx);
	spin_unlock_irqrestore(&mem->bitmap_lock, flags);
	if (!found)
		return NULL;
	obj = nm_pool_obj(p, pl, idx);
	memset(obj, 0, pl->objsize);
	return obj;
}

static void nm_mem_obj_free(struct nm_mem *mem, enum nm_pool_kind kind,
			    void *obj)
{
	struct nm_pool *p = &mem->pools[kind];
	unsigned long flags;
	bool freed;
	u64 ofs;
	u32 idx;

	if (!obj)
		return;
	if (WARN_ONCE(!nm_pool_locate(p, &mem->layout.pool[kind], obj, &idx,
				      &ofs),
		      "netmap: %p is not in the %s\n", obj,
		      nm_pool_names[kind]))
		return;
	spin_lock_irqsave(&mem->bitmap_lock, flags);
	freed = nm_pool_give(p, idx);
	spin_unlock_irqrestore(&mem->bitmap_lock, flags);
	if (!freed)
		pr_warn_ratelimited("allocator %u: %s object %u freed twice\n",
				    mem->id, nm_pool_names[kind], idx);
}

/**
 * nm_mem_if_alloc() - allocate a zeroed netmap_if object
 * @mem: allocator the caller activated
 * @len: bytes needed
 * Context: any context; does not sleep.
 * Return: kernel address; NULL if @len exceeds the object size or the pool
 * is exhausted.
 */
void *nm_mem_if_alloc(struct nm_mem *mem, size_t len)
{
	return nm_mem_obj_alloc(mem, NM_POOL_IF, len);
}

/**
 * nm_mem_if_free() - free a netmap_if object
 * @mem: allocator the caller activated
 * @nifp: object from nm_mem_if_alloc(), or NULL
 * Context: any context; does not sleep.
 */
void nm_mem_if_free(struct nm_mem *mem, void *nifp)
{
	nm_mem_obj_free(mem, NM_POOL_IF, nifp);
}

/**
 * nm_mem_ring_alloc() - allocate a zeroed ring object
 * @mem: allocator the caller activated
 * @len: bytes needed: header plus slots
 * Context: any context; does not sleep.
 * Return: kernel address; NULL if @len exceeds the object size or the pool
 * is exhausted.
 */
struct netmap_ring *nm_mem_ring_alloc(struct nm_mem *mem, size_t len)
{
	return nm_mem_obj_alloc(mem, NM_POOL_RING, len);
}

/**
 * nm_mem_ring_free() - free a ring object
 * @mem: allocator the caller activated
 * @ring: object from nm_mem_ring_alloc(), or NULL
 * Context: any context; does not sleep.
 */
void nm_mem_ring_free(struct nm_mem *mem, struct netmap_ring *ring)
{
	nm_mem_obj_free(mem, NM_POOL_RING, ring);
}

/**
 * nm_mem_ofs() - region offset of a netmap_if or ring object
 * @mem: allocator the caller activated
 * @obj: object allocated from @mem
 * Context: any context; linear in the number of clusters.
 * Return: the offset (nr_offset for a netmap_if).
 */
u64 nm_mem_ofs(const struct nm_mem *mem, const void *obj)
{
	u64 ofs;
	u32 idx;
	int k;

	for (k = NM_POOL_IF; k <= NM_POOL_RING; k++)
		if (nm_pool_locate(&mem->pools[k], &mem->layout.pool[k], obj,
				   &idx, &ofs))
			return ofs;
	WARN_ONCE(1, "netmap: %p is not an allocator object\n", obj);
	return 0;
}

/**
 * nm_mem_buf_ofs() - value of ring->buf_ofs
 * @mem: allocator the caller activated
 * @ring: ring allocated from @mem
 * Context: any context.
 * Return: offset from @ring to buffer 0.
 */
s64 nm_mem_buf_ofs(const struct nm_mem *mem, const struct netmap_ring *ring)
{
	return (s64)mem->layout.pool[NM_POOL_BUF].offset -
	       (s64)nm_mem_ofs(mem, ring);
}

/**
 * nm_mem_buf_alloc() - allocate a buffer
 * @mem: allocator the caller activated
 * Context: any context; does not sleep.
 * Return: a buffer index, at least 2; 0 if none is free.
 */
u32 nm_mem_buf_alloc(struct nm_mem *mem)
{
	unsigned long flags;
	u32 idx = 0;

	spin_lock_irqsave(&mem->bitmap_lock, flags);
	nm_pool_take(&mem->pools[NM_POOL_BUF],
		     mem->layout.pool[NM_POOL_BUF].objtotal, NM_BUF_RESERVED,
		     &idx);
	spin_unlock_irqrestore(&mem->bitmap_lock, flags);
	return idx;
}

/**
 * nm_mem_buf_free() - free a buffer
 * @mem: allocator the caller activated
 * @idx: buffer index, possibly from userspace
 * Context: any context; does not sleep.
 * Return: true if @idx was allocated and is now free; false, changing
 * nothing, for a reserved, out-of-range or free index.
 */
bool nm_mem_buf_free(struct nm_mem *mem, u32 idx)
{
	unsigned long flags;
	bool freed;

	if (idx < NM_BUF_RESERVED ||
	    idx >= mem->layout.pool[NM_POOL_BUF].objtotal)
		return false;
	spin_lock_irqsave(&mem->bitmap_lock, flags);
	freed = nm_pool_give(&mem->pools[NM_POOL_BUF], idx);
	spin_unlock_irqrestore(&mem->bitmap_lock, flags);
	return freed;
}

/**
 * nm_mem_free_bufs() - number of free buffers, for tests and debugging
 * @mem: allocator
 * Context: any context; the value may be stale at once.
 * Return: free buffers; 0 while unpopulated.
 */
u32 nm_mem_free_bufs(const struct nm_mem *mem)
{
	return READ_ONCE(mem->pools[NM_POOL_BUF].nfree);
}

/**
 * nm_mem_pools_info() - describe the region (NETMAP_REQ_POOLS_INFO_GET)
 * @mem: allocator
 * @pi: filled entirely
 * Context: process context; same accuracy as nm_mem_size().
 */
void nm_mem_pools_info(const struct nm_mem *mem, struct nmreq_pools_info *pi)
{
	struct nm_mem_layout l;

	nm_mem_layout_get(mem, &l);
	memset(pi, 0, sizeof(*pi));
	pi->nr_memsize = l.memsize;
	pi->nr_mem_id = mem->id;
	pi->nr_if_pool_offset = l.pool[NM_POOL_IF].offset;
	pi->nr_if_pool_objtotal = l.pool[NM_POOL_IF].objtotal;
	pi->nr_if_pool_objsize = l.pool[NM_POOL_IF].objsize;
	pi->nr_ring_pool_offset = l.pool[NM_POOL_RING].offset;
	pi->nr_ring_pool_objtotal = l.pool[NM_POOL_RING].objtotal;
	pi->nr_ring_pool_objsize = l.pool[NM_POOL_RING].objsize;
	pi->nr_buf_pool_offset = l.pool[NM_POOL_BUF].offset;
	pi->nr_buf_pool_objtotal = l.pool[NM_POOL_BUF].objtotal;
	pi->nr_buf_pool_objsize = l.pool[NM_POOL_BUF].objsize;
}

/**
 * nm_mem_dma_map() - map every buffer cluster of @mem for @dev
 * @mem: allocator the caller activated
 * @dev: the device that will read and write the buffers
 * @dma: filled on success
 *
 * Clusters are physically contiguous, so one mapping covers all the
 * buffers of a cluster. Mapped bidirectionally: a buffer moves between
 * TX and RX rings without being remapped.
 *
 * Context: process context; linear in the number of clusters.
 * Return: 0, -ENOMEM, or -EIO if a cluster cannot be mapped.
 */
int nm_mem_dma_map(struct nm_mem *mem, struct device *dev,
		   struct nm_mem_dma *dma)
{
	const struct nm_pool_layout *bl = &mem->layout.pool[NM_POOL_BUF];
	struct nm_pool *bp = &mem->pools[NM_POOL_BUF];
	u32 c;

	memset(dma, 0, sizeof(*dma));
	dma->cluster = kvcalloc(bl->numclusters, sizeof(*dma->cluster),
				NM_MEM_GFP);
	if (!dma->cluster)
		return -ENOMEM;
	for (c = 0; c < bl->numclusters; c++) {
		dma_addr_t a = dma_map_single(dev, bp->clusters[c],
					      bl->clustsize,
					      DMA_BIDIRECTIONAL);

		if (dma_mapping_error(dev, a))
			goto err_unmap;
		dma->cluster[c] = a;
		if (c % 4096 == 4095)
			cond_resched();
	}
	dma->dev = dev;
	dma->numclusters = bl->numclusters;
	dma->clustentries = bl->clustentries;
	dma->clustsize = bl->clustsize;
	dma->objsize = bl->objsize;
	dma->objtotal = bl->objtotal;
	return 0;

err_unmap:
	while (c--)
		dma_unmap_single(dev, dma->cluster[c], bl->clustsize,
				 DMA_BIDIRECTIONAL);
	kvfree(dma->cluster);
	dma->cluster = NULL;
	return -EIO;
}

/**
 * nm_mem_dma_unmap() - undo nm_mem_dma_map()
 * @dma: a mapping (or a zeroed one: nothing is done)
 *
 * The device must no longer access the buffers.
 *
 * Context: process context.
 */
void nm_mem_dma_unmap(struct nm_mem_dma *dma)
{
	u32 c;

	for (c = 0; dma->cluster && c < dma->numclusters; c++) {
		dma_unmap_single(dma->dev, dma->cluster[c], dma->clustsize,
				 DMA_BIDIRECTIONAL);
		if (c % 4096 == 4095)
			cond_resched();
	}
	kvfree(dma->cluster);
	memset(dma, 0, sizeof(*dma));
}

static vm_fault_t nm_mem_fault(struct vm_fault *vmf)
{
	struct nm_mem *mem = vmf->vma->vm_private_data;
	u64 ofs = (u64)vmf->pgoff << PAGE_SHIFT;
	struct page *page = NULL;
	int k;

	mutex_lock(&mem->lock);
	for (k = 0; mem->populated && k < NM_POOL_COUNT; k++) {
		const struct nm_pool_layout *pl = &mem->layout.pool[k];
		u32 rem;
		u64 c;

		if (ofs - pl->offset >= pl->memtotal)
			continue;
		c = div_u64_rem(ofs - pl->offset, pl->clustsize, &rem);
		page = virt_to_page(mem->pools[k].clusters[c] + rem);
		get_page(page);
		break;
	}
	mutex_unlock(&mem->lock);
	if (!page)
		return VM_FAULT_SIGBUS;
	vmf->page = page;
	return 0;
}

/* Every vma, including those made by fork and splits, holds a reference. */
static void nm_mem_vm_open(struct vm_area_struct *vma)
{
	nm_mem_get(vma->vm_private_data);
}

static void nm_mem_vm_close(struct vm_area_struct *vma)
{
	nm_mem_put(vma->vm_private_data);
}

static const struct vm_operations_struct nm_mem_vm_ops = {
	.open = nm_mem_vm_open,
	.close = nm_mem_vm_close,
	.fault = nm_mem_fault,
};

/**
 * nm_mem_mmap() - map a window of the region of a populated allocator
 * @mem: allocator
 * @vma: page-aligned window, anywhere inside the region
 *
 * Pages are mapped on first access. The mapping holds a reference on
 * @mem and may outlive the activation that allowed it.
 *
 * Context: the file's mmap handler (mmap_lock held).
 * Return: 0, or -EINVAL if @mem is unpopulated or the window is not inside
 * the region.
 */
int nm_mem_mmap(struct nm_mem *mem, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 size;

	mutex_lock(&mem->lock);
	size = mem->layout.memsize;
	mutex_unlock(&mem->lock);

	if (!size || vma->vm_pgoff > (size >> PAGE_SHIFT) ||
	    len > size - ((u64)vma->vm_pgoff << PAGE_SHIFT))
		return -EINVAL;

	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &nm_mem_vm_ops;
	vma->vm_private_data = nm_mem_get(mem);
	return 0;
}
