// SPDX-License-Identifier: GPL-2.0
/*
 * Extra buffers (nr_extra_bufs): a list chained through the first 4 bytes
 * of each buffer, headed by ni_bufs_head, of distinct buffers that no ring
 * uses; usable for zero-copy buffer swaps (NS_BUF_CHANGED) on TX and RX;
 * given back at close, even when the application corrupted the list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(xb)
{
	struct nmt_env env;
	struct nmt_port holder;	/* keeps the allocator in use throughout */
	struct nmreq_pools_info pools;
	uint32_t tag;
};

FIXTURE_SETUP(xb)
{
	self->holder.fd = -1;
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	if (nmt_port_open(&self->holder, self->env.port, NR_REG_ALL_NIC, 0,
			  0))
		nmt_env_teardown(&self->env);
	ASSERT_LE(0, self->holder.fd);
	memset(&self->pools, 0, sizeof(self->pools));
	ASSERT_EQ(0, nmt_pools_info(self->holder.fd, self->env.port,
				    &self->pools));
}

FIXTURE_TEARDOWN(xb)
{
	nmt_port_close(&self->holder);
	nmt_env_teardown(&self->env);
}

static int open_extra(FIXTURE_DATA(xb) *self, struct nmt_port *p,
		      uint32_t n)
{
	struct nmreq_register reg;

	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	reg.nr_extra_bufs = n;
	return nmt_port_open_reg(p, self->env.port, &reg);
}

static uint32_t *next_of(struct netmap_ring *r, uint32_t idx)
{
	return (uint32_t *)nmt_buf(r, idx);
}

/* Mark the buffers of every ring bound to nifp in owner[]. */
static void mark_rings(struct netmap_if *nifp, uint8_t *owner)
{
	int dir;

	for (dir = NMT_TX; dir <= NMT_RX; dir++) {
		unsigned int i;

		for (i = 0; i < nmt_nrings(nifp, dir); i++) {
			struct netmap_ring *r = nmt_ring(nifp, dir, i);
			uint32_t j;

			for (j = 0; r && j < r->num_slots; j++)
				owner[r->slot[j].buf_idx] = 1;
		}
	}
}

/*
 * Walk the extra-buffer list of nifp, checking each index is valid and
 * not marked yet, and mark it. Returns the list length.
 */
static uint32_t mark_chain(struct __test_metadata *_metadata,
			   struct netmap_if *nifp, struct netmap_ring *r,
			   uint8_t *owner, uint32_t total)
{
	uint32_t idx, n = 0;

	for (idx = nifp->ni_bufs_head; idx; idx = *next_of(r, idx), n++) {
		EXPECT_LE(2, idx);
		EXPECT_GT(total, idx);
		if (idx < 2 || idx >= total || n > total)
			break;
		EXPECT_EQ(0, owner[idx]) TH_LOG("buffer %u twice", idx);
		if (owner[idx])
			break;
		owner[idx] = 2;
	}
	return n;
}

TEST_F(xb, none_requested)
{
	EXPECT_EQ(0, self->holder.reg.nr_extra_bufs);
	EXPECT_EQ(0, self->holder.nifp->ni_bufs_head);
}

TEST_F(xb, chain_is_valid)
{
	uint32_t total = self->pools.nr_buf_pool_objtotal;
	struct nmt_port p, q;
	uint8_t *owner;

	ASSERT_EQ(0, open_extra(self, &p, 64));
	ASSERT_EQ(0, open_extra(self, &q, 64));
	EXPECT_EQ(64, p.reg.nr_extra_bufs);
	EXPECT_EQ(64, q.reg.nr_extra_bufs);
	EXPECT_NE(0, p.nifp->ni_bufs_head);
	owner = calloc(total, 1);
	ASSERT_NE(NULL, owner);

	/* each fd's list: valid, distinct, not in a ring, not shared */
	mark_rings(p.nifp, owner);
	EXPECT_EQ(64, mark_chain(_metadata, p.nifp,
				 nmt_first_ring(p.nifp, NMT_TX), owner, total));
	EXPECT_EQ(64, mark_chain(_metadata, q.nifp,
				 nmt_first_ring(q.nifp, NMT_TX), owner, total));
	free(owner);
	nmt_port_close(&q);
	nmt_port_close(&p);
}

