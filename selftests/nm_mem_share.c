// SPDX-License-Identifier: GPL-2.0
/*
 * Processes sharing the global allocator: ports registered by different
 * processes (on different or the same interface) share mem_id, region
 * size and layout, each fd has its own netmap_if, and buffers written
 * through one mapping are seen through the other. A registered fd passed
 * with SCM_RIGHTS can be mapped and used by the receiver.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(share)
{
	struct nmt_env env;
	struct nmt_port p;
	int sv[2];		/* parent <-> child */
};

FIXTURE_SETUP(share)
{
	self->p.fd = -1;
	self->sv[0] = self->sv[1] = -1;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (nmt_test_if())
		SKIP(return, "needs two veth ends");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv));
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	if (nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC, 0, 0))
		nmt_env_teardown(&self->env);
	ASSERT_LE(0, self->p.fd);
}

FIXTURE_TEARDOWN(share)
{
	nmt_port_close(&self->p);
	if (self->sv[0] >= 0)
		close(self->sv[0]);
	if (self->sv[1] >= 0)
		close(self->sv[1]);
	nmt_env_teardown(&self->env);
}

/* What a child reports about its own registration. */
struct child_info {
	uint64_t offset;
	uint64_t memsize;
	uint64_t tx_ring_ofs;	/* TX ring 0, from the region start */
	uint16_t mem_id;
	int err;
};

/* Messages after the registration: a buffer index and a byte pattern. */
struct buf_msg {
	uint32_t idx;
	uint8_t pattern;
};

static int xfer(int fd, void *buf, size_t len, bool out)
{
	ssize_t n = out ? write(fd, buf, len) : read(fd, buf, len);

	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Child side: register port (in netns ns, if given), report, then serve
 * buffer checks: for each message verify the buffer is filled with
 * pattern, fill it with ~pattern, acknowledge. Exits 0 if all was well.
 */
static void child_main(int sock, const char *ns, const char *port)
{
	struct child_info ci = { 0 };
	struct netmap_ring *r = NULL;
	struct buf_msg m;
	struct nmt_port p;
	int bad = 0;

	if (ns && nmt_netns_enter(ns))
		_exit(10);
	ci.err = nmt_port_open(&p, port, NR_REG_ALL_NIC, 0, 0);
	if (!ci.err) {
		r = nmt_first_ring(p.nifp, NMT_TX);
		ci.offset = p.reg.nr_offset;
		ci.memsize = p.reg.nr_memsize;
		ci.mem_id = p.reg.nr_mem_id;
		ci.tx_ring_ofs = r ? (uint64_t)((char *)r - (char *)p.mem) : 0;
	}
	if (xfer(sock, &ci, sizeof(ci), true) || ci.err)
		_exit(11);
	while (!xfer(sock, &m, sizeof(m), false)) {
		uint8_t *b;
		uint32_t i;

		if (!r)
			_exit(13);
		b = (uint8_t *)nmt_buf(r, m.idx);
		for (i = 0; i < r->nr_buf_size; i++)
			if (b[i] != m.pattern)
				bad = 1;
		memset(b, (uint8_t)~m.pattern, r->nr_buf_size);
		if (xfer(sock, &bad, sizeof(bad), true))
			break;
	}
	nmt_port_close(&p);
	_exit(bad ? 12 : 0);
}

static void parent_side(struct __test_metadata *_metadata,
			FIXTURE_DATA(share) *self, pid_t child, bool same_port)
{
	struct netmap_ring *r = nmt_first_ring(self->p.nifp, NMT_TX);
	struct netmap_if *cnifp;
	struct child_info ci;
	int status, bad, i;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, xfer(self->sv[0], &ci, sizeof(ci), false));
	ASSERT_EQ(0, ci.err);
	EXPECT_EQ(self->p.reg.nr_mem_id, ci.mem_id);
	EXPECT_EQ(self->p.reg.nr_memsize, ci.memsize);
	EXPECT_NE(self->p.reg.nr_offset, ci.offset);

	/* our mapping shows the child's netmap_if at its offset */
	ASSERT_GT(self->p.memsize, ci.offset);
	cnifp = (struct netmap_if *)((char *)self->p.mem + ci.offset);
	EXPECT_EQ(0, strncmp(cnifp->ni_name,
			     same_port ? self->env.port : self->env.peer,
			     NM_IFNAMSIZ));
	if (same_port) {	/* same rings, at the same place */
		EXPECT_EQ((uint64_t)((char *)r - (char *)self->p.mem),
			  ci.tx_ring_ofs);
	} else {
		EXPECT_NE((uint64_t)((char *)r - (char *)self->p.mem),
			  ci.tx_ring_ofs);
	}

	/* buffers written here are seen there, and back */
	for (i = 0; i < 4; i++) {
		struct buf_msg m = {
			.idx = r->slot[i * 7].buf_idx,
			.pattern = (uint8_t)(0x11 * (i + 1)),
		};
		uint8_t *b = (uint8_t *)nmt_buf(r, m.idx);
		uint8_t reply = (uint8_t)~m.pattern;
		uint32_t j;

		memset(b, m.pattern, r->nr_buf_size);
		ASSERT_EQ(0, xfer(self->sv[0], &m, sizeof(m), true));
		ASSERT_EQ(0, xfer(self->sv[0], &bad, sizeof(bad), false));
		EXPECT_EQ(0, bad) TH_LOG("child saw other bytes in %u", m.idx);
		for (j = 0; j < r->nr_buf_size; j++)
			if (b[j] != reply)
				break;
		EXPECT_EQ(r->nr_buf_size, j) TH_LOG("buffer %u", m.idx);
	}
	close(self->sv[0]);
	self->sv[0] = -1;
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(share, two_processes_two_ports)
{
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (child == 0) {
		close(self->sv[0]);
		child_main(self->sv[1], self->env.peer_ns, self->env.peer);
	}
	close(self->sv[1]);
	self->sv[1] = -1;
	parent_side(_metadata, self, child, false);
}

TEST_F(share, two_processes_one_port)
{
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (child == 0) {
		close(self->sv[0]);
		child_main(self->sv[1], NULL, self->env.port);
	}
	close(self->sv[1]);
	self->sv[1] = -1;
	parent_side(_metadata, self, child, true);
}

static int send_fd(int sock, int fd, const void *data, size_t len)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)data, len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == (ssize_t)len ? 0 : -1;
}

