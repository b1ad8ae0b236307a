// SPDX-License-Identifier: GPL-2.0
/*
 * Native adapters: netmap rings that drive a device's descriptor rings
 * directly, through the API of netmap_native.h.
 *
 * The core side of a native port is an ordinary nm_adapter whose reg,
 * txsync and rxsync forward to the driver; what the core adds is the
 * buffer pool mapped for the driver's DMA device while in netmap mode,
 * the slot offsets of each hardware ring (netmap_reset()), the host
 * rings (the same egress hook and injection the generic adapter uses,
 * see nm_host.c) and the device's lifetime: the driver pins its module
 * while the port is in netmap mode, and a device that goes away turns the
 * port into a zombie like a generic one.
 *
 * State of struct netmap_adapter:
 *  - entry, attached, up.ifp: rtnl (the native table, like nm_netdev.c's).
 *  - on: written under rtnl (reg and teardown), read locklessly by the
 *    driver's interrupt and xmit hooks. While it is true the krings
 *    exist; it is cleared, followed by synchronize_net(), before they can
 *    go, so a hook that saw it true finishes first.
 *  - programmed[d][q]: whether the driver programmed ring q with netmap
 *    buffers at its last netmap_reset() (READ_ONCE/WRITE_ONCE).
 *  - hwofs[d][q]: under the kring's sync_lock.
 *  - dma: written by reg under rtnl, stable while on.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "netmap_kern.h"
#include "netmap_native.h"

#define NM_NATIVE_MAX_RINGS	64

struct netmap_adapter {
	struct nm_adapter up;
	struct netmap_native_info info;
	u32 max_rings[NM_DIRS];		/* at attach: bounds every count */
	struct list_head entry;
	bool attached;
	bool on;
	bool *programmed[NM_DIRS];
	u32 *hwofs[NM_DIRS];
	struct nm_mem_dma dma;
};

static LIST_HEAD(nm_native_list);	/* rtnl */

static struct netmap_adapter *to_native(struct nm_adapter *up)
{
	return container_of(up, struct netmap_adapter, up);
}

/**
 * nm_native_find() - the native adapter of @dev, if its driver has one
 * @dev: a network device
 *
 * Context: rtnl held.
 * Return: the adapter (no reference taken) or NULL.
 */
struct nm_adapter *nm_native_find(struct net_device *dev)
{
	struct netmap_adapter *na;

	ASSERT_RTNL();
	list_for_each_entry(na, &nm_native_list, entry)
		if (na->up.ifp == dev)
			return &na->up;
	return NULL;
}

/**
 * nm_native_for_each() - call @fn for every attached native adapter
 * @fn: callback; must not sleep on anything that needs rtnl
 * @arg: passed to @fn
 *
 * Context: rtnl held.
 */
void nm_native_for_each(void (*fn)(struct nm_adapter *na, void *arg),
			void *arg)
{
	struct netmap_adapter *na;

	ASSERT_RTNL();
	list_for_each_entry(na, &nm_native_list, entry)
		fn(&na->up, arg);
}

static void nm_native_sync_init(struct netmap_sync *s,
				struct netmap_adapter *na,
				struct nm_kring *kring, int flags)
{
	s->na = na;
	s->slot = kring->ring->slot;
	s->num_slots = kring->num_slots;
	s->qid = kring->id;
	s->hwofs = na->hwofs[kring->dir][kring->id];
	s->head = kring->rhead;
	s->hwcur = kring->hwcur;
	s->hwtail = kring->hwtail;
	s->flags = flags ? NETMAP_SYNC_FORCE : 0;
}