/*
 * Closing a port gives its extra buffers back: with the allocator kept
 * busy by the holder, taking more than the whole pool in turns works only
 * if every close frees what it got.
 */
TEST_F(xb, close_frees)
{
	uint32_t per = 8192, rounds;
	uint32_t i;

	rounds = self->pools.nr_buf_pool_objtotal / per + 3;
	for (i = 0; i < rounds; i++) {
		struct nmt_port p;

		ASSERT_EQ(0, open_extra(self, &p, per)) TH_LOG("round %u", i);
		ASSERT_EQ(per, p.reg.nr_extra_bufs) TH_LOG("round %u", i);
		nmt_port_close(&p);
	}
}

/* A damaged list must not crash close() nor lose the valid part. */
TEST_F(xb, corrupt_chain)
{
	static const uint32_t bad_tail[] = {
		0,		/* replaced by "loop to the head" below */
		1, 0xfffffff0u, 0x7fffffff,
	};
	uint32_t total = self->pools.nr_buf_pool_objtotal;
	uint32_t per = 4096, i;
	struct netmap_ring *r;
	struct nmt_port p[2];
	uint8_t *owner;

	for (i = 0; i < ARRAY_SIZE(bad_tail); i++) {
		struct nmt_port q;
		uint32_t idx, last = 0;

		ASSERT_EQ(0, open_extra(self, &q, 16));
		r = nmt_first_ring(q.nifp, NMT_TX);
		ASSERT_NE(NULL, r);
		for (idx = q.nifp->ni_bufs_head; idx; idx = *next_of(r, idx))
			last = idx;
		ASSERT_NE(0, last);
		*next_of(r, last) = i ? bad_tail[i] : q.nifp->ni_bufs_head;
		nmt_port_close(&q);
	}

	/* a list pointing at itself, and a head out of range */
	{
		struct nmt_port q;

		ASSERT_EQ(0, open_extra(self, &q, 16));
		r = nmt_first_ring(q.nifp, NMT_TX);
		*next_of(r, q.nifp->ni_bufs_head) = q.nifp->ni_bufs_head;
		nmt_port_close(&q);

		ASSERT_EQ(0, open_extra(self, &q, 16));
		q.nifp->ni_bufs_head = 0xffffffffu;
		nmt_port_close(&q);
	}

	/*
	 * The allocator is still sound: two new lists and the rings share
	 * no buffer (a bad free would hand one out twice).
	 */
	owner = calloc(total, 1);
	ASSERT_NE(NULL, owner);
	mark_rings(self->holder.nifp, owner);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, open_extra(self, &p[i], per));
		ASSERT_EQ(per, p[i].reg.nr_extra_bufs);
		r = nmt_first_ring(p[i].nifp, NMT_TX);
		EXPECT_EQ(per, mark_chain(_metadata, p[i].nifp, r, owner,
					  total));
	}
	nmt_port_close(&p[1]);
	nmt_port_close(&p[0]);
	free(owner);
	EXPECT_EQ(0, nmt_txsync(self->holder.fd));
}

