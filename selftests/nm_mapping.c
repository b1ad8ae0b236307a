// SPDX-License-Identifier: GPL-2.0
/*
 * No kernel memory is reachable through the mapping.
 *
 * fresh_region_shows_only_our_objects: with a new global region (a
 * changed buf_num makes the next bind allocate it again), one bound null
 * port with extra buffers maps the whole region. Every byte the allocator
 * did not hand out to this fd reads as zero: the other netmap_if and ring
 * objects, the bytes of our objects beyond what the kernel writes, and
 * every buffer but ours; and the buffers we got are zero too, except the
 * list links of the extra ones.
 *
 * odd_mappings_fail: unaligned offsets, windows past the end, empty and
 * huge lengths, growing with mremap and mapping an unbound fd fail; the
 * last page alone maps and reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

#define PARAM_DIR	"/sys/module/netmap/parameters/"
#define TEST_BUF_NUM	6000	/* not the default: the region is rebuilt */
#define NTX		2
#define NRX		3
#define NSLOTS		64
#define NEXTRA		17

static int param_read(const char *name, long *v)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fscanf(f, "%ld", v) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

static int param_write(const char *name, long v)
{
	char path[128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%ld\n", v) < 0)
		err = -EIO;
	if (fclose(f))
		err = -errno;
	return err;
}

/* First non-zero byte of [p, p + len), or -1. */
static long nonzero_at(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return (long)i;
	return -1;
}

FIXTURE(mapping)
{
	struct nmt_port p;
	long buf_num;		/* to restore */
	struct nmreq_pools_info pi;
};

FIXTURE_SETUP(mapping)
{
	struct nmreq_register reg;
	int fd;

	self->p.fd = -1;
	self->buf_num = 0;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (param_read("buf_num", &self->buf_num))
		SKIP(return, "no %sbuf_num", PARAM_DIR);
	ASSERT_EQ(0, param_write("buf_num", TEST_BUF_NUM));

	nmt_reg_init(&reg, NR_REG_NULL, 0, 0);
	reg.nr_mem_id = NMT_GLOBAL_MEM_ID;
	reg.nr_tx_rings = NTX;
	reg.nr_rx_rings = NRX;
	reg.nr_tx_slots = NSLOTS;
	reg.nr_rx_slots = NSLOTS;
	reg.nr_extra_bufs = NEXTRA;
	ASSERT_EQ(0, nmt_port_open_reg(&self->p, "nm-mapping", &reg));
	ASSERT_EQ(NEXTRA, self->p.reg.nr_extra_bufs);

	/* The layout of the (now active) global allocator. */
	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nmt_pools_info(fd, "nm-mapping-info{1", &self->pi));
	close(fd);
	ASSERT_EQ(self->p.memsize, self->pi.nr_memsize);
	ASSERT_EQ(TEST_BUF_NUM, self->pi.nr_buf_pool_objtotal)
		TH_LOG("the region was not rebuilt: another fd still uses it?");
}

FIXTURE_TEARDOWN(mapping)
{
	nmt_port_close(&self->p);
	if (self->buf_num && param_write("buf_num", self->buf_num))
		TH_LOG("could not restore buf_num=%ld", self->buf_num);
}

