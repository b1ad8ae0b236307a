/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Core objects of the netmap module and the rules that protect them.
 *
 * An *adapter* is anything a process can bind: a netdev through the
 * generic (emulated) adapter today, and pipes, host rings, monitors, null
 * ports and native drivers as they land. Each adapter type provides a
 * struct nm_adapter_ops; the core never looks inside a type.
 *
 * A *kring* is the kernel's view of one shared ring. An adapter has
 * num_rings[d] hardware krings plus num_host_rings[d] host krings per
 * direction d, stored back to back in rings[d]; ports without host rings
 * still get one "fake" host kring per direction so that the netmap_if
 * layout is the one applications expect.
 *
 * An fd (struct nm_priv) binds one adapter and a half-open range of
 * krings per direction; it owns a netmap_if in the allocator.
 *
 * Locking, outermost first:
 *  - nm_core_lock (mutex): binding, unbinding, adapter lookup/creation,
 *    kring creation/deletion, kring->users, adapter->active_fds.
 *  - rtnl_lock: attaching to and detaching from a netdev (rx_handler),
 *    the netdev -> adapter table, adapter->ifp, NAF_NETMAP_ON, NAF_ZOMBIE.
 *    The netdev notifier runs under rtnl only and never takes nm_core_lock.
 *  - kring->sync_lock (mutex): one sync at a time per ring (ioctl, poll);
 *    the teardown paths take it to wait for a running sync. Nothing that
 *    holds it takes rtnl or nm_core_lock.
 *  - kring->rx_queue.lock (spinlock, BH/IRQ safe): generic RX queue.
 */
#ifndef _NETMAP_KERN_H
#define _NETMAP_KERN_H

#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/poll.h>
#include <linux/skbuff.h>
#include <linux/wait.h>
#include <linux/netmap.h>

#include "nm_mem.h"

enum nm_dir {
	NM_TX = 0,
	NM_RX = 1,
	NM_DIRS = 2,
};

#define nm_for_each_dir(d) for ((d) = NM_TX; (d) < NM_DIRS; (d)++)

/* Every kring index i of direction d in the ranges [first[d], last[d]). */
#define nm_for_each_bound(d, i, first, last)			\
	nm_for_each_dir(d)					\
		for ((i) = (first)[d]; (i) < (last)[d]; (i)++)

/* kring->state: may a sync run on this ring? (READ_ONCE/WRITE_ONCE) */
enum nm_kr_state {
	NM_KR_ON,		/* normal operation */
	NM_KR_STOPPED,		/* link down: syncs succeed but move nothing */
	NM_KR_ZOMBIE,		/* device gone: syncs fail with -EIO */
};

/* Flags passed to the adapter's txsync/rxsync. */
#define NM_SYNC_FORCE_READ	BIT(0)	/* NIOCRXSYNC: look for new packets */
#define NM_SYNC_FORCE_RECLAIM	BIT(1)	/* NIOCTXSYNC: reclaim completions */

struct nm_adapter;
struct nm_gen_txc;

struct nm_kring {
	struct netmap_ring *ring;	/* shared ring, NULL if not allocated */
	struct nm_adapter *na;
	u32 num_slots;
	u32 id;				/* index inside its direction */
	enum nm_dir dir;
	bool host;			/* a host kring (fake unless the
					 * adapter has host rings) */

	/* Authoritative kernel indices, under sync_lock. */
	u32 hwcur;
	u32 hwtail;
	/* Last validated copies of the user's head/cur and the published tail. */
	u32 rhead;
	u32 rcur;
	u32 rtail;

	bool err;			/* a bad head/cur was repaired since the
					 * last poll: report POLLERR once */
	int users;			/* fds bound (nm_core_lock) */
	bool exclusive;			/* bound with NR_EXCLUSIVE (nm_core_lock) */
	bool on;			/* in netmap mode: receives traffic
					 * (written under nm_core_lock,
					 * read locklessly by datapaths) */
	int state;			/* enum nm_kr_state */

	struct mutex sync_lock;
	wait_queue_head_t wq;
	struct nm_mem_lut lut;		/* cached at ring creation */

	/* Generic adapter (nm_generic.c). */
	struct sk_buff_head rx_queue;	/* received, not yet in the ring */
	struct nm_gen_txc *txc;		/* TX completion tracking */
	u32 tx_inflight;		/* sent, completion pending (sync_lock) */
	atomic64_t drops;		/* packets lost at this ring */
	struct hrtimer rx_mit;		/* generic RX: deferred wakeup, set up
					 * for hardware RX rings only */
	atomic_t rx_mit_armed;		/* rx_mit pending: set by the
					 * rx_handler, cleared by the timer */

