// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit test of pkt-gen's frame code (pkt.c) and sequence accounting
 * (seqstat.c), under ASan/UBSan; prints TAP. The reference checksums of
 * the known frame were computed independently (a few lines of Python
 * over the same bytes), not with pkt.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "seqstat.h"

static int n_test, n_fail;

static void ok(int cond, const char *what)
{
	n_test++;
	if (!cond)
		n_fail++;
	printf("%sok %d %s\n", cond ? "" : "not ", n_test, what);
}

static unsigned int get16(const uint8_t *p)
{
	return (unsigned int)(p[0] << 8 | p[1]);
}

static void default_tmpl(struct pkt_tmpl *t)
{
	memset(t, 0, sizeof(*t));
	memset(t->dst_mac, 0xff, 6);
	memcpy(t->src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	t->src = (struct pkt_range){ 0x0a000001, 0x0a000001, 1234, 1234 };
	t->dst = (struct pkt_range){ 0x0a010001, 0x0a010001, 1234, 1234 };
}

static void test_frame(void)
{
	struct pkt_tmpl t;
	uint64_t ts = 0;
	uint32_t seq = 0;

	default_tmpl(&t);
	if (pkt_tmpl_init(&t, 61)) {
		ok(0, "template allocated");
		return;
	}
	pkt_update(&t, 7, 0x0102030405060708ull);
	ok(get16(t.frame + 24) == 0x26bc, "IPv4 header checksum of the reference frame");
	ok(get16(t.frame + 40) == 0x9d06, "UDP checksum of the reference frame (odd length)");
	ok(pkt_check(t.frame, t.len, &seq, &ts) == PKT_OK && seq == 7 &&
	   ts == 0x0102030405060708ull, "pkt_check accepts it, reads seq and timestamp");
	t.frame[60] ^= 1;
	ok(pkt_check(t.frame, t.len, &seq, &ts) == PKT_BADSUM, "a flipped payload bit is a bad UDP checksum");
	t.frame[60] ^= 1;
	t.frame[22]--;
	ok(pkt_check(t.frame, t.len, &seq, &ts) == PKT_BADSUM, "a changed TTL is a bad IPv4 checksum");
	t.frame[22]++;
	ok(pkt_check(t.frame, 50, &seq, &ts) == PKT_BADSUM, "a truncated frame is rejected");
	t.frame[12] = 0x86;
	ok(pkt_check(t.frame, t.len, &seq, &ts) == PKT_OTHER, "a non-IPv4 frame is other");
	t.frame[12] = 0x08;
	pkt_swap_addrs(t.frame, t.len);
	ok(t.frame[0] == 0x02 && t.frame[6] == 0xff && t.frame[29] == 1 &&
	   t.frame[31] == 0 && t.frame[33] == 1 &&
	   pkt_check(t.frame, t.len, &seq, &ts) == PKT_OK,
	   "pkt_swap_addrs swaps MACs and IPs, checksums stay valid");
	pkt_tmpl_free(&t);
}

static void test_ranges(void)
{
	struct pkt_range r = { 0, 0, 1234, 1234 };
	struct pkt_tmpl t;
	unsigned int i, good = 1, seen[4] = { 0 };
	uint64_t ts;
	uint32_t seq;

	ok(pkt_parse_range("10.0.0.1", &r) == 0 && r.ip_lo == 0x0a000001 &&
	   r.ip_hi == r.ip_lo && r.port_lo == 1234 && r.port_hi == 1234,
	   "range: a bare address keeps the default port");
	ok(pkt_parse_range("192.168.1.1:9-192.168.1.3:11", &r) == 0 &&
	   r.ip_lo == 0xc0a80101 && r.ip_hi == 0xc0a80103 &&
	   r.port_lo == 9 && r.port_hi == 11, "range: IP:PORT-IP:PORT");
	ok(pkt_parse_range("10.0.0.1:7-10.0.0.2", &r) == 0 &&
	   r.port_lo == 7 && r.port_hi == 7, "range: end without port takes the start port");
	ok(pkt_parse_range("10.0.0.300", &r) && pkt_parse_range("1.2.3", &r) &&
	   pkt_parse_range("1.2.3.4:65536", &r) &&
	   pkt_parse_range("1.2.3.4:", &r) && pkt_parse_range("", &r) &&
	   pkt_parse_range("1.2.3.4-", &r) &&
	   pkt_parse_range("1.2.3.5-1.2.3.4", &r) &&
	   pkt_parse_range("1.2.3.4:9-1.2.3.4:8", &r) &&
	   pkt_parse_range("1.2.3.4:x", &r),
	   "range: malformed and empty ranges are rejected");

	default_tmpl(&t);
	t.src = (struct pkt_range){ 0x0a000001, 0x0a000001, 5, 6 };
	t.dst = (struct pkt_range){ 0x0a010001, 0x0a010002, 9, 9 };
	if (pkt_tmpl_init(&t, 60)) {
		ok(0, "template allocated");
		return;
	}
	for (i = 0; i < 8; i++) {
		pkt_update(&t, i, 0);
		if (pkt_check(t.frame, t.len, &seq, &ts) != PKT_OK)
			good = 0;
		seen[(t.sport - 5) + 2 * (t.dip - 0x0a010001)]++;
		pkt_next_addr(&t);
	}
	ok(good, "every address/port combination gets valid checksums");
	ok(seen[0] == 2 && seen[1] == 2 && seen[2] == 2 && seen[3] == 2,
	   "the 4 combinations come round evenly, then wrap");
	pkt_tmpl_free(&t);
}

static void test_mac(void)
{
	uint8_t m[6];

	ok(pkt_parse_mac("00:1b:21:AB:cd:ef", m) == 0 && m[0] == 0 &&
	   m[3] == 0xab && m[5] == 0xef, "MAC parsed");
	ok(pkt_parse_mac("00:1b:21:ab:cd", m) && pkt_parse_mac("zz:1b:21:ab:cd:ef", m) &&
	   pkt_parse_mac("00:1b:21:ab:cd:ef:01", m) && pkt_parse_mac("", m) &&
	   pkt_parse_mac("001b21abcdef", m), "malformed MACs rejected");
}

struct seq_case {
	const char *what;
	uint64_t first;
	const uint64_t *seqs;
	unsigned int n;
	uint64_t lost, dup, reordered, old;
};

#define W SEQSTAT_WINDOW
#define SEQS(...) (const uint64_t[]){ __VA_ARGS__ }, \
	sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t)

