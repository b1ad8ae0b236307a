// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: frames transmitted through netmap TX rings arrive intact
 * and in order at an AF_PACKET socket on the peer, and frames sent by
 * that socket come out of the netmap RX rings. Ring indices are checked
 * after every sync, and both directions wrap around the ring.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(txrx)
{
	struct nmt_env env;
	struct nmt_port p;
	int sock;
	uint32_t tag;
};

FIXTURE_VARIANT(txrx)
{
	unsigned int queues;
};

FIXTURE_VARIANT_ADD(txrx, q1) { .queues = 1 };
FIXTURE_VARIANT_ADD(txrx, q2) { .queues = 2 };

FIXTURE_SETUP(txrx)
{
	self->p.fd = -1;
	self->sock = -1;
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (nmt_test_if() && !nmt_test_peer())
		SKIP(return, "NETMAP_TEST_IF without NETMAP_TEST_PEER");
	ASSERT_EQ(0, nmt_env_setup(&self->env, variant->queues,
				   variant->queues));
	self->sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	if (self->sock < 0)
		nmt_env_teardown(&self->env);
	ASSERT_LE(0, self->sock);
	if (nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC, 0, 0)) {
		close(self->sock);
		nmt_env_teardown(&self->env);
	}
	ASSERT_LE(0, self->p.fd);
}

FIXTURE_TEARDOWN(txrx)
{
	nmt_port_close(&self->p);
	if (self->sock >= 0)
		close(self->sock);
	nmt_env_teardown(&self->env);
}

/* NIOCTXSYNC must keep head/cur and leave consistent indices. */
static void txsync_checked(struct __test_metadata *_metadata, int fd,
			   struct netmap_ring *r)
{
	uint32_t head = r->head, cur = r->cur;
	char why[128];

	ASSERT_EQ(0, nmt_txsync(fd));
	ASSERT_EQ(head, r->head);
	ASSERT_EQ(cur, r->cur);
	ASSERT_TRUE(nmt_ring_check(r, why, sizeof(why))) TH_LOG("%s", why);
}

/*
 * Send n frames on TX ring r (length len, 0: varying), collecting them
 * at the peer socket as they go. Returns how many arrived in order.
 */
static uint32_t tx_to_peer(struct __test_metadata *_metadata,
			   FIXTURE_DATA(txrx) *self, struct netmap_ring *r,
			   uint32_t n, size_t len)
{
	uint64_t deadline = nmt_now_ms() + 30000;
	uint32_t seq = 0, next = 0;

	while (next < n && nmt_now_ms() < deadline) {
		int got;

		if (seq < n)
			nmt_tx_fill(r, n - seq, len, self->tag, &seq);
		txsync_checked(_metadata, self->p.fd, r);
		got = nmt_pkt_collect(self->sock, self->tag, &next, n,
				      seq < n && !nmt_space(r) ? 10 : 0);
		ASSERT_LE(0, got) TH_LOG("damaged or reordered frame");
		if (seq == n && !got)
			got = nmt_pkt_collect(self->sock, self->tag, &next, n,
					      100);
	}
	return next;
}

TEST_F(txrx, tx_to_peer)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);

	ASSERT_NE(NULL, r);
	EXPECT_EQ(256, tx_to_peer(_metadata, self, r, 256, 0));
}

TEST_F(txrx, tx_wraparound)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);
	uint32_t n;

	ASSERT_NE(NULL, r);
	n = 2 * r->num_slots + 17;
	EXPECT_EQ(n, tx_to_peer(_metadata, self, r, n, NMT_FRAME_MIN));
	EXPECT_EQ((2 * r->num_slots + 17) % r->num_slots, r->head);
}

/* A frame spread over several slots (NS_MOREFRAG) leaves as one frame. */
TEST_F(txrx, tx_multislot)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);
	static uint8_t frame[1400];
	static uint8_t got[4096];
	const uint32_t parts[3] = { 500, 500, 400 };
	uint32_t seq, k, off, i, frames = 0;
	uint64_t deadline;

	ASSERT_NE(NULL, r);
	for (seq = 0; seq < 10; seq++) {
		nmt_frame_fill(frame, sizeof(frame), self->tag, seq);
		ASSERT_LE(3, nmt_space(r));
		for (k = 0, off = 0; k < 3; k++) {
			struct netmap_slot *sl = &r->slot[r->head];

			memcpy(nmt_buf(r, sl->buf_idx), frame + off, parts[k]);
			sl->len = parts[k];
			sl->flags = k < 2 ? NS_MOREFRAG : 0;
			off += parts[k];
			r->head = r->cur = nmt_next(r, r->head);
		}
		ASSERT_EQ(0, nmt_txsync(self->p.fd));
	}
	deadline = nmt_now_ms() + 5000;
	for (i = 0; i < 10 && nmt_now_ms() < deadline;) {
		ssize_t n = nmt_pkt_recv(self->sock, got, sizeof(got), 500);
		uint32_t s;

		if (n <= 0)
			continue;
		if (nmt_frame_check(got, n, self->tag, &s) == 0)
			continue;
		ASSERT_EQ((ssize_t)sizeof(frame), n);
		ASSERT_EQ(1, nmt_frame_check(got, n, self->tag, &s));
		ASSERT_EQ(i, s);
		i++;
		frames++;
	}
	EXPECT_EQ(10, frames);
	/* and nothing else of ours: no fragment went out on its own */
	deadline = nmt_now_ms() + 300;
	while (nmt_now_ms() < deadline) {
		ssize_t n = nmt_pkt_recv(self->sock, got, sizeof(got), 100);

		if (n > 0)
			ASSERT_EQ(0, nmt_frame_check(got, n, self->tag, &seq));
	}
}

