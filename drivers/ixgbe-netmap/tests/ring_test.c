// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of ixgbe_netmap_ring.h: the descriptors txsync writes
 * for given slots, RS batching, the RS FIFO, TX completion (DD, then the
 * head register for packets not sent), when ->reg allocates the RS FIFOs
 * and RX write-back decoding,
 * against values computed by hand from the 82599 datasheet's descriptor
 * layout (cmd_type_len: length in bits 0-15, DTYP 20-23, EOP 24, IFCS 25,
 * RS 27, DEXT 29; olinfo_status: PAYLEN from bit 14).
 *
 * Prints TAP; exits 1 if any check fails.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include <linux/netmap.h>

#include "ixgbe_netmap_ring.h"

static int tests, failed;

#define CHECK(cond, ...)						\
	do {								\
		tests++;						\
		if (cond) {						\
			printf("ok %d - ", tests);			\
		} else {						\
			failed++;					\
			printf("not ok %d - ", tests);			\
		}							\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	} while (0)

#define DATA	0x00300000u	/* DTYP = 3 */
#define CTXT	0x00200000u	/* DTYP = 2 */
#define EOP	0x01000000u
#define IFCS	0x02000000u
#define RS	0x08000000u
#define DEXT	0x20000000u

static void frag(struct ixnm_tx_frag *f, __u32 len, __u16 flags, bool ok)
{
	f->len = len;
	f->flags = flags;
	f->buf_ok = ok;
}

static bool all_context(const struct ixnm_txd *d, __u32 n)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (d[i].data || d[i].cmd != (DEXT | CTXT) || d[i].olinfo)
			return false;
	return true;
}

static void test_tx_single(void)
{
	struct ixnm_tx_frag f[1];
	struct ixnm_txd d[1];
	bool sent;

	frag(&f[0], 60, 0, true);
	sent = ixnm_tx_encode(f, 1, 2048, d);
	CHECK(sent && d[0].data, "60-byte frame is sent as a data descriptor");
	CHECK(d[0].cmd == 0x2330003Cu, "60-byte cmd_type_len 0x%08x == 0x2330003c",
	      d[0].cmd);
	CHECK(d[0].olinfo == 0x000F0000u, "60-byte PAYLEN: olinfo 0x%08x == 0x000f0000",
	      d[0].olinfo);
	CHECK(!(d[0].cmd & RS), "encode never sets RS itself");

	frag(&f[0], 1514, NS_REPORT, true);
	sent = ixnm_tx_encode(f, 1, 2048, d);
	CHECK(sent && d[0].cmd == (DATA | DEXT | IFCS | EOP | 1514) &&
	      d[0].olinfo == 1514u << 14, "1514-byte frame, NS_REPORT does not change the descriptor");
}

static void test_tx_multi(void)
{
	struct ixnm_tx_frag f[3];
	struct ixnm_txd d[3];
	bool sent;

	frag(&f[0], 1000, NS_MOREFRAG, true);
	frag(&f[1], 1000, NS_MOREFRAG, true);
	frag(&f[2], 500, 0, true);
	sent = ixnm_tx_encode(f, 3, 2048, d);
	CHECK(sent, "3-slot packet is sent");
	CHECK(d[0].cmd == 0x223003E8u && d[0].olinfo == 0x02710000u,
	      "first descriptor: 1000 bytes, no EOP, PAYLEN 2500 (0x%08x 0x%08x)",
	      d[0].cmd, d[0].olinfo);
	CHECK(d[1].cmd == 0x223003E8u && d[1].olinfo == 0,
	      "middle descriptor: 1000 bytes, no EOP, no PAYLEN");
	CHECK(d[2].cmd == 0x233001F4u && d[2].olinfo == 0,
	      "last descriptor: 500 bytes with EOP (0x%08x)", d[2].cmd);
	CHECK(d[0].data && d[1].data && d[2].data, "all three carry data");
}

