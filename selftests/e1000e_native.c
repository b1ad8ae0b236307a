// SPDX-License-Identifier: GPL-2.0
/*
 * The native e1000e adapter (drivers/e1000e-netmap), its data path: on
 * the guest's two emulated 82574 NICs cabled to each other (the fixture
 * and helpers are in lib/e1k.h), netmap TX and RX against netmap and
 * against the stack, poll woken by RX interrupts, host rings, bad TX
 * slots, flooding TX sessions and the debugfs ring list. Register
 * cycles, link, rmmod and namespace changes are in e1000e_native_cycles,
 * a program of its own so that each stays well within the per-program
 * time limit on a loaded machine (every test reloads e1000e and resets
 * both NICs, seconds each under TCG).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"
#include "lib/e1k.h"

#define RINGS_FILE	"/sys/kernel/debug/netmap/rings"

/* Only a native adapter can register with admode=1; generic cannot. */
TEST_F_TIMEOUT(e1k, attaches_native, E1K_TIMEOUT)
{
	struct nmreq_port_info_get pi;
	int fd = nmt_open_dev();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nmt_port_info(fd, self->a, &pi));
	EXPECT_EQ(1, pi.nr_tx_rings);
	EXPECT_EQ(1, pi.nr_rx_rings);
	EXPECT_EQ(256, pi.nr_tx_slots);	/* the driver's default ring */
	EXPECT_EQ(256, pi.nr_rx_slots);
	/* lo has no native adapter: refused in native-only mode */
	EXPECT_EQ(-EOPNOTSUPP, nmt_register_mode(fd, "lo", NR_REG_ALL_NIC,
						 0, 0));
	close(fd);
	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(1, self->pa.nifp->ni_tx_rings);
	EXPECT_EQ(1, self->pa.nifp->ni_host_tx_rings);
}

/* netmap TX on A, netmap RX on B: counts, order and contents. */
TEST_F_TIMEOUT(e1k, netmap_to_netmap, E1K_TIMEOUT)
{
	struct netmap_ring *tx, *rx;

	open_both(_metadata, self, NR_REG_ALL_NIC, NR_TX_RINGS_ONLY,
		  NR_REG_ALL_NIC, NR_RX_RINGS_ONLY);
	tx = nmt_first_ring(self->pa.nifp, NMT_TX);
	rx = nmt_first_ring(self->pb.nifp, NMT_RX);
	ASSERT_NE(NULL, tx);
	ASSERT_NE(NULL, rx);
	/* varying lengths, several times around both rings */
	EXPECT_EQ(600, nm_to_nm(self->pa.fd, tx, self->pb.fd, rx, 600, 0,
				self->tag));
	/* and back, the other way */
	nmt_port_close(&self->pa);
	nmt_port_close(&self->pb);
	self->tag++;
	open_both(_metadata, self, NR_REG_ALL_NIC, NR_RX_RINGS_ONLY,
		  NR_REG_ALL_NIC, NR_TX_RINGS_ONLY);
	tx = nmt_first_ring(self->pb.nifp, NMT_TX);
	rx = nmt_first_ring(self->pa.nifp, NMT_RX);
	EXPECT_EQ(300, nm_to_nm(self->pb.fd, tx, self->pa.fd, rx, 300,
				NMT_FRAME_MAX, self->tag));
}

/* netmap TX on A, received by the stack of B (packet socket), and back. */
TEST_F_TIMEOUT(e1k, netmap_and_packet_socket, E1K_TIMEOUT)
{
	uint64_t deadline;
	struct netmap_ring *tx, *rx;
	uint32_t seq = 0, next = 0;
	uint8_t frame[NMT_FRAME_MAX];
	int got;

	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_ALL_NIC, 0, 0));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	self->sock = nmt_pkt_open(NULL, self->b);
	ASSERT_LE(0, self->sock);
	tx = nmt_first_ring(self->pa.nifp, NMT_TX);
	rx = nmt_first_ring(self->pa.nifp, NMT_RX);

	deadline = nmt_now_ms() + 30000;
	while (next < 400 && nmt_now_ms() < deadline) {
		if (seq < 400 && seq - next < 64) {
			nmt_tx_fill(tx, 16, 0, self->tag, &seq);
			ASSERT_EQ(0, nmt_txsync(self->pa.fd));
		}
		got = nmt_pkt_collect(self->sock, self->tag, &next, seq, 100);
		ASSERT_LE(0, got);
	}
	EXPECT_EQ(400, next);

	/* the stack of B sends, netmap RX of A receives */
	self->tag++;
	next = 0;
	for (seq = 0; seq < 100; seq++) {
		nmt_frame_fill(frame, nmt_frame_len(seq), self->tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(self->sock, frame,
					  nmt_frame_len(seq)));
		if (seq % 32 == 31) {
			/* let the RX ring drain before it fills */
			ASSERT_EQ(0, nmt_rxsync(self->pa.fd));
			ASSERT_LE(0, nmt_rx_consume(rx, self->tag, &next));
		}
	}
	deadline = nmt_now_ms() + 10000;
	while (next < 100 && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = self->pa.fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		ASSERT_LE(0, nmt_rx_consume(rx, self->tag, &next));
	}
	EXPECT_EQ(100, next);
}

