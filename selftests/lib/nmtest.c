// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the netmap selftests: namespaces and veth pairs,
 * /dev/netmap requests, ring access, test frames and packet sockets.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nmtest.h"

#undef alarm

void nmt_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "# nmt: %s\n", line);
}

bool nmt_have_netmap(void)
{
	return access(NMT_DEV, F_OK) == 0;
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *nmt_test_if(void)
{
	return env_nonempty("NETMAP_TEST_IF");
}

const char *nmt_test_peer(void)
{
	return env_nonempty("NETMAP_TEST_PEER");
}

uint64_t nmt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void nmt_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

unsigned int nmt_time_scale(void)
{
	const char *v = getenv("NMT_TIME_SCALE");
	char *end;
	unsigned long n;

	if (!v || !*v)
		return 1;
	n = strtoul(v, &end, 10);
	return (*end || n < 1 || n > 20) ? 1 : (unsigned int)n;
}

unsigned int nmt_alarm(unsigned int seconds)
{
	return alarm(seconds * nmt_time_scale());
}

int nmt_run(unsigned int timeout_ms, const char *fmt, ...)
{
	uint64_t limit = (uint64_t)timeout_ms * nmt_time_scale();
	uint64_t deadline = nmt_now_ms() + limit;
	char cmd[1024];
	va_list ap;
	int status;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (!getenv("NMT_VERBOSE")) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (nmt_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			nmt_log("timeout after %llu ms: %s",
				(unsigned long long)limit, cmd);
			return -ETIMEDOUT;
		}
		nmt_msleep(10);
	}
	if (!WIFEXITED(status)) {
		nmt_log("killed by signal: %s", cmd);
		return -EINTR;
	}
	if (WEXITSTATUS(status))
		nmt_log("exit %d: %s", WEXITSTATUS(status), cmd);
	return WEXITSTATUS(status);
}

/* ---- namespaces and veth ---- */

int nmt_netns_fd(const char *ns)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		nmt_log("open %s: %s", path, strerror(errno));
	}
	return fd;
}

int nmt_netns_enter_fd(int fd)
{
	if (setns(fd, CLONE_NEWNET)) {
		int err = -errno;

		nmt_log("setns: %s", strerror(errno));
		return err;
	}
	return 0;
}

int nmt_netns_enter(const char *ns)
{
	int fd, err;

	if (!ns)
		return 0;
	fd = nmt_netns_fd(ns);
	if (fd < 0)
		return fd;
	err = nmt_netns_enter_fd(fd);
	close(fd);
	return err;
}

/* Best effort: keep IPv6 autoconfiguration chatter off the test links. */
static void netns_quiet(const char *ns)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd;

	if (home < 0)
		return;
	if (!nmt_netns_enter(ns)) {
		fd = open("/proc/sys/net/ipv6/conf/default/disable_ipv6",
			  O_WRONLY);
		if (fd >= 0) {
			/* fails only without IPv6: nothing to mute then */
			ssize_t r = write(fd, "1\n", 2);

			(void)r;
			close(fd);
		}
		nmt_netns_enter_fd(home);
	}
	close(home);
}

int nmt_veth_create(struct nmt_veth *v, char tag, unsigned int txq,
		    unsigned int rxq)
{
	int pid = getpid();

	memset(v, 0, sizeof(*v));
	v->home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (v->home_ns < 0)
		return -errno;
	snprintf(v->ns_a, sizeof(v->ns_a), "nmt%cA%d", tag, pid);
	snprintf(v->ns_b, sizeof(v->ns_b), "nmt%cB%d", tag, pid);
	snprintf(v->a, sizeof(v->a), "nm%cA%d", tag, pid);
	snprintf(v->b, sizeof(v->b), "nm%cB%d", tag, pid);
	v->created = true;

	if (nmt_sh("ip netns add %s", v->ns_a) ||
	    nmt_sh("ip netns add %s", v->ns_b))
		goto fail;
	netns_quiet(v->ns_a);
	netns_quiet(v->ns_b);
	if (nmt_sh("ip link add %s numtxqueues %u numrxqueues %u netns %s "
		   "type veth peer name %s numtxqueues %u numrxqueues %u "
		   "netns %s",
		   v->a, txq, rxq, v->ns_a, v->b, txq, rxq, v->ns_b) ||
	    nmt_sh("ip -n %s link set dev %s up", v->ns_a, v->a) ||
	    nmt_sh("ip -n %s link set dev %s up", v->ns_b, v->b) ||
	    nmt_sh("ip -n %s link set dev lo up", v->ns_a))
		goto fail;
	return 0;
fail:
	nmt_log("cannot create veth pair %s/%s", v->a, v->b);
	nmt_veth_destroy(v);
	return -EIO;
}

