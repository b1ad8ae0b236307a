// SPDX-License-Identifier: GPL-2.0
/* Module entry: orders the subsystem inits and their teardown. */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>

static long nm_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	return -EOPNOTSUPP;
}

static const struct file_operations nm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nm_ioctl,
};

static struct miscdevice nm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "netmap",
	.fops = &nm_fops,
	.mode = 0600,
};

static int __init netmap_init(void)
{
	return misc_register(&nm_misc);
}

static void __exit netmap_exit(void)
{
	misc_deregister(&nm_misc);
}

module_init(netmap_init);
module_exit(netmap_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netmap: fast packet I/O through shared rings");
