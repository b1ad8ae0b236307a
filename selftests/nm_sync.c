// SPDX-License-Identifier: GPL-2.0
/*
 * NIOCTXSYNC / NIOCRXSYNC with hostile ring contents: indices out of
 * range or out of order, an overwritten tail, bad buffer indices and
 * lengths. The kernel must return 0, repair the ring as documented, report
 * POLLERR from poll(), keep working afterwards, and never crash. Also the
 * ring timestamp.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(sync)
{
	struct nmt_env env;
	struct nmt_port p;
	struct netmap_ring *tx;
	struct netmap_ring *rx;
	int sock;		/* peer packet socket, -1 without peer */
	uint32_t tag;
};

FIXTURE_SETUP(sync)
{
	self->p.fd = -1;
	self->sock = -1;
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	if (nmt_env_has_peer(&self->env))
		self->sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	if (nmt_port_open(&self->p, self->env.port, NR_REG_ONE_NIC, 0, 0))
		nmt_env_teardown(&self->env);
	ASSERT_LE(0, self->p.fd);
	self->tx = nmt_ring(self->p.nifp, NMT_TX, 0);
	self->rx = nmt_ring(self->p.nifp, NMT_RX, 0);
	ASSERT_NE(NULL, self->tx);
	ASSERT_NE(NULL, self->rx);
}

FIXTURE_TEARDOWN(sync)
{
	nmt_port_close(&self->p);
	if (self->sock >= 0)
		close(self->sock);
	nmt_env_teardown(&self->env);
}

static short poll_now(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

/* After any abuse: n frames still go out intact (when there is a peer). */
static void tx_still_works(struct __test_metadata *_metadata,
			   FIXTURE_DATA(sync) *self, uint32_t n)
{
	uint64_t deadline = nmt_now_ms() + 20000;
	uint32_t seq = 0, next = 0;
	char why[128];

	if (self->sock < 0)
		return;
	self->tag++;
	while (next < n && nmt_now_ms() < deadline) {
		if (seq < n)
			nmt_tx_fill(self->tx, n - seq, 0, self->tag, &seq);
		ASSERT_EQ(0, nmt_txsync(self->p.fd));
		ASSERT_TRUE(nmt_ring_check(self->tx, why, sizeof(why)))
			TH_LOG("%s", why);
		ASSERT_LE(0, nmt_pkt_collect(self->sock, self->tag, &next, n,
					     20));
	}
	EXPECT_EQ(n, next);
}

/* Send n frames from the peer and receive them through the RX ring. */
static void rx_still_works(struct __test_metadata *_metadata,
			   FIXTURE_DATA(sync) *self, uint32_t n)
{
	uint64_t deadline = nmt_now_ms() + 20000;
	uint8_t buf[NMT_FRAME_MAX];
	uint32_t seq, next = 0;

	if (self->sock < 0)
		return;
	self->tag++;
	for (seq = 0; seq < n; seq++) {
		nmt_frame_fill(buf, nmt_frame_len(seq), self->tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(self->sock, buf, nmt_frame_len(seq)));
	}
	while (next < n && nmt_now_ms() < deadline) {
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
		ASSERT_LE(0, nmt_rx_consume(self->rx, self->tag, &next));
		if (next < n)
			nmt_msleep(5);
	}
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));
	EXPECT_EQ(n, next);
}

TEST_F(sync, idle_syncs_keep_state)
{
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, nmt_txsync(self->p.fd));
		EXPECT_EQ(0, self->tx->head);
		EXPECT_EQ(0, self->tx->cur);
		EXPECT_EQ(self->tx->num_slots - 1, self->tx->tail);
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
		EXPECT_EQ(0, self->rx->head);
		EXPECT_EQ(0, self->rx->cur);
		if (self->env.is_veth)
			EXPECT_EQ(0, self->rx->tail);
	}
}

/* Indices numerically >= num_slots: reset to the kernel's view. */
TEST_F(sync, tx_index_out_of_range)
{
	struct netmap_ring *r = self->tx;
	uint32_t n = r->num_slots;
	const uint32_t bad[] = { n, n + 1, 0xffffffffu };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r->head = bad[i];
		EXPECT_EQ(0, nmt_txsync(self->p.fd)) TH_LOG("head %u", bad[i]);
		EXPECT_EQ(0, r->head);
		EXPECT_EQ(0, r->cur);
		EXPECT_EQ(n - 1, r->tail);

		r->cur = bad[i];
		EXPECT_EQ(0, nmt_txsync(self->p.fd)) TH_LOG("cur %u", bad[i]);
		EXPECT_EQ(0, r->head);
		EXPECT_EQ(0, r->cur);
		EXPECT_EQ(n - 1, r->tail);
	}
	/* poll notices as well, and does not crash */
	r->head = r->cur = n + 7;
	EXPECT_NE(0, poll_now(self->p.fd, POLLOUT) & POLLERR);
	r->head = r->cur = 0;
	tx_still_works(_metadata, self, 16);
}

