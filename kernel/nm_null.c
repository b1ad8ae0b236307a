// SPDX-License-Identifier: GPL-2.0
/*
 * Null ports (NR_REG_NULL): rings and buffers on an existing allocator,
 * connected to nothing. Applications use them to reserve memory in an
 * allocator, or as a sink: TX slots are consumed and free again at once,
 * RX never receives anything.
 *
 * Every REGISTER makes a port of its own, named after nr_name (which is
 * not looked up), with the request's ring and slot counts (0 rings is
 * allowed; slot counts are bounded by the core as for any port) and the
 * allocator nr_mem_id, which is mandatory.
 */
#include <linux/slab.h>

#include "netmap_kern.h"

#define NM_NULL_MAX_RINGS	256

struct nm_null {
	struct nm_adapter up;
};

static int nm_null_reg(struct nm_adapter *na, bool on)
{
	if (on)
		set_bit(NAF_NETMAP_ON, &na->flags);
	else
		clear_bit(NAF_NETMAP_ON, &na->flags);
	return 0;
}

/* Everything released is sent and completed in the same breath. */
static int nm_null_txsync(struct nm_kring *kring, int flags)
{
	kring->hwcur = kring->rhead;
	kring->hwtail = nm_prev(kring->rhead, kring->num_slots);
	return 0;
}

static int nm_null_rxsync(struct nm_kring *kring, int flags)
{
	kring->hwcur = kring->rhead;
	return 0;
}

static void nm_null_dtor(struct nm_adapter *na)
{
	kfree(container_of(na, struct nm_null, up));
}

static const struct nm_adapter_ops nm_null_ops = {
	.reg		= nm_null_reg,
	.txsync		= nm_null_txsync,
	.rxsync		= nm_null_rxsync,
	.dtor		= nm_null_dtor,
};

/**
 * nm_null_create() - a new null port
 * @name: port name, used as is
 * @req: the REGISTER request: ring and slot counts per direction
 * @mem: the allocator named by nr_mem_id, or NULL if the request gave none
 *
 * Context: process context, nm_core_lock held.
 * Return: the adapter with one reference; ERR_PTR(-EINVAL) without an
 * allocator; ERR_PTR(-ENOMEM).
 */
struct nm_adapter *nm_null_create(const char *name,
				  const struct nmreq_register *req,
				  struct nm_mem *mem)
{
	struct nm_adapter *na;
	struct nm_null *nna;

	lockdep_assert_held(&nm_core_lock);
	if (!mem)
		return ERR_PTR(-EINVAL);
	nna = kzalloc(sizeof(*nna), GFP_KERNEL);
	if (!nna)
		return ERR_PTR(-ENOMEM);
	na = &nna->up;
	nm_adapter_init(na, name, &nm_null_ops);
	na->mem_default = nm_mem_get(mem);
	na->mem = na->mem_default;
	na->num_rings[NM_TX] = min_t(u32, req->nr_tx_rings, NM_NULL_MAX_RINGS);
	na->num_rings[NM_RX] = min_t(u32, req->nr_rx_rings, NM_NULL_MAX_RINGS);
	na->num_slots[NM_TX] = req->nr_tx_slots;
	na->num_slots[NM_RX] = req->nr_rx_slots;
	return na;
}
