// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/netmap basics: the node the module registers, opening it, and the
 * ioctl dispatcher's answer to commands it does not know (EOPNOTSUPP,
 * spec §1.2: it matches the full 32-bit command number).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define NM_DEV		"/dev/netmap"
#define MISC_MAJOR	10

/* Without the module there is nothing to test here; with it, no excuses. */
#define REQUIRE_MODULE() do {						\
	if (access("/sys/module/netmap", F_OK))				\
		SKIP(return, "netmap.ko is not loaded");		\
} while (0)

TEST(node_is_misc_char_0600_root)
{
	unsigned int maj, min;
	struct stat st;
	FILE *f;

	REQUIRE_MODULE();
	ASSERT_EQ(0, stat(NM_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(MISC_MAJOR, major(st.st_rdev));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);

	/* The node is the one the misc device registered. */
	f = fopen("/sys/class/misc/netmap/dev", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(2, fscanf(f, "%u:%u", &maj, &min));
	fclose(f);
	EXPECT_EQ(maj, major(st.st_rdev));
	EXPECT_EQ(min, minor(st.st_rdev));
}

TEST(open_close)
{
	int fd1, fd2;

	REQUIRE_MODULE();
	fd1 = open(NM_DEV, O_RDWR);
	ASSERT_LE(0, fd1) TH_LOG("open: %s", strerror(errno));
	/* Every open is an independent file: a second one must work too. */
	fd2 = open(NM_DEV, O_RDWR);
	ASSERT_LE(0, fd2) TH_LOG("second open: %s", strerror(errno));
	EXPECT_EQ(0, close(fd2));
	EXPECT_EQ(0, close(fd1));
}

TEST(unknown_ioctl_is_eopnotsupp)
{
	/* Right type and number as NIOCCTRL, wrong size: still unknown. */
	struct { char b[80]; } wrong;
	int fd;

	REQUIRE_MODULE();
	fd = open(NM_DEV, O_RDWR);
	ASSERT_LE(0, fd);

	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, _IO('i', 200)));
	EXPECT_EQ(EOPNOTSUPP, errno);

	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, _IOWR('i', 151, wrong), &wrong));
	EXPECT_EQ(EOPNOTSUPP, errno);

	EXPECT_EQ(0, close(fd));
}

TEST_HARNESS_MAIN
