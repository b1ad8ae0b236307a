// SPDX-License-Identifier: GPL-2.0
/*
 * nm_fuzz: port names, option chains, NIOCCTRL and NIOCREGIF requests,
 * mmap with odd offsets and lengths.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

static const char *const names[] = {
	"fzv0", "fzv1", "fzp0", "fzp1",			/* veth ends */
	"fzv0{1", "fzv0}1", "fzp1{7", "fzp1}7",		/* pipes on a netdev */
	"fzx{2", "fzx}2", "fzx{3", "fzx}3",		/* pipes, no parent */
	"fzv0{", "}", "{", "fzv0{1}2", "fzv0}}1",	/* bad pipe names */
	"vale0:a", "valex", "lo", "nosuch", "",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static void rand_name(struct rng *r, char *buf, size_t size)
{
	size_t i;

	if (!chance(r, 8)) {
		snprintf(buf, size, "%s", names[rn(r, NNAMES)]);
		return;
	}
	/* garbage, sometimes without a terminator */
	for (i = 0; i < size; i++)
		buf[i] = (char)rn(r, 256);
	if (chance(r, 50))
		buf[rn(r, size)] = '\0';
}

static enum ptype name_type(const char *name, uint32_t mode)
{
	if (mode == NR_REG_NULL)
		return PT_NULL;
	if (strpbrk(name, "{}"))
		return PT_PIPE;
	if (mode == NR_REG_SW || mode == NR_REG_NIC_SW || mode == NR_REG_ONE_SW)
		return PT_HOST;
	return PT_HW;
}

/* ---- option chains ---- */

struct optbuf {
	_Alignas(8) char slot[MAXOPTS][OPTSLOT];
};

static uint64_t uptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* A random chain in @ob; returns its user pointer (maybe bad). */
static uint64_t rand_opts(struct rng *r, struct optbuf *ob)
{
	unsigned int n = 1 + rn(r, MAXOPTS), i;

	for (i = 0; i < MAXOPTS; i++) {
		char *s = ob->slot[i];
		struct nmreq_option *o = (struct nmreq_option *)s;
		uint32_t k;

		for (k = 0; k < OPTSLOT; k++)
			s[k] = chance(r, 70) ? 0 : (char)rnd(r);
		o->nro_reqtype = chance(r, 80) ? rn(r, NETMAP_REQ_OPT_MAX + 2) :
						 (uint32_t)rnd(r);
		o->nro_size = chance(r, 70) ? sizeof(*o) + rn(r, 96) :
					      edgy(r, 4096);
		o->nro_status = (uint32_t)rnd(r);
		if (i + 1 < n)
			o->nro_next = uptr(ob->slot[i + 1]);
		else
			o->nro_next = 0;
		switch (rn(r, 20)) {
		case 0:
			o->nro_next = uptr(o);			/* self loop */
			break;
		case 1:
			o->nro_next = uptr(ob->slot[rn(r, i + 1)]);	/* back */
			break;
		case 2:
			o->nro_next = uptr(g_badptr);
			break;
		case 3:
			o->nro_next = uptr(s + 1 + rn(r, 7));	/* misaligned */
			break;
		case 4:
			o->nro_next = 0xffff888000000000ull;	/* kernel */
			break;
		}
	}
	switch (rn(r, 20)) {
	case 0:
		return uptr(g_badptr);
	case 1:
		return uptr(g_badptr - sizeof(struct nmreq_option) / 2);
	default:
		return uptr(ob->slot[0]);
	}
}

/* ---- requests ---- */

static void rand_register(struct rng *r, struct nmreq_register *reg)
{
	static const uint32_t modes[] = { NR_REG_ALL_NIC, NR_REG_ALL_NIC,
					  NR_REG_ONE_NIC, NR_REG_SW,
					  NR_REG_NIC_SW, NR_REG_ONE_SW,
					  NR_REG_NULL };
	static const uint64_t flags[] = { NR_EXCLUSIVE, NR_RX_RINGS_ONLY,
					  NR_TX_RINGS_ONLY, NR_DO_RX_POLL,
					  NR_NO_TX_POLL, NR_ACCEPT_VNET_HDR,
					  NR_MONITOR_TX, NR_ZCOPY_MON };
	unsigned int i;

	memset(reg, 0, sizeof(*reg));
	reg->nr_mode = chance(r, 85) ? modes[rn(r, 7)] : edgy(r, 10);
	reg->nr_ringid = chance(r, 85) ? rn(r, 5) : (uint16_t)rnd(r);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (chance(r, 6))
			reg->nr_flags |= flags[i];
	if (chance(r, 3))
		reg->nr_flags = rnd(r);
	if (chance(r, 25))
		reg->nr_extra_bufs = chance(r, 90) ? rn(r, 300) : edgy(r, 200000);
	if (chance(r, 20))
		reg->nr_mem_id = chance(r, 50) ? 1 : (uint16_t)edgy(r, 4);
	if (chance(r, 20)) {
		reg->nr_host_tx_rings = (uint16_t)edgy(r, 4);
		reg->nr_host_rx_rings = (uint16_t)edgy(r, 4);
	}
	if (chance(r, 20)) {
		reg->nr_tx_slots = edgy(r, 1024);
		reg->nr_rx_slots = edgy(r, 1024);
		reg->nr_tx_rings = (uint16_t)edgy(r, 4);
		reg->nr_rx_rings = (uint16_t)edgy(r, 4);
	}
	if (chance(r, 3))
		reg->nr_offset = rnd(r), reg->nr_memsize = rnd(r);
}

