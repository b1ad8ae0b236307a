// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmraw: send or receive Ethernet/IPv4/UDP frames through a netmap port
 * using nothing but the raw kernel interface from <linux/netmap.h>:
 * NIOCCTRL(REGISTER), one mmap, the rings, NIOCTXSYNC/NIOCRXSYNC and
 * poll(). Meant as a readable example and as the demo traffic source.
 *
 *	nmraw tx -i IFNAME [-n COUNT] [-s SIZE] [-d SECONDS] ...
 *	nmraw rx -i IFNAME [-n COUNT] [-d SECONDS] ...
 *
 * See nmraw.1 for the options.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/netmap.h>

#define DEV_PATH	"/dev/netmap"
#define HDR_LEN		42	/* Ethernet 14 + IPv4 20 + UDP 8 */
#define MIN_FRAME	60	/* without FCS */

struct opts {
	bool tx;
	const char *ifname;
	int ring;		/* -1: all rings */
	uint64_t count;		/* 0: unlimited */
	unsigned int size;
	unsigned int duration;	/* seconds, 0: unlimited */
	unsigned int batch;
	uint8_t dst[6];
	uint8_t src[6];
	bool quiet;
};

struct port {
	int fd;
	void *mem;
	size_t memsize;
	struct netmap_if *nifp;
	unsigned int first, last;	/* bound HW rings [first, last) */
};

struct stats {
	uint64_t pkts;
	uint64_t bytes;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nmraw: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- rings ---- */

static struct netmap_ring *tx_ring(struct netmap_if *nifp, unsigned int i)
{
	return (struct netmap_ring *)((char *)nifp + nifp->ring_ofs[i]);
}

static struct netmap_ring *rx_ring(struct netmap_if *nifp, unsigned int i)
{
	unsigned int base = nifp->ni_tx_rings + nifp->ni_host_tx_rings;

