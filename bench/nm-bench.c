// SPDX-License-Identifier: GPL-2.0
/*
 * The netmap side of make bench, on <net/netmap_user.h>'s nm_open():
 *
 *   tx		netmap:IFNAME, all its TX rings: up to BATCH slots queued,
 *		then one NIOCTXSYNC; poll(POLLOUT) when every ring is full
 *   rx		netmap:IFNAME: NIOCRXSYNC, then up to BATCH slots consumed
 *		(first byte of each frame read); poll(POLLIN) when empty
 *   pipe	pipe IFNAME{1 -> IFNAME}1, transmitter thread on CPU -c,
 *		receiver (measured) on CPU -C, both as in tx / rx
 *   pipe1	the same pipe from one thread: queue BATCH, TXSYNC, RXSYNC,
 *		consume what arrived
 *   hold	netmap:IFNAME bound and left alone for -d seconds (or until
 *		SIGTERM), "holding" printed once bound: keeps a port in
 *		netmap mode, so that the device reset of entering it (native
 *		adapters) happens before a measurement rather than in it
 *
 * Transmit buffers are filled with the frame once at start, as TX_RING's
 * are in afp-bench; per packet only the slot length is written.
 */
#include "bcommon.h"

#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#define MODES "tx rx pipe pipe1 hold"

static unsigned char frame[BENCH_MAXLEN];
static volatile int stop;

static struct nm_desc *port_open(const char *name)
{
	char full[64];
	struct nm_desc *d;

	snprintf(full, sizeof(full), "netmap:%s", name);
	d = nm_open(full, NULL, 0, NULL);
	if (!d) {
		fprintf(stderr, "nm_open %s: %s\n", full, strerror(errno));
		exit(1);
	}
	return d;
}

static void fill_tx(struct nm_desc *d, unsigned int len)
{
	unsigned int r, i;

	for (r = d->first_tx_ring; r <= d->last_tx_ring; r++) {
		struct netmap_ring *ring = NETMAP_TXRING(d->nifp, r);

		for (i = 0; i < ring->num_slots; i++)
			memcpy(NETMAP_BUF(ring, ring->slot[i].buf_idx), frame, len);
	}
}

/* Queue up to max slots over the TX rings; returns how many. */
static unsigned int tx_queue(struct nm_desc *d, unsigned int max,
			     unsigned int len)
{
	unsigned int r, done = 0;

	for (r = d->first_tx_ring; r <= d->last_tx_ring && done < max; r++) {
		struct netmap_ring *ring = NETMAP_TXRING(d->nifp, r);
		unsigned int n = nm_ring_space(ring), cur = ring->cur;

		if (n > max - done)
			n = max - done;
		done += n;
		while (n--) {
			ring->slot[cur].len = len;
			ring->slot[cur].flags = 0;
			cur = nm_ring_next(ring, cur);
		}
		ring->head = ring->cur = cur;
	}
	return done;
}

/* Consume up to max received slots; returns how many. */
static unsigned int rx_consume(struct nm_desc *d, unsigned int max)
{
	unsigned int r, done = 0;

	for (r = d->first_rx_ring; r <= d->last_rx_ring && done < max; r++) {
		struct netmap_ring *ring = NETMAP_RXRING(d->nifp, r);
		unsigned int n = nm_ring_space(ring), cur = ring->cur;
		volatile unsigned char sink;

		if (n > max - done)
			n = max - done;
		done += n;
		while (n--) {
			sink = *(unsigned char *)NETMAP_BUF(ring, ring->slot[cur].buf_idx);
			(void)sink;
			cur = nm_ring_next(ring, cur);
		}
		ring->head = ring->cur = cur;
	}
	return done;
}

struct loop {
	const struct bench_opts *o;
	struct nm_desc *d;
	uint64_t pkts, calls, cyc;
};

static void wait_ring(struct nm_desc *d, short ev, uint64_t *calls)
{
	struct pollfd pfd = { .fd = d->fd, .events = ev };

	(*calls)++;
	poll(&pfd, 1, 100);
}

