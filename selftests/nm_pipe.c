// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes: "X{id" (master) and "X}id" (slave) joined back to back. Opening
 * in either order, geometry and its mirroring, the parent's allocator,
 * ordered and intact delivery with syncs and with poll() across
 * processes, zero copy (the buffer index travels), multi-slot packets,
 * TX completion when the peer consumes, wraparound, ring k <-> ring k,
 * bad names and modes, the per-parent limit, hostile ring contents on
 * either end, and ends closing while the other one is busy.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

#define MAX_PKT		8192

FIXTURE(pipe)
{
	char parent[32];
	char mname[64];		/* parent{1 */
	char sname[64];		/* parent}1 */
	struct nmt_port m;
	struct nmt_port s;
	uint32_t objtotal;	/* buffers in the pipe's allocator */
	uint32_t tag;
};

FIXTURE_SETUP(pipe)
{
	self->m.fd = -1;
	self->s.fd = -1;
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	/* No device has this name: the pipes need no parent. */
	snprintf(self->parent, sizeof(self->parent), "nmtp%d", getpid());
	snprintf(self->mname, sizeof(self->mname), "%s{1", self->parent);
	snprintf(self->sname, sizeof(self->sname), "%s}1", self->parent);
}

FIXTURE_TEARDOWN(pipe)
{
	nmt_port_close(&self->m);
	nmt_port_close(&self->s);
}

/* Open an end with optional geometry (0 = default). */
static int open_end(struct nmt_port *p, const char *name, uint16_t rings,
		    uint32_t slots)
{
	struct nmreq_register reg;

	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	reg.nr_tx_rings = reg.nr_rx_rings = rings;
	reg.nr_tx_slots = reg.nr_rx_slots = slots;
	return nmt_port_open_reg(p, name, &reg);
}

static uint32_t pool_bufs(int fd, const char *name)
{
	struct nmreq_pools_info pi;

	memset(&pi, 0, sizeof(pi));
	if (nmt_pools_info(fd, name, &pi))
		return 0;
	return pi.nr_buf_pool_objtotal;
}

/* Open both ends (master first unless slave_first) with that geometry. */
static void open_pair(struct __test_metadata *_metadata,
		      FIXTURE_DATA(pipe) *self, uint16_t rings, uint32_t slots,
		      bool slave_first)
{
	if (slave_first)
		ASSERT_EQ(0, open_end(&self->s, self->sname, rings, slots));
	ASSERT_EQ(0, open_end(&self->m, self->mname, rings, slots));
	if (!slave_first)
		ASSERT_EQ(0, open_end(&self->s, self->sname, rings, slots));
	self->objtotal = pool_bufs(self->m.fd, self->mname);
	ASSERT_LT(2, self->objtotal);
}

static struct netmap_ring *txr(struct nmt_port *p, unsigned int k)
{
	return nmt_ring(p->nifp, NMT_TX, k);
}

static struct netmap_ring *rxr(struct nmt_port *p, unsigned int k)
{
	return nmt_ring(p->nifp, NMT_RX, k);
}

static bool idx_ok(uint32_t idx, uint32_t objtotal)
{
	return idx >= 2 && idx < objtotal;
}

/*
 * Queue frame seq of len bytes on TX ring r, in slots of at most frag
 * bytes chained with NS_MOREFRAG. Returns the slots used, 0 if no room.
 */
static unsigned int tx_packet(struct netmap_ring *r, uint32_t tag,
			      uint32_t seq, size_t len, size_t frag)
{
	static uint8_t pkt[MAX_PKT];
	unsigned int nslots = (len + frag - 1) / frag;
	uint32_t i = r->cur;
	size_t off = 0;

	if (nmt_space(r) < nslots)
		return 0;
	nmt_frame_fill(pkt, len, tag, seq);
	while (off < len) {
		struct netmap_slot *s = &r->slot[i];
		size_t l = len - off < frag ? len - off : frag;

		memcpy(nmt_buf(r, s->buf_idx), pkt + off, l);
		s->len = (uint16_t)l;
		off += l;
		s->flags = off < len ? NS_MOREFRAG : 0;
		i = nmt_next(r, i);
	}
	r->head = r->cur = i;
	return nslots;
}

/*
 * Consume up to max whole packets of RX ring r, reassembling fragments:
 * each must be our frame seq *next, intact. Returns the packets consumed,
 * -1 on a bad slot or frame, or a packet cut at tail.
 */
static int rx_packets(struct netmap_ring *r, uint32_t objtotal, uint32_t tag,
		      uint32_t *next, int max)
{
	static uint8_t pkt[MAX_PKT];
	uint32_t i = r->head;
	int got = 0;

	while (i != r->tail && got < max) {
		size_t len = 0;
		uint32_t j = i, seq;
		int c;

		for (;;) {
			struct netmap_slot *s = &r->slot[j];

			if (!idx_ok(s->buf_idx, objtotal) ||
			    s->len > r->nr_buf_size || len + s->len > MAX_PKT) {
				nmt_log("rx slot %u: buf %u len %u", j,
					s->buf_idx, s->len);
				return -1;
			}
			memcpy(pkt + len, nmt_buf(r, s->buf_idx), s->len);
			len += s->len;
			j = nmt_next(r, j);
			if (!(s->flags & NS_MOREFRAG))
				break;
			if (j == r->tail) {
				nmt_log("rx: packet cut at tail %u", j);
				return -1;
			}
		}
		c = nmt_frame_check(pkt, len, tag, &seq);
		if (c <= 0 || seq != *next) {
			nmt_log("rx: frame check %d, seq %u, expected %u", c,
				c > 0 ? seq : 0, *next);
			return -1;
		}
		(*next)++;
		got++;
		i = j;
	}
	r->head = r->cur = i;
	return got;
}

