// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: netmap.ko cannot be removed while a file (or a mapping
 * of one) is open, can be removed cleanly afterwards, even after the
 * interface it used disappeared, and leaves the interface working as a
 * plain netdev. Each test loads the module again: from $NETMAP_KO when
 * set, else with modprobe; $NETMAP_MODARGS are passed again (the same
 * convention as smoke_modload.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

#define MODNAME	"netmap"

static const char *ko_path(void)
{
	const char *p = getenv("NETMAP_KO");

	return p && *p ? p : NULL;
}

static bool loaded(void)
{
	return access("/sys/module/" MODNAME, F_OK) == 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, MODNAME, O_NONBLOCK) ? -errno : 0;
}

/* Unload, retrying briefly in case a reference is dropped late. */
static int unload_wait(unsigned int ms)
{
	uint64_t deadline = nmt_now_ms() + ms;
	int err;

	while ((err = unload()) == -EAGAIN || err == -EBUSY) {
		if (nmt_now_ms() > deadline)
			break;
		nmt_msleep(50);
	}
	return err;
}

static int reload(void)
{
	const char *args = getenv("NETMAP_MODARGS");
	uint64_t deadline;
	int fd, err = 0;

	if (loaded())
		return 0;
	if (!args)
		args = "";
	if (ko_path()) {
		fd = open(ko_path(), O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (syscall(SYS_finit_module, fd, args, 0))
			err = -errno;
		close(fd);
	} else if (nmt_sh("modprobe " MODNAME " %s", args)) {
		err = -ENOENT;
	}
	if (err) {
		nmt_log("reloading %s: %s", ko_path() ? ko_path() : MODNAME,
			strerror(-err));
		return err;
	}
	deadline = nmt_now_ms() + 3000;
	while (!nmt_have_netmap() && nmt_now_ms() < deadline)
		nmt_msleep(20);
	return nmt_have_netmap() ? 0 : -ENODEV;
}

FIXTURE(mod)
{
	struct nmt_env env;
};

FIXTURE_SETUP(mod)
{
	if (!nmt_have_netmap() || !loaded())
		SKIP(return, "netmap module not loaded");
	if (ko_path() && access(ko_path(), R_OK))
		SKIP(return, "NETMAP_KO=%s is not readable", ko_path());
	if (nmt_test_if())
		SKIP(return, "unloads the module: veth only");
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
}

FIXTURE_TEARDOWN(mod)
{
	/* whatever happened, leave the module loaded for the next tests */
	if (!loaded() && reload())
		TH_LOG("could not load netmap again");
	nmt_env_teardown(&self->env);
}

/* A plain veth again: frames flow between the two ends. */
static void veth_works(struct __test_metadata *_metadata,
		       FIXTURE_DATA(mod) *self)
{
	int a = nmt_pkt_open(NULL, self->env.port);
	int b = nmt_pkt_open(self->env.peer_ns, self->env.peer);
	uint32_t tag = nmt_tag(), next = 0, seq;
	uint8_t frame[NMT_FRAME_MIN];

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	for (seq = 0; seq < 8; seq++) {
		nmt_frame_fill(frame, sizeof(frame), tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(a, frame, sizeof(frame)));
	}
	nmt_pkt_collect(b, tag, &next, 8, 5000);
	EXPECT_EQ(8, next) TH_LOG("A -> B after unload");
	next = 0;
	tag++;
	for (seq = 0; seq < 8; seq++) {
		nmt_frame_fill(frame, sizeof(frame), tag, seq);
		ASSERT_EQ(0, nmt_pkt_send(b, frame, sizeof(frame)));
	}
	nmt_pkt_collect(a, tag, &next, 8, 5000);
	EXPECT_EQ(8, next) TH_LOG("B -> A after unload");
	close(a);
	close(b);
}

TEST_F(mod, refused_while_open)
{
	struct nmt_port p;
	int fd;

	fd = nmt_open_dev();
	ASSERT_LE(0, fd);
	EXPECT_NE(0, unload());
	EXPECT_TRUE(loaded());
	close(fd);

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	EXPECT_NE(0, unload());
	EXPECT_TRUE(loaded());
	/* still fully working */
	EXPECT_EQ(0, nmt_txsync(p.fd));

	/* a mapping alone keeps the module too */
	close(p.fd);
	p.fd = -1;
	EXPECT_NE(0, unload());
	EXPECT_TRUE(loaded());
	nmt_port_close(&p);
	EXPECT_EQ(0, unload_wait(3000));
	EXPECT_FALSE(loaded());
	EXPECT_FALSE(nmt_have_netmap());
	ASSERT_EQ(0, reload());
}

TEST_F(mod, clean_after_use)
{
	struct netmap_ring *tx;
	struct nmt_port p, q;
	uint32_t seq = 0;

	/* use the port in a few ways, then close everything */
	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	ASSERT_EQ(0, nmt_port_open(&q, self->env.port, NR_REG_ONE_NIC, 0,
				   NR_RX_RINGS_ONLY));
	tx = nmt_first_ring(p.nifp, NMT_TX);
	ASSERT_NE(NULL, tx);
	nmt_tx_fill(tx, 32, 0, nmt_tag(), &seq);
	EXPECT_EQ(0, nmt_txsync(p.fd));
	EXPECT_EQ(0, nmt_rxsync(q.fd));
	nmt_port_close(&q);
	nmt_port_close(&p);

	EXPECT_EQ(0, unload_wait(3000));
	EXPECT_FALSE(loaded());
	/* the interface is left as it was found */
	veth_works(_metadata, self);
	ASSERT_EQ(0, reload());

	/* and the reloaded module works */
	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(0, nmt_txsync(p.fd));
	nmt_port_close(&p);
}

TEST_F(mod, clean_after_interface_gone)
{
	struct nmt_port p;

	ASSERT_EQ(0, nmt_port_open(&p, self->env.port, NR_REG_ALL_NIC, 0, 0));
	ASSERT_EQ(0, nmt_run(15000, "ip -n %s link del dev %s",
			     self->env.veth.ns_a, self->env.port));
	EXPECT_NE(0, unload());
	nmt_port_close(&p);
	EXPECT_EQ(0, unload_wait(3000));
	EXPECT_FALSE(loaded());
	ASSERT_EQ(0, reload());
}

TEST_HARNESS_MAIN
