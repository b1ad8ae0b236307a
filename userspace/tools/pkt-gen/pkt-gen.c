// SPDX-License-Identifier: BSD-2-Clause
/*
 * pkt-gen: send, receive and bounce UDP/IPv4 test traffic on a netmap
 * port. Functions (-f): tx, rx, txseq, rxseq, ping, pong. See pkt-gen.8.
 *
 * Structure: main() parses the options, opens one netmap descriptor per
 * worker thread (thread i on ring i when -p asks for several), starts the
 * workers and prints a rate line every -T milliseconds until they are
 * done or SIGINT/SIGTERM arrives, then a summary. Workers count into
 * their own struct worker; the reporter only reads those counters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
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

#include "pkt.h"
#include "seqstat.h"

#define PROG		"pkt-gen"
#define MAX_THREADS	64
#define POLL_MS		100	/* how often workers look at the stop flag */
#define DRAIN_MS	5000	/* longest wait for TX completions at exit */
#define IDLE_MS		3000	/* -W: rx ends after this long without input */
#define PING_WAIT_MS	1000	/* ping: how long to wait for each echo */

enum func { F_TX, F_RX, F_TXSEQ, F_RXSEQ, F_PING, F_PONG };

static const char *const func_names[] = {
	[F_TX] = "tx", [F_RX] = "rx", [F_TXSEQ] = "txseq",
	[F_RXSEQ] = "rxseq", [F_PING] = "ping", [F_PONG] = "pong",
};

struct config {
	char ifname[128];
	enum func func;
	uint64_t count;		/* 0: no limit */
	unsigned int len;
	unsigned int burst;
	uint64_t rate;		/* packets per second, 0: no limit */
	unsigned int wait_link;	/* seconds */
	unsigned int report_ms;
	int cpu;		/* -1: no affinity */
	unsigned int threads;
	unsigned int frags;	/* slots per packet, 0: derived */
	unsigned int frag_size;	/* bytes per slot, 0: derived */
	bool idle_exit;
	bool verbose;
	uint32_t first_seq;
	struct pkt_tmpl tmpl;
	bool src_mac_set;
};

struct worker {
	unsigned int id;
	pthread_t tid;
	struct nm_desc *d;
	uint64_t limit;		/* packets for this worker, 0: no limit */
	/* Written by the worker, read by the reporter (relaxed atomics). */
	uint64_t pkts, bytes;
	uint64_t badsum, other;	/* rx: frames we could not use */
	uint64_t rtt_sum_ns, rtt_min_ns, rtt_max_ns, sent;	/* ping */
	int done;
	int failed;
	struct pkt_tmpl tmpl;	/* private copy: the worker rewrites it */
	struct seqstat seq;
	uint8_t *pktbuf;	/* rx: a whole multi-slot frame */
};

static struct config cfg;
static volatile sig_atomic_t stop;
static uint64_t rx_total_limit;	/* rx -n with several threads */
static uint64_t rx_total;
static uint64_t last_rx_ns;

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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000u),
		.tv_nsec = (long)(ns % 1000000000u),
	};

	nanosleep(&ts, NULL);
}

static uint64_t rd(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void wr(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " -i PORT [-f FUNC] [options]\n"
"  -i PORT     netmap port: netmap:eth0, netmap:eth0^, netmap:p{1, ...\n"
"              (a bare name gets \"netmap:\" prepended)\n"
"  -f FUNC     tx (default), rx, txseq, rxseq, ping, pong\n"
"  -n COUNT    packets to send / receive / ping (0 = no limit)\n"
"  -l LEN      frame length without FCS, %u..%u (default 60)\n"
"  -b BURST    packets per ring per round (default 512)\n"
"  -R RATE     packets per second (default: as fast as possible)\n"
"  -w SECS     wait up to SECS for the link to come up (default 2)\n"
"  -T MS       report interval in milliseconds (default 1000)\n"
"  -a CPU      pin thread i to CPU+i\n"
"  -p THREADS  threads, thread i on ring i (default 1)\n"
"  -d IP[:PORT][-IP[:PORT]]  destination range (10.1.0.1:1234)\n"
"  -s IP[:PORT][-IP[:PORT]]  source range (10.0.0.1:1234)\n"
"  -D MAC      destination MAC (ff:ff:ff:ff:ff:ff)\n"
"  -S MAC      source MAC (the interface's, if known)\n"
"  -F FRAGS    slots per packet\n"
"  -M SIZE     bytes per slot (the last slot takes the rest)\n"
"  -W          rx, rxseq, pong: exit after %u s without traffic\n"
"  --first-seq N  txseq: first sequence number; rxseq: expected first\n"
"  -v          verbose\n"
"  -h          this help\n", PKT_MIN_LEN, PKT_MAX_LEN, IDLE_MS / 1000);
}