	return (struct netmap_ring *)((char *)nifp + nifp->ring_ofs[base + i]);
}

static char *slot_buf(struct netmap_ring *r, struct netmap_slot *s)
{
	return (char *)r + r->buf_ofs + (int64_t)s->buf_idx * r->nr_buf_size;
}

static uint32_t ring_next(struct netmap_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

/* Slots between cur and tail: free TX slots, or received RX packets. */
static uint32_t ring_avail(struct netmap_ring *r)
{
	return r->tail >= r->cur ? r->tail - r->cur :
				   r->tail + r->num_slots - r->cur;
}

/* ---- opening the port ---- */

static const char *reg_error(int err)
{
	switch (err) {
	case ENXIO:
		return "no such interface";
	case EBUSY:
		return "rings in exclusive use by another process";
	case EINVAL:
		return "invalid request (ring number out of range, or MTU "
		       "larger than the netmap buffers?)";
	case EOPNOTSUPP:
		return "not supported by this interface";
	case ENOMEM:
		return "out of netmap memory";
	default:
		return strerror(err);
	}
}

static void port_open(struct port *p, const struct opts *o)
{
	struct nmreq_register reg;
	struct nmreq_header hdr;
	const char *name = o->ifname;

	if (!strncmp(name, "netmap:", 7))
		name += 7;
	if (!*name || strlen(name) >= sizeof(hdr.nr_name))
		die("bad interface name '%s'", o->ifname);

	p->fd = open(DEV_PATH, O_RDWR);
	if (p->fd < 0)
		die("cannot open %s: %s%s", DEV_PATH, strerror(errno),
		    errno == ENOENT ? " (is netmap.ko loaded?)" : "");

	memset(&reg, 0, sizeof(reg));
	reg.nr_mode = o->ring < 0 ? NR_REG_ALL_NIC : NR_REG_ONE_NIC;
	reg.nr_ringid = o->ring < 0 ? 0 : o->ring;
	/* bind only the direction we use; a receiver must not flush TX */
	reg.nr_flags = o->tx ? NR_TX_RINGS_ONLY :
			       NR_RX_RINGS_ONLY | NR_NO_TX_POLL;

	memset(&hdr, 0, sizeof(hdr));
	hdr.nr_version = NETMAP_API;
	hdr.nr_reqtype = NETMAP_REQ_REGISTER;
	strncpy(hdr.nr_name, name, sizeof(hdr.nr_name) - 1);
	hdr.nr_body = (uintptr_t)&reg;
	if (ioctl(p->fd, NIOCCTRL, &hdr))
		die("cannot register %s: %s", name, reg_error(errno));

	p->memsize = reg.nr_memsize;
	p->mem = mmap(NULL, p->memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		      p->fd, 0);
	if (p->mem == MAP_FAILED)
		die("cannot map %zu bytes of netmap memory: %s", p->memsize,
		    strerror(errno));
	p->nifp = (struct netmap_if *)((char *)p->mem + reg.nr_offset);

	if (o->ring < 0) {
		p->first = 0;
		p->last = o->tx ? p->nifp->ni_tx_rings : p->nifp->ni_rx_rings;
	} else {
		unsigned int n = o->tx ? p->nifp->ni_tx_rings :
					 p->nifp->ni_rx_rings;

		/* the kernel clamps a ring beyond this direction to 0 */
		p->first = (unsigned int)o->ring < n ? (unsigned int)o->ring : 0;
		p->last = p->first + 1;
	}
	if (!o->quiet)
		printf("%s: %u TX ring(s) x %u slots, %u RX ring(s) x %u slots, "
		       "using %s ring(s) %u..%u, %u-byte buffers\n", name,
		       reg.nr_tx_rings, reg.nr_tx_slots, reg.nr_rx_rings,
		       reg.nr_rx_slots, o->tx ? "TX" : "RX", p->first,
		       p->last - 1,
		       (o->tx ? tx_ring(p->nifp, p->first) :
				rx_ring(p->nifp, p->first))->nr_buf_size);
}

static void port_close(struct port *p)
{
	munmap(p->mem, p->memsize);
	close(p->fd);
}

/* ---- frames ---- */

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * One frame: Ethernet, IPv4 10.0.0.1 -> 10.0.0.2, UDP 1234 -> 4321, and
 * a payload starting with a 64-bit sequence number (patched per packet).
 */
static void frame_template(uint8_t *f, const struct opts *o)
{
	uint16_t ip_len = o->size - 14, udp_len = o->size - 34;
	unsigned int i;

	memset(f, 0, o->size);
	memcpy(f, o->dst, 6);
	memcpy(f + 6, o->src, 6);
	put16(f + 12, 0x0800);
	f[14] = 0x45;				/* IPv4, 20-byte header */
	put16(f + 16, ip_len);
	f[22] = 64;				/* TTL */
	f[23] = 17;				/* UDP */
	f[26] = 10; f[29] = 1;			/* 10.0.0.1 */
	f[30] = 10; f[33] = 2;			/* 10.0.0.2 */
	put16(f + 24, ip_checksum(f + 14, 20));
	put16(f + 34, 1234);
	put16(f + 36, 4321);
	put16(f + 38, udp_len);			/* checksum 0: none */
	for (i = HDR_LEN + 8; i < o->size; i++)
		f[i] = (uint8_t)i;
}

/* ---- statistics ---- */

static void rate_line(const char *what, struct stats *cur, struct stats *prev,
		      double dt)
{
	double pps = (cur->pkts - prev->pkts) / dt;
	double bps = (cur->bytes - prev->bytes) * 8 / dt;

	printf("%s: %10.3f Kpps %10.3f Mbps   (total %llu packets)\n", what,
	       pps / 1e3, bps / 1e6, (unsigned long long)cur->pkts);
	fflush(stdout);
	*prev = *cur;
}

static void summary(const char *what, struct stats *s, double secs)
{
	if (secs <= 0)
		secs = 1e-9;
	printf("%s summary: %llu packets, %llu bytes in %.3f s: "
	       "%.3f Kpps, %.3f Mbps\n", what, (unsigned long long)s->pkts,
	       (unsigned long long)s->bytes, secs, s->pkts / secs / 1e3,
	       s->bytes * 8 / secs / 1e6);
}

static bool done(const struct opts *o, const struct stats *s, double t0)
{
	return stop || (o->count && s->pkts >= o->count) ||
	       (o->duration && now() - t0 >= o->duration);
}

/* ---- transmit ---- */

/* Fill free slots of ring r with up to max frames; returns the number. */
static unsigned int tx_fill(struct netmap_ring *r, const uint8_t *tmpl,
			    unsigned int size, uint64_t *seq, uint64_t max)
{
	uint32_t cur = r->cur, n = ring_avail(r), i;

	if (n > max)
		n = (uint32_t)max;
	for (i = 0; i < n; i++) {
		struct netmap_slot *s = &r->slot[cur];
		uint8_t *b = (uint8_t *)slot_buf(r, s);

		memcpy(b, tmpl, size);
		memcpy(b + HDR_LEN, seq, sizeof(*seq));
		(*seq)++;
		s->len = size;
		s->flags = 0;
		cur = ring_next(r, cur);
	}
	/* hand the slots to the kernel: it sends them at the next sync */
	r->head = r->cur = cur;
	return n;
}

static bool tx_pending(struct port *p)
{
	unsigned int i;

	for (i = p->first; i < p->last; i++) {
		struct netmap_ring *r = tx_ring(p->nifp, i);

		if (ring_next(r, r->tail) != r->head)
			return true;
	}
	return false;
}

static int run_tx(const struct opts *o, struct port *p)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };
	struct stats st = { 0 }, prev = { 0 };
	double t0 = now(), tlast = t0, t;
	uint8_t tmpl[65536];
	uint64_t seq = 0;
	unsigned int i;

