// SPDX-License-Identifier: GPL-2.0
/*
 * Monitors (NR_MONITOR_TX / NR_MONITOR_RX / NR_ZCOPY_MON): a port that
 * sees the frames passing through another port's rings.
 *
 * Copy monitors get a private allocator and a copy of each frame as the
 * parent's sync moves it; zero-copy monitors share the parent's
 * allocator and get the buffers once the parent is done with them. TX
 * frames carry NS_TXMON. The tests record every frame the parent handles
 * and every frame the monitor shows and require the two lists to be
 * identical (length, contents, order).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

#define REC_MAX		4096

/* Frames as seen by one side: length, checksum of contents, flags. */
struct rec {
	uint32_t n;
	uint32_t len[REC_MAX];
	uint32_t sum[REC_MAX];
	uint16_t flags[REC_MAX];
	uint32_t ours;		/* frames of this test's tag */
};

static uint32_t fnv(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

/* Record and release every slot of ring r the user owns. */
static void rec_ring(struct rec *rc, struct netmap_ring *r, uint32_t tag)
{
	uint32_t i, seq;

	for (i = r->head; i != r->tail; i = nmt_next(r, i)) {
		struct netmap_slot *s = &r->slot[i];
		const char *buf = nmt_buf(r, s->buf_idx);

		if (rc->n < REC_MAX) {
			rc->len[rc->n] = s->len;
			rc->sum[rc->n] = fnv(buf, s->len);
			rc->flags[rc->n] = s->flags;
			rc->n++;
		}
		if (nmt_frame_check(buf, s->len, tag, &seq) > 0)
			rc->ours++;
	}
	r->head = r->cur = r->tail;
}

static int recs_equal(struct __test_metadata *_metadata,
		      const struct rec *a, const struct rec *b)
{
	uint32_t i;

	EXPECT_EQ(a->n, b->n);
	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->len[i] != b->len[i] || a->sum[i] != b->sum[i]) {
			TH_LOG("frame %u differs: len %u/%u", i, a->len[i],
			       b->len[i]);
			return 0;
		}
	}
	return 1;
}

FIXTURE(mon)
{
	struct nmt_env env;
	struct nmt_port p;	/* the parent */
	struct nmt_port m;	/* the monitor */
	int sock;
	uint32_t tag;
	struct rec *rp, *rm;
};

FIXTURE_SETUP(mon)
{
	self->p.fd = self->m.fd = -1;
	self->sock = -1;
	self->tag = nmt_tag();
	self->rp = calloc(1, sizeof(*self->rp));
	self->rm = calloc(1, sizeof(*self->rm));
	ASSERT_NE(NULL, self->rp);
	ASSERT_NE(NULL, self->rm);
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (nmt_test_if() && !nmt_test_peer())
		SKIP(return, "NETMAP_TEST_IF without NETMAP_TEST_PEER");
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	self->sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	ASSERT_LE(0, self->sock);
}

FIXTURE_TEARDOWN(mon)
{
	nmt_port_close(&self->m);
	nmt_port_close(&self->p);
	if (self->sock >= 0)
		close(self->sock);
	nmt_env_teardown(&self->env);
	free(self->rp);
	free(self->rm);
}

static int open_mon_mode(struct nmt_port *m, const char *port,
			 uint32_t mode, uint64_t flags, uint32_t slots)
{
	struct nmreq_register reg;

	nmt_reg_init(&reg, mode, 0, flags);
	reg.nr_rx_slots = slots;
	return nmt_port_open_reg(m, port, &reg);
}

static int open_mon(struct nmt_port *m, const char *port, uint64_t flags,
		    uint32_t slots)
{
	struct nmreq_register reg;

	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, flags);
	reg.nr_rx_slots = slots;
	return nmt_port_open_reg(m, port, &reg);
}

static void peer_send(struct __test_metadata *_metadata, int sock,
		      uint32_t tag, uint32_t n)
{
	static uint8_t buf[NMT_FRAME_MAX];
	uint32_t seq;

	for (seq = 0; seq < n; seq++) {
		size_t l = nmt_frame_len(seq);

		nmt_frame_fill(buf, l, tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(sock, buf, l)) TH_LOG("frame %u", seq);
	}
}

