// SPDX-License-Identifier: BSD-2-Clause
/*
 * libnetmap: ports (struct nmport_d), from a port specification to bound,
 * mapped rings and back.
 *
 * Everything parse adds to a descriptor (options, user memory mapped from
 * a file) is recorded as an undo action on d->clist, run in reverse order
 * by nmport_undo_parse(). Mappings are shared between every descriptor of
 * a context that uses the same allocator (struct nmem_d, refcounted, on
 * ctx->mem_descs under the context lock).
 *
 * Error paths keep errno as set by the step that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* nm_priv_inject() is shared with the header-only nm_inject() */
#define NETMAP_WITH_LIBS
#include "libnetmap.h"

struct nmport_cleanup_d {
	struct nmport_cleanup_d *next;
	void (*undo)(struct nmport_cleanup_d *c, struct nmport_d *d);
};

/* undo for an option the library allocated and pushed on d->hdr */
struct nmport_opt_cleanup {
	struct nmport_cleanup_d up;
	struct nmreq_option *opt;
};

/* undo for a file mapped by nmport_extmem_from_file() */
struct nmport_map_cleanup {
	struct nmport_cleanup_d up;
	void *addr;
	size_t size;
};

static void nmport_push_cleanup(struct nmport_d *d, struct nmport_cleanup_d *c)
{
	c->next = d->clist;
	d->clist = c;
}

static void nmport_opt_undo(struct nmport_cleanup_d *c, struct nmport_d *d)
{
	struct nmport_opt_cleanup *oc = (struct nmport_opt_cleanup *)c;

	nmreq_remove_option(&d->hdr, oc->opt);
	if (d->extmem == (struct nmreq_opt_extmem *)oc->opt)
		d->extmem = NULL;
	nmctx_free(d->ctx, oc->opt);
}

static void nmport_map_undo(struct nmport_cleanup_d *c, struct nmport_d *d)
{
	struct nmport_map_cleanup *mc = (struct nmport_map_cleanup *)c;

	(void)d;
	munmap(mc->addr, mc->size);
}

/*
 * Allocate a zeroed option of size bytes and type, push it on d->hdr and
 * record its undo. NULL (errno ENOMEM) on failure.
 */
static struct nmreq_option *nmport_add_option(struct nmport_d *d,
					      uint32_t type, size_t size)
{
	struct nmport_opt_cleanup *c;
	struct nmreq_option *o;

	o = (struct nmreq_option *)nmctx_malloc(d->ctx, size);
	c = (struct nmport_opt_cleanup *)nmctx_malloc(d->ctx, sizeof(*c));
	if (!o || !c) {
		nmctx_free(d->ctx, o);
		nmctx_free(d->ctx, c);
		nmctx_ferror(d->ctx, "%s: out of memory for option %s",
			     d->hdr.nr_name, nmreq_option_name(type));
		errno = ENOMEM;
		return NULL;
	}
	memset(o, 0, size);
	o->nro_reqtype = type;
	o->nro_size = size;
	nmreq_push_option(&d->hdr, o);
	c->opt = o;
	c->up.undo = nmport_opt_undo;
	nmport_push_cleanup(d, &c->up);
	return o;
}

static struct nmport_d *nmport_new_in(struct nmctx *ctx)
{
	struct nmport_d *d;

