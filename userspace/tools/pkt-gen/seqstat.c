// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sequence number accounting for pkt-gen rxseq (see seqstat.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seqstat.h"

static int seen_test(const struct seqstat *s, uint64_t seq)
{
	uint64_t b = seq % SEQSTAT_WINDOW;

	return (s->seen[b / 8] >> (b % 8)) & 1;
}

static void seen_set(struct seqstat *s, uint64_t seq)
{
	uint64_t b = seq % SEQSTAT_WINDOW;

	s->seen[b / 8] |= (uint8_t)(1u << (b % 8));
}

static void seen_clear(struct seqstat *s, uint64_t seq)
{
	uint64_t b = seq % SEQSTAT_WINDOW;

	s->seen[b / 8] &= (uint8_t)~(1u << (b % 8));
}

int seqstat_init(struct seqstat *s, uint64_t first)
{
	memset(s, 0, sizeof(*s));
	s->next = first;
	s->seen = calloc(SEQSTAT_WINDOW / 8, 1);
	if (!s->seen) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void seqstat_add(struct seqstat *s, uint64_t seq)
{
	s->received++;
	if (seq >= s->next) {
		uint64_t gap = seq - s->next, i;

		s->lost += gap;
		/* Forget the marks the window's new positions still hold. */
		if (gap >= SEQSTAT_WINDOW)
			memset(s->seen, 0, SEQSTAT_WINDOW / 8);
		else
			for (i = s->next; i < seq; i++)
				seen_clear(s, i);
		seen_set(s, seq);
		s->next = seq + 1;
		return;
	}
	if (s->next - seq > SEQSTAT_WINDOW) {
		s->old++;
	} else if (seen_test(s, seq)) {
		s->dup++;
	} else {
		/* A late member of an earlier gap (or below first). */
		seen_set(s, seq);
		s->reordered++;
		if (s->lost)
			s->lost--;
	}
}

void seqstat_free(struct seqstat *s)
{
	free(s->seen);
	s->seen = NULL;
}
