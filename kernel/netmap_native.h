/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native-adapter API: what a network driver calls to let netmap
 * rings drive its descriptor rings directly.
 *
 * A driver describes its device once (netmap_attach(), after
 * register_netdev()) and forgets it when it goes (netmap_detach(), after
 * unregister_netdev()). When the first netmap fd binds the port, netmap
 * maps the buffer pool for the driver's DMA device and calls ->reg(on):
 * the driver quiesces its rings, and from its ring (re)initialisation
 * path calls netmap_reset() for each ring, which returns the netmap slots
 * to program (false: not in netmap mode, use the driver's own buffers).
 * From then on:
 *
 *  - ->txsync / ->rxsync are called, one at a time per ring, with a
 *    struct netmap_sync describing what the application released;
 *  - the driver's interrupt/NAPI paths call netmap_tx_irq() and
 *    netmap_rx_irq(); true means "netmap woke its pollers, do not
 *    process the ring";
 *  - frames the stack hands to ->ndo_start_xmit go to netmap_xmit(),
 *    which delivers them to the host RX ring (or drops them);
 *  - the driver gets buffer addresses with netmap_buf(), which checks the
 *    index the application wrote: a bad index never reaches the device
 *    (it gives buffer 0, a reserved buffer that is always mapped).
 *
 * When fds bind rings nobody had bound, or the last fd of some rings
 * leaves, while others stay, ->reg(on) is called again: the driver
 * reinitialises its rings as on entry. The last fd leaving calls
 * ->reg(off): the driver goes back to its own buffers, then netmap unmaps
 * the pool.
 *
 * Slot and descriptor indices: the ring of netmap slot k is programmed
 * into descriptor (k - hwofs) mod n, where hwofs is what netmap_reset()
 * returned for that ring; netmap_idx_k2n() / netmap_idx_n2k() convert.
 */
#ifndef _NETMAP_NATIVE_H
#define _NETMAP_NATIVE_H

#include <linux/dma-mapping.h>
#include <linux/netdevice.h>
#include <linux/netmap.h>

struct netmap_adapter;
struct netmap_native_info;

enum netmap_ring_dir {
	NETMAP_TX = 0,
	NETMAP_RX = 1,
};

/* netmap_sync.flags */
#define NETMAP_SYNC_FORCE	BIT(0)	/* ioctl: reclaim / look for packets */

/**
 * struct netmap_sync - one ring, as a txsync/rxsync sees it
 * @na: the adapter
 * @slot: the shared ring's slots; buf_idx, len and flags are written by
 *	the application at any time: read each once and check it
 *	(netmap_buf() does that for buf_idx)
 * @num_slots: slots in the ring, equal to the hardware ring's size
 * @qid: the ring's index
 * @hwofs: from the last netmap_reset() of this ring
 * @head: slots before it (from @hwcur) were released by the application;
 *	validated by the core, read-only for the driver
 * @hwcur: in/out. TX: first slot not yet handed to the device; RX: first
 *	slot the application had not released
 * @hwtail: in/out. TX: the slot before the first one still owned by the
 *	device; RX: one past the last received slot
 * @flags: NETMAP_SYNC_*
 *
 * TX sync: program descriptors for [@hwcur, @head), set @hwcur = @head,
 * then advance @hwtail over completed slots. RX sync: report received
 * frames from @hwtail on (slot len, NS_MOREFRAG for all but a frame's
 * last slot), at most up to the slot before @hwcur, and hand the
 * released slots [@hwcur, @head) back to the device, @hwcur = @head.
 */
struct netmap_sync {
	struct netmap_adapter *na;
	struct netmap_slot *slot;
	u32 num_slots;
	u32 qid;
	u32 hwofs;
	u32 head;
	u32 hwcur;
	u32 hwtail;
	int flags;
};

/**
 * struct netmap_native_ops - driver callbacks
 * @reg: enter (@on true) or leave netmap mode: quiesce the rings and
 *	reinitialise them (calling netmap_reset()). Called in process
 *	context with rtnl held; the buffers are mapped for DMA before
 *	@on = true and unmapped only after @on = false returned. Return 0 or
 *	a negative errno (then netmap mode is not entered). Also called
 *	with @on true while already in netmap mode, when fds bind rings
 *	nobody had bound or the last fd of some rings leaves: reinitialise
 *	every ring again the same way; netmap_reset() tells which rings use
 *	netmap buffers from now on (a ring being released must stop using
 *	them before @reg returns: its buffers are freed next).
 * @txsync: see struct netmap_sync. Called in process context, one at a
 *	time per ring. Return 0, or a negative errno (the ring is not
 *	updated).
 * @rxsync: see struct netmap_sync; same context and return.
 * @config: refresh ring counts and sizes in @info (may be NULL). Called
 *	in process context with rtnl held while no fd is bound.
 */
struct netmap_native_ops {
	int (*reg)(struct net_device *dev, bool on);
	int (*txsync)(struct net_device *dev, struct netmap_sync *s);
	int (*rxsync)(struct net_device *dev, struct netmap_sync *s);
	int (*config)(struct net_device *dev,
		      struct netmap_native_info *info);
};

/**
 * struct netmap_native_info - what a driver tells netmap about its device
 * @dev: the registered net device
 * @dma_dev: the device whose DMA reaches the buffers (&pdev->dev)
 * @owner: the driver module; pinned while the port is in netmap mode
 * @ops: callbacks
 * @num_tx_rings: hardware TX rings netmap may use
 * @num_rx_rings: hardware RX rings
 * @num_tx_slots: descriptors per TX ring
 * @num_rx_slots: descriptors per RX ring
 * @rx_buf_size: bytes the device may write per RX descriptor: netmap
 *	refuses to enter netmap mode with smaller buffers
 */
struct netmap_native_info {
	struct net_device *dev;
	struct device *dma_dev;
	struct module *owner;
	const struct netmap_native_ops *ops;
	u32 num_tx_rings;
	u32 num_rx_rings;
	u32 num_tx_slots;
	u32 num_rx_slots;
	u32 rx_buf_size;
};

struct netmap_adapter *netmap_attach(const struct netmap_native_info *info);
void netmap_detach(struct netmap_adapter *na);
bool netmap_active(const struct netmap_adapter *na);
bool netmap_reset(struct netmap_adapter *na, enum netmap_ring_dir dir,
		  u32 qid, u32 num_desc, struct netmap_sync *s);
bool netmap_tx_irq(struct netmap_adapter *na, u32 qid);
bool netmap_rx_irq(struct netmap_adapter *na, u32 qid);
bool netmap_xmit(struct netmap_adapter *na, struct sk_buff *skb);
void *netmap_buf(const struct netmap_sync *s, u32 idx, dma_addr_t *dma);
u32 netmap_buf_size(const struct netmap_sync *s);
void netmap_sync_for_device(const struct netmap_sync *s, dma_addr_t dma,
			    u32 len);
void netmap_sync_for_cpu(const struct netmap_sync *s, dma_addr_t dma,
			 u32 len);

/* Descriptor index of slot @k of a ring of @n slots (see the top). */
static inline u32 netmap_idx_k2n(const struct netmap_sync *s, u32 k)
{
	return k >= s->hwofs ? k - s->hwofs : k + s->num_slots - s->hwofs;
}

/* Slot index of descriptor @nic. */
static inline u32 netmap_idx_n2k(const struct netmap_sync *s, u32 nic)
{
	u32 k = nic + s->hwofs;

	return k >= s->num_slots ? k - s->num_slots : k;
}

static inline u32 netmap_next(u32 i, u32 n)
{
	return i + 1 == n ? 0 : i + 1;
}

static inline u32 netmap_prev(u32 i, u32 n)
{
	return i == 0 ? n - 1 : i - 1;
}

#endif /* _NETMAP_NATIVE_H */
