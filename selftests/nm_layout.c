// SPDX-License-Identifier: GPL-2.0
/*
 * Pins the netmap API 14 ABI of include/uapi/linux/netmap.h: every offset
 * and size of the shared-memory, control and legacy structures, the ioctl
 * numbers and the constants. Values are the x86_64 (LP64) ones from the
 * ABI specification; a mismatch breaks the build, and the runtime tests
 * repeat the checks so that the TAP output names what is pinned.
 */
#include <stddef.h>
#include <stdint.h>

#include <linux/netmap.h>

#include "kselftest_harness.h"

#define FSIZE(s, f)	sizeof(((struct s *)0)->f)

/* Offset and size of one field. */
#define FIELD(s, f, off, size)						\
	_Static_assert(offsetof(struct s, f) == (off),			\
		       "offsetof(" #s "." #f ") != " #off);		\
	_Static_assert(FSIZE(s, f) == (size),				\
		       "sizeof(" #s "." #f ") != " #size)

#define SIZE(s, size)							\
	_Static_assert(sizeof(struct s) == (size),			\
		       "sizeof(struct " #s ") != " #size)

#define ALIGN(s, a)							\
	_Static_assert(_Alignof(struct s) == (a),			\
		       "_Alignof(struct " #s ") != " #a)

/* §1.3 shared memory */
SIZE(netmap_slot, 16);
ALIGN(netmap_slot, 8);
FIELD(netmap_slot, buf_idx, 0, 4);
FIELD(netmap_slot, len, 4, 2);
FIELD(netmap_slot, flags, 6, 2);
FIELD(netmap_slot, ptr, 8, 8);

SIZE(netmap_ring, 256);
ALIGN(netmap_ring, 128);
FIELD(netmap_ring, buf_ofs, 0, 8);
FIELD(netmap_ring, num_slots, 8, 4);
FIELD(netmap_ring, nr_buf_size, 12, 4);
FIELD(netmap_ring, ringid, 16, 2);
FIELD(netmap_ring, dir, 18, 2);
FIELD(netmap_ring, head, 20, 4);
FIELD(netmap_ring, cur, 24, 4);
FIELD(netmap_ring, tail, 28, 4);
FIELD(netmap_ring, flags, 32, 4);
FIELD(netmap_ring, ts, 40, 16);
FIELD(netmap_ring, ts.tv_sec, 40, 8);
FIELD(netmap_ring, ts.tv_usec, 48, 8);
FIELD(netmap_ring, offset_mask, 56, 8);
FIELD(netmap_ring, buf_align, 64, 8);
FIELD(netmap_ring, sem, 128, 128);
FIELD(netmap_ring, slot[0], 256, 16);
_Static_assert(offsetof(struct netmap_ring, slot) == 256, "ring slots");

SIZE(netmap_if, 56);
FIELD(netmap_if, ni_name, 0, 16);
FIELD(netmap_if, ni_version, 16, 4);
FIELD(netmap_if, ni_flags, 20, 4);
FIELD(netmap_if, ni_tx_rings, 24, 4);
FIELD(netmap_if, ni_rx_rings, 28, 4);
FIELD(netmap_if, ni_bufs_head, 32, 4);
FIELD(netmap_if, ni_host_tx_rings, 36, 4);
FIELD(netmap_if, ni_host_rx_rings, 40, 4);
FIELD(netmap_if, ni_spare1, 44, 12);
FIELD(netmap_if, ring_ofs[0], 56, 8);
FIELD(netmap_if, ring_ofs[1], 64, 8);

/* §1.4 control structures */
SIZE(nmreq_header, 88);
FIELD(nmreq_header, nr_version, 0, 2);
FIELD(nmreq_header, nr_reqtype, 2, 2);
FIELD(nmreq_header, nr_reserved, 4, 4);
FIELD(nmreq_header, nr_name, 8, 64);
FIELD(nmreq_header, nr_options, 72, 8);
FIELD(nmreq_header, nr_body, 80, 8);

SIZE(nmreq_option, 24);
FIELD(nmreq_option, nro_next, 0, 8);
FIELD(nmreq_option, nro_reqtype, 8, 4);
FIELD(nmreq_option, nro_status, 12, 4);
FIELD(nmreq_option, nro_size, 16, 8);

SIZE(nmreq_register, 56);
FIELD(nmreq_register, nr_offset, 0, 8);
FIELD(nmreq_register, nr_memsize, 8, 8);
FIELD(nmreq_register, nr_tx_slots, 16, 4);
FIELD(nmreq_register, nr_rx_slots, 20, 4);
FIELD(nmreq_register, nr_tx_rings, 24, 2);
FIELD(nmreq_register, nr_rx_rings, 26, 2);
FIELD(nmreq_register, nr_host_tx_rings, 28, 2);
FIELD(nmreq_register, nr_host_rx_rings, 30, 2);
FIELD(nmreq_register, nr_mem_id, 32, 2);
FIELD(nmreq_register, nr_ringid, 34, 2);
FIELD(nmreq_register, nr_mode, 36, 4);
FIELD(nmreq_register, nr_extra_bufs, 40, 4);
FIELD(nmreq_register, nr_flags, 48, 8);

SIZE(nmreq_port_info_get, 32);
FIELD(nmreq_port_info_get, nr_memsize, 0, 8);
FIELD(nmreq_port_info_get, nr_tx_slots, 8, 4);
FIELD(nmreq_port_info_get, nr_rx_slots, 12, 4);
FIELD(nmreq_port_info_get, nr_tx_rings, 16, 2);
FIELD(nmreq_port_info_get, nr_rx_rings, 18, 2);
FIELD(nmreq_port_info_get, nr_host_tx_rings, 20, 2);
FIELD(nmreq_port_info_get, nr_host_rx_rings, 22, 2);
FIELD(nmreq_port_info_get, nr_mem_id, 24, 2);
FIELD(nmreq_port_info_get, pad, 26, 6);

SIZE(nmreq_vale_attach, 64);
FIELD(nmreq_vale_attach, reg, 0, 56);
FIELD(nmreq_vale_attach, port_index, 56, 4);
FIELD(nmreq_vale_attach, pad1, 60, 4);

SIZE(nmreq_vale_detach, 8);
FIELD(nmreq_vale_detach, port_index, 0, 4);
FIELD(nmreq_vale_detach, pad1, 4, 4);

SIZE(nmreq_vale_list, 8);
FIELD(nmreq_vale_list, nr_bridge_idx, 0, 2);
FIELD(nmreq_vale_list, pad1, 2, 2);
FIELD(nmreq_vale_list, nr_port_idx, 4, 4);

SIZE(nmreq_port_hdr, 8);
FIELD(nmreq_port_hdr, nr_hdr_len, 0, 4);
FIELD(nmreq_port_hdr, pad1, 4, 4);

SIZE(nmreq_vale_newif, 16);
FIELD(nmreq_vale_newif, nr_tx_slots, 0, 4);
FIELD(nmreq_vale_newif, nr_rx_slots, 4, 4);
FIELD(nmreq_vale_newif, nr_tx_rings, 8, 2);
FIELD(nmreq_vale_newif, nr_rx_rings, 10, 2);
FIELD(nmreq_vale_newif, nr_mem_id, 12, 2);
FIELD(nmreq_vale_newif, pad1, 14, 2);

SIZE(nmreq_vale_polling, 16);
FIELD(nmreq_vale_polling, nr_mode, 0, 4);
FIELD(nmreq_vale_polling, nr_first_cpu_id, 4, 4);
FIELD(nmreq_vale_polling, nr_num_polling_cpus, 8, 4);
FIELD(nmreq_vale_polling, pad1, 12, 4);

SIZE(nmreq_sync_kloop_start, 8);
FIELD(nmreq_sync_kloop_start, sleep_us, 0, 4);
FIELD(nmreq_sync_kloop_start, pad1, 4, 4);

SIZE(nmreq_pools_info, 64);
FIELD(nmreq_pools_info, nr_memsize, 0, 8);
FIELD(nmreq_pools_info, nr_mem_id, 8, 2);
FIELD(nmreq_pools_info, pad1, 10, 6);
FIELD(nmreq_pools_info, nr_if_pool_offset, 16, 8);
FIELD(nmreq_pools_info, nr_if_pool_objtotal, 24, 4);
FIELD(nmreq_pools_info, nr_if_pool_objsize, 28, 4);
FIELD(nmreq_pools_info, nr_ring_pool_offset, 32, 8);
FIELD(nmreq_pools_info, nr_ring_pool_objtotal, 40, 4);
FIELD(nmreq_pools_info, nr_ring_pool_objsize, 44, 4);
FIELD(nmreq_pools_info, nr_buf_pool_offset, 48, 8);
FIELD(nmreq_pools_info, nr_buf_pool_objtotal, 56, 4);
FIELD(nmreq_pools_info, nr_buf_pool_objsize, 60, 4);

SIZE(nm_csb_atok, 64);
FIELD(nm_csb_atok, head, 0, 4);
FIELD(nm_csb_atok, cur, 4, 4);
FIELD(nm_csb_atok, appl_need_kick, 8, 4);
FIELD(nm_csb_atok, sync_flags, 12, 4);
FIELD(nm_csb_atok, pad, 16, 48);

SIZE(nm_csb_ktoa, 64);
FIELD(nm_csb_ktoa, hwcur, 0, 4);
FIELD(nm_csb_ktoa, hwtail, 4, 4);
FIELD(nm_csb_ktoa, kern_need_kick, 8, 4);
FIELD(nm_csb_ktoa, pad, 12, 52);

SIZE(nmreq_opt_extmem, 96);
FIELD(nmreq_opt_extmem, nro_opt, 0, 24);
FIELD(nmreq_opt_extmem, nro_usrptr, 24, 8);
FIELD(nmreq_opt_extmem, nro_info, 32, 64);

SIZE(nmreq_opt_csb, 40);
FIELD(nmreq_opt_csb, nro_opt, 0, 24);
FIELD(nmreq_opt_csb, csb_atok, 24, 8);
FIELD(nmreq_opt_csb, csb_ktoa, 32, 8);

SIZE(nmreq_opt_sync_kloop_eventfds, 24);
FIELD(nmreq_opt_sync_kloop_eventfds, nro_opt, 0, 24);
FIELD(nmreq_opt_sync_kloop_eventfds, eventfds[0], 24, 8);
FIELD(nmreq_opt_sync_kloop_eventfds, eventfds[0].ioeventfd, 24, 4);
FIELD(nmreq_opt_sync_kloop_eventfds, eventfds[0].irqfd, 28, 4);
FIELD(nmreq_opt_sync_kloop_eventfds, eventfds[1], 32, 8);

SIZE(nmreq_opt_sync_kloop_mode, 32);
FIELD(nmreq_opt_sync_kloop_mode, nro_opt, 0, 24);
FIELD(nmreq_opt_sync_kloop_mode, mode, 24, 4);

SIZE(nmreq_opt_offsets, 56);
FIELD(nmreq_opt_offsets, nro_opt, 0, 24);
FIELD(nmreq_opt_offsets, nro_max_offset, 24, 8);
FIELD(nmreq_opt_offsets, nro_initial_offset, 32, 8);
FIELD(nmreq_opt_offsets, nro_offset_bits, 40, 4);
FIELD(nmreq_opt_offsets, nro_tx_align, 44, 4);
FIELD(nmreq_opt_offsets, nro_min_gap, 48, 8);

/* §1.5 legacy structures */
SIZE(nmreq, 60);
ALIGN(nmreq, 4);
FIELD(nmreq, nr_name, 0, 16);
FIELD(nmreq, nr_version, 16, 4);
FIELD(nmreq, nr_offset, 20, 4);
FIELD(nmreq, nr_memsize, 24, 4);
FIELD(nmreq, nr_tx_slots, 28, 4);
FIELD(nmreq, nr_rx_slots, 32, 4);
FIELD(nmreq, nr_tx_rings, 36, 2);
FIELD(nmreq, nr_rx_rings, 38, 2);
FIELD(nmreq, nr_ringid, 40, 2);
FIELD(nmreq, nr_cmd, 42, 2);
FIELD(nmreq, nr_arg1, 44, 2);
FIELD(nmreq, nr_arg2, 46, 2);
FIELD(nmreq, nr_arg3, 48, 4);
FIELD(nmreq, nr_flags, 52, 4);
FIELD(nmreq, spare2, 56, 4);

SIZE(nm_ifreq, 272);
FIELD(nm_ifreq, nifr_name, 0, 16);
FIELD(nm_ifreq, data, 16, 256);

/* §1.2 ioctl numbers */
_Static_assert(NIOCCTRL == 0xc0586997u, "NIOCCTRL");
_Static_assert(NIOCTXSYNC == 0x00006994u, "NIOCTXSYNC");
_Static_assert(NIOCRXSYNC == 0x00006995u, "NIOCRXSYNC");
_Static_assert(NIOCREGIF == 0xc03c6992u, "NIOCREGIF");
_Static_assert(NIOCGINFO == 0xc03c6991u, "NIOCGINFO");
_Static_assert(NIOCCONFIG == 0xc1106996u, "NIOCCONFIG");

/*
 * The same numbers, checked at run time so that a build with the static
 * checks disabled (or a different compiler) is still covered.
 */
static const struct {
	const char *name;
	unsigned long value;
	unsigned long expected;
} ioctls[] = {
	{ "NIOCCTRL", NIOCCTRL, 0xc0586997ul },
	{ "NIOCTXSYNC", NIOCTXSYNC, 0x00006994ul },
	{ "NIOCRXSYNC", NIOCRXSYNC, 0x00006995ul },
	{ "NIOCREGIF", NIOCREGIF, 0xc03c6992ul },
	{ "NIOCGINFO", NIOCGINFO, 0xc03c6991ul },
	{ "NIOCCONFIG", NIOCCONFIG, 0xc1106996ul },
};

TEST(ioctl_numbers)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ioctls); i++) {
		EXPECT_EQ(ioctls[i].expected, ioctls[i].value)
			TH_LOG("%s is %#lx, want %#lx", ioctls[i].name,
			       ioctls[i].value, ioctls[i].expected);
	}
	/* the decimal values of the table as well */
	EXPECT_EQ(3227019671ul, (unsigned long)NIOCCTRL);
	EXPECT_EQ(27028ul, (unsigned long)NIOCTXSYNC);
	EXPECT_EQ(27029ul, (unsigned long)NIOCRXSYNC);
	EXPECT_EQ(3225184658ul, (unsigned long)NIOCREGIF);
	EXPECT_EQ(3225184657ul, (unsigned long)NIOCGINFO);
	EXPECT_EQ(3239078294ul, (unsigned long)NIOCCONFIG);
}

TEST(struct_sizes)
{
	EXPECT_EQ(16u, sizeof(struct netmap_slot));
	EXPECT_EQ(256u, sizeof(struct netmap_ring));
	EXPECT_EQ(256u, offsetof(struct netmap_ring, slot));
	EXPECT_EQ(128u, offsetof(struct netmap_ring, sem));
	EXPECT_EQ(40u, offsetof(struct netmap_ring, ts));
	EXPECT_EQ(56u, sizeof(struct netmap_if));
	EXPECT_EQ(56u, offsetof(struct netmap_if, ring_ofs));
	EXPECT_EQ(8u, FSIZE(netmap_if, ring_ofs[0]));
	EXPECT_EQ(88u, sizeof(struct nmreq_header));
	EXPECT_EQ(24u, sizeof(struct nmreq_option));
	EXPECT_EQ(56u, sizeof(struct nmreq_register));
	EXPECT_EQ(48u, offsetof(struct nmreq_register, nr_flags));
	EXPECT_EQ(32u, sizeof(struct nmreq_port_info_get));
	EXPECT_EQ(64u, sizeof(struct nmreq_pools_info));
	EXPECT_EQ(60u, sizeof(struct nmreq));
	EXPECT_EQ(272u, sizeof(struct nm_ifreq));
}

/* A ring buffer address computed the documented way lands where expected. */
TEST(ring_addressing)
{
	static union {
		struct netmap_ring ring;
		char bytes[256 + 4 * 16];
	} u;
	struct netmap_ring *r = &u.ring;

	/* the slot array starts right after the 256-byte header */
	EXPECT_EQ((char *)&r->slot[0], (char *)r + 256);
	EXPECT_EQ((char *)&r->slot[3], (char *)r + 256 + 3 * 16);
	EXPECT_EQ(0u, (uintptr_t)r % 128);
}

TEST(constants)
{
	EXPECT_EQ(14, NETMAP_API);
	EXPECT_EQ(14, NETMAP_MIN_API);
	EXPECT_EQ(15, NETMAP_MAX_API);
	EXPECT_EQ(128, NM_CACHE_ALIGN);
	EXPECT_EQ(4096, NETMAP_REQ_MAXSIZE);
	EXPECT_EQ(64, NETMAP_REQ_IFNAMSIZ);
	EXPECT_EQ(16, NM_IFNAMSIZ);
	EXPECT_EQ(64, NETMAP_MAX_FRAGS);
	EXPECT_EQ(256, NM_IFRDATA_LEN);
	EXPECT_STREQ("vale", NM_BDG_NAME);
	EXPECT_STREQ("/dev/netmap", NETMAP_DEVICE_NAME);

	/* request types and their order */
	EXPECT_EQ(1, NETMAP_REQ_REGISTER);
	EXPECT_EQ(2, NETMAP_REQ_PORT_INFO_GET);
	EXPECT_EQ(3, NETMAP_REQ_VALE_ATTACH);
	EXPECT_EQ(4, NETMAP_REQ_VALE_DETACH);
	EXPECT_EQ(5, NETMAP_REQ_VALE_LIST);
	EXPECT_EQ(6, NETMAP_REQ_PORT_HDR_SET);
	EXPECT_EQ(7, NETMAP_REQ_PORT_HDR_GET);
	EXPECT_EQ(8, NETMAP_REQ_VALE_NEWIF);
	EXPECT_EQ(9, NETMAP_REQ_VALE_DELIF);
	EXPECT_EQ(10, NETMAP_REQ_VALE_POLLING_ENABLE);
	EXPECT_EQ(11, NETMAP_REQ_VALE_POLLING_DISABLE);
	EXPECT_EQ(12, NETMAP_REQ_POOLS_INFO_GET);
	EXPECT_EQ(13, NETMAP_REQ_SYNC_KLOOP_START);
	EXPECT_EQ(14, NETMAP_REQ_SYNC_KLOOP_STOP);
	EXPECT_EQ(15, NETMAP_REQ_CSB_ENABLE);

	EXPECT_EQ(1, NETMAP_REQ_OPT_EXTMEM);
	EXPECT_EQ(2, NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS);
	EXPECT_EQ(3, NETMAP_REQ_OPT_CSB);
	EXPECT_EQ(4, NETMAP_REQ_OPT_SYNC_KLOOP_MODE);
	EXPECT_EQ(5, NETMAP_REQ_OPT_OFFSETS);
	EXPECT_EQ(6, NETMAP_REQ_OPT_MAX);

	EXPECT_EQ(0, NR_REG_DEFAULT);
	EXPECT_EQ(1, NR_REG_ALL_NIC);
	EXPECT_EQ(2, NR_REG_SW);
	EXPECT_EQ(3, NR_REG_NIC_SW);
	EXPECT_EQ(4, NR_REG_ONE_NIC);
	EXPECT_EQ(5, NR_REG_PIPE_MASTER);
	EXPECT_EQ(6, NR_REG_PIPE_SLAVE);
	EXPECT_EQ(7, NR_REG_NULL);
	EXPECT_EQ(8, NR_REG_ONE_SW);

	EXPECT_EQ(0x100, NR_MONITOR_TX);
	EXPECT_EQ(0x200, NR_MONITOR_RX);
	EXPECT_EQ(0x400, NR_ZCOPY_MON);
	EXPECT_EQ(0x800, NR_EXCLUSIVE);
	EXPECT_EQ(0x2000, NR_RX_RINGS_ONLY);
	EXPECT_EQ(0x4000, NR_TX_RINGS_ONLY);
	EXPECT_EQ(0x8000, NR_ACCEPT_VNET_HDR);
	EXPECT_EQ(0x10000, NR_DO_RX_POLL);
	EXPECT_EQ(0x20000, NR_NO_TX_POLL);

	EXPECT_EQ(0x1, NS_BUF_CHANGED);
	EXPECT_EQ(0x2, NS_REPORT);
	EXPECT_EQ(0x4, NS_FORWARD);
	EXPECT_EQ(0x8, NS_NO_LEARN);
	EXPECT_EQ(0x10, NS_INDIRECT);
	EXPECT_EQ(0x20, NS_MOREFRAG);
	EXPECT_EQ(0x40, NS_TXMON);
	EXPECT_EQ(8, NS_PORT_SHIFT);
	EXPECT_EQ(0xff00, NS_PORT_MASK);

	EXPECT_EQ(0x2, NR_TIMESTAMP);
	EXPECT_EQ(0x4, NR_FORWARD);
	EXPECT_EQ(0x1, NI_PRIV_MEM);

	EXPECT_EQ(0x0fff, NETMAP_RING_MASK);
	EXPECT_EQ(0x1000, NETMAP_NO_TX_POLL);
	EXPECT_EQ(0x2000, NETMAP_SW_RING);
	EXPECT_EQ(0x4000, NETMAP_HW_RING);
	EXPECT_EQ(0x8000, NETMAP_DO_RX_POLL);
	EXPECT_EQ(0xf, NR_REG_MASK);
	EXPECT_EQ(0x40000, NM_OPEN_NO_MMAP);
	EXPECT_EQ(0x80000, NM_OPEN_IFNAME);
	EXPECT_EQ(0x100000, NM_OPEN_ARG1);
	EXPECT_EQ(0x200000, NM_OPEN_ARG2);
	EXPECT_EQ(0x400000, NM_OPEN_ARG3);
	EXPECT_EQ(0x800000, NM_OPEN_RING_CFG);

	EXPECT_EQ(1, NETMAP_BDG_ATTACH);
	EXPECT_EQ(2, NETMAP_BDG_DETACH);
	EXPECT_EQ(3, NETMAP_BDG_REGOPS);
	EXPECT_EQ(4, NETMAP_BDG_LIST);
	EXPECT_EQ(5, NETMAP_BDG_VNET_HDR);
	EXPECT_EQ(6, NETMAP_BDG_NEWIF);
	EXPECT_EQ(7, NETMAP_BDG_DELIF);
	EXPECT_EQ(8, NETMAP_PT_HOST_CREATE);
	EXPECT_EQ(9, NETMAP_PT_HOST_DELETE);
	EXPECT_EQ(10, NETMAP_BDG_POLLING_ON);
	EXPECT_EQ(11, NETMAP_BDG_POLLING_OFF);
	EXPECT_EQ(12, NETMAP_VNET_HDR_GET);
	EXPECT_EQ(1, NETMAP_BDG_HOST);

	EXPECT_EQ(1, NETMAP_POLLING_MODE_SINGLE_CPU);
	EXPECT_EQ(2, NETMAP_POLLING_MODE_MULTI_CPU);
	EXPECT_EQ(1, NM_OPT_SYNC_KLOOP_DIRECT_TX);
	EXPECT_EQ(2, NM_OPT_SYNC_KLOOP_DIRECT_RX);
}

TEST(rfrags_macro)
{
	struct netmap_slot s = { .flags = 0x0520 };

	EXPECT_EQ(5, NS_RFRAGS(&s));
	EXPECT_EQ(NS_MOREFRAG, s.flags & ~NS_PORT_MASK);
}

TEST_HARNESS_MAIN