static void test_tx_pad(void)
{
	struct ixnm_tx_frag f[2];
	struct ixnm_txd d[2];
	bool sent;

	frag(&f[0], 10, 0, true);
	sent = ixnm_tx_encode(f, 1, 2048, d);
	CHECK(sent && (d[0].cmd & IXNM_TXD_LEN_MASK) == 17 && d[0].olinfo == 17u << 14,
	      "10-byte frame lengthened to 17 (len %u)", d[0].cmd & IXNM_TXD_LEN_MASK);

	frag(&f[0], 8, NS_MOREFRAG, true);
	frag(&f[1], 4, 0, true);
	sent = ixnm_tx_encode(f, 2, 2048, d);
	CHECK(sent && (d[0].cmd & IXNM_TXD_LEN_MASK) == 8 && (d[1].cmd & IXNM_TXD_LEN_MASK) == 9 &&
	      d[0].olinfo == 17u << 14,
	      "12 bytes in 2 slots: the last slot takes the padding");

	frag(&f[0], 17, 0, true);
	sent = ixnm_tx_encode(f, 1, 2048, d);
	CHECK(sent && (d[0].cmd & IXNM_TXD_LEN_MASK) == 17, "17 bytes: not padded");
}

static void test_tx_bad(void)
{
	struct ixnm_tx_frag f[IXNM_TX_MAX_FRAGS + 1];
	struct ixnm_txd d[IXNM_TX_MAX_FRAGS + 1];
	__u32 i;

	frag(&f[0], 100, NS_MOREFRAG, true);
	frag(&f[1], 100, NS_MOREFRAG, false);
	frag(&f[2], 100, 0, true);
	CHECK(!ixnm_tx_encode(f, 3, 2048, d) && all_context(d, 3),
	      "a bad buffer in the middle: 3 context descriptors, nothing sent");

	frag(&f[0], 0, 0, true);
	CHECK(!ixnm_tx_encode(f, 1, 2048, d) && all_context(d, 1),
	      "len 0 is not sent");

	frag(&f[0], 2049, 0, true);
	CHECK(!ixnm_tx_encode(f, 1, 2048, d) && all_context(d, 1),
	      "len above the buffer size is not sent");
	frag(&f[0], 2048, 0, true);
	CHECK(ixnm_tx_encode(f, 1, 2048, d), "len equal to the buffer size is sent");

	frag(&f[0], 16000, 0, true);
	CHECK(!ixnm_tx_encode(f, 1, 65536, d),
	      "16000 bytes in one 64 KB buffer: above the largest frame");
	frag(&f[0], 15872, 0, true);
	CHECK(ixnm_tx_encode(f, 1, 65536, d) && (d[0].cmd & IXNM_TXD_LEN_MASK) == 15872,
	      "15872 bytes in one 64 KB buffer is sent");
	frag(&f[0], 16384, 0, true);
	CHECK(!ixnm_tx_encode(f, 1, 65536, d),
	      "a slot above the descriptor length field (16383) is not sent");

	for (i = 0; i < 8; i++)
		frag(&f[i], 2048, i < 7 ? NS_MOREFRAG : 0, true);
	CHECK(!ixnm_tx_encode(f, 8, 2048, d) && all_context(d, 8),
	      "8 x 2048 bytes: above the largest frame, not sent");
	for (i = 0; i < 7; i++)
		frag(&f[i], 2048, i < 6 ? NS_MOREFRAG : 0, true);
	CHECK(ixnm_tx_encode(f, 7, 2048, d) && d[0].olinfo == (7u * 2048) << 14,
	      "7 x 2048 bytes is sent, PAYLEN 14336");

	for (i = 0; i < IXNM_TX_MAX_FRAGS; i++)
		frag(&f[i], 64, NS_MOREFRAG, true);
	CHECK(!ixnm_tx_encode(f, IXNM_TX_MAX_FRAGS, 2048, d) &&
	      all_context(d, IXNM_TX_MAX_FRAGS),
	      "a chain cut at %d slots (NS_MOREFRAG on the last) is not sent",
	      IXNM_TX_MAX_FRAGS);
	f[IXNM_TX_MAX_FRAGS - 1].flags = 0;
	CHECK(ixnm_tx_encode(f, IXNM_TX_MAX_FRAGS, 2048, d) &&
	      (d[IXNM_TX_MAX_FRAGS - 1].cmd & EOP),
	      "%d slots ending the packet are sent", IXNM_TX_MAX_FRAGS);
	f[IXNM_TX_MAX_FRAGS - 1].flags = NS_MOREFRAG;
	frag(&f[IXNM_TX_MAX_FRAGS], 64, 0, true);
	CHECK(!ixnm_tx_encode(f, IXNM_TX_MAX_FRAGS + 1, 2048, d),
	      "%d slots are too many", IXNM_TX_MAX_FRAGS + 1);
	CHECK(!ixnm_tx_encode(f, 0, 2048, d), "0 slots: nothing");
}

