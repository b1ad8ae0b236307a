// SPDX-License-Identifier: GPL-2.0
/*
 * NETMAP_REQ_REGISTER: ring selection in every mode, exclusivity, and the
 * errors of a bad registration. Which rings an fd got is read back from
 * ring_ofs[] of its netmap_if (0 = not bound).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(reg)
{
	struct nmt_env env;
};

FIXTURE_VARIANT(reg)
{
	unsigned int txq;
	unsigned int rxq;
};

/* the veth queue counts; NETMAP_TEST_IF ignores them */
FIXTURE_VARIANT_ADD(reg, q1) { .txq = 1, .rxq = 1 };
FIXTURE_VARIANT_ADD(reg, q2) { .txq = 2, .rxq = 2 };
FIXTURE_VARIANT_ADD(reg, q4x2) { .txq = 4, .rxq = 2 };

FIXTURE_SETUP(reg)
{
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	ASSERT_EQ(0, nmt_env_setup(&self->env, variant->txq, variant->rxq));
}

FIXTURE_TEARDOWN(reg)
{
	nmt_env_teardown(&self->env);
}

/* Ring counts of the port, from a plain registration. */
static void port_rings(struct __test_metadata *_metadata, const char *port,
		       unsigned int *ntx, unsigned int *nrx)
{
	struct nmt_port p;

	ASSERT_EQ(0, nmt_port_open(&p, port, NR_REG_ALL_NIC, 0, 0));
	*ntx = p.nifp->ni_tx_rings;
	*nrx = p.nifp->ni_rx_rings;
	nmt_port_close(&p);
}

TEST_F(reg, all_nic)
{
	struct nmt_port p;
	struct netmap_if *nifp;

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	nifp = p.nifp;

	/* echoed inputs */
	EXPECT_EQ(NR_REG_ALL_NIC, p.reg.nr_mode);
	EXPECT_EQ(0, p.reg.nr_ringid);
	EXPECT_EQ(0, p.reg.nr_flags);
	EXPECT_EQ(0, p.reg.nr_extra_bufs);

	/* geometry */
	EXPECT_LE(1, p.reg.nr_tx_rings);
	EXPECT_LE(1, p.reg.nr_rx_rings);
	EXPECT_LE(1, p.reg.nr_tx_slots);
	EXPECT_LE(1, p.reg.nr_rx_slots);
	EXPECT_LT(0, p.reg.nr_memsize);
	EXPECT_LT(p.reg.nr_offset, p.reg.nr_memsize);
	if (self->env.is_veth) {
		/* generic adapter: one ring per queue, global allocator */
		EXPECT_EQ(variant->txq, p.reg.nr_tx_rings);
		EXPECT_EQ(variant->rxq, p.reg.nr_rx_rings);
		EXPECT_EQ(NMT_GLOBAL_MEM_ID, p.reg.nr_mem_id);
	}
	EXPECT_EQ(p.reg.nr_tx_rings, nifp->ni_tx_rings);
	EXPECT_EQ(p.reg.nr_rx_rings, nifp->ni_rx_rings);

	/* all HW rings, no host ring */
	EXPECT_EQ(nmt_mask(0, nifp->ni_tx_rings), nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(0, nifp->ni_rx_rings), nmt_bound_mask(nifp, NMT_RX));
	nmt_port_close(&p);
}

/*
 * ONE_NIC binds ring nr_ringid in each direction; a direction with fewer
 * rings falls back to its ring 0; EINVAL only if out of range in both.
 */
TEST_F(reg, one_nic_every_ringid)
{
	unsigned int ntx, nrx, r, max;

	port_rings(_metadata, self->env.port, &ntx, &nrx);
	max = ntx > nrx ? ntx : nrx;
	if (ntx == nrx)
		TH_LOG("symmetric port (%u rings): clamping not exercised",
		       ntx);

	for (r = 0; r <= max + 1; r++) {
		struct nmt_port p;
		int err;

		err = nmt_port_open(&p, self->env.port, NR_REG_ONE_NIC, r, 0);
		if (r >= max) {
			EXPECT_EQ(-EINVAL, err) TH_LOG("ringid %u", r);
			if (!err)
				nmt_port_close(&p);
			continue;
		}
		ASSERT_EQ(0, err) TH_LOG("ringid %u", r);
		EXPECT_EQ(r, p.reg.nr_ringid);
		EXPECT_EQ(NR_REG_ONE_NIC, p.reg.nr_mode);
		EXPECT_EQ(1ull << (r < ntx ? r : 0),
			  nmt_bound_mask(p.nifp, NMT_TX)) TH_LOG("ringid %u", r);
		EXPECT_EQ(1ull << (r < nrx ? r : 0),
			  nmt_bound_mask(p.nifp, NMT_RX)) TH_LOG("ringid %u", r);
		nmt_port_close(&p);
	}
}

