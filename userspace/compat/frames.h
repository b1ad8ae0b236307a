/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test frames shared by the source-compatibility programs: Ethernet
 * broadcast, ethertype 0x88b5 (IEEE local experimental), then the magic
 * "NMCOMPAT", a 32-bit sequence number and a byte pattern derived from
 * it. The length of frame seq is a function of seq too, so a receiver can
 * tell a damaged, truncated, foreign or repeated frame from a good one.
 *
 * Plain C with static functions, to be included by one .c file each:
 * this is test scaffolding, not part of the API under test.
 */
#ifndef COMPAT_FRAMES_H
#define COMPAT_FRAMES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FR_ETHERTYPE	0x88b5
#define FR_MIN		60
#define FR_MAX		1514
#define FR_HDR		(14 + 8 + 4)

static unsigned int fr_len(uint32_t seq)
{
	return FR_MIN + (seq * 37u) % (FR_MAX - FR_MIN + 1);
}

static unsigned char fr_byte(uint32_t seq, unsigned int i)
{
	return (unsigned char)(seq * 7u + i);
}

/* Writes frame seq into buf (FR_MAX bytes), returns its length. */
static unsigned int fr_build(unsigned char *buf, uint32_t seq)
{
	unsigned int len = fr_len(seq), i;

	memset(buf, 0xff, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x01", 6);
	buf[12] = FR_ETHERTYPE >> 8;
	buf[13] = FR_ETHERTYPE & 0xff;
	memcpy(buf + 14, "NMCOMPAT", 8);
	buf[22] = (unsigned char)(seq >> 24);
	buf[23] = (unsigned char)(seq >> 16);
	buf[24] = (unsigned char)(seq >> 8);
	buf[25] = (unsigned char)seq;
	for (i = FR_HDR; i < len; i++)
		buf[i] = fr_byte(seq, i);
	return len;
}

/* Receiver's tally; seen[] has one byte per expected sequence number. */
struct fr_stats {
	unsigned long good, bad, other;
	uint32_t count;
	unsigned char *seen;
};

static void fr_stats_init(struct fr_stats *st, uint32_t count)
{
	memset(st, 0, sizeof(*st));
	st->count = count;
	st->seen = (unsigned char *)calloc(count ? count : 1, 1);
	if (!st->seen) {
		perror("calloc");
		exit(2);
	}
}

/* Classify one received frame of len bytes. */
static void fr_check(struct fr_stats *st, const unsigned char *p,
		     unsigned int len)
{
	unsigned int i;
	uint32_t seq;

	if (len < FR_HDR || p[12] != (FR_ETHERTYPE >> 8) ||
	    p[13] != (FR_ETHERTYPE & 0xff)) {
		st->other++;		/* e.g. IPv6 neighbour discovery */
		return;
	}
	seq = (uint32_t)p[22] << 24 | (uint32_t)p[23] << 16 |
	      (uint32_t)p[24] << 8 | p[25];
	if (memcmp(p + 14, "NMCOMPAT", 8) || seq >= st->count ||
	    st->seen[seq] || len != fr_len(seq))
		goto bad;
	for (i = FR_HDR; i < len; i++)
		if (p[i] != fr_byte(seq, i))
			goto bad;
	st->seen[seq] = 1;
	st->good++;
	return;
bad:
	if (st->bad++ < 5)
		fprintf(stderr, "bad frame: len %u seq %u\n", len, seq);
}

/* The line the tests read, and the exit status. */
static int fr_report(const struct fr_stats *st)
{
	printf("received %lu bad %lu other %lu expected %u\n", st->good,
	       st->bad, st->other, st->count);
	return st->good == st->count && !st->bad ? 0 : 1;
}

static void fr_usage(const char *prog, const char *how)
{
	fprintf(stderr,
		"usage: %s tx PORT COUNT\n"
		"       %s rx PORT COUNT [TIMEOUT_SECONDS]\n"
		"Sends or receives COUNT numbered test frames on a netmap "
		"port %s.\nrx prints \"ready\" once the port is open and exits "
		"0 when exactly\nCOUNT good frames arrived before the timeout "
		"(default 20 s).\n", prog, prog, how);
	exit(2);
}

static uint32_t fr_number(const char *s, const char *prog, const char *how)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v > 100000000UL)
		fr_usage(prog, how);
	return (uint32_t)v;
}

#endif