static void test_rs(void)
{
	__u32 store[4], v = 99;
	struct ixnm_rs_fifo q = { .desc = store, .size = 4 };
	bool ok = true;
	__u32 i;

	CHECK(ixnm_tx_rs_interval(512) == 64 && ixnm_tx_rs_interval(64) == 16 &&
	      ixnm_tx_rs_interval(2) == 1 && ixnm_tx_rs_interval(0) == 1,
	      "RS interval: a quarter of the ring, 1 to 64 descriptors");
	CHECK(!ixnm_tx_want_rs(15, 16, false) && ixnm_tx_want_rs(16, 16, false) &&
	      ixnm_tx_want_rs(1, 16, true),
	      "RS once the interval is reached, or on NS_REPORT");

	ixnm_rs_reset(&q);
	CHECK(!ixnm_rs_peek(&q, &v) && v == 99, "empty FIFO: nothing to peek");
	for (i = 0; i < 4; i++)
		ok &= ixnm_rs_push(&q, 10 + i);
	CHECK(ok && !ixnm_rs_push(&q, 14), "FIFO holds its size, refuses more");
	ixnm_rs_peek(&q, &v);
	CHECK(v == 10, "oldest first (%u)", v);
	ixnm_rs_pop(&q);
	ixnm_rs_pop(&q);
	ok = ixnm_rs_push(&q, 14) && ixnm_rs_push(&q, 15);
	for (i = 12; ok && i < 16; i++) {
		ok = ixnm_rs_peek(&q, &v) && v == i;
		ixnm_rs_pop(&q);
	}
	CHECK(ok && q.count == 0, "wrapping around keeps the order");
	ixnm_rs_pop(&q);
	CHECK(q.count == 0 && q.first < q.size, "pop on empty does nothing");
}

/* A fake device for ixnm_tx_complete(): DD bits and a head register. */
struct fake_dev {
	bool dd[8];
	__u32 head;
	int head_reads;
};

static bool fake_dd(void *arg, __u32 d)
{
	return ((struct fake_dev *)arg)->dd[d];
}

static __u32 fake_head(void *arg)
{
	struct fake_dev *dev = arg;

	dev->head_reads++;
	return dev->head;
}

