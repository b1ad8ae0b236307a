/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * netmap: user/kernel interface, API version 14.
 *
 * This header is the ABI. Every structure here is layout-identical to the
 * netmap API 14 headers on x86_64 (LP64): same field names, offsets, sizes
 * and ioctl numbers, so binaries built against upstream netmap work
 * unmodified. selftests/nm_layout.c pins every offset and size; the module
 * pins them again with BUILD_BUG_ON().
 *
 * OVERVIEW
 *
 * An application opens /dev/netmap and binds the file descriptor to a port
 * with NIOCCTRL(NETMAP_REQ_REGISTER). It then maps the port's shared memory
 * region once:
 *
 *	base = mmap(NULL, reg.nr_memsize, PROT_READ | PROT_WRITE,
 *		    MAP_SHARED, fd, 0);
 *
 * The region holds three pools back to back: netmap_if objects, rings and
 * packet buffers. Everything in it is addressed by offsets, never by
 * pointers, so it may be mapped at any address in any number of processes:
 *
 *	nifp              = base + reg.nr_offset
 *	TX ring i         = (char *)nifp + nifp->ring_ofs[i]
 *	RX ring i         = (char *)nifp + nifp->ring_ofs[i + ni_tx_rings +
 *						     ni_host_tx_rings]
 *	buffer x of ring  = (char *)ring + ring->buf_ofs + x * ring->nr_buf_size
 *
 * OWNERSHIP: who writes which field
 *
 *  netmap_if     kernel-written at REGISTER and read-only afterwards, except
 *                ni_bufs_head, which the application may edit (it heads the
 *                extra-buffer free list; the kernel reads it again at close).
 *  netmap_ring   buf_ofs, num_slots, nr_buf_size, ringid, dir, offset_mask,
 *                buf_align: written once by the kernel.
 *                head, cur, flags: written by the application only.
 *                tail, ts: written by the kernel only, during a sync.
 *                sem: never touched by the kernel.
 *  netmap_slot   owned by whoever owns the slot (see below). The owner may
 *                change buf_idx (setting NS_BUF_CHANGED), len, flags, ptr.
 *  buffers       owned together with the slot that references them.
 *
 * Fields the kernel writes once but userspace must not are "const" for
 * userspace (as upstream declares them) and plain for the kernel, via
 * __nm_const below. Layout is the same either way.
 *
 * RING PROTOCOL
 *
 * A ring of n slots is a circular buffer shared by one producer and one
 * consumer. Three indices, each in [0, n), split it:
 *
 *	head  first slot owned by the application (it advances head to
 *	      hand slots back to the kernel);
 *	cur   wake-up point: poll() reports the ring ready when
 *	      tail != cur, and a sync may hold back work for [cur, tail);
 *	      head <= cur <= tail in circular order;
 *	tail  first slot owned by the kernel (the kernel advances it to
 *	      hand slots to the application).
 *
 * Slots [head, tail) belong to the application, slots [tail, head) belong
 * to the kernel. The kernel touches ring memory only in [tail, head), and
 * only updates tail during NIOCTXSYNC, NIOCRXSYNC or poll().
 *
 *  TX: slots [head, tail) are free for the application to fill. It fills
 *      slot head..., advances head and cur past them, then calls
 *      NIOCTXSYNC (or poll()). The kernel transmits [old head, head) and
 *      moves tail forward over completed slots. One slot is always kept
 *      empty, so a fresh TX ring has head = cur = 0 and tail = n - 1.
 *  RX: slots [head, tail) hold received packets. The application consumes
 *      them, advances head and cur, then calls NIOCRXSYNC (or poll()). The
 *      kernel recycles [old head, head) and appends new packets at tail.
 *      A fresh RX ring has head = cur = tail = 0.
 *
 * The kernel reads head and cur once per sync and validates them: head may
 * only move forward, not past tail, and cur may not be before head or past
 * tail. A ring whose indices violate this (or are >= n) is re-initialised:
 * the ioctl still returns 0 and poll() reports POLLERR. A user-modified
 * tail is silently restored.
 *
 * Ordering: a sync is a system call, which orders everything the
 * application wrote to slots and buffers before it against what the kernel
 * reads, and everything the kernel wrote (slots, buffers, then tail)
 * before the return against the application's later reads. No other
 * barrier is needed on the netmap_ring path. For the CSB path (struct
 * nm_csb_atok/ktoa, no system call) the application writes cur then head
 * with a release barrier in between, and reads hwtail then hwcur with
 * acquire barriers; the kernel mirrors this.
 *
 * CONTROL PATH
 *
 * NIOCCTRL takes a struct nmreq_header whose nr_reqtype selects the request
 * and whose nr_body points at the request-specific body (nmreq_register,
 * ...). Optional extensions form a linked list of struct nmreq_option at
 * nr_options; each option reports its own nro_status. The legacy ioctls
 * NIOCREGIF/NIOCGINFO take a struct nmreq and are translated by the kernel.
 *
 * Choices specific to this header (upstream relies on libc types):
 *  - ring->ts is struct netmap_timeval, two __kernel_long_t members named
 *    tv_sec/tv_usec: layout-identical to the libc struct timeval on every
 *    ABI where that is built from longs (including x86_64 and x32). A
 *    userspace wrapper may define NETMAP_RING_TIMEVAL to "struct timeval"
 *    (after including <sys/time.h>) before including this header, so that
 *    ring->ts has exactly the upstream type.
 *  - Flexible array members carry GCC's __extension__ so that the header
 *    is accepted by -std=c89 -pedantic as well as C99+ and C++.
 *  - IFNAMSIZ is not defined here (it would clash with <net/if.h>); the
 *    16-byte name arrays use NM_IFNAMSIZ, which has the same value.
 */