/* Once transmitted, every slot comes back: tail reaches head - 1. */
TEST_F(txrx, tx_completion)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);
	uint64_t deadline;
	uint32_t seq = 0;

	ASSERT_NE(NULL, r);
	/* fill the whole ring at once */
	EXPECT_EQ(r->num_slots - 1,
		  nmt_tx_fill(r, r->num_slots, 128, self->tag, &seq));
	EXPECT_EQ(r->tail, r->head);
	EXPECT_EQ(0, nmt_space(r));
	deadline = nmt_now_ms() + 10000;
	do {
		txsync_checked(_metadata, self->p.fd, r);
		if (nmt_next(r, r->tail) == r->head)
			break;
		nmt_msleep(5);
	} while (nmt_now_ms() < deadline);
	EXPECT_EQ(r->head, nmt_next(r, r->tail))
		TH_LOG("head %u tail %u", r->head, r->tail);
	EXPECT_EQ(r->num_slots - 1, nmt_space(r));
}

/* Every bound TX ring transmits (ONE_NIC on each ring). */
TEST_F(txrx, tx_each_ring)
{
	unsigned int i, n = self->p.nifp->ni_tx_rings;

	nmt_port_close(&self->p);
	for (i = 0; i < n; i++) {
		struct netmap_ring *r;

		ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port,
					   NR_REG_ONE_NIC, i,
					   NR_TX_RINGS_ONLY));
		r = nmt_ring(self->p.nifp, NMT_TX, i);
		ASSERT_NE(NULL, r);
		EXPECT_EQ(i, r->ringid);
		self->tag++;
		EXPECT_EQ(32, tx_to_peer(_metadata, self, r, 32, 0))
			TH_LOG("TX ring %u", i);
		nmt_port_close(&self->p);
	}
}

/*
 * Drain every bound RX ring, marking frames of this test in seen[].
 * Returns the number of new frames, -1 on a damaged or duplicate one.
 */
static int rx_drain(struct __test_metadata *_metadata,
		    struct netmap_if *nifp, uint32_t tag, uint8_t *seen,
		    uint32_t n)
{
	unsigned int i;
	int got = 0;

	for (i = 0; i < nifp->ni_rx_rings; i++) {
		struct netmap_ring *r = nmt_ring(nifp, NMT_RX, i);
		char why[128];
		uint32_t j;

		if (!r)
			continue;
		EXPECT_TRUE(nmt_ring_check(r, why, sizeof(why)))
			TH_LOG("RX ring %u: %s", i, why);
		for (j = r->head; j != r->tail; j = nmt_next(r, j)) {
			struct netmap_slot *s = &r->slot[j];
			uint32_t seq;
			int c;

			EXPECT_EQ(0, s->flags & NS_MOREFRAG);
			if (s->len > r->nr_buf_size)
				return -1;
			c = nmt_frame_check(nmt_buf(r, s->buf_idx), s->len,
					    tag, &seq);
			if (c < 0 || (c > 0 && (seq >= n || seen[seq])))
				return -1;
			if (c > 0) {
				seen[seq] = 1;
				got++;
			}
		}
		r->head = r->cur = r->tail;
	}
	return got;
}

/*
 * Poll and drain the RX rings until want more frames of tag (numbered
 * below n) arrived. Returns how many did.
 */
static uint32_t rx_collect(struct __test_metadata *_metadata,
			   FIXTURE_DATA(txrx) *self, uint32_t tag,
			   uint8_t *seen, uint32_t want, uint32_t n)
{
	uint64_t deadline = nmt_now_ms() + 20000;
	uint32_t total = 0;

	unsigned int polls = 0, empty = 0;

	while (total < want && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };
		int got;

		EXPECT_LE(0, poll(&pfd, 1, 500));
		EXPECT_EQ(0, pfd.revents & POLLERR);
		polls++;
		got = rx_drain(_metadata, self->p.nifp, tag, seen, n);
		ASSERT_LE(0, got) TH_LOG("damaged or duplicate frame");
		if (!got)
			empty++;
		total += got;
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
	}
	if (total < want)
		TH_LOG("got %u of %u frames in %u polls (%u empty)", total,
		       want, polls, empty);
	return total;
}

