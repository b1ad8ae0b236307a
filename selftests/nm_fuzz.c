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
 * The operations live in nm_fuzz/ (requests.c, rings.c, churn.c; what
 * they share in fuzz.h); this file has the results, the guarded memory
 * access, the workers and main.
 *
 * Environment:
 *	NM_FUZZ_SEED	seed (default: from the clock); printed, so a run
 *			is repeated by passing it back (the operation
 *			sequence of every thread derives from it; thread
 *			interleaving does not)
 *	NM_FUZZ_SECS	duration (default 25, times $NMT_TIME_SCALE: on the
 *			debug kernel as many operations as 25 s elsewhere)
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nm_fuzz/fuzz.h"

/* ---- shared results ---- */

static const char *const ptype_names[PT_NTYPES] = {
	"hw rings", "host rings", "pipe", "null", "legacy NIOCREGIF" };

struct stats *st;
uint64_t g_seed;
uint64_t g_deadline_ms;
uint64_t g_page;
char *g_badptr;
char ns_a[32], ns_b[32], ns_c[32];

void bad(atomic_ulong *ctr, const char *fmt, ...)
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
bool touch_pages(const char *p, size_t len, struct rng *r)
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

void fz_unmap(struct fzfd *f)
{
	if (f->map)
		munmap(f->map, f->maplen);
	f->map = NULL;
	f->maplen = 0;
}

void fz_close(struct fzfd *f)
{
	fz_unmap(f);
	if (f->fd >= 0)
		close(f->fd);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/* p..p+len inside the fd's mapping? */
bool in_map(const struct fzfd *f, const void *p, size_t len)
{
	const char *c = p;

	return f->map && c >= f->map && len <= f->maplen &&
	       (size_t)(c - f->map) <= f->maplen - len;
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
	uint64_t secs = env_u64("NM_FUZZ_SECS", 25 * nmt_time_scale());
	uint64_t mark, wait_end;
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

	/* Workers stop at the deadline; a minute (scaled) later they are hung. */
	wait_end = g_deadline_ms + 60000ull * nmt_time_scale();
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