#ifndef _UAPI_LINUX_NETMAP_H
#define _UAPI_LINUX_NETMAP_H

#include <linux/types.h>
#include <linux/ioctl.h>

#ifdef __KERNEL__
#define __nm_const
#else
#define __nm_const const
#endif

#define NETMAP_API		14	/* API version compiled into apps */
#define NETMAP_MIN_API		14	/* oldest nr_version the kernel accepts */
#define NETMAP_MAX_API		15	/* newest nr_version the kernel accepts */

#define NM_CACHE_ALIGN		128
#define NETMAP_REQ_MAXSIZE	4096	/* body + all options, bytes */
#define NETMAP_REQ_IFNAMSIZ	64
#define NM_IFNAMSIZ		16	/* == IFNAMSIZ */
#define NETMAP_MAX_FRAGS	64	/* max slots per multi-slot packet */
#define NM_BDG_NAME		"vale"	/* VALE port name prefix */
#define NM_IFRDATA_LEN		256
#ifndef NETMAP_DEVICE_NAME
#define NETMAP_DEVICE_NAME	"/dev/netmap"
#endif

/*
 * Shared memory: slots
 */

/* One packet buffer descriptor. */
struct netmap_slot {
	__u32 buf_idx;	/* buffer index into the buffer pool */
	__u16 len;	/* bytes in the buffer (this fragment) */
	__u16 flags;	/* NS_* below */
	__u64 ptr;	/* NS_INDIRECT user address, or buffer offset */
};

#define NS_BUF_CHANGED	0x0001	/* buf_idx changed: remap (both ways) */
#define NS_REPORT	0x0002	/* request a TX completion report */
#define NS_FORWARD	0x0004	/* forward to the other side (NR_FORWARD) */
#define NS_NO_LEARN	0x0008	/* VALE: do not learn the source MAC */
#define NS_INDIRECT	0x0010	/* VALE TX: payload at user address ptr */
#define NS_MOREFRAG	0x0020	/* more fragments of this packet follow */
#define NS_TXMON	0x0040	/* monitor: slot carries TX-side traffic */

/* High byte of flags: VALE TX destination port, VALE RX fragment count. */
#define NS_PORT_SHIFT	8
#define NS_PORT_MASK	(0xff << NS_PORT_SHIFT)
#define NS_RFRAGS(_slot)	(((_slot)->flags >> 8) & 0xff)

/*
 * Shared memory: rings
 */

/* Time of the last RX sync. See the note at the top of the file. */
struct netmap_timeval {
	__kernel_long_t tv_sec;
	__kernel_long_t tv_usec;
};

#ifndef NETMAP_RING_TIMEVAL
#define NETMAP_RING_TIMEVAL struct netmap_timeval
#endif

/*
 * One ring: a 256-byte header followed by num_slots slots. The ownership
 * of each field is described at the top of this file.
 */