/* Run the driver's sync; its indices are checked before they are kept. */
static int nm_native_sync(struct nm_kring *kring, int flags)
{
	struct netmap_adapter *na = to_native(kring->na);
	const struct netmap_native_ops *ops = na->info.ops;
	struct netmap_sync s;
	int err;

	if (!READ_ONCE(na->on))
		return -ENXIO;
	/* Not programmed with netmap buffers: nothing moves on this ring. */
	if (!READ_ONCE(na->programmed[kring->dir][kring->id]))
		return -EAGAIN;
	nm_native_sync_init(&s, na, kring, flags);
	if (kring->dir == NM_TX)
		err = ops->txsync(na->info.dev, &s);
	else
		err = ops->rxsync(na->info.dev, &s);
	if (err)
		return err;
	if (WARN_ON_ONCE(s.hwcur >= s.num_slots || s.hwtail >= s.num_slots))
		return -EIO;
	kring->hwcur = s.hwcur;
	kring->hwtail = s.hwtail;
	return 0;
}

static int nm_native_txsync(struct nm_kring *kring, int flags)
{
	if (kring->host)
		return nm_host_txsync(kring, flags);
	return nm_native_sync(kring, flags);
}

/* Host RX ring: what the stack sent, queued by nm_host.c / netmap_xmit. */
static int nm_native_host_rxsync(struct nm_kring *kring)
{
	struct netmap_ring *ring = kring->ring;
	u32 n = kring->num_slots, i, stop;
	struct sk_buff *skb;

	for (i = kring->hwcur; i != kring->rhead; i = nm_next(i, n))
		ring->slot[i].flags &= ~NS_BUF_CHANGED;
	kring->hwcur = kring->rhead;

	stop = nm_prev(kring->hwcur, n);
	i = kring->hwtail;
	while (i != stop && (skb = skb_dequeue(&kring->rx_queue))) {
		struct netmap_slot *slot = &ring->slot[i];
		void *dst = nm_buf_addr(&kring->lut, READ_ONCE(slot->buf_idx));

		/* GSO frames were segmented on the way in. */
		if (skb->len > kring->lut.objsize ||
		    skb_copy_bits(skb, 0, dst, skb->len)) {
			atomic64_inc(&kring->drops);
			kfree_skb(skb);
			continue;
		}
		slot->len = skb->len;
		slot->flags = 0;
		consume_skb(skb);
		i = nm_next(i, n);
	}
	kring->hwtail = i;
	return 0;
}

static int nm_native_rxsync(struct nm_kring *kring, int flags)
{
	if (kring->host)
		return nm_native_host_rxsync(kring);
	return nm_native_sync(kring, flags);
}

/*
 * Leave netmap mode (rtnl held, NAF_NETMAP_ON just cleared): the hooks
 * first, then the driver (unless its device is already closed), then the
 * DMA mapping, which the device no longer uses.
 */
static void nm_native_off(struct netmap_adapter *na, bool driver)
{
	struct net_device *dev = na->info.dev;

	ASSERT_RTNL();
	WRITE_ONCE(na->on, false);
	synchronize_net();
	if (driver)
		na->info.ops->reg(dev, false);
	nm_host_detach(&na->up, dev);
	nm_mem_dma_unmap(&na->dma);
	module_put(na->info.owner);
}