void nmt_veth_destroy(struct nmt_veth *v)
{
	if (!v->created)
		return;
	if (v->home_ns >= 0) {
		nmt_netns_enter_fd(v->home_ns);
		close(v->home_ns);
		v->home_ns = -1;
	}
	/* deleting a namespace deletes its veth end and thus the pair */
	nmt_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null; "
	       "true", v->ns_a, v->ns_b);
	v->created = false;
}

int nmt_env_setup(struct nmt_env *e, unsigned int txq, unsigned int rxq)
{
	const char *tif = nmt_test_if();
	int err;

	memset(e, 0, sizeof(*e));
	e->veth.home_ns = -1;
	if (tif) {
		snprintf(e->port, sizeof(e->port), "%s", tif);
		if (nmt_test_peer())
			snprintf(e->peer, sizeof(e->peer), "%s",
				 nmt_test_peer());
		return 0;
	}
	err = nmt_veth_create(&e->veth, 'x', txq, rxq);
	if (err)
		return err;
	e->is_veth = true;
	snprintf(e->port, sizeof(e->port), "%s", e->veth.a);
	snprintf(e->peer, sizeof(e->peer), "%s", e->veth.b);
	e->peer_ns = e->veth.ns_b;
	err = nmt_netns_enter(e->veth.ns_a);
	if (err)
		nmt_veth_destroy(&e->veth);
	return err;
}

void nmt_env_teardown(struct nmt_env *e)
{
	if (e->is_veth)
		nmt_veth_destroy(&e->veth);
	e->is_veth = false;
}

/* ---- /dev/netmap control path ---- */

int nmt_open_dev(void)
{
	int fd = open(NMT_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fd = -errno;
		nmt_log("open %s: %s", NMT_DEV, strerror(errno));
	}
	return fd;
}

int nmt_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

void nmt_hdr_init(struct nmreq_header *h, uint16_t reqtype, const char *name,
		  void *body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = NETMAP_API;
	h->nr_reqtype = reqtype;
	if (name)
		snprintf(h->nr_name, sizeof(h->nr_name), "%s", name);
	h->nr_body = (uintptr_t)body;
}

int nmt_ctrl(int fd, struct nmreq_header *h)
{
	return nmt_ioctl(fd, NIOCCTRL, h);
}

void nmt_reg_init(struct nmreq_register *r, uint32_t mode, uint16_t ringid,
		  uint64_t flags)
{
	memset(r, 0, sizeof(*r));
	r->nr_mode = mode;
	r->nr_ringid = ringid;
	r->nr_flags = flags;
}

int nmt_register(int fd, const char *name, struct nmreq_register *reg)
{
	struct nmreq_header h;

	nmt_hdr_init(&h, NETMAP_REQ_REGISTER, name, reg);
	return nmt_ctrl(fd, &h);
}

int nmt_register_mode(int fd, const char *name, uint32_t mode,
		      uint16_t ringid, uint64_t flags)
{
	struct nmreq_register reg;

	nmt_reg_init(&reg, mode, ringid, flags);
	return nmt_register(fd, name, &reg);
}

int nmt_port_info(int fd, const char *name, struct nmreq_port_info_get *pi)
{
	struct nmreq_header h;

	nmt_hdr_init(&h, NETMAP_REQ_PORT_INFO_GET, name, pi);
	return nmt_ctrl(fd, &h);
}

int nmt_pools_info(int fd, const char *name, struct nmreq_pools_info *pi)
{
	struct nmreq_header h;

	nmt_hdr_init(&h, NETMAP_REQ_POOLS_INFO_GET, name, pi);
	return nmt_ctrl(fd, &h);
}

