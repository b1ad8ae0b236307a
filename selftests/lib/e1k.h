/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the native e1000e tests (selftests/e1000e_native*.c) share: the
 * guest's two emulated 82574 NICs, which QEMU cables to each other
 * (vm/run-vm.sh),
 *
 *	eth A (e1000e) ===== QEMU hub ===== eth B (e1000e)
 *
 * and the fixture e1k: every test loads e1000e and unloads it at the
 * end, and runs with the admode module parameter at 1 (native only), so
 * a registration that succeeds is a native one. A test skips when the
 * netmap-enabled e1000e.ko or the two NICs are missing (any machine but
 * the test guest).
 *
 * Include it after kselftest_harness.h.
 */
#ifndef NMT_E1K_H
#define NMT_E1K_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nmtest.h"

#define ADMODE	"/sys/module/netmap/parameters/admode"
/* Each reset of a NIC takes its link down for seconds under TCG. */
#define E1K_TIMEOUT	180

/* Both e1000e interfaces, in name order. Returns 0 or -ENODEV. */
static int e1k_find(char a[16], char b[16])
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	a[0] = b[0] = '\0';
	d = opendir("/sys/class/net");
	if (!d)
		return -ENODEV;
	while ((de = readdir(d))) {
		char path[300], link[256];
		ssize_t l;

		snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver",
			 de->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link,
			   "e1000e"))
			continue;
		if (strlen(de->d_name) >= 16)
			continue;
		if (!a[0] || strcmp(de->d_name, a) < 0) {
			memcpy(b, a, 16);
			strcpy(a, de->d_name);
		} else if (!b[0] || strcmp(de->d_name, b) < 0) {
			strcpy(b, de->d_name);
		}
		n++;
	}
	closedir(d);
	return n >= 2 ? 0 : -ENODEV;
}

static bool carrier_wait(const char *ifname, unsigned int ms)
{
	uint64_t deadline = nmt_now_ms() + ms;
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	do {
		FILE *f = fopen(path, "r");
		int c = 0;

		if (f) {
			if (fscanf(f, "%d", &c) != 1)
				c = 0;
			fclose(f);
		}
		if (c == 1)
			return true;
		nmt_msleep(100);
	} while (nmt_now_ms() < deadline);
	nmt_log("%s: no carrier after %u ms", ifname, ms);
	return false;
}

static int admode_set(int v)
{
	FILE *f = fopen(ADMODE, "w");

	if (!f)
		return -errno;
	fprintf(f, "%d\n", v);
	return fclose(f) ? -errno : 0;
}

static bool module_loaded(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	return access(path, F_OK) == 0;
}

FIXTURE(e1k)
{
	char a[16];
	char b[16];
	struct nmt_port pa;	/* netmap port on A */
	struct nmt_port pb;	/* netmap port on B */
	struct nmt_port pc;	/* a second port, where a test needs one */
	int sock;		/* packet socket, bound by the test */
	uint32_t tag;
	char ns[32];		/* namespace a test made, "" if none */
};

/*
 * Loading the patched e1000e has been seen to take over 20 s in the TCG
 * guest: wait for it with this bound, and say so when it is exceeded.
 */
#define E1K_MODPROBE_MS	90000

/* e1000e out again; false (and logged) if it stays. */
static bool e1k_unload(void)
{
	uint64_t deadline = nmt_now_ms() + 20000;
	int rc = 0;

	while (module_loaded("e1000e")) {
		if (nmt_now_ms() > deadline) {
			nmt_log("rmmod e1000e keeps failing (%d): it still holds netmap.ko",
				rc);
			return false;
		}
		rc = nmt_run(20000, "rmmod e1000e");
		if (rc)
			nmt_msleep(200);
	}
	return true;
}

/*
 * However the program ends (a test killed by its timeout skips its
 * teardown), e1000e does not stay loaded holding netmap.ko, and no
 * namespace of ours stays behind.
 */
static pid_t e1k_main_pid;
static bool e1k_was_loaded;

__attribute__((constructor)) static void e1k_at_start(void)
{
	e1k_main_pid = getpid();
	e1k_was_loaded = module_loaded("e1000e");
}