struct netmap_ring {
	__nm_const __s64 buf_ofs;	/* ring -> buffer #0, bytes */
	__nm_const __u32 num_slots;	/* not necessarily a power of 2 */
	__nm_const __u32 nr_buf_size;	/* bytes per buffer */
	__nm_const __u16 ringid;	/* index within its direction */
	__nm_const __u16 dir;		/* 0: TX, 1: RX */

	__u32 head;			/* U: first slot owned by user */
	__u32 cur;			/* U: wake-up point */
	__u32 tail;			/* K: first slot owned by kernel */

	__u32 flags;			/* U: NR_TIMESTAMP, NR_FORWARD */

	NETMAP_RING_TIMEVAL ts;		/* K: time of last rxsync */

	__nm_const __u64 offset_mask;	/* slot.ptr bits that hold an offset */
	__nm_const __u64 buf_align;	/* TX alignment of buf+offset, or 0 */

	/* opaque room for the application; the kernel never touches it */
	__u8 sem[128] __attribute__((__aligned__(NM_CACHE_ALIGN)));

	__extension__ struct netmap_slot slot[];
};

/* netmap_ring.flags, set by the application */
#define NR_TIMESTAMP	0x0002	/* update ts on every sync */
#define NR_FORWARD	0x0004	/* honour NS_FORWARD on this ring */

/*
 * Shared memory: per-fd interface descriptor
 *
 * ring_ofs[] holds, relative to this structure, the offset of every ring
 * of the port in the order: HW TX rings, host TX rings, HW RX rings, host
 * RX rings. An entry is 0 when the ring is not bound to this fd.
 * ni_host_tx_rings/ni_host_rx_rings are always at least 1.
 */
struct netmap_if {
	char ni_name[NM_IFNAMSIZ];		/* port name */
	__nm_const __u32 ni_version;		/* unused, 0 */
	__nm_const __u32 ni_flags;		/* NI_PRIV_MEM */
	__nm_const __u32 ni_tx_rings;		/* HW TX rings */
	__nm_const __u32 ni_rx_rings;		/* HW RX rings */
	__u32 ni_bufs_head;			/* U: extra buffer list, 0: none */
	__nm_const __u32 ni_host_tx_rings;	/* host TX rings, >= 1 */
	__nm_const __u32 ni_host_rx_rings;	/* host RX rings, >= 1 */
	__u32 ni_spare1[3];
	__extension__ __nm_const __s64 ring_ofs[];
};

#define NI_PRIV_MEM	0x1	/* the port has a private allocator */

/*
 * Control path: NIOCCTRL
 */

/* Request header; the only thing NIOCCTRL's size field describes. */
struct nmreq_header {
	__u16 nr_version;		/* NETMAP_API */
	__u16 nr_reqtype;		/* NETMAP_REQ_* */
	__u32 nr_reserved;		/* must be 0 */
	char nr_name[NETMAP_REQ_IFNAMSIZ];	/* port name */
	__u64 nr_options;		/* user pointer to nmreq_option list */
	__u64 nr_body;			/* user pointer to request body */
};

/* nmreq_header.nr_reqtype, with the body each one takes */
enum {
	NETMAP_REQ_REGISTER = 1,		/* nmreq_register */
	NETMAP_REQ_PORT_INFO_GET,		/* nmreq_port_info_get */
	NETMAP_REQ_VALE_ATTACH,			/* nmreq_vale_attach */
	NETMAP_REQ_VALE_DETACH,			/* nmreq_vale_detach */
	NETMAP_REQ_VALE_LIST,			/* nmreq_vale_list */
	NETMAP_REQ_PORT_HDR_SET,		/* nmreq_port_hdr */
	NETMAP_REQ_PORT_HDR_GET,		/* nmreq_port_hdr */
	NETMAP_REQ_VALE_NEWIF,			/* nmreq_vale_newif */
	NETMAP_REQ_VALE_DELIF,			/* no body */
	NETMAP_REQ_VALE_POLLING_ENABLE,		/* nmreq_vale_polling */
	NETMAP_REQ_VALE_POLLING_DISABLE,	/* nmreq_vale_polling */
	NETMAP_REQ_POOLS_INFO_GET,		/* nmreq_pools_info */
	NETMAP_REQ_SYNC_KLOOP_START,		/* nmreq_sync_kloop_start */
	NETMAP_REQ_SYNC_KLOOP_STOP,		/* no body */
	NETMAP_REQ_CSB_ENABLE			/* no body, NETMAP_REQ_OPT_CSB */
};