bool nmt_has_host_rings(const char *port)
{
	struct nmreq_port_info_get pi;
	int fd = nmt_open_dev();
	bool yes = false;

	if (fd < 0)
		return false;
	memset(&pi, 0, sizeof(pi));
	if (!nmt_port_info(fd, port, &pi))
		yes = pi.nr_host_tx_rings && pi.nr_host_rx_rings;
	close(fd);
	return yes;
}

int nmt_txsync(int fd)
{
	return ioctl(fd, NIOCTXSYNC, NULL) ? -errno : 0;
}

int nmt_rxsync(int fd)
{
	return ioctl(fd, NIOCRXSYNC, NULL) ? -errno : 0;
}

int nmt_port_open_reg(struct nmt_port *p, const char *name,
		      const struct nmreq_register *reg)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->mem = MAP_FAILED;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->reg = *reg;
	p->fd = nmt_open_dev();
	if (p->fd < 0)
		return p->fd;
	err = nmt_register(p->fd, name, &p->reg);
	if (err)
		goto fail;
	p->memsize = p->reg.nr_memsize;
	p->mem = mmap(NULL, p->memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		      p->fd, 0);
	if (p->mem == MAP_FAILED) {
		err = -errno;
		nmt_log("mmap %zu bytes: %s", p->memsize, strerror(errno));
		goto fail;
	}
	p->nifp = (struct netmap_if *)((char *)p->mem + p->reg.nr_offset);
	return 0;
fail:
	close(p->fd);
	p->fd = -1;
	return err;
}

int nmt_port_open(struct nmt_port *p, const char *name, uint32_t mode,
		  uint16_t ringid, uint64_t flags)
{
	struct nmreq_register reg;

	nmt_reg_init(&reg, mode, ringid, flags);
	return nmt_port_open_reg(p, name, &reg);
}

void nmt_port_close(struct nmt_port *p)
{
	if (p->mem && p->mem != MAP_FAILED)
		munmap(p->mem, p->memsize);
	p->mem = MAP_FAILED;
	p->nifp = NULL;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* ---- rings ---- */

unsigned int nmt_nrings(const struct netmap_if *nifp, int dir)
{
	return dir == NMT_TX ? nifp->ni_tx_rings + nifp->ni_host_tx_rings :
			       nifp->ni_rx_rings + nifp->ni_host_rx_rings;
}

struct netmap_ring *nmt_ring(struct netmap_if *nifp, int dir, unsigned int i)
{
	unsigned int base = 0;
	int64_t ofs;

	if (i >= nmt_nrings(nifp, dir))
		return NULL;
	if (dir == NMT_RX)
		base = nifp->ni_tx_rings + nifp->ni_host_tx_rings;
	ofs = nifp->ring_ofs[base + i];
	return ofs ? (struct netmap_ring *)((char *)nifp + ofs) : NULL;
}

struct netmap_ring *nmt_first_ring(struct netmap_if *nifp, int dir)
{
	unsigned int n = dir == NMT_TX ? nifp->ni_tx_rings : nifp->ni_rx_rings;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (nmt_ring(nifp, dir, i))
			return nmt_ring(nifp, dir, i);
	return NULL;
}

uint64_t nmt_bound_mask(struct netmap_if *nifp, int dir)
{
	unsigned int i, n = nmt_nrings(nifp, dir);
	uint64_t mask = 0;

	for (i = 0; i < n && i < 64; i++)
		if (nmt_ring(nifp, dir, i))
			mask |= 1ull << i;
	return mask;
}

bool nmt_ring_check(const struct netmap_ring *r, char *why, size_t len)
{
	uint32_t n = r->num_slots;

	if (r->head >= n || r->cur >= n || r->tail >= n) {
		snprintf(why, len, "index out of range: head %u cur %u tail %u"
			 " num_slots %u", r->head, r->cur, r->tail, n);
		return false;
	}
	if (nmt_dist(r, r->head, r->cur) > nmt_dist(r, r->head, r->tail)) {
		snprintf(why, len, "cur outside [head, tail]: head %u cur %u "
			 "tail %u", r->head, r->cur, r->tail);
		return false;
	}
	snprintf(why, len, "ok");
	return true;
}

/* ---- frames ---- */

#define NMT_MAGIC	0x4e4d5431u	/* "NMT1" */

struct nmt_frame_hdr {
	uint8_t dst[6];
	uint8_t src[6];
	uint16_t type;
	uint32_t magic;
	uint32_t tag;
	uint32_t seq;
	uint32_t len;
} __attribute__((packed));

uint32_t nmt_tag(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint32_t)getpid() << 16) ^ (uint32_t)ts.tv_nsec ^
	       (uint32_t)ts.tv_sec;
}

