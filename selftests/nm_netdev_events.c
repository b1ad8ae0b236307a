// SPDX-License-Identifier: GPL-2.0
/*
 * The interface changes under a registered port: link down and up,
 * deletion of the interface or of its peer, deletion of the network
 * namespace holding it. Nothing may hang or crash; after deletion the
 * port is a zombie (syncs fail with EIO, poll reports POLLERR) whose
 * memory stays mapped until close, and the device is released at once
 * (deleting it does not wait for the netmap fd).
 *
 * These tests delete and re-create interfaces, so they only run on veth.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(ev)
{
	struct nmt_env env;
	struct nmt_port p;
	int sock;
	uint32_t tag;
};

FIXTURE_SETUP(ev)
{
	self->p.fd = -1;
	self->sock = -1;
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (nmt_test_if())
		SKIP(return, "deletes interfaces: veth only");
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	self->sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	if (nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC, 0, 0))
		nmt_env_teardown(&self->env);
	ASSERT_LE(0, self->p.fd);
}

FIXTURE_TEARDOWN(ev)
{
	nmt_port_close(&self->p);
	if (self->sock >= 0)
		close(self->sock);
	nmt_env_teardown(&self->env);
}

/*
 * Run a sync ioctl in a child with a deadline. Returns 0 or -errno from
 * the ioctl, 1 if it was still blocked at the deadline (the child is then
 * killed), or -EDEADLK if the blocked child could not even be killed.
 */
static int sync_in_child(int fd, unsigned long cmd, unsigned int ms)
{
	uint64_t deadline = nmt_now_ms() + ms;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(ioctl(fd, cmd, NULL) ? errno : 0);
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
		if (nmt_now_ms() > deadline)
			break;
		nmt_msleep(10);
	}
	kill(pid, SIGKILL);
	deadline = nmt_now_ms() + 5000;
	while (nmt_now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return 1;
		nmt_msleep(10);
	}
	nmt_log("a sync blocked on a stopped ring cannot be killed");
	return -EDEADLK;
}

static void traffic_ok(struct __test_metadata *_metadata,
		       FIXTURE_DATA(ev) *self)
{
	struct netmap_ring *tx = nmt_first_ring(self->p.nifp, NMT_TX);
	struct netmap_ring *rx = nmt_first_ring(self->p.nifp, NMT_RX);
	uint32_t seq = 0, next = 0, i, n = 16;
	uint8_t frame[NMT_FRAME_MIN];
	uint64_t deadline;

	ASSERT_LE(0, self->sock);
	ASSERT_NE(NULL, tx);
	ASSERT_NE(NULL, rx);
	self->tag++;
	deadline = nmt_now_ms() + 10000;
	while (next < n && nmt_now_ms() < deadline) {
		if (seq < n)
			nmt_tx_fill(tx, n - seq, 0, self->tag, &seq);
		ASSERT_EQ(0, nmt_txsync(self->p.fd));
		ASSERT_LE(0, nmt_pkt_collect(self->sock, self->tag, &next, n,
					     20));
	}
	EXPECT_EQ(n, next) TH_LOG("TX after the event");

	self->tag++;
	for (i = 0; i < n; i++) {
		nmt_frame_fill(frame, sizeof(frame), self->tag, i);
		ASSERT_EQ(0, nmt_pkt_send(self->sock, frame, sizeof(frame)));
	}
	next = 0;
	deadline = nmt_now_ms() + 10000;
	while (next < n && nmt_now_ms() < deadline) {
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
		ASSERT_LE(0, nmt_rx_consume(rx, self->tag, &next));
		nmt_msleep(5);
	}
	EXPECT_EQ(n, next) TH_LOG("RX after the event");
}

/* The state of a port whose interface is gone. */
static void expect_zombie(struct __test_metadata *_metadata,
			  FIXTURE_DATA(ev) *self)
{
	struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN | POLLOUT };
	struct netmap_ring *tx = nmt_first_ring(self->p.nifp, NMT_TX);
	uint32_t seq = 0;
	int fd;

	ASSERT_NE(NULL, tx);
	/* the memory is still there */
	EXPECT_LT(0, tx->num_slots);
	nmt_tx_fill(tx, 4, 0, self->tag, &seq);

	EXPECT_EQ(-EIO, nmt_txsync(self->p.fd));
	EXPECT_EQ(-EIO, nmt_rxsync(self->p.fd));
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_NE(0, pfd.revents & POLLERR);
	/* a second fd cannot find the port */
	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENXIO, nmt_register_mode(fd, self->env.port,
					    NR_REG_ALL_NIC, 0, 0));
	close(fd);
}

TEST_F(ev, link_down_up)
{
	int r;

	traffic_ok(_metadata, self);
	ASSERT_EQ(0, nmt_sh("ip -n %s link set dev %s down",
			    self->env.veth.ns_a, self->env.port));

	/* a sync may fail or wait for the link, but must stay killable */
	r = sync_in_child(self->p.fd, NIOCTXSYNC, 1000);
	EXPECT_NE(-EDEADLK, r);
	if (r <= 0)
		EXPECT_TRUE(r == 0 || r == -EIO) TH_LOG("txsync: %d", r);
	r = sync_in_child(self->p.fd, NIOCRXSYNC, 1000);
	EXPECT_NE(-EDEADLK, r);
	if (r <= 0)
		EXPECT_TRUE(r == 0 || r == -EIO) TH_LOG("rxsync: %d", r);

	ASSERT_EQ(0, nmt_sh("ip -n %s link set dev %s up",
			    self->env.veth.ns_a, self->env.port));
	nmt_msleep(100);
	traffic_ok(_metadata, self);
}