static void fz_map(struct rng *r, struct fzfd *f)
{
	void *m;

	if (!f->bound || f->map || !f->memsize || f->memsize > SIZE_MAX)
		return;
	m = mmap(NULL, f->memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
		 f->fd, 0);
	if (m == MAP_FAILED) {
		atomic_fetch_add(&st->mmap_err, 1);
		return;
	}
	atomic_fetch_add(&st->mmap_ok, 1);
	f->map = m;
	f->maplen = f->memsize;
	if (!touch_pages(f->map, f->maplen, r))
		bad(&st->bad_fault, "fault in a whole-region mapping of %" PRIu64
		    " bytes", f->memsize);
}

void op_register(struct rng *r, struct fzfd *f)
{
	struct nmreq_header h;
	struct nmreq_register reg;
	struct optbuf ob;
	int err;

	if (f->fd < 0)
		return;
	rand_register(r, &reg);
	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = NETMAP_REQ_REGISTER;
	h.nr_body = uptr(&reg);
	rand_name(r, h.nr_name, sizeof(h.nr_name));
	if (chance(r, 15))
		h.nr_options = rand_opts(r, &ob);
	err = ioctl(f->fd, NIOCCTRL, &h) ? errno : 0;
	if (err) {
		atomic_fetch_add(&st->reg_err, 1);
		return;
	}
	h.nr_name[sizeof(h.nr_name) - 1] = '\0';
	f->bound = true;
	f->reg = reg;
	f->type = name_type(h.nr_name, reg.nr_mode);
	f->memsize = reg.nr_memsize;
	atomic_fetch_add(&st->reg_ok[f->type], 1);
	if (chance(r, 85))
		fz_map(r, f);
}

void op_legacy(struct rng *r, struct fzfd *f)
{
	struct nmreq nmr;

	if (f->fd < 0)
		return;
	memset(&nmr, 0, sizeof(nmr));
	rand_name(r, nmr.nr_name, sizeof(nmr.nr_name));
	nmr.nr_version = chance(r, 90) ? NETMAP_API : edgy(r, NETMAP_API);
	nmr.nr_ringid = chance(r, 70) ? rn(r, 4) : (uint16_t)rnd(r);
	if (chance(r, 20))
		nmr.nr_ringid |= NETMAP_SW_RING;
	if (chance(r, 20))
		nmr.nr_ringid |= NETMAP_HW_RING;
	nmr.nr_flags = chance(r, 80) ? rn(r, 9) : (uint32_t)rnd(r);
	nmr.nr_cmd = chance(r, 85) ? 0 : (uint16_t)edgy(r, 13);
	nmr.nr_arg2 = chance(r, 80) ? 0 : (uint16_t)edgy(r, 3);
	nmr.nr_arg3 = chance(r, 80) ? 0 : edgy(r, 100);
	if (chance(r, 25)) {
		ioctl(f->fd, NIOCGINFO, &nmr);
		return;
	}
	if (ioctl(f->fd, NIOCREGIF, &nmr)) {
		atomic_fetch_add(&st->reg_err, 1);
		return;
	}
	f->bound = true;
	f->type = PT_LEGACY;
	memset(&f->reg, 0, sizeof(f->reg));
	f->reg.nr_offset = nmr.nr_offset;
	f->reg.nr_tx_rings = nmr.nr_tx_rings;
	f->reg.nr_rx_rings = nmr.nr_rx_rings;
	f->memsize = nmr.nr_memsize;
	atomic_fetch_add(&st->reg_ok[PT_LEGACY], 1);
	if (chance(r, 85))
		fz_map(r, f);
}