TEST_F(reg, tx_rings_only)
{
	struct nmt_port p;

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0,
				   NR_TX_RINGS_ONLY));
	EXPECT_EQ(nmt_mask(0, p.nifp->ni_tx_rings),
		  nmt_bound_mask(p.nifp, NMT_TX));
	EXPECT_EQ(0, nmt_bound_mask(p.nifp, NMT_RX));
	EXPECT_EQ(NR_TX_RINGS_ONLY, p.reg.nr_flags);
	nmt_port_close(&p);

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ONE_NIC, 0,
				   NR_TX_RINGS_ONLY));
	EXPECT_EQ(1, nmt_bound_mask(p.nifp, NMT_TX));
	EXPECT_EQ(0, nmt_bound_mask(p.nifp, NMT_RX));
	nmt_port_close(&p);
}

TEST_F(reg, rx_rings_only)
{
	struct nmt_port p;

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0,
				   NR_RX_RINGS_ONLY));
	EXPECT_EQ(0, nmt_bound_mask(p.nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(0, p.nifp->ni_rx_rings),
		  nmt_bound_mask(p.nifp, NMT_RX));
	nmt_port_close(&p);

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ONE_NIC, 0,
				   NR_RX_RINGS_ONLY));
	EXPECT_EQ(0, nmt_bound_mask(p.nifp, NMT_TX));
	EXPECT_EQ(1, nmt_bound_mask(p.nifp, NMT_RX));
	nmt_port_close(&p);
}

TEST_F(reg, exclusive_conflicts)
{
	const char *port = self->env.port;
	unsigned int ntx, nrx;
	int a, b, c;

	port_rings(_metadata, port, &ntx, &nrx);
	a = nmt_open_dev();
	b = nmt_open_dev();
	c = nmt_open_dev();
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);

	/* exclusive owner first: everybody else is refused */
	ASSERT_EQ(0, nmt_register_mode(a, port, NR_REG_ALL_NIC, 0,
				       NR_EXCLUSIVE));
	EXPECT_EQ(-EBUSY, nmt_register_mode(b, port, NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(-EBUSY, nmt_register_mode(b, port, NR_REG_ONE_NIC, 0, 0));
	EXPECT_EQ(-EBUSY, nmt_register_mode(b, port, NR_REG_ALL_NIC, 0,
					    NR_EXCLUSIVE));
	EXPECT_EQ(-EBUSY, nmt_register_mode(b, port, NR_REG_ALL_NIC, 0,
					    NR_RX_RINGS_ONLY));
	EXPECT_EQ(-EBUSY, nmt_register_mode(b, port, NR_REG_ALL_NIC, 0,
					    NR_TX_RINGS_ONLY));
	/* closing the owner releases the rings */
	close(a);
	a = nmt_open_dev();
	ASSERT_LE(0, a);
	EXPECT_EQ(0, nmt_register_mode(b, port, NR_REG_ALL_NIC, 0, 0));

	/* a shared user first: an exclusive request is refused */
	EXPECT_EQ(-EBUSY, nmt_register_mode(a, port, NR_REG_ALL_NIC, 0,
					    NR_EXCLUSIVE));
	EXPECT_EQ(-EBUSY, nmt_register_mode(a, port, NR_REG_ONE_NIC, 0,
					    NR_EXCLUSIVE));
	/* a failed request leaves the fd unbound: shared is fine */
	EXPECT_EQ(0, nmt_register_mode(a, port, NR_REG_ALL_NIC, 0, 0));
	close(a);
	close(b);

	/* directions are independent: TX ring 0 and RX ring 0 */
	a = nmt_open_dev();
	b = nmt_open_dev();
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, nmt_register_mode(a, port, NR_REG_ONE_NIC, 0,
				       NR_EXCLUSIVE | NR_TX_RINGS_ONLY));
	EXPECT_EQ(0, nmt_register_mode(b, port, NR_REG_ONE_NIC, 0,
				       NR_EXCLUSIVE | NR_RX_RINGS_ONLY));
	EXPECT_EQ(-EBUSY, nmt_register_mode(c, port, NR_REG_ONE_NIC, 0,
					    NR_TX_RINGS_ONLY));
	EXPECT_EQ(-EBUSY, nmt_register_mode(c, port, NR_REG_ONE_NIC, 0,
					    NR_RX_RINGS_ONLY));
	close(a);
	close(b);

	/* disjoint rings may each be exclusive */
	if (ntx >= 2 && nrx >= 2) {
		a = nmt_open_dev();
		b = nmt_open_dev();
		ASSERT_LE(0, a);
		ASSERT_LE(0, b);
		EXPECT_EQ(0, nmt_register_mode(a, port, NR_REG_ONE_NIC, 0,
					       NR_EXCLUSIVE));
		EXPECT_EQ(0, nmt_register_mode(b, port, NR_REG_ONE_NIC, 1,
					       NR_EXCLUSIVE));
		/* ALL_NIC overlaps both */
		EXPECT_EQ(-EBUSY, nmt_register_mode(c, port, NR_REG_ALL_NIC,
						    0, 0));
		close(a);
		close(b);
	}
	close(c);
}

