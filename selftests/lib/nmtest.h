/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the netmap selftests.
 *
 * Test topology (default): two network namespaces, each holding one end of
 * a veth pair. The test process moves into the first one ("A"), where the
 * netmap port lives; the peer end ("B") is driven through AF_PACKET
 * sockets created inside the second namespace:
 *
 *	test process, netns nmtA<pid>        netns nmtB<pid>
 *	  /dev/netmap -- nmA<pid> ======= nmB<pid> -- AF_PACKET socket
 *
 * With NETMAP_TEST_IF=<ifname> the port is that interface in the current
 * namespace instead; NETMAP_TEST_PEER=<ifname> may name an interface of
 * the same namespace cabled to it (tests that need a peer skip without).
 *
 * Functions return 0 or -errno unless stated otherwise, and log the reason
 * of a failure as a TAP comment.
 */
#ifndef NMTEST_H
#define NMTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/netmap.h>

#define NMT_DEV			"/dev/netmap"
#define NMT_ETHERTYPE		0x88b5	/* IEEE local experimental */
#define NMT_FRAME_MIN		60
#define NMT_FRAME_MAX		1514
#define NMT_GLOBAL_MEM_ID	1
#define NMT_SKIP		4	/* kselftest exit code */

/* Default geometry of the global allocator (module parameter defaults). */
#define NMT_DEF_IF_SIZE		1024
#define NMT_DEF_IF_NUM		100
#define NMT_DEF_RING_SIZE	36864
#define NMT_DEF_RING_NUM	200
#define NMT_DEF_BUF_SIZE	2048
#define NMT_DEF_BUF_NUM		163840

/* ---- environment ---- */

void nmt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool nmt_have_netmap(void);		/* /dev/netmap exists */
const char *nmt_test_if(void);		/* $NETMAP_TEST_IF or NULL */
const char *nmt_test_peer(void);	/* $NETMAP_TEST_PEER or NULL */
uint64_t nmt_now_ms(void);		/* CLOCK_MONOTONIC */
/*
 * $NMT_TIME_SCALE (1..20, default 1): how many times longer than usual
 * setup steps may take, set by make check for the debug kernel. It
 * stretches nmt_run()'s limits and, in programs that include this header
 * before kselftest_harness.h, the harness's per-test alarm; never what a
 * test asserts.
 */
unsigned int nmt_time_scale(void);
unsigned int nmt_alarm(unsigned int seconds);
#define alarm(seconds) nmt_alarm(seconds)
void nmt_msleep(unsigned int ms);

/*
 * Run a shell command (formatted like printf) with /bin/sh -c, killing it
 * after timeout_ms. Output is discarded unless NMT_VERBOSE is set.
 * Returns the exit status (0..255), -ETIMEDOUT, or another -errno.
 */
