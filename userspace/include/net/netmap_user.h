/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/netmap_user.h>: helpers for programs that use netmap rings.
 *
 * Always available: macros that turn the offsets of the shared region into
 * pointers (NETMAP_IF, NETMAP_TXRING, NETMAP_RXRING, NETMAP_BUF, ...), ring
 * index arithmetic (nm_ring_next, nm_ring_space, nm_tx_pending) and the
 * debug macros ND, D and RD.
 *
 * With NETMAP_WITH_LIBS defined before the first inclusion: the legacy
 * pcap-like library (nm_open, nm_close, nm_mmap, nm_inject, nm_dispatch,
 * nm_nextpkt). It is header-only on purpose: libpcap, QEMU and others
 * include this file and link no netmap library. Every function is
 * static inline, so any number of translation units (C or C++) may
 * include it without duplicate symbols or unused-function warnings.
 *
 * As upstream, the whole file is under one guard: a second inclusion
 * with NETMAP_WITH_LIBS newly defined does not add the library part.
 */
#ifndef _NET_NETMAP_USER_H_
#define _NET_NETMAP_USER_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <net/if.h>

#include <net/netmap.h>

#ifndef NETMAP_DEVICE_NAME
#define NETMAP_DEVICE_NAME "/dev/netmap"
#endif

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/* All arithmetic below is in bytes; arguments may be evaluated twice. */
#define _NETMAP_OFFSET(type, ptr, offset) \
	((type)(void *)((char *)(ptr) + (offset)))

#define NETMAP_IF(base, ofs)	_NETMAP_OFFSET(struct netmap_if *, base, ofs)

#define NETMAP_TXRING(nifp, index) \
	_NETMAP_OFFSET(struct netmap_ring *, nifp, (nifp)->ring_ofs[(index)])

/* RX rings follow the hardware and host TX rings in ring_ofs[]. */
#define NETMAP_RXRING(nifp, index) \
	_NETMAP_OFFSET(struct netmap_ring *, nifp, \
		       (nifp)->ring_ofs[(index) + (nifp)->ni_tx_rings + \
					(nifp)->ni_host_tx_rings])

/* The product is 64-bit: the buffer pool may be larger than 4 GiB. */
#define NETMAP_BUF(ring, index) \
	((char *)(ring) + (ring)->buf_ofs + \
	 (size_t)(index) * (ring)->nr_buf_size)

/* Index of the buffer that contains address buf (any byte of it). */
#define NETMAP_BUF_IDX(ring, buf) \
	(((char *)(buf) - ((char *)(ring) + (ring)->buf_ofs)) / \
	 (ptrdiff_t)(ring)->nr_buf_size)

/* Per-slot payload offset (NETMAP_REQ_OPT_OFFSETS); 0 when not enabled. */
#define NETMAP_ROFFSET(ring, slot) \
	((uint64_t)((slot)->ptr & (ring)->offset_mask))

#define NETMAP_WOFFSET(ring, slot, offset) do {				\
		uint64_t nm_mask_ = (ring)->offset_mask;		\
		(slot)->ptr = ((slot)->ptr & ~nm_mask_) |		\
			      ((uint64_t)(offset) & nm_mask_);		\
	} while (0)

#define NETMAP_BUF_OFFSET(ring, slot) \
	(NETMAP_BUF(ring, (slot)->buf_idx) + NETMAP_ROFFSET(ring, slot))

#ifndef ND	/* -DND suppresses all three */
/* Compiles to nothing; the arguments are not even parsed as expressions. */
#define ND(_fmt, ...) do {} while (0)

/* "SSS.uuuuuu function [line] message" on stderr */
#define D(_fmt, ...) do {						\
		struct timeval nm_d_now_;				\
		gettimeofday(&nm_d_now_, NULL);				\
		fprintf(stderr, "%03d.%06d %s [%d] " _fmt "\n",		\
			(int)(nm_d_now_.tv_sec % 1000),			\
			(int)nm_d_now_.tv_usec, __func__, __LINE__,	\
			##__VA_ARGS__);					\
	} while (0)

/* D, at most lps lines per second from each place it is used. */
#define RD(lps, _fmt, ...) do {						\
		static int nm_rd_count_;				\
		static time_t nm_rd_second_;				\
		struct timeval nm_rd_now_;				\
		gettimeofday(&nm_rd_now_, NULL);			\
		if (nm_rd_second_ != nm_rd_now_.tv_sec) {		\
			nm_rd_second_ = nm_rd_now_.tv_sec;		\
			nm_rd_count_ = 0;				\
		}							\
		if (nm_rd_count_++ < (lps))				\
			D(_fmt, ##__VA_ARGS__);				\
	} while (0)
#endif /* ND */

#ifdef __cplusplus
extern "C" {
#endif

/* The slot after i (i < num_slots). */
static inline uint32_t nm_ring_next(const struct netmap_ring *ring, uint32_t i)
{
	return i + 1 == ring->num_slots ? 0 : i + 1;
}

/*
 * Slots owned by the application, [head, tail): received packets on an
 * RX ring, free slots on a TX ring.
 */
static inline uint32_t nm_ring_space(const struct netmap_ring *ring)
{
	int space = (int)ring->tail - (int)ring->head;

	if (space < 0)
		space += (int)ring->num_slots;
	return (uint32_t)space;
}

/*
 * TX: nonzero while the kernel has not reported all transmitted slots
 * complete. A drained ring keeps one slot empty: tail == head - 1.
 */
static inline int nm_tx_pending(const struct netmap_ring *ring)
{
	return nm_ring_next(ring, ring->tail) != ring->head;
}

/* Copy exactly len bytes (nothing if len <= 0). */
static inline void nm_pkt_copy(const void *src, void *dst, int len)
{
	if (len > 0)
		memcpy(dst, src, (size_t)len);
}

#ifdef __cplusplus
}
#endif

#ifdef NETMAP_WITH_LIBS
#include <net/netmap_user_lib.h>
#endif

#endif /* _NET_NETMAP_USER_H_ */