static int parse_u64(const char *opt, const char *s, uint64_t min,
		     uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		errmsg("-%s: '%s' is not a number in [%llu, %llu]", opt, s,
		       (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_uint(const char *opt, const char *s, unsigned int min,
		      unsigned int max, unsigned int *out)
{
	uint64_t v;

	if (parse_u64(opt, s, min, max, &v))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* The interface behind a port name, for sysfs: "netmap:eth0^" -> eth0. */
static void port_ifname(const char *port, char *out, size_t size)
{
	const char *p = port;
	size_t n;

	if (strncmp(p, "netmap:", 7) == 0)
		p += 7;
	n = strcspn(p, "-*^{}/@");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static void read_if_mac(const char *port, uint8_t mac[6])
{
	char ifn[64], path[128], line[64];
	FILE *f;

	port_ifname(port, ifn, sizeof(ifn));
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifn);
	f = fopen(path, "r");
	if (f) {
		if (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (pkt_parse_mac(line, mac) == 0) {
				fclose(f);
				return;
			}
		}
		fclose(f);
	}
	/* Locally administered, unicast. */
	memcpy(mac, "\x02\x00\x00\x00\x00\x01", 6);
}

static int parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "first-seq", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *iface = NULL;
	unsigned int i, slots;
	uint64_t v;
	int c;

	memset(&cfg, 0, sizeof(cfg));
	cfg.len = PKT_MIN_LEN;
	cfg.burst = 512;
	cfg.wait_link = 2;
	cfg.report_ms = 1000;
	cfg.cpu = -1;
	cfg.threads = 1;
	cfg.tmpl.src = (struct pkt_range){ 0x0a000001, 0x0a000001, 1234, 1234 };
	cfg.tmpl.dst = (struct pkt_range){ 0x0a010001, 0x0a010001, 1234, 1234 };
	memset(cfg.tmpl.dst_mac, 0xff, 6);

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:f:n:l:b:R:w:T:a:p:d:s:D:S:F:M:Wvh",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			iface = optarg;
			break;
		case 'f':
			for (i = 0; i < sizeof(func_names) / sizeof(*func_names); i++)
				if (strcmp(optarg, func_names[i]) == 0)
					break;
			if (i == sizeof(func_names) / sizeof(*func_names)) {
				errmsg("-f: unknown function '%s' (tx, rx, txseq, rxseq, ping, pong)",
				       optarg);
				return -1;
			}
			cfg.func = (enum func)i;
			break;
		case 'n':
			if (parse_u64("n", optarg, 0, UINT64_MAX, &cfg.count))
				return -1;
			break;
		case 'l':
			if (parse_uint("l", optarg, PKT_MIN_LEN, PKT_MAX_LEN,
				       &cfg.len))
				return -1;
			break;
		case 'b':
			if (parse_uint("b", optarg, 1, 1u << 20, &cfg.burst))
				return -1;
			break;
		case 'R':
			if (parse_u64("R", optarg, 1, 1000000000, &cfg.rate))
				return -1;
			break;
		case 'w':
			if (parse_uint("w", optarg, 0, 3600, &cfg.wait_link))
				return -1;
			break;
		case 'T':
			if (parse_uint("T", optarg, 10, 3600000, &cfg.report_ms))
				return -1;
			break;
		case 'a':
			if (parse_u64("a", optarg, 0, CPU_SETSIZE - 1, &v))
				return -1;
			cfg.cpu = (int)v;
			break;
		case 'p':
			if (parse_uint("p", optarg, 1, MAX_THREADS, &cfg.threads))
				return -1;
			break;
		case 'd':
		case 's':
			if (pkt_parse_range(optarg, c == 'd' ? &cfg.tmpl.dst :
					    &cfg.tmpl.src)) {
				errmsg("-%c: '%s' is not IP[:PORT][-IP[:PORT]] with a non-empty range",
				       c, optarg);
				return -1;
			}
			break;
		case 'D':
		case 'S':
			if (pkt_parse_mac(optarg, c == 'D' ? cfg.tmpl.dst_mac :
					  cfg.tmpl.src_mac)) {
				errmsg("-%c: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
				       c, optarg);
				return -1;
			}
			if (c == 'S')
				cfg.src_mac_set = true;
			break;
		case 'F':
			if (parse_uint("F", optarg, 1, 256, &cfg.frags))
				return -1;
			break;
		case 'M':
			if (parse_uint("M", optarg, 1, 65535, &cfg.frag_size))
				return -1;
			break;
		case 'W':
			cfg.idle_exit = true;
			break;
		case 'v':
			cfg.verbose = true;
			break;
		case 'q':
			if (parse_u64("-first-seq", optarg, 0, UINT32_MAX, &v))
				return -1;
			cfg.first_seq = (uint32_t)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			errmsg("option -%c needs an argument", optopt);
			return -1;
		default:
			if (optopt)
				errmsg("unknown option -%c", optopt);
			else
				errmsg("unknown option %s", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		errmsg("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!iface || !*iface) {
		errmsg("no port given (-i netmap:IFNAME)");
		return -1;
	}
	if (strncmp(iface, "netmap:", 7) == 0 || strncmp(iface, "vale", 4) == 0)
		snprintf(cfg.ifname, sizeof(cfg.ifname), "%s", iface);
	else
		snprintf(cfg.ifname, sizeof(cfg.ifname), "netmap:%s", iface);

	/* Slots per packet: -F, -M, or both if they agree. */
	if (cfg.frags && cfg.frag_size) {
		slots = (cfg.len + cfg.frag_size - 1) / cfg.frag_size;
		if (slots != cfg.frags) {
			errmsg("-F %u and -M %u do not fit -l %u (%u slots of %u bytes)",
			       cfg.frags, cfg.frag_size, cfg.len, slots,
			       cfg.frag_size);
			return -1;
		}
	} else if (cfg.frags) {
		if (cfg.frags > cfg.len) {
			errmsg("-F %u: more slots than bytes (-l %u)",
			       cfg.frags, cfg.len);
			return -1;
		}
		cfg.frag_size = (cfg.len + cfg.frags - 1) / cfg.frags;
		cfg.frags = (cfg.len + cfg.frag_size - 1) / cfg.frag_size;
	} else if (cfg.frag_size) {
		cfg.frags = (cfg.len + cfg.frag_size - 1) / cfg.frag_size;
		if (cfg.frags > 256) {
			errmsg("-M %u: %u slots per packet, at most 256",
			       cfg.frag_size, cfg.frags);
			return -1;
		}
	}
	if (cfg.threads > 1 && cfg.func != F_TX && cfg.func != F_RX) {
		errmsg("-p %u: only tx and rx use several threads",
		       cfg.threads);
		return -1;
	}
	if (!cfg.src_mac_set)
		read_if_mac(cfg.ifname, cfg.tmpl.src_mac);
	return 0;
}

/* ---- ports ---- */

static struct netmap_ring *txring(struct nm_desc *d, unsigned int i)
{
	return NETMAP_TXRING(d->nifp, i);
}

static struct netmap_ring *rxring(struct nm_desc *d, unsigned int i)
{
	return NETMAP_RXRING(d->nifp, i);
}

static struct nm_desc *port_open(const char *name)
{
	struct nm_desc *d = nm_open(name, NULL, 0, NULL);

	if (!d) {
		if (errno == 0)
			errno = EINVAL;
		errmsg("cannot open %s: %s", name, strerror(errno));
	}
	return d;
}

/* Wait for carrier on the port's interface, if it has one in sysfs. */
static void wait_for_link(void)
{
	uint64_t end = now_ns() + cfg.wait_link * 1000000000ull;
	char ifn[64], path[128];
	int c = 0;
	FILE *f;

	port_ifname(cfg.ifname, ifn, sizeof(ifn));
	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifn);
	while (!stop) {
		f = fopen(path, "r");
		if (!f)
			return;		/* a pipe or another virtual port */
		if (fscanf(f, "%d", &c) != 1)
			c = 0;
		fclose(f);
		if (c == 1 || now_ns() >= end)
			return;
		sleep_ns(50000000);
	}
}

static int open_workers(struct worker *w)
{
	char name[160];
	struct nm_desc *d;
	unsigned int i, nrings;

	d = port_open(cfg.ifname);
	if (!d)
		return -1;
	if (cfg.threads == 1) {
		w[0].d = d;
		return 0;
	}
	nrings = cfg.func == F_TX ? d->req.nr_tx_rings : d->req.nr_rx_rings;
	if ((d->req.nr_flags & NR_REG_MASK) != NR_REG_ALL_NIC ||
	    strpbrk(cfg.ifname + 7, "-*^{}/@") || cfg.threads > nrings) {
		errmsg("-p %u needs a plain netmap:IFNAME port with at least %u rings (%s has %u)",
		       cfg.threads, cfg.threads, cfg.ifname, nrings);
		nm_close(d);
		return -1;
	}
	nm_close(d);
	for (i = 0; i < cfg.threads; i++) {
		snprintf(name, sizeof(name), "%s-%u", cfg.ifname, i);
		w[i].d = port_open(name);
		if (!w[i].d)
			return -1;
	}
	return 0;
}

/* ---- transmit ---- */

static unsigned int frame_slots(const struct nm_desc *d, unsigned int *fsz)
{
	unsigned int bufsz = d->some_ring->nr_buf_size;

	*fsz = cfg.frag_size ? cfg.frag_size : bufsz;
	return (cfg.len + *fsz - 1) / *fsz;
}

/* Copy the template into slots from ring->cur; returns the next index. */
static uint32_t put_frame(struct netmap_ring *ring, uint32_t i,
			  const uint8_t *frame, unsigned int len,
			  unsigned int fsz)
{
	unsigned int off = 0, n;
	struct netmap_slot *slot;

	while (off < len) {
		n = len - off < fsz ? len - off : fsz;
		slot = &ring->slot[i];
		memcpy(NETMAP_BUF(ring, slot->buf_idx), frame + off, n);
		slot->len = (uint16_t)n;
		off += n;
		slot->flags = off < len ? NS_MOREFRAG : 0;
		i = nm_ring_next(ring, i);
	}
	return i;
}

/* Give the kernel everything queued and wait until it is on the wire. */
static void tx_drain(struct nm_desc *d)
{
	uint64_t end = now_ns() + DRAIN_MS * 1000000ull;
	unsigned int r;
	bool pending;

	do {
		if (ioctl(d->fd, NIOCTXSYNC, NULL) < 0)
			return;
		pending = false;
		for (r = d->first_tx_ring; r <= d->last_tx_ring; r++)
			if (nm_tx_pending(txring(d, r)))
				pending = true;
		if (pending)
			sleep_ns(1000000);
	} while (pending && now_ns() < end);
}

static int wait_fd(struct nm_desc *d, short events, int ms)
{
	struct pollfd pfd = { .fd = d->fd, .events = events };
	int ret = poll(&pfd, 1, ms);

	if (ret < 0 && errno != EINTR) {
		errmsg("poll: %s", strerror(errno));
		return -1;
	}
	if (ret > 0 && (pfd.revents & (POLLERR | POLLNVAL))) {
		errmsg("poll on %s reported an error", cfg.ifname);
		return -1;
	}
	return ret > 0;
}

static void *tx_worker(void *arg)
{
	struct worker *w = arg;
	struct nm_desc *d = w->d;
	bool seq = cfg.func == F_TXSEQ;
	uint32_t seqno = cfg.first_seq;
	unsigned int fsz, nslots, r;
	uint64_t sent = 0, t0 = now_ns();
	uint64_t rate = cfg.rate / cfg.threads;

	nslots = frame_slots(d, &fsz);
	if (!rate && cfg.rate)
		rate = 1;
	while (!stop && (!w->limit || sent < w->limit)) {
		uint64_t budget = w->limit ? w->limit - sent : UINT64_MAX;

		if (rate) {
			/* In double: ns * rate overflows 64 bits. */
			uint64_t due = (uint64_t)((double)(now_ns() - t0) *
						  (double)rate / 1e9) + 1;

			if (due <= sent) {
				sleep_ns((uint64_t)((double)(sent + 1 - due) *
						    1e9 / (double)rate) + 10000);
				continue;
			}
			if (due - sent < budget)
				budget = due - sent;
		}
		if (wait_fd(d, POLLOUT, POLL_MS) < 0) {
			w->failed = 1;
			break;
		}
		for (r = d->first_tx_ring; r <= d->last_tx_ring && budget; r++) {
			struct netmap_ring *ring = txring(d, r);
			uint32_t i = ring->cur;
			uint64_t n = nm_ring_space(ring) / nslots;

			if (n > cfg.burst)
				n = cfg.burst;
			if (n > budget)
				n = budget;
			budget -= n;
			while (n--) {
				if (seq || w->tmpl.src.ip_lo != w->tmpl.src.ip_hi ||
				    w->tmpl.src.port_lo != w->tmpl.src.port_hi ||
				    w->tmpl.dst.ip_lo != w->tmpl.dst.ip_hi ||
				    w->tmpl.dst.port_lo != w->tmpl.dst.port_hi) {
					pkt_update(&w->tmpl, seq ? seqno++ : 0, 0);
					pkt_next_addr(&w->tmpl);
				}
				i = put_frame(ring, i, w->tmpl.frame, cfg.len,
					      fsz);
				sent++;
				wr(&w->pkts, sent);
				wr(&w->bytes, sent * cfg.len);
			}
			ring->head = ring->cur = i;
		}
	}
	tx_drain(d);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- receive ---- */

static bool rx_limit_reached(void)
{
	return rx_total_limit &&
	       __atomic_load_n(&rx_total, __ATOMIC_RELAXED) >= rx_total_limit;
}

static void rx_frame(struct worker *w, const uint8_t *p, size_t len)
{
	uint32_t seq;
	uint64_t ts;

	switch (pkt_check(p, len, &seq, &ts)) {
	case PKT_OK:
		if (cfg.func == F_RXSEQ)
			seqstat_add(&w->seq, seq);
		break;
	case PKT_BADSUM:
		wr(&w->badsum, w->badsum + 1);
		break;
	case PKT_OTHER:
		wr(&w->other, w->other + 1);
		break;
	}
}

static void *rx_worker(void *arg)
{
	struct worker *w = arg;
	struct nm_desc *d = w->d;
	bool check = cfg.func == F_RXSEQ;
	size_t *partial = calloc(d->last_rx_ring + 1u, sizeof(*partial));
	unsigned int r;

	if (!partial) {
		errmsg("out of memory");
		w->failed = 1;
		stop = 1;
	}
	while (!stop && !rx_limit_reached()) {
		int ret = wait_fd(d, POLLIN, POLL_MS);

		if (ret < 0) {
			w->failed = 1;
			break;
		}
		if (ret == 0)
			continue;
		for (r = d->first_rx_ring; r <= d->last_rx_ring; r++) {
			struct netmap_ring *ring = rxring(d, r);
			size_t *plen = &partial[r];
			uint32_t i = ring->head, n = nm_ring_space(ring);
			uint64_t pkts = 0, bytes = 0;

			if (n > cfg.burst * (cfg.frags ? cfg.frags : 1))
				n = cfg.burst * (cfg.frags ? cfg.frags : 1);
			while (n--) {
				struct netmap_slot *slot = &ring->slot[i];
				unsigned int len = slot->len;

				if (len > ring->nr_buf_size)
					len = ring->nr_buf_size;
				if (check && *plen + len <= PKT_MAX_LEN)
					memcpy(w->pktbuf + *plen,
					       NETMAP_BUF(ring, slot->buf_idx), len);
				*plen += len;
				if (!(slot->flags & NS_MOREFRAG)) {
					if (check)
						rx_frame(w, w->pktbuf,
							 *plen <= PKT_MAX_LEN ?
							 *plen : 0);
					pkts++;
					bytes += *plen;
					*plen = 0;
				}
				i = nm_ring_next(ring, i);
			}
			ring->head = ring->cur = i;
			if (pkts) {
				wr(&w->pkts, w->pkts + pkts);
				wr(&w->bytes, w->bytes + bytes);
				__atomic_add_fetch(&rx_total, pkts,
						   __ATOMIC_RELAXED);
				wr(&last_rx_ns, now_ns());
			}
		}
	}
	free(partial);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- ping / pong ---- */

/*
 * Gather the frame starting at ring->head into buf (at most size bytes
 * kept); release its slots. Returns the frame length, or -1 if the ring
 * holds no complete frame yet.
 */
static long take_frame(struct netmap_ring *ring, uint8_t *buf, size_t size)
{
	uint32_t i = ring->head, n = nm_ring_space(ring);
	size_t len = 0;

	while (n--) {
		struct netmap_slot *slot = &ring->slot[i];
		unsigned int l = slot->len;

		if (l > ring->nr_buf_size)
			l = ring->nr_buf_size;
		if (len + l <= size)
			memcpy(buf + len, NETMAP_BUF(ring, slot->buf_idx), l);
		len += l;
		i = nm_ring_next(ring, i);
		if (!(slot->flags & NS_MOREFRAG)) {
			ring->head = ring->cur = i;
			return (long)len;
		}
	}
	return -1;
}

static int send_frame(struct nm_desc *d, const uint8_t *frame,
		      unsigned int len)
{
	unsigned int fsz, nslots = frame_slots(d, &fsz), r;
	uint64_t end = now_ns() + PING_WAIT_MS * 1000000ull;

	while (!stop) {
		for (r = d->first_tx_ring; r <= d->last_tx_ring; r++) {
			struct netmap_ring *ring = txring(d, r);

			if (nm_ring_space(ring) < nslots)
				continue;
			ring->head = ring->cur = put_frame(ring, ring->cur,
							   frame, len, fsz);
			if (ioctl(d->fd, NIOCTXSYNC, NULL) < 0) {
				errmsg("NIOCTXSYNC: %s", strerror(errno));
				return -1;
			}
			return 1;
		}
		if (now_ns() >= end)
			return 0;
		if (wait_fd(d, POLLOUT, POLL_MS) < 0)
			return -1;
	}
	return 0;
}

static void *ping_worker(void *arg)
{
	struct worker *w = arg;
	struct nm_desc *d = w->d;
	uint32_t seq = cfg.first_seq;
	uint64_t t0 = now_ns();

	while (!stop && (!w->limit || w->sent < w->limit)) {
		uint64_t sent_at, end;
		bool answered = false;
		int ret;

		if (cfg.rate) {
			uint64_t at = t0 + (uint64_t)((double)w->sent * 1e9 /
						      (double)cfg.rate);

			if (now_ns() < at) {
				sleep_ns(at - now_ns());
				continue;
			}
		}
		sent_at = now_ns();
		pkt_update(&w->tmpl, seq, sent_at);
		ret = send_frame(d, w->tmpl.frame, cfg.len);
		if (ret < 0) {
			w->failed = 1;
			break;
		}
		if (ret == 0)
			continue;	/* no room for a while, or stopping */
		wr(&w->sent, w->sent + 1);
		end = sent_at + PING_WAIT_MS * 1000000ull;
		while (!stop && !answered && now_ns() < end) {
			unsigned int r;

			ret = wait_fd(d, POLLIN, POLL_MS);
			if (ret < 0) {
				w->failed = 1;
				goto out;
			}
			for (r = d->first_rx_ring; r <= d->last_rx_ring; r++) {
				struct netmap_ring *ring = rxring(d, r);
				uint32_t rseq;
				uint64_t ts;
				long len;

				while ((len = take_frame(ring, w->pktbuf,
							 PKT_MAX_LEN)) >= 0) {
					uint64_t rtt;

					if (len > PKT_MAX_LEN ||
					    pkt_check(w->pktbuf, (size_t)len,
						      &rseq, &ts) != PKT_OK ||
					    rseq != seq || ts != sent_at) {
						wr(&w->other, w->other + 1);
						continue;
					}
					rtt = now_ns() - sent_at;
					if (!w->pkts || rtt < w->rtt_min_ns)
						wr(&w->rtt_min_ns, rtt);
					if (rtt > w->rtt_max_ns)
						wr(&w->rtt_max_ns, rtt);
					wr(&w->rtt_sum_ns, w->rtt_sum_ns + rtt);
					wr(&w->bytes, w->bytes + (uint64_t)len);
					wr(&w->pkts, w->pkts + 1);
					answered = true;
				}
			}
		}
		if (!answered && cfg.verbose)
			printf(PROG ": no echo for ping %u\n", seq);
		seq++;
	}
out:
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *pong_worker(void *arg)
{
	struct worker *w = arg;
	struct nm_desc *d = w->d;

	while (!stop && (!w->limit || w->pkts < w->limit)) {
		unsigned int r;
		int ret = wait_fd(d, POLLIN, POLL_MS);

		if (ret < 0) {
			w->failed = 1;
			break;
		}
		for (r = d->first_rx_ring; r <= d->last_rx_ring; r++) {
			struct netmap_ring *ring = rxring(d, r);
			long len;

			while ((!w->limit || w->pkts < w->limit) &&
			       (len = take_frame(ring, w->pktbuf,
						 PKT_MAX_LEN)) >= 0) {
				wr(&last_rx_ns, now_ns());
				if (len > PKT_MAX_LEN || len == 0) {
					wr(&w->other, w->other + 1);
					continue;
				}
				pkt_swap_addrs(w->pktbuf, (size_t)len);
				ret = send_frame(d, w->pktbuf, (unsigned int)len);
				if (ret < 0) {
					w->failed = 1;
					goto out;
				}
				if (ret == 0)
					continue;
				wr(&w->pkts, w->pkts + 1);
				wr(&w->bytes, w->bytes + (uint64_t)len);
			}
		}
	}
out:
	tx_drain(d);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- reports ---- */

static const char *scaled(double v, char *buf, size_t size)
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	unsigned int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, "%.3f %s", v, units[u]);
	return buf;
}

static void totals(const struct worker *w, uint64_t *pkts, uint64_t *bytes)
{
	unsigned int i;

	*pkts = *bytes = 0;
	for (i = 0; i < cfg.threads; i++) {
		*pkts += rd(&w[i].pkts);
		*bytes += rd(&w[i].bytes);
	}
}

static void report_line(const struct worker *w, uint64_t dp, uint64_t db,
			double secs, uint64_t total)
{
	char b1[32], b2[32];

	if (cfg.func == F_PING) {
		uint64_t n = rd(&w[0].pkts);

		printf(PROG ": %s" "pps echoes, rtt avg %.1f us (%" PRIu64 " of %"
		       PRIu64 " answered)\n",
		       scaled(dp / secs, b1, sizeof(b1)),
		       n ? rd(&w[0].rtt_sum_ns) / 1e3 / (double)n : 0.0, n,
		       rd(&w[0].sent));
		return;
	}
	printf(PROG ": %spps %sbps (%" PRIu64 " packets total)\n",
	       scaled(dp / secs, b1, sizeof(b1)),
	       scaled(db * 8 / secs, b2, sizeof(b2)), total);
}

static void summary(struct worker *w, double secs)
{
	uint64_t pkts, bytes, badsum = 0, other = 0;
	unsigned int i;

	totals(w, &pkts, &bytes);
	for (i = 0; i < cfg.threads; i++) {
		badsum += w[i].badsum;
		other += w[i].other;
	}
	if (secs <= 0)
		secs = 1e-9;
	printf(PROG ": summary func=%s packets=%" PRIu64 " bytes=%" PRIu64
	       " seconds=%.3f pps=%.0f bps=%.0f",
	       func_names[cfg.func], pkts, bytes, secs, pkts / secs,
	       bytes * 8 / secs);
	switch (cfg.func) {
	case F_RXSEQ:
		printf(" badsum=%" PRIu64 " other=%" PRIu64 " received=%" PRIu64
		       " lost=%" PRIu64 " dup=%" PRIu64 " reordered=%" PRIu64
		       " old=%" PRIu64, badsum, other, w[0].seq.received,
		       w[0].seq.lost, w[0].seq.dup, w[0].seq.reordered,
		       w[0].seq.old);
		break;
	case F_PING:
		printf(" sent=%" PRIu64 " received=%" PRIu64
		       " other=%" PRIu64 " rtt_min_us=%.1f rtt_avg_us=%.1f rtt_max_us=%.1f",
		       w[0].sent, pkts, other, w[0].rtt_min_ns / 1e3,
		       pkts ? w[0].rtt_sum_ns / 1e3 / (double)pkts : 0.0,
		       w[0].rtt_max_ns / 1e3);
		break;
	case F_PONG:
		printf(" other=%" PRIu64, other);
		break;
	default:
		break;
	}
	putchar('\n');
}

static void *(*const workers_fn[])(void *) = {
	[F_TX] = tx_worker, [F_TXSEQ] = tx_worker,
	[F_RX] = rx_worker, [F_RXSEQ] = rx_worker,
	[F_PING] = ping_worker, [F_PONG] = pong_worker,
};

static void pin(struct worker *w)
{
	cpu_set_t set;
	int err;

	if (cfg.cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET((cfg.cpu + (int)w->id) % CPU_SETSIZE, &set);
	err = pthread_setaffinity_np(w->tid, sizeof(set), &set);
	if (err)
		errmsg("thread %u: cannot pin to CPU %d: %s", w->id,
		       cfg.cpu + (int)w->id, strerror(err));
}

int main(int argc, char **argv)
{
	struct worker *w;
	struct sigaction sa;
	uint64_t t_start, t_last, p_last = 0, b_last = 0, t_end;
	unsigned int i, done;
	int rc = 0, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv)) {
		fprintf(stderr, "Try '" PROG " -h' for help.\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	w = calloc(cfg.threads, sizeof(*w));
	if (!w) {
		errmsg("out of memory");
		return 1;
	}
	if (open_workers(w))
		return 1;
	for (i = 0; i < cfg.threads; i++) {
		struct nm_desc *d = w[i].d;
		unsigned int fsz, ns = frame_slots(d, &fsz);
		unsigned int rs = d->some_ring->num_slots;

		if (ns > 256 || ns >= rs) {
			errmsg("-l %u needs %u slots of %u bytes, too many for rings of %u slots",
			       cfg.len, ns, fsz, rs);
			return 1;
		}
		if (cfg.frag_size > d->some_ring->nr_buf_size) {
			errmsg("-M %u: larger than the port's buffers (%u bytes)",
			       cfg.frag_size, d->some_ring->nr_buf_size);
			return 1;
		}
		w[i].id = i;
		w[i].tmpl = cfg.tmpl;
		if (pkt_tmpl_init(&w[i].tmpl, cfg.len) ||
		    !(w[i].pktbuf = malloc(PKT_MAX_LEN + 1)) ||
		    (cfg.func == F_RXSEQ &&
		     seqstat_init(&w[i].seq, cfg.first_seq))) {
			errmsg("out of memory");
			return 1;
		}
		w[i].limit = cfg.count / cfg.threads +
			     (i < cfg.count % cfg.threads);
		if ((cfg.func == F_TX || cfg.func == F_TXSEQ) && cfg.count &&
		    !w[i].limit)
			w[i].limit = UINT64_MAX;	/* nothing to do */
	}
	if (cfg.func == F_RX || cfg.func == F_RXSEQ)
		rx_total_limit = cfg.count;
	wait_for_link();
	printf(PROG ": ready, %s on %s, %u thread%s, %u-byte frames in %u slot%s\n",
	       func_names[cfg.func], cfg.ifname, cfg.threads,
	       cfg.threads > 1 ? "s" : "", cfg.len,
	       frame_slots(w[0].d, &i), frame_slots(w[0].d, &i) > 1 ? "s" : "");

	t_start = t_last = now_ns();
	for (i = 0; i < cfg.threads; i++) {
		if (w[i].limit == UINT64_MAX) {
			w[i].done = 1;
			continue;
		}
		err = pthread_create(&w[i].tid, NULL, workers_fn[cfg.func],
				     &w[i]);
		if (err) {
			errmsg("cannot start thread %u: %s", i, strerror(err));
			stop = 1;
			cfg.threads = i;
			rc = 1;
			break;
		}
		pin(&w[i]);
	}

	/* Report until every worker is done. */
	for (;;) {
		uint64_t next = t_last + cfg.report_ms * 1000000ull, t, p, b;

		for (done = 0, i = 0; i < cfg.threads; i++)
			done += __atomic_load_n(&w[i].done, __ATOMIC_ACQUIRE);
		if (done == cfg.threads)
			break;
		t = now_ns();
		if (cfg.idle_exit && (cfg.func == F_RX || cfg.func == F_RXSEQ ||
				      cfg.func == F_PONG)) {
			uint64_t last = rd(&last_rx_ns);

			if (last && t > last + IDLE_MS * 1000000ull)
				stop = 1;
		}
		if (t < next) {
			sleep_ns(next - t < 20000000 ? next - t : 20000000);
			continue;
		}
		totals(w, &p, &b);
		report_line(w, p - p_last, b - b_last, (t - t_last) / 1e9, p);
		p_last = p;
		b_last = b;
		t_last = t;
	}
	t_end = now_ns();
	for (i = 0; i < cfg.threads; i++) {
		if (w[i].tid)
			pthread_join(w[i].tid, NULL);
		if (w[i].failed)
			rc = 1;
	}
	summary(w, (t_end - t_start) / 1e9);
	for (i = 0; i < cfg.threads; i++) {
		nm_close(w[i].d);
		pkt_tmpl_free(&w[i].tmpl);
		seqstat_free(&w[i].seq);
		free(w[i].pktbuf);
	}
	free(w);
	return rc;
}
