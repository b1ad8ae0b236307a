/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frames pkt-gen sends: Ethernet + IPv4 + UDP, and a payload that
 * starts with a magic word, a sequence number and a timestamp:
 *
 *	 0 Ethernet (dst, src, type 0x0800)
 *	14 IPv4, 20 bytes, DF, TTL 64, protocol UDP
 *	34 UDP
 *	42 magic "nmPG" | 46 sequence (32 bit) | 50 timestamp (64 bit, ns)
 *	58 fill bytes (offset & 0xff)
 *
 * Multi-byte fields are in network byte order. Both checksums are always
 * valid: pkt_update() recomputes them from a sum of the constant payload
 * taken once, so a large frame costs no more than a small one.
 */
#ifndef PKTGEN_PKT_H
#define PKTGEN_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_HDR_LEN	42
#define PKT_MIN_LEN	60		/* Ethernet minimum without FCS */
#define PKT_MAX_LEN	65535
#define PKT_OFF_MAGIC	42
#define PKT_OFF_SEQ	46
#define PKT_OFF_TS	50
#define PKT_MAGIC	0x6e6d5047u	/* "nmPG" */

/* An address range a.b.c.d:port - e.f.g.h:port, host byte order. */
struct pkt_range {
	uint32_t ip_lo, ip_hi;
	uint16_t port_lo, port_hi;
};

struct pkt_tmpl {
	uint8_t *frame;			/* len bytes */
	unsigned int len;
	uint8_t dst_mac[6], src_mac[6];
	struct pkt_range src, dst;
	uint32_t sip, dip;		/* current addresses and ports */
	uint16_t sport, dport;
	uint32_t payload_sum;		/* bytes 58.. as 16-bit words */
};

/* "IP[:PORT][-IP[:PORT]]"; returns 0 or -1 for a malformed string. */
int pkt_parse_range(const char *s, struct pkt_range *r);
/* "aa:bb:cc:dd:ee:ff"; returns 0 or -1. */
int pkt_parse_mac(const char *s, uint8_t mac[6]);

/* Allocate and fill the frame. Returns 0 or -1 (ENOMEM). */
int pkt_tmpl_init(struct pkt_tmpl *t, unsigned int len);
void pkt_tmpl_free(struct pkt_tmpl *t);
/* Write seq, ts and the current addresses, then both checksums. */
void pkt_update(struct pkt_tmpl *t, uint32_t seq, uint64_t ts);
/* Step to the next address/port combination of the ranges. */
void pkt_next_addr(struct pkt_tmpl *t);

/* Internet checksum helpers: 32-bit partial sum, then fold. */
uint32_t pkt_csum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t pkt_csum_fold(uint32_t sum);

/* What pkt_check() found in a received frame. */
enum pkt_verdict {
	PKT_OK,		/* our UDP/IPv4 frame, checksums valid */
	PKT_OTHER,	/* not a pkt-gen frame */
	PKT_BADSUM,	/* IPv4/UDP with a wrong checksum or length */
};

/* Check a whole frame; on PKT_OK, *seq and *ts are its payload fields. */
enum pkt_verdict pkt_check(const uint8_t *p, size_t len, uint32_t *seq,
			   uint64_t *ts);
/* Swap Ethernet, IPv4 and UDP source and destination in place. */
void pkt_swap_addrs(uint8_t *p, size_t len);

#endif