TEST_F(mapping, fresh_region_shows_only_our_objects)
{
	const struct nmreq_pools_info *pi = &self->pi;
	unsigned char *base = self->p.mem, *mine;
	struct netmap_if *nifp = self->p.nifp;
	uint64_t nifp_ofs = self->p.reg.nr_offset, ofs;
	uint32_t i, idx, nrings = 0, nbufs = 0, nextra = 0;
	size_t used;
	long at;

	/* The pools tile the region: nothing else is in it. */
	ASSERT_EQ(0, pi->nr_if_pool_offset);
	ASSERT_GE(pi->nr_ring_pool_offset, (uint64_t)pi->nr_if_pool_objtotal *
					   pi->nr_if_pool_objsize);
	ASSERT_GE(pi->nr_buf_pool_offset, pi->nr_ring_pool_offset +
		  (uint64_t)pi->nr_ring_pool_objtotal * pi->nr_ring_pool_objsize);
	ASSERT_GE(pi->nr_memsize, pi->nr_buf_pool_offset +
		  (uint64_t)pi->nr_buf_pool_objtotal * pi->nr_buf_pool_objsize);

	/* What the allocator handed out, per object, 1 = ours. */
	mine = calloc(pi->nr_memsize / 64 + 1, 1);
	ASSERT_NE(NULL, mine);
#define MARK(o)	(mine[(o) / 64] = 1)
#define MINE(o)	(mine[(o) / 64])

	ASSERT_EQ(0, (nifp_ofs - pi->nr_if_pool_offset) % pi->nr_if_pool_objsize);
	MARK(nifp_ofs);
	for (i = 0; i < nmt_nrings(nifp, NMT_TX) + nmt_nrings(nifp, NMT_RX); i++) {
		struct netmap_ring *r;
		uint32_t s;

		if (!nifp->ring_ofs[i])
			continue;
		r = (struct netmap_ring *)((char *)nifp + nifp->ring_ofs[i]);
		ofs = (unsigned char *)r - base;
		ASSERT_EQ(0, (ofs - pi->nr_ring_pool_offset) %
			     pi->nr_ring_pool_objsize);
		MARK(ofs);
		nrings++;
		/* nothing past the slots in the ring object */
		used = sizeof(*r) + r->num_slots * sizeof(struct netmap_slot);
		at = nonzero_at((unsigned char *)r + used,
				pi->nr_ring_pool_objsize - used);
		EXPECT_EQ(-1, at) TH_LOG("ring %u: byte %zu of the object", i,
					  used + at);
		for (s = 0; s < r->num_slots; s++) {
			idx = r->slot[s].buf_idx;
			ASSERT_LT(idx, pi->nr_buf_pool_objtotal);
			ASSERT_LE(2, idx);
			ofs = pi->nr_buf_pool_offset +
			      (uint64_t)idx * pi->nr_buf_pool_objsize;
			EXPECT_EQ(0, MINE(ofs)) TH_LOG("buffer %u twice", idx);
			MARK(ofs);
			nbufs++;
			/* a fresh buffer: zero */
			at = nonzero_at(base + ofs, pi->nr_buf_pool_objsize);
			EXPECT_EQ(-1, at) TH_LOG("buffer %u byte %ld", idx, at);
		}
	}
	EXPECT_EQ(NTX + NRX, nrings);
	EXPECT_EQ((NTX + NRX) * NSLOTS, nbufs);

	/* the netmap_if: nothing past its ring offsets */
	used = sizeof(*nifp) + (nmt_nrings(nifp, NMT_TX) +
				nmt_nrings(nifp, NMT_RX)) * sizeof(int64_t);
	at = nonzero_at(base + nifp_ofs + used, pi->nr_if_pool_objsize - used);
	EXPECT_EQ(-1, at) TH_LOG("netmap_if byte %zu", used + at);

	/* extra buffers: zero but for the link */
	for (idx = nifp->ni_bufs_head; idx && nextra <= NEXTRA; nextra++) {
		ASSERT_LT(idx, pi->nr_buf_pool_objtotal);
		ofs = pi->nr_buf_pool_offset +
		      (uint64_t)idx * pi->nr_buf_pool_objsize;
		EXPECT_EQ(0, MINE(ofs)) TH_LOG("extra buffer %u twice", idx);
		MARK(ofs);
		at = nonzero_at(base + ofs + 4, pi->nr_buf_pool_objsize - 4);
		EXPECT_EQ(-1, at) TH_LOG("extra buffer %u byte %ld", idx, at + 4);
		idx = *(uint32_t *)(base + ofs);
	}
	EXPECT_EQ(NEXTRA, nextra);

	/* everything else, object by object, and any gap: zero */
	for (ofs = 0; ofs < pi->nr_memsize; ofs += 64) {
		if (MINE(ofs)) {
			/* skip the rest of our object */
			uint64_t size = ofs >= pi->nr_buf_pool_offset ?
					pi->nr_buf_pool_objsize :
					ofs >= pi->nr_ring_pool_offset ?
					pi->nr_ring_pool_objsize :
					pi->nr_if_pool_objsize;

			ofs += size - 64;
			continue;
		}
		at = nonzero_at(base + ofs, 64);
		if (at >= 0) {
			EXPECT_EQ(-1, at) TH_LOG("region offset %#llx is not zero (not ours)",
						 (unsigned long long)(ofs + at));
			break;
		}
	}
	free(mine);
#undef MARK
#undef MINE
}

TEST_F(mapping, odd_mappings_fail)
{
	size_t size = self->p.memsize, pg = (size_t)sysconf(_SC_PAGESIZE);
	int fd = self->p.fd, unbound;
	unsigned char *m, *m2;

	/* unaligned offset */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 1));
	EXPECT_EQ(EINVAL, errno);
	/* one byte past the end, or a whole page at the end */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, size + 1, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, size));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd,
				   size - pg));
	/* far away */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_SHARED, fd,
				   (off_t)1 << 46));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, (size_t)1 << 46, PROT_READ, MAP_SHARED,
				   fd, 0));
	/* empty */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0));

	/* the last page alone is fine, and it cannot grow past the end */
	m = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, size - pg);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(-1, nonzero_at(m, pg));	/* unused buffers of a fresh region */
	m2 = mremap(m, pg, 2 * pg, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, m2);
	if (m2 != MAP_FAILED)
		m = m2;
	munmap(m, pg);

	/* an unbound fd has no region */
	unbound = nmt_open_dev();
	ASSERT_LE(0, unbound);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_SHARED, unbound, 0));
	EXPECT_EQ(EINVAL, errno);
	close(unbound);
}

TEST_HARNESS_MAIN
