// SPDX-License-Identifier: GPL-2.0
/*
 * The native e1000e adapter (drivers/e1000e-netmap) through changes of
 * state, on the guest's two emulated 82574 NICs cabled to each other
 * (the fixture and helpers are in lib/e1k.h): register cycles giving
 * the NICs back to the stack, link down/up while bound, rmmod while
 * bound, namespace moves, rings bound by a second fd later and released
 * early. The data path tests are in e1000e_native.
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

/* Stack traffic A -> B through packet sockets: n frames arrive. */
static int stack_a_to_b(FIXTURE_DATA(e1k) *self, uint32_t n)
{
	uint8_t frame[NMT_FRAME_MAX];
	uint32_t seq, next = 0;
	int ta, tb, got = -1;

	ta = nmt_pkt_open(NULL, self->a);
	tb = nmt_pkt_open(NULL, self->b);
	if (ta < 0 || tb < 0)
		goto out;
	for (seq = 0; seq < n; seq++) {
		nmt_frame_fill(frame, nmt_frame_len(seq), self->tag, seq);
		if (nmt_pkt_send(ta, frame, nmt_frame_len(seq)))
			goto out;
	}
	if (nmt_pkt_collect(tb, self->tag, &next, n, 5000) < 0)
		goto out;
	got = next;
out:
	if (ta >= 0)
		close(ta);
	if (tb >= 0)
		close(tb);
	return got;
}

/* After netmap mode, the driver's own rings work again, several times. */
TEST_F_TIMEOUT(e1k, register_cycles_restore_stack, E1K_TIMEOUT)
{
	struct netmap_ring *tx, *rx;
	int i;

	EXPECT_EQ(50, stack_a_to_b(self, 50));
	for (i = 0; i < 3; i++) {
		self->tag++;
		open_both(_metadata, self, NR_REG_ALL_NIC, 0, NR_REG_ALL_NIC,
			  0);
		tx = nmt_first_ring(self->pa.nifp, NMT_TX);
		rx = nmt_first_ring(self->pb.nifp, NMT_RX);
		EXPECT_EQ(40, nm_to_nm(self->pa.fd, tx, self->pb.fd, rx, 40,
				       0, self->tag));
		nmt_port_close(&self->pa);
		nmt_port_close(&self->pb);
		ASSERT_TRUE(carrier_wait(self->a, 15000));
		ASSERT_TRUE(carrier_wait(self->b, 15000));
		self->tag++;
		EXPECT_EQ(50, stack_a_to_b(self, 50)) TH_LOG("cycle %d", i);
	}
}

/* Link down and up on both ends while registered: traffic resumes. */
TEST_F_TIMEOUT(e1k, link_down_up_while_registered, E1K_TIMEOUT)
{
	struct netmap_ring *tx, *rx;
	int i;

	open_both(_metadata, self, NR_REG_ALL_NIC, 0, NR_REG_ALL_NIC, 0);
	tx = nmt_first_ring(self->pa.nifp, NMT_TX);
	rx = nmt_first_ring(self->pb.nifp, NMT_RX);
	/* leave a few received frames unread across the reset */
	EXPECT_EQ(37, nm_to_nm(self->pa.fd, tx, self->pb.fd, rx, 37, 0,
			       self->tag));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, nmt_sh("ip link set %s down && ip link set %s down",
				    self->a, self->b));
		/* a stopped ring syncs without error and moves nothing */
		EXPECT_EQ(0, nmt_txsync(self->pa.fd));
		EXPECT_EQ(0, nmt_rxsync(self->pb.fd));
		ASSERT_EQ(0, nmt_sh("ip link set %s up && ip link set %s up",
				    self->a, self->b));
		ASSERT_TRUE(carrier_wait(self->a, 15000));
		ASSERT_TRUE(carrier_wait(self->b, 15000));
		self->tag++;
		EXPECT_EQ(100, nm_to_nm(self->pa.fd, tx, self->pb.fd, rx, 100,
					0, self->tag)) TH_LOG("round %d", i);
	}
}

/* rmmod e1000e is refused while a port is bound, and clean after. */
TEST_F_TIMEOUT(e1k, rmmod_while_bound, E1K_TIMEOUT)
{
	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_ALL_NIC, 0, 0));
	EXPECT_NE(0, nmt_sh("rmmod e1000e"));
	EXPECT_TRUE(module_loaded("e1000e"));
	EXPECT_EQ(0, nmt_txsync(self->pa.fd));
	nmt_port_close(&self->pa);
	EXPECT_EQ(0, nmt_sh("rmmod e1000e"));
	EXPECT_FALSE(module_loaded("e1000e"));
	/* back for the next tests */
	ASSERT_EQ(0, nmt_sh("modprobe e1000e"));
	ASSERT_EQ(0, e1k_find(self->a, self->b));
	ASSERT_EQ(0, nmt_sh("ip link set %s up && ip link set %s up",
			    self->a, self->b));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
	EXPECT_EQ(20, stack_a_to_b(self, 20));
}

