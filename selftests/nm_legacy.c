// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy control path: NIOCREGIF and NIOCGINFO with struct nmreq, as
 * used by nm_open() and older applications. The mode comes from the low
 * nibble of nr_flags or, when that is 0, from the nr_ringid bits; results
 * are written back only on success, 32-bit offsets and sizes.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

FIXTURE(legacy)
{
	struct nmt_env env;
	int fd;
	void *mem;
	size_t memsize;
};

FIXTURE_SETUP(legacy)
{
	self->fd = -1;
	self->mem = MAP_FAILED;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	self->fd = nmt_open_dev();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 2, 2));
}

FIXTURE_TEARDOWN(legacy)
{
	if (self->mem != MAP_FAILED)
		munmap(self->mem, self->memsize);
	if (self->fd >= 0)
		close(self->fd);
	nmt_env_teardown(&self->env);
}

static void req_init(struct nmreq *req, const char *name, uint32_t flags,
		     uint16_t ringid)
{
	size_t len = strnlen(name, sizeof(req->nr_name) - 1);

	memset(req, 0, sizeof(*req));
	memcpy(req->nr_name, name, len);
	req->nr_version = NETMAP_API;
	req->nr_flags = flags;
	req->nr_ringid = ringid;
}

/* NIOCREGIF on a fresh fd, then map; returns the netmap_if or NULL. */
static struct netmap_if *regif(struct __test_metadata *_metadata,
			       FIXTURE_DATA(legacy) *self, struct nmreq *req)
{
	int err;

	if (self->mem != MAP_FAILED)
		munmap(self->mem, self->memsize);
	self->mem = MAP_FAILED;
	close(self->fd);
	self->fd = nmt_open_dev();
	if (self->fd < 0)
		return NULL;
	err = nmt_ioctl(self->fd, NIOCREGIF, req);
	EXPECT_EQ(0, err) TH_LOG("flags %#x ringid %#x", req->nr_flags,
				 req->nr_ringid);
	if (err)
		return NULL;
	self->memsize = req->nr_memsize;
	self->mem = mmap(NULL, self->memsize, PROT_READ | PROT_WRITE,
			 MAP_SHARED, self->fd, 0);
	EXPECT_NE(MAP_FAILED, self->mem);
	if (self->mem == MAP_FAILED)
		return NULL;
	return (struct netmap_if *)((char *)self->mem + req->nr_offset);
}

TEST_F(legacy, regif_all_nic)
{
	struct nmreq_port_info_get pi;
	struct netmap_if *nifp;
	struct nmreq req;
	int other;

	other = nmt_open_dev();
	ASSERT_LE(0, other);
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(other, self->env.port, &pi));
	close(other);

	req_init(&req, self->env.port, NR_REG_ALL_NIC, 0);
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	EXPECT_EQ((uint32_t)pi.nr_memsize, req.nr_memsize);
	EXPECT_EQ(pi.nr_tx_rings, req.nr_tx_rings);
	EXPECT_EQ(pi.nr_rx_rings, req.nr_rx_rings);
	EXPECT_EQ(pi.nr_tx_slots, req.nr_tx_slots);
	EXPECT_EQ(pi.nr_rx_slots, req.nr_rx_slots);
	EXPECT_EQ(pi.nr_mem_id, req.nr_arg2);
	EXPECT_LT(req.nr_offset, req.nr_memsize);
	/* never modified */
	EXPECT_EQ(NR_REG_ALL_NIC, req.nr_flags);
	EXPECT_EQ(0, req.nr_ringid);
	EXPECT_EQ(NETMAP_API, req.nr_version);
	EXPECT_EQ(0, req.nr_cmd);

	EXPECT_EQ(0, strncmp(nifp->ni_name, self->env.port, NM_IFNAMSIZ));
	EXPECT_EQ(req.nr_tx_rings, nifp->ni_tx_rings);
	EXPECT_EQ(nmt_mask(0, nifp->ni_tx_rings), nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(0, nifp->ni_rx_rings), nmt_bound_mask(nifp, NMT_RX));
	EXPECT_EQ(0, nmt_txsync(self->fd));

	/* a second registration on the same fd */
	req_init(&req, self->env.port, NR_REG_ALL_NIC, 0);
	EXPECT_EQ(-EBUSY, nmt_ioctl(self->fd, NIOCREGIF, &req));
}

