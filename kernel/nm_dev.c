// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/netmap: the misc character device and its file operations. Each
 * open file is one struct nm_priv; it binds to at most one port and is
 * unbound only when released.
 *
 * Who may open it: a process with CAP_NET_ADMIN over its own network
 * namespace, or a member of the group named by the group module
 * parameter. The node is 0600 root:root, or 0660 when that parameter is
 * set (packaging/udev/ gives it the group); the check in nm_open() holds
 * whatever the node's permissions become. Binding a NIC additionally
 * needs CAP_NET_ADMIN in the NIC's network namespace (nm_adapter_lookup()).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "netmap_kern.h"

static bool nm_may_open(void)
{
	kgid_t gid;

	if (ns_capable(current->nsproxy->net_ns->user_ns, CAP_NET_ADMIN))
		return true;
	if (nm_group < 0)
		return false;
	gid = make_kgid(&init_user_ns, nm_group);
	return gid_valid(gid) && in_group_p(gid);
}

static int nm_open(struct inode *inode, struct file *file)
{
	struct nm_priv *priv;

	if (!nm_may_open())
		return -EPERM;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	file->private_data = priv;
	return 0;
}

static int nm_release(struct inode *inode, struct file *file)
{
	struct nm_priv *priv = file->private_data;

	if (priv->bound)
		nm_unbind(priv);
	kfree(priv);
	return 0;
}

static long nm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct nm_priv *priv = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case NIOCCTRL:
		return nm_ctrl_ioctl(priv, uarg);
	case NIOCTXSYNC:
		return nm_sync_ioctl(priv, NM_TX);
	case NIOCRXSYNC:
		return nm_sync_ioctl(priv, NM_RX);
	case NIOCREGIF:
	case NIOCGINFO:
		return nm_legacy_ioctl(priv, cmd, uarg);
	default:
		/* NIOCCONFIG (VALE modules) included: not supported. */
		return -EOPNOTSUPP;
	}
}

static int nm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct nm_priv *priv = file->private_data;
	struct nm_adapter *na = smp_load_acquire(&priv->na);

	if (!na)
		return -EINVAL;
	return nm_mem_mmap(priv->mem, vma);
}

static __poll_t nm_poll(struct file *file, poll_table *wait)
{
	return nm_sync_poll(file->private_data, file, wait);
}

static const struct file_operations nm_fops = {
	.owner		= THIS_MODULE,
	.open		= nm_open,
	.release	= nm_release,
	.unlocked_ioctl	= nm_ioctl,
	.mmap		= nm_mmap,
	.poll		= nm_poll,
	.llseek		= noop_llseek,
};

static struct miscdevice nm_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "netmap",
	.fops	= &nm_fops,
	.mode	= 0600,
};

int nm_dev_init(void)
{
	if (nm_group >= 0)
		nm_misc.mode = 0660;
	return misc_register(&nm_misc);
}

void nm_dev_uninit(void)
{
	misc_deregister(&nm_misc);
}
