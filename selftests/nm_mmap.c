// SPDX-License-Identifier: GPL-2.0
/*
 * The mapped region of a registered port: netmap_if fields, ring_ofs[],
 * ring headers, slots and buffers, and the errors of mmap itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(map)
{
	struct nmt_env env;
	struct nmt_port p;
	struct nmreq_pools_info pools;
};

FIXTURE_SETUP(map)
{
	self->p.fd = -1;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 2, 2));
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	memset(&self->pools, 0, sizeof(self->pools));
	ASSERT_EQ(0, nmt_pools_info(self->p.fd, self->env.port, &self->pools));
}

FIXTURE_TEARDOWN(map)
{
	nmt_port_close(&self->p);
	nmt_env_teardown(&self->env);
}

TEST_F(map, netmap_if)
{
	struct netmap_if *nifp = self->p.nifp;
	unsigned int i;

	EXPECT_EQ(0, strncmp(nifp->ni_name, self->env.port, NM_IFNAMSIZ));
	EXPECT_EQ(0, nifp->ni_version);
	if (self->env.is_veth)
		EXPECT_EQ(0, nifp->ni_flags & NI_PRIV_MEM);
	EXPECT_EQ(self->p.reg.nr_tx_rings, nifp->ni_tx_rings);
	EXPECT_EQ(self->p.reg.nr_rx_rings, nifp->ni_rx_rings);
	EXPECT_LE(1, nifp->ni_host_tx_rings);
	EXPECT_LE(1, nifp->ni_host_rx_rings);
	EXPECT_EQ(0, nifp->ni_bufs_head);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, nifp->ni_spare1[i]);
	/* the netmap_if lives in the IF pool */
	EXPECT_LE(self->pools.nr_if_pool_offset, self->p.reg.nr_offset);
	EXPECT_GT(self->pools.nr_ring_pool_offset, self->p.reg.nr_offset);
}

/* Every bound ring lies inside the ring pool and describes itself. */
TEST_F(map, ring_headers)
{
	struct netmap_if *nifp = self->p.nifp;
	int dir;

	for (dir = NMT_TX; dir <= NMT_RX; dir++) {
		unsigned int n = dir == NMT_TX ? nifp->ni_tx_rings :
						 nifp->ni_rx_rings;
		uint32_t slots = dir == NMT_TX ? self->p.reg.nr_tx_slots :
						 self->p.reg.nr_rx_slots;
		unsigned int i;

		for (i = 0; i < n; i++) {
			struct netmap_ring *r = nmt_ring(nifp, dir, i);
			uint64_t ofs;

			ASSERT_NE(NULL, r) TH_LOG("dir %d ring %u", dir, i);
			ofs = (char *)r - (char *)self->p.mem;
			EXPECT_LE(self->pools.nr_ring_pool_offset, ofs);
			EXPECT_GE(self->pools.nr_buf_pool_offset,
				  ofs + sizeof(*r) +
				  (uint64_t)r->num_slots * sizeof(r->slot[0]));
			EXPECT_EQ(slots, r->num_slots);
			EXPECT_EQ(self->pools.nr_buf_pool_objsize,
				  r->nr_buf_size);
			EXPECT_EQ(i, r->ringid);
			EXPECT_EQ(dir, r->dir);
			EXPECT_EQ(0, r->offset_mask);
			/* buffer 0 of the ring is buffer 0 of the pool */
			EXPECT_EQ((char *)self->p.mem +
				  self->pools.nr_buf_pool_offset,
				  nmt_buf(r, 0));
			/* initial indices */
			EXPECT_EQ(0, r->head);
			EXPECT_EQ(0, r->cur);
			EXPECT_EQ(dir == NMT_TX ? r->num_slots - 1 : 0,
				  r->tail);
		}
	}
	/* host rings are not bound in ALL_NIC mode */
	EXPECT_EQ(NULL, nmt_ring(nifp, NMT_TX, nifp->ni_tx_rings));
	EXPECT_EQ(NULL, nmt_ring(nifp, NMT_RX, nifp->ni_rx_rings));
}