TEST_F(legacy, regif_modes)
{
	struct netmap_if *nifp;
	struct nmreq req;
	unsigned int ntx, nrx;

	/* nr_flags mode 0, ringid 0: all hardware rings */
	req_init(&req, self->env.port, 0, 0);
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	ntx = nifp->ni_tx_rings;
	nrx = nifp->ni_rx_rings;
	EXPECT_EQ(nmt_mask(0, ntx), nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(0, nrx), nmt_bound_mask(nifp, NMT_RX));
	if (ntx < 2 || nrx < 2)
		SKIP(return, "needs two rings per direction");

	/* NETMAP_HW_RING | 1: ring 1 only */
	req_init(&req, self->env.port, 0, NETMAP_HW_RING | 1);
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	EXPECT_EQ(2, nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(2, nmt_bound_mask(nifp, NMT_RX));
	EXPECT_EQ(NETMAP_HW_RING | 1, req.nr_ringid);

	/* mode in nr_flags, ring number in nr_ringid */
	req_init(&req, self->env.port, NR_REG_ONE_NIC, 1);
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	EXPECT_EQ(2, nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(2, nmt_bound_mask(nifp, NMT_RX));

	/* NR_* flags above the mode nibble */
	req_init(&req, self->env.port, NR_REG_ONE_NIC | NR_TX_RINGS_ONLY, 0);
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	EXPECT_EQ(1, nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(0, nmt_bound_mask(nifp, NMT_RX));

	if (!nmt_has_host_rings(self->env.port))
		SKIP(return, "the port reports no host rings (not implemented?)");

	/* NETMAP_SW_RING: the host rings */
	req_init(&req, self->env.port, 0, NETMAP_SW_RING);
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	EXPECT_EQ(1ull << ntx, nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(1ull << nrx, nmt_bound_mask(nifp, NMT_RX));

	/* NR_REG_NIC_SW: everything */
	req_init(&req, self->env.port, NR_REG_NIC_SW, 0);
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	EXPECT_EQ(nmt_mask(0, ntx + 1), nmt_bound_mask(nifp, NMT_TX));
	EXPECT_EQ(nmt_mask(0, nrx + 1), nmt_bound_mask(nifp, NMT_RX));
}

TEST_F(legacy, regif_exclusive)
{
	struct nmreq req;
	int other;

	req_init(&req, self->env.port, NR_REG_ALL_NIC | NR_EXCLUSIVE, 0);
	ASSERT_NE(NULL, regif(_metadata, self, &req));
	other = nmt_open_dev();
	ASSERT_LE(0, other);
	req_init(&req, self->env.port, NR_REG_ALL_NIC, 0);
	EXPECT_EQ(-EBUSY, nmt_ioctl(other, NIOCREGIF, &req));
	close(other);
}

TEST_F(legacy, regif_errors)
{
	static const uint32_t versions[] = { 0, 11, 13 };
	struct nmreq req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		req_init(&req, self->env.port, NR_REG_ALL_NIC, 0);
		req.nr_version = versions[i];
		req.nr_tx_slots = 77;
		EXPECT_EQ(-EINVAL, nmt_ioctl(self->fd, NIOCREGIF, &req))
			TH_LOG("nr_version %u", versions[i]);
		EXPECT_EQ(77, req.nr_tx_slots);
		EXPECT_EQ(versions[i], req.nr_version);
	}

	req_init(&req, "nmt-no-such-if", NR_REG_ALL_NIC, 0);
	req.nr_offset = 0x1234;
	req.nr_memsize = 0x5678;
	EXPECT_EQ(-ENXIO, nmt_ioctl(self->fd, NIOCREGIF, &req));
	EXPECT_EQ(0x1234, req.nr_offset);
	EXPECT_EQ(0x5678, req.nr_memsize);

	/* passthrough hosts are not supported */
	req_init(&req, self->env.port, 0, 0);
	req.nr_cmd = NETMAP_PT_HOST_CREATE;
	EXPECT_NE(0, nmt_ioctl(self->fd, NIOCREGIF, &req));

	/* none of this bound the fd */
	EXPECT_EQ(-ENXIO, nmt_txsync(self->fd));
	req_init(&req, self->env.port, NR_REG_ALL_NIC, 0);
	EXPECT_EQ(0, nmt_ioctl(self->fd, NIOCREGIF, &req));
}

TEST_F(legacy, ginfo)
{
	struct nmreq_port_info_get pi;
	struct nmreq req;

	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(self->fd, self->env.port, &pi));

	req_init(&req, self->env.port, 0, 0);
	ASSERT_EQ(0, nmt_ioctl(self->fd, NIOCGINFO, &req));
	EXPECT_EQ((uint32_t)pi.nr_memsize, req.nr_memsize);
	EXPECT_EQ(pi.nr_tx_rings, req.nr_tx_rings);
	EXPECT_EQ(pi.nr_rx_rings, req.nr_rx_rings);
	EXPECT_EQ(pi.nr_tx_slots, req.nr_tx_slots);
	EXPECT_EQ(pi.nr_rx_slots, req.nr_rx_slots);
	EXPECT_EQ(pi.nr_mem_id, req.nr_arg2);
	/* it does not bind */
	EXPECT_EQ(-ENXIO, nmt_txsync(self->fd));

	/* empty name: the version probe of libdaq and friends */
	req_init(&req, "", 0, 0);
	EXPECT_EQ(0, nmt_ioctl(self->fd, NIOCGINFO, &req));
	EXPECT_LT(0, req.nr_memsize);
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, req.nr_arg2);

	req_init(&req, "nmt-no-such-if", 0, 0);
	req.nr_tx_slots = 99;
	EXPECT_EQ(-ENXIO, nmt_ioctl(self->fd, NIOCGINFO, &req));
	EXPECT_EQ(99, req.nr_tx_slots);

	req_init(&req, self->env.port, 0, 0);
	req.nr_version = 13;
	EXPECT_EQ(-EINVAL, nmt_ioctl(self->fd, NIOCGINFO, &req));

	/* the fd is still free to register */
	req_init(&req, self->env.port, NR_REG_ALL_NIC, 0);
	EXPECT_EQ(0, nmt_ioctl(self->fd, NIOCREGIF, &req));
}

/* nr_arg3 asks for extra buffers, chained from ni_bufs_head. */
TEST_F(legacy, extra_buffers)
{
	struct netmap_if *nifp;
	struct netmap_ring *r;
	struct nmreq req;
	uint32_t idx, n = 0;

	req_init(&req, self->env.port, NR_REG_ALL_NIC, 0);
	req.nr_arg3 = 8;
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	EXPECT_EQ(8, req.nr_arg3);
	r = nmt_first_ring(nifp, NMT_TX);
	ASSERT_NE(NULL, r);
	for (idx = nifp->ni_bufs_head; idx && n < 100; n++)
		idx = *(uint32_t *)nmt_buf(r, idx);
	EXPECT_EQ(req.nr_arg3, n);
}

/* NETMAP_NO_TX_POLL in nr_ringid: poll(POLLIN) leaves TX alone. */
TEST_F(legacy, ringid_no_tx_poll)
{
	struct pollfd pfd = { .events = POLLIN };
	uint32_t seq = 0, next = 0, tag = nmt_tag();
	struct netmap_if *nifp;
	struct netmap_ring *r;
	struct nmreq req;
	int sock;

	if (!nmt_env_has_peer(&self->env))
		SKIP(return, "no peer interface");
	sock = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	ASSERT_LE(0, sock);
	req_init(&req, self->env.port, NR_REG_ALL_NIC, NETMAP_NO_TX_POLL);
	nifp = regif(_metadata, self, &req);
	ASSERT_NE(NULL, nifp);
	r = nmt_first_ring(nifp, NMT_TX);
	ASSERT_NE(NULL, r);
	pfd.fd = self->fd;

	EXPECT_EQ(4, nmt_tx_fill(r, 4, 0, tag, &seq));
	EXPECT_LE(0, poll(&pfd, 1, 100));
	EXPECT_EQ(0, nmt_pkt_collect(sock, tag, &next, 4, 300));
	/* an explicit sync sends them: the legacy port works */
	EXPECT_EQ(0, nmt_txsync(self->fd));
	nmt_pkt_collect(sock, tag, &next, 4, 5000);
	EXPECT_EQ(4, next);
	close(sock);
}

TEST_HARNESS_MAIN
