// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for <net/netmap_user.h>, no kernel needed: the pointer
 * and index helpers and the legacy nm_* library run on a fake port built
 * in ordinary memory, and the legacy name parser runs on a table of
 * accepted and rejected names.
 *
 * The same source is built as C and as C++, and linked with a second
 * translation unit (nm_user_tu2.c) that includes the headers too. TAP
 * output; exit status 1 if any test failed.
 */
#define NETMAP_WITH_LIBS
/* never the real device: nm_open() failures are then deterministic */
#define NETMAP_DEVICE_NAME "/nonexistent/netmap"
#include <net/netmap_user.h>


#include "nm_user_test.h"
#include "tap.h"

#ifdef __cplusplus
#define STATIC_ASSERT(c) static_assert(c, #c)
#else
#define STATIC_ASSERT(c) _Static_assert(c, #c)
#endif

/* layout of the library structures (x86_64 values from the spec) */
#if defined(__x86_64__) && defined(__LP64__)
STATIC_ASSERT(sizeof(struct nm_pkthdr) == 56);
STATIC_ASSERT(offsetof(struct nm_pkthdr, caplen) == 16);
STATIC_ASSERT(offsetof(struct nm_pkthdr, flags) == 24);
STATIC_ASSERT(offsetof(struct nm_pkthdr, buf) == 48);
STATIC_ASSERT(sizeof(struct nm_desc) == 760);
STATIC_ASSERT(offsetof(struct nm_desc, nifp) == 40);
STATIC_ASSERT(offsetof(struct nm_desc, first_tx_ring) == 48);
STATIC_ASSERT(offsetof(struct nm_desc, cur_rx_ring) == 58);
STATIC_ASSERT(offsetof(struct nm_desc, req) == 60);
STATIC_ASSERT(offsetof(struct nm_desc, hdr) == 120);
STATIC_ASSERT(offsetof(struct nm_desc, some_ring) == 176);
STATIC_ASSERT(offsetof(struct nm_desc, st) == 236);
STATIC_ASSERT(offsetof(struct nm_desc, msg) == 248);
#endif


/*
 * The fake port: one region holding a netmap_if with 2 TX + 1 host TX and
 * 2 RX + 1 host RX rings (host rings unbound), four rings of NSLOTS slots
 * and a pool of BUFSZ-byte buffers. Ring r's slot s uses buffer
 * r * NSLOTS + s.
 */
#define NSLOTS		8
#define BUFSZ		64
#define RING_OFS(r)	(1024 + (r) * 512)
#define POOL_OFS	8192
#define NBUFS		64
#define REGION_SIZE	(POOL_OFS + NBUFS * BUFSZ)

static char region[REGION_SIZE] __attribute__((aligned(4096)));

/* writers for the fields userspace sees as const */
static void set_u16(const __u16 *p, __u16 v) { *(__u16 *)p = v; }
static void set_u32(const __u32 *p, __u32 v) { *(__u32 *)p = v; }
static void set_u64(const __u64 *p, __u64 v) { *(__u64 *)p = v; }
static void set_s64(const __s64 *p, __s64 v) { *(__s64 *)p = v; }

static struct netmap_if *fake_nifp(void)
{
	return (struct netmap_if *)(void *)region;
}

static struct netmap_ring *fake_ring(int r)
{
	return (struct netmap_ring *)(void *)(region + RING_OFS(r));
}