	d = (struct nmport_d *)nmctx_malloc(ctx, sizeof(*d));
	if (!d) {
		nmctx_ferror(ctx, "cannot allocate a port descriptor");
		errno = ENOMEM;
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	nmreq_header_init(&d->hdr, NETMAP_REQ_REGISTER, &d->reg);
	d->ctx = ctx;
	d->fd = -1;
	return d;
}

struct nmport_d *nmport_new(void)
{
	return nmport_new_in(nmctx_get());
}

void nmport_delete(struct nmport_d *d)
{
	if (d)
		nmctx_free(d->ctx, d);
}

/* ---- built-in options: @share, @conf, @extmem, @offset ---- */

/* A non-negative decimal number not above max, or -1. */
static long long nmport_number(const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	return (long long)v;
}

/* key id of pctx as a number not above max; absent: leaves *out alone */
static int nmport_opt_number(struct nmreq_parse_ctx *pctx, int id,
			     const char *opt, const char *key,
			     unsigned long long max, uint64_t *out)
{
	const char *s = pctx->keys[id];
	long long v;

	if (!s)
		return 0;
	v = nmport_number(s, max);
	if (v < 0) {
		nmctx_ferror(pctx->ctx, "option %s: %s='%s' is not a number "
			     "from 0 to %llu", opt, key, s, max);
		errno = EINVAL;
		return -1;
	}
	*out = (uint64_t)v;
	return 1;
}

enum { NMPORT_SHARE_PORT };

static int nmport_share_parse(struct nmreq_parse_ctx *pctx)
{
	struct nmport_d *d = (struct nmport_d *)pctx->token;
	const char *port = pctx->keys[NMPORT_SHARE_PORT];
	int32_t id;

	id = nmreq_get_mem_id(&port, pctx->ctx);
	if (id < 0)
		return -1;
	if (*port) {
		nmctx_ferror(pctx->ctx, "option share: '%s' after the port "
			     "name", port);
		errno = EINVAL;
		return -1;
	}
	if (d->reg.nr_mem_id && d->reg.nr_mem_id != id) {
		nmctx_ferror(pctx->ctx, "option share: memory %d conflicts "
			     "with %u", id, d->reg.nr_mem_id);
		errno = EINVAL;
		return -1;
	}
	d->reg.nr_mem_id = (uint16_t)id;
	return 0;
}

enum {
	NMPORT_CONF_RINGS, NMPORT_CONF_HOST_RINGS, NMPORT_CONF_SLOTS,
	NMPORT_CONF_TX_RINGS, NMPORT_CONF_RX_RINGS, NMPORT_CONF_HOST_TX_RINGS,
	NMPORT_CONF_HOST_RX_RINGS, NMPORT_CONF_TX_SLOTS, NMPORT_CONF_RX_SLOTS,
	NMPORT_CONF_NKEYS
};

static int nmport_conf_parse(struct nmreq_parse_ctx *pctx)
{
	static const struct {
		const char *key;
		unsigned long long max;
	} k[NMPORT_CONF_NKEYS] = {
		{ "rings", UINT16_MAX }, { "host-rings", UINT16_MAX },
		{ "slots", UINT32_MAX }, { "tx-rings", UINT16_MAX },
		{ "rx-rings", UINT16_MAX }, { "host-tx-rings", UINT16_MAX },
		{ "host-rx-rings", UINT16_MAX }, { "tx-slots", UINT32_MAX },
		{ "rx-slots", UINT32_MAX },
	};
	struct nmport_d *d = (struct nmport_d *)pctx->token;
	struct nmreq_register *r = &d->reg;
	uint64_t v[NMPORT_CONF_NKEYS];
	int set[NMPORT_CONF_NKEYS];
	int i;

	for (i = 0; i < NMPORT_CONF_NKEYS; i++) {
		set[i] = nmport_opt_number(pctx, i, "conf", k[i].key, k[i].max,
					   &v[i]);
		if (set[i] < 0)
			return -1;
	}
	/* the generic keys first, the specific ones override them */
	if (set[NMPORT_CONF_RINGS])
		r->nr_tx_rings = r->nr_rx_rings = (uint16_t)v[NMPORT_CONF_RINGS];
	if (set[NMPORT_CONF_HOST_RINGS])
		r->nr_host_tx_rings = r->nr_host_rx_rings =
			(uint16_t)v[NMPORT_CONF_HOST_RINGS];
	if (set[NMPORT_CONF_SLOTS])
		r->nr_tx_slots = r->nr_rx_slots =
			(uint32_t)v[NMPORT_CONF_SLOTS];
	if (set[NMPORT_CONF_TX_RINGS])
		r->nr_tx_rings = (uint16_t)v[NMPORT_CONF_TX_RINGS];
	if (set[NMPORT_CONF_RX_RINGS])
		r->nr_rx_rings = (uint16_t)v[NMPORT_CONF_RX_RINGS];
	if (set[NMPORT_CONF_HOST_TX_RINGS])
		r->nr_host_tx_rings = (uint16_t)v[NMPORT_CONF_HOST_TX_RINGS];
	if (set[NMPORT_CONF_HOST_RX_RINGS])
		r->nr_host_rx_rings = (uint16_t)v[NMPORT_CONF_HOST_RX_RINGS];
	if (set[NMPORT_CONF_TX_SLOTS])
		r->nr_tx_slots = (uint32_t)v[NMPORT_CONF_TX_SLOTS];
	if (set[NMPORT_CONF_RX_SLOTS])
		r->nr_rx_slots = (uint32_t)v[NMPORT_CONF_RX_SLOTS];
	return 0;
}

enum {
	NMPORT_EXTMEM_FILE, NMPORT_EXTMEM_IF_NUM, NMPORT_EXTMEM_IF_SIZE,
	NMPORT_EXTMEM_RING_NUM, NMPORT_EXTMEM_RING_SIZE, NMPORT_EXTMEM_BUF_NUM,
	NMPORT_EXTMEM_BUF_SIZE, NMPORT_EXTMEM_NKEYS
};

static int nmport_extmem_parse(struct nmreq_parse_ctx *pctx)
{
	static const char *const key[NMPORT_EXTMEM_NKEYS] = {
		"file", "if-num", "if-size", "ring-num", "ring-size",
		"buf-num", "buf-size",
	};
	struct nmport_d *d = (struct nmport_d *)pctx->token;
	struct nmreq_pools_info *pi;
	uint32_t *field[NMPORT_EXTMEM_NKEYS];
	uint64_t v;
	int i, r;

	/* check the numbers before mapping anything */
	for (i = NMPORT_EXTMEM_IF_NUM; i < NMPORT_EXTMEM_NKEYS; i++)
		if (nmport_opt_number(pctx, i, "extmem", key[i], UINT32_MAX,
				      &v) < 0)
			return -1;
	if (nmport_extmem_from_file(d, pctx->keys[NMPORT_EXTMEM_FILE]) < 0)
		return -1;
	pi = nmport_extmem_getinfo(d);
	field[NMPORT_EXTMEM_IF_NUM] = &pi->nr_if_pool_objtotal;
	field[NMPORT_EXTMEM_IF_SIZE] = &pi->nr_if_pool_objsize;
	field[NMPORT_EXTMEM_RING_NUM] = &pi->nr_ring_pool_objtotal;
	field[NMPORT_EXTMEM_RING_SIZE] = &pi->nr_ring_pool_objsize;
	field[NMPORT_EXTMEM_BUF_NUM] = &pi->nr_buf_pool_objtotal;
	field[NMPORT_EXTMEM_BUF_SIZE] = &pi->nr_buf_pool_objsize;
	for (i = NMPORT_EXTMEM_IF_NUM; i < NMPORT_EXTMEM_NKEYS; i++) {
		r = nmport_opt_number(pctx, i, "extmem", key[i], UINT32_MAX,
				      &v);
		if (r > 0)
			*field[i] = (uint32_t)v;
	}
	return 0;
}

enum { NMPORT_OFFSET_INITIAL, NMPORT_OFFSET_BITS };

static int nmport_offset_parse(struct nmreq_parse_ctx *pctx)
{
	struct nmport_d *d = (struct nmport_d *)pctx->token;
	uint64_t initial = 0, bits = 0;

	if (nmport_opt_number(pctx, NMPORT_OFFSET_INITIAL, "offset",
			      "initial", UINT64_MAX / 2, &initial) < 0 ||
	    nmport_opt_number(pctx, NMPORT_OFFSET_BITS, "offset", "bits", 64,
			      &bits) < 0)
		return -1;
	return nmport_offset(d, initial, initial, bits, 0);
}

#define NMPORT_KEY(name, id, flags) { name, id, flags }

static struct nmreq_opt_parser nmport_opt_offset = {
	.prefix = "offset",
	.parse = nmport_offset_parse,
	.default_key = NMPORT_OFFSET_INITIAL,
	.nr_keys = 2,
	.flags = NMREQ_OPTF_DISABLED,
	.next = NULL,
	.keys = {
		NMPORT_KEY("initial", NMPORT_OFFSET_INITIAL,
			   NMREQ_OPTK_DEFAULT | NMREQ_OPTK_MUSTSET),
		NMPORT_KEY("bits", NMPORT_OFFSET_BITS, 0),
	},
};

static struct nmreq_opt_parser nmport_opt_extmem = {
	.prefix = "extmem",
	.parse = nmport_extmem_parse,
	.default_key = NMPORT_EXTMEM_FILE,
	.nr_keys = NMPORT_EXTMEM_NKEYS,
	.flags = 0,
	.next = &nmport_opt_offset,
	.keys = {
		NMPORT_KEY("file", NMPORT_EXTMEM_FILE,
			   NMREQ_OPTK_DEFAULT | NMREQ_OPTK_MUSTSET),
		NMPORT_KEY("if_num", NMPORT_EXTMEM_IF_NUM, 0),
		NMPORT_KEY("if_size", NMPORT_EXTMEM_IF_SIZE, 0),
		NMPORT_KEY("ring_num", NMPORT_EXTMEM_RING_NUM, 0),
		NMPORT_KEY("ring_size", NMPORT_EXTMEM_RING_SIZE, 0),
		NMPORT_KEY("buf_num", NMPORT_EXTMEM_BUF_NUM, 0),
		NMPORT_KEY("buf_size", NMPORT_EXTMEM_BUF_SIZE, 0),
	},
};

static struct nmreq_opt_parser nmport_opt_conf = {
	.prefix = "conf",
	.parse = nmport_conf_parse,
	.default_key = -1,
	.nr_keys = NMPORT_CONF_NKEYS,
	.flags = 0,
	.next = &nmport_opt_extmem,
	.keys = {
		NMPORT_KEY("rings", NMPORT_CONF_RINGS, 0),
		NMPORT_KEY("host_rings", NMPORT_CONF_HOST_RINGS, 0),
		NMPORT_KEY("slots", NMPORT_CONF_SLOTS, 0),
		NMPORT_KEY("tx_rings", NMPORT_CONF_TX_RINGS, 0),
		NMPORT_KEY("rx_rings", NMPORT_CONF_RX_RINGS, 0),
		NMPORT_KEY("host_tx_rings", NMPORT_CONF_HOST_TX_RINGS, 0),
		NMPORT_KEY("host_rx_rings", NMPORT_CONF_HOST_RX_RINGS, 0),
		NMPORT_KEY("tx_slots", NMPORT_CONF_TX_SLOTS, 0),
		NMPORT_KEY("rx_slots", NMPORT_CONF_RX_SLOTS, 0),
	},
};

static struct nmreq_opt_parser nmport_opt_parsers = {
	.prefix = "share",
	.parse = nmport_share_parse,
	.default_key = NMPORT_SHARE_PORT,
	.nr_keys = 1,
	.flags = 0,
	.next = &nmport_opt_conf,
	.keys = {
		NMPORT_KEY("port", NMPORT_SHARE_PORT,
			   NMREQ_OPTK_DEFAULT | NMREQ_OPTK_MUSTSET),
	},
};

void nmport_disable_option(const char *opt)
{
	struct nmreq_opt_parser *p;

	for (p = &nmport_opt_parsers; p; p = p->next)
		if (!strcmp(p->prefix, opt))
			p->flags |= NMREQ_OPTF_DISABLED;
}

int nmport_enable_option(const char *opt)
{
	struct nmreq_opt_parser *p;

	for (p = &nmport_opt_parsers; p; p = p->next) {
		if (!strcmp(p->prefix, opt)) {
			p->flags &= ~NMREQ_OPTF_DISABLED;
			return 0;
		}
	}
	errno = EOPNOTSUPP;
	return -1;
}

/* ---- parse, register, mmap ---- */

int nmport_parse(struct nmport_d *d, const char *portspec)
{
	const char *p = portspec;

	if (!d->hdr.nr_body)	/* after nmport_undo_parse() */
		nmreq_header_init(&d->hdr, NETMAP_REQ_REGISTER, &d->reg);
	if (nmreq_header_decode(&p, &d->hdr, d->ctx) < 0 ||
	    nmreq_register_decode(&p, &d->reg, d->ctx) < 0 ||
	    nmreq_options_decode(p, &nmport_opt_parsers, d, d->ctx) < 0) {
		int saved = errno;

		nmport_undo_parse(d);
		errno = saved;
		return -1;
	}
	return 0;
}

void nmport_undo_parse(struct nmport_d *d)
{
	int saved = errno;

	while (d->clist) {
		struct nmport_cleanup_d *c = d->clist;

		d->clist = c->next;
		c->undo(c, d);
		nmctx_free(d->ctx, c);
	}
	d->extmem = NULL;
	memset(&d->reg, 0, sizeof(d->reg));
	memset(&d->hdr, 0, sizeof(d->hdr));
	errno = saved;
}

struct nmport_d *nmport_prepare(const char *portspec)
{
	struct nmport_d *d = nmport_new();