/*
 * poll() sleeps on an empty RX ring and the device's RX interrupt wakes
 * it: a child sends one frame after a while; the parent's poll must
 * return with the frame in the ring, without any other sync.
 */
TEST_F_TIMEOUT(e1k, poll_wakes_on_rx_interrupt, E1K_TIMEOUT)
{
	struct pollfd pfd;
	struct netmap_ring *rx;
	uint32_t next = 0;
	pid_t pid;
	int status, ret;

	ASSERT_EQ(0, nmt_port_open(&self->pb, self->b, NR_REG_ALL_NIC, 0,
				   NR_RX_RINGS_ONLY));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
	rx = nmt_first_ring(self->pb.nifp, NMT_RX);
	self->sock = nmt_pkt_open(NULL, self->a);
	ASSERT_LE(0, self->sock);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint8_t frame[NMT_FRAME_MIN];

		nmt_msleep(500);
		nmt_frame_fill(frame, sizeof(frame), self->tag, 0);
		_exit(nmt_pkt_send(self->sock, frame, sizeof(frame)) ? 1 : 0);
	}
	pfd.fd = self->pb.fd;
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, 10000);
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(1, ret) TH_LOG("poll() was not woken by the frame");
	EXPECT_TRUE(pfd.revents & POLLIN);
	EXPECT_EQ(1, nmt_rx_consume(rx, self->tag, &next));
}

/*
 * Host rings of the native port: what the host TX ring sends reaches
 * A's stack (a packet socket on A sees it as received), and what A's
 * stack sends lands in the host RX ring instead of on the wire.
 */
TEST_F_TIMEOUT(e1k, host_rings, E1K_TIMEOUT)
{
	uint8_t frame[NMT_FRAME_MAX];
	struct netmap_ring *htx, *hrx;
	uint32_t seq = 0, next = 0;
	uint64_t deadline;

	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_SW, 0, 0));
	htx = nmt_ring(self->pa.nifp, NMT_TX, self->pa.nifp->ni_tx_rings);
	hrx = nmt_ring(self->pa.nifp, NMT_RX, self->pa.nifp->ni_rx_rings);
	ASSERT_NE(NULL, htx);
	ASSERT_NE(NULL, hrx);
	self->sock = nmt_pkt_open(NULL, self->a);
	ASSERT_LE(0, self->sock);

	ASSERT_EQ(20, nmt_tx_fill(htx, 20, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->pa.fd));
	EXPECT_EQ(20, nmt_pkt_collect(self->sock, self->tag, &next, 20,
				      5000));

	self->tag++;
	next = 0;
	for (seq = 0; seq < 20; seq++) {
		nmt_frame_fill(frame, nmt_frame_len(seq), self->tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(self->sock, frame,
					  nmt_frame_len(seq)));
	}
	deadline = nmt_now_ms() + 10000;
	while (next < 20 && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = self->pa.fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		ASSERT_LE(0, nmt_rx_consume(hrx, self->tag, &next));
	}
	EXPECT_EQ(20, next);
}

/*
 * TX slots with a reserved or out-of-range buffer index, or a length
 * beyond the buffer, are sent as nothing: no frame reaches B for them,
 * the ring completes them, and good frames behind them go through.
 */