static int nm_native_reg(struct nm_adapter *up, bool on)
{
	struct netmap_adapter *na = to_native(up);
	struct net_device *dev = na->info.dev;
	enum nm_dir d;
	int err = 0;
	u32 i;

	rtnl_lock();
	if (!on) {
		if (test_and_clear_bit(NAF_NETMAP_ON, &up->flags))
			nm_native_off(na, true);
		goto out;
	}
	err = -ENXIO;
	if (!na->attached)
		goto out;
	if (test_bit(NAF_ZOMBIE, &up->flags)) {
		/* Moved here while fds of its old namespace stay bound. */
		pr_info_ratelimited("netmap: %s: still bound in its previous network namespace; close those fds first\n",
				    up->name);
		err = -EBUSY;
		goto out;
	}
	err = -EINVAL;
	if (up->num_slots[NM_TX] != na->info.num_tx_slots ||
	    up->num_slots[NM_RX] != na->info.num_rx_slots) {
		pr_info("netmap: %s: rings of %u/%u slots do not fit the ring objects\n",
			up->name, na->info.num_tx_slots,
			na->info.num_rx_slots);
		goto out;
	}
	if (nm_mem_lut(up->mem)->objsize < na->info.rx_buf_size) {
		pr_info("netmap: %s: buffers of %u bytes, the device needs %u\n",
			up->name, nm_mem_lut(up->mem)->objsize,
			na->info.rx_buf_size);
		goto out;
	}
	err = -ENXIO;
	if (!try_module_get(na->info.owner))
		goto out;
	err = nm_mem_dma_map(up->mem, na->info.dma_dev, &na->dma);
	if (err)
		goto err_module;
	nm_for_each_dir(d)
		for (i = 0; i < nm_kring_count(up, d); i++)
			WRITE_ONCE(up->rings[d][i].state, netif_running(dev) ?
				   NM_KR_ON : NM_KR_STOPPED);
	err = nm_host_attach(up, dev);
	if (err)
		goto err_unmap;
	WRITE_ONCE(na->on, true);
	err = na->info.ops->reg(dev, true);
	if (err) {
		WRITE_ONCE(na->on, false);
		synchronize_net();
		nm_host_detach(up, dev);
		goto err_unmap;
	}
	set_bit(NAF_NETMAP_ON, &up->flags);
	goto out;

err_unmap:
	nm_mem_dma_unmap(&na->dma);
err_module:
	module_put(na->info.owner);
out:
	rtnl_unlock();
	return err;
}

/*
 * Another fd bound rings nobody used, or the last user of some left,
 * while in netmap mode: the driver reinitialises its rings as on entry,
 * so that netmap_reset() programs exactly the rings that exist and are
 * not being released.
 */
static int nm_native_rings_update(struct nm_adapter *up)
{
	struct netmap_adapter *na = to_native(up);
	int err = 0;

	rtnl_lock();
	if (test_bit(NAF_NETMAP_ON, &up->flags))
		err = na->info.ops->reg(na->info.dev, true);
	rtnl_unlock();
	return err;
}

static int nm_native_config(struct nm_adapter *up)
{
	struct netmap_adapter *na = to_native(up);
	struct netmap_native_info *info = &na->info;
	int err = 0;

	rtnl_lock();
	if (!na->attached) {
		err = -ENXIO;
		goto out;
	}
	/* No fd is bound: the ones from before a namespace move are gone. */
	clear_bit(NAF_ZOMBIE, &up->flags);
	if (info->ops->config) {
		err = info->ops->config(info->dev, info);
		if (err)
			goto out;
	}
	up->mtu = info->dev->mtu;
	up->num_rings[NM_TX] = clamp_t(u32, info->num_tx_rings, 1,
				       na->max_rings[NM_TX]);
	up->num_rings[NM_RX] = clamp_t(u32, info->num_rx_rings, 1,
				       na->max_rings[NM_RX]);
	up->num_slots[NM_TX] = info->num_tx_slots;
	up->num_slots[NM_RX] = info->num_rx_slots;
out:
	rtnl_unlock();
	return err;
}

static void nm_native_dtor(struct nm_adapter *up)
{
	struct netmap_adapter *na = to_native(up);
	enum nm_dir d;

	rtnl_lock();
	if (!list_empty(&na->entry))
		list_del_init(&na->entry);
	if (up->ifp)
		netdev_put(up->ifp, &up->dev_tracker);
	up->ifp = NULL;
	rtnl_unlock();
	nm_for_each_dir(d) {
		kfree(na->programmed[d]);
		kfree(na->hwofs[d]);
	}
	kfree(na);
}

static const struct nm_adapter_ops nm_native_ops = {
	.reg		= nm_native_reg,
	.txsync		= nm_native_txsync,
	.rxsync		= nm_native_rxsync,
	.config		= nm_native_config,
	.rings_update	= nm_native_rings_update,
	.dtor		= nm_native_dtor,
};

