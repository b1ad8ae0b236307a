// SPDX-License-Identifier: BSD-2-Clause
/*
 * bridge: forward every packet between two netmap ports, both ways, until
 * SIGINT or SIGTERM; then print what went each way. See bridge.8.
 *
 *	bridge -i netmap:eth0 -i netmap:eth1	two interfaces
 *	bridge -i netmap:eth0 -i netmap:eth0^	a NIC and its host rings
 *	bridge -i netmap:eth0			the same, shorter
 *
 * When both ports use the same memory region (same allocator id after
 * registration) packets move without a copy: the RX slot and the TX slot
 * exchange buffer indices and both get NS_BUF_CHANGED. Otherwise, or with
 * -c, the bytes are copied. Multi-slot packets keep NS_MOREFRAG.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#define PROG	"bridge"
#define POLL_MS	100

struct dir_stats {
	uint64_t pkts, bytes, slots;
};

static volatile sig_atomic_t stop;
static unsigned int burst = 1024;
static bool verbose;
static bool zerocopy;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void errmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " -i PORT_A [-i PORT_B] [-b BURST] [-w SECS] [-c] [-v]\n"
"  -i PORT   netmap port (netmap:eth0, netmap:eth0^, netmap:p{1, ...); a\n"
"            bare name gets \"netmap:\" prepended. With one -i, PORT_B is\n"
"            the host rings of PORT_A (PORT_A^)\n"
"  -b BURST  slots moved per ring per round (default 1024)\n"
"  -w SECS   wait SECS seconds before forwarding (default 0)\n"
"  -c        always copy, even when the ports share memory\n"
"  -v        verbose\n"
"  -h        this help\n");
}

static int port_name(const char *arg, char *out, size_t size)
{
	int n;

	if (!*arg) {
		errmsg("-i: empty port name");
		return -1;
	}
	if (strncmp(arg, "netmap:", 7) == 0 || strncmp(arg, "vale", 4) == 0)
		n = snprintf(out, size, "%s", arg);
	else
		n = snprintf(out, size, "netmap:%s", arg);
	if (n < 0 || (size_t)n >= size) {
		errmsg("-i: port name '%s' too long", arg);
		return -1;
	}
	return 0;
}

static unsigned int rx_pending(struct nm_desc *d)
{
	unsigned int r, n = 0;

	for (r = d->first_rx_ring; r <= d->last_rx_ring; r++)
		n += nm_ring_space(NETMAP_RXRING(d->nifp, r));
	return n;
}

/*
 * Move the whole packets that fit from ring rx to ring tx (the rest of a
 * packet whose slots are not all there yet waits); returns the slots
 * moved.
 */
static unsigned int move_ring(struct netmap_ring *rx, struct netmap_ring *tx,
			      struct dir_stats *st)
{
	uint32_t i = rx->head, j = tx->head;
	unsigned int n = nm_ring_space(rx), m = nm_ring_space(tx), k, whole;

	if (n > m)
		n = m;
	if (n > burst)
		n = burst;
	for (whole = 0, k = 0; k < n; k++, i = nm_ring_next(rx, i))
		if (!(rx->slot[i].flags & NS_MOREFRAG))
			whole = k + 1;
	if (whole == 0 && n == burst)
		whole = n;	/* a packet longer than a burst: in pieces */
	n = whole;
	i = rx->head;
	for (k = 0; k < n; k++) {
		struct netmap_slot *rs = &rx->slot[i], *ts = &tx->slot[j];
		unsigned int len = rs->len;

		if (len > rx->nr_buf_size)
			len = rx->nr_buf_size;
		if (len > tx->nr_buf_size)
			len = tx->nr_buf_size;
		if (zerocopy) {
			uint32_t idx = ts->buf_idx;

			ts->buf_idx = rs->buf_idx;
			rs->buf_idx = idx;
			ts->flags = NS_BUF_CHANGED;
			rs->flags |= NS_BUF_CHANGED;
		} else {
			memcpy(NETMAP_BUF(tx, ts->buf_idx),
			       NETMAP_BUF(rx, rs->buf_idx), len);
			ts->flags = 0;
		}
		ts->len = (uint16_t)len;
		ts->flags |= rs->flags & NS_MOREFRAG;
		if (!(rs->flags & NS_MOREFRAG))
			st->pkts++;
		st->bytes += len;
		i = nm_ring_next(rx, i);
		j = nm_ring_next(tx, j);
	}
	rx->head = rx->cur = i;
	tx->head = tx->cur = j;
	st->slots += n;
	return n;
}

/* Move packets from every RX ring of src to the TX rings of dst. */
static void forward(struct nm_desc *src, struct nm_desc *dst,
		    struct dir_stats *st)
{
	unsigned int ri = src->first_rx_ring, ti = dst->first_tx_ring;

	while (ri <= src->last_rx_ring && ti <= dst->last_tx_ring) {
		struct netmap_ring *rx = NETMAP_RXRING(src->nifp, ri);
		struct netmap_ring *tx = NETMAP_TXRING(dst->nifp, ti);
		unsigned int n = move_ring(rx, tx, st);

		if (nm_ring_empty(rx) || (n == 0 && !nm_ring_empty(tx)))
			ri++;	/* done, or only part of a packet is there */
		else
			ti++;	/* this TX ring is full or had its burst */
	}
}

static const char *mode_name(const struct nm_desc *d)
{
	switch (d->req.nr_flags & NR_REG_MASK) {
	case NR_REG_SW:
		return "host rings";
	case NR_REG_NIC_SW:
		return "NIC and host rings";
	case NR_REG_ONE_NIC:
		return "one NIC ring";
	case NR_REG_PIPE_MASTER:
	case NR_REG_PIPE_SLAVE:
		return "pipe";
	default:
		return "NIC rings";
	}
}

