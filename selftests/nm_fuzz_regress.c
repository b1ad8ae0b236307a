// SPDX-License-Identifier: GPL-2.0
/*
 * Regression tests for what nm_fuzz found, each reduced to a small
 * deterministic reproducer.
 *
 * register_vs_sync: a REGISTER carrying an option no handler consumes
 * binds the fd and then has to undo that. The binding used to be visible
 * in between, so a second thread syncing or mapping the same fd ran on
 * rings being freed (a NULL dereference in nm_kring_sync() within seconds
 * on a veth). Now the binding is published only once the request has
 * succeeded: the other threads only ever see an unbound fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

#define RACE_MS		4000

struct race {
	int fd;
	const char *port;
	uint32_t mode;
	atomic_bool stop;
	/* results, per thread */
	unsigned long reg_calls, reg_unexpected;
	unsigned long sync_calls, sync_unexpected;
	unsigned long map_calls, map_unexpected;
	int reg_errno;
};

/* REGISTER with an OFFSETS option: binds, then fails with EOPNOTSUPP. */
static void *race_register(void *arg)
{
	struct race *rc = arg;

	while (!atomic_load(&rc->stop)) {
		struct nmreq_opt_offsets opt;
		struct nmreq_register reg;
		struct nmreq_header h;

		nmt_reg_init(&reg, rc->mode, 0, 0);
		if (rc->mode == NR_REG_NULL)
			reg.nr_mem_id = NMT_GLOBAL_MEM_ID;
		nmt_hdr_init(&h, NETMAP_REQ_REGISTER, rc->port, &reg);
		memset(&opt, 0, sizeof(opt));
		opt.nro_opt.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
		opt.nro_opt.nro_size = sizeof(opt);
		h.nr_options = (uintptr_t)&opt;
		rc->reg_calls++;
		if (!ioctl(rc->fd, NIOCCTRL, &h) || errno != EOPNOTSUPP) {
			rc->reg_unexpected++;
			rc->reg_errno = errno;
		}
	}
	return NULL;
}

/* The fd is never bound for anyone else: syncs say ENXIO. */
static void *race_sync(void *arg)
{
	struct race *rc = arg;
	bool tx = false;

	while (!atomic_load(&rc->stop)) {
		struct pollfd p = { .fd = rc->fd, .events = POLLIN | POLLOUT };

		rc->sync_calls++;
		tx = !tx;
		if (!ioctl(rc->fd, tx ? NIOCTXSYNC : NIOCRXSYNC) ||
		    errno != ENXIO)
			rc->sync_unexpected++;
		if (poll(&p, 1, 0) != 1 || !(p.revents & POLLERR))
			rc->sync_unexpected++;
	}
	return NULL;
}

/* ... and mmap fails cleanly. */
static void *race_mmap(void *arg)
{
	struct race *rc = arg;

	while (!atomic_load(&rc->stop)) {
		void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, rc->fd, 0);

		rc->map_calls++;
		if (m != MAP_FAILED) {
			rc->map_unexpected++;
			munmap(m, 4096);
		}
	}
	return NULL;
}

static void run_race(struct __test_metadata *_metadata, const char *port,
		     uint32_t mode)
{
	struct race rc = { .port = port, .mode = mode };
	struct nmreq_register reg;
	pthread_t t[3];

	/* The first bind populates the allocator, slowly under TCG. */
	rc.fd = nmt_open_dev();
	ASSERT_LE(0, rc.fd);
	nmt_reg_init(&reg, mode, 0, 0);
	if (mode == NR_REG_NULL)
		reg.nr_mem_id = NMT_GLOBAL_MEM_ID;
	ASSERT_EQ(0, nmt_register(rc.fd, port, &reg));
	close(rc.fd);

	rc.fd = nmt_open_dev();
	ASSERT_LE(0, rc.fd);
	ASSERT_EQ(0, pthread_create(&t[0], NULL, race_register, &rc));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, race_sync, &rc));
	ASSERT_EQ(0, pthread_create(&t[2], NULL, race_mmap, &rc));
	nmt_msleep(RACE_MS);
	atomic_store(&rc.stop, true);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	pthread_join(t[2], NULL);
	close(rc.fd);

	TH_LOG("%s: %lu registers, %lu syncs, %lu mmaps", port, rc.reg_calls,
	       rc.sync_calls, rc.map_calls);
	EXPECT_LT(0, rc.reg_calls);
	EXPECT_LT(0, rc.sync_calls);
	EXPECT_LT(0, rc.map_calls);
	EXPECT_EQ(0, rc.reg_unexpected) TH_LOG("errno %d", rc.reg_errno);
	EXPECT_EQ(0, rc.sync_unexpected);
	EXPECT_EQ(0, rc.map_unexpected);
}

FIXTURE(regress)
{
	struct nmt_env env;
	bool env_up;
};

FIXTURE_SETUP(regress)
{
	self->env_up = false;
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
}

FIXTURE_TEARDOWN(regress)
{
	if (self->env_up)
		nmt_env_teardown(&self->env);
}

TEST_F(regress, register_vs_sync_null_port)
{
	run_race(_metadata, "nmt-fz-null", NR_REG_NULL);
}

TEST_F(regress, register_vs_sync_veth)
{
	ASSERT_EQ(0, nmt_env_setup(&self->env, 2, 2));
	self->env_up = true;
	run_race(_metadata, self->env.port, NR_REG_ALL_NIC);
}

TEST_HARNESS_MAIN