/*
 * Every slot of every bound ring carries its own buffer: index in
 * [2, objtotal), no two slots share one, buffers inside the region,
 * len = buffer size, no flags.
 */
TEST_F(map, slots_and_buffers)
{
	uint32_t total = self->pools.nr_buf_pool_objtotal;
	struct netmap_if *nifp = self->p.nifp;
	uint8_t *seen;
	int dir;

	ASSERT_LT(2, total);
	EXPECT_GE(self->p.memsize, self->pools.nr_buf_pool_offset +
		  (uint64_t)total * self->pools.nr_buf_pool_objsize);
	seen = calloc(total, 1);
	ASSERT_NE(NULL, seen);

	for (dir = NMT_TX; dir <= NMT_RX; dir++) {
		unsigned int i;

		for (i = 0; i < nmt_nrings(nifp, dir); i++) {
			struct netmap_ring *r = nmt_ring(nifp, dir, i);
			uint32_t j;

			if (!r)
				continue;
			for (j = 0; j < r->num_slots; j++) {
				struct netmap_slot *s = &r->slot[j];
				char *b;

				ASSERT_LE(2, s->buf_idx)
					TH_LOG("dir %d ring %u slot %u", dir, i, j);
				ASSERT_GT(total, s->buf_idx)
					TH_LOG("dir %d ring %u slot %u", dir, i, j);
				ASSERT_EQ(0, seen[s->buf_idx])
					TH_LOG("buffer %u used twice", s->buf_idx);
				seen[s->buf_idx] = 1;
				EXPECT_EQ(r->nr_buf_size, s->len);
				EXPECT_EQ(0, s->flags);
				EXPECT_EQ(0, s->ptr);
				b = nmt_buf(r, s->buf_idx);
				ASSERT_LE((char *)self->p.mem, b);
				ASSERT_GE((char *)self->p.mem + self->p.memsize,
					  b + r->nr_buf_size);
			}
		}
	}
	free(seen);
}

/* Buffers are real shared memory: writable and stable across syncs. */
TEST_F(map, buffers_writable)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);
	uint32_t j;

	ASSERT_NE(NULL, r);
	for (j = 0; j < r->num_slots; j++)
		memset(nmt_buf(r, r->slot[j].buf_idx), (int)(j & 0xff),
		       r->nr_buf_size);
	/* no packet queued: a sync must not touch the buffers */
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	for (j = 0; j < r->num_slots; j++) {
		char *b = nmt_buf(r, r->slot[j].buf_idx);

		ASSERT_EQ((char)(j & 0xff), b[0]);
		ASSERT_EQ((char)(j & 0xff), b[r->nr_buf_size - 1]);
	}
}

/* A second mapping, whole or partial, shows the same memory. */
TEST_F(map, second_mapping)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t ifofs = self->p.reg.nr_offset;
	uint64_t pgofs = ifofs & ~(uint64_t)(page - 1);
	struct netmap_if *nifp2;
	char *m2, *part;

	m2 = mmap(NULL, self->p.memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		  self->p.fd, 0);
	ASSERT_NE(MAP_FAILED, m2);
	nifp2 = (struct netmap_if *)(m2 + ifofs);
	EXPECT_EQ(0, memcmp(nifp2, self->p.nifp, sizeof(*nifp2)));
	self->p.nifp->ni_bufs_head = 0x5a5a;
	EXPECT_EQ(0x5a5a, nifp2->ni_bufs_head);
	self->p.nifp->ni_bufs_head = 0;
	munmap(m2, self->p.memsize);

	/* one page at the netmap_if's page offset */
	part = mmap(NULL, page, PROT_READ, MAP_SHARED, self->p.fd, pgofs);
	ASSERT_NE(MAP_FAILED, part);
	EXPECT_EQ(0, memcmp(part + (ifofs - pgofs), self->p.nifp,
			    sizeof(struct netmap_if)));
	munmap(part, page);
}

