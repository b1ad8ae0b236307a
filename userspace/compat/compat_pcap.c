// SPDX-License-Identifier: GPL-2.0
/*
 * Source compatibility: the legacy netmap API the way libpcap and Zeek
 * use it. nm_open(); nm_inject() to send with the transmission left to
 * the next poll(POLLIN) (libpcap's pcap_inject does no NIOCTXSYNC), and
 * poll(POLLOUT) when the rings are full; on the
 * receive side poll(POLLIN) then nm_dispatch() with a pcap-style
 * callback (libpcap), or, with "rx-next", nm_nextpkt() until NULL (Zeek).
 */
#include <poll.h>
#include <time.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#include "frames.h"

static const char *how = "with nm_open(), nm_inject() and nm_dispatch() "
			 "(rx) or nm_nextpkt() (rx-next)";

static int do_tx(struct nm_desc *d, uint32_t count)
{
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	unsigned char frame[FR_MAX];
	uint32_t seq = 0;
	int ret;
	time_t end = time(NULL) + 30;

	while (seq < count) {
		unsigned int len = fr_build(frame, seq);

		if (time(NULL) > end) {
			fprintf(stderr, "tx stalled after %u frames\n", seq);
			return 1;
		}

		if (nm_inject(d, frame, len) == (int)len) {
			seq++;
			continue;
		}
		/*
		 * Rings full: wait for room with POLLOUT (as libdaq does);
		 * a poll() for POLLIN pushes new slots out but reclaims
		 * nothing when no new slot was queued.
		 */
		pfd.events = POLLOUT;
		ret = poll(&pfd, 1, 100);
		pfd.events = POLLIN;
		if (ret < 0) {
			perror("poll");
			return 1;
		}
	}
	/* the last frames leave on a poll(POLLIN) too */
	for (int tries = 0; tries < 100; tries++) {
		int pending = 0, r;

		poll(&pfd, 1, 10);
		for (r = d->first_tx_ring; r <= d->last_tx_ring; r++)
			pending |= nm_tx_pending(NETMAP_TXRING(d->nifp, r));
		if (!pending)
			break;
	}
	printf("sent %u\n", seq);
	return 0;
}

/* nm_cb_t, with the argument types of a pcap_handler */
static void rx_cb(unsigned char *user, const struct nm_pkthdr *h,
		  const unsigned char *bytes)
{
	struct fr_stats *st = (struct fr_stats *)user;

	if (h->caplen != h->len) {	/* one slot is enough for our frames */
		st->bad++;
		return;
	}
	fr_check(st, bytes, h->caplen);
}

static int do_rx(struct nm_desc *d, uint32_t count, int timeout, int next)
{
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	time_t end = time(NULL) + timeout;
	struct fr_stats st;

	fr_stats_init(&st, count);
	printf("ready\n");
	fflush(stdout);
	while (st.good < count && time(NULL) < end) {
		if (poll(&pfd, 1, 500) < 0) {
			perror("poll");
			return 1;
		}
		if (next) {
			struct nm_pkthdr h;
			unsigned char *buf;

			while ((buf = nm_nextpkt(d, &h)) != NULL)
				rx_cb((unsigned char *)&st, &h, buf);
		} else {
			nm_dispatch(d, -1, rx_cb, (unsigned char *)&st);
		}
	}
	return fr_report(&st);
}

int main(int argc, char **argv)
{
	struct nm_desc *d;
	uint32_t count;
	int ret, timeout;

	if (argc < 4 || argc > 5)
		fr_usage(argv[0], how);
	count = fr_number(argv[3], argv[0], how);
	timeout = argc > 4 ? (int)fr_number(argv[4], argv[0], how) : 20;
	d = nm_open(argv[2], NULL, 0, NULL);
	if (!d) {
		fprintf(stderr, "nm_open(%s): %s\n", argv[2],
			errno ? strerror(errno) : "not a netmap port name");
		return 1;
	}
	if (!strcmp(argv[1], "tx"))
		ret = do_tx(d, count);
	else if (!strcmp(argv[1], "rx"))
		ret = do_rx(d, count, timeout, 0);
	else if (!strcmp(argv[1], "rx-next"))
		ret = do_rx(d, count, timeout, 1);
	else
		fr_usage(argv[0], how);
	nm_close(d);
	return ret;
}
