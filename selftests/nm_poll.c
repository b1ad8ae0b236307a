// SPDX-License-Identifier: GPL-2.0
/*
 * poll()/select()/epoll on netmap fds: errors on unbound fds, readiness of
 * TX and RX rings, wake-ups on reception and on TX completion, several
 * waiters on one ring, and the implicit TX flush done by poll() unless
 * NR_NO_TX_POLL is set.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(pl)
{
	struct nmt_env env;
	struct nmt_port p;
	int sock;
	uint32_t tag;
};

FIXTURE_SETUP(pl)
{
	self->p.fd = -1;
	self->sock = -1;
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	if (nmt_env_has_peer(&self->env))
		self->sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	if (nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC, 0, 0))
		nmt_env_teardown(&self->env);
	ASSERT_LE(0, self->p.fd);
}

FIXTURE_TEARDOWN(pl)
{
	nmt_port_close(&self->p);
	if (self->sock >= 0)
		close(self->sock);
	nmt_env_teardown(&self->env);
}

#define NEED_PEER()							\
	do {								\
		if (self->sock < 0)					\
			SKIP(return, "no peer interface");		\
	} while (0)

/* Sends one test frame from the peer after a delay. */
struct delayed_send {
	int sock;
	uint32_t tag;
	unsigned int delay_ms;
	pthread_t thread;
};

static void *delayed_send_fn(void *arg)
{
	struct delayed_send *d = arg;
	uint8_t buf[NMT_FRAME_MIN];

	nmt_msleep(d->delay_ms);
	nmt_frame_fill(buf, sizeof(buf), d->tag, 0);
	nmt_pkt_send(d->sock, buf, sizeof(buf));
	return NULL;
}

static int delayed_send_start(struct delayed_send *d, int sock, uint32_t tag,
			      unsigned int delay_ms)
{
	d->sock = sock;
	d->tag = tag;
	d->delay_ms = delay_ms;
	return pthread_create(&d->thread, NULL, delayed_send_fn, d);
}

/* true if RX ring r holds the frame sent by delayed_send. */
static bool rx_has_frame(struct netmap_ring *r, uint32_t tag)
{
	uint32_t j, seq;

	for (j = r->head; j != r->tail; j = nmt_next(r, j))
		if (nmt_frame_check(nmt_buf(r, r->slot[j].buf_idx),
				    r->slot[j].len, tag, &seq) > 0)
			return true;
	return false;
}

TEST_F(pl, unbound_fd_pollerr)
{
	struct pollfd pfd = { .events = POLLIN | POLLOUT };
	uint64_t t0;
	int n;

	pfd.fd = nmt_open_dev();
	ASSERT_LE(0, pfd.fd);
	t0 = nmt_now_ms();
	n = poll(&pfd, 1, 2000);
	EXPECT_EQ(1, n);
	EXPECT_NE(0, pfd.revents & POLLERR);
	EXPECT_GT(1000, nmt_now_ms() - t0);

	/* a failed registration leaves it unbound */
	EXPECT_EQ(-ENXIO, nmt_register_mode(pfd.fd, "nmt-no-such-if",
					    NR_REG_ALL_NIC, 0, 0));
	pfd.revents = 0;
	EXPECT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_NE(0, pfd.revents & POLLERR);
	close(pfd.fd);
}

TEST_F(pl, tx_ready)
{
	struct pollfd pfd = { .fd = self->p.fd, .events = POLLOUT };

	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_NE(0, pfd.revents & POLLOUT);
	EXPECT_EQ(0, pfd.revents & POLLERR);
}

/* Without TX rings there is nothing to write to. */
TEST_F(pl, rx_only_fd_not_writable)
{
	struct pollfd pfd = { .events = POLLOUT };
	struct nmt_port q;

	ASSERT_EQ(0, nmt_port_open(&q, self->env.port, NR_REG_ALL_NIC, 0,
				   NR_RX_RINGS_ONLY));
	pfd.fd = q.fd;
	EXPECT_LE(0, poll(&pfd, 1, 100));
	EXPECT_EQ(0, pfd.revents & (POLLOUT | POLLERR));
	nmt_port_close(&q);
}

TEST_F(pl, rx_idle_times_out)
{
	struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };
	uint64_t t0 = nmt_now_ms();

	if (!self->env.is_veth)
		SKIP(return, "needs a quiet link");
	EXPECT_EQ(0, poll(&pfd, 1, 300));
	EXPECT_LE(250, nmt_now_ms() - t0);
	EXPECT_EQ(0, pfd.revents);
}

TEST_F(pl, rx_wakeup)
{
	struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_RX);
	struct delayed_send d;
	uint64_t t0, dt;

	NEED_PEER();
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, delayed_send_start(&d, self->sock, self->tag, 300));
	t0 = nmt_now_ms();
	EXPECT_EQ(1, poll(&pfd, 1, 10000));
	dt = nmt_now_ms() - t0;
	pthread_join(d.thread, NULL);
	EXPECT_NE(0, pfd.revents & POLLIN);
	EXPECT_EQ(0, pfd.revents & POLLERR);
	EXPECT_LE(200, dt) TH_LOG("woke up before the frame was sent");
	EXPECT_GT(10000, dt);
	/* poll did the rxsync: the frame is in the ring, beyond cur */
	EXPECT_NE(r->cur, r->tail);
	EXPECT_TRUE(rx_has_frame(r, self->tag));
}