TEST_F(map, mmap_beyond_region)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t size = self->p.memsize;
	void *m;

	/* longer than the region */
	m = mmap(NULL, size + page, PROT_READ, MAP_SHARED, self->p.fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	if (m != MAP_FAILED)
		munmap(m, size + page);

	/* starting at the end */
	m = mmap(NULL, page, PROT_READ, MAP_SHARED, self->p.fd, size);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	if (m != MAP_FAILED)
		munmap(m, page);

	/* straddling the end */
	m = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, self->p.fd,
		 (size - page) & ~(size_t)(page - 1));
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	if (m != MAP_FAILED)
		munmap(m, 2 * page);

	/* the last page alone is fine */
	m = mmap(NULL, page, PROT_READ, MAP_SHARED, self->p.fd,
		 (size - page) & ~(size_t)(page - 1));
	EXPECT_NE(MAP_FAILED, m);
	if (m != MAP_FAILED)
		munmap(m, page);
}

TEST_F(map, mmap_unregistered)
{
	int fd = nmt_open_dev();
	void *m;

	ASSERT_LE(0, fd);
	m = mmap(NULL, self->p.memsize, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	if (m != MAP_FAILED)
		munmap(m, self->p.memsize);
	close(fd);
}

/*
 * A mapping keeps the file, and thus the binding, alive after close():
 * the rings stay readable and stay in use until the last munmap().
 */
TEST_F(map, mapping_outlives_close)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);
	uint32_t n;
	int fd;

	ASSERT_NE(NULL, r);
	n = r->num_slots;
	close(self->p.fd);
	self->p.fd = -1;
	EXPECT_EQ(n, r->num_slots);
	memset(nmt_buf(r, r->slot[0].buf_idx), 0xab, 64);
	EXPECT_EQ((char)0xab, nmt_buf(r, r->slot[0].buf_idx)[63]);

	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, nmt_register_mode(fd, self->env.port,
					    NR_REG_ALL_NIC, 0, NR_EXCLUSIVE));
	nmt_port_close(&self->p);
	EXPECT_EQ(0, nmt_register_mode(fd, self->env.port, NR_REG_ALL_NIC, 0,
				       NR_EXCLUSIVE));
	close(fd);
}

/* Each fd has its own netmap_if; the rings are the port's. */
TEST_F(map, per_fd_netmap_if)
{
	struct nmt_port q;
	struct netmap_if *nifp2;

	ASSERT_EQ(0, nmt_port_open(&q, self->env.port, NR_REG_ALL_NIC, 0, 0));
	EXPECT_NE(self->p.reg.nr_offset, q.reg.nr_offset);
	EXPECT_EQ(self->p.reg.nr_memsize, q.reg.nr_memsize);
	EXPECT_EQ(self->p.reg.nr_mem_id, q.reg.nr_mem_id);
	/* the first mapping covers the second fd's objects too */
	nifp2 = (struct netmap_if *)((char *)self->p.mem + q.reg.nr_offset);
	EXPECT_EQ(0, strncmp(nifp2->ni_name, self->env.port, NM_IFNAMSIZ));
	EXPECT_EQ((char *)nmt_ring(self->p.nifp, NMT_TX, 0) -
		  (char *)self->p.mem,
		  (char *)nmt_ring(nifp2, NMT_TX, 0) - (char *)self->p.mem);
	EXPECT_EQ((char *)nmt_ring(self->p.nifp, NMT_RX, 0) -
		  (char *)self->p.mem,
		  (char *)nmt_ring(nifp2, NMT_RX, 0) - (char *)self->p.mem);
	nmt_port_close(&q);
}

TEST_HARNESS_MAIN
