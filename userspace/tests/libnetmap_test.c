// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for libnetmap (userspace/lib), no kernel needed:
 * nmport_parse() with options on a table of specs, the option parser's
 * rules, the option list helpers, contexts (messages, allocator, errno),
 * the undo functions, clone, and nmport_mmap()/nmport_inject() on a fake
 * port in ordinary memory handed over as "extmem" (no mmap of a device).
 * /dev/netmap does not exist on the build host, so the tests that reach
 * the kernel check the error path. TAP; built with ASan/UBSan.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libnetmap.h"
#include "tap.h"


/* A private context: counts messages and allocations. */
static int messages, allocs;
static char last_msg[1100];

static void t_error(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	messages++;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

static void *t_malloc(struct nmctx *ctx, size_t size)
{
	(void)ctx;
	allocs++;
	return malloc(size);
}

static void t_free(struct nmctx *ctx, void *p)
{
	(void)ctx;
	if (p)
		allocs--;
	free(p);
	errno = 12345;		/* the library must not let this through */
}

static struct nmctx tctx = {
	1, t_error, t_malloc, t_free, NULL, NULL
};

static int set_default_null_is_noop(void);

/* ---- nmport_parse() with options ---- */

static const struct {
	const char *spec;
	int err;		/* 0: accepted */
	uint16_t tx_rings, rx_rings, host_tx, host_rx;
	uint32_t tx_slots, rx_slots;
	uint16_t mem_id;
} pt[] = {
	{ "netmap:eth0", 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=4,slots=512", 0, 4, 4, 0, 0, 512, 512, 0 },
	{ "netmap:eth0@conf:host-rings=2,tx-slots=64", 0, 0, 0, 2, 2, 64, 0,
	  0 },
	{ "netmap:eth0@conf:host_rings=2,host-rx-rings=1", 0, 0, 0, 2, 1, 0,
	  0, 0 },
	{ "netmap:eth0@conf:rings=4,tx-rings=1,rx_slots=8", 0, 1, 4, 0, 0, 0,
	  8, 0 },
	{ "netmap:eth0@2@conf:rings=4", 0, 4, 4, 0, 0, 0, 0, 2 },
	{ "netmap:eth0@conf:rings=1@conf:rings=3", 0, 3, 3, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:slots=4294967295", 0, 0, 0, 0, 0, 4294967295U,
	  4294967295U, 0 },
	{ "netmap:eth0@conf=4", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=x", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=-1", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=65536", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:slots=4294967296", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=1,,slots=2", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=1,rings=2", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:bogus=1", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=1@", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=1@@conf:slots=1", EINVAL, 0, 0, 0, 0, 0, 0,
	  0 },
	{ "netmap:eth0@bogus", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "vale0:0/Tx@opt", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@share", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@share:bogus=1", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@share=bad", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	/* no /dev/netmap on the build host: the lookup itself fails */
	{ "netmap:eth0@share=netmap:eth1", ENOENT, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@extmem", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@extmem:buf-num=4", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@extmem=/nonexistent", ENOENT, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0@extmem:file=/nonexistent,buf-num=x", EINVAL, 0, 0, 0,
	  0, 0, 0, 0 },
	{ "netmap:eth0@offset=64", EOPNOTSUPP, 0, 0, 0, 0, 0, 0, 0 },
	{ "netmap:eth0-", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ "bogus", EINVAL, 0, 0, 0, 0, 0, 0, 0 },
};

static void test_parse_table(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(pt) / sizeof(pt[0]); i++) {
		struct nmport_d *d = nmport_new();
		int ret;

		if (!d) {
			ok(0, "nmport_new");
			return;
		}
		errno = 0;
		ret = nmport_parse(d, pt[i].spec);
		if (pt[i].err) {
			ok(ret < 0 && errno == pt[i].err && !d->hdr.nr_options &&
			   !d->clist && !d->extmem,
			   "reject '%s' with %s (got %d, %s)", pt[i].spec,
			   strerror(pt[i].err), ret, strerror(errno));
		} else {
			struct nmreq_register *r = &d->reg;

			ok(ret == 0 && r->nr_tx_rings == pt[i].tx_rings &&
			   r->nr_rx_rings == pt[i].rx_rings &&
			   r->nr_host_tx_rings == pt[i].host_tx &&
			   r->nr_host_rx_rings == pt[i].host_rx &&
			   r->nr_tx_slots == pt[i].tx_slots &&
			   r->nr_rx_slots == pt[i].rx_slots &&
			   r->nr_mem_id == pt[i].mem_id &&
			   d->hdr.nr_reqtype == NETMAP_REQ_REGISTER &&
			   d->hdr.nr_body == (uint64_t)(uintptr_t)r,
			   "parse '%s'", pt[i].spec);
		}
		nmport_undo_prepare(d);
	}
}

/* ---- contexts ---- */

static void test_ctx(void)
{
	struct nmctx *old, *def = nmctx_get();
	char longfmt[1200];
	struct nmport_d *d;

	ok(def && def->error && def->malloc && def->free,
	   "default context: error, malloc, free");
	ok(def->lock != NULL, "default context is thread-safe (lock set)");
	nmctx_set_threadsafe();
	ok(nmctx_get() == def, "nmctx_set_threadsafe() twice is harmless");

	old = nmctx_set_default(&tctx);
	ok(old == def && nmctx_get() == &tctx, "nmctx_set_default");
	messages = 0;
	errno = EBUSY;
	d = nmport_prepare("netmap:eth0@bogus");
	ok(!d && errno == EINVAL && messages == 1 &&
	   strstr(last_msg, "bogus") != NULL,
	   "error goes to the context's callback: '%s'", last_msg);
	ok(allocs == 0, "failed prepare frees everything it allocated");

	tctx.verbose = 0;
	messages = 0;
	d = nmport_prepare("netmap:eth0@bogus");
	ok(!d && messages == 0, "verbose 0: no message");
	tctx.verbose = 1;

	memset(longfmt, 'x', sizeof(longfmt) - 1);
	longfmt[sizeof(longfmt) - 1] = '\0';
	nmctx_ferror(&tctx, "%s", longfmt);
	ok(!strcmp(last_msg, "error message too long"),
	   "a message over 1000 bytes is replaced");
	errno = EAGAIN;
	nmctx_ferror(&tctx, "short %d", 1);
	ok(!strcmp(last_msg, "short 1") && errno == EAGAIN,
	   "nmctx_ferror formats and keeps errno");
	nmctx_ferror(NULL, "nothing");		/* must not crash */

	d = nmport_prepare("netmap:eth0@conf:rings=2");
	ok(d && d->ctx == &tctx && allocs > 0,
	   "descriptor allocated in the default context");
	nmport_close(d);
	ok(allocs == 0, "nmport_close frees all of it");
	ok(set_default_null_is_noop(), "nmctx_set_default(NULL) "
	   "changes nothing");
	nmctx_set_default(old);
}

static int set_default_null_is_noop(void)
{
	struct nmctx *cur = nmctx_get();

	return nmctx_set_default(NULL) == cur && nmctx_get() == cur;
}

/* ---- option list helpers ---- */

static void test_option_list(void)
{
	struct nmreq_option a, b, c, *o;
	struct nmreq_header h;
	int n = 0;

	nmreq_header_init(&h, NETMAP_REQ_REGISTER, NULL);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	a.nro_reqtype = NETMAP_REQ_OPT_EXTMEM;
	b.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	c.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	nmreq_push_option(&h, &a);
	nmreq_push_option(&h, &b);
	nmreq_push_option(&h, &c);
	ok(h.nr_options == (uint64_t)(uintptr_t)&c &&
	   c.nro_next == (uint64_t)(uintptr_t)&b &&
	   b.nro_next == (uint64_t)(uintptr_t)&a && a.nro_next == 0,
	   "push prepends");
	nmreq_foreach_option(&h, o)
		n++;
	ok(n == 3, "nmreq_foreach_option visits 3");
	ok(nmreq_find_option(&h, NETMAP_REQ_OPT_OFFSETS) == &c &&
	   nmreq_find_option(&h, NETMAP_REQ_OPT_EXTMEM) == &a &&
	   nmreq_find_option(&h, NETMAP_REQ_OPT_CSB) == NULL,
	   "find returns the first of a type, NULL if absent");
	nmreq_remove_option(&h, &b);
	ok(c.nro_next == (uint64_t)(uintptr_t)&a && b.nro_next == 0,
	   "remove from the middle");
	nmreq_remove_option(&h, &b);	/* not in the list: no change */
	nmreq_remove_option(&h, &c);
	ok(h.nr_options == (uint64_t)(uintptr_t)&a && c.nro_next == 0,
	   "remove the head");
	nmreq_remove_option(&h, &a);
	ok(h.nr_options == 0, "remove the last");

	ok(!strcmp(nmreq_option_name(NETMAP_REQ_OPT_EXTMEM), "extmem") &&
	   !strcmp(nmreq_option_name(NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS),
		   "sync-kloop-eventfds") &&
	   !strcmp(nmreq_option_name(NETMAP_REQ_OPT_CSB), "csb") &&
	   !strcmp(nmreq_option_name(NETMAP_REQ_OPT_SYNC_KLOOP_MODE),
		   "sync-kloop-mode") &&
	   !strcmp(nmreq_option_name(NETMAP_REQ_OPT_OFFSETS), "offsets") &&
	   !strcmp(nmreq_option_name(999), "unknown"),
	   "nmreq_option_name");

	/* nmreq_free_options uses free(): ASan checks it frees them all */
	nmreq_push_option(&h, (struct nmreq_option *)calloc(1, sizeof(a)));
	nmreq_push_option(&h, (struct nmreq_option *)calloc(1, sizeof(a)));
	nmreq_free_options(&h);
	ok(h.nr_options != 0, "nmreq_free_options leaves nr_options alone");
}

/* ---- the generic option parser with a parser of our own ---- */

static int cb_calls;
static char cb_vals[3][16];	/* "(unset)" for NULL */

/* the key values live only during the callback: copy them */
static int t_parse(struct nmreq_parse_ctx *p)
{
	int *token = (int *)p->token;
	int i;

	cb_calls++;
	(*token)++;
	for (i = 0; i < 3; i++)
		snprintf(cb_vals[i], sizeof(cb_vals[i]), "%s",
			 p->keys[i] ? p->keys[i] : "(unset)");
	return 0;
}

static void test_options_decode(void)
{
	struct nmreq_opt_parser p;
	int token = 0;

	memset(&p, 0, sizeof(p));
	p.prefix = "t";
	p.parse = t_parse;
	p.default_key = 0;
	p.nr_keys = 3;
	p.keys[0].key = "main";
	p.keys[0].id = 0;
	p.keys[0].flags = NMREQ_OPTK_DEFAULT;
	p.keys[1].key = "flag_only";
	p.keys[1].id = 1;
	p.keys[1].flags = NMREQ_OPTK_ALLOWEMPTY;
	p.keys[2].key = "must";
	p.keys[2].id = 2;
	p.keys[2].flags = NMREQ_OPTK_MUSTSET;

	ok(nmreq_options_decode("", &p, &token, NULL) == 0 && cb_calls == 0,
	   "empty list: nothing");
	ok(nmreq_options_decode("@t:must=1,main=x,flag-only", &p, &token,
				NULL) == 0 && cb_calls == 1 && token == 1 &&
	   !strcmp(cb_vals[0], "x") && !strcmp(cb_vals[1], "") &&
	   !strcmp(cb_vals[2], "1"),
	   "keys by id, '-' read as '_', valueless key allowed");
	errno = 0;
	ok(nmreq_options_decode("@t=v", &p, &token, NULL) < 0 &&
	   errno == EINVAL && cb_calls == 1,
	   "a missing mandatory key is refused before the callback");
	errno = 0;
	ok(nmreq_options_decode("@t:must", &p, &token, NULL) < 0 &&
	   errno == EINVAL, "a key without value needs ALLOWEMPTY");
	ok(nmreq_options_decode("@t:must=1@t:must=2", &p, &token, NULL) == 0 &&
	   cb_calls == 3 && !strcmp(cb_vals[2], "2"),
	   "the same option twice: applied in order");
	errno = 0;
	ok(nmreq_options_decode("t:must=1", &p, &token, NULL) < 0 &&
	   errno == EINVAL, "a list must start with '@'");
	p.flags = NMREQ_OPTF_DISABLED;
	errno = 0;
	ok(nmreq_options_decode("@t:must=1", &p, &token, NULL) < 0 &&
	   errno == EOPNOTSUPP, "disabled option: EOPNOTSUPP");
	p.flags = NMREQ_OPTF_ALLOWEMPTY;
	p.keys[2].flags = 0;
	ok(nmreq_options_decode("@t", &p, &token, NULL) == 0 &&
	   cb_calls == 4 && !strcmp(cb_vals[0], "(unset)") &&
	   !strcmp(cb_vals[1], "(unset)") && !strcmp(cb_vals[2], "(unset)"),
	   "ALLOWEMPTY: option without body");
	p.default_key = -1;
	errno = 0;
	ok(nmreq_options_decode("@t=1", &p, &token, NULL) < 0 &&
	   errno == EINVAL, "'=' without a default key");
}

/* ---- offset, extmem, enable/disable ---- */

static void test_offset_extmem(void)
{
	struct nmreq_opt_offsets *off;
	struct nmreq_opt_extmem *e;
	char path[] = "/tmp/libnetmap_testXXXXXX";
	struct nmport_d *d;
	char spec[128];
	int fd;

	ok(nmport_enable_option("bogus") < 0 && errno == EOPNOTSUPP,
	   "enabling an unknown option: EOPNOTSUPP");
	ok(nmport_enable_option("offset") == 0, "enable offset");
	d = nmport_prepare("netmap:eth0@offset:initial=64,bits=16");
	off = d ? (struct nmreq_opt_offsets *)nmreq_find_option(&d->hdr,
			NETMAP_REQ_OPT_OFFSETS) : NULL;
	ok(off && off->nro_initial_offset == 64 && off->nro_max_offset == 64 &&
	   off->nro_offset_bits == 16 && off->nro_min_gap == 0 &&
	   off->nro_opt.nro_size == sizeof(*off),
	   "@offset builds the OFFSETS option");
	nmport_undo_prepare(d);
	nmport_disable_option("offset");
	d = nmport_prepare("netmap:eth0@offset=64");
	ok(!d && errno == EOPNOTSUPP, "disabled again");

	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 65536) < 0) {
		ok(0, "temporary file");
		return;
	}
	close(fd);
	snprintf(spec, sizeof(spec),
		 "netmap:eth0@extmem:file=%s,buf-num=100,ring-size=9000",
		 path);
	d = nmport_prepare(spec);
	e = d ? d->extmem : NULL;
	ok(e && nmreq_find_option(&d->hdr, NETMAP_REQ_OPT_EXTMEM) ==
	   &e->nro_opt && e->nro_usrptr && e->nro_info.nr_memsize == 65536 &&
	   e->nro_info.nr_buf_pool_objtotal == 100 &&
	   e->nro_info.nr_ring_pool_objsize == 9000 &&
	   nmport_extmem_getinfo(d) == &e->nro_info,
	   "@extmem maps the file and fills the option");
	if (d) {
		char buf[4] = "abc";

		errno = 0;
		ok(nmport_extmem(d, buf, sizeof(buf)) < 0 && errno == EINVAL,
		   "a second extmem is refused");
		ok(nmport_clone(d) == NULL && errno == EINVAL,
		   "clone of an unregistered extmem port is refused");
	}
	nmport_undo_prepare(d);
	unlink(path);

	/* empty file */
	strcpy(path, "/tmp/libnetmap_testXXXXXX");
	fd = mkstemp(path);
	close(fd);
	snprintf(spec, sizeof(spec), "netmap:eth0@extmem=%s", path);
	d = nmport_prepare(spec);
	ok(!d && errno == EINVAL, "@extmem of an empty file: EINVAL");
	unlink(path);
}

