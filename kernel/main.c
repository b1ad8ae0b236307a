// SPDX-License-Identifier: GPL-2.0
/*
 * netmap for Linux: module entry. This file only holds the module-wide
 * parameters and orders the subsystem inits; teardown mirrors them.
 */
#include <linux/module.h>

#include "netmap_kern.h"

int nm_verbose;
module_param_named(verbose, nm_verbose, int, 0644);
MODULE_PARM_DESC(verbose, "Log adapter and ring events (0 = quiet)");

int nm_no_timestamp;
module_param_named(no_timestamp, nm_no_timestamp, int, 0644);
MODULE_PARM_DESC(no_timestamp,
		 "Skip ring->ts updates unless the ring sets NR_TIMESTAMP");

int nm_admode;
module_param_named(admode, nm_admode, int, 0644);
MODULE_PARM_DESC(admode,
		 "Adapter choice: 0 native if available else generic, 1 native only, 2 generic only");

int nm_generic_ringsize = 1024;
module_param_named(generic_ringsize, nm_generic_ringsize, int, 0644);
MODULE_PARM_DESC(generic_ringsize,
		 "Slots per ring of the generic adapter when the device does not report a ring size");

int nm_fwd;
module_param_named(fwd, nm_fwd, int, 0644);
MODULE_PARM_DESC(fwd,
		 "Transparent mode on every ring, as if each had NR_FORWARD set");

int nm_group = -1;
module_param_named(group, nm_group, int, 0444);
MODULE_PARM_DESC(group,
		 "Group id whose members may open /dev/netmap (node mode 0660); -1 = root only");

static int __init netmap_init(void)
{
	int err;

	err = nm_mem_init();
	if (err)
		return err;
	err = nm_generic_init();
	if (err)
		goto err_mem;
	err = nm_netdev_init();
	if (err)
		goto err_generic;
	err = nm_dev_init();
	if (err)
		goto err_netdev;
	nm_debugfs_init();
	return 0;

err_netdev:
	nm_netdev_uninit();
err_generic:
	nm_generic_uninit();
err_mem:
	nm_mem_uninit();
	return err;
}

static void __exit netmap_exit(void)
{
	nm_debugfs_uninit();
	nm_dev_uninit();
	nm_netdev_uninit();
	nm_generic_uninit();
	nm_mem_uninit();
}

module_init(netmap_init);
module_exit(netmap_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netmap: fast packet I/O through rings shared with userspace");
MODULE_VERSION(NM_VERSION);