/* Send n frames from a to b with syncs, checking them all. */
static void xfer(struct __test_metadata *_metadata, FIXTURE_DATA(pipe) *self,
		 struct nmt_port *a, struct nmt_port *b, unsigned int k,
		 uint32_t n)
{
	struct netmap_ring *t = txr(a, k), *r = rxr(b, k);
	uint32_t seq = 0, next = 0;
	int rounds = 0;

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, r);
	self->tag++;
	while (next < n) {
		ASSERT_GT(100000, ++rounds);
		if (seq < n)
			nmt_tx_fill(t, n - seq, 0, self->tag, &seq);
		ASSERT_EQ(0, nmt_txsync(a->fd));
		ASSERT_EQ(0, nmt_rxsync(b->fd));
		ASSERT_LE(0, rx_packets(r, self->objtotal, self->tag, &next,
					INT32_MAX));
	}
	ASSERT_EQ(0, nmt_rxsync(b->fd));
	ASSERT_EQ(0, nmt_txsync(a->fd));
	/* everything consumed: the TX ring is all free again */
	EXPECT_EQ(t->num_slots - 1, nmt_space(t));
	EXPECT_EQ(r->head, r->tail);
}

/* Both rings of a channel hold valid buffers, none twice. */
static void check_bufs(struct __test_metadata *_metadata,
		       FIXTURE_DATA(pipe) *self, struct netmap_ring *a,
		       struct netmap_ring *b)
{
	uint8_t *seen = calloc(self->objtotal, 1);
	struct netmap_ring *rings[] = { a, b };
	unsigned int k;
	uint32_t i;

	ASSERT_NE(NULL, seen);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < rings[k]->num_slots; i++) {
			uint32_t idx = rings[k]->slot[i].buf_idx;

			ASSERT_TRUE(idx_ok(idx, self->objtotal))
				TH_LOG("ring %u slot %u: buffer %u", k, i, idx);
			ASSERT_EQ(0, seen[idx]) TH_LOG("buffer %u twice", idx);
			seen[idx] = 1;
		}
	}
	free(seen);
}

static short poll_now(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (poll(&pfd, 1, timeout_ms) < 0)
		return -1;
	return pfd.revents;
}

/* Registration result and layout of a freshly opened end. */
static void check_end(struct __test_metadata *_metadata, struct nmt_port *p,
		      const char *name, unsigned int ntx, unsigned int nrx,
		      uint32_t tx_slots, uint32_t rx_slots)
{
	struct netmap_if *nifp = p->nifp;
	unsigned int k;

	EXPECT_EQ(NMT_GLOBAL_MEM_ID, p->reg.nr_mem_id);
	EXPECT_EQ(ntx, p->reg.nr_tx_rings);
	EXPECT_EQ(nrx, p->reg.nr_rx_rings);
	EXPECT_EQ(tx_slots, p->reg.nr_tx_slots);
	EXPECT_EQ(rx_slots, p->reg.nr_rx_slots);
	EXPECT_EQ(0, p->reg.nr_host_tx_rings);
	EXPECT_EQ(0, p->reg.nr_host_rx_rings);
	EXPECT_EQ(0, strncmp(nifp->ni_name, name, sizeof(nifp->ni_name) - 1));
	EXPECT_EQ(ntx, nifp->ni_tx_rings);
	EXPECT_EQ(nrx, nifp->ni_rx_rings);
	/* the fake host rings are in the layout, not bound */
	EXPECT_EQ(1, nifp->ni_host_tx_rings);
	EXPECT_EQ(1, nifp->ni_host_rx_rings);
	EXPECT_EQ(NULL, nmt_ring(nifp, NMT_TX, ntx));
	EXPECT_EQ(NULL, nmt_ring(nifp, NMT_RX, nrx));
	for (k = 0; k < ntx; k++) {
		struct netmap_ring *r = txr(p, k);

		ASSERT_NE(NULL, r);
		EXPECT_EQ(tx_slots, r->num_slots);
		EXPECT_EQ(0, r->head);
		EXPECT_EQ(tx_slots - 1, r->tail);
	}
	for (k = 0; k < nrx; k++) {
		struct netmap_ring *r = rxr(p, k);

		ASSERT_NE(NULL, r);
		EXPECT_EQ(rx_slots, r->num_slots);
		EXPECT_EQ(0, r->head);
		EXPECT_EQ(0, r->tail);
	}
}

TEST_F(pipe, master_then_slave)
{
	ASSERT_EQ(0, open_end(&self->m, self->mname, 0, 0));
	ASSERT_EQ(0, open_end(&self->s, self->sname, 0, 0));
	self->objtotal = pool_bufs(self->m.fd, self->mname);
	check_end(_metadata, &self->m, self->mname, 1, 1, 1024, 1024);
	check_end(_metadata, &self->s, self->sname, 1, 1, 1024, 1024);
	xfer(_metadata, self, &self->m, &self->s, 0, 50);
	xfer(_metadata, self, &self->s, &self->m, 0, 50);
}