int main(int argc, char **argv)
{
	char name_a[128], name_b[128];
	struct dir_stats ab = { 0 }, ba = { 0 };
	struct nm_desc *pa = NULL, *pb = NULL;
	unsigned int wait_secs = 0, nports = 0;
	struct sigaction sa;
	bool force_copy = false;
	int c, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	opterr = 0;
	while ((c = getopt(argc, argv, ":i:b:w:cvh")) != -1) {
		char *end;
		unsigned long v;

		switch (c) {
		case 'i':
			if (nports == 2) {
				errmsg("-i: at most two ports");
				goto usage;
			}
			if (port_name(optarg, nports ? name_b : name_a,
				      sizeof(name_a)))
				goto usage;
			nports++;
			break;
		case 'b':
		case 'w':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' ||
			    (c == 'b' && (v < 1 || v > 65536)) ||
			    (c == 'w' && v > 3600)) {
				errmsg("-%c: '%s' is not a number in [%d, %d]",
				       c, optarg, c == 'b' ? 1 : 0,
				       c == 'b' ? 65536 : 3600);
				goto usage;
			}
			if (c == 'b')
				burst = (unsigned int)v;
			else
				wait_secs = (unsigned int)v;
			break;
		case 'c':
			force_copy = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			errmsg("option -%c needs an argument", optopt);
			goto usage;
		default:
			errmsg("unknown option -%c", optopt);
			goto usage;
		}
	}
	if (optind < argc) {
		errmsg("unexpected argument '%s'", argv[optind]);
		goto usage;
	}
	if (nports == 0) {
		errmsg("no port given (-i netmap:IFNAME)");
		goto usage;
	}
	if (nports == 1) {
		if (strpbrk(name_a + 7, "-*^{}/@")) {
			errmsg("with one -i, give a plain netmap:IFNAME (its host rings are the other port)");
			goto usage;
		}
		snprintf(name_b, sizeof(name_b), "%.*s^",
			 (int)sizeof(name_b) - 2, name_a);
	}
	if (strcmp(name_a, name_b) == 0) {
		errmsg("both ports are %s", name_a);
		goto usage;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pa = nm_open(name_a, NULL, 0, NULL);
	if (!pa) {
		errmsg("cannot open %s: %s", name_a,
		       strerror(errno ? errno : EINVAL));
		return 1;
	}
	/* Share pa's mapping when pb lands in the same memory region. */
	pb = nm_open(name_b, NULL, NM_OPEN_NO_MMAP, pa);
	if (!pb) {
		errmsg("cannot open %s: %s", name_b,
		       strerror(errno ? errno : EINVAL));
		nm_close(pa);
		return 1;
	}
	zerocopy = !force_copy && pa->req.nr_arg2 == pb->req.nr_arg2;
	printf(PROG ": ready, %s (%s, memory %u) <-> %s (%s, memory %u), %s\n",
	       name_a, mode_name(pa), pa->req.nr_arg2, name_b, mode_name(pb),
	       pb->req.nr_arg2, zerocopy ? "zero-copy" : "copying");
	if (wait_secs)
		sleep(wait_secs);

	while (!stop) {
		struct pollfd pfd[2] = {
			{ .fd = pa->fd }, { .fd = pb->fd },
		};
		unsigned int na = rx_pending(pa), nb = rx_pending(pb);
		int ret;

		/* Wait for input, or for room where input is waiting. */
		if (na)
			pfd[1].events |= POLLOUT;
		else
			pfd[0].events |= POLLIN;
		if (nb)
			pfd[0].events |= POLLOUT;
		else
			pfd[1].events |= POLLIN;
		ret = poll(pfd, 2, POLL_MS);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			errmsg("poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if ((pfd[0].revents | pfd[1].revents) & (POLLERR | POLLNVAL)) {
			struct nm_desc *d = pfd[0].revents & (POLLERR | POLLNVAL) ?
					    pa : pb;
			struct netmap_ring *r = NETMAP_RXRING(d->nifp,
							      d->first_rx_ring);

			errmsg("poll error on %s: rx ring head %u cur %u tail %u",
			       d == pa ? name_a : name_b, r->head, r->cur,
			       r->tail);
			rc = 1;
			break;
		}
		forward(pa, pb, &ab);
		forward(pb, pa, &ba);
		if (verbose && ret > 0)
			printf(PROG ": a->b %" PRIu64 " b->a %" PRIu64 "\n",
			       ab.pkts, ba.pkts);
	}
	/* Push out what was queued last. */
	ioctl(pa->fd, NIOCTXSYNC, NULL);
	ioctl(pb->fd, NIOCTXSYNC, NULL);
	printf(PROG ": %s -> %s: %" PRIu64 " packets %" PRIu64 " bytes\n",
	       name_a, name_b, ab.pkts, ab.bytes);
	printf(PROG ": %s -> %s: %" PRIu64 " packets %" PRIu64 " bytes\n",
	       name_b, name_a, ba.pkts, ba.bytes);
	printf(PROG ": summary mode=%s a_to_b=%" PRIu64 " b_to_a=%" PRIu64
	       " a_to_b_bytes=%" PRIu64 " b_to_a_bytes=%" PRIu64 "\n",
	       zerocopy ? "zerocopy" : "copy", ab.pkts, ba.pkts, ab.bytes,
	       ba.bytes);
	nm_close(pb);
	nm_close(pa);
	return rc;

usage:
	fprintf(stderr, "Try '" PROG " -h' for help.\n");
	return 2;
}
