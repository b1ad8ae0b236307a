// SPDX-License-Identifier: GPL-2.0
/*
 * The netdev -> adapter table and the netdevice notifier.
 *
 * We keep our own table instead of storing a pointer in the net_device:
 * nothing on the device is borrowed. The table is protected by rtnl, which
 * every netdev event already holds.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "netmap_kern.h"

static LIST_HEAD(nm_netdev_list);	/* rtnl */

/**
 * nm_netdev_find() - the adapter attached to @dev, if any
 * @dev: a network device
 *
 * Context: rtnl held.
 * Return: the adapter (no reference taken) or NULL.
 */
struct nm_adapter *nm_netdev_find(struct net_device *dev)
{
	struct nm_adapter *na;

	ASSERT_RTNL();
	list_for_each_entry(na, &nm_netdev_list, dev_entry)
		if (na->ifp == dev)
			return na;
	return NULL;
}

/**
 * nm_netdev_add() - record that @na is the adapter of @dev
 * @na: a new adapter
 * @dev: its device
 *
 * Context: rtnl held.
 */
void nm_netdev_add(struct nm_adapter *na, struct net_device *dev)
{
	ASSERT_RTNL();
	list_add(&na->dev_entry, &nm_netdev_list);
}

/**
 * nm_netdev_del() - forget the device of @na
 * @na: an adapter in the table
 *
 * Context: rtnl held.
 */
void nm_netdev_del(struct nm_adapter *na)
{
	ASSERT_RTNL();
	list_del_init(&na->dev_entry);
}

/**
 * nm_netdev_for_each() - call @fn for every netdev adapter
 * @fn: callback; must not sleep on anything that needs rtnl
 * @arg: passed to @fn
 *
 * Context: rtnl held.
 */
void nm_netdev_for_each(void (*fn)(struct nm_adapter *na, void *arg),
			void *arg)
{
	struct nm_adapter *na;

	ASSERT_RTNL();
	list_for_each_entry(na, &nm_netdev_list, dev_entry)
		fn(na, arg);
}

static int nm_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nm_adapter *na;

	nm_native_netdev_event(dev, event);
	na = nm_netdev_find(dev);
	if (!na)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_UNREGISTER:
		nm_generic_detach(na);
		break;
	case NETDEV_GOING_DOWN:
		if (test_bit(NAF_NETMAP_ON, &na->flags))
			nm_adapter_stop(na, NM_KR_STOPPED);
		break;
	case NETDEV_UP:
		if (test_bit(NAF_NETMAP_ON, &na->flags))
			nm_adapter_stop(na, NM_KR_ON);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nm_netdev_nb = {
	.notifier_call = nm_netdev_event,
};

int nm_netdev_init(void)
{
	return register_netdevice_notifier(&nm_netdev_nb);
}

void nm_netdev_uninit(void)
{
	unregister_netdevice_notifier(&nm_netdev_nb);
}