/* Transmit from an extra buffer swapped into a TX slot. */
TEST_F(xb, tx_buffer_swap)
{
	uint32_t next = 0, n = 8, i;
	struct netmap_ring *r;
	struct nmt_port p;
	int sock;

	if (!nmt_env_has_peer(&self->env))
		SKIP(return, "no peer interface");
	sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	ASSERT_LE(0, sock);
	nmt_port_close(&self->holder);
	ASSERT_EQ(0, open_extra(self, &p, n));
	ASSERT_EQ(n, p.reg.nr_extra_bufs);
	r = nmt_first_ring(p.nifp, NMT_TX);
	ASSERT_NE(NULL, r);

	for (i = 0; i < n; i++) {
		struct netmap_slot *s = &r->slot[r->head];
		uint32_t extra = p.nifp->ni_bufs_head;
		uint32_t old = s->buf_idx;

		ASSERT_NE(0, extra);
		p.nifp->ni_bufs_head = *next_of(r, extra);
		nmt_frame_fill(nmt_buf(r, extra), 200, self->tag, i);
		/* poison the slot's own buffer: it must not be sent */
		memset(nmt_buf(r, old), 0, 200);
		s->buf_idx = extra;
		s->len = 200;
		s->flags = NS_BUF_CHANGED;
		/* the old buffer goes on the free list */
		*next_of(r, old) = p.nifp->ni_bufs_head;
		p.nifp->ni_bufs_head = old;
		r->head = r->cur = nmt_next(r, r->head);
	}
	ASSERT_EQ(0, nmt_txsync(p.fd));
	nmt_pkt_collect(sock, self->tag, &next, n, 5000);
	EXPECT_EQ(n, next);
	nmt_port_close(&p);
	close(sock);
}

/*
 * Keep a received buffer by swapping an extra one into the RX slot; the
 * kernel must then use the new buffer and leave the kept one alone, even
 * after the slot has been reused.
 */
TEST_F(xb, rx_buffer_swap)
{
	uint8_t frame[NMT_FRAME_MIN];
	uint32_t kept = 0, seq, sent = 0, got = 0, want;
	uint64_t deadline;
	struct netmap_ring *r;
	struct nmt_port p;
	int sock;

	if (!nmt_env_has_peer(&self->env))
		SKIP(return, "no peer interface");
	sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	ASSERT_LE(0, sock);
	nmt_port_close(&self->holder);
	ASSERT_EQ(0, open_extra(self, &p, 4));
	r = nmt_first_ring(p.nifp, NMT_RX);
	ASSERT_NE(NULL, r);
	want = r->num_slots + 16;	/* every slot is reused */

	deadline = nmt_now_ms() + 30000;
	while (got < want && nmt_now_ms() < deadline) {
		uint32_t j;

		/* half a ring at a time, so nothing is dropped */
		while (sent < want && sent - got < r->num_slots / 2) {
			nmt_frame_fill(frame, sizeof(frame), self->tag, sent++);
			ASSERT_EQ(0, nmt_pkt_send(sock, frame, sizeof(frame)));
		}
		ASSERT_EQ(0, nmt_rxsync(p.fd));
		for (j = r->head; j != r->tail; j = nmt_next(r, j)) {
			struct netmap_slot *s = &r->slot[j];
			int c = nmt_frame_check(nmt_buf(r, s->buf_idx), s->len,
						self->tag, &seq);

			ASSERT_LE(0, c);
			if (!c)
				continue;
			got++;
			if (seq == 0) {
				/* keep frame 0, give the slot an extra buffer */
				kept = s->buf_idx;
				s->buf_idx = p.nifp->ni_bufs_head;
				ASSERT_NE(0, s->buf_idx);
				p.nifp->ni_bufs_head =
					*next_of(r, s->buf_idx);
				s->flags |= NS_BUF_CHANGED;
			}
		}
		r->head = r->cur = r->tail;
	}
	EXPECT_EQ(want, got);
	ASSERT_NE(0, kept);
	EXPECT_EQ(1, nmt_frame_check(nmt_buf(r, kept), sizeof(frame),
				     self->tag, &seq));
	EXPECT_EQ(0, seq);
	/* the kept buffer goes back on the list, to be freed at close */
	*next_of(r, kept) = p.nifp->ni_bufs_head;
	p.nifp->ni_bufs_head = kept;
	nmt_port_close(&p);
	close(sock);
}

TEST_HARNESS_MAIN
