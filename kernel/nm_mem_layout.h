/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout of an allocator's region, computed from a requested geometry.
 *
 * Pure arithmetic with no allocation, locking or other kernel service, so
 * that selftests/nm_mem_layout.c can check it on the host (which includes
 * it after <string.h>, definitions of u32 and u64, and nm_mem.h).
 *
 * An object size is first rounded up to the pool's alignment. A cluster
 * is then the smallest multiple of it that is also a multiple of the page
 * size; if that would exceed NM_MEM_MAX_CLUSTER:
 *  - netmap_ifs and rings, which userspace finds through offsets, take one
 *    object per page-rounded cluster and leave the tail of it unused;
 *  - buffers, which userspace finds at index * size, may leave no gaps, so
 *    their size is rounded up further (to 128, 256, ... bytes) until the
 *    cluster fits.
 * The requested count is rounded up to whole clusters.
 */
#ifndef _NM_MEM_LAYOUT_H
#define _NM_MEM_LAYOUT_H

#ifdef __KERNEL__
#include <linux/string.h>
#include "nm_mem.h"
#endif

#define NM_MEM_MAX_CLUSTER	(128u << 10)
/* The legacy nmreq reports the region size in 32 bits. */
#define NM_MEM_MAX_SIZE		0xffffffffull

struct nm_pool_layout {
	u64 offset;		/* of the pool in the region */
	u64 memtotal;		/* numclusters * clustsize */
	u32 objsize;		/* requested size, rounded up */
	u32 objtotal;		/* numclusters * clustentries */
	u32 clustsize;		/* a multiple of the page size */
	u32 clustentries;	/* objects per cluster */
	u32 numclusters;
};

struct nm_mem_layout {
	struct nm_pool_layout pool[NM_POOL_COUNT];
	u64 memsize;		/* sum of the pools */
};

/* What a pool accepts; sizes and counts are those of the request. */
struct nm_pool_limits {
	u32 minsize;
	u32 maxsize;
	u32 minnum;
	u32 align;		/* power of two, at least 64 */
	bool linear;		/* addressed by index: no gaps allowed */
};

static inline struct nm_pool_limits nm_pool_limits(enum nm_pool_kind kind)
{
	switch (kind) {
	case NM_POOL_IF:
		return (struct nm_pool_limits){
			.minsize = 64, .maxsize = 64u << 10,
			.minnum = 1, .align = 64,
		};
	case NM_POOL_RING:
		return (struct nm_pool_limits){
			.minsize = sizeof(struct netmap_ring) +
				   sizeof(struct netmap_slot),
			.maxsize = 1u << 20,
			.minnum = 2,
			/* keep the ring header at its declared alignment */
			.align = __alignof__(struct netmap_ring) > 64 ?
				 __alignof__(struct netmap_ring) : 64,
		};
	default:
		return (struct nm_pool_limits){
			.minsize = 64, .maxsize = 64u << 10,
			.minnum = 3, .align = 64, .linear = true,
		};
	}
}

/* Returns NULL, or why the pool cannot be built. */
static inline const char *nm_pool_layout_compute(struct nm_pool_layout *pl,
						 enum nm_pool_kind kind,
						 u32 size, u32 num,
						 u32 page_size)
{
	const struct nm_pool_limits lim = nm_pool_limits(kind);
	const u32 max_clust = page_size < NM_MEM_MAX_CLUSTER ?
			      NM_MEM_MAX_CLUSTER : page_size;
	u32 align, objsize, per, clust, nclust;

	if (size < lim.minsize || size > lim.maxsize)
		return "object size out of range";
	if (num < lim.minnum)
		return "too few objects";

	for (align = lim.align; ; align <<= 1) {
		u32 low;

		objsize = (size + align - 1) & ~(align - 1);
		low = objsize & -objsize;	/* largest power of 2 dividing it */
		per = low >= page_size ? 1 : page_size / low;
		if ((u64)objsize * per <= max_clust) {
			clust = objsize * per;
			break;
		}
		if (!lim.linear) {
			per = 1;
			clust = (objsize + page_size - 1) / page_size *
				page_size;
			break;
		}
		/* A page-multiple size always fits: maxsize <= max_clust. */
		if (align >= page_size)
			return "object size out of range";
	}

	nclust = num / per + (num % per != 0);
	if ((u64)nclust * per > 0xffffffffull)
		return "too many objects";

	pl->objsize = objsize;
	pl->clustsize = clust;
	pl->clustentries = per;
	pl->numclusters = nclust;
	pl->objtotal = nclust * per;
	pl->memtotal = (u64)nclust * clust;
	return NULL;
}

/*
 * Fill @l from @g for the given page size. Returns NULL, or why @g is
 * rejected with *@where naming the pool (NM_POOL_COUNT: the whole region).
 * @l is zeroed first, padding included, so layouts compare with memcmp().
 */
static inline const char *nm_mem_layout_compute(struct nm_mem_layout *l,
						const struct nm_mem_geom *g,
						u32 page_size,
						enum nm_pool_kind *where)
{
	u64 offset = 0;
	int k;

	memset(l, 0, sizeof(*l));
	for (k = 0; k < NM_POOL_COUNT; k++) {
		struct nm_pool_layout *pl = &l->pool[k];
		const char *why;

		why = nm_pool_layout_compute(pl, k, g->objsize[k],
					     g->objnum[k], page_size);
		if (why) {
			*where = k;
			return why;
		}
		pl->offset = offset;
		offset += pl->memtotal;
	}
	if (offset > NM_MEM_MAX_SIZE) {
		*where = NM_POOL_COUNT;
		return "region larger than 4 GiB";
	}
	l->memsize = offset;
	return NULL;
}

#endif /* _NM_MEM_LAYOUT_H */
