// SPDX-License-Identifier: GPL-2.0
/*
 * Source compatibility: an application of the legacy netmap API as QEMU
 * and mTCP write it. nm_open() from <net/netmap_user.h> with
 * NETMAP_WITH_LIBS (header-only, no library), then its own loops over
 * the rings: NETMAP_TXRING/NETMAP_RXRING, nm_ring_space, nm_ring_empty,
 * head = cur = nm_ring_next(), NIOCTXSYNC and poll().
 */
#include <poll.h>
#include <time.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#include "frames.h"

static const char *how = "with nm_open() and its own ring loops";

static int do_tx(struct nm_desc *d, uint32_t count)
{
	struct pollfd pfd = { .fd = d->fd, .events = POLLOUT };
	uint32_t seq = 0;
	time_t end = time(NULL) + 30;

	while (seq < count) {
		int r;

		if (time(NULL) > end) {
			fprintf(stderr, "tx stalled after %u frames\n", seq);
			return 1;
		}

		for (r = d->first_tx_ring; r <= d->last_tx_ring && seq < count;
		     r++) {
			struct netmap_ring *ring = NETMAP_TXRING(d->nifp, r);
			unsigned int space = nm_ring_space(ring);

			while (space-- > 0 && seq < count) {
				struct netmap_slot *slot = &ring->slot[ring->cur];
				unsigned char *buf = (unsigned char *)
					NETMAP_BUF(ring, slot->buf_idx);

				slot->len = (uint16_t)fr_build(buf, seq++);
				slot->flags = 0;
				ring->head = ring->cur =
					nm_ring_next(ring, ring->cur);
			}
		}
		if (ioctl(d->fd, NIOCTXSYNC, NULL) < 0) {
			perror("NIOCTXSYNC");
			return 1;
		}
		if (seq < count && poll(&pfd, 1, 2000) < 0) {
			perror("poll");
			return 1;
		}
	}
	/* wait until the kernel has sent everything */
	for (int tries = 0; tries < 200; tries++) {
		int pending = 0, r;

		for (r = d->first_tx_ring; r <= d->last_tx_ring; r++)
			pending |= nm_tx_pending(NETMAP_TXRING(d->nifp, r));
		if (!pending)
			break;
		ioctl(d->fd, NIOCTXSYNC, NULL);
		usleep(10000);
	}
	printf("sent %u\n", seq);
	return 0;
}

static int do_rx(struct nm_desc *d, uint32_t count, int timeout)
{
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	time_t end = time(NULL) + timeout;
	struct fr_stats st;

	fr_stats_init(&st, count);
	printf("ready\n");
	fflush(stdout);
	while (st.good < count && time(NULL) < end) {
		int r;

		if (poll(&pfd, 1, 500) < 0) {
			perror("poll");
			return 1;
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
	return fr_report(&st);
}

int main(int argc, char **argv)
{
	struct nm_desc *d;
	uint32_t count;
	int ret;

	if (argc < 4 || argc > 5)
		fr_usage(argv[0], how);
	count = fr_number(argv[3], argv[0], how);
	d = nm_open(argv[2], NULL, 0, NULL);
	if (!d) {
		fprintf(stderr, "nm_open(%s): %s\n", argv[2],
			errno ? strerror(errno) : "not a netmap port name");
		return 1;
	}
	if (!strcmp(argv[1], "tx"))
		ret = do_tx(d, count);
	else if (!strcmp(argv[1], "rx"))
		ret = do_rx(d, count, argc > 4 ?
			    (int)fr_number(argv[4], argv[0], how) : 20);
	else
		fr_usage(argv[0], how);
	nm_close(d);
	return ret;
}