/* The slave opens first, asking for a geometry the master mirrors. */
TEST_F(pipe, slave_then_master)
{
	struct nmreq_register reg;

	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	reg.nr_tx_rings = 2;
	reg.nr_rx_rings = 3;
	reg.nr_tx_slots = 64;
	reg.nr_rx_slots = 128;
	ASSERT_EQ(0, nmt_port_open_reg(&self->s, self->sname, &reg));
	/* the master's own request is ignored: the pipe exists */
	ASSERT_EQ(0, open_end(&self->m, self->mname, 7, 512));
	self->objtotal = pool_bufs(self->m.fd, self->mname);
	check_end(_metadata, &self->s, self->sname, 2, 3, 64, 128);
	check_end(_metadata, &self->m, self->mname, 3, 2, 128, 64);
	xfer(_metadata, self, &self->m, &self->s, 2, 300);
	xfer(_metadata, self, &self->s, &self->m, 1, 100);
}

/* Slot requests are bounded by 4096 and by what a ring object holds. */
TEST_F(pipe, geometry_bounds)
{
	uint32_t max = (NMT_DEF_RING_SIZE - 256) / 16;

	if (max > 4096)
		max = 4096;
	ASSERT_EQ(0, open_end(&self->m, self->mname, 1, 100000));
	EXPECT_EQ(max, self->m.reg.nr_tx_slots);
	EXPECT_EQ(max, self->m.reg.nr_rx_slots);
	EXPECT_EQ(max, txr(&self->m, 0)->num_slots);
	nmt_port_close(&self->m);

	ASSERT_EQ(0, open_end(&self->m, self->mname, 1, 1));
	EXPECT_EQ(1, self->m.reg.nr_tx_rings);
	EXPECT_EQ(2, self->m.reg.nr_tx_slots);
}

/* A parent device: same allocator, its slot count, left alone. */
TEST_F(pipe, netdev_parent)
{
	struct nmreq_port_info_get pi;
	struct nmt_port parent;
	struct nmt_env env;
	int fd;

	ASSERT_EQ(0, nmt_env_setup(&env, 1, 1));
	snprintf(self->mname, sizeof(self->mname), "%.60s{5", env.port);
	snprintf(self->sname, sizeof(self->sname), "%.60s}5", env.port);
	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(fd, env.port, &pi));
	close(fd);

	open_pair(_metadata, self, 0, 0, false);
	EXPECT_EQ(pi.nr_mem_id, self->m.reg.nr_mem_id);
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, self->s.reg.nr_mem_id);
	EXPECT_EQ(pi.nr_tx_slots, self->m.reg.nr_tx_slots);
	EXPECT_EQ(pi.nr_rx_slots, self->m.reg.nr_rx_slots);
	xfer(_metadata, self, &self->m, &self->s, 0, 100);

	/* the pipe bound none of the parent's rings */
	EXPECT_EQ(0, nmt_port_open(&parent, env.port, NR_REG_ALL_NIC, 0,
				   NR_EXCLUSIVE));
	nmt_port_close(&parent);
	nmt_port_close(&self->m);
	nmt_port_close(&self->s);
	nmt_env_teardown(&env);
}

TEST_F(pipe, nodev_parent)
{
	strcpy(self->mname, "nmtest_nodev{3");
	strcpy(self->sname, "nmtest_nodev}3");
	open_pair(_metadata, self, 0, 0, false);
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, self->m.reg.nr_mem_id);
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, self->s.reg.nr_mem_id);
	xfer(_metadata, self, &self->s, &self->m, 0, 100);
}

/* Many packets of varied lengths, both ways, one thread with syncs. */
TEST_F(pipe, transfer_sync)
{
	open_pair(_metadata, self, 0, 256, false);
	xfer(_metadata, self, &self->m, &self->s, 0, 3000);
	xfer(_metadata, self, &self->s, &self->m, 0, 1000);
	check_bufs(_metadata, self, txr(&self->m, 0), rxr(&self->s, 0));
	check_bufs(_metadata, self, txr(&self->s, 0), rxr(&self->m, 0));
}

/* The buffer written on TX is the one read on RX. */
TEST_F(pipe, zero_copy)
{
	struct netmap_ring *t, *r;
	uint32_t sent[16], seq = 0, i, j;

	open_pair(_metadata, self, 0, 64, false);
	t = txr(&self->m, 0);
	r = rxr(&self->s, 0);
	ASSERT_EQ(16, nmt_tx_fill(t, 16, 0, self->tag, &seq));
	for (i = 0; i < 16; i++)
		sent[i] = t->slot[i].buf_idx;
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	for (i = 0; i < 16; i++) {
		/* the TX slot got a buffer in exchange, and says so */
		EXPECT_NE(sent[i], t->slot[i].buf_idx);
		EXPECT_TRUE(idx_ok(t->slot[i].buf_idx, self->objtotal));
		EXPECT_NE(0, t->slot[i].flags & NS_BUF_CHANGED);
	}
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	ASSERT_EQ(16, nmt_dist(r, r->head, r->tail));
	for (i = 0, j = r->head; i < 16; i++, j = nmt_next(r, j)) {
		EXPECT_EQ(sent[i], r->slot[j].buf_idx);
		EXPECT_EQ(nmt_frame_len(i), r->slot[j].len);
		EXPECT_NE(0, r->slot[j].flags & NS_BUF_CHANGED);
		EXPECT_EQ(0, r->slot[j].flags & NS_MOREFRAG);
	}
	check_bufs(_metadata, self, t, r);
	seq = 0;
	EXPECT_EQ(16, rx_packets(r, self->objtotal, self->tag, &seq, 100));
}

