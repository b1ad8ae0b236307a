// SPDX-License-Identifier: GPL-2.0
/*
 * NETMAP_REQ_PORT_INFO_GET and NETMAP_REQ_POOLS_INFO_GET: they describe a
 * port and its allocator without binding the fd, agree with what REGISTER
 * reports, and (with default module parameters) give the documented pool
 * geometry of the global allocator.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(info)
{
	struct nmt_env env;
	int fd;
};

FIXTURE_SETUP(info)
{
	self->fd = -1;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	self->fd = nmt_open_dev();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 2, 2));
}

FIXTURE_TEARDOWN(info)
{
	if (self->fd >= 0)
		close(self->fd);
	nmt_env_teardown(&self->env);
}

TEST_F(info, port_info_matches_register)
{
	struct nmreq_port_info_get pi;
	struct nmt_port p;

	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(self->fd, self->env.port, &pi));
	EXPECT_LE(1, pi.nr_tx_rings);
	EXPECT_LE(1, pi.nr_rx_rings);
	EXPECT_LE(1, pi.nr_tx_slots);
	EXPECT_LE(1, pi.nr_rx_slots);
	EXPECT_LT(0, pi.nr_memsize);
	if (self->env.is_veth) {
		EXPECT_EQ(2, pi.nr_tx_rings);
		EXPECT_EQ(2, pi.nr_rx_rings);
		/* one host ring pair by default, once host rings exist */
		if (pi.nr_host_tx_rings || pi.nr_host_rx_rings) {
			EXPECT_EQ(1, pi.nr_host_tx_rings);
			EXPECT_EQ(1, pi.nr_host_rx_rings);
		} else {
			TH_LOG("no host rings reported: not checked");
		}
		EXPECT_EQ(NMT_GLOBAL_MEM_ID, pi.nr_mem_id);
	}

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(pi.nr_tx_rings, p.reg.nr_tx_rings);
	EXPECT_EQ(pi.nr_rx_rings, p.reg.nr_rx_rings);
	EXPECT_EQ(pi.nr_tx_slots, p.reg.nr_tx_slots);
	EXPECT_EQ(pi.nr_rx_slots, p.reg.nr_rx_slots);
	EXPECT_EQ(pi.nr_memsize, p.reg.nr_memsize);
	EXPECT_EQ(pi.nr_mem_id, p.reg.nr_mem_id);

	/* again while the port is in use: same answer */
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(self->fd, self->env.port, &pi));
	EXPECT_EQ(p.reg.nr_tx_rings, pi.nr_tx_rings);
	EXPECT_EQ(p.reg.nr_tx_slots, pi.nr_tx_slots);
	EXPECT_EQ(p.reg.nr_memsize, pi.nr_memsize);
	nmt_port_close(&p);
}

TEST_F(info, port_info_does_not_bind)
{
	struct nmreq_port_info_get pi;
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	void *m;
	int other;

	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(self->fd, self->env.port, &pi));
	EXPECT_EQ(-ENXIO, nmt_txsync(self->fd));
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_NE(0, pfd.revents & POLLERR);

	/* the port is not held: an exclusive user gets it */
	other = nmt_open_dev();
	ASSERT_LE(0, other);
	EXPECT_EQ(0, nmt_register_mode(other, self->env.port, NR_REG_ALL_NIC,
				       0, NR_EXCLUSIVE));
	close(other);
	/* and the fd itself can still register */
	EXPECT_EQ(0, nmt_register_mode(self->fd, self->env.port,
				       NR_REG_ALL_NIC, 0, 0));
}

TEST_F(info, port_info_unknown_name)
{
	struct nmreq_port_info_get pi;

	memset(&pi, 0, sizeof(pi));
	pi.nr_tx_slots = 1234;
	EXPECT_EQ(-ENXIO, nmt_port_info(self->fd, "nmt-no-such-if", &pi));
	EXPECT_EQ(1234, pi.nr_tx_slots);
	EXPECT_EQ(0, pi.nr_memsize);
}

/* An empty name describes an allocator: nr_mem_id, 0 meaning 1. */
TEST_F(info, port_info_allocator)
{
	struct nmreq_port_info_get pi;
	struct nmt_port p;

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(self->fd, "", &pi));
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, pi.nr_mem_id);
	if (p.reg.nr_mem_id == NMT_GLOBAL_MEM_ID)
		EXPECT_EQ(p.reg.nr_memsize, pi.nr_memsize);

	memset(&pi, 0, sizeof(pi));
	pi.nr_mem_id = p.reg.nr_mem_id;
	ASSERT_EQ(0, nmt_port_info(self->fd, "", &pi));
	EXPECT_EQ(p.reg.nr_mem_id, pi.nr_mem_id);
	EXPECT_EQ(p.reg.nr_memsize, pi.nr_memsize);

	memset(&pi, 0, sizeof(pi));
	pi.nr_mem_id = 4242;
	EXPECT_GT(0, nmt_port_info(self->fd, "", &pi));
	nmt_port_close(&p);
}