TEST_F_TIMEOUT(e1k, bad_tx_slots_send_nothing, E1K_TIMEOUT)
{
	static const uint32_t bad_idx[] = { 0, 1, 0xfffffff0u, 0 };
	uint32_t saved[4], first, i, seq = 0, next = 0, others = 0;
	struct netmap_ring *tx, *rx;
	uint64_t deadline;

	open_both(_metadata, self, NR_REG_ALL_NIC, NR_TX_RINGS_ONLY,
		  NR_REG_ALL_NIC, NR_RX_RINGS_ONLY);
	tx = nmt_first_ring(self->pa.nifp, NMT_TX);
	rx = nmt_first_ring(self->pb.nifp, NMT_RX);
	first = tx->cur;
	for (i = 0; i < 4; i++) {
		struct netmap_slot *slot = &tx->slot[tx->cur];

		saved[i] = slot->buf_idx;
		nmt_frame_fill(nmt_buf(tx, slot->buf_idx), 60, self->tag, 0);
		if (i == 3) {
			/* a good buffer, but a length no buffer has */
			slot->len = tx->nr_buf_size + 1;
		} else {
			slot->buf_idx = bad_idx[i];
			slot->len = 60;
		}
		tx->head = tx->cur = nmt_next(tx, tx->cur);
	}
	ASSERT_EQ(0, nmt_txsync(self->pa.fd));
	/* completed: the kernel gives the slots back */
	deadline = nmt_now_ms() + 10000;
	while (nmt_next(tx, tx->tail) != tx->head && nmt_now_ms() < deadline) {
		nmt_msleep(10);
		ASSERT_EQ(0, nmt_txsync(self->pa.fd));
	}
	EXPECT_EQ(tx->head, nmt_next(tx, tx->tail));
	for (i = 0; i < 4; i++)
		tx->slot[(first + i) % tx->num_slots].buf_idx = saved[i];

	/* good frames follow; only they arrive */
	self->tag++;
	deadline = nmt_now_ms() + 20000;
	while (next < 20 && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = self->pb.fd, .events = POLLIN };
		uint32_t j;

		if (seq < 20) {
			nmt_tx_fill(tx, 20 - seq, 0, self->tag, &seq);
			ASSERT_EQ(0, nmt_txsync(self->pa.fd));
		}
		poll(&pfd, 1, 100);
		for (j = rx->head; j != rx->tail; j = nmt_next(rx, j)) {
			uint32_t s;

			if (nmt_frame_check(nmt_buf(rx, rx->slot[j].buf_idx),
					    rx->slot[j].len, self->tag, &s) != 1)
				others++;
		}
		ASSERT_LE(0, nmt_rx_consume(rx, self->tag, &next));
	}
	EXPECT_EQ(20, next);
	EXPECT_EQ(0, others);
}

/* A counter of /sys/class/net/IFNAME/statistics; -1 if unreadable. */
static long long if_stat(const char *ifname, const char *name)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s",
		 ifname, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Flood A's TX ring for ms milliseconds: every free slot gets a 60-byte
 * frame, then one txsync; poll(POLLOUT) while the ring is full. Returns
 * the frames handed to the kernel, or -1 if a sync failed.
 */
static long long tx_flood(int fd, struct netmap_ring *tx, uint32_t tag,
			  unsigned int ms)
{
	uint64_t deadline = nmt_now_ms() + ms;
	uint32_t seq = 0;

	while (nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };

		if (nmt_space(tx)) {
			nmt_tx_fill(tx, nmt_space(tx), NMT_FRAME_MIN, tag, &seq);
			if (nmt_txsync(fd))
				return -1;
		} else if (poll(&pfd, 1, 100) < 0 || (pfd.revents & POLLERR)) {
			return -1;
		}
	}
	return seq;
}

/*
 * Two flooding TX sessions back to back on A, each as make bench runs
 * one: a holder fd puts A in netmap mode, a second fd floods the TX ring
 * for 8 s at once, while the link is still down from the reset (TX is
 * enabled when it comes up), then both leave. B's stack counts what
 * arrives: each session must move packets, the second like the first.
 */
