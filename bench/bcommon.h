/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every bench program shares: the command line, pinning, the test
 * frame, the clock and the output format the runner (bench/run.sh) parses.
 *
 * Output, one line each:
 *	sample SECOND PACKETS		packets done in that second
 *	result key=value ...		the totals, once at the end:
 *		pkts	packets sent or received by this program
 *		calls	system calls that moved them (syncs, send, recv...)
 *		secs	wall time of the measured loop (CLOCK_MONOTONIC)
 *		cyc	TSC cycles of the measured loop in the busy thread(s)
 *		tsc_hz	TSC rate measured against CLOCK_MONOTONIC
 *		drops	losses the API itself reports (-1: it reports none)
 *		busy	busy jiffies of the whole guest (USER_HZ, all CPUs,
 *			/proc/stat) during the measured loop
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

/* Frames carry an IEEE local experimental ethertype: the peer drops them
 * in the first protocol lookup, so the receive side costs little.
 */
#define BENCH_ETHERTYPE	0x88b5
#define BENCH_MAXLEN	1514

struct bench_opts {
	const char *mode;
	const char *ifname;
	unsigned int batch;	/* packets per call, where the API batches */
	unsigned int len;	/* frame length without FCS: 60..1514 */
	double secs;
	int cpu;		/* -1: no pinning */
	int cpu2;		/* second thread (pipes) */
};

static inline void bench_usage(const char *prog, const char *modes)
{
	fprintf(stderr,
		"usage: %s MODE -i IFNAME [-b BATCH] [-l LEN] [-d SECONDS] [-c CPU] [-C CPU2]\n"
		"  MODE: %s\n", prog, modes);
	exit(2);
}

static inline unsigned long bench_num(const char *s, const char *what,
				      unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "bad %s '%s' (%lu..%lu)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

static inline void bench_parse(int argc, char **argv, struct bench_opts *o,
			       const char *modes)
{
	int c;

	o->ifname = NULL;
	o->batch = 64;
	o->len = 60;
	o->secs = 2;
	o->cpu = -1;
	o->cpu2 = -1;
	if (argc < 2 || argv[1][0] == '-')
		bench_usage(argv[0], modes);
	o->mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "i:b:l:d:c:C:")) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'b':
			o->batch = bench_num(optarg, "batch", 1, 4096);
			break;
		case 'l':
			o->len = bench_num(optarg, "length", 60, BENCH_MAXLEN);
			break;
		case 'd': {
			char *end;

			o->secs = strtod(optarg, &end);
			if (*end || o->secs <= 0 || o->secs > 3600) {
				fprintf(stderr, "bad duration '%s'\n", optarg);
				exit(2);
			}
			break;
		}
		case 'c':
			o->cpu = bench_num(optarg, "cpu", 0, 1023);
			break;
		case 'C':
			o->cpu2 = bench_num(optarg, "cpu", 0, 1023);
			break;
		default:
			bench_usage(argv[0], modes);
		}
	}
	if (!o->ifname)
		bench_usage(argv[0], modes);
}

static inline void bench_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Unicast addresses nobody owns: the peer sees PACKET_OTHERHOST frames
 * of an ethertype it has no handler for.
 */
static inline void bench_frame(unsigned char *f, unsigned int len)
{
	static const unsigned char dst[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	static const unsigned char src[6] = { 0x02, 0, 0, 0, 0, 0x98 };
	unsigned int i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = BENCH_ETHERTYPE >> 8;
	f[13] = BENCH_ETHERTYPE & 0xff;
	for (i = 14; i < len; i++)
		f[i] = (unsigned char)i;
}

/* SIGTERM/SIGINT end the measured loop early, results still printed
 * (the runner stops a generator that way).
 */
static volatile sig_atomic_t bench_stop;

static inline void bench_on_signal(int sig)
{
	(void)sig;
	bench_stop = 1;
}

/* Per-second samples of a counter the measured loop updates. */
struct bench_clock {
	double start, next, end;
	long long busy0;
	uint64_t tsc0;
	uint64_t last;		/* counter value at the previous sample */
	unsigned int sec;
};

/* user + nice + system + irq + softirq of all CPUs, or -1. */
static inline long long bench_busy(void)
{
	long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6]);
	fclose(f);
	return n == 7 ? v[0] + v[1] + v[2] + v[5] + v[6] : -1;
}

static inline void bench_start(struct bench_clock *c, double secs)
{
	struct sigaction sa = { .sa_handler = bench_on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	c->busy0 = bench_busy();
	c->start = bench_now();
	c->next = c->start + 1;
	c->end = c->start + secs;
	c->tsc0 = __rdtsc();
	c->last = 0;
	c->sec = 0;
}

/* Returns 0 when the run is over. Cheap enough to call per batch. */
static inline int bench_tick(struct bench_clock *c, uint64_t count)
{
	double t = bench_now();

	while (t >= c->next && c->next <= c->end + 1e-9) {
		printf("sample %u %llu\n", ++c->sec,
		       (unsigned long long)(count - c->last));
		c->last = count;
		c->next += 1;
	}
	return t < c->end && !bench_stop;
}

static inline void bench_result(struct bench_clock *c, uint64_t pkts,
				uint64_t calls, long long drops)
{
	uint64_t cyc = __rdtsc() - c->tsc0;
	double secs = bench_now() - c->start;
	long long busy = bench_busy();

	busy = (busy < 0 || c->busy0 < 0) ? -1 : busy - c->busy0;
	printf("result pkts=%llu calls=%llu secs=%.6f cyc=%llu tsc_hz=%.0f drops=%lld busy=%lld\n",
	       (unsigned long long)pkts, (unsigned long long)calls, secs,
	       (unsigned long long)cyc, cyc / secs, drops, busy);
	fflush(stdout);
}

static inline unsigned int bench_ifindex(const char *name)
{
	unsigned int i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "no interface '%s'\n", name);
		exit(1);
	}
	return i;
}

#endif
