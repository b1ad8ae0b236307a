// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/netmap/rings: one line per ring of every netdev port
 * (generic or native) in netmap mode, with the packets the kernel had to drop on it (queue
 * full, frame that could not be built or finished). Users can then tell
 * "the application was too slow" from "nothing arrived".
 *
 *	<port> <TX|RX><index>[^] users=<n> drops=<n>
 *
 * A trailing ^ marks a host ring.
 */
#include <linux/debugfs.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>

#include "netmap_kern.h"

static struct dentry *nm_debugfs_dir;

static void nm_debugfs_port(struct nm_adapter *na, void *arg)
{
	struct seq_file *m = arg;
	enum nm_dir d;
	u32 i;

	if (!test_bit(NAF_NETMAP_ON, &na->flags))
		return;
	nm_for_each_dir(d) {
		for (i = 0; i < nm_kring_count(na, d); i++) {
			struct nm_kring *kring = &na->rings[d][i];

			seq_printf(m, "%s users=%d drops=%lld\n", kring->name,
				   READ_ONCE(kring->users),
				   (long long)atomic64_read(&kring->drops));
		}
	}
}

static int nm_debugfs_rings_show(struct seq_file *m, void *v)
{
	/* NAF_NETMAP_ON under rtnl guarantees the krings exist. */
	rtnl_lock();
	nm_netdev_for_each(nm_debugfs_port, m);
	nm_native_for_each(nm_debugfs_port, m);
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nm_debugfs_rings);

void nm_debugfs_init(void)
{
	/* Optional: without debugfs the module works, just less visibly. */
	nm_debugfs_dir = debugfs_create_dir("netmap", NULL);
	debugfs_create_file("rings", 0400, nm_debugfs_dir, NULL,
			    &nm_debugfs_rings_fops);
}

void nm_debugfs_uninit(void)
{
	debugfs_remove_recursive(nm_debugfs_dir);
}
