// SPDX-License-Identifier: GPL-2.0
/*
 * Generic RX wakeup mitigation (module parameter generic_rx_mit_us): the
 * reader of a generic RX ring is woken by a per-ring timer instead of
 * once per frame. Whatever the setting, no frame is left without a
 * wakeup: a single frame reaching a reader asleep in poll() wakes it (the
 * timer is the only thing that can: the queue is far from half full),
 * bursts smaller and larger than half the ring all arrive, in order,
 * with mitigation on and off; the parameter refuses values out of range;
 * and closing a port and unloading the module while a timer is pending
 * leaves nothing behind. Wakeup delays are logged, never asserted (TCG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/nmtest.h"

#define MIT_PARAM	"/sys/module/netmap/parameters/generic_rx_mit_us"
#define MIT_MAX		10000
#define WAKE_MS		20000	/* generous: TCG under load */

static int param_read(long *val)
{
	FILE *f = fopen(MIT_PARAM, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%ld", val) == 1;
	fclose(f);
	return ok ? 0 : -EIO;
}

/* Write @s as is; 0 or the -errno of the write. */
static int param_write(const char *s)
{
	int fd = open(MIT_PARAM, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(s))
		err = -EIO;
	close(fd);
	return err;
}

static int param_set(long val)
{
	char s[32];

	snprintf(s, sizeof(s), "%ld\n", val);
	return param_write(s);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The bounds of the parameter; needs no port. */
TEST(param_bounds)
{
	static const char *const bad[] = {
		"10001", "-1", "abc", "4294967296", "99999999999", "1x",
	};
	long old, v;
	unsigned int i;

	if (access(MIT_PARAM, W_OK))
		SKIP(return, "no %s", MIT_PARAM);
	ASSERT_EQ(0, param_read(&old));
	ASSERT_EQ(0, param_set(0));
	ASSERT_EQ(0, param_read(&v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, param_set(MIT_MAX));
	ASSERT_EQ(0, param_read(&v));
	EXPECT_EQ(MIT_MAX, v);
	ASSERT_EQ(0, param_set(37));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, param_write(bad[i]))
			TH_LOG("writing \"%s\" was not refused", bad[i]);
		ASSERT_EQ(0, param_read(&v));
		EXPECT_EQ(37, v) TH_LOG("\"%s\" changed the value", bad[i]);
	}
	EXPECT_EQ(0, param_set(old));
}

FIXTURE(mit)
{
	struct nmt_env env;
	struct nmt_port p;
	struct netmap_ring *rx;
	int pkt;
	uint32_t tag;
	long old_us;
	bool param_changed;
};

FIXTURE_VARIANT(mit)
{
	long us;	/* generic_rx_mit_us */
};

FIXTURE_VARIANT_ADD(mit, default_100us) { .us = 100 };
FIXTURE_VARIANT_ADD(mit, off) { .us = 0 };
FIXTURE_VARIANT_ADD(mit, max_10ms) { .us = MIT_MAX };

FIXTURE_SETUP(mit)
{
	self->p.fd = -1;
	self->pkt = -1;
	self->tag = nmt_tag();
	self->param_changed = false;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (access(MIT_PARAM, W_OK))
		SKIP(return, "no %s", MIT_PARAM);
	if (nmt_test_if())
		SKIP(return, "sends from the veth peer");
	ASSERT_EQ(0, param_read(&self->old_us));
	ASSERT_EQ(0, param_set(variant->us));
	self->param_changed = true;
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	self->pkt = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	ASSERT_LE(0, self->pkt);
	ASSERT_EQ(0, nmt_port_open(&self->p, self->env.port, NR_REG_ALL_NIC,
				   0, 0));
	self->rx = nmt_first_ring(self->p.nifp, NMT_RX);
	ASSERT_NE(NULL, self->rx);
}

FIXTURE_TEARDOWN(mit)
{
	nmt_port_close(&self->p);
	if (self->pkt >= 0)
		close(self->pkt);
	nmt_env_teardown(&self->env);
	if (self->param_changed && param_set(self->old_us))
		TH_LOG("could not restore %s", MIT_PARAM);
}

struct sender {
	int fd;
	uint32_t tag;
	unsigned int delay_ms;		/* before the first frame */
	const unsigned int *bursts;	/* frames per burst, 0-terminated */
	volatile uint32_t *received;	/* the reader's count */
	uint64_t sent_ns;		/* when the last burst was sent */
	int err;
};

/* Send each burst once the reader has everything sent before. */
static void *sender_main(void *arg)
{
	struct sender *s = arg;
	uint8_t frame[NMT_FRAME_MIN];
	uint32_t seq = 0;
	unsigned int b, k;

	nmt_msleep(s->delay_ms);
	for (b = 0; s->bursts[b]; b++) {
		uint64_t deadline = nmt_now_ms() + WAKE_MS;

		while (__atomic_load_n(s->received, __ATOMIC_ACQUIRE) != seq) {
			if (nmt_now_ms() > deadline) {
				s->err = -ETIMEDOUT;
				return NULL;
			}
			nmt_msleep(1);
		}
		/* Let the reader go to sleep in poll() again. */
		nmt_msleep(50);
		__atomic_store_n(&s->sent_ns, now_ns(), __ATOMIC_RELEASE);
		for (k = 0; k < s->bursts[b]; k++, seq++) {
			nmt_frame_fill(frame, sizeof(frame), s->tag, seq);
			if (nmt_pkt_send(s->fd, frame, sizeof(frame))) {
				s->err = -EIO;
				return NULL;
			}
		}
	}
	return NULL;
}

/*
 * Receive @want frames of the sender's bursts with poll(); each poll()
 * may wait WAKE_MS. Returns the count received (in order and intact, or
 * the test fails), and the delay between the last burst and the poll()
 * return that brought its first frame in *last_wake_ns.
 */
static int receive(struct __test_metadata *_metadata,
		   FIXTURE_DATA(mit) *self, struct sender *s, uint32_t want,
		   uint64_t *last_wake_ns)
{
	volatile uint32_t got = 0;
	uint32_t next = 0;
	pthread_t th;

	s->fd = self->pkt;
	s->tag = self->tag;
	s->received = &got;
	s->err = 0;
	/* Whatever came before (IPv6 autoconf...) goes. */
	EXPECT_EQ(0, nmt_rxsync(self->p.fd));
	EXPECT_LE(0, nmt_rx_consume(self->rx, self->tag, &next));
	EXPECT_EQ(0, nmt_rxsync(self->p.fd));
	EXPECT_EQ(0, pthread_create(&th, NULL, sender_main, s));
	while (got < want) {
		struct pollfd pfd = { .fd = self->p.fd, .events = POLLIN };
		uint64_t t0 = nmt_now_ms();
		int n, k;

		n = poll(&pfd, 1, WAKE_MS);
		/*
		 * A poll() that times out still syncs the rings once more
		 * and may then report the frame: that is no wakeup.
		 */
		if (n <= 0 || nmt_now_ms() - t0 >= WAKE_MS) {
			TH_LOG("poll() returned %d after %llu ms, %u of %u frames in: no wakeup",
			       n, (unsigned long long)(nmt_now_ms() - t0),
			       got, want);
			break;
		}
		k = nmt_rx_consume(self->rx, self->tag, &next);
		if (k < 0) {
			TH_LOG("frame out of order or damaged after %u", got);
			break;
		}
		if (k && last_wake_ns)
			*last_wake_ns = now_ns() -
				__atomic_load_n(&s->sent_ns, __ATOMIC_ACQUIRE);
		__atomic_store_n(&got, got + k, __ATOMIC_RELEASE);
	}
	/* Unblocks the sender if we stopped early. */
	__atomic_store_n(&got, UINT32_MAX, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	EXPECT_EQ(0, s->err);
	return next;
}

/*
 * One frame reaches a reader asleep in poll(), several times: nothing but
 * the timer (or, with 0, the immediate wakeup) can wake it.
 */
TEST_F_TIMEOUT(mit, single_frame_wakes_poll, 120)
{
	static const unsigned int bursts[] = { 1, 1, 1, 1, 1, 0 };
	struct sender s = { .delay_ms = 100, .bursts = bursts };
	uint64_t wake_ns = 0;

	ASSERT_EQ(5, receive(_metadata, self, &s, 5, &wake_ns));
	TH_LOG("generic_rx_mit_us=%ld: last frame's wakeup after %llu us (logged, not asserted)",
	       variant->us, (unsigned long long)(wake_ns / 1000));
}

/*
 * Bursts below half the ring (the timer wakes the reader) and above it
 * (woken at once), all in order, none lost.
 */
TEST_F_TIMEOUT(mit, bursts_in_order, 240)
{
	unsigned int half = self->rx->num_slots / 2;
	unsigned int bursts[] = { 1, 7, 64, half + 16, 2, half + 100, 1, 0 };
	struct sender s = { .delay_ms = 10, .bursts = bursts };
	uint32_t want = 0;
	unsigned int i;

	/* The queue holds num_slots frames, the ring num_slots - 1. */
	for (i = 0; bursts[i]; i++) {
		if (bursts[i] > self->rx->num_slots - 2)
			bursts[i] = self->rx->num_slots - 2;
		want += bursts[i];
	}
	EXPECT_EQ(want, (uint32_t)receive(_metadata, self, &s, want, NULL));
}

/* ---- unload with a timer pending ---- */

static bool mod_loaded(void)
{
	return access("/sys/module/netmap", F_OK) == 0;
}

static int mod_reload(void)
{
	const char *ko = getenv("NETMAP_KO");
	const char *args = getenv("NETMAP_MODARGS");
	uint64_t deadline;
	int err;

	if (mod_loaded())
		return 0;
	if (ko && *ko)
		err = nmt_sh("insmod %s %s", ko, args ? args : "");
	else
		err = nmt_sh("modprobe netmap %s", args ? args : "");
	if (err)
		return -ENOENT;
	deadline = nmt_now_ms() + 3000;
	while (!nmt_have_netmap() && nmt_now_ms() < deadline)
		nmt_msleep(20);
	return nmt_have_netmap() ? 0 : -ENODEV;
}

FIXTURE(unload)
{
	struct nmt_env env;
};

FIXTURE_SETUP(unload)
{
	if (!nmt_have_netmap() || !mod_loaded())
		SKIP(return, "netmap module not loaded");
	if (nmt_test_if())
		SKIP(return, "unloads the module: veth only");
	if (access(MIT_PARAM, W_OK))
		SKIP(return, "no %s", MIT_PARAM);
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
}

FIXTURE_TEARDOWN(unload)
{
	/* Whatever happened, the next tests want the module loaded. */
	if (mod_reload())
		TH_LOG("could not load netmap again");
	nmt_env_teardown(&self->env);
}

/*
 * Bind, let a frame arm the (longest) timer, close and unload at once:
 * the timer must be gone with the ring, not fire into freed memory or
 * unloaded code. Repeated a few times; the kernel log must stay clean.
 */
TEST_F_TIMEOUT(unload, timer_armed, 240)
{
	static const char *const splat[] = {
		"BUG:", "Oops", "WARNING:", "general protection",
		"unable to handle", "KASAN",
	};
	uint8_t frame[NMT_FRAME_MIN];
	unsigned int round, i;
	int unloaded = 0, splats = 0;
	uint64_t mark;

	mark = nmt_kmsg_mark();
	for (round = 0; round < 3; round++) {
		struct nmt_port p = { .fd = -1 };
		uint64_t t0 = nmt_now_ms();
		int pkt, err;

		ASSERT_EQ(0, mod_reload());
		ASSERT_EQ(0, param_set(MIT_MAX));
		pkt = nmt_pkt_open(self->env.peer_ns, self->env.peer);
		ASSERT_LE(0, pkt);
		ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC,
					   0, 0));
		nmt_frame_fill(frame, sizeof(frame), nmt_tag(), round);
		EXPECT_EQ(0, nmt_pkt_send(pkt, frame, sizeof(frame)));
		nmt_port_close(&p);
		close(pkt);
		err = syscall(SYS_delete_module, "netmap", O_NONBLOCK) ?
		      -errno : 0;
		if (!err)
			unloaded++;
		else
			TH_LOG("round %u: rmmod: %s", round, strerror(-err));
		/* A stray timer would fire now. */
		nmt_msleep(3 * MIT_MAX / 1000);
		TH_LOG("round %u: %llu ms", round,
		       (unsigned long long)(nmt_now_ms() - t0));
	}
	EXPECT_EQ(0, mod_reload());
	EXPECT_LT(0, unloaded);
	for (i = 0; i < sizeof(splat) / sizeof(splat[0]); i++)
		if (nmt_kmsg_contains(mark, splat[i]))
			splats++;
	EXPECT_EQ(0, splats) TH_LOG("the kernel log has a splat");
}

TEST_HARNESS_MAIN