/* Frames queued for the host RX rings will never be read. */
static void nm_native_purge(struct nm_adapter *up)
{
	enum nm_dir d;
	u32 i;

	nm_for_each_dir(d)
		for (i = 0; i < nm_kring_count(up, d); i++)
			skb_queue_purge(&up->rings[d][i].rx_queue);
}

/*
 * The device is gone or going (rtnl held): make the port a zombie whose
 * syncs fail, leave netmap mode without calling the driver, whose device
 * is closed by now, and forget the device.
 */
static void nm_native_gone(struct netmap_adapter *na)
{
	struct nm_adapter *up = &na->up;

	ASSERT_RTNL();
	if (!na->attached)
		return;
	na->attached = false;
	set_bit(NAF_ZOMBIE, &up->flags);
	list_del_init(&na->entry);
	if (test_and_clear_bit(NAF_NETMAP_ON, &up->flags)) {
		nm_adapter_stop(up, NM_KR_ZOMBIE);
		nm_native_off(na, false);
		nm_native_purge(up);
	}
	netdev_put(up->ifp, &up->dev_tracker);
	up->ifp = NULL;
}

/*
 * The device moves to another network namespace (rtnl held; it was
 * closed first): the fds bound in the old one lose their rings, which
 * fail as for a vanished device, while the adapter stays the device's
 * for binds in the new namespace. Those would share the old fds' krings
 * and bring them back to life: the adapter stays a zombie, refusing
 * binds, until the last old fd is gone (nm_native_config() revives it).
 */
static void nm_native_moved(struct netmap_adapter *na)
{
	struct nm_adapter *up = &na->up;

	ASSERT_RTNL();
	if (!test_and_clear_bit(NAF_NETMAP_ON, &up->flags))
		return;
	set_bit(NAF_ZOMBIE, &up->flags);
	nm_adapter_stop(up, NM_KR_ZOMBIE);
	nm_native_off(na, true);
	nm_native_purge(up);
}

/**
 * nm_native_netdev_event() - netdev notifier events for native ports
 * @dev: the device
 * @event: NETDEV_*
 *
 * Context: rtnl held (netdev notifier).
 */
void nm_native_netdev_event(struct net_device *dev, unsigned long event)
{
	struct nm_adapter *up = nm_native_find(dev);

	if (!up)
		return;
	switch (event) {
	case NETDEV_UNREGISTER:
		if (READ_ONCE(dev->reg_state) == NETREG_UNREGISTERING)
			nm_native_gone(to_native(up));
		else
			nm_native_moved(to_native(up));
		break;
	case NETDEV_GOING_DOWN:
		if (test_bit(NAF_NETMAP_ON, &up->flags))
			nm_adapter_stop(up, NM_KR_STOPPED);
		break;
	case NETDEV_UP:
		if (test_bit(NAF_NETMAP_ON, &up->flags))
			nm_adapter_stop(up, NM_KR_ON);
		break;
	}
}

static bool nm_native_info_ok(const struct netmap_native_info *info)
{
	const struct netmap_native_ops *ops = info->ops;

	return info->dev && info->dma_dev && ops && ops->reg &&
	       ops->txsync && ops->rxsync &&
	       info->num_tx_rings >= 1 &&
	       info->num_tx_rings <= NM_NATIVE_MAX_RINGS &&
	       info->num_rx_rings >= 1 &&
	       info->num_rx_rings <= NM_NATIVE_MAX_RINGS &&
	       info->num_tx_slots >= 2 && info->num_rx_slots >= 2;
}

/**
 * netmap_attach() - give a registered net device a native netmap adapter
 * @info: the device, its rings and the driver's callbacks (copied)
 *
 * The ring counts given here are the most netmap will ever use; ->config
 * may lower them later. From now on, opening the port by the device's
 * name binds this adapter rather than the generic one (unless the admode
 * module parameter asks for generic).
 *
 * Context: process context, after register_netdev(); takes rtnl.
 * Return: the adapter, to pass to every other call, or an ERR_PTR():
 * -EINVAL for an incomplete @info, -ENOMEM.
 */