/* ---- register/mmap/undo on the build host ---- */

static void test_lifecycle(void)
{
	struct nmport_d *d, *c;

	d = nmport_prepare("netmap:eth0-1/T@conf:rings=2");
	if (!d) {
		ok(0, "prepare");
		return;
	}
	errno = 0;
	ok(nmport_mmap(d) < 0 && errno == EINVAL,
	   "mmap before register: EINVAL");
	errno = 0;
	ok(nmport_open_desc(d) < 0 && errno == ENOENT && d->fd == -1 &&
	   !d->register_done && !strcmp(d->hdr.nr_name, "eth0"),
	   "open_desc without /dev/netmap: ENOENT, still parsed");
	errno = 0;
	nmport_close(d);
	ok(errno == 0, "nmport_close keeps errno");

	ok(nmport_open("netmap:eth0") == NULL && errno == ENOENT,
	   "nmport_open without /dev/netmap: NULL, ENOENT");
	nmport_close(NULL);
	nmport_undo_prepare(NULL);

	d = nmport_prepare("netmap:eth0-3/R@7");
	if (!d)
		return;
	if (nmport_offset(d, 1, 2, 3, 4) < 0)
		ok(0, "nmport_offset");
	d->reg.nr_memsize = 1234;	/* as if the kernel had answered */
	c = nmport_clone(d);
	ok(c && c->reg.nr_mem_id == 7 && c->reg.nr_ringid == 3 &&
	   c->reg.nr_mode == NR_REG_ONE_NIC &&
	   c->reg.nr_flags == NR_RX_RINGS_ONLY &&
	   c->reg.nr_memsize == 1234 && c->hdr.nr_options == 0 &&
	   c->hdr.nr_body == (uint64_t)(uintptr_t)&c->reg &&
	   !strcmp(c->hdr.nr_name, "eth0") && c->fd == -1 &&
	   c->ctx == d->ctx && !c->clist,
	   "clone: reg and name copied, options dropped");
	nmport_close(c);

	nmport_undo_parse(d);
	ok(d->hdr.nr_options == 0 && d->reg.nr_mem_id == 0 && !d->clist &&
	   d->hdr.nr_name[0] == '\0', "undo_parse zeroes hdr and reg");
	ok(nmport_parse(d, "netmap:eth1") == 0 &&
	   d->hdr.nr_version == NETMAP_API &&
	   d->hdr.nr_body == (uint64_t)(uintptr_t)&d->reg,
	   "the descriptor can be parsed again after undo_parse");
	nmport_undo_prepare(d);
}

