// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy NIOCREGIF / NIOCGINFO: translate a struct nmreq into the
 * equivalent NIOCCTRL request, run it, and translate the answer back.
 * libpcap, QEMU and every nm_open() user still go through here.
 *
 * The 60-byte struct is always copied back; the fields the request
 * produces are updated only on success, so the rest echoes the input.
 */
#include <linux/uaccess.h>

#include "netmap_kern.h"

/* NR_REG_* from the legacy nr_flags low nibble or the nr_ringid bits. */
static u32 nm_legacy_mode(const struct nmreq *nmr)
{
	u32 mode = nmr->nr_flags & NR_REG_MASK;

	if (mode != NR_REG_DEFAULT)
		return mode;
	if (nmr->nr_ringid & NETMAP_SW_RING)
		return NR_REG_SW;
	if (nmr->nr_ringid & NETMAP_HW_RING)
		return NR_REG_ONE_NIC;
	return NR_REG_ALL_NIC;
}

static int nm_legacy_register(struct nm_priv *priv, struct nmreq *nmr)
{
	struct nmreq_header hdr = {
		.nr_version = NETMAP_API,
		.nr_reqtype = NETMAP_REQ_REGISTER,
	};
	struct nmreq_register reg = {
		.nr_tx_slots = nmr->nr_tx_slots,
		.nr_rx_slots = nmr->nr_rx_slots,
		.nr_tx_rings = nmr->nr_tx_rings,
		.nr_rx_rings = nmr->nr_rx_rings,
		.nr_mem_id = nmr->nr_arg2,
		.nr_ringid = nmr->nr_ringid & NETMAP_RING_MASK,
		.nr_mode = nm_legacy_mode(nmr),
		.nr_extra_bufs = nmr->nr_arg3,
		.nr_flags = nmr->nr_flags & ~(u32)NR_REG_MASK,
	};
	int err;

	if (nmr->nr_ringid & NETMAP_NO_TX_POLL)
		reg.nr_flags |= NR_NO_TX_POLL;
	if (nmr->nr_ringid & NETMAP_DO_RX_POLL)
		reg.nr_flags |= NR_DO_RX_POLL;

	strscpy(hdr.nr_name, nmr->nr_name, sizeof(hdr.nr_name));
	if (reg.nr_mode == NR_REG_PIPE_MASTER ||
	    reg.nr_mode == NR_REG_PIPE_SLAVE) {
		/* Old pipe modes become the name{N / name}N syntax. */
		size_t len = strlen(hdr.nr_name);
		int n;

		n = snprintf(hdr.nr_name + len, sizeof(hdr.nr_name) - len,
			     "%c%u",
			     reg.nr_mode == NR_REG_PIPE_MASTER ? '{' : '}',
			     reg.nr_ringid);
		if (n < 0 || len + n >= sizeof(hdr.nr_name))
			return -ENOMEM;
		reg.nr_mode = NR_REG_ALL_NIC;
		reg.nr_ringid = 0;
	}

	err = nm_ctrl_dispatch(priv, &hdr, &reg);
	if (err)
		return err;
	nm_bind_publish(priv);
	/* The legacy struct only has room for 32 bits. */
	nmr->nr_offset = (u32)reg.nr_offset;
	nmr->nr_memsize = (u32)reg.nr_memsize;
	nmr->nr_tx_slots = reg.nr_tx_slots;
	nmr->nr_rx_slots = reg.nr_rx_slots;
	nmr->nr_tx_rings = reg.nr_tx_rings;
	nmr->nr_rx_rings = reg.nr_rx_rings;
	nmr->nr_arg2 = reg.nr_mem_id;
	nmr->nr_arg3 = reg.nr_extra_bufs;
	return 0;
}

static int nm_legacy_info(struct nm_priv *priv, struct nmreq *nmr)
{
	struct nmreq_header hdr = {
		.nr_version = NETMAP_API,
		.nr_reqtype = NETMAP_REQ_PORT_INFO_GET,
	};
	struct nmreq_port_info_get info = {
		.nr_tx_slots = nmr->nr_tx_slots,
		.nr_rx_slots = nmr->nr_rx_slots,
		.nr_tx_rings = nmr->nr_tx_rings,
		.nr_rx_rings = nmr->nr_rx_rings,
		.nr_mem_id = nmr->nr_arg2,
	};
	int err;

	strscpy(hdr.nr_name, nmr->nr_name, sizeof(hdr.nr_name));
	err = nm_ctrl_dispatch(priv, &hdr, &info);
	if (err)
		return err;
	nmr->nr_memsize = (u32)info.nr_memsize;
	nmr->nr_tx_slots = info.nr_tx_slots;
	nmr->nr_rx_slots = info.nr_rx_slots;
	nmr->nr_tx_rings = info.nr_tx_rings;
	nmr->nr_rx_rings = info.nr_rx_rings;
	nmr->nr_arg2 = info.nr_mem_id;
	return 0;
}

/**
 * nm_legacy_ioctl() - NIOCREGIF and NIOCGINFO
 * @priv: the fd's state
 * @cmd: NIOCREGIF or NIOCGINFO
 * @uarg: user pointer to a struct nmreq
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
long nm_legacy_ioctl(struct nm_priv *priv, unsigned int cmd,
		     void __user *uarg)
{
	struct nmreq nmr;
	int err;

	if (copy_from_user(&nmr, uarg, sizeof(nmr)))
		return -EFAULT;
	nmr.nr_name[sizeof(nmr.nr_name) - 1] = '\0';
	if (nmr.nr_version < NETMAP_API)
		return -EINVAL;

	if (cmd == NIOCGINFO) {
		/* NETMAP_BDG_LIST would be a VALE listing: not built. */
		err = nmr.nr_cmd == NETMAP_BDG_LIST ? -EOPNOTSUPP :
						      nm_legacy_info(priv, &nmr);
	} else {
		switch (nmr.nr_cmd) {
		case 0:
			err = nm_legacy_register(priv, &nmr);
			break;
		case NETMAP_PT_HOST_CREATE:
		case NETMAP_PT_HOST_DELETE:
			err = -EINVAL;
			break;
		default:
			/* VALE commands: not built. */
			err = nmr.nr_cmd <= NETMAP_VNET_HDR_GET ? -EOPNOTSUPP :
								 -EINVAL;
			break;
		}
	}

	if (copy_to_user(uarg, &nmr, sizeof(nmr)) && !err)
		err = -EFAULT;
	return err;
}