static void peer_send(struct __test_metadata *_metadata, int sock,
		      uint32_t tag, uint32_t first, uint32_t n, size_t len)
{
	static uint8_t buf[NMT_FRAME_MAX];
	uint32_t seq;

	for (seq = first; seq < first + n; seq++) {
		size_t l = len ? len : nmt_frame_len(seq);

		nmt_frame_fill(buf, l, tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(sock, buf, l)) TH_LOG("frame %u", seq);
	}
}

TEST_F(txrx, rx_from_peer)
{
	uint32_t n = 200;
	uint8_t *seen = calloc(n, 1);

	ASSERT_NE(NULL, seen);
	peer_send(_metadata, self->sock, self->tag, 0, n, 0);
	EXPECT_EQ(n, rx_collect(_metadata, self, self->tag, seen, n, n));
	free(seen);
}

/* A single RX ring delivers in order, with the right slot lengths. */
TEST_F(txrx, rx_in_order)
{
	struct netmap_ring *r;
	uint64_t deadline;
	uint32_t next = 0, n = 64;

	nmt_port_close(&self->p);
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ONE_NIC,
				   0, NR_RX_RINGS_ONLY));
	r = nmt_ring(self->p.nifp, NMT_RX, 0);
	ASSERT_NE(NULL, r);
	if (self->p.nifp->ni_rx_rings > 1)
		SKIP(return, "frames may be spread over several RX rings");

	peer_send(_metadata, self->sock, self->tag, 0, n, 0);
	deadline = nmt_now_ms() + 20000;
	while (next < n && nmt_now_ms() < deadline) {
		uint32_t j, head = r->head;

		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
		/* the kernel only moves tail */
		ASSERT_EQ(head, r->head);
		ASSERT_EQ(head, r->cur);
		for (j = r->head; j != r->tail; j = nmt_next(r, j)) {
			struct netmap_slot *s = &r->slot[j];
			uint32_t seq;

			if (nmt_frame_check(nmt_buf(r, s->buf_idx), s->len,
					    self->tag, &seq) <= 0)
				continue;
			ASSERT_EQ(next, seq);
			ASSERT_EQ(nmt_frame_len(seq), s->len);
			next++;
		}
		r->head = r->cur = r->tail;
		if (next < n)
			nmt_msleep(5);
	}
	EXPECT_EQ(n, next);
}

/* Receive 2.5 rings worth, half a ring at a time. */
TEST_F(txrx, rx_wraparound)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_RX);
	uint32_t batch, n, sent = 0, total = 0;
	uint8_t *seen;

	ASSERT_NE(NULL, r);
	batch = r->num_slots / 2;
	n = 5 * batch;
	seen = calloc(n, 1);
	ASSERT_NE(NULL, seen);
	while (sent < n) {
		peer_send(_metadata, self->sock, self->tag, sent, batch,
			  NMT_FRAME_MIN);
		sent += batch;
		total += rx_collect(_metadata, self, self->tag, seen,
				    sent - total, n);
		ASSERT_EQ(sent, total);
	}
	free(seen);
}

/* Both directions at once through the same fd. */
TEST_F(txrx, bidirectional)
{
	struct netmap_ring *tx = nmt_first_ring(self->p.nifp, NMT_TX);
	uint32_t n = 128, seq = 0, next = 0, rxed = 0;
	uint32_t rxtag = self->tag ^ 0x5555aaaau;
	uint64_t deadline = nmt_now_ms() + 30000;
	uint8_t *seen = calloc(n, 1);
	uint32_t txtag = self->tag;

	ASSERT_NE(NULL, tx);
	ASSERT_NE(NULL, seen);
	peer_send(_metadata, self->sock, rxtag, 0, n, 0);
	while ((next < n || rxed < n) && nmt_now_ms() < deadline) {
		int got;

		if (seq < n)
			nmt_tx_fill(tx, n - seq, 0, txtag, &seq);
		txsync_checked(_metadata, self->p.fd, tx);
		ASSERT_LE(0, nmt_pkt_collect(self->sock, txtag, &next, n, 5));
		got = rx_drain(_metadata, self->p.nifp, rxtag, seen, n);
		ASSERT_LE(0, got);
		rxed += got;
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
	}
	EXPECT_EQ(n, next);
	EXPECT_EQ(n, rxed);
	free(seen);
}

TEST_HARNESS_MAIN
