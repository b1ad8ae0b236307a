// SPDX-License-Identifier: GPL-2.0
/*
 * Access control (README, "Who may use netmap"):
 *  - /dev/netmap is 0600 root:root unless the module is loaded with
 *    group=GID, then 0660; opening needs CAP_NET_ADMIN over the caller's
 *    network namespace or membership of that group, whatever the node's
 *    permissions are (a 0666 node of our own proves the in-kernel check);
 *  - binding a NIC, or monitoring one, needs CAP_NET_ADMIN in the NIC's
 *    network namespace: an fd handed to an unprivileged process, or to
 *    root of a child user namespace, binds pipes, null ports and pipe
 *    monitors but no NIC;
 *  - a process binds only NICs of its own network namespace.
 *
 * The group test reloads the module (from $NETMAP_KO when set, else with
 * modprobe, passing $NETMAP_MODARGS) and does what the udev rule does in
 * a distribution: chgrp the node.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/nmtest.h"
#include "kselftest_harness.h"

#define NOBODY		65534
#define TEST_GID	4242
#define PARAM_GROUP	"/sys/module/netmap/parameters/group"

/* ---- the module ---- */

static int module_reload(const char *extra)
{
	const char *ko = getenv("NETMAP_KO"), *args = getenv("NETMAP_MODARGS");
	uint64_t deadline = nmt_now_ms() + 5000 * nmt_time_scale();
	int err;

	while (syscall(SYS_delete_module, "netmap", O_NONBLOCK) &&
	       errno != ENOENT) {
		if (nmt_now_ms() > deadline)
			return -errno;
		nmt_msleep(50);
	}
	if (ko && *ko)
		err = nmt_sh("insmod %s %s %s", ko, args ? args : "", extra);
	else
		err = nmt_sh("modprobe netmap %s %s", args ? args : "", extra);
	if (err)
		return -ENOENT;
	deadline = nmt_now_ms() + 3000 * nmt_time_scale();
	while (!nmt_have_netmap() && nmt_now_ms() < deadline)
		nmt_msleep(20);
	return nmt_have_netmap() ? 0 : -ENODEV;
}

static int param_group(void)
{
	FILE *f = fopen(PARAM_GROUP, "r");
	int v = -2;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -2;
		fclose(f);
	}
	return v;
}

/* ---- unprivileged children ---- */

/*
 * Become uid/gid nobody with only the supplementary group @group (-1:
 * none); every capability goes with uid 0.
 */
static int drop_to_nobody(int group)
{
	gid_t g = group;

	if (setgroups(group >= 0 ? 1 : 0, &g))
		return -errno;
	if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	return 0;
}

/*
 * Run @fn(@arg) in a child after drop_to_nobody(@group) (or, with
 * @group == -2, after unsharing a user namespace; -3: as is). Returns the
 * child's value (0..255, errno values are returned as is), or -1 if it
 * died.
 */