static void test_seqstat(void)
{
	const struct seq_case cases[] = {
		{ "in order", 0, SEQS(0, 1, 2, 3, 4), 0, 0, 0, 0 },
		{ "gap of 2", 0, SEQS(0, 1, 4, 5), 2, 0, 0, 0 },
		{ "missing start", 0, SEQS(3, 4), 3, 0, 0, 0 },
		{ "first=100", 100, SEQS(100, 101, 102), 0, 0, 0, 0 },
		{ "late pair fills the gap", 0, SEQS(0, 3, 1, 2, 4), 0, 0, 2, 0 },
		{ "duplicate", 0, SEQS(0, 1, 1, 2, 0), 0, 2, 0, 0 },
		{ "late then repeated", 0, SEQS(0, 2, 1, 1), 0, 1, 1, 0 },
		{ "restart from 0", 0, SEQS(0, 1, 2, 0, 1, 2), 0, 3, 0, 0 },
		{ "beyond the window", 0, SEQS(0, W + 5, 3), W + 4, 0, 0, 1 },
		/* Positions reused after a small jump are forgotten... */
		{ "small jump clears", 0, SEQS(0, 1, 2, 3, W + 2, W),
		  W - 3, 0, 1, 0 },
		/* ...and after a jump beyond the window too. */
		{ "big jump clears", 0, SEQS(0, 1, 2, 2 * W + 1, W + 2),
		  2 * W - 2 - 1, 0, 1, 0 },
	};
	unsigned int c, i;
	char what[128];

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct seq_case *k = &cases[c];
		struct seqstat s;

		if (seqstat_init(&s, k->first)) {
			ok(0, "seqstat_init");
			continue;
		}
		for (i = 0; i < k->n; i++)
			seqstat_add(&s, k->seqs[i]);
		snprintf(what, sizeof(what), "seqstat %s: lost %llu dup %llu reordered %llu old %llu",
			 k->what, (unsigned long long)s.lost,
			 (unsigned long long)s.dup,
			 (unsigned long long)s.reordered,
			 (unsigned long long)s.old);
		ok(s.received == k->n && s.lost == k->lost && s.dup == k->dup &&
		   s.reordered == k->reordered && s.old == k->old, what);
		seqstat_free(&s);
	}
}

int main(void)
{
	printf("TAP version 13\n");
	test_frame();
	test_ranges();
	test_mac();
	test_seqstat();
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
