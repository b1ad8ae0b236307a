/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/netmap.h>: the netmap API 14 kernel interface as userspace programs
 * see it, at the path upstream netmap installs it.
 *
 * The structures, constants and ioctls come from our uapi header
 * <linux/netmap.h> (include/uapi/linux/netmap.h in the source tree). This
 * wrapper adds what upstream's net/netmap.h gives applications on top:
 *
 *  - ring->ts has type struct timeval (NETMAP_RING_TIMEVAL is set before
 *    the uapi header is read; if the uapi header was included first it is
 *    struct netmap_timeval, which has the same layout and member names);
 *  - IFNAMSIZ, from <net/if.h>, and the fixed-width integer types;
 *  - nm_ring_empty(), the memory barriers and the CSB accessors.
 *
 * Install layout (both relative to the include directory, e.g.
 * /usr/local/include):
 *	include/uapi/linux/netmap.h	-> linux/netmap.h
 *	userspace/include/net/netmap*.h -> net/
 * In the source tree, compile with -Iuserspace/include -Iinclude/uapi.
 */
#ifndef _NET_NETMAP_H_
#define _NET_NETMAP_H_

#include <stdint.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>

#ifndef NETMAP_RING_TIMEVAL
#define NETMAP_RING_TIMEVAL struct timeval
#endif

#include <linux/netmap.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RX: nothing to read. TX: no free slot. */
static inline int nm_ring_empty(const struct netmap_ring *ring)
{
	return ring->head == ring->tail;
}

/* Order earlier stores before later stores. */
static inline void nm_stst_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/* Order earlier loads before later loads. */
static inline void nm_ldld_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/*
 * CSB, application side: publish cur, then head. The kernel reads head
 * first, so it never sees a head that is ahead of the cur it then reads.
 */
static inline void nm_sync_kloop_appl_write(struct nm_csb_atok *atok,
					    uint32_t cur, uint32_t head)
{
	nm_stst_barrier();
	__atomic_store_n(&atok->cur, cur, __ATOMIC_RELAXED);
	nm_stst_barrier();
	__atomic_store_n(&atok->head, head, __ATOMIC_RELAXED);
}

/* CSB, application side: read hwtail, then hwcur (the kernel's order). */
static inline void nm_sync_kloop_appl_read(struct nm_csb_ktoa *ktoa,
					   uint32_t *hwtail, uint32_t *hwcur)
{
	*hwtail = __atomic_load_n(&ktoa->hwtail, __ATOMIC_RELAXED);
	nm_ldld_barrier();
	*hwcur = __atomic_load_n(&ktoa->hwcur, __ATOMIC_RELAXED);
	nm_ldld_barrier();
}

#ifdef __cplusplus
}
#endif

#endif /* _NET_NETMAP_H_ */