/*
 * ---- mmap (ring ranges, shared regions) and inject on a fake port ----
 * The fake region: netmap_if at 0 with 2 hardware + 1 host ring each way,
 * rings at RING_OFS(r), buffers at POOL_OFS. It is passed as "extmem" so
 * nmport_mmap() uses it without mapping anything.
 */
#define NSLOTS		8
#define BUFSZ		64
#define RING_OFS(r)	(1024 + (r) * 512)
#define POOL_OFS	8192
#define NBUFS		64
#define REGION_SIZE	(POOL_OFS + NBUFS * BUFSZ)

static char region[REGION_SIZE] __attribute__((aligned(4096)));

static void set_u32(const uint32_t *p, uint32_t v) { *(uint32_t *)p = v; }
static void set_s64(const int64_t *p, int64_t v) { *(int64_t *)p = v; }

static struct netmap_ring *fake_ring(int r)
{
	return (struct netmap_ring *)(void *)(region + RING_OFS(r));
}

/* bound[i]: whether ring_ofs[i] (TX 0, 1, host TX, RX 0, 1, host RX) is set */
static void fake_region(const int bound[6])
{
	struct netmap_if *nifp = (struct netmap_if *)(void *)region;
	int r, s;

	memset(region, 0, sizeof(region));
	set_u32(&nifp->ni_tx_rings, 2);
	set_u32(&nifp->ni_rx_rings, 2);
	set_u32(&nifp->ni_host_tx_rings, 1);
	set_u32(&nifp->ni_host_rx_rings, 1);
	for (r = 0; r < 6; r++) {
		struct netmap_ring *ring = fake_ring(r);

		set_s64((const int64_t *)&nifp->ring_ofs[r],
			bound[r] ? RING_OFS(r) : 0);
		set_s64((const int64_t *)&ring->buf_ofs, POOL_OFS - RING_OFS(r));
		set_u32(&ring->num_slots, NSLOTS);
		set_u32(&ring->nr_buf_size, BUFSZ);
		ring->tail = r < 3 ? NSLOTS - 1 : 0;
		for (s = 0; s < NSLOTS; s++)
			ring->slot[s].buf_idx = (uint32_t)(r * NSLOTS + s);
	}
}