static int recv_fd(int sock, void *data, size_t len)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != (ssize_t)len)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* The receiver of a registered fd maps it itself and uses it. */
TEST_F(share, fd_passing)
{
	struct nmreq_register reg = self->p.reg;
	int status;
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct nmreq_register creg;
		struct netmap_if *nifp;
		struct netmap_ring *r;
		char *mem;
		int fd;

		close(self->sv[0]);
		/* forget everything inherited from the parent */
		nmt_port_close(&self->p);
		fd = recv_fd(self->sv[1], &creg, sizeof(creg));
		if (fd < 0)
			_exit(20);
		mem = mmap(NULL, creg.nr_memsize, PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
		if (mem == MAP_FAILED)
			_exit(21);
		nifp = (struct netmap_if *)(mem + creg.nr_offset);
		r = nmt_first_ring(nifp, NMT_TX);
		if (!r || r->num_slots != creg.nr_tx_slots)
			_exit(22);
		if (nmt_txsync(fd) || nmt_rxsync(fd))
			_exit(23);
		/* a second REGISTER is refused: the fd is bound */
		if (nmt_register_mode(fd, "x", NR_REG_ALL_NIC, 0, 0) != -EBUSY)
			_exit(24);
		_exit(0);
	}
	close(self->sv[1]);
	self->sv[1] = -1;
	ASSERT_EQ(0, send_fd(self->sv[0], self->p.fd, &reg, sizeof(reg)));
	/* the sender may drop its copy at once */
	nmt_port_close(&self->p);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