/* rings 0, 1: TX; 2, 3: RX. TX rings start empty, RX rings hold nothing. */
static void fake_port_init(void)
{
	struct netmap_if *nifp = fake_nifp();
	int r, s;

	memset(region, 0, sizeof(region));
	set_u32(&nifp->ni_tx_rings, 2);
	set_u32(&nifp->ni_rx_rings, 2);
	set_u32(&nifp->ni_host_tx_rings, 1);
	set_u32(&nifp->ni_host_rx_rings, 1);
	set_s64(&nifp->ring_ofs[0], RING_OFS(0));
	set_s64(&nifp->ring_ofs[1], RING_OFS(1));
	set_s64(&nifp->ring_ofs[2], 0);		/* host TX: unbound */
	set_s64(&nifp->ring_ofs[3], RING_OFS(2));
	set_s64(&nifp->ring_ofs[4], RING_OFS(3));
	set_s64(&nifp->ring_ofs[5], 0);		/* host RX: unbound */
	for (r = 0; r < 4; r++) {
		struct netmap_ring *ring = fake_ring(r);

		set_s64(&ring->buf_ofs, POOL_OFS - RING_OFS(r));
		set_u32(&ring->num_slots, NSLOTS);
		set_u32(&ring->nr_buf_size, BUFSZ);
		set_u16(&ring->ringid, (__u16)(r & 1));
		set_u16(&ring->dir, r < 2 ? 0 : 1);
		ring->tail = r < 2 ? NSLOTS - 1 : 0;
		for (s = 0; s < NSLOTS; s++)
			ring->slot[s].buf_idx = (__u32)(r * NSLOTS + s);
	}
}

/* A descriptor on the fake port, as nm_open() would leave it. */
static struct nm_desc *fake_desc(void)
{
	struct nm_desc *d = (struct nm_desc *)calloc(1, sizeof(*d));

	if (!d)
		abort();
	d->self = d;
	d->fd = -1;
	d->mem = region;
	d->memsize = sizeof(region);
	d->nifp = fake_nifp();
	d->first_tx_ring = d->cur_tx_ring = 0;
	d->last_tx_ring = 1;
	d->first_rx_ring = d->cur_rx_ring = 0;
	d->last_rx_ring = 1;
	return d;
}

/* The kernel's side of RX: append a packet of len bytes (byte value v). */
static void fake_rx(struct netmap_ring *ring, unsigned int len,
		    unsigned char v, __u16 flags)
{
	struct netmap_slot *slot = &ring->slot[ring->tail];

	memset(NETMAP_BUF(ring, slot->buf_idx), v, len);
	slot->len = (__u16)len;
	slot->flags = flags;
	ring->tail = nm_ring_next(ring, ring->tail);
}

static void test_pointers(void)
{
	struct netmap_if *nifp = NETMAP_IF(region, 0);
	volatile unsigned int ofs = 4096;
	struct netmap_ring *tx0, *rx1;
	unsigned int i, good;

	fake_port_init();
	ok((char *)NETMAP_IF(region, ofs) == region + 4096,
	   "NETMAP_IF adds the offset in bytes");
	ok((char *)NETMAP_TXRING(nifp, 0) == region + RING_OFS(0) &&
	   (char *)NETMAP_TXRING(nifp, 1) == region + RING_OFS(1),
	   "NETMAP_TXRING(nifp, i) = nifp + ring_ofs[i]");
	ok((char *)NETMAP_RXRING(nifp, 0) == region + RING_OFS(2) &&
	   (char *)NETMAP_RXRING(nifp, 1) == region + RING_OFS(3),
	   "NETMAP_RXRING skips the HW and host TX rings");
	ok((void *)NETMAP_TXRING(nifp, 2) == (void *)nifp &&
	   (void *)NETMAP_RXRING(nifp, 2) == (void *)nifp,
	   "an unbound ring (ring_ofs 0) resolves to nifp");

	tx0 = NETMAP_TXRING(nifp, 0);
	rx1 = NETMAP_RXRING(nifp, 1);
	ok(NETMAP_BUF(tx0, 0) == region + POOL_OFS &&
	   NETMAP_BUF(rx1, 5) == region + POOL_OFS + 5 * BUFSZ,
	   "NETMAP_BUF(ring, i) = ring + buf_ofs + i * nr_buf_size");

	good = 1;
	for (i = 0; i < NBUFS; i++) {
		char *b = NETMAP_BUF(tx0, i);

		good &= NETMAP_BUF_IDX(tx0, b) == (ptrdiff_t)i;
		good &= NETMAP_BUF_IDX(rx1, b + BUFSZ - 1) == (ptrdiff_t)i;
		good &= NETMAP_BUF_IDX(tx0, b + BUFSZ / 2) == (ptrdiff_t)i;
	}
	ok(good, "NETMAP_BUF_IDX maps any byte of buffer i back to i");
}