/*
 * Receive on the parent until n frames of the tag arrived, recording
 * what it gets; then make sure the parent released everything (one more
 * sync) and drain the monitor, if any.
 */
static void parent_rx(struct __test_metadata *_metadata,
		      FIXTURE_DATA(mon) *self, uint32_t n, bool drain_mon)
{
	struct netmap_ring *pr = nmt_ring(self->p.nifp, NMT_RX, 0);
	struct netmap_ring *mr = nmt_ring(self->m.nifp, NMT_RX, 0);
	uint64_t deadline = nmt_now_ms() + 20000;

	ASSERT_NE(NULL, pr);
	ASSERT_NE(NULL, mr);
	while (self->rp->ours < n && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };

		ASSERT_LE(0, poll(&pfd, 1, 200));
		rec_ring(self->rp, pr, self->tag);
		if (drain_mon) {
			ASSERT_EQ(0, nmt_rxsync(self->m.fd));
			rec_ring(self->rm, mr, self->tag);
		}
	}
	/* releases the last slots (zero-copy monitors get them now) */
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));
	EXPECT_EQ(n, self->rp->ours);
	if (drain_mon) {
		ASSERT_EQ(0, nmt_rxsync(self->m.fd));
		rec_ring(self->rm, mr, self->tag);
	}
}

/*
 * Transmit n frames on the parent and wait until they all completed
 * (tail back at head - 1), collecting them at the peer.
 */
static void parent_tx(struct __test_metadata *_metadata,
		      FIXTURE_DATA(mon) *self, uint32_t n)
{
	struct netmap_ring *r = nmt_ring(self->p.nifp, NMT_TX, 0);
	uint64_t deadline = nmt_now_ms() + 20000;
	uint32_t seq = 0, next = 0;

	ASSERT_NE(NULL, r);
	while ((next < n || nmt_space(r) != r->num_slots - 1) &&
	       nmt_now_ms() < deadline) {
		if (seq < n)
			nmt_tx_fill(r, n - seq, 0, self->tag, &seq);
		ASSERT_EQ(0, nmt_txsync(self->p.fd));
		ASSERT_LE(0, nmt_pkt_collect(self->sock, self->tag, &next, n,
					     10));
	}
	EXPECT_EQ(n, next);
	EXPECT_EQ(r->num_slots - 1, nmt_space(r));
}

static void mon_drain(struct __test_metadata *_metadata,
		      FIXTURE_DATA(mon) *self)
{
	struct netmap_ring *mr = nmt_ring(self->m.nifp, NMT_RX, 0);

	ASSERT_NE(NULL, mr);
	ASSERT_EQ(0, nmt_rxsync(self->m.fd));
	rec_ring(self->rm, mr, self->tag);
}

TEST_F(mon, needs_parent_in_netmap_mode)
{
	EXPECT_EQ(-EINVAL, open_mon(&self->m, self->env.port,
				    NR_MONITOR_RX, 0));
	EXPECT_EQ(-EINVAL, open_mon(&self->m, self->env.port,
				    NR_ZCOPY_MON, 0));
	EXPECT_EQ(-ENXIO, open_mon(&self->m, "nmt-no-such-port",
				   NR_MONITOR_RX, 0));
}

TEST_F(mon, geometry)
{
	struct netmap_if *nifp;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port,
			      NR_MONITOR_TX | NR_MONITOR_RX, 0));
	nifp = self->m.nifp;
	EXPECT_EQ(1, nifp->ni_tx_rings);
	EXPECT_EQ(self->p.nifp->ni_rx_rings > self->p.nifp->ni_tx_rings ?
		  self->p.nifp->ni_rx_rings : self->p.nifp->ni_tx_rings,
		  nifp->ni_rx_rings);
	/* copy monitor: a private allocator of its own */
	EXPECT_NE(self->p.reg.nr_mem_id, self->m.reg.nr_mem_id);
	EXPECT_NE(0, nifp->ni_flags & NI_PRIV_MEM);
	EXPECT_EQ(self->p.reg.nr_rx_slots, self->m.reg.nr_rx_slots);

	/* zero copy: the parent's allocator */
	nmt_port_close(&self->m);
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_ZCOPY_MON, 0));
	EXPECT_EQ(self->p.reg.nr_mem_id, self->m.reg.nr_mem_id);
	EXPECT_EQ(NR_ZCOPY_MON | NR_MONITOR_TX | NR_MONITOR_RX,
		  self->m.reg.nr_flags &
		  (NR_ZCOPY_MON | NR_MONITOR_TX | NR_MONITOR_RX));
}

