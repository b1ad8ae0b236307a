/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sequence number accounting for pkt-gen rxseq: which packets of a
 * numbered stream were lost, duplicated or arrived out of order.
 *
 * The sender numbers packets first, first + 1, ... The receiver feeds
 * every number it sees to seqstat_add(). A number above the highest seen
 * so far opens a gap whose packets count as lost; one of them arriving
 * later moves from lost to reordered. A number seen before is a
 * duplicate. Whether a number was seen is remembered for the last
 * SEQSTAT_WINDOW numbers below the highest; anything older is counted
 * as "old" (neither duplicate nor reordered can be told apart there).
 * Packets missing after the last one received cannot be seen, so they
 * are not counted as lost.
 */
#ifndef PKTGEN_SEQSTAT_H
#define PKTGEN_SEQSTAT_H

#include <stdint.h>

#define SEQSTAT_WINDOW	(1u << 20)

struct seqstat {
	uint64_t next;		/* lowest number above all seen */
	uint64_t received;
	uint64_t lost;
	uint64_t dup;
	uint64_t reordered;
	uint64_t old;
	uint8_t *seen;		/* SEQSTAT_WINDOW bits, indexed seq % window */
};

/* Expect first as the first number. Returns 0, or -1 (ENOMEM). */
int seqstat_init(struct seqstat *s, uint64_t first);
void seqstat_add(struct seqstat *s, uint64_t seq);
void seqstat_free(struct seqstat *s);

#endif