/*
 * Common header of every option. The option body follows it directly in
 * user memory. The kernel writes nro_status: 0 if the option was consumed,
 * EOPNOTSUPP if no handler used it, another errno if it was rejected.
 */
struct nmreq_option {
	__u64 nro_next;		/* user pointer to next option, 0: end */
	__u32 nro_reqtype;	/* NETMAP_REQ_OPT_* */
	__u32 nro_status;	/* out: 0 or a positive errno */
	__u64 nro_size;		/* whole option incl. this header */
};

/* nmreq_option.nro_reqtype */
enum {
	NETMAP_REQ_OPT_EXTMEM = 1,	/* nmreq_opt_extmem */
	NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS,	/* nmreq_opt_sync_kloop_eventfds */
	NETMAP_REQ_OPT_CSB,		/* nmreq_opt_csb */
	NETMAP_REQ_OPT_SYNC_KLOOP_MODE,	/* nmreq_opt_sync_kloop_mode */
	NETMAP_REQ_OPT_OFFSETS,		/* nmreq_opt_offsets */
	NETMAP_REQ_OPT_MAX		/* first unknown value */
};

/* NETMAP_REQ_REGISTER body */
struct nmreq_register {
	__u64 nr_offset;	/* out: netmap_if offset in the region */
	__u64 nr_memsize;	/* out: size of the region to mmap */
	__u32 nr_tx_slots;	/* in (hint) / out */
	__u32 nr_rx_slots;	/* in (hint) / out */
	__u16 nr_tx_rings;	/* in (hint) / out: HW TX rings */
	__u16 nr_rx_rings;	/* in (hint) / out: HW RX rings */
	__u16 nr_host_tx_rings;	/* in / out */
	__u16 nr_host_rx_rings;	/* in / out */
	__u16 nr_mem_id;	/* in: 0 = default, or an existing id / out */
	__u16 nr_ringid;	/* in: ring for NR_REG_ONE_NIC, NR_REG_ONE_SW */
	__u32 nr_mode;		/* in: NR_REG_* */
	__u32 nr_extra_bufs;	/* in: wanted / out: obtained */
	__u64 nr_flags;		/* in: NR_* flags */
};

/* nmreq_register.nr_mode: which rings the fd binds */
enum {
	NR_REG_DEFAULT = 0,	/* legacy only: mode from nr_ringid bits */
	NR_REG_ALL_NIC = 1,	/* all hardware rings */
	NR_REG_SW = 2,		/* all host rings */
	NR_REG_NIC_SW = 3,	/* all hardware and host rings */
	NR_REG_ONE_NIC = 4,	/* hardware ring nr_ringid */
	NR_REG_PIPE_MASTER = 5,	/* legacy only */
	NR_REG_PIPE_SLAVE = 6,	/* legacy only */
	NR_REG_NULL = 7,	/* null port on an existing allocator */
	NR_REG_ONE_SW = 8	/* host ring nr_ringid */
};

/* nmreq_register.nr_flags (also legacy nmreq.nr_flags above bit 3) */
#define NR_MONITOR_TX		0x100
#define NR_MONITOR_RX		0x200
#define NR_ZCOPY_MON		0x400
#define NR_EXCLUSIVE		0x800	/* no other fd may bind these rings */
#define NR_RX_RINGS_ONLY	0x2000	/* bind no TX ring */
#define NR_TX_RINGS_ONLY	0x4000	/* bind no RX ring */
#define NR_ACCEPT_VNET_HDR	0x8000	/* app handles virtio-net headers */
#define NR_DO_RX_POLL		0x10000	/* accepted, no effect */
#define NR_NO_TX_POLL		0x20000	/* poll() skips txsync w/o POLLOUT */

/* NETMAP_REQ_PORT_INFO_GET body */
struct nmreq_port_info_get {
	__u64 nr_memsize;	/* out */
	__u32 nr_tx_slots;	/* in (hint) / out */
	__u32 nr_rx_slots;	/* in (hint) / out */
	__u16 nr_tx_rings;	/* in (hint) / out */
	__u16 nr_rx_rings;	/* in (hint) / out */
	__u16 nr_host_tx_rings;	/* in (hint) / out */
	__u16 nr_host_rx_rings;	/* in (hint) / out */
	__u16 nr_mem_id;	/* in / out */
	__u16 pad[3];
};