/* A copy RX monitor shows exactly the frames the parent received. */
TEST_F(mon, copy_rx)
{
	struct pollfd pfd;
	uint32_t i, n = 300;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_MONITOR_RX, 0));
	peer_send(_metadata, self->sock, self->tag, n);
	parent_rx(_metadata, self, n, false);

	/* the monitor was not read meanwhile: it has it all, and says so */
	pfd = (struct pollfd){ .fd = self->m.fd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_EQ(POLLIN, pfd.revents & (POLLIN | POLLERR));
	mon_drain(_metadata, self);
	EXPECT_EQ(n, self->rm->ours);
	recs_equal(_metadata, self->rp, self->rm);
	for (i = 0; i < self->rm->n; i++)
		ASSERT_EQ(0, self->rm->flags[i] & NS_TXMON);
}

/* A copy TX monitor shows the frames sent, flagged, and nothing else. */
TEST_F(mon, copy_tx)
{
	uint32_t i, seq, n = 300;
	struct netmap_ring *mr;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_MONITOR_TX, 0));
	/* received traffic is not shown by a TX monitor */
	peer_send(_metadata, self->sock, self->tag ^ 1, 20);
	parent_rx(_metadata, self, 0, false);
	nmt_msleep(100);
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));

	parent_tx(_metadata, self, n);
	mr = nmt_ring(self->m.nifp, NMT_RX, 0);
	ASSERT_EQ(0, nmt_rxsync(self->m.fd));
	seq = 0;
	for (i = mr->head; i != mr->tail; i = nmt_next(mr, i)) {
		struct netmap_slot *s = &mr->slot[i];
		uint32_t got;

		ASSERT_NE(0, s->flags & NS_TXMON);
		ASSERT_EQ(1, nmt_frame_check(nmt_buf(mr, s->buf_idx), s->len,
					     self->tag, &got));
		ASSERT_EQ(seq, got);
		ASSERT_EQ(nmt_frame_len(seq), s->len);
		seq++;
	}
	EXPECT_EQ(n, seq);
}

/* Both sides at once: every frame shown once, TX ones flagged. */
TEST_F(mon, copy_both)
{
	uint32_t i, tx = 0, rx = 0, n = 100, seq;
	struct netmap_ring *mr;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port,
			      NR_MONITOR_TX | NR_MONITOR_RX, 0));
	parent_tx(_metadata, self, n);
	peer_send(_metadata, self->sock, self->tag ^ 1, n);
	self->tag ^= 1;
	parent_rx(_metadata, self, n, false);
	self->tag ^= 1;

	mr = nmt_ring(self->m.nifp, NMT_RX, 0);
	ASSERT_EQ(0, nmt_rxsync(self->m.fd));
	for (i = mr->head; i != mr->tail; i = nmt_next(mr, i)) {
		struct netmap_slot *s = &mr->slot[i];
		const char *buf = nmt_buf(mr, s->buf_idx);

		if (nmt_frame_check(buf, s->len, self->tag, &seq) > 0) {
			ASSERT_NE(0, s->flags & NS_TXMON);
			tx++;
		} else if (nmt_frame_check(buf, s->len, self->tag ^ 1,
					   &seq) > 0) {
			ASSERT_EQ(0, s->flags & NS_TXMON);
			rx++;
		}
	}
	EXPECT_EQ(n, tx);
	EXPECT_EQ(n, rx);
}

/* Zero copy: same frames, after the parent released them. */
TEST_F(mon, zcopy_rx)
{
	uint32_t i, n = 300;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_ZCOPY_MON, 0));
	peer_send(_metadata, self->sock, self->tag, n);
	parent_rx(_metadata, self, n, true);
	EXPECT_EQ(n, self->rm->ours);
	recs_equal(_metadata, self->rp, self->rm);
	for (i = 0; i < self->rm->n; i++)
		ASSERT_EQ(0, self->rm->flags[i] & NS_TXMON);
}