/* A multi-slot packet appears only once its last slot is sent. */
TEST_F(pipe, morefrag)
{
	const uint16_t lens[] = { 700, 1000, 300 };
	static uint8_t pkt[2000];
	struct netmap_ring *t, *r;
	uint32_t i, j, next;
	size_t off = 0;

	open_pair(_metadata, self, 0, 64, false);
	t = txr(&self->m, 0);
	r = rxr(&self->s, 0);
	nmt_frame_fill(pkt, 2000, self->tag, 0);
	for (i = 0; i < 3; i++) {
		struct netmap_slot *s = &t->slot[i];

		memcpy(nmt_buf(t, s->buf_idx), pkt + off, lens[i]);
		off += lens[i];
		s->len = lens[i];
		s->flags = i < 2 ? NS_MOREFRAG : 0;
	}

	/* the first two fragments, synced twice: nothing to read */
	t->head = t->cur = 2;
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_EQ(r->head, r->tail);
	EXPECT_EQ(0, poll_now(self->s.fd, POLLIN, 50) & POLLIN);

	/* the last one: all three at once */
	t->head = t->cur = 3;
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_NE(0, poll_now(self->s.fd, POLLIN, 1000) & POLLIN);
	ASSERT_EQ(3, nmt_dist(r, r->head, r->tail));
	for (i = 0, j = r->head; i < 3; i++, j = nmt_next(r, j)) {
		EXPECT_EQ(lens[i], r->slot[j].len);
		EXPECT_EQ(i < 2 ? NS_MOREFRAG : 0,
			  r->slot[j].flags & NS_MOREFRAG);
	}
	next = 0;
	EXPECT_EQ(1, rx_packets(r, self->objtotal, self->tag, &next, 10));

	/* and a single-slot packet after it */
	EXPECT_EQ(1, tx_packet(t, self->tag, 1, 100, 2048));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_EQ(1, rx_packets(r, self->objtotal, self->tag, &next, 10));
}

/* TX slots come back only when the reader releases them. */
TEST_F(pipe, tx_completion)
{
	struct netmap_ring *t, *r;
	uint32_t seq = 0, next = 0, n;

	open_pair(_metadata, self, 0, 32, false);
	t = txr(&self->m, 0);
	r = rxr(&self->s, 0);
	n = t->num_slots;
	ASSERT_EQ(32, n);
	ASSERT_EQ(n - 1, nmt_tx_fill(t, n, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_EQ(0, nmt_space(t));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_EQ(0, nmt_space(t));
	EXPECT_EQ(0, poll_now(self->m.fd, POLLOUT, 50) & POLLOUT);

	/* delivered but not released: still not free */
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_EQ(n - 1, nmt_dist(r, r->head, r->tail));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_EQ(0, nmt_space(t));

	/* the reader releases 10 */
	EXPECT_EQ(10, rx_packets(r, self->objtotal, self->tag, &next, 10));
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_NE(0, poll_now(self->m.fd, POLLOUT, 1000) & POLLOUT);
	EXPECT_EQ(10, nmt_space(t));

	/* and the rest */
	EXPECT_EQ(n - 11, rx_packets(r, self->objtotal, self->tag, &next,
				     100));
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_EQ(n - 1, nmt_space(t));
}

/* Many ring cycles, odd batches, multi-slot packets across the end. */
TEST_F(pipe, wraparound)
{
	uint32_t seq = 0, next = 0, total = 1500;
	struct netmap_ring *t, *r;
	unsigned int round = 0;

	open_pair(_metadata, self, 0, 16, false);
	t = txr(&self->m, 0);
	r = rxr(&self->s, 0);
	ASSERT_EQ(16, t->num_slots);
	while (next < total) {
		unsigned int batch = 1 + round % 7;

		ASSERT_GT(100000, ++round);
		while (batch-- && seq < total) {
			/* every third packet spans 2 or 3 slots */
			size_t len = seq % 3 ? nmt_frame_len(seq) :
					       2048 + 1 + seq % 2048;

			if (!tx_packet(t, self->tag, seq, len, 2048))
				break;
			seq++;
		}
		ASSERT_EQ(0, nmt_txsync(self->m.fd));
		ASSERT_EQ(0, nmt_rxsync(self->s.fd));
		/* the reader does not always take everything */
		ASSERT_LE(0, rx_packets(r, self->objtotal, self->tag, &next,
					1 + round % 5));
	}
	EXPECT_EQ(total, next);
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_EQ(t->num_slots - 1, nmt_space(t));
	check_bufs(_metadata, self, t, r);
}

/* Four rings each way: ring k feeds ring k, and only that one. */
TEST_F(pipe, multi_ring)
{
	struct nmreq_register reg;
	unsigned int k, j, dir;

	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	reg.nr_tx_rings = 4;
	reg.nr_rx_rings = 4;
	reg.nr_tx_slots = reg.nr_rx_slots = 64;
	ASSERT_EQ(0, nmt_port_open_reg(&self->m, self->mname, &reg));
	ASSERT_EQ(0, open_end(&self->s, self->sname, 0, 0));
	self->objtotal = pool_bufs(self->m.fd, self->mname);
	check_end(_metadata, &self->m, self->mname, 4, 4, 64, 64);
	check_end(_metadata, &self->s, self->sname, 4, 4, 64, 64);

	for (dir = 0; dir < 2; dir++) {
		struct nmt_port *a = dir ? &self->s : &self->m;
		struct nmt_port *b = dir ? &self->m : &self->s;

		self->tag++;
		/* k + 1 frames on ring k, seq k * 10 + i */
		for (k = 0; k < 4; k++)
			for (j = 0; j <= k; j++)
				ASSERT_EQ(1, tx_packet(txr(a, k), self->tag,
						       k * 10 + j, 60 + k, 2048));
		ASSERT_EQ(0, nmt_txsync(a->fd));
		ASSERT_EQ(0, nmt_rxsync(b->fd));
		for (k = 0; k < 4; k++) {
			struct netmap_ring *r = rxr(b, k);
			uint32_t next = k * 10;

			EXPECT_EQ(k + 1, rx_packets(r, self->objtotal,
						    self->tag, &next, 100))
				TH_LOG("dir %u ring %u", dir, k);
		}
	}
}

/* Two fds on one end, one ring each (ONE_NIC). */
TEST_F(pipe, one_nic)
{
	struct nmreq_register reg;
	struct nmt_port s1, s3;
	unsigned int k;

	nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
	reg.nr_tx_rings = reg.nr_rx_rings = 4;
	reg.nr_tx_slots = reg.nr_rx_slots = 64;
	ASSERT_EQ(0, nmt_port_open_reg(&self->m, self->mname, &reg));
	self->objtotal = pool_bufs(self->m.fd, self->mname);
	ASSERT_EQ(0, nmt_port_open(&s1, self->sname, NR_REG_ONE_NIC, 1, 0));
	ASSERT_EQ(0, nmt_port_open(&s3, self->sname, NR_REG_ONE_NIC, 3, 0));
	EXPECT_EQ(nmt_mask(1, 2), nmt_bound_mask(s1.nifp, NMT_RX));
	EXPECT_EQ(nmt_mask(3, 4), nmt_bound_mask(s3.nifp, NMT_RX));

	for (k = 0; k < 4; k++)
		ASSERT_EQ(1, tx_packet(txr(&self->m, k), self->tag, k, 100,
				       2048));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	ASSERT_EQ(0, nmt_rxsync(s1.fd));
	ASSERT_EQ(0, nmt_rxsync(s3.fd));
	for (k = 1; k < 4; k += 2) {
		struct netmap_ring *r = rxr(k == 1 ? &s1 : &s3, k);
		uint32_t next = k;

		EXPECT_EQ(1, rx_packets(r, self->objtotal, self->tag, &next,
					10));
	}
	/* one fd goes; the other one's ring keeps working */
	nmt_port_close(&s1);
	ASSERT_EQ(1, tx_packet(txr(&self->m, 3), self->tag, 4, 100, 2048));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	ASSERT_EQ(0, nmt_rxsync(s3.fd));
	{
		uint32_t next = 4;

		EXPECT_EQ(1, rx_packets(rxr(&s3, 3), self->objtotal,
					self->tag, &next, 10));
	}
	nmt_port_close(&s3);
}

TEST_F(pipe, bad_names)
{
	const char *bad[] = { "x{", "x}", "{1", "}1", "{", "}", "x{1}2",
			      "x}1{2", "x{1{2", "x{a-b", "x{a.b", "x{1 " };
	struct nmreq_port_info_get pi;
	unsigned int i;
	int fd = nmt_open_dev();

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, nmt_register_mode(fd, bad[i],
						     NR_REG_ALL_NIC, 0, 0))
			TH_LOG("name '%s'", bad[i]);
		memset(&pi, 0, sizeof(pi));
		EXPECT_EQ(-EINVAL, nmt_port_info(fd, bad[i], &pi))
			TH_LOG("port info '%s'", bad[i]);
	}
	/* still unbound, and a good name works */
	EXPECT_EQ(0, nmt_register_mode(fd, "nmtp_ok{Ab_9", NR_REG_ALL_NIC, 0,
				       0));
	close(fd);
}

