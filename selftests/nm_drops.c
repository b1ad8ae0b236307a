// SPDX-License-Identifier: GPL-2.0
/*
 * Drops are counted where userspace can read them: when the application
 * does not keep up, every frame the generic adapter could not queue shows
 * up in /sys/kernel/debug/netmap/rings, so that delivered + dropped
 * accounts for everything the peer sent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

#define RINGS_FILE	"/sys/kernel/debug/netmap/rings"
#define RINGSIZE_PARAM	"/sys/module/netmap/parameters/generic_ringsize"
#define SMALL_RING	64
#define SENT		300

FIXTURE(drops)
{
	struct nmt_env env;
	struct nmt_port p;
	int pkt;
	uint32_t tag;
};

FIXTURE_SETUP(drops)
{
	self->p.fd = -1;
	self->pkt = -1;
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (access(RINGS_FILE, R_OK))
		SKIP(return, "no %s (debugfs not mounted?)", RINGS_FILE);
	if (nmt_test_if())
		SKIP(return, "needs a veth pair it can flood");
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	self->pkt = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	ASSERT_LE(0, self->pkt);
}

FIXTURE_TEARDOWN(drops)
{
	nmt_port_close(&self->p);
	if (self->pkt >= 0)
		close(self->pkt);
	nmt_env_teardown(&self->env);
}

static int param_rw(const char *path, long *old, long val)
{
	FILE *f = fopen(path, "r+");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%ld", old) == 1;
	rewind(f);
	ok = ok && fprintf(f, "%ld\n", val) > 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

/* drops of "<port> <ring>" in the debugfs file, -1 if the line is absent */
static long long ring_drops(const char *port, const char *ring)
{
	char line[256], want[128];
	long long drops = -1;
	FILE *f = fopen(RINGS_FILE, "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s %s ", port, ring);
	while (fgets(line, sizeof(line), f)) {
		char *d = strstr(line, "drops=");

		if (!strncmp(line, want, strlen(want)) && d)
			drops = atoll(d + strlen("drops="));
	}
	fclose(f);
	return drops;
}

/* 300 frames through a veth: beyond the harness's 30 s on a slow debug guest */
TEST_F_TIMEOUT(drops, slow_reader_drops_are_counted, 60)
{
	uint8_t buf[128];
	struct netmap_ring *r;
	uint32_t seq, next = 0;
	long long dropped;
	uint64_t deadline;
	long old;
	int got;

	/* a small ring fills fast; the parameter is read at bind time */
	ASSERT_EQ(0, param_rw(RINGSIZE_PARAM, &old, SMALL_RING));
	got = nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC, 0,
			    NR_RX_RINGS_ONLY);
	EXPECT_EQ(0, param_rw(RINGSIZE_PARAM, &(long){ 0 }, old));
	ASSERT_EQ(0, got);
	r = nmt_ring(self->p.nifp, NMT_RX, 0);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(SMALL_RING, r->num_slots);
	EXPECT_EQ(0, ring_drops(self->env.port, "RX0"));

	/* the application is not reading: most frames cannot be queued */
	for (seq = 0; seq < SENT; seq++) {
		nmt_frame_fill(buf, sizeof(buf), self->tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(self->pkt, buf, sizeof(buf)));
	}
	nmt_msleep(1000);

	/* now read everything that was kept */
	deadline = nmt_now_ms() + 10000;
	for (;;) {
		ASSERT_EQ(0, nmt_rxsync(self->p.fd));
		got = nmt_rx_consume(r, self->tag, &next);
		ASSERT_LE(0, got) TH_LOG("damaged or reordered frame");
		dropped = ring_drops(self->env.port, "RX0");
		if (next + dropped >= SENT || nmt_now_ms() > deadline)
			break;
		nmt_msleep(100);
	}
	TH_LOG("delivered %u, dropped %lld of %u", next, dropped, SENT);
	EXPECT_LT(0, dropped);
	EXPECT_GE(SMALL_RING, next);
	/*
	 * Nothing vanished without being counted; the link's own chatter
	 * (IPv6 neighbour discovery) may add a few drops of its own.
	 */
	EXPECT_LE(SENT, next + dropped);
	EXPECT_GE(SENT + 16, next + dropped);

	/* the port leaves the file with its last user */
	nmt_port_close(&self->p);
	EXPECT_EQ(-1, ring_drops(self->env.port, "RX0"));
}

TEST_HARNESS_MAIN
