// SPDX-License-Identifier: GPL-2.0
/*
 * The native e1000e adapter (drivers/e1000e-netmap) on the guest's two
 * emulated 82574 NICs, which QEMU cables to each other (vm/run-vm.sh):
 *
 *	eth A (e1000e) ===== QEMU hub ===== eth B (e1000e)
 *
 * Every test loads e1000e and unloads it at the end, and runs with the
 * admode module parameter at 1 (native only), so a registration that
 * succeeds is a native one. Skips when the
 * netmap-enabled e1000e.ko or the two NICs are missing (any machine but
 * the test guest).
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

#define ADMODE	"/sys/module/netmap/parameters/admode"
#define RINGS_FILE	"/sys/kernel/debug/netmap/rings"
/* Each reset of a NIC takes its link down for seconds under TCG. */
#define E1K_TIMEOUT	180

/* Both e1000e interfaces, in name order. Returns 0 or -ENODEV. */
static int e1k_find(char a[16], char b[16])
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	a[0] = b[0] = '\0';
	d = opendir("/sys/class/net");
	if (!d)
		return -ENODEV;
	while ((de = readdir(d))) {
		char path[300], link[256];
		ssize_t l;

		snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver",
			 de->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link,
			   "e1000e"))
			continue;
		if (strlen(de->d_name) >= 16)
			continue;
		if (!a[0] || strcmp(de->d_name, a) < 0) {
			memcpy(b, a, 16);
			strcpy(a, de->d_name);
		} else if (!b[0] || strcmp(de->d_name, b) < 0) {
			strcpy(b, de->d_name);
		}
		n++;
	}
	closedir(d);
	return n >= 2 ? 0 : -ENODEV;
}

static bool carrier_wait(const char *ifname, unsigned int ms)
{
	uint64_t deadline = nmt_now_ms() + ms;
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	do {
		FILE *f = fopen(path, "r");
		int c = 0;

		if (f) {
			if (fscanf(f, "%d", &c) != 1)
				c = 0;
			fclose(f);
		}
		if (c == 1)
			return true;
		nmt_msleep(100);
	} while (nmt_now_ms() < deadline);
	nmt_log("%s: no carrier after %u ms", ifname, ms);
	return false;
}

static int admode_set(int v)
{
	FILE *f = fopen(ADMODE, "w");

	if (!f)
		return -errno;
	fprintf(f, "%d\n", v);
	return fclose(f) ? -errno : 0;
}

static bool module_loaded(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	return access(path, F_OK) == 0;
}

FIXTURE(e1k)
{
	char a[16];
	char b[16];
	struct nmt_port pa;	/* netmap port on A */
	struct nmt_port pb;	/* netmap port on B */
	struct nmt_port pc;	/* a second port, where a test needs one */
	int sock;		/* packet socket, bound by the test */
	uint32_t tag;
	char ns[32];		/* namespace a test made, "" if none */
};

/*
 * Loading the patched e1000e has been seen to take over 20 s in the TCG
 * guest: wait for it with this bound, and say so when it is exceeded.
 */
#define E1K_MODPROBE_MS	90000

/* e1000e out again; false (and logged) if it stays. */
static bool e1k_unload(void)
{
	uint64_t deadline = nmt_now_ms() + 20000;
	int rc = 0;

	while (module_loaded("e1000e")) {
		if (nmt_now_ms() > deadline) {
			nmt_log("rmmod e1000e keeps failing (%d): it still holds netmap.ko",
				rc);
			return false;
		}
		rc = nmt_run(20000, "rmmod e1000e");
		if (rc)
			nmt_msleep(200);
	}
	return true;
}

/*
 * However the program ends (a test killed by its timeout skips its
 * teardown), e1000e does not stay loaded holding netmap.ko, and no
 * namespace of ours stays behind.
 */
static pid_t e1k_main_pid;
static bool e1k_was_loaded;