	if (!d)
		return NULL;
	if (nmport_parse(d, portspec) < 0) {
		nmport_delete(d);	/* keeps errno */
		return NULL;
	}
	return d;
}

void nmport_undo_prepare(struct nmport_d *d)
{
	if (!d)
		return;
	nmport_undo_parse(d);
	nmport_delete(d);
}

int nmport_register(struct nmport_d *d)
{
	struct nmctx *ctx = d->ctx;
	struct nmreq_option *o;
	int saved, told = 0;

	if (d->register_done) {
		nmctx_ferror(ctx, "%s: already registered", d->hdr.nr_name);
		errno = EINVAL;
		return -1;
	}
	d->fd = open(NETMAP_DEVICE_NAME, O_RDWR);
	if (d->fd < 0) {
		nmctx_ferror(ctx, "cannot open %s: %s", NETMAP_DEVICE_NAME,
			     strerror(errno));
		return -1;
	}
	if (ioctl(d->fd, NIOCCTRL, &d->hdr) < 0) {
		saved = errno;
		nmreq_foreach_option(&d->hdr, o) {
			if (!o->nro_status)
				continue;
			nmctx_ferror(ctx, "%s: option %s: %s", d->hdr.nr_name,
				     nmreq_option_name(o->nro_reqtype),
				     strerror((int)o->nro_status));
			told = 1;
		}
		if (!told)
			nmctx_ferror(ctx, "%s: cannot register: %s",
				     d->hdr.nr_name, strerror(saved));
		close(d->fd);
		d->fd = -1;
		errno = saved;
		return -1;
	}
	d->register_done = 1;
	return 0;
}

void nmport_undo_register(struct nmport_d *d)
{
	int saved = errno;

	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->register_done = 0;
	errno = saved;
}

/*
 * The bound rings of one direction: the first non-zero ring_ofs[base + i],
 * i < n, and the run of non-zero entries after it. None: first = n,
 * last = n - 1.
 */
static void nmport_ring_range(const struct netmap_if *nifp, unsigned int base,
			      unsigned int n, uint16_t *first, uint16_t *last)
{
	unsigned int i = 0;

	while (i < n && !nifp->ring_ofs[base + i])
		i++;
	*first = (uint16_t)i;
	while (i < n && nifp->ring_ofs[base + i])
		i++;
	*last = (uint16_t)(i - 1);
}

/* The region of d's allocator, found or created, with a reference. */
static struct nmem_d *nmport_mem_get(struct nmport_d *d)
{
	struct nmctx *ctx = d->ctx;
	struct nmem_d *m;
	void *addr;
	size_t size;