TEST_F(pipe, bad_modes)
{
	const uint32_t bad[] = { NR_REG_DEFAULT, NR_REG_SW, NR_REG_NIC_SW,
				 NR_REG_PIPE_MASTER, NR_REG_PIPE_SLAVE,
				 NR_REG_ONE_SW, 9, 100 };
	unsigned int i;
	int fd = nmt_open_dev();

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, nmt_register_mode(fd, self->mname, bad[i],
						     0, 0))
			TH_LOG("mode %u", bad[i]);
		EXPECT_EQ(-EINVAL, nmt_register_mode(fd, self->sname, bad[i],
						     0, 0))
			TH_LOG("mode %u", bad[i]);
	}
	EXPECT_EQ(0, nmt_register_mode(fd, self->sname, NR_REG_ONE_NIC, 0,
				       0));
	close(fd);
	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, nmt_register_mode(fd, self->mname, NR_REG_ALL_NIC, 0,
				       0));
	close(fd);
}

/* 64 pipes per parent; the 65th fails until one goes away. */
TEST_F(pipe, too_many)
{
	struct nmreq_register reg;
	char name[64];
	int fds[65], fd, i;

	for (i = 0; i < 65; i++) {
		fds[i] = nmt_open_dev();
		ASSERT_LE(0, fds[i]);
		snprintf(name, sizeof(name), "%s{%d", self->parent, i);
		nmt_reg_init(&reg, NR_REG_ALL_NIC, 0, 0);
		reg.nr_tx_slots = reg.nr_rx_slots = 8;
		EXPECT_EQ(i < 64 ? 0 : -ENOMEM,
			  nmt_register(fds[i], name, &reg))
			TH_LOG("pipe %d", i);
	}
	/* other parents are not affected, the existing pipes' ends are */
	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, nmt_register_mode(fd, "nmtp_other{64", NR_REG_ALL_NIC,
				       0, 0));
	close(fd);
	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	snprintf(name, sizeof(name), "%s}7", self->parent);
	EXPECT_EQ(0, nmt_register_mode(fd, name, NR_REG_ALL_NIC, 0, 0));
	close(fd);

	close(fds[3]);
	snprintf(name, sizeof(name), "%s{64", self->parent);
	EXPECT_EQ(0, nmt_register_mode(fds[64], name, NR_REG_ALL_NIC, 0, 0));
	for (i = 0; i < 65; i++)
		if (i != 3)
			close(fds[i]);
}