TEST_F(ev, close_while_down)
{
	uint64_t t0;

	ASSERT_EQ(0, nmt_sh("ip -n %s link set dev %s down",
			    self->env.veth.ns_a, self->env.port));
	t0 = nmt_now_ms();
	nmt_port_close(&self->p);
	EXPECT_GT(5000, nmt_now_ms() - t0);
	ASSERT_EQ(0, nmt_sh("ip -n %s link set dev %s up",
			    self->env.veth.ns_a, self->env.port));
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	traffic_ok(_metadata, self);
}

/* Registering on a down interface works and traffic flows once up. */
TEST_F(ev, register_while_down)
{
	nmt_port_close(&self->p);
	ASSERT_EQ(0, nmt_sh("ip -n %s link set dev %s down",
			    self->env.veth.ns_a, self->env.port));
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	ASSERT_EQ(0, nmt_sh("ip -n %s link set dev %s up",
			    self->env.veth.ns_a, self->env.port));
	nmt_msleep(100);
	traffic_ok(_metadata, self);
}

static void delete_and_check(struct __test_metadata *_metadata,
			     FIXTURE_DATA(ev) *self, const char *ns,
			     const char *ifname)
{
	int r;

	/* returns only once nobody holds the device any more */
	r = nmt_run(15000, "ip -n %s link del dev %s", ns, ifname);
	ASSERT_EQ(0, r) TH_LOG("ip link del: %d (netmap keeps the device?)",
			       r);
	expect_zombie(_metadata, self);

	/* a new interface with the same name is a fresh port */
	ASSERT_EQ(0, nmt_sh("ip -n %s link add %s type veth peer name %s "
			    "netns %s", self->env.veth.ns_a, self->env.port,
			    self->env.peer, self->env.veth.ns_b));
	ASSERT_EQ(0, nmt_sh("ip -n %s link set dev %s up && "
			    "ip -n %s link set dev %s up",
			    self->env.veth.ns_a, self->env.port,
			    self->env.veth.ns_b, self->env.peer));
	nmt_port_close(&self->p);
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	close(self->sock);
	self->sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	traffic_ok(_metadata, self);
}

TEST_F(ev, link_del)
{
	delete_and_check(_metadata, self, self->env.veth.ns_a, self->env.port);
}

TEST_F(ev, peer_del)
{
	delete_and_check(_metadata, self, self->env.veth.ns_b, self->env.peer);
}

/* A second fd on the same port and an mmap outliving it all. */
TEST_F(ev, link_del_two_fds)
{
	struct nmt_port q;

	ASSERT_EQ(0, nmt_port_open(&q, self->env.port, NR_REG_ONE_NIC, 0, 0));
	ASSERT_EQ(0, nmt_run(15000, "ip -n %s link del dev %s",
			     self->env.veth.ns_a, self->env.port));
	EXPECT_EQ(-EIO, nmt_txsync(q.fd));
	close(q.fd);
	q.fd = -1;
	/* the mapping of the closed fd is still valid memory */
	EXPECT_LT(0, nmt_first_ring(q.nifp, NMT_TX)->num_slots);
	expect_zombie(_metadata, self);
	nmt_port_close(&q);
}

TEST_F_TIMEOUT(ev, netns_delete, 60)
{
	uint64_t mark = nmt_kmsg_mark(), deadline;
	char needle[128];
	int r = 0;

	/* leave the namespace, so that deleting it destroys it */
	ASSERT_EQ(0, nmt_netns_enter_fd(self->env.veth.home_ns));
	close(self->sock);
	self->sock = -1;
	ASSERT_EQ(0, nmt_sh("ip netns del %s", self->env.veth.ns_a));

	/* the namespace goes away asynchronously */
	deadline = nmt_now_ms() + 15000;
	while (nmt_now_ms() < deadline) {
		r = nmt_txsync(self->p.fd);
		if (r == -EIO)
			break;
		nmt_msleep(50);
	}
	EXPECT_EQ(-EIO, r) TH_LOG("port not marked gone after netns deletion");
	EXPECT_EQ(-EIO, nmt_rxsync(self->p.fd));
	{
		struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };

		EXPECT_EQ(1, poll(&pfd, 1, 1000));
		EXPECT_NE(0, pfd.revents & POLLERR);
	}

	/*
	 * The kernel complains after 10 s if a device of a dying namespace
	 * is still referenced; wait that long with the fd still open.
	 */
	nmt_msleep(11000);
	snprintf(needle, sizeof(needle), "waiting for %s to become free",
		 self->env.port);
	EXPECT_FALSE(nmt_kmsg_contains(mark, needle));
	nmt_port_close(&self->p);
}

TEST_HARNESS_MAIN