/* The product in NETMAP_BUF must not wrap at 32 bits. */
static void test_buf_64bit(void)
{
	struct netmap_ring *big = fake_ring(0);
	ptrdiff_t off;

	fake_port_init();
	set_s64(&big->buf_ofs, 256);
	set_u32(&big->nr_buf_size, 4096);
	off = NETMAP_BUF(big, 3u << 20) - (char *)big;
	ok(off == 256 + (ptrdiff_t)12 * 1024 * 1024 * 1024,
	   "NETMAP_BUF computes index * size in 64 bits (12 GiB offset)");
}

static void test_index_arith(void)
{
	static const struct {
		__u32 head, tail, space, pending;
	} t[] = {
		/* n = 8 */
		{ 0, 0, 0, 1 }, { 0, 7, 7, 0 }, { 3, 5, 2, 1 },
		{ 5, 3, 6, 1 }, { 7, 0, 1, 1 }, { 2, 1, 7, 0 },
		{ 7, 6, 7, 0 }, { 6, 6, 0, 1 },
	};
	struct netmap_ring *ring;
	unsigned int i, good;

	fake_port_init();
	ring = fake_ring(0);
	ok(nm_ring_next(ring, 0) == 1 && nm_ring_next(ring, 6) == 7 &&
	   nm_ring_next(ring, NSLOTS - 1) == 0,
	   "nm_ring_next: i + 1, wrapping to 0 at num_slots");

	good = 1;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ring->head = ring->cur = t[i].head;
		ring->tail = t[i].tail;
		if (nm_ring_space(ring) != t[i].space) {
			printf("# head %u tail %u: space %u, want %u\n",
			       t[i].head, t[i].tail, nm_ring_space(ring),
			       t[i].space);
			good = 0;
		}
		if (!nm_tx_pending(ring) != !t[i].pending) {
			printf("# head %u tail %u: tx_pending %d, want %u\n",
			       t[i].head, t[i].tail, nm_tx_pending(ring),
			       t[i].pending);
			good = 0;
		}
		if (nm_ring_empty(ring) != (t[i].head == t[i].tail))
			good = 0;
	}
	ok(good, "nm_ring_space, nm_tx_pending, nm_ring_empty on %u cases",
	   (unsigned int)(sizeof(t) / sizeof(t[0])));

	/* cur is not part of the space computation */
	ring->head = 2;
	ring->cur = 5;
	ring->tail = 6;
	ok(nm_ring_space(ring) == 4, "nm_ring_space uses head, not cur");
	ok(tu2_ring_space(ring) == 4,
	   "a second translation unit sees the same helpers");
}

static void test_offsets(void)
{
	struct netmap_ring *ring;
	struct netmap_slot *slot;

	fake_port_init();
	ring = fake_ring(0);
	slot = &ring->slot[1];
	slot->ptr = 0x123456789a00ull | 0x2a;
	ok(NETMAP_ROFFSET(ring, slot) == 0,
	   "NETMAP_ROFFSET is 0 while offsets are off (mask 0)");
	set_u64(&ring->offset_mask, 0xff);
	ok(NETMAP_ROFFSET(ring, slot) == 0x2a,
	   "NETMAP_ROFFSET = ptr & offset_mask");
	NETMAP_WOFFSET(ring, slot, 0x1ff);
	ok(slot->ptr == (0x123456789a00ull | 0xff),
	   "NETMAP_WOFFSET replaces only the masked bits");
	ok(NETMAP_BUF_OFFSET(ring, slot) == NETMAP_BUF(ring, 1) + 0xff,
	   "NETMAP_BUF_OFFSET = buffer + offset");
	slot->flags = NS_MOREFRAG | (5 << 8);
	ok(NS_RFRAGS(slot) == 5, "NS_RFRAGS reads the high byte of flags");
}