static uint8_t pattern(uint32_t seq, size_t i)
{
	return (uint8_t)(seq * 7 + i * 13 + (i >> 8));
}

void nmt_frame_fill(void *buf, size_t len, uint32_t tag, uint32_t seq)
{
	struct nmt_frame_hdr h = {
		.dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		.src = { 0x02, 0x6e, 0x6d, 0x74, 0x00, 0x01 },
		.type = htons(NMT_ETHERTYPE),
		.magic = htonl(NMT_MAGIC),
		.tag = htonl(tag),
		.seq = htonl(seq),
		.len = htonl((uint32_t)len),
	};
	uint8_t *p = buf;
	size_t i;

	if (len < sizeof(h))
		return;
	memcpy(p, &h, sizeof(h));
	for (i = sizeof(h); i < len; i++)
		p[i] = pattern(seq, i);
}

int nmt_frame_check(const void *buf, size_t len, uint32_t tag, uint32_t *seq)
{
	const uint8_t *p = buf;
	struct nmt_frame_hdr h;
	size_t i;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, p, sizeof(h));
	if (h.type != htons(NMT_ETHERTYPE) || h.magic != htonl(NMT_MAGIC) ||
	    h.tag != htonl(tag))
		return 0;
	*seq = ntohl(h.seq);
	if (ntohl(h.len) != len) {
		nmt_log("frame %u: length %zu, sent as %u", *seq, len,
			ntohl(h.len));
		return -1;
	}
	for (i = sizeof(h); i < len; i++) {
		if (p[i] != pattern(*seq, i)) {
			nmt_log("frame %u: byte %zu is %#x, want %#x", *seq, i,
				p[i], pattern(*seq, i));
			return -1;
		}
	}
	return 1;
}

size_t nmt_frame_len(uint32_t seq)
{
	static const size_t lens[] = { 60, 64, 128, 333, 512, 1000, 1514 };

	return lens[seq % (sizeof(lens) / sizeof(lens[0]))];
}

/* ---- AF_PACKET ---- */

int nmt_pkt_open(const char *ns, const char *ifname)
{
	int home = -1, fd = -1, err = 0;
	int rcvbuf = 8 << 20, sndbuf = 16 << 20;
	struct sockaddr_ll sll;

	if (ns) {
		home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (home < 0)
			return -errno;
		err = nmt_netns_enter(ns);
		if (err)
			goto out;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0) {
		err = -errno;
		nmt_log("socket(AF_PACKET): %s", strerror(errno));
		goto out;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll,
				     sizeof(sll))) {
		err = sll.sll_ifindex ? -errno : -ENODEV;
		nmt_log("bind packet socket to %s: %s", ifname,
			strerror(-err));
		goto out;
	}
	/* a burst of a few thousand frames must not overflow */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/*
	 * Sent frames stay charged to this socket until the receiver frees
	 * them; netmap holds them until the application syncs its RX ring.
	 * Room for a few thousand, so a test may send a burst first.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
		       sizeof(sndbuf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
out:
	if (home >= 0) {
		nmt_netns_enter_fd(home);
		close(home);
	}
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

int nmt_pkt_send(int fd, const void *buf, size_t len)
{
	uint64_t deadline = nmt_now_ms() + 2000;
	ssize_t n;

	/* a full device queue or send buffer is transient: retry a while */
	for (;;) {
		n = send(fd, buf, len, MSG_DONTWAIT);
		if (n >= 0 || (errno != EINTR && errno != ENOBUFS &&
			       errno != EAGAIN))
			break;
		if (nmt_now_ms() > deadline) {
			nmt_log("packet socket send: %s for 2 s",
				strerror(errno));
			break;
		}
		nmt_msleep(1);
	}
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