static int in_child(int group, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int err = 0;

		if (group == -2)
			err = unshare(CLONE_NEWUSER) ? errno : 0;
		else if (group != -3)
			err = -drop_to_nobody(group);

		if (err)
			_exit(200);
		_exit(fn(arg) & 0xff);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* errno of open(path), 0 on success */
static int try_open(void *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

struct bind_arg {
	int fd;			/* -1: open NMT_DEV first */
	const char *port;
	uint32_t mode;
	uint64_t flags;
};

/* errno of REGISTER, 0 on success; 250 if the open failed */
static int try_bind(void *p)
{
	struct bind_arg *a = p;
	struct nmreq_register reg;
	int fd = a->fd, err;

	if (fd < 0)
		fd = open(NMT_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 250;
	nmt_reg_init(&reg, a->mode, 0, a->flags);
	if (a->mode == NR_REG_NULL)
		reg.nr_mem_id = NMT_GLOBAL_MEM_ID;
	err = -nmt_register(fd, a->port, &reg);
	if (a->fd < 0)
		close(fd);
	return err;
}

/* A node of our own for /dev/netmap, mode 0666: only the kernel's check
 * stands between an unprivileged process and the device. */
static int open_node(char *path, size_t size)
{
	struct stat sb;

	if (stat(NMT_DEV, &sb))
		return -errno;
	snprintf(path, size, "/tmp/nm_access_node.%d", getpid());
	unlink(path);
	if (mknod(path, S_IFCHR | 0666, sb.st_rdev) || chmod(path, 0666))
		return -errno;
	return 0;
}

/* ---- tests ---- */

FIXTURE(access)
{
	struct nmt_env env;
	bool env_up;
	char node[64];
};

FIXTURE_SETUP(access)
{
	self->env_up = false;
	self->node[0] = '\0';
	if (!nmt_have_netmap())
		SKIP(return, "no " NMT_DEV);
	if (getuid() != 0)
		SKIP(return, "needs root");
	if (nmt_test_if())
		SKIP(return, "uses veth pairs and reloads the module");
	ASSERT_EQ(0, nmt_env_setup(&self->env, 1, 1));
	self->env_up = true;
	ASSERT_EQ(0, open_node(self->node, sizeof(self->node)));
}

FIXTURE_TEARDOWN(access)
{
	if (self->node[0])
		unlink(self->node);
	if (param_group() != -1 && module_reload(""))
		TH_LOG("could not reload netmap without group=");
	if (self->env_up)
		nmt_env_teardown(&self->env);
}

TEST_F(access, root_only_by_default)
{
	struct bind_arg veth = { .fd = -1, .port = self->env.port,
				 .mode = NR_REG_ALL_NIC };
	struct stat sb;

	ASSERT_EQ(-1, param_group());
	ASSERT_EQ(0, stat(NMT_DEV, &sb));
	EXPECT_EQ(0600, sb.st_mode & 07777);
	EXPECT_EQ(0, sb.st_uid);
	EXPECT_EQ(0, sb.st_gid);
	/* root: open and bind */
	EXPECT_EQ(0, try_bind(&veth));
	/* nobody: the node's mode says no, and so does the kernel */
	EXPECT_EQ(EACCES, in_child(-1, try_open, NMT_DEV));
	EXPECT_EQ(EPERM, in_child(-1, try_open, self->node));
	/* a group means nothing without group= */
	EXPECT_EQ(EPERM, in_child(TEST_GID, try_open, self->node));
}

/* REGISTER in a child (in_child(@group)) on an fd root opened here. */
static int passed_bind_flags(int group, const char *port, uint32_t mode,
			     uint64_t flags)
{
	struct bind_arg a = { .fd = nmt_open_dev(), .port = port, .mode = mode,
			      .flags = flags };
	int ret;

	if (a.fd < 0)
		return -1;
	ret = in_child(group, try_bind, &a);
	close(a.fd);
	return ret;
}

static int passed_bind(int group, const char *port, uint32_t mode)
{
	return passed_bind_flags(group, port, mode, 0);
}

TEST_F(access, passed_fd_binds_no_nic_without_cap)
{
	const char *nic = self->env.port;

	/* an fd root opened, used by nobody */
	EXPECT_EQ(EPERM, passed_bind(-1, nic, NR_REG_ALL_NIC));
	EXPECT_EQ(EPERM, passed_bind(-1, nic, NR_REG_SW));
	EXPECT_EQ(0, passed_bind(-1, "nm-access-null", NR_REG_NULL));
	EXPECT_EQ(0, passed_bind(-1, "nm-access{1", NR_REG_ALL_NIC));
	/* root of a new user namespace: no CAP_NET_ADMIN where the NIC is */
	EXPECT_EQ(EPERM, passed_bind(-2, nic, NR_REG_ALL_NIC));
	/* root itself, for comparison */
	EXPECT_EQ(0, passed_bind(-3, nic, NR_REG_ALL_NIC));
}

/* Watching a NIC's traffic is as privileged as binding it. */
TEST_F(access, monitor_needs_cap)
{
	struct bind_arg root = { .fd = -1, .port = "nm-access{2",
				 .mode = NR_REG_ALL_NIC };
	const char *nic = self->env.port;
	struct nmt_port p;

	/* the NIC in netmap mode, so that it can be monitored at all */
	ASSERT_EQ(0, nmt_port_open(&p, nic, NR_REG_ALL_NIC, 0, 0));
	EXPECT_EQ(EPERM, passed_bind_flags(-1, nic, NR_REG_ALL_NIC,
					   NR_MONITOR_RX));
	EXPECT_EQ(EPERM, passed_bind_flags(-1, nic, NR_REG_ALL_NIC,
					   NR_ZCOPY_MON));
	EXPECT_EQ(EPERM, passed_bind_flags(-2, nic, NR_REG_ALL_NIC,
					   NR_MONITOR_TX));
	EXPECT_EQ(0, passed_bind_flags(-3, nic, NR_REG_ALL_NIC, NR_MONITOR_RX));
	nmt_port_close(&p);

	/* a pipe's monitor needs nothing more than the fd */
	root.fd = nmt_open_dev();
	ASSERT_LE(0, root.fd);
	ASSERT_EQ(0, try_bind(&root));
	EXPECT_EQ(0, passed_bind_flags(-1, "nm-access{2", NR_REG_ALL_NIC,
				       NR_MONITOR_RX));
	close(root.fd);
}

/* Two module reloads: beyond the harness's 30 s on a slow debug guest. */
TEST_F_TIMEOUT(access, group_member, 90)
{
	struct bind_arg veth = { .fd = -1, .port = self->env.port,
				 .mode = NR_REG_ALL_NIC };
	struct bind_arg null = { .fd = -1, .port = "nm-access-null",
				 .mode = NR_REG_NULL };
	char arg[32];
	struct stat sb;

	snprintf(arg, sizeof(arg), "group=%d", TEST_GID);
	ASSERT_EQ(0, module_reload(arg));
	ASSERT_EQ(TEST_GID, param_group());
	ASSERT_EQ(0, stat(NMT_DEV, &sb));
	EXPECT_EQ(0660, sb.st_mode & 07777);
	/* what packaging/udev/60-netmap.rules does */
	ASSERT_EQ(0, chown(NMT_DEV, 0, TEST_GID));
	ASSERT_EQ(0, open_node(self->node, sizeof(self->node)));

	/* a member opens, binds a null port, no NIC */
	EXPECT_EQ(0, in_child(TEST_GID, try_open, NMT_DEV));
	EXPECT_EQ(0, in_child(TEST_GID, try_bind, &null));
	EXPECT_EQ(EPERM, in_child(TEST_GID, try_bind, &veth));
	/* not a member: refused by the node, and by the kernel */
	EXPECT_EQ(EACCES, in_child(-1, try_open, NMT_DEV));
	EXPECT_EQ(EPERM, in_child(-1, try_open, self->node));
	EXPECT_EQ(EPERM, in_child(TEST_GID + 1, try_open, self->node));
	/* root still binds */
	EXPECT_EQ(0, try_bind(&veth));

	ASSERT_EQ(0, module_reload(""));
	ASSERT_EQ(0, stat(NMT_DEV, &sb));
	EXPECT_EQ(0600, sb.st_mode & 07777);
}

/*
 * A NIC is bindable from its own namespace only: after moving the port
 * to another namespace, its name means nothing here and binding it works
 * there.
 */
TEST_F(access, netns_visibility)
{
	struct bind_arg here = { .fd = -1, .port = self->env.port,
				 .mode = NR_REG_ALL_NIC };
	char ns[32];
	int fd, nsfd, home;

	snprintf(ns, sizeof(ns), "nmacc%d", getpid());
	ASSERT_EQ(0, nmt_sh("ip netns add %s && ip link set %s netns %s",
			    ns, self->env.port, ns));
	EXPECT_EQ(ENXIO, try_bind(&here));

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, home);
	nsfd = nmt_netns_fd(ns);
	ASSERT_LE(0, nsfd);
	ASSERT_EQ(0, nmt_netns_enter_fd(nsfd));
	fd = nmt_open_dev();
	EXPECT_LE(0, fd);
	here.fd = fd;
	EXPECT_EQ(0, try_bind(&here)) TH_LOG("binding %s inside %s", here.port, ns);
	close(fd);
	ASSERT_EQ(0, nmt_netns_enter_fd(home));
	close(home);
	close(nsfd);
	/* moved back, it is bindable here again */
	EXPECT_EQ(0, nmt_sh("ip -n %s link set %s netns %s", ns,
			    self->env.port, self->env.veth.ns_a));
	here.fd = -1;
	EXPECT_EQ(0, try_bind(&here));
	nmt_sh("ip netns del %s", ns);
}

TEST_HARNESS_MAIN
