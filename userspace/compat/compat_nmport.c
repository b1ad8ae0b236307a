// SPDX-License-Identifier: GPL-2.0
/*
 * Source compatibility: a libnetmap application as pkt-gen, bridge and
 * Suricata write it. The receiver uses nmport_prepare(), edits reg
 * (NR_NO_TX_POLL, as Suricata does for its receive descriptors) and
 * calls nmport_open_desc(), then a clone of the port opened on the same
 * memory (pkt-gen's per-thread descriptors) must share the mapping. The
 * sender uses nmport_open() and nmport_inject() + NIOCTXSYNC (Suricata,
 * tlem). Built with -lnetmap from pkg-config.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <time.h>

#include <libnetmap.h>

#include "frames.h"

static const char *how = "with libnetmap (nmport_*)";

static int do_tx(const char *spec, uint32_t count)
{
	unsigned char frame[FR_MAX];
	struct nmport_d *d;
	struct pollfd pfd;
	uint32_t seq = 0;
	time_t end = time(NULL) + 30;

	d = nmport_open(spec);
	if (!d) {
		fprintf(stderr, "nmport_open(%s): %s\n", spec,
			strerror(errno));
		return 1;
	}
	pfd.fd = d->fd;
	pfd.events = POLLOUT;
	while (seq < count) {
		unsigned int len = fr_build(frame, seq);

		if (time(NULL) > end) {
			fprintf(stderr, "tx stalled after %u frames\n", seq);
			return 1;
		}

		if (nmport_inject(d, frame, len) != 0) {
			seq++;
			continue;
		}
		if (ioctl(d->fd, NIOCTXSYNC, NULL) < 0 ||
		    poll(&pfd, 1, 1000) < 0) {
			perror("sync");
			nmport_close(d);
			return 1;
		}
	}
	for (int tries = 0; tries < 200; tries++) {
		int pending = 0, r;

		ioctl(d->fd, NIOCTXSYNC, NULL);
		for (r = d->first_tx_ring; r <= d->last_tx_ring; r++)
			pending |= nm_tx_pending(NETMAP_TXRING(d->nifp, r));
		if (!pending)
			break;
		usleep(10000);
	}
	printf("sent %u\n", seq);
	nmport_close(d);
	return 0;
}

static int do_rx(const char *spec, uint32_t count, int timeout)
{
	time_t end = time(NULL) + timeout;
	struct nmport_d *d, *clone;
	struct fr_stats st;
	struct pollfd pfd;
	int ret;

	d = nmport_prepare(spec);
	if (!d) {
		fprintf(stderr, "nmport_prepare(%s): %s\n", spec,
			strerror(errno));
		return 1;
	}
	d->reg.nr_flags |= NR_NO_TX_POLL;
	if (nmport_open_desc(d) < 0) {
		fprintf(stderr, "nmport_open_desc(%s): %s\n", spec,
			strerror(errno));
		nmport_close(d);
		return 1;
	}
	/* a second descriptor on the same rings, pkt-gen style */
	clone = nmport_clone(d);
	if (!clone || nmport_open_desc(clone) < 0) {
		fprintf(stderr, "clone of %s: %s\n", spec, strerror(errno));
		nmport_close(clone);
		nmport_close(d);
		return 1;
	}
	if (clone->mem != d->mem || clone->first_rx_ring != d->first_rx_ring ||
	    clone->last_rx_ring != d->last_rx_ring) {
		fprintf(stderr, "clone does not share the mapping/rings\n");
		nmport_close(clone);
		nmport_close(d);
		return 1;
	}
	nmport_close(clone);

	fr_stats_init(&st, count);
	printf("ready rx rings %u..%u\n", d->first_rx_ring, d->last_rx_ring);
	fflush(stdout);
	pfd.fd = d->fd;
	pfd.events = POLLIN;
	while (st.good < count && time(NULL) < end) {
		int r;

		if (poll(&pfd, 1, 500) < 0) {
			perror("poll");
			break;
		}
		for (r = d->first_rx_ring; r <= d->last_rx_ring; r++) {
			struct netmap_ring *ring = NETMAP_RXRING(d->nifp, r);

			while (!nm_ring_empty(ring)) {
				struct netmap_slot *slot = &ring->slot[ring->cur];

				fr_check(&st, (const unsigned char *)
					 NETMAP_BUF(ring, slot->buf_idx),
					 slot->len);
				ring->head = ring->cur =
					nm_ring_next(ring, ring->cur);
			}
		}
	}
	ret = fr_report(&st);
	nmport_close(d);
	return ret;
}

int main(int argc, char **argv)
{
	uint32_t count;

	if (argc < 4 || argc > 5)
		fr_usage(argv[0], how);
	count = fr_number(argv[3], argv[0], how);
	if (!strcmp(argv[1], "tx"))
		return do_tx(argv[2], count);
	if (!strcmp(argv[1], "rx"))
		return do_rx(argv[2], count, argc > 4 ?
			     (int)fr_number(argv[4], argv[0], how) : 20);
	fr_usage(argv[0], how);
	return 2;
}
