// SPDX-License-Identifier: GPL-2.0
/*
 * What the parts of nm_fuzz share: its deterministic randomness, the
 * results every process adds to, one netmap fd of a worker, and the
 * operations. nm_fuzz.c: results, guarded memory, workers, main;
 * requests.c: port names, option chains, NIOCCTRL/NIOCREGIF requests, odd
 * mmaps; rings.c: ring corruption, traffic, forks; churn.c: the process
 * that reconfigures the network.
 */
#ifndef NM_FUZZ_H
#define NM_FUZZ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nmtest.h"

#define MAXFDS		4	/* private fds per thread */
#define MAXSHARED	4	/* fds shared by the threads of a process */
#define MAXOPTS		6
#define OPTSLOT		128
#define NVETH		2

/* ---- deterministic randomness ---- */

struct rng {
	uint64_t s;
};

static inline uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t rn(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static inline bool chance(struct rng *r, unsigned int percent)
{
	return rn(r, 100) < percent;
}

/* A value near a limit more often than a uniform draw would give. */
static inline uint32_t edgy(struct rng *r, uint32_t n)
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

static inline uint64_t mix(uint64_t a, uint64_t b)
{
	struct rng r = { a ^ (b * 0x9e3779b97f4a7c15ull) };

	return rnd(&r);
}

/* ---- shared results (nm_fuzz.c) ---- */

enum ptype { PT_HW, PT_HOST, PT_PIPE, PT_NULL, PT_LEGACY, PT_NTYPES };

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

extern struct stats *st;	/* MAP_SHARED: every process adds to it */
extern uint64_t g_seed;
extern uint64_t g_deadline_ms;
extern uint64_t g_page;
extern char *g_badptr;		/* an unmapped page: EFAULT for the kernel */
extern char ns_a[32], ns_b[32], ns_c[32];

void bad(atomic_ulong *ctr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool touch_pages(const char *p, size_t len, struct rng *r);

/* ---- one netmap fd of a worker (nm_fuzz.c) ---- */

struct fzfd {
	int fd;
	bool bound;
	enum ptype type;
	struct nmreq_register reg;
	char *map;		/* mapping of [0, maplen) of the region */
	size_t maplen;
	uint64_t memsize;
};

void fz_unmap(struct fzfd *f);
void fz_close(struct fzfd *f);
bool in_map(const struct fzfd *f, const void *p, size_t len);

/* ---- requests.c ---- */

void op_register(struct rng *r, struct fzfd *f);
void op_legacy(struct rng *r, struct fzfd *f);
void op_ctrl_mutated(struct rng *r, int fd);
void op_info(struct rng *r, int fd);
void op_mmap_odd(struct rng *r, struct fzfd *f);

/* ---- rings.c ---- */

void op_corrupt(struct rng *r, struct fzfd *f);
void op_traffic(struct rng *r, struct fzfd *f);
void op_random_ioctl(struct rng *r, int fd);
void op_fork(struct rng *r, struct fzfd *f);

/* ---- churn.c ---- */

void veth_add(unsigned int i, struct rng *r);
int module_load(void);
void churn(uint64_t seed) __attribute__((noreturn));

#endif
