// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator's region layout (kernel/nm_mem_layout.h), checked on the
 * host: the default geometry of spec §2.6, the private minimums, the
 * rounding rules, the limits, and for every object size the invariants
 * the kernel relies on (clusters are page multiples, no object straddles
 * a cluster, buffers are contiguous in offset space).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"

/* What the kernel headers expect from <linux/types.h> and friends. */
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#define unlikely(x)	(x)

#include "../kernel/nm_mem.h"
#include "../kernel/nm_mem_layout.h"

#define PG	4096u

static const char *layout(struct nm_mem_layout *l, u32 ifs, u32 ifn,
			  u32 rs, u32 rn, u32 bs, u32 bn, u32 page)
{
	struct nm_mem_geom g = {
		.objsize = { [NM_POOL_IF] = ifs, [NM_POOL_RING] = rs,
			     [NM_POOL_BUF] = bs },
		.objnum = { [NM_POOL_IF] = ifn, [NM_POOL_RING] = rn,
			    [NM_POOL_BUF] = bn },
	};
	enum nm_pool_kind where;

	return nm_mem_layout_compute(l, &g, page, &where);
}

static enum nm_pool_kind failing_pool(u32 ifs, u32 ifn, u32 rs, u32 rn,
				      u32 bs, u32 bn)
{
	struct nm_mem_geom g = {
		.objsize = { [NM_POOL_IF] = ifs, [NM_POOL_RING] = rs,
			     [NM_POOL_BUF] = bs },
		.objnum = { [NM_POOL_IF] = ifn, [NM_POOL_RING] = rn,
			    [NM_POOL_BUF] = bn },
	};
	enum nm_pool_kind where = -1;
	struct nm_mem_layout l;

	if (!nm_mem_layout_compute(&l, &g, PG, &where))
		return -1;
	return where;
}

/* Spec §2.6 table. */
TEST(default_geometry)
{
	struct nm_mem_layout l;
	const struct nm_pool_layout *p = l.pool;

	ASSERT_EQ(NULL, layout(&l, 1024, 100, 36864, 200, 2048, 163840, PG));
	EXPECT_EQ(343019520ull, l.memsize);

	EXPECT_EQ(0, p[NM_POOL_IF].offset);
	EXPECT_EQ(1024, p[NM_POOL_IF].objsize);
	EXPECT_EQ(4096, p[NM_POOL_IF].clustsize);
	EXPECT_EQ(4, p[NM_POOL_IF].clustentries);
	EXPECT_EQ(100, p[NM_POOL_IF].objtotal);
	EXPECT_EQ(102400, p[NM_POOL_IF].memtotal);

	EXPECT_EQ(102400, p[NM_POOL_RING].offset);
	EXPECT_EQ(36864, p[NM_POOL_RING].objsize);
	EXPECT_EQ(36864, p[NM_POOL_RING].clustsize);
	EXPECT_EQ(200, p[NM_POOL_RING].objtotal);
	EXPECT_EQ(7372800, p[NM_POOL_RING].memtotal);
	EXPECT_EQ(2288, (p[NM_POOL_RING].objsize - 256) / 16);

	EXPECT_EQ(102400 + 7372800, p[NM_POOL_BUF].offset);
	EXPECT_EQ(2048, p[NM_POOL_BUF].objsize);
	EXPECT_EQ(4096, p[NM_POOL_BUF].clustsize);
	EXPECT_EQ(163840, p[NM_POOL_BUF].objtotal);
	EXPECT_EQ(335544320ull, p[NM_POOL_BUF].memtotal);
}

TEST(private_minimum)
{
	struct nm_mem_layout l;

	ASSERT_EQ(NULL, layout(&l, 1024, 2, 20480, 4, 2048, 4098, PG));
	EXPECT_EQ(4, l.pool[NM_POOL_IF].objtotal);	/* one cluster */
	EXPECT_EQ(4096, l.pool[NM_POOL_IF].memtotal);
	EXPECT_EQ(4, l.pool[NM_POOL_RING].objtotal);
	EXPECT_EQ(81920, l.pool[NM_POOL_RING].memtotal);
	EXPECT_EQ(1264, (l.pool[NM_POOL_RING].objsize - 256) / 16);
	EXPECT_EQ(4098, l.pool[NM_POOL_BUF].objtotal);
	EXPECT_EQ(2049 * 4096, l.pool[NM_POOL_BUF].memtotal);
	EXPECT_EQ(4096 + 81920 + 2049 * 4096, l.memsize);
}

TEST(sizes_round_up_and_counts_fill_clusters)
{
	struct nm_mem_layout l;

	ASSERT_EQ(NULL, layout(&l, 100, 1, 272, 2, 2000, 5, PG));
	EXPECT_EQ(128, l.pool[NM_POOL_IF].objsize);
	EXPECT_EQ(32, l.pool[NM_POOL_IF].objtotal);
	/* rings keep their 128-byte alignment */
	EXPECT_EQ(384, l.pool[NM_POOL_RING].objsize);
	EXPECT_EQ(3 * PG, l.pool[NM_POOL_RING].clustsize);
	EXPECT_EQ(32, l.pool[NM_POOL_RING].objtotal);
	EXPECT_EQ(2048, l.pool[NM_POOL_BUF].objsize);
	EXPECT_EQ(6, l.pool[NM_POOL_BUF].objtotal);
}