struct netmap_adapter *netmap_attach(const struct netmap_native_info *info)
{
	struct netmap_adapter *na;
	struct nm_adapter *up;
	enum nm_dir d;

	if (!nm_native_info_ok(info))
		return ERR_PTR(-EINVAL);
	na = kzalloc(sizeof(*na), GFP_KERNEL);
	if (!na)
		return ERR_PTR(-ENOMEM);
	na->info = *info;
	na->max_rings[NM_TX] = info->num_tx_rings;
	na->max_rings[NM_RX] = info->num_rx_rings;
	INIT_LIST_HEAD(&na->entry);
	nm_for_each_dir(d) {
		na->programmed[d] = kcalloc(na->max_rings[d], sizeof(bool),
					    GFP_KERNEL);
		na->hwofs[d] = kcalloc(na->max_rings[d], sizeof(u32),
				       GFP_KERNEL);
		if (!na->programmed[d] || !na->hwofs[d])
			goto err_free;
	}

	up = &na->up;
	nm_adapter_init(up, info->dev->name, &nm_native_ops);
	up->mem_default = nm_mem_get_global();
	up->mem = up->mem_default;
	up->rx_buf_maxsize = info->rx_buf_size;
	set_bit(NAF_HOST_RINGS, &up->flags);
	up->num_rings[NM_TX] = info->num_tx_rings;
	up->num_rings[NM_RX] = info->num_rx_rings;
	up->num_slots[NM_TX] = info->num_tx_slots;
	up->num_slots[NM_RX] = info->num_rx_slots;