	if (o->size > tx_ring(p->nifp, p->first)->nr_buf_size)
		die("frame size %u exceeds the %u-byte netmap buffers", o->size,
		    tx_ring(p->nifp, p->first)->nr_buf_size);
	frame_template(tmpl, o);

	while (!done(o, &st, t0)) {
		/* poll() syncs the TX rings and waits for free slots */
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd.revents & POLLERR)
			die("poll reported an error on the port");

		for (i = p->first; i < p->last && !done(o, &st, t0); i++) {
			uint64_t left = o->count ? o->count - st.pkts : o->batch;
			unsigned int n;

			if (left > o->batch)
				left = o->batch;
			n = tx_fill(tx_ring(p->nifp, i), tmpl, o->size, &seq,
				    left);
			st.pkts += n;
			st.bytes += (uint64_t)n * o->size;
		}
		t = now();
		if (!o->quiet && t - tlast >= 1.0) {
			rate_line("tx", &st, &prev, t - tlast);
			tlast = t;
		}
	}

	/* push out what is queued and wait for completion (up to 2 s) */
	t = now();
	do {
		if (ioctl(p->fd, NIOCTXSYNC, NULL))
			die("NIOCTXSYNC: %s", strerror(errno));
		if (!tx_pending(p))
			break;
		usleep(1000);
	} while (now() - t < 2.0);
	if (tx_pending(p))
		fprintf(stderr, "nmraw: some frames were not confirmed sent\n");
	summary("tx", &st, now() - t0);
	return 0;
}

/* ---- receive ---- */