static void test_pkt_copy(void)
{
	unsigned char src[2048], dst[2048];
	static const int lens[] = { 1, 60, 64, 100, 1024, 1500 };
	unsigned int i, good = 1;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)i;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(dst, 0xee, sizeof(dst));
		nm_pkt_copy(src, dst, lens[i]);
		good &= memcmp(src, dst, (size_t)lens[i]) == 0;
		good &= dst[lens[i]] == 0xee;
	}
	ok(good, "nm_pkt_copy copies exactly len bytes");
	memset(dst, 0xee, sizeof(dst));
	nm_pkt_copy(src, dst, 0);
	nm_pkt_copy(src, dst, -65);
	ok(dst[0] == 0xee, "nm_pkt_copy copies nothing for len <= 0");
}

static void test_inject(void)
{
	unsigned char pkt[200];
	struct netmap_ring *tx0, *tx1;
	struct nm_desc *d;
	unsigned int i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)(i * 7);
	fake_port_init();
	d = fake_desc();
	tx0 = fake_ring(0);
	tx1 = fake_ring(1);

	tx0->slot[0].flags = NS_REPORT;
	ok(nm_inject(d, pkt, 60) == 60 && tx0->slot[0].len == 60 &&
	   tx0->slot[0].flags == 0 && tx0->head == 1 && tx0->cur == 1 &&
	   memcmp(NETMAP_BUF(tx0, tx0->slot[0].buf_idx), pkt, 60) == 0,
	   "nm_inject: one slot, flags cleared, head = cur = next");

	ok(nm_inject(d, pkt, 150) == 150 && tx0->head == 4 &&
	   tx0->slot[1].len == BUFSZ && tx0->slot[1].flags == NS_MOREFRAG &&
	   tx0->slot[2].len == BUFSZ && tx0->slot[2].flags == NS_MOREFRAG &&
	   tx0->slot[3].len == 150 - 2 * BUFSZ && tx0->slot[3].flags == 0 &&
	   memcmp(NETMAP_BUF(tx0, tx0->slot[3].buf_idx), pkt + 2 * BUFSZ,
		  150 - 2 * BUFSZ) == 0,
	   "nm_inject: 150 bytes become a 3-slot NS_MOREFRAG chain");

	/* tx0 has slots 4, 5, 6 left: a 4-slot packet goes to tx1 */
	ok(nm_inject(d, pkt, 200) == 200 && tx0->head == 4 &&
	   tx1->head == 4 && d->cur_tx_ring == 1,
	   "nm_inject: a packet too big for ring 0 goes to ring 1");
	ok(nm_inject(d, pkt, 10) == 10 && tx1->head == 5,
	   "nm_inject: the next packet starts on the same ring");

	tx0->head = tx0->cur = tx0->tail;
	tx1->head = tx1->cur = tx1->tail;
	ok(nm_inject(d, pkt, 10) == 0 && nm_inject(d, pkt, 0) == 0 &&
	   tx0->head == tx0->tail && tx1->head == tx1->tail,
	   "nm_inject returns 0 and writes nothing when all rings are full");
	ok(nm_close(d) == 0, "nm_close on a hand-built descriptor returns 0");
}

struct seen {
	int n;
	unsigned int len[8], caplen[8];
	unsigned char first[8];
	uint64_t flags[8];
	__u32 head_at_cb[8];
	long sec[8];
};

static void record_cb(unsigned char *user, const struct nm_pkthdr *h,
		      const unsigned char *buf)
{
	struct seen *s = (struct seen *)(void *)user;
	struct netmap_ring *rx0 = fake_ring(2);

	if (s->n >= 8)
		return;
	s->len[s->n] = h->len;
	s->caplen[s->n] = h->caplen;
	s->first[s->n] = buf[0];
	s->flags[s->n] = h->flags;
	s->head_at_cb[s->n] = rx0->head;
	s->sec[s->n] = (long)h->ts.tv_sec;
	s->n++;
}