static long param(const char *name, long dflt)
{
	char path[128], buf[32];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/netmap/parameters/%s",
		 name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return dflt;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return dflt;
	buf[n] = '\0';
	return strtol(buf, NULL, 0);
}

TEST_F(info, pools_info)
{
	struct nmreq_pools_info pi;
	uint64_t if_bytes, ring_bytes, buf_bytes, page;
	struct nmt_port p;

	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_pools_info(self->fd, self->env.port, &pi));
	if (self->env.is_veth)
		EXPECT_EQ(NMT_GLOBAL_MEM_ID, pi.nr_mem_id);

	/* three pools back to back, page-rounded total */
	if_bytes = (uint64_t)pi.nr_if_pool_objtotal * pi.nr_if_pool_objsize;
	ring_bytes = (uint64_t)pi.nr_ring_pool_objtotal *
		     pi.nr_ring_pool_objsize;
	buf_bytes = (uint64_t)pi.nr_buf_pool_objtotal * pi.nr_buf_pool_objsize;
	page = sysconf(_SC_PAGESIZE);
	EXPECT_EQ(0, pi.nr_if_pool_offset);
	EXPECT_EQ(if_bytes, pi.nr_ring_pool_offset);
	EXPECT_EQ(if_bytes + ring_bytes, pi.nr_buf_pool_offset);
	EXPECT_EQ((if_bytes + ring_bytes + buf_bytes + page - 1) & ~(page - 1),
		  pi.nr_memsize);
	EXPECT_EQ(0, pi.nr_if_pool_objsize % 64);
	EXPECT_EQ(0, pi.nr_ring_pool_objsize % 64);
	EXPECT_EQ(0, pi.nr_buf_pool_objsize % 64);
	EXPECT_LT(2, pi.nr_buf_pool_objtotal);

	/* the global allocator with default module parameters */
	if (self->env.is_veth &&
	    param("if_size", NMT_DEF_IF_SIZE) == NMT_DEF_IF_SIZE &&
	    param("if_num", NMT_DEF_IF_NUM) == NMT_DEF_IF_NUM &&
	    param("ring_size", NMT_DEF_RING_SIZE) == NMT_DEF_RING_SIZE &&
	    param("ring_num", NMT_DEF_RING_NUM) == NMT_DEF_RING_NUM &&
	    param("buf_size", NMT_DEF_BUF_SIZE) == NMT_DEF_BUF_SIZE &&
	    param("buf_num", NMT_DEF_BUF_NUM) == NMT_DEF_BUF_NUM) {
		EXPECT_EQ(NMT_DEF_IF_SIZE, pi.nr_if_pool_objsize);
		EXPECT_EQ(NMT_DEF_IF_NUM, pi.nr_if_pool_objtotal);
		EXPECT_EQ(NMT_DEF_RING_SIZE, pi.nr_ring_pool_objsize);
		EXPECT_EQ(NMT_DEF_RING_NUM, pi.nr_ring_pool_objtotal);
		EXPECT_EQ(NMT_DEF_BUF_SIZE, pi.nr_buf_pool_objsize);
		EXPECT_EQ(NMT_DEF_BUF_NUM, pi.nr_buf_pool_objtotal);
		EXPECT_EQ(102400, pi.nr_ring_pool_offset);
		EXPECT_EQ(102400 + 7372800, pi.nr_buf_pool_offset);
		EXPECT_EQ(343019520, pi.nr_memsize);
	} else {
		TH_LOG("non-default geometry: exact sizes not checked");
	}

	/* REGISTER agrees */
	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(pi.nr_memsize, p.reg.nr_memsize);
	EXPECT_EQ(pi.nr_mem_id, p.reg.nr_mem_id);
	EXPECT_EQ(pi.nr_buf_pool_objsize,
		  nmt_first_ring(p.nifp, NMT_TX)->nr_buf_size);
	nmt_port_close(&p);
}

TEST_F(info, pools_info_bad_name)
{
	struct nmreq_pools_info pi;

	memset(&pi, 0, sizeof(pi));
	EXPECT_EQ(-ENXIO, nmt_pools_info(self->fd, "", &pi));
	EXPECT_EQ(-ENXIO, nmt_pools_info(self->fd, "nmt-no-such-if", &pi));
	EXPECT_EQ(0, pi.nr_memsize);
	/* nothing bound */
	EXPECT_EQ(-ENXIO, nmt_txsync(self->fd));
}

TEST_HARNESS_MAIN