/* NETMAP_REQ_VALE_ATTACH body */
struct nmreq_vale_attach {
	struct nmreq_register reg;
	__u32 port_index;	/* out */
	__u32 pad1;
};

/* NETMAP_REQ_VALE_DETACH body */
struct nmreq_vale_detach {
	__u32 port_index;	/* out */
	__u32 pad1;
};

/* NETMAP_REQ_VALE_LIST body */
struct nmreq_vale_list {
	__u16 nr_bridge_idx;	/* in / out */
	__u16 pad1;
	__u32 nr_port_idx;	/* in / out */
};

/* NETMAP_REQ_PORT_HDR_SET / NETMAP_REQ_PORT_HDR_GET body */
struct nmreq_port_hdr {
	__u32 nr_hdr_len;	/* virtio-net header length: 0, 10 or 12 */
	__u32 pad1;
};

/* NETMAP_REQ_VALE_NEWIF body */
struct nmreq_vale_newif {
	__u32 nr_tx_slots;
	__u32 nr_rx_slots;
	__u16 nr_tx_rings;
	__u16 nr_rx_rings;
	__u16 nr_mem_id;
	__u16 pad1;
};

/* NETMAP_REQ_VALE_POLLING_ENABLE / _DISABLE body */
struct nmreq_vale_polling {
	__u32 nr_mode;			/* NETMAP_POLLING_MODE_* */
	__u32 nr_first_cpu_id;
	__u32 nr_num_polling_cpus;
	__u32 pad1;
};

#define NETMAP_POLLING_MODE_SINGLE_CPU	1
#define NETMAP_POLLING_MODE_MULTI_CPU	2

/* NETMAP_REQ_SYNC_KLOOP_START body */
struct nmreq_sync_kloop_start {
	__u32 sleep_us;		/* <= 1000000 */
	__u32 pad1;
};

/*
 * NETMAP_REQ_POOLS_INFO_GET body (also inside nmreq_opt_extmem): geometry
 * of an allocator's three pools, in region offset order.
 */
struct nmreq_pools_info {
	__u64 nr_memsize;
	__u16 nr_mem_id;		/* in / out */
	__u16 pad1[3];
	__u64 nr_if_pool_offset;	/* always 0 */
	__u32 nr_if_pool_objtotal;
	__u32 nr_if_pool_objsize;
	__u64 nr_ring_pool_offset;
	__u32 nr_ring_pool_objtotal;
	__u32 nr_ring_pool_objsize;
	__u64 nr_buf_pool_offset;
	__u32 nr_buf_pool_objtotal;
	__u32 nr_buf_pool_objsize;
};

/*
 * Control/status blocks: one entry per bound ring (TX first, then RX), in
 * two 64-byte aligned user arrays, used instead of the netmap_ring indices
 * once NETMAP_REQ_OPT_CSB is in effect.
 */
struct nm_csb_atok {		/* application to kernel */
	__u32 head;
	__u32 cur;
	__u32 appl_need_kick;	/* the kernel must kick the application */
	__u32 sync_flags;
	__u32 pad[12];
};

struct nm_csb_ktoa {		/* kernel to application */
	__u32 hwcur;
	__u32 hwtail;
	__u32 kern_need_kick;	/* the application must kick the kernel */
	__u32 pad[13];
};

/* NETMAP_REQ_OPT_EXTMEM: back the allocator with user memory */
struct nmreq_opt_extmem {
	struct nmreq_option nro_opt;
	__u64 nro_usrptr;		/* user address of the memory */
	struct nmreq_pools_info nro_info;	/* in: wanted / out: actual */
};

/* NETMAP_REQ_OPT_CSB */
struct nmreq_opt_csb {
	struct nmreq_option nro_opt;
	__u64 csb_atok;			/* user pointer to nm_csb_atok[] */
	__u64 csb_ktoa;			/* user pointer to nm_csb_ktoa[] */
};

/*
 * NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS: one pair per bound ring (TX first);
 * nro_size must be exactly sizeof(struct nmreq_option) + 8 * #rings.
 */
struct nmreq_opt_sync_kloop_eventfds {
	struct nmreq_option nro_opt;
	__extension__ struct {
		__s32 ioeventfd;
		__s32 irqfd;
	} eventfds[];
};