	for (m = ctx->mem_descs; m; m = m->next)
		if (m->mem_id == d->reg.nr_mem_id)
			goto found;

	m = (struct nmem_d *)nmctx_malloc(ctx, sizeof(*m));
	if (!m) {
		nmctx_ferror(ctx, "%s: out of memory", d->hdr.nr_name);
		errno = ENOMEM;
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	if (d->extmem) {
		addr = (void *)(uintptr_t)d->extmem->nro_usrptr;
		size = (size_t)d->extmem->nro_info.nr_memsize;
		m->is_extmem = 1;
	} else {
		size = (size_t)d->reg.nr_memsize;
		addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    d->fd, 0);
		if (addr == MAP_FAILED) {
			int saved = errno;

			nmctx_ferror(ctx, "%s: cannot map %zu bytes: %s",
				     d->hdr.nr_name, size, strerror(saved));
			nmctx_free(ctx, m);
			errno = saved;
			return NULL;
		}
	}
	m->mem_id = d->reg.nr_mem_id;
	m->mem = addr;
	m->size = size;
	m->next = ctx->mem_descs;
	if (m->next)
		m->next->prev = m;
	ctx->mem_descs = m;
found:
	m->refcount++;
	return m;
}

int nmport_mmap(struct nmport_d *d)
{
	struct nmctx *ctx = d->ctx;
	struct netmap_if *nifp;
	unsigned int ntx, nrx;
	struct nmem_d *m;

	if (d->mmap_done || !d->register_done) {
		nmctx_ferror(ctx, "%s: %s", d->hdr.nr_name, d->mmap_done ?
			     "already mapped" : "not registered");
		errno = EINVAL;
		return -1;
	}
	nmctx_lock(ctx);
	m = nmport_mem_get(d);
	nmctx_unlock(ctx);
	if (!m)
		return -1;
	d->mem = m;

	if (d->reg.nr_offset > m->size ||
	    m->size - d->reg.nr_offset < sizeof(struct netmap_if)) {
		nmctx_ferror(ctx, "%s: netmap_if offset %llu outside the "
			     "%zu byte region", d->hdr.nr_name,
			     (unsigned long long)d->reg.nr_offset, m->size);
		nmport_undo_mmap(d);
		errno = EINVAL;
		return -1;
	}
	nifp = NETMAP_IF(m->mem, d->reg.nr_offset);
	d->nifp = nifp;
	ntx = nifp->ni_tx_rings + nifp->ni_host_tx_rings;
	nrx = nifp->ni_rx_rings + nifp->ni_host_rx_rings;
	nmport_ring_range(nifp, 0, ntx, &d->first_tx_ring, &d->last_tx_ring);
	nmport_ring_range(nifp, ntx, nrx, &d->first_rx_ring,
			  &d->last_rx_ring);
	d->cur_tx_ring = d->first_tx_ring;
	d->cur_rx_ring = d->first_rx_ring;
	d->mmap_done = 1;
	return 0;
}

void nmport_undo_mmap(struct nmport_d *d)
{
	struct nmctx *ctx = d->ctx;
	struct nmem_d *m = d->mem;
	int saved = errno;

	if (!m)
		return;
	nmctx_lock(ctx);
	if (--m->refcount <= 0) {
		if (!m->is_extmem)
			munmap(m->mem, m->size);
		if (m->prev)
			m->prev->next = m->next;
		else
			ctx->mem_descs = m->next;
		if (m->next)
			m->next->prev = m->prev;
		nmctx_free(ctx, m);
	}
	nmctx_unlock(ctx);
	d->mem = NULL;
	d->nifp = NULL;
	d->first_tx_ring = d->last_tx_ring = 0;
	d->first_rx_ring = d->last_rx_ring = 0;
	d->cur_tx_ring = d->cur_rx_ring = 0;
	d->mmap_done = 0;
	errno = saved;
}

int nmport_open_desc(struct nmport_d *d)
{
	if (nmport_register(d) < 0)
		return -1;
	if (nmport_mmap(d) < 0) {
		nmport_undo_register(d);	/* keeps errno */
		return -1;
	}
	return 0;
}

void nmport_undo_open_desc(struct nmport_d *d)
{
	nmport_undo_mmap(d);
	nmport_undo_register(d);
}

struct nmport_d *nmport_open(const char *portspec)
{
	struct nmport_d *d = nmport_prepare(portspec);