/* Header fields and pointers mutated away from a valid request. */
void op_ctrl_mutated(struct rng *r, int fd)
{
	_Alignas(8) char body[512];
	struct nmreq_header h;
	struct optbuf ob;
	unsigned int i;

	if (fd < 0)
		return;
	for (i = 0; i < sizeof(body); i++)
		body[i] = chance(r, 60) ? 0 : (char)rnd(r);
	memset(&h, 0, sizeof(h));
	h.nr_version = chance(r, 80) ? NETMAP_API : (uint16_t)edgy(r, NETMAP_API);
	h.nr_reqtype = chance(r, 80) ? rn(r, NETMAP_REQ_CSB_ENABLE + 3) :
				       (uint16_t)rnd(r);
	h.nr_reserved = chance(r, 90) ? 0 : (uint16_t)rnd(r);
	rand_name(r, h.nr_name, sizeof(h.nr_name));
	switch (rn(r, 6)) {
	case 0:
		h.nr_body = 0;
		break;
	case 1:
		h.nr_body = uptr(g_badptr);
		break;
	case 2:
		h.nr_body = uptr(g_badptr - 8);	/* straddles into it */
		break;
	case 3:
		h.nr_body = uptr(body + 1 + rn(r, 7));
		break;
	default:
		h.nr_body = uptr(body);
		break;
	}
	if (chance(r, 40))
		h.nr_options = rand_opts(r, &ob);
	atomic_fetch_add(&st->ctrl_mut, 1);
	if (ioctl(fd, NIOCCTRL, chance(r, 3) ? (void *)g_badptr : (void *)&h))
		return;
	/* It may have been a valid REGISTER: this fd is now bound. */
}

void op_info(struct rng *r, int fd)
{
	struct nmreq_pools_info pi;
	struct nmreq_port_info_get pinfo;
	struct nmreq_header h;

	if (fd < 0)
		return;
	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	rand_name(r, h.nr_name, sizeof(h.nr_name));
	if (chance(r, 50)) {
		memset(&pi, 0, sizeof(pi));
		pi.nr_mem_id = (uint16_t)edgy(r, 3);
		h.nr_reqtype = NETMAP_REQ_POOLS_INFO_GET;
		h.nr_body = uptr(&pi);
	} else {
		memset(&pinfo, 0, sizeof(pinfo));
		pinfo.nr_mem_id = chance(r, 50) ? 0 : (uint16_t)edgy(r, 3);
		h.nr_reqtype = NETMAP_REQ_PORT_INFO_GET;
		h.nr_body = uptr(&pinfo);
	}
	ioctl(fd, NIOCCTRL, &h);
}

/* mmap with odd offsets and lengths: what is accepted must be inside. */
void op_mmap_odd(struct rng *r, struct fzfd *f)
{
	uint64_t size = f->memsize, off, len;
	int prot, flags;
	void *m;

	if (f->fd < 0)
		return;
	switch (rn(r, 7)) {
	case 0:
		off = 0;
		break;
	case 1:
		off = (uint64_t)g_page * rn(r, 1 + (uint32_t)(size / g_page));
		break;
	case 2:
		off = size;
		break;
	case 3:
		off = size > (uint64_t)g_page ? size - g_page : 0;
		break;
	case 4:
		off = rn(r, 1u << 20) | 1;		/* unaligned */
		break;
	case 5:
		off = (uint64_t)edgy(r, 0) * g_page;
		break;
	default:
		off = 0x7ffffffff000ull & -(uint64_t)g_page;
		break;
	}
	switch (rn(r, 7)) {
	case 0:
		len = 0;
		break;
	case 1:
		len = 1 + rn(r, g_page);
		break;
	case 2:
		len = g_page;
		break;
	case 3:
		len = size;
		break;
	case 4:
		len = size + g_page;
		break;
	case 5:
		len = size > off ? size - off : g_page;
		break;
	default:
		len = (uint64_t)g_page * (1 + rn(r, 256));
		break;
	}
	if (len > (1ull << 40))
		return;
	prot = chance(r, 80) ? PROT_READ | PROT_WRITE :
	       (int)rn(r, 8) & (PROT_READ | PROT_WRITE | PROT_EXEC);
	flags = chance(r, 85) ? MAP_SHARED : MAP_PRIVATE;
	m = mmap(NULL, len, prot, flags, f->fd, (off_t)off);
	if (m == MAP_FAILED) {
		atomic_fetch_add(&st->mmap_err, 1);
		return;
	}
	atomic_fetch_add(&st->mmap_ok, 1);
	len = (len + g_page - 1) & -(uint64_t)g_page;
	if (f->bound && size && (off >= size || len > size - off))
		bad(&st->bad_map, "mmap offset %#" PRIx64 " length %#" PRIx64
		    " accepted, region is %#" PRIx64 " bytes", off, len, size);
	else if ((prot & PROT_READ) && !touch_pages(m, len, r))
		bad(&st->bad_fault, "fault in a mapping at offset %#" PRIx64
		    " length %#" PRIx64, off, len);
	if (chance(r, 50) && len > (uint64_t)g_page)
		munmap((char *)m + g_page, g_page);	/* split the vma */
	munmap(m, len);
}