TEST_F(mon, zcopy_tx)
{
	uint32_t i, seq = 0, n = 300;
	struct netmap_ring *mr;
	uint64_t deadline = nmt_now_ms() + 20000;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, NR_TX_RINGS_ONLY));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_ZCOPY_MON, 0));
	mr = nmt_ring(self->m.nifp, NMT_RX, 0);
	ASSERT_NE(NULL, mr);

	/* send in batches, taking completed frames from the monitor */
	while (seq < n && nmt_now_ms() < deadline) {
		struct netmap_ring *r = nmt_ring(self->p.nifp, NMT_TX, 0);
		uint32_t sent = 0, next = 0, want = n - seq < 64 ? n - seq : 64;

		nmt_tx_fill(r, want, 0, self->tag, &sent);
		while (nmt_space(r) != r->num_slots - 1 &&
		       nmt_now_ms() < deadline) {
			ASSERT_EQ(0, nmt_txsync(self->p.fd));
			nmt_pkt_collect(self->sock, self->tag, &next, want, 10);
		}
		ASSERT_EQ(0, nmt_rxsync(self->m.fd));
		for (i = mr->head; i != mr->tail; i = nmt_next(mr, i)) {
			struct netmap_slot *s = &mr->slot[i];
			uint32_t got;

			ASSERT_NE(0, s->flags & NS_TXMON);
			ASSERT_EQ(1, nmt_frame_check(nmt_buf(mr, s->buf_idx),
						     s->len, self->tag, &got));
			ASSERT_EQ(seq % 64, got);
			seq++;
		}
		mr->head = mr->cur = mr->tail;
	}
	EXPECT_EQ(n, seq);
}

/* A full monitor ring loses frames; the parent loses none. */
TEST_F(mon, full_monitor_ring)
{
	uint32_t n = 100;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_MONITOR_RX, 16));
	EXPECT_EQ(16, self->m.reg.nr_rx_slots);
	peer_send(_metadata, self->sock, self->tag, n);
	parent_rx(_metadata, self, n, false);
	mon_drain(_metadata, self);
	EXPECT_EQ(15, self->rm->n);
	EXPECT_GE(15, self->rm->ours);
}

TEST_F(mon, exclusive)
{
	struct nmt_port q = { .fd = -1 };

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, NR_EXCLUSIVE));
	EXPECT_EQ(-EBUSY, open_mon(&self->m, self->env.port, NR_MONITOR_RX,
				   0));
	EXPECT_EQ(-EBUSY, open_mon(&self->m, self->env.port, NR_ZCOPY_MON,
				   0));
	nmt_port_close(&self->p);

	/* a watched ring cannot be bound exclusively */
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, NR_TX_RINGS_ONLY));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_MONITOR_RX, 0));
	EXPECT_EQ(-EBUSY, nmt_port_open(&q, self->env.port, NR_REG_ALL_NIC,
					0, NR_EXCLUSIVE | NR_RX_RINGS_ONLY));
	nmt_port_close(&self->m);
	EXPECT_EQ(0, nmt_port_open(&q, self->env.port, NR_REG_ALL_NIC, 0,
				   NR_EXCLUSIVE | NR_RX_RINGS_ONLY));
	nmt_port_close(&q);
}

/* When the parent leaves netmap mode its monitors report an error. */
TEST_F(mon, parent_close)
{
	struct pollfd pfd;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_MONITOR_RX, 0));
	nmt_port_close(&self->p);
	pfd = (struct pollfd){ .fd = self->m.fd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_NE(0, pfd.revents & POLLERR);
	EXPECT_EQ(-EIO, nmt_rxsync(self->m.fd));
	/* the parent can come back; the monitor stays dead */
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	EXPECT_EQ(-EIO, nmt_rxsync(self->m.fd));
}