ssize_t nmt_pkt_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	uint64_t deadline = nmt_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof(from);
		int64_t left = (int64_t)(deadline - nmt_now_ms());
		ssize_t n;

		if (left < 0)
			left = 0;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = recvfrom(fd, buf, len, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				return -errno;
			if (nmt_now_ms() >= deadline)
				return 0;
			continue;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		return n;
	}
}

int nmt_pkt_collect(int fd, uint32_t tag, uint32_t *next, uint32_t want,
		    int timeout_ms)
{
	uint64_t deadline = nmt_now_ms() + timeout_ms;
	static uint8_t buf[4096];
	int got = 0;

	while (*next < want) {
		int64_t left = (int64_t)(deadline - nmt_now_ms());
		uint32_t seq;
		ssize_t n;
		int c;

		n = nmt_pkt_recv(fd, buf, sizeof(buf), left > 0 ? (int)left : 0);
		if (n <= 0)
			break;
		c = nmt_frame_check(buf, n, tag, &seq);
		if (c == 0)
			continue;
		if (c < 0)
			return -1;
		if (seq != *next) {
			nmt_log("packet socket: frame %u, expected %u", seq,
				*next);
			return -1;
		}
		(*next)++;
		got++;
	}
	return got;
}

/* ---- netmap data path helpers ---- */

unsigned int nmt_tx_fill(struct netmap_ring *r, unsigned int n, size_t len,
			 uint32_t tag, uint32_t *seq)
{
	unsigned int done = 0;
	uint32_t cur = r->cur;

	while (done < n && cur != r->tail) {
		struct netmap_slot *s = &r->slot[cur];
		size_t l = len ? len : nmt_frame_len(*seq);

		nmt_frame_fill(nmt_buf(r, s->buf_idx), l, tag, *seq);
		s->len = (uint16_t)l;
		s->flags = 0;
		(*seq)++;
		done++;
		cur = nmt_next(r, cur);
	}
	r->head = r->cur = cur;
	return done;
}

int nmt_rx_consume(struct netmap_ring *r, uint32_t tag, uint32_t *next)
{
	uint32_t i = r->head;
	int got = 0;

	while (i != r->tail) {
		struct netmap_slot *s = &r->slot[i];
		uint32_t seq;
		int c;

		if (s->len > r->nr_buf_size) {
			nmt_log("rx slot %u: len %u > buffer size %u", i,
				s->len, r->nr_buf_size);
			return -1;
		}
		c = nmt_frame_check(nmt_buf(r, s->buf_idx), s->len, tag, &seq);
		if (c < 0)
			return -1;
		if (c > 0) {
			if (seq != *next) {
				nmt_log("netmap rx: frame %u, expected %u",
					seq, *next);
				return -1;
			}
			(*next)++;
			got++;
		}
		i = nmt_next(r, i);
	}
	r->head = r->cur = i;
	return got;
}

/* ---- kernel log ---- */

static bool kmsg_scan(uint64_t since, const char *needle, uint64_t *last)
{
	char rec[2048];
	bool found = false;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	*last = 0;
	if (fd < 0)
		return false;
	for (;;) {
		unsigned long long seq;
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *msg;

		if (n < 0) {
			if (errno == EPIPE)	/* overwritten records */
				continue;
			break;
		}
		rec[n] = '\0';
		if (sscanf(rec, "%*u,%llu,", &seq) != 1)
			continue;
		*last = seq;
		msg = strchr(rec, ';');
		if (needle && seq > since && msg && strstr(msg, needle))
			found = true;
	}
	close(fd);
	return found;
}

uint64_t nmt_kmsg_mark(void)
{
	uint64_t last;

	kmsg_scan(0, NULL, &last);
	return last;
}

bool nmt_kmsg_contains(uint64_t since, const char *needle)
{
	uint64_t last;

	return kmsg_scan(since, needle, &last);
}