TEST_F(reg, second_register_busy)
{
	struct nmt_port p;
	struct netmap_ring *tx;

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(-EBUSY, nmt_register_mode(p.fd, self->env.port,
					    NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(-EBUSY, nmt_register_mode(p.fd, self->env.port,
					    NR_REG_ONE_NIC, 0, 0));
	EXPECT_EQ(-EBUSY, nmt_register_mode(p.fd, "nmt-no-such-if",
					    NR_REG_ALL_NIC, 0, 0));

	/* the first binding is intact */
	tx = nmt_first_ring(p.nifp, NMT_TX);
	ASSERT_NE(NULL, tx);
	EXPECT_EQ(0, nmt_txsync(p.fd));
	EXPECT_EQ(0, nmt_rxsync(p.fd));
	EXPECT_EQ(tx->num_slots - 1, tx->tail);
	nmt_port_close(&p);
}

TEST_F(reg, unknown_name)
{
	struct nmreq_register reg;
	char longname[NETMAP_REQ_IFNAMSIZ];
	struct nmreq_header h;
	int fd = nmt_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENXIO, nmt_register_mode(fd, "nmt-no-such-if",
					    NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(-ENXIO, nmt_register_mode(fd, "nmt-no-such-if",
					    NR_REG_ONE_NIC, 0, 0));

	/* a name filling all 64 bytes, without terminator */
	memset(longname, 'q', sizeof(longname));
	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	nmt_hdr_init(&h, NETMAP_REQ_REGISTER, NULL, &reg);
	memcpy(h.nr_name, longname, sizeof(h.nr_name));
	EXPECT_EQ(-ENXIO, nmt_ctrl(fd, &h));

	/* nothing stuck: the fd can still be bound */
	EXPECT_EQ(0, nmt_register_mode(fd, self->env.port, NR_REG_ALL_NIC, 0,
				       0));
	close(fd);
}

TEST_F(reg, bad_mode)
{
	static const uint32_t modes[] = {
		NR_REG_DEFAULT, NR_REG_PIPE_MASTER, NR_REG_PIPE_SLAVE,
		9, 10, 0x100, 0xffffffffu,
	};
	unsigned int i;
	int fd = nmt_open_dev();

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		EXPECT_EQ(-EINVAL, nmt_register_mode(fd, self->env.port,
						     modes[i], 0, 0))
			TH_LOG("nr_mode %u", modes[i]);
	EXPECT_EQ(0, nmt_register_mode(fd, self->env.port, NR_REG_ALL_NIC, 0,
				       0));
	close(fd);
}

TEST_F(reg, mem_id)
{
	struct nmreq_register reg;
	int fd = nmt_open_dev();

	ASSERT_LE(0, fd);
	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	reg.nr_mem_id = 4242;
	EXPECT_EQ(-EINVAL, nmt_register(fd, self->env.port, &reg));
	close(fd);

	if (!self->env.is_veth)
		return;
	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	reg.nr_mem_id = NMT_GLOBAL_MEM_ID;
	EXPECT_EQ(0, nmt_register(fd, self->env.port, &reg));
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, reg.nr_mem_id);
	close(fd);
}

/* Flags without effect on this port are accepted. */
TEST_F(reg, harmless_flags)
{
	static const uint64_t flags[] = {
		NR_DO_RX_POLL, NR_NO_TX_POLL, 0x1000 /* legacy NO_TX_POLL */,
		NR_ACCEPT_VNET_HDR,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		struct nmt_port p;

		ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC,
					   0, flags[i]))
			TH_LOG("nr_flags %#llx", (unsigned long long)flags[i]);
		EXPECT_EQ(flags[i], p.reg.nr_flags);
		EXPECT_EQ(nmt_mask(0, p.nifp->ni_tx_rings),
			  nmt_bound_mask(p.nifp, NMT_TX));
		nmt_port_close(&p);
	}
}