	/* Monitors of this ring (nm_monitor.c): changed under nm_core_lock
	 * and sync_lock, walked under sync_lock. */
	struct list_head monitors;
	u32 mon_txpos;			/* TX slots before it already copied */

	char name[NETMAP_REQ_IFNAMSIZ + 16];
};

/**
 * struct nm_adapter_ops - what an adapter type provides to the core
 * @reg: enter (@on true) or leave netmap mode. Called under nm_core_lock
 *	when the first fd binds and after the last fd unbinds.
 * @txsync: push slots [hwcur, rhead) to the device, reclaim completed
 *	ones, update hwcur/hwtail. Called under kring->sync_lock.
 * @rxsync: give back slots [hwcur, rhead), append new packets at hwtail.
 *	Called under kring->sync_lock.
 * @config: refresh ring and slot counts from the device (may be NULL).
 *	Called under nm_core_lock while no fd is bound.
 * @rings_update: the set of krings with a ring changed while in netmap
 *	mode (may be NULL): another fd bound rings nobody used, or the last
 *	user of some rings left. Rings being released have ->on false and
 *	still exist, so the adapter can stop using them before they are
 *	freed. Called under nm_core_lock.
 * @krings_create: type-specific kring setup after the arrays exist.
 * @krings_delete: undo @krings_create.
 * @dtor: release type-specific state when the last reference goes.
 */
struct nm_adapter_ops {
	int (*reg)(struct nm_adapter *na, bool on);
	int (*txsync)(struct nm_kring *kring, int flags);
	int (*rxsync)(struct nm_kring *kring, int flags);
	int (*config)(struct nm_adapter *na);
	int (*rings_update)(struct nm_adapter *na);
	int (*krings_create)(struct nm_adapter *na);
	void (*krings_delete)(struct nm_adapter *na);
	void (*dtor)(struct nm_adapter *na);
};

/* adapter->flags (atomic bitops) */
enum {
	NAF_NETMAP_ON,		/* reg(on) succeeded (rtnl for netdevs) */
	NAF_ZOMBIE,		/* backing device went away */
	NAF_HOST_RINGS,		/* the adapter has real host rings */
	NAF_NO_ZMON,		/* txsync swaps buffers out of the slots it
				 * sends: no zero-copy monitor */
};

struct nm_adapter {
	char name[NETMAP_REQ_IFNAMSIZ];
	struct kref ref;
	const struct nm_adapter_ops *ops;
	unsigned long flags;

	u32 num_rings[NM_DIRS];		/* hardware rings */
	u32 num_host_rings[NM_DIRS];	/* host krings (>= 1, maybe fake) */
	u32 num_slots[NM_DIRS];
	u32 rx_buf_maxsize;
	u32 mtu;			/* of the device at config time, or 0 */

	struct nm_kring *rings[NM_DIRS];	/* nm_core_lock */
	wait_queue_head_t si[NM_DIRS];		/* fds bound to many rings */
	int active_fds;				/* nm_core_lock */

	struct nm_mem *mem;		/* in use while active_fds > 0 */
	struct nm_mem *mem_default;	/* restored when the last fd leaves */

	/* Netdev-backed adapters (rtnl). */
	struct nf_hook_ops *host_hook;	/* egress hook feeding host RX */
	struct net_device *ifp;
	netdevice_tracker dev_tracker;
	struct list_head dev_entry;	/* in the netdev -> adapter table */
};

static inline u32 nm_kring_count(const struct nm_adapter *na, enum nm_dir d)
{
	return na->num_rings[d] + na->num_host_rings[d];
}

/* Per-fd state. */
struct nm_priv {
	struct nm_adapter *na;		/* published once (release) by
					 * nm_bind_publish(), never cleared
					 * before the fd is released */
	struct nm_adapter *bound;	/* nm_core_lock: the binding, also
					 * while not yet published */
	struct nm_mem *mem;
	struct netmap_if *nifp;
	u32 first[NM_DIRS];		/* bound kring range [first, last) */
	u32 last[NM_DIRS];
	u64 nr_flags;
};

/* Circular-index helpers for a ring of @n slots. */
static inline u32 nm_next(u32 i, u32 n)
{
	return unlikely(i + 1 == n) ? 0 : i + 1;
}

static inline u32 nm_prev(u32 i, u32 n)
{
	return unlikely(i == 0) ? n - 1 : i - 1;
}

/* Number of slots from @from forward to @to. Both must be < @n. */
static inline u32 nm_dist(u32 from, u32 to, u32 n)
{
	return to >= from ? to - from : to + n - from;
}

/* main.c: module parameters */
extern int nm_verbose;
extern int nm_no_timestamp;
extern int nm_admode;
extern int nm_generic_ringsize;
extern int nm_fwd;
extern int nm_group;

#define NM_ADMODE_BEST		0
#define NM_ADMODE_NATIVE	1
#define NM_ADMODE_GENERIC	2