/* A monitor cannot inject. */
TEST_F(mon, no_inject)
{
	struct netmap_ring *t;
	uint32_t seq = 0, next = 0;

	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, open_mon(&self->m, self->env.port, NR_MONITOR_TX, 0));
	t = nmt_ring(self->m.nifp, NMT_TX, 0);
	ASSERT_NE(NULL, t);
	ASSERT_EQ(4, nmt_tx_fill(t, 4, NMT_FRAME_MIN, self->tag, &seq));
	nmt_txsync(self->m.fd);
	EXPECT_EQ(0, nmt_pkt_collect(self->sock, self->tag, &next, 4, 300));
	EXPECT_EQ(0, next);
}

/* Host rings are watched too: frames injected into the stack. */
TEST_F(mon, host_tx)
{
	struct netmap_ring *t, *mr;
	uint32_t i, seq = 0, got, n = 50;

	if (!nmt_has_host_rings(self->env.port))
		SKIP(return, "no host rings");
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_SW, 0, 0));
	ASSERT_EQ(0, open_mon_mode(&self->m, self->env.port, NR_REG_SW,
				   NR_MONITOR_TX, 0));
	/* the monitor's own host RX ring, and only that one */
	EXPECT_EQ(nmt_mask(self->m.nifp->ni_rx_rings,
			   self->m.nifp->ni_rx_rings + 1),
		  nmt_bound_mask(self->m.nifp, NMT_RX));
	t = nmt_ring(self->p.nifp, NMT_TX, self->p.nifp->ni_tx_rings);
	mr = nmt_ring(self->m.nifp, NMT_RX, self->m.nifp->ni_rx_rings);
	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, mr);
	ASSERT_EQ(n, nmt_tx_fill(t, n, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->p.fd));
	ASSERT_EQ(0, nmt_rxsync(self->m.fd));
	seq = 0;
	for (i = mr->head; i != mr->tail; i = nmt_next(mr, i)) {
		struct netmap_slot *s = &mr->slot[i];

		ASSERT_NE(0, s->flags & NS_TXMON);
		ASSERT_EQ(1, nmt_frame_check(nmt_buf(mr, s->buf_idx), s->len,
					     self->tag, &got));
		ASSERT_EQ(seq, got);
		seq++;
	}
	EXPECT_EQ(n, seq);
}

/* Pipes: copy monitors work, zero copy is refused. */
TEST_F(mon, pipe)
{
	struct nmt_port s = { .fd = -1 };
	struct netmap_ring *t, *r, *mr;
	char master[64], slave[64];
	uint32_t seq = 0, next = 0, i, n = 200;
	uint64_t deadline = nmt_now_ms() + 20000;

	snprintf(master, sizeof(master), "nmtmon%d{3", getpid());
	snprintf(slave, sizeof(slave), "nmtmon%d}3", getpid());
	ASSERT_EQ(0, nmt_port_open(&self->p, master, NR_REG_ALL_NIC, 0, 0));
	ASSERT_EQ(0, nmt_port_open(&s, slave, NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(-EOPNOTSUPP, open_mon(&self->m, master, NR_ZCOPY_MON, 0));
	ASSERT_EQ(0, open_mon(&self->m, master, NR_MONITOR_TX, 0));
	t = nmt_ring(self->p.nifp, NMT_TX, 0);
	r = nmt_ring(s.nifp, NMT_RX, 0);
	mr = nmt_ring(self->m.nifp, NMT_RX, 0);

	while (next < n && nmt_now_ms() < deadline) {
		int got;

		nmt_tx_fill(t, n - seq, 0, self->tag, &seq);
		ASSERT_EQ(0, nmt_txsync(self->p.fd));
		ASSERT_EQ(0, nmt_rxsync(s.fd));
		got = nmt_rx_consume(r, self->tag, &next);
		ASSERT_LE(0, got);
		ASSERT_EQ(0, nmt_rxsync(self->m.fd));
		rec_ring(self->rm, mr, self->tag);
	}
	EXPECT_EQ(n, next);
	EXPECT_EQ(n, self->rm->ours);
	EXPECT_EQ(n, self->rm->n);
	for (i = 0; i < self->rm->n; i++)
		ASSERT_NE(0, self->rm->flags[i] & NS_TXMON);
	nmt_port_close(&s);
}

TEST_HARNESS_MAIN