static void test_dispatch(void)
{
	struct netmap_ring *rx0, *rx1;
	struct nm_pkthdr h;
	struct seen s;
	struct nm_desc *d;
	unsigned char *p;

	fake_port_init();
	d = fake_desc();
	rx0 = fake_ring(2);
	rx1 = fake_ring(3);
	rx0->ts.tv_sec = 42;
	fake_rx(rx0, 60, 1, 0);
	fake_rx(rx0, 61, 2, 0);
	fake_rx(rx0, 62, 3, 0);
	fake_rx(rx1, 63, 4, 0);

	memset(&s, 0, sizeof(s));
	ok(nm_dispatch(d, 2, record_cb, (unsigned char *)&s) == 2 &&
	   s.n == 2 && rx0->head == 2 && rx0->cur == 2,
	   "nm_dispatch stops after cnt packets");
	memset(&s, 0, sizeof(s));
	ok(nm_dispatch(d, 0, record_cb, (unsigned char *)&s) == 2 &&
	   s.n == 2 && s.first[0] == 3 && s.first[1] == 4 &&
	   nm_ring_empty(rx0) && nm_ring_empty(rx1) && d->cur_rx_ring == 1,
	   "nm_dispatch with cnt 0 drains every RX ring, in ring order");
	ok(s.len[0] == 62 && s.caplen[0] == 62 && s.sec[0] == 42,
	   "nm_dispatch: len, caplen and ts from the slot and ring");
	ok(s.flags[0] == NM_MORE_PKTS && s.flags[1] == 0,
	   "nm_dispatch: NM_MORE_PKTS on all but the last packet");
	ok(s.head_at_cb[0] == 3,
	   "nm_dispatch: slots are released before their callback runs");

	/* multi-slot: contiguous buffers, then a non-contiguous chain */
	fake_port_init();
	d->cur_rx_ring = 0;
	fake_rx(rx0, BUFSZ, 5, NS_MOREFRAG);
	fake_rx(rx0, BUFSZ, 6, NS_MOREFRAG);
	fake_rx(rx0, 10, 7, 0);
	fake_rx(rx0, BUFSZ, 8, NS_MOREFRAG);
	rx0->slot[4].buf_idx = 40;		/* breaks contiguity */
	fake_rx(rx0, 20, 9, 0);
	fake_rx(rx0, BUFSZ, 10, NS_MOREFRAG);	/* tail follows: incomplete */
	memset(&s, 0, sizeof(s));
	ok(nm_dispatch(d, -1, record_cb, (unsigned char *)&s) == 2 &&
	   s.n == 2 && s.len[0] == 2 * BUFSZ + 10 &&
	   s.caplen[0] == 2 * BUFSZ + 10 && s.len[1] == BUFSZ + 20 &&
	   s.caplen[1] == BUFSZ,
	   "nm_dispatch joins NS_MOREFRAG chains; caplen stops at a gap");
	ok(rx0->head == 5 && rx0->tail == 6,
	   "nm_dispatch leaves a chain whose end has not arrived");

	fake_port_init();
	d->cur_rx_ring = 0;
	fake_rx(rx0, 30, 11, NS_MOREFRAG);
	fake_rx(rx0, 31, 12, 0);
	fake_rx(rx1, 32, 13, 0);
	rx1->ts.tv_usec = 7;
	p = nm_nextpkt(d, &h);
	ok(p && p[0] == 11 && h.len == 30 && h.caplen == 30 &&
	   rx0->head == 1 && rx0->cur == 1,
	   "nm_nextpkt returns one slot and releases it");
	p = nm_nextpkt(d, &h);
	ok(p && p[0] == 12 && h.len == 31, "nm_nextpkt: fragments one by one");
	p = nm_nextpkt(d, &h);
	ok(p && p[0] == 13 && d->cur_rx_ring == 1 && h.ts.tv_usec == 7,
	   "nm_nextpkt moves on to the next ring, copies ts");
	ok(nm_nextpkt(d, &h) == NULL, "nm_nextpkt: NULL when all are empty");
	nm_close(d);
}

