// SPDX-License-Identifier: BSD-2-Clause
/*
 * Building, stepping and checking pkt-gen frames (see pkt.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

uint32_t pkt_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += get16(p + i);
		if (sum & 0x80000000u)	/* fold early, never overflow */
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int parse_ip_port(const char *s, size_t n, uint32_t *ip,
			 uint16_t *port, int *has_port)
{
	char buf[32], *colon, *end;
	struct in_addr a;
	unsigned long v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*has_port = 0;
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		errno = 0;
		v = strtoul(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end || v > 65535)
			return -1;
		*port = (uint16_t)v;
		*has_port = 1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

int pkt_parse_range(const char *s, struct pkt_range *r)
{
	const char *dash = strchr(s, '-');
	size_t n1 = dash ? (size_t)(dash - s) : strlen(s);
	uint16_t port = r->port_lo;
	int has_port;

	if (parse_ip_port(s, n1, &r->ip_lo, &port, &has_port))
		return -1;
	r->port_lo = port;
	r->ip_hi = r->ip_lo;
	r->port_hi = r->port_lo;
	if (!dash)
		return 0;
	if (parse_ip_port(dash + 1, strlen(dash + 1), &r->ip_hi, &port,
			  &has_port))
		return -1;
	if (has_port)
		r->port_hi = port;
	if (r->ip_hi < r->ip_lo || r->port_hi < r->port_lo)
		return -1;
	return 0;
}

int pkt_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int pkt_tmpl_init(struct pkt_tmpl *t, unsigned int len)
{
	unsigned int i;
	uint8_t *p;

	p = malloc(len);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	t->frame = p;
	t->len = len;
	memset(p, 0, PKT_OFF_TS + 8);
	memcpy(p, t->dst_mac, 6);
	memcpy(p + 6, t->src_mac, 6);
	put16(p + 12, 0x0800);
	p[14] = 0x45;			/* IPv4, 5 words of header */
	put16(p + 16, (uint16_t)(len - 14));
	put16(p + 20, 0x4000);		/* don't fragment */
	p[22] = 64;			/* TTL */
	p[23] = 17;			/* UDP */
	put16(p + 38, (uint16_t)(len - 34));
	put32(p + PKT_OFF_MAGIC, PKT_MAGIC);
	for (i = PKT_OFF_TS + 8; i < len; i++)
		p[i] = (uint8_t)i;
	t->payload_sum = pkt_csum_add(0, p + PKT_OFF_TS + 8,
				      len - PKT_OFF_TS - 8);
	t->sip = t->src.ip_lo;
	t->dip = t->dst.ip_lo;
	t->sport = t->src.port_lo;
	t->dport = t->dst.port_lo;
	pkt_update(t, 0, 0);
	return 0;
}

void pkt_tmpl_free(struct pkt_tmpl *t)
{
	free(t->frame);
	t->frame = NULL;
}

void pkt_update(struct pkt_tmpl *t, uint32_t seq, uint64_t ts)
{
	uint8_t *p = t->frame;
	uint32_t sum;

	put32(p + 26, t->sip);
	put32(p + 30, t->dip);
	put16(p + 24, 0);
	put16(p + 24, pkt_csum_fold(pkt_csum_add(0, p + 14, 20)));

	put16(p + 34, t->sport);
	put16(p + 36, t->dport);
	put32(p + PKT_OFF_SEQ, seq);
	put32(p + PKT_OFF_TS, (uint32_t)(ts >> 32));
	put32(p + PKT_OFF_TS + 4, (uint32_t)ts);
	put16(p + 40, 0);
	/* Pseudo header: addresses, protocol, UDP length. */
	sum = pkt_csum_add(t->payload_sum, p + 26, 8);
	sum += 17 + (t->len - 34);
	sum = pkt_csum_add(sum, p + 34, PKT_OFF_TS + 8 - 34);
	sum = pkt_csum_fold(sum);
	put16(p + 40, sum ? (uint16_t)sum : 0xffff);
}

void pkt_next_addr(struct pkt_tmpl *t)
{
	if (t->sport < t->src.port_hi) {
		t->sport++;
		return;
	}
	t->sport = t->src.port_lo;
	if (t->sip < t->src.ip_hi) {
		t->sip++;
		return;
	}
	t->sip = t->src.ip_lo;
	if (t->dport < t->dst.port_hi) {
		t->dport++;
		return;
	}
	t->dport = t->dst.port_lo;
	if (t->dip < t->dst.ip_hi)
		t->dip++;
	else
		t->dip = t->dst.ip_lo;
}

enum pkt_verdict pkt_check(const uint8_t *p, size_t len, uint32_t *seq,
			   uint64_t *ts)
{
	unsigned int ihl, iplen, udplen;
	uint32_t sum;

	if (len < 34 || get16(p + 12) != 0x0800 || (p[14] >> 4) != 4)
		return PKT_OTHER;
	ihl = (p[14] & 0xf) * 4u;
	if (ihl < 20 || len < 14 + ihl)
		return PKT_BADSUM;
	if (pkt_csum_fold(pkt_csum_add(0, p + 14, ihl)) != 0)
		return PKT_BADSUM;
	iplen = get16(p + 16);
	if (iplen < ihl || 14 + iplen > len)
		return PKT_BADSUM;
	if (p[23] != 17)
		return PKT_OTHER;
	if (iplen < ihl + 8)
		return PKT_BADSUM;
	udplen = get16(p + 14 + ihl + 4);
	if (udplen < 8 || udplen > iplen - ihl)
		return PKT_BADSUM;
	if (get16(p + 14 + ihl + 6) != 0) {
		sum = pkt_csum_add(0, p + 26, 8);
		sum += 17 + udplen;
		sum = pkt_csum_add(sum, p + 14 + ihl, udplen);
		if (pkt_csum_fold(sum) != 0)
			return PKT_BADSUM;
	}
	if (ihl != 20 || udplen < PKT_OFF_TS + 8 - 34 ||
	    get32(p + PKT_OFF_MAGIC) != PKT_MAGIC)
		return PKT_OTHER;
	*seq = get32(p + PKT_OFF_SEQ);
	*ts = (uint64_t)get32(p + PKT_OFF_TS) << 32 | get32(p + PKT_OFF_TS + 4);
	return PKT_OK;
}

void pkt_swap_addrs(uint8_t *p, size_t len)
{
	uint8_t tmp[6];
	unsigned int ihl;

	if (len < 14)
		return;
	memcpy(tmp, p, 6);
	memcpy(p, p + 6, 6);
	memcpy(p + 6, tmp, 6);
	if (len < 34 || get16(p + 12) != 0x0800 || (p[14] >> 4) != 4)
		return;
	/* Swapping leaves both checksums valid: sums are commutative. */
	memcpy(tmp, p + 26, 4);
	memcpy(p + 26, p + 30, 4);
	memcpy(p + 30, tmp, 4);
	ihl = (p[14] & 0xf) * 4u;
	if ((p[23] == 17 || p[23] == 6) && len >= 14 + ihl + 4) {
		memcpy(tmp, p + 14 + ihl, 2);
		memcpy(p + 14 + ihl, p + 14 + ihl + 2, 2);
		memcpy(p + 14 + ihl + 2, tmp, 2);
	}
}