/* A descriptor on the fake region, as if registered. */
static struct nmport_d *fake_port(uint16_t mem_id)
{
	struct nmport_d *d = nmport_prepare("netmap:fake");

	if (!d)
		return NULL;
	if (nmport_extmem(d, region, sizeof(region)) < 0) {
		nmport_close(d);
		return NULL;
	}
	d->reg.nr_mem_id = mem_id;
	d->reg.nr_offset = 0;
	d->reg.nr_tx_rings = d->reg.nr_rx_rings = 2;
	d->register_done = 1;	/* what fd-passing programs do too */
	return d;
}

static void test_mmap_inject(void)
{
	static const int all_nic[6] = { 1, 1, 0, 1, 1, 0 };
	static const int host_only[6] = { 0, 0, 1, 0, 0, 1 };
	static const int rx_only[6] = { 0, 0, 0, 0, 1, 0 };
	struct nmport_d *a, *b, *c;
	char pkt[150];
	unsigned int i;

	fake_region(all_nic);
	a = fake_port(5);
	b = fake_port(5);
	if (!a || !b) {
		ok(0, "fake ports");
		return;
	}
	ok(nmport_mmap(a) == 0 && a->mmap_done && a->nifp ==
	   (struct netmap_if *)(void *)region && a->first_tx_ring == 0 &&
	   a->last_tx_ring == 1 && a->first_rx_ring == 0 &&
	   a->last_rx_ring == 1 && a->cur_tx_ring == 0,
	   "mmap: hardware rings 0..1 each way");
	ok(nmport_mmap(a) < 0 && errno == EINVAL, "mmap twice: EINVAL");
	ok(nmport_mmap(b) == 0 && b->mem == a->mem && a->mem->refcount == 2 &&
	   a->mem->is_extmem && nmctx_get()->mem_descs == a->mem,
	   "same mem_id: one shared nmem_d, refcount 2");

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (char)i;
	ok(nmport_inject(a, pkt, sizeof(pkt)) == (int)sizeof(pkt),
	   "inject 150 bytes returns the size");
	{
		struct netmap_ring *t = fake_ring(0);

		ok(t->head == 3 && t->cur == 3 &&
		   t->slot[0].len == BUFSZ && t->slot[0].flags == NS_MOREFRAG &&
		   t->slot[1].flags == NS_MOREFRAG && t->slot[2].len == 22 &&
		   t->slot[2].flags == 0 &&
		   !memcmp(NETMAP_BUF(t, t->slot[1].buf_idx), pkt + BUFSZ,
			   BUFSZ) &&
		   !memcmp(NETMAP_BUF(t, t->slot[2].buf_idx), pkt + 128, 22),
		   "three NS_MOREFRAG-chained slots with the bytes");
	}
	/* fill ring 0 (7 usable slots): 4 more one-slot packets */
	for (i = 0; i < 4; i++)
		nmport_inject(a, pkt, 10);
	ok(fake_ring(0)->cur == 7 && a->cur_tx_ring == 0, "ring 0 full");
	ok(nmport_inject(a, pkt, 10) == 10 && a->cur_tx_ring == 1 &&
	   fake_ring(1)->cur == 1, "next packet goes to ring 1");
	fake_ring(1)->cur = fake_ring(1)->head = fake_ring(1)->tail;
	ok(nmport_inject(a, pkt, 10) == 0, "all rings full: 0");
	ok(nmport_inject(a, pkt, 0) == 0, "full ring: 0 even for size 0");

	nmport_undo_mmap(b);
	ok(a->mem->refcount == 1 && !b->mem && !b->nifp && !b->mmap_done,
	   "undo_mmap drops one reference");
	nmport_close(b);
	nmport_close(a);
	ok(nmctx_get()->mem_descs == NULL, "last close frees the nmem_d");

	fake_region(host_only);
	c = fake_port(0);
	ok(c && nmport_mmap(c) == 0 && c->first_tx_ring == 2 &&
	   c->last_tx_ring == 2 && c->first_rx_ring == 2 &&
	   c->last_rx_ring == 2, "host rings only: ranges 2..2");
	nmport_close(c);

	fake_region(rx_only);
	c = fake_port(0);
	ok(c && nmport_mmap(c) == 0 && c->first_tx_ring == 3 &&
	   c->last_tx_ring == 2 && c->first_rx_ring == 1 &&
	   c->last_rx_ring == 1, "RX ring 1 only: TX range empty (3..2)");
	ok(c && nmport_inject(c, pkt, 10) == 0,
	   "inject on a port without TX rings: 0");
	nmport_close(c);

	c = fake_port(0);
	if (c) {
		c->reg.nr_offset = sizeof(region);
		ok(nmport_mmap(c) < 0 && errno == EINVAL && !c->mem &&
		   nmctx_get()->mem_descs == NULL,
		   "netmap_if offset outside the region: EINVAL, undone");
		nmport_close(c);
	}
}

int main(void)
{
	printf("TAP version 13\n");
	/* the tests assume the real device is absent */
	if (access(NETMAP_DEVICE_NAME, F_OK) == 0) {
		printf("1..0 # SKIP %s exists on this host\n",
		       NETMAP_DEVICE_NAME);
		return 4;
	}
	ok(nmctx_get()->verbose == 1, "default context is verbose");
	nmctx_get()->verbose = 0;
	test_parse_table();
	test_ctx();
	test_option_list();
	test_options_decode();
	test_offset_extmem();
	test_lifecycle();
	test_mmap_inject();
	return tap_done();
}