__attribute__((constructor)) static void e1k_at_start(void)
{
	e1k_main_pid = getpid();
	e1k_was_loaded = module_loaded("e1000e");
}

__attribute__((destructor)) static void e1k_at_exit(void)
{
	if (getpid() != e1k_main_pid)
		return;
	nmt_run(20000, "for n in $(ip netns list | sed -n 's/^\\(nme1k[0-9]*\\).*/\\1/p'); "
		"do ip netns del $n; done");
	if (!e1k_was_loaded)
		e1k_unload();
}

FIXTURE_SETUP(e1k)
{
	uint64_t deadline;
	int rc;

	self->pa.fd = self->pb.fd = self->pc.fd = self->sock = -1;
	self->ns[0] = '\0';
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (!module_loaded("e1000e")) {
		uint64_t t0 = nmt_now_ms();

		rc = nmt_run(E1K_MODPROBE_MS, "modprobe e1000e");
		ASSERT_NE(-ETIMEDOUT, rc)
			TH_LOG("modprobe e1000e did not finish in %u s",
			       E1K_MODPROBE_MS / 1000);
		if (rc)
			SKIP(return, "no e1000e driver (modprobe: %d)", rc);
		if (nmt_now_ms() - t0 > 10000)
			TH_LOG("modprobe e1000e took %llu ms",
			       (unsigned long long)(nmt_now_ms() - t0));
	}
	/* the NICs appear with the driver; give them a bounded moment */
	deadline = nmt_now_ms() + 10000;
	while (e1k_find(self->a, self->b) && nmt_now_ms() < deadline)
		nmt_msleep(100);
	if (e1k_find(self->a, self->b))
		SKIP(return, "fewer than two e1000e NICs");
	/* the netmap-enabled e1000e uses netmap.ko's symbols */
	if (access("/sys/module/netmap/holders/e1000e", F_OK))
		SKIP(return, "e1000e without netmap hooks");
	ASSERT_EQ(0, nmt_sh("ip link set %s up && ip link set %s up",
			    self->a, self->b));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
	ASSERT_EQ(0, admode_set(1));
}

FIXTURE_TEARDOWN(e1k)
{
	nmt_port_close(&self->pa);
	nmt_port_close(&self->pb);
	nmt_port_close(&self->pc);
	if (self->sock >= 0)
		close(self->sock);
	admode_set(0);
	if (self->ns[0])
		nmt_sh("ip netns del %s", self->ns);
	/* netmap.ko cannot be unloaded while e1000e uses it */
	e1k_unload();
}

/* Open both ports (modes given), then wait for the links they reset. */
static void open_both(struct __test_metadata *_metadata,
		      FIXTURE_DATA(e1k) *self, uint32_t ma, uint64_t fa,
		      uint32_t mb, uint64_t fb)
{
	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, ma, 0, fa));
	ASSERT_EQ(0, nmt_port_open(&self->pb, self->b, mb, 0, fb));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
}

/*
 * Send n frames from TX ring tx, receiving them on RX ring rx of fd
 * rxfd; at most 64 in flight so the RX ring cannot overflow. Returns
 * the number received in order and intact, -1 on a bad frame.
 */
static int nm_to_nm(int txfd, struct netmap_ring *tx, int rxfd,
		    struct netmap_ring *rx, uint32_t n, size_t len,
		    uint32_t tag)
{
	uint64_t deadline = nmt_now_ms() + 30000;
	uint32_t seq = 0, next = 0;

	while (next < n && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = rxfd, .events = POLLIN };

		if (seq < n && seq - next < 64) {
			nmt_tx_fill(tx, n - seq < 64 - (seq - next) ?
				    n - seq : 64 - (seq - next), len, tag,
				    &seq);
			if (nmt_txsync(txfd))
				return -1;
		}
		poll(&pfd, 1, 100);
		if (nmt_rx_consume(rx, tag, &next) < 0)
			return -1;
	}
	return next;
}

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