/* The legacy PIPE_MASTER mode is the same pipe as "X{N". */
TEST_F(pipe, legacy_mode)
{
	struct netmap_ring *t, *r;
	struct nmreq req;
	uint32_t next = 0;
	void *mem;
	int fd;

	memset(&req, 0, sizeof(req));
	snprintf(req.nr_name, sizeof(req.nr_name), "%.15s", self->parent);
	req.nr_version = NETMAP_API;
	req.nr_flags = NR_REG_PIPE_MASTER;
	req.nr_ringid = 1;
	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nmt_ioctl(fd, NIOCREGIF, &req));
	mem = mmap(NULL, req.nr_memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	ASSERT_NE(MAP_FAILED, mem);
	t = nmt_ring((struct netmap_if *)((char *)mem + req.nr_offset),
		     NMT_TX, 0);
	ASSERT_NE(NULL, t);

	ASSERT_EQ(0, open_end(&self->s, self->sname, 0, 0));
	self->objtotal = pool_bufs(self->s.fd, self->sname);
	r = rxr(&self->s, 0);
	ASSERT_EQ(1, tx_packet(t, self->tag, 0, 500, 2048));
	ASSERT_EQ(0, nmt_txsync(fd));
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_EQ(1, rx_packets(r, self->objtotal, self->tag, &next, 10));
	munmap(mem, req.nr_memsize);
	close(fd);
}

/* PORT_INFO sees a pipe's geometry without keeping the pipe. */
TEST_F(pipe, port_info)
{
	struct nmreq_port_info_get pi;
	int fd = nmt_open_dev();

	ASSERT_LE(0, fd);
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, nmt_port_info(fd, self->mname, &pi));
	EXPECT_EQ(1, pi.nr_tx_rings);
	EXPECT_EQ(1, pi.nr_rx_rings);
	EXPECT_EQ(1024, pi.nr_tx_slots);
	EXPECT_EQ(NMT_GLOBAL_MEM_ID, pi.nr_mem_id);
	EXPECT_EQ(0, pi.nr_host_tx_rings);
	close(fd);
	/* a new pipe, so the request's geometry applies */
	ASSERT_EQ(0, open_end(&self->m, self->mname, 2, 64));
	EXPECT_EQ(2, self->m.reg.nr_tx_rings);
	EXPECT_EQ(64, self->m.reg.nr_tx_slots);
}