	if (!d)
		return NULL;
	if (nmport_open_desc(d) < 0) {
		nmport_undo_prepare(d);	/* keeps errno */
		return NULL;
	}
	return d;
}

void nmport_close(struct nmport_d *d)
{
	if (!d)
		return;
	nmport_undo_open_desc(d);
	nmport_undo_prepare(d);
}

struct nmport_d *nmport_clone(struct nmport_d *d)
{
	struct nmport_d *c;

	if (d->extmem && !d->register_done) {
		nmctx_ferror(d->ctx, "%s: cannot clone an unregistered port "
			     "with extmem", d->hdr.nr_name);
		errno = EINVAL;
		return NULL;
	}
	c = nmport_new_in(d->ctx);	/* not the current default */
	if (!c)
		return NULL;
	c->hdr = d->hdr;
	c->hdr.nr_body = (uint64_t)(uintptr_t)&c->reg;
	c->hdr.nr_options = 0;
	c->reg = d->reg;	/* with the nr_mem_id the kernel chose */
	return c;
}

int nmport_inject(struct nmport_d *d, const void *buf, size_t size)
{
	/* no TX ring bound (e.g. "/R"): first > last */
	if (!d->nifp || d->first_tx_ring > d->last_tx_ring ||
	    d->last_tx_ring >= d->nifp->ni_tx_rings + d->nifp->ni_host_tx_rings)
		return 0;
	return nm_priv_inject(d->nifp, d->first_tx_ring, d->last_tx_ring,
			      &d->cur_tx_ring, buf, size);
}

/* ---- extmem and offsets ---- */

int nmport_extmem(struct nmport_d *d, void *base, size_t size)
{
	struct nmreq_opt_extmem *e;

	if (d->register_done || d->extmem) {
		nmctx_ferror(d->ctx, "%s: extmem %s", d->hdr.nr_name,
			     d->extmem ? "already set" :
			     "must be set before register");
		errno = EINVAL;
		return -1;
	}
	e = (struct nmreq_opt_extmem *)nmport_add_option(d,
		NETMAP_REQ_OPT_EXTMEM, sizeof(*e));
	if (!e)
		return -1;
	e->nro_usrptr = (uint64_t)(uintptr_t)base;
	e->nro_info.nr_memsize = size;
	d->extmem = e;
	return 0;
}

int nmport_extmem_from_file(struct nmport_d *d, const char *fname)
{
	struct nmport_map_cleanup *c;
	int fd, saved;
	off_t size;
	void *addr;

	c = (struct nmport_map_cleanup *)nmctx_malloc(d->ctx, sizeof(*c));
	if (!c) {
		nmctx_ferror(d->ctx, "extmem: out of memory");
		errno = ENOMEM;
		return -1;
	}
	fd = open(fname, O_RDWR);
	if (fd < 0) {
		saved = errno;
		nmctx_ferror(d->ctx, "extmem: cannot open %s: %s", fname,
			     strerror(saved));
		goto free_cleanup;
	}
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0) {
		saved = size < 0 ? errno : EINVAL;
		nmctx_ferror(d->ctx, "extmem: %s: %s", fname,
			     size < 0 ? strerror(saved) : "empty file");
		goto close_file;
	}
	addr = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (addr == MAP_FAILED) {
		saved = errno;
		nmctx_ferror(d->ctx, "extmem: cannot map %s: %s", fname,
			     strerror(saved));
		goto close_file;
	}
	close(fd);
	c->addr = addr;
	c->size = (size_t)size;
	c->up.undo = nmport_map_undo;
	nmport_push_cleanup(d, &c->up);
	/* on failure the mapping is undone with the rest of the parse */
	return nmport_extmem(d, addr, (size_t)size);

close_file:
	close(fd);
free_cleanup:
	nmctx_free(d->ctx, c);
	errno = saved;
	return -1;
}

struct nmreq_pools_info *nmport_extmem_getinfo(struct nmport_d *d)
{
	return d->extmem ? &d->extmem->nro_info : NULL;
}

int nmport_offset(struct nmport_d *d, uint64_t initial, uint64_t maxoff,
		  uint64_t bits, uint64_t mingap)
{
	struct nmreq_opt_offsets *o;

	o = (struct nmreq_opt_offsets *)nmport_add_option(d,
		NETMAP_REQ_OPT_OFFSETS, sizeof(*o));
	if (!o)
		return -1;
	o->nro_initial_offset = initial;
	o->nro_max_offset = maxoff;
	o->nro_offset_bits = (uint32_t)bits;
	o->nro_min_gap = mingap;
	return 0;
}
