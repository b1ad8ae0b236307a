// SPDX-License-Identifier: GPL-2.0
/*
 * nm_fuzz: throw random and malformed work at /dev/netmap from several
 * processes and threads at once while a churn process reconfigures the
 * network under them, then check that the kernel survived: no splat in
 * the kernel log, no hang, and netmap.ko unloads once every fd is closed.
 *
 * What the workers do, chosen at random per step:
 *  - NIOCCTRL REGISTER with random modes, ring ids, flags, extra buffers,
 *    allocator ids and port names (veth hardware and host rings, pipes,
 *    null ports, unknown and garbage names), often with an option chain
 *    (random types and sizes, loops, dangling and unmapped pointers)
 *  - NIOCCTRL with a mutated header (version, type, body, options)
 *  - PORT_INFO_GET, POOLS_INFO_GET, legacy NIOCREGIF / NIOCGINFO
 *  - mmap with odd offsets, lengths, protections and flags; a mapping the
 *    kernel accepts must lie inside the region and every page of it must
 *    be readable
 *  - ring corruption between syncs: head, cur, tail, flags, slot buf_idx,
 *    len and flags, ni_bufs_head and the links of the extra buffers
 *  - well-formed traffic (TX fill, RX drain), syncs, poll, random ioctls
 *  - races on fds shared by the threads of a process (register with
 *    options against sync, mmap and close), fork with bound fds
 * The churn process sets links down and up, changes the MTU, deletes and
 *    recreates veths with new queue counts, moves them between network
 *    namespaces, deletes a namespace holding one, and tries rmmod (and
 *    reloads the module if that worked).
 *
 * Environment:
 *	NM_FUZZ_SEED	seed (default: from the clock); printed, so a run
 *			is repeated by passing it back (the operation
 *			sequence of every thread derives from it; thread
 *			interleaving does not)
 *	NM_FUZZ_SECS	duration (default 25)
 *	NM_FUZZ_PROCS, NM_FUZZ_THREADS	workers (default 2 x 3)
 *	NETMAP_KO, NETMAP_MODARGS	how to load the module again
 *
 * TAP results: the workers ran and reached every kind of port (a fuzzer
 * that only collects errors proves nothing), the kernel accepted no
 * mapping outside the region and no accepted page faulted, no worker hung,
 * the kernel log is clean, the module unloads and loads again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/nmtest.h"

#define MAXFDS		4	/* private fds per thread */
#define MAXSHARED	4	/* fds shared by the threads of a process */
#define MAXOPTS		6
#define OPTSLOT		128
#define NVETH		2

/* ---- deterministic randomness ---- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rn(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return rn(r, 100) < percent;
}

/* A value near a limit more often than a uniform draw would give. */
static uint32_t edgy(struct rng *r, uint32_t n)
{
	static const uint32_t fixed[] = { 0, 1, 2, 0x7fffffff, 0x80000000,
					  0xffffffff, 0xffff, 0x10000 };

	switch (rn(r, 6)) {
	case 0:
		return fixed[rn(r, sizeof(fixed) / sizeof(fixed[0]))];
	case 1:
		return n ? n - 1 : 0;
	case 2:
		return n;
	case 3:
		return n + 1;
	case 4:
		return (uint32_t)rnd(r);
	default:
		return rn(r, n ? n : 1);
	}
}

/* ---- shared results ---- */

enum ptype { PT_HW, PT_HOST, PT_PIPE, PT_NULL, PT_LEGACY, PT_NTYPES };
static const char *const ptype_names[PT_NTYPES] = {
	"hw rings", "host rings", "pipe", "null", "legacy NIOCREGIF" };

struct stats {
	atomic_ulong ops;
	atomic_ulong reg_ok[PT_NTYPES];
	atomic_ulong reg_err;
	atomic_ulong ctrl_mut;
	atomic_ulong mmap_ok;
	atomic_ulong mmap_err;
	atomic_ulong corrupt;
	atomic_ulong syncs;
	atomic_ulong sync_err;
	atomic_ulong tx_frames;
	atomic_ulong rx_frames;
	atomic_ulong forks;
	atomic_ulong churn;
	atomic_ulong bad_map;		/* accepted mapping outside the region */
	atomic_ulong bad_fault;		/* an accepted page faulted */
	char first_bad[160];
	atomic_int first_bad_set;
};

static struct stats *st;	/* MAP_SHARED: every process adds to it */
static uint64_t g_seed;
static uint64_t g_deadline_ms;
static uint64_t g_page;
static char *g_badptr;		/* an unmapped page: EFAULT for the kernel */
static char ns_a[32], ns_b[32], ns_c[32];