/* Packets wait for a reader; an end outlives the other one's close. */
TEST_F(pipe, ends_come_and_go)
{
	struct netmap_ring *t, *r;
	uint32_t seq = 0, next = 0;
	int got;

	ASSERT_EQ(0, open_end(&self->m, self->mname, 0, 32));
	self->objtotal = pool_bufs(self->m.fd, self->mname);
	t = txr(&self->m, 0);
	/* nobody reads yet */
	ASSERT_EQ(5, nmt_tx_fill(t, 5, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	ASSERT_EQ(0, open_end(&self->s, self->sname, 0, 32));
	r = rxr(&self->s, 0);
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_EQ(5, rx_packets(r, self->objtotal, self->tag, &next, 100));

	/* the writer leaves after sending: its packets stay readable */
	ASSERT_EQ(5, nmt_tx_fill(t, 5, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	nmt_port_close(&self->m);
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_EQ(5, rx_packets(r, self->objtotal, self->tag, &next, 100));

	/* a new writer, with packets of the old one still queued */
	ASSERT_EQ(0, open_end(&self->m, self->mname, 0, 0));
	t = txr(&self->m, 0);
	ASSERT_EQ(20, nmt_tx_fill(t, 20, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	nmt_port_close(&self->m);
	ASSERT_EQ(0, open_end(&self->m, self->mname, 0, 0));
	t = txr(&self->m, 0);
	/* more than the queue holds now: the rest waits in the ring */
	ASSERT_EQ(31, nmt_tx_fill(t, 31, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	while (next < seq) {
		ASSERT_EQ(0, nmt_rxsync(self->s.fd));
		got = rx_packets(r, self->objtotal, self->tag, &next, 7);
		ASSERT_LT(0, got);
		ASSERT_EQ(0, nmt_rxsync(self->s.fd));
		ASSERT_EQ(0, nmt_txsync(self->m.fd));
	}
	EXPECT_EQ(31, nmt_space(t));

	/*
	 * The reader leaves with packets it has not released: they are
	 * gone, the writer gets its slots back, and later packets come in
	 * order on the reader's next ring.
	 */
	ASSERT_EQ(3, nmt_tx_fill(t, 3, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_EQ(3, nmt_dist(r, r->head, r->tail));
	nmt_port_close(&self->s);
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_EQ(31, nmt_space(t));
	next = seq;
	ASSERT_EQ(4, nmt_tx_fill(t, 4, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	ASSERT_EQ(0, open_end(&self->s, self->sname, 0, 0));
	r = rxr(&self->s, 0);
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_EQ(4, rx_packets(r, self->objtotal, self->tag, &next, 100));
	check_bufs(_metadata, self, t, r);
}

/* Bad buffer indices and lengths on TX: sanitised, and traffic goes on. */
TEST_F(pipe, corrupt_tx)
{
	struct netmap_ring *t, *r;
	uint32_t bad[4], seq = 0, i, j, n;

	open_pair(_metadata, self, 0, 64, false);
	t = txr(&self->m, 0);
	r = rxr(&self->s, 0);
	n = t->num_slots;
	bad[0] = 0;
	bad[1] = 1;
	bad[2] = self->objtotal;
	bad[3] = 0xffffffffu;
	ASSERT_EQ(6, nmt_tx_fill(t, 6, 0, self->tag, &seq));
	for (i = 0; i < 4; i++) {
		t->slot[i].buf_idx = bad[i];
		t->slot[i].len = 1000;
	}
	t->slot[4].len = 0xffff;
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	for (i = 0; i < 6; i++)
		EXPECT_TRUE(idx_ok(t->slot[i].buf_idx, self->objtotal))
			TH_LOG("tx slot %u: buffer %u", i, t->slot[i].buf_idx);
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	ASSERT_EQ(6, nmt_dist(r, r->head, r->tail));
	for (i = 0, j = r->head; i < 6; i++, j = nmt_next(r, j)) {
		EXPECT_TRUE(idx_ok(r->slot[j].buf_idx, self->objtotal));
		if (i < 4)
			EXPECT_EQ(0, r->slot[j].len);
		if (i == 4)
			EXPECT_EQ(r->nr_buf_size, r->slot[j].len);
	}
	/* the intact frame after them */
	for (i = 0, j = r->head; i < 5; i++)
		j = nmt_next(r, j);
	r->head = r->cur = j;
	seq = 5;
	EXPECT_EQ(1, rx_packets(r, self->objtotal, self->tag, &seq, 10));

	/* head and cur out of range, or behind: repaired, no error */
	t->head = n + 5;
	EXPECT_EQ(0, nmt_txsync(self->m.fd));
	t->cur = t->head > 0 ? t->head - 1 : n - 1;
	EXPECT_EQ(0, nmt_txsync(self->m.fd));
	t->head = t->cur = 0xffffffffu;
	EXPECT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_TRUE(t->head < n && t->cur < n && t->tail < n);

	xfer(_metadata, self, &self->m, &self->s, 0, 500);
	xfer(_metadata, self, &self->s, &self->m, 0, 200);
	check_bufs(_metadata, self, t, r);
}

/* The reader scribbles over its whole ring: the writer is unharmed. */
TEST_F(pipe, corrupt_rx)
{
	const uint32_t junk[] = { 0, 1, 0xffffffffu, 0x7fffffffu };
	struct netmap_ring *t, *r;
	uint32_t seq = 0, i, n;
	int round;

	open_pair(_metadata, self, 0, 32, false);
	t = txr(&self->m, 0);
	r = rxr(&self->s, 0);
	n = r->num_slots;
	for (round = 0; round < 3; round++) {
		ASSERT_EQ(n - 1, nmt_tx_fill(t, n, 0, self->tag, &seq));
		ASSERT_EQ(0, nmt_txsync(self->m.fd));
		ASSERT_EQ(0, nmt_rxsync(self->s.fd));
		/* every slot, including the ones the kernel owns */
		for (i = 0; i < n; i++) {
			r->slot[i].buf_idx = i % 5 == 4 ? self->objtotal + i :
				junk[i % 4];
			r->slot[i].len = 0xffff;
			r->slot[i].flags = 0xffff;
		}
		r->head = r->cur = r->tail;
		ASSERT_EQ(0, nmt_rxsync(self->s.fd));
		ASSERT_EQ(0, nmt_txsync(self->m.fd));
		EXPECT_EQ(n - 1, nmt_space(t));
		for (i = 0; i < n; i++)
			ASSERT_TRUE(idx_ok(t->slot[i].buf_idx, self->objtotal))
				TH_LOG("tx slot %u: buffer %u", i,
				       t->slot[i].buf_idx);
	}
	/* bad head/cur on RX: repaired, no error */
	r->head = n + 1;
	EXPECT_EQ(0, nmt_rxsync(self->s.fd));
	r->cur = r->head;
	r->head = nmt_next(r, r->tail);
	EXPECT_EQ(0, nmt_rxsync(self->s.fd));
	EXPECT_TRUE(r->head < n && r->cur < n && r->tail < n);

	xfer(_metadata, self, &self->m, &self->s, 0, 300);
	xfer(_metadata, self, &self->s, &self->m, 0, 100);
	check_bufs(_metadata, self, t, r);
}

/* A reader in another process, both sides driven by poll() alone. */
#define FORK_N		3000
#define FORK_SLOTS	64

static int fork_reader(const char *name, uint32_t tag, uint32_t objtotal)
{
	struct nmt_port p;
	uint32_t next = 0;
	int idle = 0;

	if (open_end(&p, name, 0, FORK_SLOTS))
		return 10;
	while (next < FORK_N) {
		short ev = poll_now(p.fd, POLLIN, 5000);

		if (ev < 0 || (ev & POLLERR))
			return 11;
		if (!(ev & POLLIN)) {
			if (++idle > 3)
				return 12;
			continue;
		}
		if (rx_packets(nmt_ring(p.nifp, NMT_RX, 0), objtotal, tag,
			       &next, INT32_MAX) < 0)
			return 13;
	}
	/* release the last ones */
	if (nmt_rxsync(p.fd))
		return 14;
	nmt_port_close(&p);
	return 0;
}

TEST_F(pipe, poll_two_processes)
{
	struct netmap_ring *t;
	uint32_t seq = 0;
	int status, idle = 0, fd;
	pid_t pid;

	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	self->objtotal = pool_bufs(fd, self->mname);
	close(fd);
	ASSERT_LT(2, self->objtotal);

	/* the reader may come first or second: do not wait for it */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(fork_reader(self->sname, self->tag, self->objtotal));

	ASSERT_EQ(0, open_end(&self->m, self->mname, 0, FORK_SLOTS));
	t = txr(&self->m, 0);
	while (seq < FORK_N) {
		short ev;

		nmt_tx_fill(t, FORK_N - seq, 0, self->tag, &seq);
		ev = poll_now(self->m.fd, POLLOUT, 5000);
		ASSERT_LE(0, ev);
		ASSERT_EQ(0, ev & POLLERR);
		if (!(ev & POLLOUT))
			ASSERT_GT(3, ++idle);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* everything was read and released: all slots come back */
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	EXPECT_EQ(t->num_slots - 1, nmt_space(t));
}

/* Busy-loop one end from a thread while the other one comes and goes. */
struct busy {
	pthread_t thread;
	const char *name;
	bool writer;
	volatile bool stop;
	volatile int err;
	uint32_t tag;
};

static void *busy_fn(void *arg)
{
	struct busy *b = arg;
	struct nmt_port p;
	uint32_t seq = 0;

	if (open_end(&p, b->name, 0, 64)) {
		b->err = 1;
		return NULL;
	}
	while (!b->stop) {
		if (b->writer) {
			nmt_tx_fill(nmt_ring(p.nifp, NMT_TX, 0), 64, 60,
				    b->tag, &seq);
			if (nmt_txsync(p.fd))
				b->err = 2;
			if (poll_now(p.fd, POLLOUT, 2) < 0)
				b->err = 3;
		} else {
			struct netmap_ring *r = nmt_ring(p.nifp, NMT_RX, 0);

			if (poll_now(p.fd, POLLIN, 2) < 0)
				b->err = 3;
			r->head = r->cur = r->tail;
			if (nmt_rxsync(p.fd))
				b->err = 2;
		}
	}
	nmt_port_close(&p);
	return NULL;
}

TEST_F(pipe, close_while_busy)
{
	struct busy b;
	int side, i;

	for (side = 0; side < 2; side++) {
		memset(&b, 0, sizeof(b));
		b.writer = side == 0;
		b.name = b.writer ? self->mname : self->sname;
		b.tag = self->tag;
		ASSERT_EQ(0, pthread_create(&b.thread, NULL, busy_fn, &b));
		for (i = 0; i < 20; i++) {
			struct nmt_port *p = b.writer ? &self->s : &self->m;

			ASSERT_EQ(0, open_end(p, b.writer ? self->sname :
							    self->mname, 0, 64));
			if (!b.writer) {
				uint32_t seq = 0;

				nmt_tx_fill(txr(p, 0), 64, 60, self->tag, &seq);
			}
			ASSERT_EQ(0, b.writer ? nmt_rxsync(p->fd) :
						nmt_txsync(p->fd));
			nmt_msleep(i % 3);
			nmt_port_close(p);
		}
		b.stop = true;
		pthread_join(b.thread, NULL);
		EXPECT_EQ(0, b.err) TH_LOG("side %d", side);
	}
	/* still a working pipe */
	open_pair(_metadata, self, 0, 64, false);
	xfer(_metadata, self, &self->m, &self->s, 0, 200);
}

/* A poller blocked on one end while the other end closes. */
struct waiter {
	pthread_t thread;
	int fd;
	short events;
	short revents;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;

	w->revents = poll_now(w->fd, w->events, 1500);
	return NULL;
}

TEST_F(pipe, close_while_polling)
{
	struct waiter w;
	uint32_t seq = 0;

	open_pair(_metadata, self, 0, 32, false);
	/* the reader waits; the writer goes away */
	w.fd = self->s.fd;
	w.events = POLLIN;
	ASSERT_EQ(0, pthread_create(&w.thread, NULL, waiter_fn, &w));
	nmt_msleep(100);
	nmt_port_close(&self->m);
	pthread_join(w.thread, NULL);
	EXPECT_LE(0, w.revents);

	/* the writer waits on a full ring; the reader goes away */
	ASSERT_EQ(0, open_end(&self->m, self->mname, 0, 0));
	ASSERT_EQ(31, nmt_tx_fill(txr(&self->m, 0), 32, 0, self->tag, &seq));
	ASSERT_EQ(0, nmt_txsync(self->m.fd));
	w.fd = self->m.fd;
	w.events = POLLOUT;
	ASSERT_EQ(0, pthread_create(&w.thread, NULL, waiter_fn, &w));
	nmt_msleep(100);
	nmt_port_close(&self->s);
	pthread_join(w.thread, NULL);
	EXPECT_LE(0, w.revents);

	/* the packets waited for the next reader */
	ASSERT_EQ(0, open_end(&self->s, self->sname, 0, 0));
	ASSERT_EQ(0, nmt_rxsync(self->s.fd));
	seq = 0;
	EXPECT_EQ(31, rx_packets(rxr(&self->s, 0), self->objtotal, self->tag,
				 &seq, 100));
	xfer(_metadata, self, &self->m, &self->s, 0, 100);
}

TEST_HARNESS_MAIN