static int run_rx(const struct opts *o, struct port *p)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	struct stats st = { 0 }, prev = { 0 };
	uint64_t prev_pkts = 0;
	double t0 = now(), tlast = t0, tfirst = 0, tend = 0, t;
	unsigned int i;

	while (!done(o, &st, t0)) {
		/* poll() syncs the RX rings and waits for packets */
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd.revents & POLLERR)
			die("poll reported an error on the port");

		for (i = p->first; i < p->last; i++) {
			struct netmap_ring *r = rx_ring(p->nifp, i);
			uint32_t j;

			for (j = r->cur; j != r->tail; j = ring_next(r, j)) {
				if (o->count && st.pkts >= o->count)
					break;
				st.pkts++;
				st.bytes += r->slot[j].len;
			}
			/* give the slots back; the next poll recycles them */
			r->head = r->cur = j;
		}
		t = now();
		if (st.pkts != prev_pkts) {
			if (!tfirst)
				tfirst = t;
			tend = t;
			prev_pkts = st.pkts;
		}
		if (!o->quiet && t - tlast >= 1.0) {
			rate_line("rx", &st, &prev, t - tlast);
			tlast = t;
		}
	}
	ioctl(p->fd, NIOCRXSYNC, NULL);
	/* rates over the time packets kept arriving, if long enough */
	summary("rx", &st, tend - tfirst > 0.01 ? tend - tfirst : now() - t0);
	return 0;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nmraw tx|rx -i IFNAME [options]\n"
		"  -i IFNAME   interface (\"netmap:\" prefix optional)\n"
		"  -r RING     use only hardware ring RING (default: all)\n"
		"  -n COUNT    stop after COUNT packets (default: no limit)\n"
		"  -d SECONDS  stop after SECONDS (default: no limit)\n"
		"  -s SIZE     tx frame size in bytes, 60..buffer size "
		"(default 60)\n"
		"  -b BATCH    tx: at most BATCH frames per ring per round "
		"(default 512)\n"
		"  -D MAC      tx destination MAC (default ff:ff:ff:ff:ff:ff)\n"
		"  -S MAC      tx source MAC (default 02:00:00:00:00:01)\n"
		"  -q          no per-second rate lines\n"
		"  -h          this help\n");
}

static void parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6], i;
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		die("bad MAC address '%s'", s);
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			die("bad MAC address '%s'", s);
		mac[i] = (uint8_t)b[i];
	}
}

static unsigned long long parse_num(const char *s, const char *what,
				    unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > max || *s == '-')
		die("bad %s '%s'", what, s);
	return v;
}

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->ring = -1;
	o->size = MIN_FRAME;
	o->batch = 512;
	memset(o->dst, 0xff, 6);
	memcpy(o->src, "\x02\x00\x00\x00\x00\x01", 6);

	if (argc >= 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		usage(stdout);
		exit(0);
	}
	if (argc < 2 || (strcmp(argv[1], "tx") && strcmp(argv[1], "rx"))) {
		usage(stderr);
		exit(2);
	}
	o->tx = !strcmp(argv[1], "tx");
	optind = 2;
	while ((c = getopt(argc, argv, "i:r:n:d:s:b:D:S:qh")) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'r':
			o->ring = (int)parse_num(optarg, "ring", NETMAP_RING_MASK);
			break;
		case 'n':
			o->count = parse_num(optarg, "count", ~0ull);
			break;
		case 'd':
			o->duration = parse_num(optarg, "duration", 1u << 30);
			break;
		case 's':
			o->size = parse_num(optarg, "size", 65535);
			if (o->size < MIN_FRAME)
				die("frame size must be at least %d",
				    MIN_FRAME);
			break;
		case 'b':
			o->batch = parse_num(optarg, "batch", 1u << 20);
			if (!o->batch)
				die("batch must be at least 1");
			break;
		case 'D':
			parse_mac(optarg, o->dst);
			break;
		case 'S':
			parse_mac(optarg, o->src);
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "nmraw: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		exit(2);
	}
	if (!o->ifname) {
		fprintf(stderr, "nmraw: -i IFNAME is required\n");
		usage(stderr);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct port p;
	struct opts o;
	int ret;

	parse(argc, argv, &o);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	port_open(&p, &o);
	ret = o.tx ? run_tx(&o, &p) : run_rx(&o, &p);
	port_close(&p);
	return ret;
}