static void bad(atomic_ulong *ctr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void bad(atomic_ulong *ctr, const char *fmt, ...)
{
	va_list ap;

	atomic_fetch_add(ctr, 1);
	if (atomic_exchange(&st->first_bad_set, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(st->first_bad, sizeof(st->first_bad), fmt, ap);
	va_end(ap);
}

/* ---- guarded memory access ---- */

static __thread sigjmp_buf guard_env;
static __thread volatile int guard_on;

static void on_fault(int sig)
{
	if (guard_on) {
		guard_on = 0;
		siglongjmp(guard_env, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Read one byte of every page of [p, p + len): the kernel accepted the
 * mapping, so each page must be there. Returns false on a fault.
 */
static bool touch_pages(const char *p, size_t len, struct rng *r)
{
	volatile char sink = 0;
	size_t off, step;

	/* Whole sweeps of the 300+ MB region are slow under TCG: stride. */
	step = g_page * (1 + rn(r, 64));
	if (sigsetjmp(guard_env, 1))
		return false;
	guard_on = 1;
	for (off = 0; off < len; off += step)
		sink += p[off];
	if (len)
		sink += p[len - 1];
	guard_on = 0;
	(void)sink;
	return true;
}

/* ---- one netmap fd of a worker ---- */

struct fzfd {
	int fd;
	bool bound;
	enum ptype type;
	struct nmreq_register reg;
	char *map;		/* mapping of [0, maplen) of the region */
	size_t maplen;
	uint64_t memsize;
};

static void fz_unmap(struct fzfd *f)
{
	if (f->map)
		munmap(f->map, f->maplen);
	f->map = NULL;
	f->maplen = 0;
}

static void fz_close(struct fzfd *f)
{
	fz_unmap(f);
	if (f->fd >= 0)
		close(f->fd);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/* p..p+len inside the fd's mapping? */
static bool in_map(const struct fzfd *f, const void *p, size_t len)
{
	const char *c = p;

	return f->map && c >= f->map && len <= f->maplen &&
	       (size_t)(c - f->map) <= f->maplen - len;
}

/* ---- names ---- */

static const char *const names[] = {
	"fzv0", "fzv1", "fzp0", "fzp1",			/* veth ends */
	"fzv0{1", "fzv0}1", "fzp1{7", "fzp1}7",		/* pipes on a netdev */
	"fzx{2", "fzx}2", "fzx{3", "fzx}3",		/* pipes, no parent */
	"fzv0{", "}", "{", "fzv0{1}2", "fzv0}}1",	/* bad pipe names */
	"vale0:a", "valex", "lo", "nosuch", "",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static void rand_name(struct rng *r, char *buf, size_t size)
{
	size_t i;

	if (!chance(r, 8)) {
		snprintf(buf, size, "%s", names[rn(r, NNAMES)]);
		return;
	}
	/* garbage, sometimes without a terminator */
	for (i = 0; i < size; i++)
		buf[i] = (char)rn(r, 256);
	if (chance(r, 50))
		buf[rn(r, size)] = '\0';
}

static enum ptype name_type(const char *name, uint32_t mode)
{
	if (mode == NR_REG_NULL)
		return PT_NULL;
	if (strpbrk(name, "{}"))
		return PT_PIPE;
	if (mode == NR_REG_SW || mode == NR_REG_NIC_SW || mode == NR_REG_ONE_SW)
		return PT_HOST;
	return PT_HW;
}

/* ---- option chains ---- */

struct optbuf {
	_Alignas(8) char slot[MAXOPTS][OPTSLOT];
};

static uint64_t uptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* A random chain in @ob; returns its user pointer (maybe bad). */
static uint64_t rand_opts(struct rng *r, struct optbuf *ob)
{
	unsigned int n = 1 + rn(r, MAXOPTS), i;

	for (i = 0; i < MAXOPTS; i++) {
		char *s = ob->slot[i];
		struct nmreq_option *o = (struct nmreq_option *)s;
		uint32_t k;

		for (k = 0; k < OPTSLOT; k++)
			s[k] = chance(r, 70) ? 0 : (char)rnd(r);
		o->nro_reqtype = chance(r, 80) ? rn(r, NETMAP_REQ_OPT_MAX + 2) :
						 (uint32_t)rnd(r);
		o->nro_size = chance(r, 70) ? sizeof(*o) + rn(r, 96) :
					      edgy(r, 4096);
		o->nro_status = (uint32_t)rnd(r);
		if (i + 1 < n)
			o->nro_next = uptr(ob->slot[i + 1]);
		else
			o->nro_next = 0;
		switch (rn(r, 20)) {
		case 0:
			o->nro_next = uptr(o);			/* self loop */
			break;
		case 1:
			o->nro_next = uptr(ob->slot[rn(r, i + 1)]);	/* back */
			break;
		case 2:
			o->nro_next = uptr(g_badptr);
			break;
		case 3:
			o->nro_next = uptr(s + 1 + rn(r, 7));	/* misaligned */
			break;
		case 4:
			o->nro_next = 0xffff888000000000ull;	/* kernel */
			break;
		}
	}
	switch (rn(r, 20)) {
	case 0:
		return uptr(g_badptr);
	case 1:
		return uptr(g_badptr - sizeof(struct nmreq_option) / 2);
	default:
		return uptr(ob->slot[0]);
	}
}

/* ---- requests ---- */

static void rand_register(struct rng *r, struct nmreq_register *reg)
{
	static const uint32_t modes[] = { NR_REG_ALL_NIC, NR_REG_ALL_NIC,
					  NR_REG_ONE_NIC, NR_REG_SW,
					  NR_REG_NIC_SW, NR_REG_ONE_SW,
					  NR_REG_NULL };
	static const uint64_t flags[] = { NR_EXCLUSIVE, NR_RX_RINGS_ONLY,
					  NR_TX_RINGS_ONLY, NR_DO_RX_POLL,
					  NR_NO_TX_POLL, NR_ACCEPT_VNET_HDR,
					  NR_MONITOR_TX, NR_ZCOPY_MON };
	unsigned int i;

	memset(reg, 0, sizeof(*reg));
	reg->nr_mode = chance(r, 85) ? modes[rn(r, 7)] : edgy(r, 10);
	reg->nr_ringid = chance(r, 85) ? rn(r, 5) : (uint16_t)rnd(r);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (chance(r, 6))
			reg->nr_flags |= flags[i];
	if (chance(r, 3))
		reg->nr_flags = rnd(r);
	if (chance(r, 25))
		reg->nr_extra_bufs = chance(r, 90) ? rn(r, 300) : edgy(r, 200000);
	if (chance(r, 20))
		reg->nr_mem_id = chance(r, 50) ? 1 : (uint16_t)edgy(r, 4);
	if (chance(r, 20)) {
		reg->nr_host_tx_rings = (uint16_t)edgy(r, 4);
		reg->nr_host_rx_rings = (uint16_t)edgy(r, 4);
	}
	if (chance(r, 20)) {
		reg->nr_tx_slots = edgy(r, 1024);
		reg->nr_rx_slots = edgy(r, 1024);
		reg->nr_tx_rings = (uint16_t)edgy(r, 4);
		reg->nr_rx_rings = (uint16_t)edgy(r, 4);
	}
	if (chance(r, 3))
		reg->nr_offset = rnd(r), reg->nr_memsize = rnd(r);
}

static void fz_map(struct rng *r, struct fzfd *f)
{
	void *m;

	if (!f->bound || f->map || !f->memsize || f->memsize > SIZE_MAX)
		return;
	m = mmap(NULL, f->memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		 f->fd, 0);
	if (m == MAP_FAILED) {
		atomic_fetch_add(&st->mmap_err, 1);
		return;
	}
	atomic_fetch_add(&st->mmap_ok, 1);
	f->map = m;
	f->maplen = f->memsize;
	if (!touch_pages(f->map, f->maplen, r))
		bad(&st->bad_fault, "fault in a whole-region mapping of %" PRIu64
		    " bytes", f->memsize);
}

static void op_register(struct rng *r, struct fzfd *f)
{
	struct nmreq_header h;
	struct nmreq_register reg;
	struct optbuf ob;
	int err;

	if (f->fd < 0)
		return;
	rand_register(r, &reg);
	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = NETMAP_REQ_REGISTER;
	h.nr_body = uptr(&reg);
	rand_name(r, h.nr_name, sizeof(h.nr_name));
	if (chance(r, 15))
		h.nr_options = rand_opts(r, &ob);
	err = ioctl(f->fd, NIOCCTRL, &h) ? errno : 0;
	if (err) {
		atomic_fetch_add(&st->reg_err, 1);
		return;
	}
	h.nr_name[sizeof(h.nr_name) - 1] = '\0';
	f->bound = true;
	f->reg = reg;
	f->type = name_type(h.nr_name, reg.nr_mode);
	f->memsize = reg.nr_memsize;
	atomic_fetch_add(&st->reg_ok[f->type], 1);
	if (chance(r, 85))
		fz_map(r, f);
}

static void op_legacy(struct rng *r, struct fzfd *f)
{
	struct nmreq nmr;

	if (f->fd < 0)
		return;
	memset(&nmr, 0, sizeof(nmr));
	rand_name(r, nmr.nr_name, sizeof(nmr.nr_name));
	nmr.nr_version = chance(r, 90) ? NETMAP_API : edgy(r, NETMAP_API);
	nmr.nr_ringid = chance(r, 70) ? rn(r, 4) : (uint16_t)rnd(r);
	if (chance(r, 20))
		nmr.nr_ringid |= NETMAP_SW_RING;
	if (chance(r, 20))
		nmr.nr_ringid |= NETMAP_HW_RING;
	nmr.nr_flags = chance(r, 80) ? rn(r, 9) : (uint32_t)rnd(r);
	nmr.nr_cmd = chance(r, 85) ? 0 : (uint16_t)edgy(r, 13);
	nmr.nr_arg2 = chance(r, 80) ? 0 : (uint16_t)edgy(r, 3);
	nmr.nr_arg3 = chance(r, 80) ? 0 : edgy(r, 100);
	if (chance(r, 25)) {
		ioctl(f->fd, NIOCGINFO, &nmr);
		return;
	}
	if (ioctl(f->fd, NIOCREGIF, &nmr)) {
		atomic_fetch_add(&st->reg_err, 1);
		return;
	}
	f->bound = true;
	f->type = PT_LEGACY;
	memset(&f->reg, 0, sizeof(f->reg));
	f->reg.nr_offset = nmr.nr_offset;
	f->reg.nr_tx_rings = nmr.nr_tx_rings;
	f->reg.nr_rx_rings = nmr.nr_rx_rings;
	f->memsize = nmr.nr_memsize;
	atomic_fetch_add(&st->reg_ok[PT_LEGACY], 1);
	if (chance(r, 85))
		fz_map(r, f);
}

/* Header fields and pointers mutated away from a valid request. */
static void op_ctrl_mutated(struct rng *r, int fd)
{
	_Alignas(8) char body[512];
	struct nmreq_header h;
	struct optbuf ob;
	unsigned int i;

	if (fd < 0)
		return;
	for (i = 0; i < sizeof(body); i++)
		body[i] = chance(r, 60) ? 0 : (char)rnd(r);
	memset(&h, 0, sizeof(h));
	h.nr_version = chance(r, 80) ? NETMAP_API : (uint16_t)edgy(r, NETMAP_API);
	h.nr_reqtype = chance(r, 80) ? rn(r, NETMAP_REQ_CSB_ENABLE + 3) :
				       (uint16_t)rnd(r);
	h.nr_reserved = chance(r, 90) ? 0 : (uint16_t)rnd(r);
	rand_name(r, h.nr_name, sizeof(h.nr_name));
	switch (rn(r, 6)) {
	case 0:
		h.nr_body = 0;
		break;
	case 1:
		h.nr_body = uptr(g_badptr);
		break;
	case 2:
		h.nr_body = uptr(g_badptr - 8);	/* straddles into it */
		break;
	case 3:
		h.nr_body = uptr(body + 1 + rn(r, 7));
		break;
	default:
		h.nr_body = uptr(body);
		break;
	}
	if (chance(r, 40))
		h.nr_options = rand_opts(r, &ob);
	atomic_fetch_add(&st->ctrl_mut, 1);
	if (ioctl(fd, NIOCCTRL, chance(r, 3) ? (void *)g_badptr : (void *)&h))
		return;
	/* It may have been a valid REGISTER: this fd is now bound. */
}

static void op_info(struct rng *r, int fd)
{
	struct nmreq_pools_info pi;
	struct nmreq_port_info_get pinfo;
	struct nmreq_header h;

	if (fd < 0)
		return;
	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	rand_name(r, h.nr_name, sizeof(h.nr_name));
	if (chance(r, 50)) {
		memset(&pi, 0, sizeof(pi));
		pi.nr_mem_id = (uint16_t)edgy(r, 3);
		h.nr_reqtype = NETMAP_REQ_POOLS_INFO_GET;
		h.nr_body = uptr(&pi);
	} else {
		memset(&pinfo, 0, sizeof(pinfo));
		pinfo.nr_mem_id = chance(r, 50) ? 0 : (uint16_t)edgy(r, 3);
		h.nr_reqtype = NETMAP_REQ_PORT_INFO_GET;
		h.nr_body = uptr(&pinfo);
	}
	ioctl(fd, NIOCCTRL, &h);
}

/* mmap with odd offsets and lengths: what is accepted must be inside. */
static void op_mmap_odd(struct rng *r, struct fzfd *f)
{
	uint64_t size = f->memsize, off, len;
	int prot, flags;
	void *m;

	if (f->fd < 0)
		return;
	switch (rn(r, 7)) {
	case 0:
		off = 0;
		break;
	case 1:
		off = (uint64_t)g_page * rn(r, 1 + (uint32_t)(size / g_page));
		break;
	case 2:
		off = size;
		break;
	case 3:
		off = size > (uint64_t)g_page ? size - g_page : 0;
		break;
	case 4:
		off = rn(r, 1u << 20) | 1;		/* unaligned */
		break;
	case 5:
		off = (uint64_t)edgy(r, 0) * g_page;
		break;
	default:
		off = 0x7ffffffff000ull & -(uint64_t)g_page;
		break;
	}
	switch (rn(r, 7)) {
	case 0:
		len = 0;
		break;
	case 1:
		len = 1 + rn(r, g_page);
		break;
	case 2:
		len = g_page;
		break;
	case 3:
		len = size;
		break;
	case 4:
		len = size + g_page;
		break;
	case 5:
		len = size > off ? size - off : g_page;
		break;
	default:
		len = (uint64_t)g_page * (1 + rn(r, 256));
		break;
	}
	if (len > (1ull << 40))
		return;
	prot = chance(r, 80) ? PROT_READ | PROT_WRITE :
	       (int)rn(r, 8) & (PROT_READ | PROT_WRITE | PROT_EXEC);
	flags = chance(r, 85) ? MAP_SHARED : MAP_PRIVATE;
	m = mmap(NULL, len, prot, flags, f->fd, (off_t)off);
	if (m == MAP_FAILED) {
		atomic_fetch_add(&st->mmap_err, 1);
		return;
	}
	atomic_fetch_add(&st->mmap_ok, 1);
	len = (len + g_page - 1) & -(uint64_t)g_page;
	if (f->bound && size && (off >= size || len > size - off))
		bad(&st->bad_map, "mmap offset %#" PRIx64 " length %#" PRIx64
		    " accepted, region is %#" PRIx64 " bytes", off, len, size);
	else if ((prot & PROT_READ) && !touch_pages(m, len, r))
		bad(&st->bad_fault, "fault in a mapping at offset %#" PRIx64
		    " length %#" PRIx64, off, len);
	if (chance(r, 50) && len > (uint64_t)g_page)
		munmap((char *)m + g_page, g_page);	/* split the vma */
	munmap(m, len);
}

/* ---- rings ---- */

static struct netmap_if *fz_nifp(const struct fzfd *f)
{
	struct netmap_if *nifp;

	if (!f->map || f->reg.nr_offset > f->maplen)
		return NULL;
	nifp = (struct netmap_if *)(f->map + f->reg.nr_offset);
	if (!in_map(f, nifp, sizeof(*nifp) + 64 * 2 * sizeof(int64_t)))
		return NULL;
	return nifp;
}

/* Ring i of the netmap_if (TX first, then RX), NULL if absent or bad. */
static struct netmap_ring *fz_ring(const struct fzfd *f, unsigned int i,
				   bool *tx)
{
	struct netmap_if *nifp = fz_nifp(f);
	struct netmap_ring *ring;
	unsigned int ntx, nrx;
	int64_t ofs;

	if (!nifp)
		return NULL;
	ntx = nifp->ni_tx_rings + nifp->ni_host_tx_rings;
	nrx = nifp->ni_rx_rings + nifp->ni_host_rx_rings;
	if (ntx > 64 || nrx > 64 || !(ntx + nrx))
		return NULL;
	i %= ntx + nrx;
	*tx = i < ntx;
	ofs = nifp->ring_ofs[i];
	if (!ofs)
		return NULL;
	ring = (struct netmap_ring *)((char *)nifp + ofs);
	if (!in_map(f, ring, sizeof(*ring)) ||
	    !in_map(f, ring, sizeof(*ring) +
		    (size_t)ring->num_slots * sizeof(struct netmap_slot)))
		return NULL;
	return ring;
}

static char *fz_buf(const struct fzfd *f, struct netmap_ring *ring,
		    uint32_t idx, size_t len)
{
	char *b = (char *)ring + ring->buf_ofs +
		  (uint64_t)idx * ring->nr_buf_size;

	if (len > ring->nr_buf_size || !in_map(f, b, len))
		return NULL;
	return b;
}

static void fz_sync(struct rng *r, struct fzfd *f, bool tx)
{
	struct pollfd pfd = { .fd = f->fd };
	int err;

	atomic_fetch_add(&st->syncs, 1);
	switch (rn(r, 4)) {
	case 0:
		pfd.events = POLLIN | POLLOUT;
		err = poll(&pfd, 1, rn(r, 2)) < 0;
		break;
	default:
		err = ioctl(f->fd, tx ? NIOCTXSYNC : NIOCRXSYNC);
		break;
	}
	if (err)
		atomic_fetch_add(&st->sync_err, 1);
}

static void op_corrupt(struct rng *r, struct fzfd *f)
{
	struct netmap_ring *ring;
	struct netmap_if *nifp;
	uint32_t n, k, i;
	bool tx = false;
	char *b;

	ring = fz_ring(f, rn(r, 16), &tx);
	if (!ring)
		return;
	n = ring->num_slots;
	atomic_fetch_add(&st->corrupt, 1);
	switch (rn(r, 9)) {
	case 0:
		ring->head = edgy(r, n);
		break;
	case 1:
		ring->cur = edgy(r, n);
		break;
	case 2:
		ring->tail = edgy(r, n);
		break;
	case 3:
		ring->head = rn(r, n);
		ring->cur = rn(r, n);
		ring->tail = rn(r, n);
		break;
	case 4:
		ring->flags = (uint32_t)rnd(r);
		break;
	case 5:
		for (k = 1 + rn(r, 8); n && k; k--) {
			struct netmap_slot *s = &ring->slot[rn(r, n)];

			switch (rn(r, 3)) {
			case 0:
				s->buf_idx = edgy(r, 163840);
				break;
			case 1:
				s->len = (uint16_t)edgy(r, 2048);
				break;
			default:
				s->flags = (uint16_t)rnd(r);
				break;
			}
		}
		break;
	case 6:
		/* a slot pointing at another slot's buffer: duplicates */
		if (n > 1)
			ring->slot[rn(r, n)].buf_idx = ring->slot[rn(r, n)].buf_idx;
		ring->head = ring->cur = (ring->head + rn(r, n)) % (n ? n : 1);
		break;
	case 7:
		nifp = fz_nifp(f);
		if (nifp)
			nifp->ni_bufs_head = edgy(r, 163840);
		break;
	default:
		/* the chain of extra buffers: links through the first word */
		nifp = fz_nifp(f);
		if (!nifp)
			break;
		i = nifp->ni_bufs_head;
		for (k = rn(r, 8); k && i; k--) {
			b = fz_buf(f, ring, i, sizeof(uint32_t));
			if (!b)
				break;
			i = *(uint32_t *)b;
		}
		b = i ? fz_buf(f, ring, i, sizeof(uint32_t)) : NULL;
		if (b)
			*(uint32_t *)b = chance(r, 50) ? i : edgy(r, 163840);
		break;
	}
	if (chance(r, 70))
		fz_sync(r, f, tx);
}

/* Well-formed traffic: fill what TX space there is, drain RX. */
static void op_traffic(struct rng *r, struct fzfd *f)
{
	struct netmap_ring *ring;
	uint32_t n, cur, tail, k;
	bool tx = false;
	unsigned int sent = 0;
	char *b;

	ring = fz_ring(f, rn(r, 16), &tx);
	if (!ring)
		return;
	n = ring->num_slots;
	cur = ring->cur;
	tail = ring->tail;
	if (!n || cur >= n || tail >= n)
		return;
	if (tx) {
		for (k = rn(r, 64); k && cur != tail; k--) {
			struct netmap_slot *s = &ring->slot[cur];
			uint16_t len = 60 + rn(r, 1455);

			b = fz_buf(f, ring, s->buf_idx, len);
			if (!b)
				break;
			memset(b, 0xff, 6);
			memset(b + 6, 0x02, 6);
			b[12] = (char)(NMT_ETHERTYPE >> 8);
			b[13] = (char)(NMT_ETHERTYPE & 0xff);
			s->len = len;
			s->flags = chance(r, 5) ? NS_FORWARD : 0;
			cur = cur + 1 == n ? 0 : cur + 1;
			sent++;
		}
		ring->head = ring->cur = cur;
		atomic_fetch_add(&st->tx_frames, sent);
	} else {
		atomic_fetch_add(&st->rx_frames, (tail + n - cur) % n);
		if (chance(r, 20))
			ring->flags |= NR_FORWARD;
		ring->head = ring->cur = tail;
	}
	fz_sync(r, f, tx);
}

static void op_random_ioctl(struct rng *r, int fd)
{
	static const unsigned long cmds[] = { NIOCTXSYNC, NIOCRXSYNC,
					      NIOCCONFIG, _IO('i', 147),
					      _IO('i', 152), FIONREAD };
	char buf[256];

	if (fd < 0)
		return;
	memset(buf, 0, sizeof(buf));
	ioctl(fd, chance(r, 80) ? cmds[rn(r, 6)] : (unsigned long)rnd(r),
	      chance(r, 50) ? (void *)buf : (void *)g_badptr);
}

/* A child shares the bound fd and its mapping, syncs, and exits. */
static void op_fork(struct rng *r, struct fzfd *f)
{
	pid_t pid;

	if (f->fd < 0)
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		ioctl(f->fd, rn(r, 2) ? NIOCTXSYNC : NIOCRXSYNC);
		if (f->map)
			(void)*(volatile char *)f->map;
		_exit(0);
	}
	atomic_fetch_add(&st->forks, 1);
	waitpid(pid, NULL, 0);
}

/* ---- fds shared by the threads of one process ---- */

static atomic_int shared_fd[MAXSHARED];

/* Races the same fd: register (with options: bind then unbind), syncs,
 * poll, mmap and close by other threads at the same time. */
static void op_shared(struct rng *r)
{
	atomic_int *slot = &shared_fd[rn(r, MAXSHARED)];
	struct fzfd f = { .fd = atomic_load(slot) };
	uint64_t size;
	void *m;
	int fd;

	switch (rn(r, 7)) {
	case 0:
		fd = open(NMT_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			break;
		fd = atomic_exchange(slot, fd);
		if (fd >= 0)
			close(fd);
		break;
	case 1:
	case 2:
		op_register(r, &f);
		fz_unmap(&f);
		break;
	case 3:
		if (f.fd >= 0)
			ioctl(f.fd, rn(r, 2) ? NIOCTXSYNC : NIOCRXSYNC);
		break;
	case 4:
		if (f.fd >= 0) {
			struct pollfd p = { .fd = f.fd, .events = POLLIN | POLLOUT };

			poll(&p, 1, 0);
		}
		break;
	case 5:
		size = (uint64_t)g_page << rn(r, 12);
		m = f.fd >= 0 ? mmap(NULL, size, PROT_READ, MAP_SHARED, f.fd, 0) :
				MAP_FAILED;
		if (m != MAP_FAILED) {
			if (!touch_pages(m, size, r))
				bad(&st->bad_fault, "fault in a shared-fd mapping");
			munmap(m, size);
		}
		break;
	default:
		op_ctrl_mutated(r, f.fd);
		break;
	}
}

/* ---- workers ---- */

struct worker {
	pthread_t tid;
	struct rng r;
	struct fzfd fds[MAXFDS];
};

static uint64_t mix(uint64_t a, uint64_t b)
{
	struct rng r = { a ^ (b * 0x9e3779b97f4a7c15ull) };

	return rnd(&r);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	unsigned int i;

	for (i = 0; i < MAXFDS; i++)
		w->fds[i].fd = -1;
	while (nmt_now_ms() < g_deadline_ms) {
		struct rng *r = &w->r;
		struct fzfd *f = &w->fds[rn(r, MAXFDS)];
		unsigned int op = rn(r, 100);

		atomic_fetch_add(&st->ops, 1);
		if (f->fd < 0) {
			f->fd = open(NMT_DEV, O_RDWR | O_CLOEXEC);
			if (f->fd < 0)
				nmt_msleep(20);	/* module reloading */
			continue;
		}
		if (op < 18)
			op_register(r, f);
		else if (op < 24)
			op_legacy(r, f);
		else if (op < 32)
			op_ctrl_mutated(r, f->fd);
		else if (op < 36)
			op_info(r, f->fd);
		else if (op < 44)
			op_mmap_odd(r, f);
		else if (op < 62)
			op_corrupt(r, f);
		else if (op < 78)
			op_traffic(r, f);
		else if (op < 80)
			op_random_ioctl(r, f->fd);
		else if (op < 81)
			op_fork(r, f);
		else if (op < 90)
			op_shared(r);
		else if (op < 96)
			fz_close(f);
		else if (f->map)
			fz_unmap(f);		/* fd bound, no mapping */
		else
			fz_close(f);
	}
	for (i = 0; i < MAXFDS; i++)
		fz_close(&w->fds[i]);
	return NULL;
}

static void worker_process(unsigned int p, unsigned int nthreads)
{
	struct worker *w = calloc(nthreads, sizeof(*w));
	unsigned int t;

	if (!w)
		_exit(1);
	for (t = 0; t < MAXSHARED; t++)
		atomic_store(&shared_fd[t], -1);
	for (t = 0; t < nthreads; t++) {
		w[t].r.s = mix(g_seed, (uint64_t)p << 16 | t);
		if (t && pthread_create(&w[t].tid, NULL, worker_run, &w[t]))
			_exit(1);
	}
	worker_run(&w[0]);
	for (t = 1; t < nthreads; t++)
		pthread_join(w[t].tid, NULL);
	for (t = 0; t < MAXSHARED; t++) {
		int fd = atomic_load(&shared_fd[t]);

		if (fd >= 0)
			close(fd);
	}
	_exit(0);
}

/* ---- churn ---- */

static void veth_add(unsigned int i, struct rng *r)
{
	unsigned int q = 1 + rn(r, 4);

	nmt_sh("ip -n %s link add fzv%u numtxqueues %u numrxqueues %u type veth "
	       "peer name fzp%u numtxqueues %u numrxqueues %u && "
	       "ip -n %s link set fzv%u up && ip -n %s link set fzp%u up",
	       ns_a, i, q, 1 + rn(r, 4), i, 1 + rn(r, 4), 1 + rn(r, 4),
	       ns_a, i, ns_a, i);
}

static int module_load(void)
{
	const char *ko = getenv("NETMAP_KO"), *args = getenv("NETMAP_MODARGS");

	if (!access("/sys/module/netmap", F_OK))
		return 0;
	if (ko && *ko)
		return nmt_sh("insmod %s %s", ko, args ? args : "");
	return nmt_sh("modprobe netmap %s", args ? args : "");
}

static void churn(uint64_t seed)
{
	struct rng r = { mix(seed, 0xc4u) };

	while (nmt_now_ms() < g_deadline_ms) {
		unsigned int i = rn(&r, NVETH);

		atomic_fetch_add(&st->churn, 1);
		switch (rn(&r, 10)) {
		case 0:
		case 1:
			nmt_sh("ip -n %s link set fz%c%u down; ip -n %s link set fz%c%u up",
			       ns_a, "vp"[rn(&r, 2)], i, ns_a, "vp"[rn(&r, 2)], i);
			break;
		case 2:
			nmt_sh("ip -n %s link set fzv%u mtu %u", ns_a, i,
			       chance(&r, 70) ? 1500 : 1000 + rn(&r, 9000));
			break;
		case 3:
			nmt_sh("ip -n %s link del fzv%u", ns_a, i);
			veth_add(i, &r);
			break;
		case 4:
			/* away and back: bound adapters see it vanish */
			nmt_sh("ip -n %s link set fzv%u netns %s", ns_a, i, ns_b);
			nmt_msleep(rn(&r, 200));
			nmt_sh("ip -n %s link set fzv%u netns %s && ip -n %s link set fzv%u up",
			       ns_b, i, ns_a, ns_a, i);
			break;
		case 5:
			/* a namespace deleted with a veth inside */
			nmt_sh("ip netns add %s && ip -n %s link set fzp%u netns %s",
			       ns_c, ns_a, i, ns_c);
			nmt_msleep(rn(&r, 200));
			nmt_sh("ip netns del %s", ns_c);
			nmt_msleep(100);
			nmt_sh("ip -n %s link del fzv%u", ns_a, i);
			veth_add(i, &r);
			break;
		case 6:
			if (!nmt_sh("rmmod netmap"))
				module_load();
			break;
		default:
			nmt_msleep(50 + rn(&r, 200));
			break;
		}
	}
	_exit(0);
}

/* ---- main ---- */

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static int n_ok, n_fail;
static void result(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", n_ok + n_fail + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		n_ok++;
	else
		n_fail++;
}

static bool log_clean(uint64_t mark)
{
	static const char *const pat[] = {
		"BUG:", "WARNING:", "Oops", "general protection", "KASAN",
		"UBSAN", "lockdep", "possible circular locking",
		"possible recursive locking", "refcount_t", "soft lockup",
		"hung_task", "Call Trace", "kmemleak",
	};
	bool clean = true;
	unsigned int i;

	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (nmt_kmsg_contains(mark, pat[i])) {
			printf("# kernel log: \"%s\" since the fuzzer started\n",
			       pat[i]);
			clean = false;
		}
	return clean;
}

/* Task stacks of a hung worker, for the report. */
static void dump_stacks(pid_t pid)
{
	nmt_sh("for t in /proc/%d/task/*; do echo \"# $t\"; "
	       "sed 's/^/#   /' $t/stack; done >&2", (int)pid);
}

int main(void)
{
	unsigned int nprocs = env_u64("NM_FUZZ_PROCS", 2);
	unsigned int nthreads = env_u64("NM_FUZZ_THREADS", 3);
	uint64_t secs = env_u64("NM_FUZZ_SECS", 25), mark, wait_end;
	pid_t pids[64], churn_pid;
	struct sigaction sa;
	unsigned int p, alive, t;
	bool all_types = true, hung = false;
	int err, home, pid_n = getpid();

	printf("TAP version 13\n");
	if (!nmt_have_netmap() || getuid() != 0) {
		printf("1..0 # SKIP needs root and /dev/netmap\n");
		return NMT_SKIP;
	}
	g_seed = env_u64("NM_FUZZ_SEED", (uint64_t)time(NULL) ^
			 ((uint64_t)getpid() << 32));
	if (nprocs < 1 || nprocs > 64)
		nprocs = 2;
	if (nthreads < 1 || nthreads > 64)
		nthreads = 3;
	printf("1..5\n");
	printf("# NM_FUZZ_SEED=%" PRIu64 " NM_FUZZ_SECS=%" PRIu64
	       " NM_FUZZ_PROCS=%u NM_FUZZ_THREADS=%u\n",
	       g_seed, secs, nprocs, nthreads);
	fflush(stdout);

	g_page = (uint64_t)sysconf(_SC_PAGESIZE);
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	g_badptr = mmap(NULL, g_page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (st == MAP_FAILED || g_badptr == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	snprintf(ns_a, sizeof(ns_a), "nfzA%d", pid_n);
	snprintf(ns_b, sizeof(ns_b), "nfzB%d", pid_n);
	snprintf(ns_c, sizeof(ns_c), "nfzC%d", pid_n);
	err = nmt_sh("ip netns add %s && ip netns add %s", ns_a, ns_b);
	if (err) {
		printf("# cannot create namespaces (%d)\n", err);
		return 1;
	}
	{
		struct rng r = { mix(g_seed, 0xbeefu) };

		for (t = 0; t < NVETH; t++)
			veth_add(t, &r);
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || nmt_netns_enter(ns_a)) {
		printf("# cannot enter %s\n", ns_a);
		return 1;
	}

	mark = nmt_kmsg_mark();
	g_deadline_ms = nmt_now_ms() + secs * 1000;
	churn_pid = fork();
	if (churn_pid == 0)
		churn(g_seed);
	for (p = 0; p < nprocs; p++) {
		pids[p] = fork();
		if (pids[p] == 0)
			worker_process(p, nthreads);
	}

	/* Workers stop at the deadline; a minute later they are hung. */
	wait_end = g_deadline_ms + 60000;
	do {
		alive = 0;
		for (p = 0; p < nprocs; p++) {
			int status;

			if (pids[p] <= 0)
				continue;
			if (waitpid(pids[p], &status, WNOHANG) == pids[p]) {
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					bad(&st->bad_fault, "worker %u died (status %#x)",
					    p, status);
				pids[p] = 0;
			} else {
				alive++;
			}
		}
		if (alive)
			nmt_msleep(100);
	} while (alive && nmt_now_ms() < wait_end);
	for (p = 0; p < nprocs; p++) {
		if (pids[p] <= 0)
			continue;
		hung = true;
		printf("# worker %u (pid %d) still running a minute after the end\n",
		       p, (int)pids[p]);
		dump_stacks(pids[p]);
		kill(pids[p], SIGKILL);
		waitpid(pids[p], NULL, 0);
	}
	/* The churn stops at the deadline too, after its current step. */
	waitpid(churn_pid, NULL, 0);

	printf("# %lu ops, %lu churn steps; REGISTER ok:", st->ops, st->churn);
	for (t = 0; t < PT_NTYPES; t++) {
		printf(" %s %lu,", ptype_names[t], st->reg_ok[t]);
		if (!st->reg_ok[t])
			all_types = false;
	}
	printf(" failed %lu; mutated NIOCCTRL %lu; mmap ok %lu failed %lu;"
	       " corruptions %lu; syncs %lu (failed %lu); frames tx %lu rx %lu;"
	       " forks %lu\n", st->reg_err, st->ctrl_mut, st->mmap_ok,
	       st->mmap_err, st->corrupt, st->syncs, st->sync_err,
	       st->tx_frames, st->rx_frames, st->forks);
	if (st->first_bad_set)
		printf("# first problem: %s\n", st->first_bad);

	result(all_types && st->mmap_ok && st->corrupt && st->syncs,
	       "workers bound every port type, mapped, corrupted and synced");
	result(!st->bad_map && !st->bad_fault,
	       "no mapping outside the region accepted, no accepted page faulted (%lu, %lu)",
	       st->bad_map, st->bad_fault);
	result(!hung, "no worker hung");

	/* Back home: the namespaces go, with the veths. */
	nmt_netns_enter_fd(home);
	nmt_sh("ip netns del %s; ip netns del %s; ip netns del %s", ns_a, ns_b, ns_c);
	module_load();
	{
		uint64_t end = nmt_now_ms() + 5000;

		while ((err = syscall(SYS_delete_module, "netmap", O_NONBLOCK) ?
			      -errno : 0) && nmt_now_ms() < end)
			nmt_msleep(100);
	}
	result(!err, "netmap.ko unloads once every fd is closed (%s)",
	       err ? strerror(-err) : "ok");
	err = module_load();
	if (err)
		printf("# could not load netmap.ko again (%d)\n", err);
	result(log_clean(mark) && !err, "kernel log clean, module loaded again");
	return n_fail ? 1 : 0;
}