static void tx_loop(struct loop *l, struct bench_clock *c)
{
	do {
		unsigned int n = tx_queue(l->d, l->o->batch, l->o->len);

		if (!n) {
			wait_ring(l->d, POLLOUT, &l->calls);
			continue;
		}
		l->calls++;
		if (ioctl(l->d->fd, NIOCTXSYNC, NULL)) {
			perror("NIOCTXSYNC");
			exit(1);
		}
		l->pkts += n;
	} while (c ? bench_tick(c, l->pkts) : !stop);
}

static void rx_loop(struct loop *l, struct bench_clock *c)
{
	do {
		unsigned int n;

		l->calls++;
		if (ioctl(l->d->fd, NIOCRXSYNC, NULL)) {
			perror("NIOCRXSYNC");
			exit(1);
		}
		n = rx_consume(l->d, l->o->batch);
		if (!n)
			wait_ring(l->d, POLLIN, &l->calls);
		l->pkts += n;
	} while (bench_tick(c, l->pkts));
}

static void *tx_thread(void *arg)
{
	struct loop *l = arg;
	uint64_t t0;

	bench_pin(l->o->cpu);
	t0 = __rdtsc();
	tx_loop(l, NULL);
	l->cyc = __rdtsc() - t0;
	return NULL;
}

static void pipe1(struct loop *tx, struct loop *rx, struct bench_clock *c)
{
	do {
		unsigned int n = tx_queue(tx->d, tx->o->batch, tx->o->len);

		tx->pkts += n;
		tx->calls++;
		ioctl(tx->d->fd, NIOCTXSYNC, NULL);
		rx->calls++;
		ioctl(rx->d->fd, NIOCRXSYNC, NULL);
		rx->pkts += rx_consume(rx->d, ~0u);
	} while (bench_tick(c, rx->pkts));
}

int main(int argc, char **argv)
{
	struct loop tx = { 0 }, rx = { 0 };
	struct bench_clock c;
	struct bench_opts o;
	char name[32];
	pthread_t th;

	bench_parse(argc, argv, &o, MODES);
	bench_frame(frame, o.len);
	setvbuf(stdout, NULL, _IOLBF, 0);
	tx.o = rx.o = &o;

	if (!strcmp(o.mode, "hold")) {
		struct nm_desc *d = port_open(o.ifname);
		struct timespec ts = {
			.tv_sec = (time_t)o.secs,
			.tv_nsec = (long)((o.secs - (time_t)o.secs) * 1e9),
		};

		printf("holding %s\n", o.ifname);
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		nm_close(d);
		return 0;
	}
	if (!strcmp(o.mode, "tx") || !strcmp(o.mode, "rx")) {
		struct loop *l = o.mode[0] == 't' ? &tx : &rx;

		bench_pin(o.cpu);
		l->d = port_open(o.ifname);
		fill_tx(l->d, o.len);
		/* Let the link settle after the switch to netmap mode. */
		usleep(200000);
		bench_start(&c, o.secs);
		if (l == &tx)
			tx_loop(l, &c);
		else
			rx_loop(l, &c);
		bench_result(&c, l->pkts, l->calls, -1);
		nm_close(l->d);
		return 0;
	}
	if (strcmp(o.mode, "pipe") && strcmp(o.mode, "pipe1"))
		bench_usage(argv[0], MODES);

	snprintf(name, sizeof(name), "%s{1", o.ifname);
	tx.d = port_open(name);
	snprintf(name, sizeof(name), "%s}1", o.ifname);
	rx.d = port_open(name);
	fill_tx(tx.d, o.len);
	if (!strcmp(o.mode, "pipe1")) {
		bench_pin(o.cpu);
		bench_start(&c, o.secs);
		pipe1(&tx, &rx, &c);
		bench_result(&c, rx.pkts, tx.calls + rx.calls, -1);
	} else {
		bench_pin(o.cpu2 >= 0 ? o.cpu2 : o.cpu);
		if (pthread_create(&th, NULL, tx_thread, &tx)) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
		bench_start(&c, o.secs);
		rx_loop(&rx, &c);
		stop = 1;
		pthread_join(th, NULL);
		/* The receiver's result; the transmitter's own cost apart. */
		bench_result(&c, rx.pkts, rx.calls, -1);
		printf("thread tx pkts=%llu calls=%llu cyc=%llu\n",
		       (unsigned long long)tx.pkts,
		       (unsigned long long)tx.calls,
		       (unsigned long long)tx.cyc);
	}
	nm_close(rx.d);
	nm_close(tx.d);
	return 0;
}