/* Register and close repeatedly in every HW mode: nothing leaks. */
TEST_F(reg, register_close_cycles)
{
	static const uint64_t flags[] = {
		0, NR_EXCLUSIVE, NR_TX_RINGS_ONLY, NR_RX_RINGS_ONLY,
	};
	uint64_t memsize = 0;
	unsigned int i;

	for (i = 0; i < 4 * ARRAY_SIZE(flags); i++) {
		uint32_t mode = i % 2 ? NR_REG_ONE_NIC : NR_REG_ALL_NIC;
		struct nmt_port p;

		ASSERT_EQ(0, nmt_port_open(&p, self->env.port, mode, 0,
					   flags[i % ARRAY_SIZE(flags)]))
			TH_LOG("cycle %u", i);
		if (!memsize)
			memsize = p.reg.nr_memsize;
		EXPECT_EQ(memsize, p.reg.nr_memsize);
		EXPECT_EQ(0, nmt_txsync(p.fd));
		nmt_port_close(&p);
	}
}

/*
 * Host rings. The generic adapter (veth) has one host ring pair; they sit
 * after the HW rings in ring_ofs[].
 */
TEST_F(reg, host_rings)
{
	unsigned int ntx, nrx;
	struct nmt_port p;

	if (!self->env.is_veth)
		SKIP(return, "host rings checked on veth only");
	if (!nmt_has_host_rings(self->env.port))
		SKIP(return, "the port reports no host rings (not implemented?)");
	port_rings(_metadata, self->env.port, &ntx, &nrx);

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_SW, 0, 0));
	EXPECT_LE(1, p.reg.nr_host_tx_rings);
	EXPECT_LE(1, p.reg.nr_host_rx_rings);
	EXPECT_EQ(p.reg.nr_host_tx_rings, p.nifp->ni_host_tx_rings);
	EXPECT_EQ(p.reg.nr_host_rx_rings, p.nifp->ni_host_rx_rings);
	EXPECT_EQ(nmt_mask(ntx, ntx + p.nifp->ni_host_tx_rings),
		  nmt_bound_mask(p.nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(nrx, nrx + p.nifp->ni_host_rx_rings),
		  nmt_bound_mask(p.nifp, NMT_RX));
	nmt_port_close(&p);

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_NIC_SW, 0, 0));
	EXPECT_EQ(nmt_mask(0, ntx + p.nifp->ni_host_tx_rings),
		  nmt_bound_mask(p.nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(0, nrx + p.nifp->ni_host_rx_rings),
		  nmt_bound_mask(p.nifp, NMT_RX));
	nmt_port_close(&p);

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ONE_SW, 0, 0));
	EXPECT_EQ(1ull << ntx, nmt_bound_mask(p.nifp, NMT_TX));
	EXPECT_EQ(1ull << nrx, nmt_bound_mask(p.nifp, NMT_RX));
	nmt_port_close(&p);

	/* default: one host ring per direction, so ring 1 is out of range */
	EXPECT_EQ(-EINVAL, nmt_port_open(&p, self->env.port, NR_REG_ONE_SW, 1,
					 0));
}

TEST_HARNESS_MAIN