/* cur behind head, or past tail. */
TEST_F(sync, tx_index_out_of_order)
{
	struct netmap_ring *r = self->tx;
	uint32_t seq = 0;
	short ev;

	/* queue nothing, but claim cur before head */
	r->head = 10;
	r->cur = 5;
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	ev = poll_now(self->p.fd, POLLOUT);
	EXPECT_NE(0, ev & POLLERR) TH_LOG("revents %#x", ev);

	/* back to a sane state and keep going */
	r->head = r->cur = 0;
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(0, poll_now(self->p.fd, POLLOUT) & POLLERR);
	nmt_tx_fill(r, 4, NMT_FRAME_MIN, self->tag, &seq);
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(4, r->head);
	tx_still_works(_metadata, self, 16);
}

/* A user-written tail is ignored and restored. */
TEST_F(sync, tx_tail_overwritten)
{
	struct netmap_ring *r = self->tx;

	r->tail = 3;
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(r->num_slots - 1, r->tail);
	EXPECT_EQ(0, r->head);
	EXPECT_EQ(0, r->cur);
	r->tail = r->num_slots + 100;
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(r->num_slots - 1, r->tail);
	tx_still_works(_metadata, self, 8);
}

/* Re-initialisation sanitises the user's slots. */
TEST_F(sync, tx_reinit_sanitises_slots)
{
	struct netmap_ring *r = self->tx;
	uint32_t saved5 = r->slot[5].buf_idx, saved6 = r->slot[6].buf_idx;

	r->slot[5].buf_idx = 0xffffffffu;
	r->slot[5].len = 100;
	r->slot[6].buf_idx = 1;		/* reserved */
	r->slot[6].len = 100;
	r->slot[7].len = 0xffff;	/* longer than any buffer */
	r->head = r->num_slots;
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(0, r->slot[5].buf_idx);
	EXPECT_EQ(0, r->slot[5].len);
	EXPECT_EQ(0, r->slot[6].buf_idx);
	EXPECT_EQ(0, r->slot[6].len);
	EXPECT_EQ(0, r->slot[7].len);
	EXPECT_EQ(0, r->head);
	r->slot[5].buf_idx = saved5;
	r->slot[6].buf_idx = saved6;
	r->slot[5].flags = r->slot[6].flags = NS_BUF_CHANGED;
	tx_still_works(_metadata, self, 16);
}

/* Bad buffer indices and lengths in transmitted slots never fail TX. */
TEST_F(sync, tx_bad_slots)
{
	static const uint32_t bad_idx[] = { 0, 1, 0x7fffffff, 0xffffffffu };
	struct netmap_ring *r = self->tx;
	uint32_t saved[ARRAY_SIZE(bad_idx) + 1];
	uint32_t i, head = r->head;

	for (i = 0; i < ARRAY_SIZE(bad_idx); i++) {
		struct netmap_slot *s = &r->slot[(head + i) % r->num_slots];

		saved[i] = s->buf_idx;
		s->buf_idx = bad_idx[i];
		s->len = NMT_FRAME_MIN;
		s->flags = NS_BUF_CHANGED;
	}
	/* and one valid buffer with an oversized length */
	r->slot[(head + i) % r->num_slots].len = 0xffff;
	head = (head + i + 1) % r->num_slots;
	r->head = r->cur = head;
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(head, r->head);
	nmt_msleep(50);
	EXPECT_EQ(0, nmt_txsync(self->p.fd));

	/* give the ring its buffers back before reusing those slots */
	for (i = 0; i < ARRAY_SIZE(bad_idx); i++) {
		struct netmap_slot *s = &r->slot[(head + r->num_slots -
						  ARRAY_SIZE(bad_idx) - 1 + i) %
						 r->num_slots];

		s->buf_idx = saved[i];
		s->flags = NS_BUF_CHANGED;
	}
	tx_still_works(_metadata, self, 16);
}