static void test_close(void)
{
	struct nm_desc *d = fake_desc();
	struct nm_desc copy;

	ok(nm_close(NULL) == EINVAL, "nm_close(NULL) returns EINVAL");
	copy = *d;
	ok(nm_close(&copy) == EINVAL,
	   "nm_close on a copy (self != d) returns EINVAL");
	errno = ENOSPC;
	ok(nm_close(d) == 0 && errno == ENOSPC, "nm_close preserves errno");
}

/* Accepted legacy names and what they parse to. */
static const struct {
	const char *name;
	const char *nr_name;
	__u32 nr_flags;
	__u16 nr_ringid;
	__u16 nr_arg2;
} good_names[] = {
	{ "netmap:eth0", "eth0", NR_REG_ALL_NIC, 0, 0 },
	{ "netmap:eth0^", "eth0", NR_REG_SW, 0, 0 },
	{ "netmap:eth0*", "eth0", NR_REG_NIC_SW, 0, 0 },
	{ "netmap:eth0-2", "eth0", NR_REG_ONE_NIC, 2, 0 },
	{ "netmap:eth0-4094", "eth0", NR_REG_ONE_NIC, 4094, 0 },
	{ "netmap:eth0{3", "eth0", NR_REG_PIPE_MASTER, 3, 0 },
	{ "netmap:eth0}0", "eth0", NR_REG_PIPE_SLAVE, 0, 0 },
	{ "netmap:eth0-2/Tx", "eth0",
	  NR_REG_ONE_NIC | NR_TX_RINGS_ONLY | NR_EXCLUSIVE, 2, 0 },
	{ "netmap:eth0/xztrRT", "eth0", NR_REG_ALL_NIC | NR_EXCLUSIVE |
	  NR_ZCOPY_MON | NR_MONITOR_TX | NR_MONITOR_RX | NR_RX_RINGS_ONLY |
	  NR_TX_RINGS_ONLY, 0, 0 },
	{ "netmap:eth0@2", "eth0", NR_REG_ALL_NIC, 0, 2 },
	{ "netmap:eth0@2/R", "eth0", NR_REG_ALL_NIC | NR_RX_RINGS_ONLY, 0, 2 },
	{ "netmap:eth0^/t@7", "eth0", NR_REG_SW | NR_MONITOR_TX, 0, 7 },
	{ "netmap:eth0*@1", "eth0", NR_REG_NIC_SW, 0, 1 },
	{ "netmap:eth0+", "eth0+", NR_REG_ALL_NIC, 0, 0 },
	{ "netmap:", "", NR_REG_ALL_NIC, 0, 0 },
	{ "netmap:vale0:0", "vale0:0", NR_REG_ALL_NIC, 0, 0 },
	{ "netmap:abcdefghijklmno", "abcdefghijklmno", NR_REG_ALL_NIC, 0, 0 },
	{ "vale0:1", "vale0:1", NR_REG_ALL_NIC, 0, 0 },
	{ "vale:1", "vale:1", NR_REG_ALL_NIC, 0, 0 },
	{ "valeXX_1:p_2{4", "valeXX_1:p_2", NR_REG_PIPE_MASTER, 4, 0 },
	{ "vale0:0/Tz", "vale0:0", NR_REG_ALL_NIC | NR_TX_RINGS_ONLY |
	  NR_ZCOPY_MON, 0, 0 },
};