static void test_tx_complete(void)
{
	__u32 store[8];
	struct ixnm_rs_fifo q = { .desc = store, .size = 8 };
	struct fake_dev dev = { .head = 0 };
	__u32 clean;

	CHECK(ixnm_tx_head_done(2, 6, 5, 8) == 5 &&
	      ixnm_tx_head_done(2, 6, 6, 8) == 6 &&
	      ixnm_tx_head_done(2, 6, 2, 8) == 2,
	      "head inside [clean, tail] is taken");
	CHECK(ixnm_tx_head_done(6, 2, 0, 8) == 0 &&
	      ixnm_tx_head_done(6, 2, 7, 8) == 7,
	      "head inside a window that wraps is taken");
	CHECK(ixnm_tx_head_done(2, 6, 7, 8) == 2 &&
	      ixnm_tx_head_done(2, 6, 1, 8) == 2 &&
	      ixnm_tx_head_done(6, 2, 4, 8) == 6,
	      "head outside the descriptors in flight is ignored");
	CHECK(ixnm_tx_head_done(2, 6, 8, 8) == 2 &&
	      ixnm_tx_head_done(2, 6, 0xffffffffu, 8) == 2,
	      "head outside the ring (a device that is gone) is ignored");

	/*
	 * Ring of 8: a batch of two good one-slot packets (descriptors 0 and
	 * 1, RS on 1, the last sent) and a rejected 3-slot packet (context
	 * descriptors 2-4, no RS); the tail is 5.
	 */
	ixnm_rs_reset(&q);
	ixnm_rs_push(&q, 1);
	dev.head = 1;
	clean = ixnm_tx_complete(&q, 0, 5, 8, fake_dd, fake_head, &dev);
	CHECK(clean == 0 && q.count == 1 && dev.head_reads == 0,
	      "RS descriptor not done: nothing completes, head not read");
	dev.dd[1] = true;
	dev.head = 2;
	clean = ixnm_tx_complete(&q, clean, 5, 8, fake_dd, fake_head, &dev);
	CHECK(clean == 2 && q.count == 0 && dev.head_reads == 1,
	      "RS descriptor done, the rejected packet not yet passed (clean %u)",
	      clean);
	dev.head = 5;
	clean = ixnm_tx_complete(&q, clean, 5, 8, fake_dd, fake_head, &dev);
	CHECK(clean == 5 && dev.head_reads == 2,
	      "rejected last packet completes from the head register (clean %u)",
	      clean);
	clean = ixnm_tx_complete(&q, clean, 5, 8, fake_dd, fake_head, &dev);
	CHECK(clean == 5 && dev.head_reads == 2,
	      "nothing in flight: head not read again");

	/* Only rejected packets in a sync, across the end of the ring. */
	dev.head = 7;
	clean = ixnm_tx_complete(&q, 6, 1, 8, fake_dd, fake_head, &dev);
	CHECK(clean == 7, "only rejected packets: head 7 of [6, 1) (clean %u)",
	      clean);
	dev.head = 1;
	clean = ixnm_tx_complete(&q, clean, 1, 8, fake_dd, fake_head, &dev);
	CHECK(clean == 1, "... then head 1 after the wrap (clean %u)", clean);

	/* RS descriptors still pending: no head read, in-order DD. */
	ixnm_rs_push(&q, 3);
	ixnm_rs_push(&q, 6);
	memset(dev.dd, 0, sizeof(dev.dd));
	dev.dd[6] = true;
	dev.head_reads = 0;
	clean = ixnm_tx_complete(&q, 1, 7, 8, fake_dd, fake_head, &dev);
	CHECK(clean == 1 && q.count == 2 && dev.head_reads == 0,
	      "a later RS done before an earlier one: nothing completes");
	dev.dd[3] = true;
	clean = ixnm_tx_complete(&q, clean, 7, 8, fake_dd, fake_head, &dev);
	CHECK(clean == 7 && q.count == 0 && dev.head_reads == 0,
	      "both done: clean after the last RS, which is the tail");
}

static void test_rs_realloc(void)
{
	CHECK(ixnm_rs_realloc(false, 0, 512) && ixnm_rs_realloc(false, 512, 1024),
	      "entering netmap mode: FIFOs made for the ring size");
	CHECK(!ixnm_rs_realloc(false, 512, 512),
	      "entering again with the same ring size: FIFOs kept");
	CHECK(!ixnm_rs_realloc(true, 512, 512) && !ixnm_rs_realloc(true, 512, 1024) &&
	      !ixnm_rs_realloc(true, 0, 512),
	      "->reg(on) while on (rings bound/released): never reallocated");
}

static void test_rx(void)
{
	__u32 len = 7;
	__u16 flags = 7;

	CHECK(!ixnm_rx_slot(0x2, 60, 2048, &len, &flags) && len == 7 &&
	      flags == 7, "RX: no DD, nothing taken");
	CHECK(ixnm_rx_slot(0x3, 60, 2048, &len, &flags) && len == 60 &&
	      flags == 0, "RX: DD+EOP, 60 bytes, one slot");
	CHECK(ixnm_rx_slot(0x1, 2048, 2048, &len, &flags) && len == 2048 &&
	      flags == NS_MOREFRAG, "RX: DD without EOP: NS_MOREFRAG");
	CHECK(ixnm_rx_slot(0x3, 9000, 2048, &len, &flags) && len == 2048,
	      "RX: a length above the buffer is clamped");
}

int main(void)
{
	test_tx_single();
	test_tx_multi();
	test_tx_pad();
	test_tx_bad();
	test_rs();
	test_tx_complete();
	test_rs_realloc();
	test_rx();
	printf("1..%d\n# %d passed, %d failed\n", tests, tests - failed, failed);
	return failed ? 1 : 0;
}
