// SPDX-License-Identifier: GPL-2.0
/*
 * Null ports (NR_REG_NULL): rings of the requested geometry on an existing
 * allocator (nr_mem_id is mandatory), connected to nothing. TX slots are
 * consumed and free again at once; RX never receives anything. The name
 * is not looked up.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(null)
{
	struct nmt_port p;
};

FIXTURE_SETUP(null)
{
	self->p.fd = -1;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
}

FIXTURE_TEARDOWN(null)
{
	nmt_port_close(&self->p);
}

static int open_null(struct nmt_port *p, const char *name, uint16_t mem_id,
		     uint16_t txr, uint16_t rxr, uint32_t txs, uint32_t rxs)
{
	struct nmreq_register reg;

	nmt_reg_init(&reg, NR_REG_NULL, 0, 0);
	reg.nr_mem_id = mem_id;
	reg.nr_tx_rings = txr;
	reg.nr_rx_rings = rxr;
	reg.nr_tx_slots = txs;
	reg.nr_rx_slots = rxs;
	return nmt_port_open_reg(p, name, &reg);
}

static short poll_now(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

TEST_F(null, geometry)
{
	struct netmap_if *nifp;
	unsigned int k;

	ASSERT_EQ(0, open_null(&self->p, "nmt-null", NMT_GLOBAL_MEM_ID,
			       2, 3, 64, 128));
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, self->p.reg.nr_mem_id);
	EXPECT_EQ(NR_REG_NULL, self->p.reg.nr_mode);
	EXPECT_EQ(2, self->p.reg.nr_tx_rings);
	EXPECT_EQ(3, self->p.reg.nr_rx_rings);
	EXPECT_EQ(64, self->p.reg.nr_tx_slots);
	EXPECT_EQ(128, self->p.reg.nr_rx_slots);
	EXPECT_EQ(0, self->p.reg.nr_host_tx_rings);
	EXPECT_EQ(0, self->p.reg.nr_host_rx_rings);

	nifp = self->p.nifp;
	EXPECT_STREQ("nmt-null", nifp->ni_name);
	EXPECT_EQ(2, nifp->ni_tx_rings);
	EXPECT_EQ(3, nifp->ni_rx_rings);
	/* every hardware ring is bound, the fake host rings are not */
	EXPECT_EQ(nmt_mask(0, 2), nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(0, 3), nmt_bound_mask(nifp, NMT_RX));
	for (k = 0; k < 2; k++) {
		struct netmap_ring *r = nmt_ring(nifp, NMT_TX, k);

		ASSERT_NE(NULL, r);
		EXPECT_EQ(64, r->num_slots);
		EXPECT_EQ(63, r->tail);
	}
	for (k = 0; k < 3; k++) {
		struct netmap_ring *r = nmt_ring(nifp, NMT_RX, k);

		ASSERT_NE(NULL, r);
		EXPECT_EQ(128, r->num_slots);
		EXPECT_EQ(0, r->tail);
	}
}

TEST_F(null, zero_rings)
{
	ASSERT_EQ(0, open_null(&self->p, "nmt-null0", NMT_GLOBAL_MEM_ID,
			       0, 0, 0, 0));
	EXPECT_EQ(0, self->p.reg.nr_tx_rings);
	EXPECT_EQ(0, self->p.reg.nr_rx_rings);
	EXPECT_EQ(0, self->p.nifp->ni_tx_rings);
	EXPECT_EQ(0, self->p.nifp->ni_rx_rings);
	EXPECT_EQ(0, nmt_bound_mask(self->p.nifp, NMT_TX));
	EXPECT_EQ(0, nmt_bound_mask(self->p.nifp, NMT_RX));
	EXPECT_EQ(0, nmt_txsync(self->p.fd));
	EXPECT_EQ(0, nmt_rxsync(self->p.fd));
}

TEST_F(null, mem_id_required)
{
	int fd = nmt_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, open_null(&self->p, "nmt-null", 0, 1, 1, 64, 64));
	/* no allocator has that id */
	EXPECT_EQ(-EINVAL, open_null(&self->p, "nmt-null", 0xfffe, 1, 1, 64,
				     64));
	/* the fd is still unbound and usable */
	EXPECT_EQ(-EINVAL, nmt_register_mode(fd, "nmt-null", NR_REG_NULL, 0,
					     0));
	close(fd);
}

/* Not a device lookup: any name, even a device's or a pipe's. */
TEST_F(null, any_name)
{
	const char *names[] = { "nmt-no-such-device", "lo", "nmt{1", "" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		EXPECT_EQ(0, open_null(&self->p, names[i], NMT_GLOBAL_MEM_ID,
				       1, 1, 32, 32))
			TH_LOG("name '%s'", names[i]);
		nmt_port_close(&self->p);
	}
}

/* Each registration is a port of its own: geometries differ. */
TEST_F(null, independent_ports)
{
	struct nmt_port q;

	ASSERT_EQ(0, open_null(&self->p, "nmt-null", NMT_GLOBAL_MEM_ID,
			       1, 1, 64, 64));
	ASSERT_EQ(0, open_null(&q, "nmt-null", NMT_GLOBAL_MEM_ID, 2, 2, 32,
			       32));
	EXPECT_EQ(1, self->p.reg.nr_tx_rings);
	EXPECT_EQ(2, q.reg.nr_tx_rings);
	EXPECT_EQ(32, q.reg.nr_tx_slots);
	nmt_port_close(&q);
}

/* TX slots are consumed and free again at once, over many cycles. */
TEST_F(null, tx_slots_come_back)
{
	struct netmap_ring *r;
	uint32_t seq = 0, n;
	int i;

	ASSERT_EQ(0, open_null(&self->p, "nmt-null", NMT_GLOBAL_MEM_ID,
			       1, 1, 64, 64));
	r = nmt_ring(self->p.nifp, NMT_TX, 0);
	ASSERT_NE(NULL, r);
	n = r->num_slots;
	for (i = 0; i < 50; i++) {
		unsigned int k = 1 + i % (n - 1);

		ASSERT_EQ(k, nmt_tx_fill(r, k, 60, 1, &seq));
		ASSERT_EQ(0, nmt_txsync(self->p.fd));
		EXPECT_EQ(r->head, r->cur);
		EXPECT_EQ((r->head + n - 1) % n, r->tail);
		EXPECT_EQ(n - 1, nmt_space(r));
	}
	EXPECT_NE(0, poll_now(self->p.fd, POLLOUT) & POLLOUT);
}

/* Nothing ever arrives. */
TEST_F(null, rx_nothing)
{
	struct netmap_ring *r;
	int i;

	ASSERT_EQ(0, open_null(&self->p, "nmt-null", NMT_GLOBAL_MEM_ID,
			       1, 1, 64, 64));
	r = nmt_ring(self->p.nifp, NMT_RX, 0);
	ASSERT_NE(NULL, r);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
		EXPECT_EQ(0, r->head);
		EXPECT_EQ(0, r->tail);
	}
	EXPECT_EQ(0, poll_now(self->p.fd, POLLIN) & (POLLIN | POLLERR));
}

TEST_HARNESS_MAIN