TEST_F_TIMEOUT(e1k, tx_flood_twice, E1K_TIMEOUT)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct netmap_ring *tx;
		long long before, sent, got;

		ASSERT_EQ(0, nmt_port_open(&self->pc, self->a, NR_REG_ALL_NIC,
					   0, 0));
		ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_ALL_NIC,
					   0, 0));
		tx = nmt_first_ring(self->pa.nifp, NMT_TX);
		ASSERT_NE(NULL, tx);
		before = if_stat(self->b, "rx_packets");
		ASSERT_LE(0, before);
		/* from before the link is up again after the reset */
		sent = tx_flood(self->pa.fd, tx, self->tag + i, 8000);
		/* what is still in flight lands in B's counter */
		nmt_msleep(500);
		got = if_stat(self->b, "rx_packets") - before;
		TH_LOG("session %d: %lld frames queued, %lld at B", i + 1,
		       sent, got);
		EXPECT_LT(2 * (long long)tx->num_slots, sent)
			TH_LOG("session %d: TX completions stopped", i + 1);
		EXPECT_LT(2 * (long long)tx->num_slots, got)
			TH_LOG("session %d: B received too little", i + 1);
		nmt_port_close(&self->pa);
		nmt_port_close(&self->pc);
		ASSERT_TRUE(carrier_wait(self->a, 15000));
		ASSERT_TRUE(carrier_wait(self->b, 15000));
	}
}

/* users= and drops= of "<port> <ring>" in the debugfs file; -1: absent */
static long long ring_field(const char *port, const char *ring,
			    const char *field)
{
	char line[256], want[128];
	long long v = -1;
	FILE *f = fopen(RINGS_FILE, "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s %s ", port, ring);
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, field);

		if (!strncmp(line, want, strlen(want)) && p)
			v = atoll(p + strlen(field));
	}
	fclose(f);
	return v;
}

/*
 * The native port's rings are listed in /sys/kernel/debug/netmap/rings
 * while it is in netmap mode, with their users and drops: what A's stack
 * sends beyond what the unread host RX ring holds is counted there, and
 * delivered + dropped accounts for every frame.
 */
TEST_F_TIMEOUT(e1k, rings_in_debugfs, E1K_TIMEOUT)
{
	uint8_t frame[NMT_FRAME_MAX];
	struct netmap_ring *hrx;
	uint32_t seq, next = 0;
	long long drops;
	uint64_t deadline;
	int got;

	if (access(RINGS_FILE, R_OK))
		SKIP(return, "no %s (debugfs not mounted?)", RINGS_FILE);
	EXPECT_EQ(-1, ring_field(self->a, "RX0", "users="));
	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_NIC_SW, 0, 0));
	ASSERT_EQ(0, nmt_port_open(&self->pc, self->a, NR_REG_ALL_NIC, 0,
				   NR_TX_RINGS_ONLY));
	EXPECT_EQ(2, ring_field(self->a, "TX0", "users="));
	EXPECT_EQ(1, ring_field(self->a, "RX0", "users="));
	EXPECT_EQ(1, ring_field(self->a, "TX1^", "users="));
	EXPECT_EQ(1, ring_field(self->a, "RX1^", "users="));
	EXPECT_EQ(0, ring_field(self->a, "RX1^", "drops="));
	nmt_port_close(&self->pc);
	EXPECT_EQ(1, ring_field(self->a, "TX0", "users="));

	hrx = nmt_ring(self->pa.nifp, NMT_RX, self->pa.nifp->ni_rx_rings);
	ASSERT_NE(NULL, hrx);
	self->sock = nmt_pkt_open(NULL, self->a);
	ASSERT_LE(0, self->sock);
	/* nobody reads the host RX ring: it holds one ring's worth */
	for (seq = 0; seq < 3 * hrx->num_slots; seq++) {
		nmt_frame_fill(frame, 60, self->tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(self->sock, frame, 60));
	}
	deadline = nmt_now_ms() + 10000;
	for (;;) {
		ASSERT_EQ(0, nmt_rxsync(self->pa.fd));
		got = nmt_rx_consume(hrx, self->tag, &next);
		ASSERT_LE(0, got) TH_LOG("damaged or reordered frame");
		drops = ring_field(self->a, "RX1^", "drops=");
		if ((got == 0 && next + drops >= seq) ||
		    nmt_now_ms() > deadline)
			break;
	}
	TH_LOG("host RX: delivered %u, dropped %lld of %u", next, drops, seq);
	EXPECT_LT(0, drops);
	EXPECT_GE(hrx->num_slots, next);
	/* the stack's own chatter (IPv6) may add a few drops */
	EXPECT_LE(seq, next + drops);
	EXPECT_GE(seq + 16, next + drops);

	/* the port leaves the file with its last user */
	nmt_port_close(&self->pa);
	EXPECT_EQ(-1, ring_field(self->a, "RX0", "users="));
}

TEST_HARNESS_MAIN