/*
 * B moves to another network namespace: it stays native there (the
 * adapter follows the device), and comes back.
 */
TEST_F_TIMEOUT(e1k, namespace_move, E1K_TIMEOUT)
{
	char ns[32];
	struct netmap_ring *tx, *rx;
	int home;

	snprintf(ns, sizeof(ns), "nme1k%d", getpid());
	ASSERT_EQ(0, nmt_sh("ip netns add %s && ip link set %s netns %s && "
			    "ip -n %s link set %s up", ns, self->b, ns, ns,
			    self->b));
	home = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, home);
	ASSERT_EQ(0, nmt_netns_enter(ns));
	ASSERT_EQ(0, nmt_port_open(&self->pb, self->b, NR_REG_ALL_NIC, 0,
				   NR_RX_RINGS_ONLY));
	ASSERT_EQ(0, nmt_netns_enter_fd(home));
	/* /sys shows the namespace it was mounted in: ask ip instead */
	ASSERT_EQ(0, nmt_sh("for i in $(seq 150); do ip -n %s link show %s | "
			    "grep -q LOWER_UP && exit 0; sleep 0.1; done; "
			    "exit 1", ns, self->b));
	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_ALL_NIC, 0,
				   NR_TX_RINGS_ONLY));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	tx = nmt_first_ring(self->pa.nifp, NMT_TX);
	rx = nmt_first_ring(self->pb.nifp, NMT_RX);
	EXPECT_EQ(50, nm_to_nm(self->pa.fd, tx, self->pb.fd, rx, 50, 0,
			       self->tag));
	/* moving back while bound: the old binding fails, nothing else */
	ASSERT_EQ(0, nmt_sh("ip -n %s link set %s netns 1", ns, self->b));
	EXPECT_NE(0, nmt_rxsync(self->pb.fd));
	nmt_port_close(&self->pb);
	close(home);
	nmt_sh("ip netns del %s", ns);
	ASSERT_EQ(0, nmt_sh("ip link set %s up", self->b));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
	ASSERT_EQ(0, nmt_port_open(&self->pb, self->b, NR_REG_ALL_NIC, 0,
				   NR_RX_RINGS_ONLY));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
	rx = nmt_first_ring(self->pb.nifp, NMT_RX);
	self->tag++;
	EXPECT_EQ(50, nm_to_nm(self->pa.fd, tx, self->pb.fd, rx, 50, 0,
			       self->tag));
}

/*
 * An fd bound to B stays dead after B moved to another namespace, also
 * when that namespace binds B anew: its syncs fail and move nothing, its
 * poll reports POLLERR. The new bind is refused until the old fd is
 * closed (it would otherwise share, and revive, the old fd's rings); it
 * works after.
 */
TEST_F_TIMEOUT(e1k, namespace_move_old_fd_stays_dead, E1K_TIMEOUT)
{
	struct netmap_ring *rx, *old_rx, *old_tx;
	uint32_t old_tail, old_txtail, next = 0;
	struct pollfd pfd;
	int home;

	ASSERT_EQ(0, nmt_port_open(&self->pb, self->b, NR_REG_ALL_NIC, 0, 0));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
	old_rx = nmt_first_ring(self->pb.nifp, NMT_RX);
	old_tx = nmt_first_ring(self->pb.nifp, NMT_TX);
	ASSERT_NE(NULL, old_rx);
	ASSERT_NE(NULL, old_tx);

	snprintf(self->ns, sizeof(self->ns), "nme1k%d", getpid());
	ASSERT_EQ(0, nmt_sh("ip netns add %s && ip link set %s netns %s && "
			    "ip -n %s link set %s up", self->ns, self->b,
			    self->ns, self->ns, self->b));
	EXPECT_NE(0, nmt_rxsync(self->pb.fd));

	home = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, home);
	ASSERT_EQ(0, nmt_netns_enter(self->ns));
	/* refused while the old fd holds the rings */
	EXPECT_EQ(-EBUSY, nmt_port_open(&self->pc, self->b, NR_REG_ALL_NIC,
					0, NR_RX_RINGS_ONLY));
	nmt_port_close(&self->pc);
	ASSERT_EQ(0, nmt_netns_enter_fd(home));

	/* the old fd: fails, moves nothing, POLLERR */
	old_tail = old_rx->tail;
	old_txtail = old_tx->tail;
	nmt_tx_fill(old_tx, 8, 0, self->tag, &next);
	EXPECT_NE(0, nmt_txsync(self->pb.fd));
	EXPECT_NE(0, nmt_rxsync(self->pb.fd));
	EXPECT_EQ(old_tail, old_rx->tail);
	EXPECT_EQ(old_txtail, old_tx->tail);
	pfd.fd = self->pb.fd;
	pfd.events = POLLIN | POLLOUT;
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_TRUE(pfd.revents & POLLERR);

	/* once it is closed, the new namespace binds B natively */
	nmt_port_close(&self->pb);
	ASSERT_EQ(0, nmt_netns_enter(self->ns));
	ASSERT_EQ(0, nmt_port_open(&self->pc, self->b, NR_REG_ALL_NIC, 0,
				   NR_RX_RINGS_ONLY));
	ASSERT_EQ(0, nmt_netns_enter_fd(home));
	close(home);
	ASSERT_EQ(0, nmt_sh("for i in $(seq 150); do ip -n %s link show %s | "
			    "grep -q LOWER_UP && exit 0; sleep 0.1; done; "
			    "exit 1", self->ns, self->b));
	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_ALL_NIC, 0,
				   NR_TX_RINGS_ONLY));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	rx = nmt_first_ring(self->pc.nifp, NMT_RX);
	self->tag++;
	EXPECT_EQ(50, nm_to_nm(self->pa.fd, nmt_first_ring(self->pa.nifp,
							   NMT_TX),
			       self->pc.fd, rx, 50, 0, self->tag));
}