TEST_F(pl, select_and_epoll)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_RX);
	struct epoll_event ev = { .events = EPOLLIN };
	struct timeval tv = { 10, 0 };
	struct delayed_send d;
	fd_set rfds, wfds;
	int ep;

	NEED_PEER();
	ASSERT_NE(NULL, r);

	/* select: writable at once, readable once a frame arrives */
	FD_ZERO(&wfds);
	FD_SET(self->p.fd, &wfds);
	EXPECT_EQ(1, select(self->p.fd + 1, NULL, &wfds, NULL, &tv));
	EXPECT_TRUE(FD_ISSET(self->p.fd, &wfds));

	ASSERT_EQ(0, delayed_send_start(&d, self->sock, self->tag, 100));
	FD_ZERO(&rfds);
	FD_SET(self->p.fd, &rfds);
	tv.tv_sec = 10;
	EXPECT_EQ(1, select(self->p.fd + 1, &rfds, NULL, NULL, &tv));
	EXPECT_TRUE(FD_ISSET(self->p.fd, &rfds));
	pthread_join(d.thread, NULL);
	r->head = r->cur = r->tail;
	ASSERT_EQ(0, nmt_rxsync(self->p.fd));

	/* epoll */
	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ev.data.fd = self->p.fd;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->p.fd, &ev));
	self->tag++;
	ASSERT_EQ(0, delayed_send_start(&d, self->sock, self->tag, 100));
	memset(&ev, 0, sizeof(ev));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 10000));
	EXPECT_NE(0, ev.events & EPOLLIN);
	pthread_join(d.thread, NULL);
	EXPECT_TRUE(rx_has_frame(r, self->tag));
	close(ep);
}

/* Two fds bound to the same RX ring both wake up. */
struct waiter {
	int fd;
	short revents;
	int ret;
	pthread_t thread;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };

	w->ret = poll(&pfd, 1, 10000);
	w->revents = pfd.revents;
	return NULL;
}

TEST_F(pl, two_waiters)
{
	struct nmt_port q;
	struct waiter w[2];
	struct delayed_send d;
	int i;

	NEED_PEER();
	ASSERT_EQ(0, nmt_port_open(&q, self->env.port, NR_REG_ONE_NIC, 0,
				   NR_RX_RINGS_ONLY));
	w[0].fd = self->p.fd;	/* ALL_NIC: adapter-wide queue if >1 ring */
	w[1].fd = q.fd;		/* exactly one RX ring: the ring's queue */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, waiter_fn,
					    &w[i]));
	ASSERT_EQ(0, delayed_send_start(&d, self->sock, self->tag, 300));
	for (i = 0; i < 2; i++) {
		pthread_join(w[i].thread, NULL);
		EXPECT_EQ(1, w[i].ret) TH_LOG("waiter %d", i);
		EXPECT_NE(0, w[i].revents & POLLIN) TH_LOG("waiter %d", i);
	}
	pthread_join(d.thread, NULL);
	nmt_port_close(&q);
}

/* A full TX ring becomes writable again once transmission completes. */
TEST_F(pl, tx_completion_wakeup)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);
	struct pollfd pfd = { .fd = self->p.fd, .events = POLLOUT };
	uint32_t seq = 0, next = 0;

	ASSERT_NE(NULL, r);
	EXPECT_EQ(r->num_slots - 1,
		  nmt_tx_fill(r, r->num_slots, NMT_FRAME_MIN, self->tag, &seq));
	ASSERT_EQ(0, nmt_space(r));
	/* no ioctl: poll must push the frames out and wait for room */
	EXPECT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_NE(0, pfd.revents & POLLOUT);
	EXPECT_EQ(0, pfd.revents & POLLERR);
	EXPECT_LT(0, nmt_space(r));
	if (self->sock >= 0) {
		nmt_pkt_collect(self->sock, self->tag, &next, seq, 10000);
		EXPECT_EQ(seq, next);
	}
}

/* poll(POLLIN) flushes pending TX unless NR_NO_TX_POLL (libpcap relies). */
TEST_F(pl, pollin_flushes_tx)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);
	struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };
	uint32_t seq = 0, next = 0;

	NEED_PEER();
	ASSERT_NE(NULL, r);
	EXPECT_EQ(8, nmt_tx_fill(r, 8, 0, self->tag, &seq));
	EXPECT_LE(0, poll(&pfd, 1, 100));
	nmt_pkt_collect(self->sock, self->tag, &next, 8, 5000);
	EXPECT_EQ(8, next);
}

TEST_F(pl, no_tx_poll)
{
	struct pollfd pfd = { .events = POLLIN };
	uint32_t seq = 0, next = 0;
	struct netmap_ring *r;
	struct nmt_port q;

	NEED_PEER();
	nmt_port_close(&self->p);
	ASSERT_EQ(0, nmt_port_open(&q, self->env.port, NR_REG_ALL_NIC, 0,
				   NR_NO_TX_POLL));
	r = nmt_first_ring(q.nifp, NMT_TX);
	ASSERT_NE(NULL, r);
	pfd.fd = q.fd;
	EXPECT_EQ(8, nmt_tx_fill(r, 8, 0, self->tag, &seq));
	EXPECT_LE(0, poll(&pfd, 1, 100));
	EXPECT_EQ(0, nmt_pkt_collect(self->sock, self->tag, &next, 8, 500));
	EXPECT_EQ(0, next) TH_LOG("POLLIN-only poll transmitted");

	pfd.events = POLLOUT;
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	nmt_pkt_collect(self->sock, self->tag, &next, 8, 5000);
	EXPECT_EQ(8, next);
	nmt_port_close(&q);
}

TEST_HARNESS_MAIN