	rtnl_lock();
	up->ifp = info->dev;
	netdev_hold(info->dev, &up->dev_tracker, GFP_KERNEL);
	list_add(&na->entry, &nm_native_list);
	na->attached = true;
	rtnl_unlock();
	if (nm_verbose)
		pr_info("netmap: %s: native adapter, %u/%u rings of %u/%u slots\n",
			up->name, info->num_tx_rings, info->num_rx_rings,
			info->num_tx_slots, info->num_rx_slots);
	return na;

err_free:
	nm_for_each_dir(d) {
		kfree(na->programmed[d]);
		kfree(na->hwofs[d]);
	}
	kfree(na);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(netmap_attach);

/**
 * netmap_detach() - the driver forgets its adapter
 * @na: from netmap_attach(), or an ERR_PTR or NULL (nothing is done)
 *
 * Call it after unregister_netdev(), so that the device is closed. Fds
 * still bound to the port keep it as a zombie (syncs fail, poll reports
 * POLLERR) until they are closed; the driver is never called again.
 *
 * Context: process context; takes netmap's core lock and rtnl.
 */
void netmap_detach(struct netmap_adapter *na)
{
	if (IS_ERR_OR_NULL(na))
		return;
	mutex_lock(&nm_core_lock);
	rtnl_lock();
	nm_native_gone(na);
	rtnl_unlock();
	nm_adapter_put(&na->up);
	mutex_unlock(&nm_core_lock);
}
EXPORT_SYMBOL_GPL(netmap_detach);

/**
 * netmap_active() - is the port in netmap mode?
 * @na: the adapter, or NULL
 *
 * Context: any.
 * Return: true between a successful ->reg(on) and ->reg(off).
 */
bool netmap_active(const struct netmap_adapter *na)
{
	return na && READ_ONCE(na->on);
}
EXPORT_SYMBOL_GPL(netmap_active);

/**
 * netmap_reset() - the driver (re)initialises a hardware ring
 * @na: the adapter, or NULL
 * @dir: NETMAP_TX or NETMAP_RX
 * @qid: ring index
 * @num_desc: descriptors in the hardware ring now; 0 if the driver cannot
 *	use netmap buffers on this ring in its current configuration
 * @s: filled when the ring is to use netmap buffers
 *
 * Call it from the ring setup path (device open, reset, ->reg). In
 * netmap mode, the ring's slots in @s are the buffers to program: TX
 * starts empty at slot @s->hwcur (descriptor 0), frames queued but not
 * confirmed before the reset are given back to the application; RX
 * programs the free slots [@s->hwtail, @s->hwcur - 1) into descriptors
 * 0.., keeping frames already received. Waits for a sync running on the
 * ring.
 *
 * Context: process context.
 * Return: true if the ring must use the netmap buffers of @s, false if
 * the driver uses its own (not in netmap mode, no fd binds the ring or
 * its last fd is leaving, or the ring no longer has the size netmap mode
 * was entered with).
 */
bool netmap_reset(struct netmap_adapter *na, enum netmap_ring_dir dir,
		  u32 qid, u32 num_desc, struct netmap_sync *s)
{
	struct nm_kring *kring;
	u32 n;

	if (!na || qid >= na->max_rings[dir])
		return false;
	if (!READ_ONCE(na->on) || qid >= na->up.num_rings[dir])
		goto off;
	kring = &na->up.rings[dir][qid];
	mutex_lock(&kring->sync_lock);
	/* Not bound, or its last user is leaving (the ring goes next). */
	if (!kring->ring || !READ_ONCE(kring->on)) {
		mutex_unlock(&kring->sync_lock);
		goto off;
	}
	n = kring->num_slots;
	if (num_desc != n) {
		mutex_unlock(&kring->sync_lock);
		pr_warn_ratelimited("netmap: %s: ring of %u descriptors, netmap has %u slots: not in netmap mode\n",
				    kring->name, num_desc, n);
		goto off;
	}
	if (dir == NETMAP_TX) {
		kring->hwtail = nm_prev(kring->hwcur, n);
		na->hwofs[dir][qid] = kring->hwcur;
	} else {
		na->hwofs[dir][qid] = kring->hwtail;
	}
	nm_native_sync_init(s, na, kring, 0);
	WRITE_ONCE(na->programmed[dir][qid], true);
	mutex_unlock(&kring->sync_lock);
	return true;

off:
	WRITE_ONCE(na->programmed[dir][qid], false);
	return false;
}
EXPORT_SYMBOL_GPL(netmap_reset);

static bool nm_native_irq(struct netmap_adapter *na, enum nm_dir d, u32 qid)
{
	if (!na || qid >= na->max_rings[d] ||
	    !READ_ONCE(na->programmed[d][qid]))
		return false;
	/* Krings exist while on; teardown waits for us (synchronize_net). */
	rcu_read_lock();
	if (READ_ONCE(na->on) && qid < na->up.num_rings[d])
		nm_kring_notify(&na->up.rings[d][qid]);
	rcu_read_unlock();
	return true;
}

/**
 * netmap_tx_irq() - a TX ring's completion interrupt (or NAPI poll)
 * @na: the adapter, or NULL
 * @qid: ring index
 *
 * Wakes the fds waiting on the ring.
 *
 * Context: any, including hard IRQ.
 * Return: true if the ring holds netmap buffers: the driver must not
 * clean it; false: process it as usual.
 */
bool netmap_tx_irq(struct netmap_adapter *na, u32 qid)
{
	return nm_native_irq(na, NM_TX, qid);
}
EXPORT_SYMBOL_GPL(netmap_tx_irq);

/**
 * netmap_rx_irq() - an RX ring's interrupt (or NAPI poll)
 * @na: the adapter, or NULL
 * @qid: ring index
 *
 * Wakes the fds waiting on the ring; they collect the frames in rxsync.
 *
 * Context: any, including hard IRQ.
 * Return: true if the ring holds netmap buffers: the driver must not
 * clean it (report no work done); false: process it as usual.
 */
bool netmap_rx_irq(struct netmap_adapter *na, u32 qid)
{
	return nm_native_irq(na, NM_RX, qid);
}
EXPORT_SYMBOL_GPL(netmap_rx_irq);

/**
 * netmap_xmit() - a frame from the stack, in the driver's xmit hook
 * @na: the adapter, or NULL
 * @skb: the frame
 *
 * In netmap mode the device's rings belong to netmap: the frame goes to
 * the host RX ring if an fd binds it (the egress hook usually takes such
 * frames earlier; this catches those that skip it), else it is dropped
 * and counted there.
 *
 * Context: the driver's ndo_start_xmit (BH disabled).
 * Return: true if @skb was consumed (return NETDEV_TX_OK), false if the
 * driver transmits it as usual.
 */
bool netmap_xmit(struct netmap_adapter *na, struct sk_buff *skb)
{
	struct nm_kring *kring;
	u32 q;

	if (!na || !READ_ONCE(na->on))
		return false;
	q = skb_get_queue_mapping(skb) % na->up.num_host_rings[NM_RX];
	kring = &na->up.rings[NM_RX][na->up.num_rings[NM_RX] + q];
	if (READ_ONCE(kring->on)) {
		nm_gen_rx_enqueue(kring, skb, true);
	} else {
		atomic64_inc(&kring->drops);
		dev_kfree_skb_any(skb);
	}
	return true;
}
EXPORT_SYMBOL_GPL(netmap_xmit);

/**
 * netmap_buf() - kernel and bus address of a buffer named by a slot
 * @s: the sync in progress (or from netmap_reset())
 * @idx: buf_idx as read (once) from the slot
 * @dma: set to the bus address to program; for a bad @idx, that of
 *	buffer 0, which is reserved, mapped and harmless to use
 *
 * Context: during a sync or after netmap_reset(), while in netmap mode.
 * Return: the kernel address, or NULL if @idx is not a valid buffer.
 */
void *netmap_buf(const struct netmap_sync *s, u32 idx, dma_addr_t *dma)
{
	const struct nm_mem_lut *lut = nm_mem_lut(s->na->up.mem);

	if (!nm_buf_idx_valid(lut, idx)) {
		*dma = nm_mem_dma_addr(&s->na->dma, 0);
		return NULL;
	}
	*dma = nm_mem_dma_addr(&s->na->dma, idx);
	return lut->vaddr[idx];
}
EXPORT_SYMBOL_GPL(netmap_buf);

/**
 * netmap_buf_size() - size of every buffer
 * @s: the sync in progress
 *
 * Context: as netmap_buf().
 * Return: bytes; a slot's len must be checked against it.
 */
u32 netmap_buf_size(const struct netmap_sync *s)
{
	return nm_mem_lut(s->na->up.mem)->objsize;
}
EXPORT_SYMBOL_GPL(netmap_buf_size);

/**
 * netmap_sync_for_device() - hand a buffer's contents to the device
 * @s: the sync in progress
 * @dma: from netmap_buf()
 * @len: bytes the device will read or write
 *
 * Context: as netmap_buf().
 */
void netmap_sync_for_device(const struct netmap_sync *s, dma_addr_t dma,
			    u32 len)
{
	dma_sync_single_for_device(s->na->info.dma_dev, dma, len,
				   DMA_BIDIRECTIONAL);
}
EXPORT_SYMBOL_GPL(netmap_sync_for_device);

/**
 * netmap_sync_for_cpu() - take a buffer the device wrote back
 * @s: the sync in progress
 * @dma: from netmap_buf()
 * @len: bytes the device wrote
 *
 * Context: as netmap_buf().
 */
void netmap_sync_for_cpu(const struct netmap_sync *s, dma_addr_t dma,
			 u32 len)
{
	dma_sync_single_for_cpu(s->na->info.dma_dev, dma, len,
				DMA_BIDIRECTIONAL);
}
EXPORT_SYMBOL_GPL(netmap_sync_for_cpu);