/* NETMAP_REQ_OPT_SYNC_KLOOP_MODE */
struct nmreq_opt_sync_kloop_mode {
	struct nmreq_option nro_opt;
	__u32 mode;			/* NM_OPT_SYNC_KLOOP_* */
};

#define NM_OPT_SYNC_KLOOP_DIRECT_TX	(1 << 0)
#define NM_OPT_SYNC_KLOOP_DIRECT_RX	(1 << 1)

/* NETMAP_REQ_OPT_OFFSETS: per-slot buffer offsets in slot.ptr */
struct nmreq_opt_offsets {
	struct nmreq_option nro_opt;
	__u64 nro_max_offset;		/* in / out */
	__u64 nro_initial_offset;
	__u32 nro_offset_bits;		/* bits of ptr used, 0: all 64 */
	__u32 nro_tx_align;
	__u64 nro_min_gap;
};

/*
 * Legacy control path: NIOCREGIF / NIOCGINFO
 */

struct nmreq {
	char nr_name[NM_IFNAMSIZ];
	__u32 nr_version;	/* >= 14 */
	__u32 nr_offset;	/* out: netmap_if offset (low 32 bits) */
	__u32 nr_memsize;	/* out: region size (low 32 bits) */
	__u32 nr_tx_slots;
	__u32 nr_rx_slots;
	__u16 nr_tx_rings;
	__u16 nr_rx_rings;
	__u16 nr_ringid;	/* ring number | NETMAP_*_RING bits */
	__u16 nr_cmd;		/* 0: register, else NETMAP_BDG_* */
	__u16 nr_arg1;
	__u16 nr_arg2;		/* mem_id */
	__u32 nr_arg3;		/* extra buffers */
	__u32 nr_flags;		/* NR_REG_* | NR_* flags */
	__u32 spare2[1];
};

/* nmreq.nr_ringid */
#define NETMAP_RING_MASK	0x0fff
#define NETMAP_NO_TX_POLL	0x1000
#define NETMAP_SW_RING		0x2000
#define NETMAP_HW_RING		0x4000
#define NETMAP_DO_RX_POLL	0x8000

/* nmreq.nr_flags: the low nibble is the NR_REG_* mode */
#define NR_REG_MASK		0xf

/* nmreq.nr_flags bits interpreted by userspace libraries only */
#define NM_OPEN_NO_MMAP		0x040000
#define NM_OPEN_IFNAME		0x080000
#define NM_OPEN_ARG1		0x100000
#define NM_OPEN_ARG2		0x200000
#define NM_OPEN_ARG3		0x400000
#define NM_OPEN_RING_CFG	0x800000

/* nmreq.nr_cmd */
#define NETMAP_BDG_ATTACH	1
#define NETMAP_BDG_DETACH	2
#define NETMAP_BDG_REGOPS	3
#define NETMAP_BDG_LIST		4
#define NETMAP_BDG_VNET_HDR	5
#define NETMAP_BDG_NEWIF	6
#define NETMAP_BDG_DELIF	7
#define NETMAP_PT_HOST_CREATE	8
#define NETMAP_PT_HOST_DELETE	9
#define NETMAP_BDG_POLLING_ON	10
#define NETMAP_BDG_POLLING_OFF	11
#define NETMAP_VNET_HDR_GET	12

/* nmreq.nr_arg1 for NETMAP_BDG_ATTACH: attach the host rings too */
#define NETMAP_BDG_HOST		1

/* NIOCCONFIG argument (VALE external modules) */
struct nm_ifreq {
	char nifr_name[NM_IFNAMSIZ];
	char data[NM_IFRDATA_LEN];
};

/*
 * ioctls. The kernel matches the full 32-bit numbers; any other command
 * fails with EOPNOTSUPP.
 */
#define NIOCGINFO	_IOWR('i', 145, struct nmreq)		/* legacy info */
#define NIOCREGIF	_IOWR('i', 146, struct nmreq)		/* legacy reg. */
#define NIOCTXSYNC	_IO('i', 148)				/* sync TX */
#define NIOCRXSYNC	_IO('i', 149)				/* sync RX */
#define NIOCCONFIG	_IOWR('i', 150, struct nm_ifreq)	/* VALE config */
#define NIOCCTRL	_IOWR('i', 151, struct nmreq_header)	/* control */

#endif /* _UAPI_LINUX_NETMAP_H */