__attribute__((destructor)) static void e1k_at_exit(void)
{
	if (getpid() != e1k_main_pid)
		return;
	nmt_run(20000, "for n in $(ip netns list | sed -n 's/^\\(nme1k[0-9]*\\).*/\\1/p'); "
		"do ip netns del $n; done");
	if (!e1k_was_loaded)
		e1k_unload();
}

FIXTURE_SETUP(e1k)
{
	uint64_t deadline;
	int rc;

	self->pa.fd = self->pb.fd = self->pc.fd = self->sock = -1;
	self->ns[0] = '\0';
	self->tag = nmt_tag();
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (!module_loaded("e1000e")) {
		uint64_t t0 = nmt_now_ms();

		rc = nmt_run(E1K_MODPROBE_MS, "modprobe e1000e");
		ASSERT_NE(-ETIMEDOUT, rc)
			TH_LOG("modprobe e1000e did not finish in %u s",
			       E1K_MODPROBE_MS / 1000);
		if (rc)
			SKIP(return, "no e1000e driver (modprobe: %d)", rc);
		if (nmt_now_ms() - t0 > 10000)
			TH_LOG("modprobe e1000e took %llu ms",
			       (unsigned long long)(nmt_now_ms() - t0));
	}
	/* the NICs appear with the driver; give them a bounded moment */
	deadline = nmt_now_ms() + 10000;
	while (e1k_find(self->a, self->b) && nmt_now_ms() < deadline)
		nmt_msleep(100);
	if (e1k_find(self->a, self->b))
		SKIP(return, "fewer than two e1000e NICs");
	/* the netmap-enabled e1000e uses netmap.ko's symbols */
	if (access("/sys/module/netmap/holders/e1000e", F_OK))
		SKIP(return, "e1000e without netmap hooks");
	ASSERT_EQ(0, nmt_sh("ip link set %s up && ip link set %s up",
			    self->a, self->b));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
	ASSERT_EQ(0, admode_set(1));
}

FIXTURE_TEARDOWN(e1k)
{
	nmt_port_close(&self->pa);
	nmt_port_close(&self->pb);
	nmt_port_close(&self->pc);
	if (self->sock >= 0)
		close(self->sock);
	admode_set(0);
	if (self->ns[0])
		nmt_sh("ip netns del %s", self->ns);
	/* netmap.ko cannot be unloaded while e1000e uses it */
	e1k_unload();
}

/* Open both ports (modes given), then wait for the links they reset. */
static void open_both(struct __test_metadata *_metadata,
		      FIXTURE_DATA(e1k) *self, uint32_t ma, uint64_t fa,
		      uint32_t mb, uint64_t fb)
{
	ASSERT_EQ(0, nmt_port_open(&self->pa, self->a, ma, 0, fa));
	ASSERT_EQ(0, nmt_port_open(&self->pb, self->b, mb, 0, fb));
	ASSERT_TRUE(carrier_wait(self->a, 15000));
	ASSERT_TRUE(carrier_wait(self->b, 15000));
}

/*
 * Send n frames from TX ring tx, receiving them on RX ring rx of fd
 * rxfd; at most 64 in flight so the RX ring cannot overflow. Returns
 * the number received in order and intact, -1 on a bad frame.
 */
static int nm_to_nm(int txfd, struct netmap_ring *tx, int rxfd,
		    struct netmap_ring *rx, uint32_t n, size_t len,
		    uint32_t tag)
{
	uint64_t deadline = nmt_now_ms() + 30000;
	uint32_t seq = 0, next = 0;

	while (next < n && nmt_now_ms() < deadline) {
		struct pollfd pfd = { .fd = rxfd, .events = POLLIN };

		if (seq < n && seq - next < 64) {
			nmt_tx_fill(tx, n - seq < 64 - (seq - next) ?
				    n - seq : 64 - (seq - next), len, tag,
				    &seq);
			if (nmt_txsync(txfd))
				return -1;
		}
		poll(&pfd, 1, 100);
		if (nmt_rx_consume(rx, tag, &next) < 0)
			return -1;
	}
	return next;
}

#endif /* NMT_E1K_H */