int nmt_run(unsigned int timeout_ms, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define nmt_sh(...) nmt_run(20000, __VA_ARGS__)

/* ---- namespaces and veth ---- */

int nmt_netns_fd(const char *ns);	/* fd of a named netns, or -errno */
int nmt_netns_enter(const char *ns);	/* NULL: stay */
int nmt_netns_enter_fd(int fd);

/*
 * One veth pair across two namespaces. Names are derived from the pid and
 * a one-letter tag, so several pairs may coexist in one test.
 */
struct nmt_veth {
	char ns_a[32];
	char ns_b[32];
	char a[16];
	char b[16];
	int home_ns;		/* netns we came from, restored on destroy */
	bool created;
};

/* Create namespaces, the pair (queues TX and RX queues each), bring up. */
int nmt_veth_create(struct nmt_veth *v, char tag, unsigned int txq,
		    unsigned int rxq);
/* Return to the home namespace, delete both namespaces. Idempotent. */
void nmt_veth_destroy(struct nmt_veth *v);

/*
 * The environment of one test: a veth pair (entered into ns_a) or the
 * interface named by NETMAP_TEST_IF.
 */
struct nmt_env {
	struct nmt_veth veth;
	char port[64];		/* netmap port name (no "netmap:" prefix) */
	char peer[16];		/* peer interface, "" if none */
	const char *peer_ns;	/* namespace of the peer, NULL: current */
	bool is_veth;
};

/* txq/rxq are used only for veth. Enters ns_a. */
int nmt_env_setup(struct nmt_env *e, unsigned int txq, unsigned int rxq);
void nmt_env_teardown(struct nmt_env *e);
static inline bool nmt_env_has_peer(const struct nmt_env *e)
{
	return e->peer[0] != '\0';
}

/* ---- /dev/netmap control path ---- */

int nmt_open_dev(void);			/* fd or -errno */
int nmt_ioctl(int fd, unsigned long cmd, void *arg);	/* 0 or -errno */
void nmt_hdr_init(struct nmreq_header *h, uint16_t reqtype,
		  const char *name, void *body);
int nmt_ctrl(int fd, struct nmreq_header *h);		/* NIOCCTRL */
void nmt_reg_init(struct nmreq_register *r, uint32_t mode, uint16_t ringid,
		  uint64_t flags);
int nmt_register(int fd, const char *name, struct nmreq_register *reg);
int nmt_register_mode(int fd, const char *name, uint32_t mode,
		      uint16_t ringid, uint64_t flags);
int nmt_port_info(int fd, const char *name, struct nmreq_port_info_get *pi);
int nmt_pools_info(int fd, const char *name, struct nmreq_pools_info *pi);
int nmt_txsync(int fd);
/*
 * true if port reports host rings (PORT_INFO_GET). Tests of host rings
 * skip without: the generic adapter gets them in a later step.
 */
bool nmt_has_host_rings(const char *port);
int nmt_rxsync(int fd);

/* An open, registered and mapped port. */
struct nmt_port {
	int fd;
	char name[64];
	struct nmreq_register reg;
	void *mem;
	size_t memsize;
	struct netmap_if *nifp;
};

/* p->fd is -1 and nothing is left open when these fail. */
int nmt_port_open(struct nmt_port *p, const char *name, uint32_t mode,
		  uint16_t ringid, uint64_t flags);
int nmt_port_open_reg(struct nmt_port *p, const char *name,
		      const struct nmreq_register *reg);
void nmt_port_close(struct nmt_port *p);	/* idempotent */

/* ---- rings ---- */

enum { NMT_TX = 0, NMT_RX = 1 };

/* Total TX (or RX) rings in the netmap_if, host rings included. */
unsigned int nmt_nrings(const struct netmap_if *nifp, int dir);
/* Ring i of a direction (host rings follow HW rings); NULL if unbound. */
struct netmap_ring *nmt_ring(struct netmap_if *nifp, int dir, unsigned int i);
/* First bound HW ring of a direction, or NULL. */
struct netmap_ring *nmt_first_ring(struct netmap_if *nifp, int dir);
/* Bit i set if ring i of dir (host rings after HW rings) is bound. */
uint64_t nmt_bound_mask(struct netmap_if *nifp, int dir);
/* Mask of rings [first, last). */
static inline uint64_t nmt_mask(unsigned int first, unsigned int last)
{
	return (last >= 64 ? ~0ull : (1ull << last) - 1) & ~((1ull << first) - 1);
}

static inline uint32_t nmt_next(const struct netmap_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

/* Slots in [a, b) in circular order. */
static inline uint32_t nmt_dist(const struct netmap_ring *r, uint32_t a,
				uint32_t b)
{
	return b >= a ? b - a : b + r->num_slots - a;
}

/* Slots the user owns beyond cur: TX free slots, RX received packets. */
static inline uint32_t nmt_space(const struct netmap_ring *r)
{
	return nmt_dist(r, r->cur, r->tail);
}

static inline char *nmt_buf(const struct netmap_ring *r, uint32_t idx)
{
	return (char *)r + r->buf_ofs + (int64_t)idx * r->nr_buf_size;
}

/*
 * Checks head, cur, tail < num_slots and head <= cur <= tail in circular
 * order. Fills why with a description on failure. Returns true if the
 * indices are consistent.
 */
bool nmt_ring_check(const struct netmap_ring *r, char *why, size_t len);

/* ---- frames ---- */

/*
 * Test frames: broadcast destination, NMT_ETHERTYPE, then a header
 * (magic, tag, seq, length) and a pattern depending on seq. tag tells
 * apart frames of different tests and runs.
 */
uint32_t nmt_tag(void);
void nmt_frame_fill(void *buf, size_t len, uint32_t tag, uint32_t seq);
/* 1: ours and intact (seq stored), 0: not ours, -1: ours but damaged. */
int nmt_frame_check(const void *buf, size_t len, uint32_t tag, uint32_t *seq);

/* ---- AF_PACKET ---- */

/* Raw socket bound to ifname, created inside netns ns (NULL: current). */
int nmt_pkt_open(const char *ns, const char *ifname);
int nmt_pkt_send(int fd, const void *buf, size_t len);
/* Next incoming frame (own transmissions skipped): length, 0 on timeout. */
ssize_t nmt_pkt_recv(int fd, void *buf, size_t len, int timeout_ms);
/* Drain and count our frames with seq in order from *next; -1 if damaged. */
int nmt_pkt_collect(int fd, uint32_t tag, uint32_t *next, uint32_t want,
		    int timeout_ms);

/* ---- netmap data path helpers ---- */

/*
 * Queue up to n test frames of length len (0: varying 60..1514 with seq)
 * on TX ring r starting at sequence *seq; advances head and cur and *seq.
 * Returns the number queued. Does not sync.
 */
unsigned int nmt_tx_fill(struct netmap_ring *r, unsigned int n, size_t len,
			 uint32_t tag, uint32_t *seq);
/* Length used for frame seq when nmt_tx_fill is given len 0. */
size_t nmt_frame_len(uint32_t seq);

/*
 * Consume every received slot of RX ring r: frames matching tag must come
 * in order from *next and be intact. Returns the number of our frames
 * consumed, or -1 on a damaged / out of order frame. Releases all slots.
 */
int nmt_rx_consume(struct netmap_ring *r, uint32_t tag, uint32_t *next);

/* ---- kernel log ---- */

/* true if a /dev/kmsg record logged after `since' (from nmt_kmsg_mark)
 * contains needle. */
uint64_t nmt_kmsg_mark(void);
bool nmt_kmsg_contains(uint64_t since, const char *needle);

#endif /* NMTEST_H */