TEST(odd_sizes_cap_the_cluster)
{
	struct nm_mem_layout l;

	/* 2112 = 33 * 64 would need a 33-page cluster: grow to 17 * 128 */
	ASSERT_EQ(NULL, layout(&l, 1024, 1, 36864, 2, 2112, 100, PG));
	EXPECT_EQ(2176, l.pool[NM_POOL_BUF].objsize);
	EXPECT_EQ(17 * PG, l.pool[NM_POOL_BUF].clustsize);
	EXPECT_EQ(32, l.pool[NM_POOL_BUF].clustentries);

	/* a 4096-slot ring: one per page-rounded cluster */
	ASSERT_EQ(NULL, layout(&l, 1024, 1, 256 + 16 * 4096, 3, 2048, 3, PG));
	EXPECT_EQ(65792, l.pool[NM_POOL_RING].objsize);
	EXPECT_EQ(17 * PG, l.pool[NM_POOL_RING].clustsize);
	EXPECT_EQ(1, l.pool[NM_POOL_RING].clustentries);
	EXPECT_EQ(3, l.pool[NM_POOL_RING].objtotal);
}

TEST(limits)
{
	EXPECT_EQ(-1, (int)failing_pool(1024, 100, 36864, 200, 2048, 163840));
	EXPECT_EQ(NM_POOL_IF, failing_pool(63, 1, 36864, 2, 2048, 3));
	EXPECT_EQ(NM_POOL_IF, failing_pool(1024, 0, 36864, 2, 2048, 3));
	EXPECT_EQ(NM_POOL_RING, failing_pool(1024, 1, 271, 2, 2048, 3));
	EXPECT_EQ(NM_POOL_RING, failing_pool(1024, 1, (1 << 20) + 1, 2,
					     2048, 3));
	EXPECT_EQ(NM_POOL_RING, failing_pool(1024, 1, 36864, 1, 2048, 3));
	EXPECT_EQ(NM_POOL_BUF, failing_pool(1024, 1, 36864, 2, 2048, 2));
	EXPECT_EQ(NM_POOL_BUF, failing_pool(1024, 1, 36864, 2, 0, 3));
	EXPECT_EQ(NM_POOL_BUF, failing_pool(1024, 1, 36864, 2, 65537, 3));
	/* count rounding up past 2^32 objects */
	EXPECT_EQ(NM_POOL_IF, failing_pool(64, 0xffffffffu, 36864, 2,
					   2048, 3));
	/* 2^21 buffers of 2 KiB = 4 GiB: over the 32-bit nr_memsize */
	EXPECT_EQ(NM_POOL_COUNT, failing_pool(1024, 1, 36864, 2, 2048,
					      1u << 21));
	EXPECT_EQ(-1, (int)failing_pool(64, 1, 272, 2, 2048,
					(1u << 21) - 16));
}

/* Every accepted size, for 4 KiB and 64 KiB pages. */
TEST(invariants_for_every_size)
{
	static const u32 pages[] = { 4096, 65536 };
	unsigned int pi;
	int k;

	for (pi = 0; pi < ARRAY_SIZE(pages); pi++) {
		u32 page = pages[pi];
		u32 max_clust = page < NM_MEM_MAX_CLUSTER ?
				NM_MEM_MAX_CLUSTER : page;

		for (k = 0; k < NM_POOL_COUNT; k++) {
			struct nm_pool_limits lim = nm_pool_limits(k);
			u32 size;

			for (size = lim.minsize; size <= lim.maxsize;
			     size += 61) {
				struct nm_pool_layout p;
				const char *why;

				why = nm_pool_layout_compute(&p, k, size, 1000,
							     page);
				ASSERT_EQ(NULL, why);
				ASSERT_GE(p.objsize, size);
				ASSERT_EQ(0, p.objsize % lim.align);
				ASSERT_EQ(0, p.clustsize % page);
				ASSERT_LE((u64)p.clustentries * p.objsize,
					  p.clustsize);
				ASSERT_GE(p.objtotal, 1000);
				ASSERT_LT(p.objtotal - 1000, p.clustentries);
				ASSERT_EQ((u64)p.numclusters * p.clustsize,
					  p.memtotal);
				/* buffers: no gaps, clusters never too big */
				if (lim.linear) {
					ASSERT_EQ(p.clustentries * p.objsize,
						  p.clustsize);
					ASSERT_LE(p.clustsize, max_clust);
				}
				/* others: too big means one object each */
				if (p.clustentries > 1)
					ASSERT_LE(p.clustsize, max_clust);
			}
		}
	}
}

TEST_HARNESS_MAIN