/*
 * B's stack sends n frames to A (packet socket sock on B), received on
 * netmap RX ring rx of fd; at most 32 in flight. Returns the number
 * received in order and intact, -1 on a bad frame.
 */
static int stack_b_to_nm(int sock, int fd, struct netmap_ring *rx,
			 uint32_t n, uint32_t tag)
{
	uint8_t frame[NMT_FRAME_MAX];
	uint64_t deadline = nmt_now_ms() + 20000;
	uint32_t seq = 0, next = 0;

	while (next < n && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		while (seq < n && seq - next < 32) {
			nmt_frame_fill(frame, nmt_frame_len(seq), tag, seq);
			if (nmt_pkt_send(sock, frame, nmt_frame_len(seq)))
				return -1;
			seq++;
		}
		poll(&pfd, 1, 100);
		if (nmt_rx_consume(rx, tag, &next) < 0)
			return -1;
	}
	return next;
}

/*
 * Rings bound by a second fd while a first one keeps the port in netmap
 * mode are programmed for it: the first fd binds A's host rings only,
 * so A's hardware RX ring starts with the driver; a second fd binding it
 * receives what B's stack sends.
 */
TEST_F_TIMEOUT(e1k, rings_bound_later, E1K_TIMEOUT)
{
	struct netmap_ring *rx;

	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_SW, 0, 0));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	self->sock = nmt_pkt_open(NULL, self->b);
	ASSERT_LE(0, self->sock);

	ASSERT_EQ(0, nmt_port_open(&self->pc, self->a, NR_REG_ALL_NIC, 0,
				   NR_RX_RINGS_ONLY));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	rx = nmt_first_ring(self->pc.nifp, NMT_RX);
	ASSERT_NE(NULL, rx);
	EXPECT_EQ(60, stack_b_to_nm(self->sock, self->pc.fd, rx, 60,
				    self->tag));
	/* the host rings were not disturbed */
	EXPECT_EQ(0, nmt_txsync(self->pa.fd));
	EXPECT_EQ(0, nmt_rxsync(self->pa.fd));
}

/*
 * The last fd of a hardware ring leaves while another fd keeps the port
 * in netmap mode: the ring goes back to the driver (A's stack receives
 * again) instead of keeping netmap buffers that were freed.
 */
TEST_F_TIMEOUT(e1k, rings_released_early, E1K_TIMEOUT)
{
	uint8_t frame[NMT_FRAME_MAX];
	struct netmap_ring *rx;
	uint32_t seq, next = 0;
	int ta;

	ASSERT_EQ(0, nmt_port_open(&self->pc, self->a, NR_REG_ALL_NIC, 0,
				   NR_RX_RINGS_ONLY));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	self->sock = nmt_pkt_open(NULL, self->b);
	ASSERT_LE(0, self->sock);
	rx = nmt_first_ring(self->pc.nifp, NMT_RX);
	ASSERT_NE(NULL, rx);
	EXPECT_EQ(20, stack_b_to_nm(self->sock, self->pc.fd, rx, 20,
				    self->tag));

	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, NR_REG_SW, 0, 0));
	nmt_port_close(&self->pc);
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	ta = nmt_pkt_open(NULL, self->a);
	ASSERT_LE(0, ta);
	self->tag++;
	for (seq = 0; seq < 30; seq++) {
		nmt_frame_fill(frame, nmt_frame_len(seq), self->tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(self->sock, frame,
					  nmt_frame_len(seq)));
	}
	nmt_pkt_collect(ta, self->tag, &next, 30, 5000);
	EXPECT_EQ(30, next) TH_LOG("A's stack got %u of 30 frames", next);
	close(ta);
	EXPECT_EQ(0, nmt_txsync(self->pa.fd));
	EXPECT_EQ(0, nmt_rxsync(self->pa.fd));
}

TEST_HARNESS_MAIN