/* nm_adapter.c */
extern struct mutex nm_core_lock;
void nm_adapter_init(struct nm_adapter *na, const char *name,
		     const struct nm_adapter_ops *ops);
struct nm_adapter *nm_adapter_get(struct nm_adapter *na);
void nm_adapter_put(struct nm_adapter *na);
int nm_adapter_capable(struct nm_adapter *na);
struct nm_adapter *nm_adapter_lookup(struct net *net, const char *name,
				     bool create,
				     const struct nmreq_register *req);
int nm_bind(struct nm_priv *priv, struct nmreq_header *hdr,
	    struct nmreq_register *req);
void nm_bind_publish(struct nm_priv *priv);
void nm_unbind(struct nm_priv *priv);
int nm_port_info(struct net *net, struct nmreq_header *hdr,
		 struct nmreq_port_info_get *req);
int nm_pools_info(struct net *net, struct nmreq_header *hdr,
		  struct nmreq_pools_info *req);
void nm_kring_notify(struct nm_kring *kring);
void nm_adapter_stop(struct nm_adapter *na, int state);

/* nm_sync.c */
int nm_sync_ioctl(struct nm_priv *priv, enum nm_dir dir);
__poll_t nm_sync_poll(struct nm_priv *priv, struct file *file,
		      poll_table *wait);

/* nm_ctrl.c and nm_legacy.c */
long nm_ctrl_ioctl(struct nm_priv *priv, void __user *uarg);
long nm_legacy_ioctl(struct nm_priv *priv, unsigned int cmd,
		     void __user *uarg);
int nm_ctrl_dispatch(struct nm_priv *priv, struct nmreq_header *hdr,
		     void *body);

/* nm_dev.c */
int nm_dev_init(void);
void nm_dev_uninit(void);

/* nm_netdev.c: netdev -> adapter table and notifier */
int nm_netdev_init(void);
void nm_netdev_uninit(void);
struct nm_adapter *nm_netdev_find(struct net_device *dev);
void nm_netdev_add(struct nm_adapter *na, struct net_device *dev);
void nm_netdev_del(struct nm_adapter *na);
void nm_netdev_for_each(void (*fn)(struct nm_adapter *na, void *arg),
			void *arg);

/* nm_debugfs.c */
void nm_debugfs_init(void);
void nm_debugfs_uninit(void);

/* nm_generic.c */
struct nm_adapter *nm_generic_create(struct net_device *dev);
void nm_generic_detach(struct nm_adapter *na);
int nm_generic_init(void);
void nm_generic_uninit(void);
void nm_gen_rx_enqueue(struct nm_kring *kring, struct sk_buff *skb,
		       bool tx_path);
bool nm_gen_skb_is_ours(const struct sk_buff *skb);

/* nm_host.c: host rings of netdev adapters */
#define NM_HOST_RINGS_MAX	16
int nm_host_attach(struct nm_adapter *na, struct net_device *dev);
void nm_host_detach(struct nm_adapter *na, struct net_device *dev);
int nm_host_txsync(struct nm_kring *kring, int flags);
void nm_host_inject(struct nm_kring *kring, struct net_device *dev,
		    const struct netmap_slot *slot);
u32 nm_host_forward_to_nic(struct nm_kring *hk);
bool nm_host_skb_is_injected(const struct sk_buff *skb);
void nm_host_uninit(void);

/* nm_native.c: adapters of drivers using netmap_native.h */
struct nm_adapter *nm_native_find(struct net_device *dev);
void nm_native_netdev_event(struct net_device *dev, unsigned long event);
void nm_native_for_each(void (*fn)(struct nm_adapter *na, void *arg),
			void *arg);

/* nm_pipe.c */
struct nm_adapter *nm_pipe_lookup(struct net *net, const char *name,
				  const struct nmreq_register *req);

/* nm_monitor.c */
struct nm_adapter *nm_monitor_create(struct net *net, const char *name,
				     const struct nmreq_register *req);
int nm_monitor_sync(struct nm_kring *kring, int flags);
void nm_monitor_parent_off(struct nm_adapter *na);

/* A sync of @kring, through its monitors if it has any. */
static inline int nm_kring_ops_sync(struct nm_kring *kring, int flags)
{
	const struct nm_adapter_ops *ops = kring->na->ops;

	if (unlikely(!list_empty(&kring->monitors)))
		return nm_monitor_sync(kring, flags);
	return kring->dir == NM_TX ? ops->txsync(kring, flags) :
				     ops->rxsync(kring, flags);
}

/* nm_null.c */
struct nm_adapter *nm_null_create(const char *name,
				  const struct nmreq_register *req,
				  struct nm_mem *mem);

#endif /* _NETMAP_KERN_H */
