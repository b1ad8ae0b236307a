/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared-memory allocator: one region per allocator, made of three pools
 * laid out back to back in mmap offset space:
 *
 *	[ netmap_if pool ][ ring pool ][ buffer pool ]
 *
 * Each pool is built from clusters: the smallest multiple of the object
 * size that is also a multiple of PAGE_SIZE, so that no object straddles
 * a cluster and every object is physically contiguous (native drivers map
 * buffers for DMA one at a time). Object sizes are rounded up to 64 bytes.
 *
 * Buffers 0 and 1 are reserved and never handed out; buffer 0 is the sink
 * that out-of-range indices resolve to. Every page is zeroed before
 * userspace can see it.
 *
 * Allocator 1 is the global one (module parameters give its geometry);
 * private allocators get the next free id. Lifetime has two counts:
 *  - references (nm_mem_get/nm_mem_put) keep the structure alive;
 *  - active users (nm_mem_activate/nm_mem_deactivate) keep the memory
 *    populated. When the last active user leaves, the free bitmaps are
 *    reset, reclaiming whatever a misbehaving application leaked.
 */
#ifndef _NM_MEM_H
#define _NM_MEM_H

#include <linux/types.h>
#include <linux/netmap.h>

struct device;
struct vm_area_struct;
struct nm_mem;

enum nm_pool_kind {
	NM_POOL_IF,
	NM_POOL_RING,
	NM_POOL_BUF,
	NM_POOL_COUNT,
};

/* Requested geometry: object size and count per pool. */
struct nm_mem_geom {
	u32 objsize[NM_POOL_COUNT];
	u32 objnum[NM_POOL_COUNT];
};

/*
 * Buffer lookup table, valid while the allocator is active. Hot paths
 * cache a copy; nm_buf_addr() never returns NULL for an active allocator.
 */
struct nm_mem_lut {
	void **vaddr;		/* kernel address of each buffer */
	u32 objtotal;		/* number of buffers, including 0 and 1 */
	u32 objsize;		/* buffer size in bytes */
};

/* Address of buffer @idx; out-of-range indices give buffer 0. */
static inline void *nm_buf_addr(const struct nm_mem_lut *lut, u32 idx)
{
	if (unlikely(idx >= lut->objtotal))
		idx = 0;
	return lut->vaddr[idx];
}

/* Indices 0 and 1 are reserved: a slot must carry one in [2, objtotal). */
static inline bool nm_buf_idx_valid(const struct nm_mem_lut *lut, u32 idx)
{
	return idx >= 2 && idx < lut->objtotal;
}

int nm_mem_init(void);
void nm_mem_uninit(void);

struct nm_mem *nm_mem_get_global(void);
struct nm_mem *nm_mem_find(u16 id);
struct nm_mem *nm_mem_create_private(const struct nm_mem_geom *want);
struct nm_mem *nm_mem_get(struct nm_mem *mem);
void nm_mem_put(struct nm_mem *mem);
u16 nm_mem_id(const struct nm_mem *mem);
bool nm_mem_is_private(const struct nm_mem *mem);

int nm_mem_activate(struct nm_mem *mem);
void nm_mem_deactivate(struct nm_mem *mem);

u64 nm_mem_size(const struct nm_mem *mem);
const struct nm_mem_lut *nm_mem_lut(const struct nm_mem *mem);
u32 nm_mem_ring_max_slots(const struct nm_mem *mem);

void *nm_mem_if_alloc(struct nm_mem *mem, size_t len);
void nm_mem_if_free(struct nm_mem *mem, void *nifp);
struct netmap_ring *nm_mem_ring_alloc(struct nm_mem *mem, size_t len);
void nm_mem_ring_free(struct nm_mem *mem, struct netmap_ring *ring);
u64 nm_mem_ofs(const struct nm_mem *mem, const void *obj);
s64 nm_mem_buf_ofs(const struct nm_mem *mem, const struct netmap_ring *ring);

u32 nm_mem_buf_alloc(struct nm_mem *mem);
bool nm_mem_buf_free(struct nm_mem *mem, u32 idx);
u32 nm_mem_free_bufs(const struct nm_mem *mem);

#ifdef __KERNEL__	/* selftests/nm_mem_layout.c includes this file */
/*
 * Bus addresses of an active allocator's buffers for one device: each
 * buffer cluster is mapped once (nm_mem_dma_map), so the address of a
 * buffer is its cluster's plus its offset in it. Valid until
 * nm_mem_dma_unmap(), which the owner calls before deactivating @mem.
 */
struct nm_mem_dma {
	struct device *dev;
	dma_addr_t *cluster;	/* bus address of each buffer cluster */
	u32 numclusters;
	u32 clustentries;	/* buffers per cluster */
	u32 clustsize;
	u32 objsize;
	u32 objtotal;
};

int nm_mem_dma_map(struct nm_mem *mem, struct device *dev,
		   struct nm_mem_dma *dma);
void nm_mem_dma_unmap(struct nm_mem_dma *dma);

/* Bus address of buffer @idx; the caller has checked nm_buf_idx_valid(). */
static inline dma_addr_t nm_mem_dma_addr(const struct nm_mem_dma *dma,
					 u32 idx)
{
	return dma->cluster[idx / dma->clustentries] +
	       (dma_addr_t)(idx % dma->clustentries) * dma->objsize;
}
#endif

void nm_mem_pools_info(const struct nm_mem *mem, struct nmreq_pools_info *pi);
int nm_mem_mmap(struct nm_mem *mem, struct vm_area_struct *vma);

#endif /* _NM_MEM_H */