TEST_F(sync, rx_index_out_of_range)
{
	struct netmap_ring *r = self->rx;
	uint32_t n = r->num_slots;

	r->head = n;
	EXPECT_EQ(0, nmt_rxsync(self->p.fd));
	EXPECT_EQ(0, r->head);
	EXPECT_EQ(0, r->cur);
	EXPECT_GT(n, r->tail);

	r->cur = 0xffffffffu;
	EXPECT_EQ(0, nmt_rxsync(self->p.fd));
	EXPECT_EQ(0, r->head);
	EXPECT_EQ(0, r->cur);
	EXPECT_GT(n, r->tail);

	r->head = r->cur = n + 3;
	EXPECT_NE(0, poll_now(self->p.fd, POLLIN) & POLLERR);
	r->head = r->cur = r->tail;
	rx_still_works(_metadata, self, 16);
}

/* head past tail (nothing received) and cur behind head. */
TEST_F(sync, rx_index_out_of_order)
{
	struct netmap_ring *r = self->rx;
	short ev;

	if (!self->env.is_veth)
		SKIP(return, "needs a quiet link");
	ASSERT_EQ(0, r->tail);
	r->head = r->cur = 5;
	EXPECT_EQ(0, nmt_rxsync(self->p.fd));
	ev = poll_now(self->p.fd, POLLIN);
	EXPECT_NE(0, ev & POLLERR) TH_LOG("revents %#x", ev);
	r->head = r->cur = r->tail;
	EXPECT_EQ(0, nmt_rxsync(self->p.fd));
	EXPECT_EQ(0, poll_now(self->p.fd, POLLIN) & POLLERR);
	rx_still_works(_metadata, self, 8);

	/* now with packets in the ring: cur behind head */
	if (self->sock < 0)
		return;
	{
		uint8_t buf[NMT_FRAME_MIN];
		uint64_t deadline = nmt_now_ms() + 10000;
		uint32_t i, start = r->head;

		for (i = 0; i < 10; i++) {
			nmt_frame_fill(buf, sizeof(buf), self->tag, i);
			ASSERT_EQ(0, nmt_pkt_send(self->sock, buf, sizeof(buf)));
		}
		while (nmt_dist(r, start, r->tail) < 10 &&
		       nmt_now_ms() < deadline) {
			ASSERT_EQ(0, nmt_rxsync(self->p.fd));
			nmt_msleep(5);
		}
		ASSERT_LE(10, nmt_dist(r, start, r->tail));
		r->head = (start + 5) % r->num_slots;
		r->cur = (start + 3) % r->num_slots;
		EXPECT_EQ(0, nmt_rxsync(self->p.fd));
		ev = poll_now(self->p.fd, POLLIN);
		EXPECT_NE(0, ev & POLLERR) TH_LOG("revents %#x", ev);
		r->head = r->cur = r->tail;
		EXPECT_EQ(0, nmt_rxsync(self->p.fd));
		rx_still_works(_metadata, self, 8);
	}
}

static int no_timestamp_param(void)
{
	char buf[16] = "0";
	int fd = open("/sys/module/netmap/parameters/no_timestamp", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = '0';
		close(fd);
	}
	return atoi(buf);
}

TEST_F(sync, rx_timestamp)
{
	struct netmap_ring *r = self->rx;
	struct timeval before, after;

	r->flags |= NR_TIMESTAMP;
	r->ts.tv_sec = 0;
	r->ts.tv_usec = 0;
	gettimeofday(&before, NULL);
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));
	gettimeofday(&after, NULL);
	EXPECT_LE(before.tv_sec, r->ts.tv_sec);
	EXPECT_GE(after.tv_sec, r->ts.tv_sec);
	EXPECT_GT(1000000, r->ts.tv_usec);

	/* without the flag, only the no_timestamp parameter suppresses it */
	r->flags &= ~NR_TIMESTAMP;
	r->ts.tv_sec = 0;
	r->ts.tv_usec = 0;
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));
	if (no_timestamp_param()) {
		EXPECT_EQ(0, r->ts.tv_sec);
	} else {
		EXPECT_LE(before.tv_sec, r->ts.tv_sec);
	}
}

TEST_F(sync, tx_no_timestamp)
{
	struct netmap_ring *r = self->tx;

	r->flags |= NR_TIMESTAMP;
	r->ts.tv_sec = 0;
	r->ts.tv_usec = 0;
	ASSERT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(0, r->ts.tv_sec);
	EXPECT_EQ(0, r->ts.tv_usec);
}

TEST_HARNESS_MAIN