/* Names nm_open() must refuse with EINVAL. */
static const char *const bad_names[] = {
	"netmap:eth0^3", "netmap:eth0{x", "netmap:eth0{", "netmap:eth0}",
	"netmap:eth0-", "netmap:eth0-x", "netmap:eth0-4095",
	"netmap:eth0-99999999999999999999", "netmap:eth0/", "netmap:eth0/q",
	"netmap:eth0/x/z", "netmap:eth0@0", "netmap:eth0@", "netmap:eth0@x",
	"netmap:eth0@1@2", "netmap:eth0@conf:rings=2", "netmap:eth0-1x",
	"netmap:eth0^^", "netmap:eth0*-1", "netmap:abcdefghijklmnop",
	"valea-b:1", "vale0:a.b", "vale0", "vale0:", "vale0:0{",
	"valeabcdefghij:klmnop",
};

/* Not netmap names at all: NULL with errno 0. */
static const char *const foreign_names[] = {
	"eth0", "", "netmapXXX:eth0", "netmap", "val:0", "pcap:eth0",
};

static void test_parser(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(good_names) / sizeof(good_names[0]); i++) {
		struct nmreq req;
		int ret;

		memset(&req, 0, sizeof(req));
		req.nr_flags = NR_NO_TX_POLL;	/* parser ORs into nr_flags */
		req.nr_arg2 = 99;		/* and overwrites nr_arg2 */
		ret = nm_priv_parse_name(good_names[i].name, &req);
		ok(ret == 0 &&
		   strcmp(req.nr_name, good_names[i].nr_name) == 0 &&
		   req.nr_flags == (good_names[i].nr_flags | NR_NO_TX_POLL) &&
		   req.nr_ringid == good_names[i].nr_ringid &&
		   req.nr_arg2 == good_names[i].nr_arg2,
		   "parse '%s' -> name '%s' flags %#x ring %u mem %u",
		   good_names[i].name, good_names[i].nr_name,
		   good_names[i].nr_flags, good_names[i].nr_ringid,
		   good_names[i].nr_arg2);
		if (ret == 0 && (req.nr_flags != (good_names[i].nr_flags |
						  NR_NO_TX_POLL) ||
				 strcmp(req.nr_name, good_names[i].nr_name)))
			printf("# got name '%.16s' flags %#x ring %u mem %u\n",
			       req.nr_name, req.nr_flags, req.nr_ringid,
			       req.nr_arg2);
	}

	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		struct nmreq req, zero;
		struct nm_desc *d;
		int ret;

		memset(&req, 0, sizeof(req));
		memset(&zero, 0, sizeof(zero));
		ret = nm_priv_parse_name(bad_names[i], &req);
		errno = 0;
		d = nm_open(bad_names[i], NULL, 0, NULL);
		/* EINVAL, not ENOENT: refused before opening the device */
		ok(ret == -EINVAL && !memcmp(&req, &zero, sizeof(req)) &&
		   d == NULL && errno == EINVAL,
		   "reject '%s' (EINVAL, device not opened)", bad_names[i]);
	}

	for (i = 0; i < sizeof(foreign_names) / sizeof(foreign_names[0]);
	     i++) {
		struct nm_desc *d;

		errno = EBUSY;
		d = nm_open(foreign_names[i], NULL, 0, NULL);
		ok(d == NULL && errno == 0,
		   "nm_open('%s'): not a netmap name, NULL with errno 0",
		   foreign_names[i]);
	}

	errno = 0;
	ok(nm_open("netmap:eth0-1/x@3", NULL, 0, NULL) == NULL &&
	   errno == ENOENT,
	   "nm_open on a good name reaches the device (ENOENT here)");
	errno = 0;
	ok(nm_open("netmap:eth0^3", NULL, NM_OPEN_IFNAME, NULL) == NULL &&
	   errno == ENOENT,
	   "nm_open with NM_OPEN_IFNAME does not parse the name");
}

int main(void)
{
	printf("TAP version 13\n");
	printf("# built as %s\n",
#ifdef __cplusplus
	       "C++"
#else
	       "C"
#endif
	       );
	test_pointers();
	test_buf_64bit();
	test_index_arith();
	test_offsets();
	test_pkt_copy();
	test_inject();
	test_dispatch();
	test_close();
	test_parser();
	return tap_done();
}
