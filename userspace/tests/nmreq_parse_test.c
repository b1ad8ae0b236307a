// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for libnetmap's port specification decoding
 * (userspace/lib/nmreq.c): a table of specs from the userspace API spec,
 * section 4.4, each decoded with nmreq_header_decode() and then
 * nmreq_register_decode(). Option lists ("@conf:...") are not decoded
 * yet; for those the test checks where the mode decoder stops. TAP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libnetmap.h"
#include "tap.h"


#define MEM_PRESET	0	/* nr_mem_id before decoding */
#define TEN		"abcdefghij"
#define NAME63		TEN TEN TEN TEN TEN TEN "abc"	/* longest name */

static const struct {
	const char *spec;
	int ok;			/* 1: both decoders succeed */
	const char *name;
	uint32_t mode;
	uint16_t ringid;
	uint64_t flags;
	uint16_t mem_id;
	const char *rest;	/* left for the option decoder */
} t[] = {
	{ "netmap:eth0", 1, "eth0", NR_REG_ALL_NIC, 0, 0, 0, "" },
	{ "netmap:eth0-2/Tx", 1, "eth0", NR_REG_ONE_NIC, 2, 0x4800, 0, "" },
	{ "netmap:eth0^", 1, "eth0", NR_REG_SW, 0, 0, 0, "" },
	{ "netmap:eth0^3", 1, "eth0", NR_REG_ONE_SW, 3, 0, 0, "" },
	{ "netmap:eth0*", 1, "eth0", NR_REG_NIC_SW, 0, 0, 0, "" },
	{ "netmap:eth0/R@2", 1, "eth0", NR_REG_ALL_NIC, 0,
	  NR_RX_RINGS_ONLY, 2, "" },
	{ "netmap:eth0@2/R", 1, "eth0", NR_REG_ALL_NIC, 0,
	  NR_RX_RINGS_ONLY, 2, "" },
	{ "netmap:eth0@2@2", 1, "eth0", NR_REG_ALL_NIC, 0, 0, 2, "" },
	{ "netmap:eth0/xz/trRT", 1, "eth0", NR_REG_ALL_NIC, 0,
	  0x800 | 0x400 | 0x100 | 0x200 | 0x2000 | 0x4000, 0, "" },
	{ "netmap:eth0-4094", 1, "eth0", NR_REG_ONE_NIC, 4094, 0, 0, "" },
	{ "netmap:pipe{in-7", 1, "pipe{in", NR_REG_ONE_NIC, 7, 0, 0, "" },
	{ "netmap:pipe}3", 1, "pipe}3", NR_REG_ALL_NIC, 0, 0, 0, "" },
	{ "vale0:0{0", 1, "vale0:0{0", NR_REG_ALL_NIC, 0, 0, 0, "" },
	{ "vale:1", 1, "vale:1", NR_REG_ALL_NIC, 0, 0, 0, "" },
	{ "valeXXX:YYY-4", 1, "valeXXX:YYY", NR_REG_ONE_NIC, 4, 0, 0, "" },
	{ "netmap:eth0+", 1, "eth0+", NR_REG_ALL_NIC, 0, 0, 0, "" },
	{ "netmap:a.b", 1, "a.b", NR_REG_ALL_NIC, 0, 0, 0, "" },
	{ "netmap:eth0&", 1, "eth0&", NR_REG_ALL_NIC, 0, 0, 0, "" },
	{ "netmap:vale0:0", 1, "vale0:0", NR_REG_ALL_NIC, 0, 0, 0, "" },
	{ "netmap:eth0{-1", 1, "eth0{", NR_REG_ONE_NIC, 1, 0, 0, "" },
	{ "netmap:eth0@conf:rings=4,slots=512", 1, "eth0", NR_REG_ALL_NIC,
	  0, 0, 0, "@conf:rings=4,slots=512" },
	{ "netmap:eth0@2@conf:rings=4", 1, "eth0", NR_REG_ALL_NIC, 0, 0, 2,
	  "@conf:rings=4" },
	{ "vale0:0/Tx@opt", 1, "vale0:0", NR_REG_ALL_NIC, 0, 0x4800, 0,
	  "@opt" },
	{ "netmap:" NAME63, 1, NAME63, NR_REG_ALL_NIC, 0, 0, 0, "" },
	/* rejected */
	{ "eth0", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:^", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:{", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0{", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:pipe{1}2", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmapXXX:eth0", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap", 0, NULL, 0, 0, 0, 0, NULL },
	{ "valea-b:1", 0, NULL, 0, 0, 0, 0, NULL },
	{ "vale0", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0-", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0/", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0/q", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0@", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0@0", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0-4095", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0^4095", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0*3", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0-1-2", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:eth0@1@2", 0, NULL, 0, 0, 0, 0, NULL },
	{ "netmap:" NAME63 "d", 0, NULL, 0, 0, 0, 0, NULL },
};

static void check(int cond, const char *what, const char *spec)
{
	ok(cond, "%s '%s'", what, spec);
}

static int decode(const char *spec, struct nmreq_header *h,
		  struct nmreq_register *r, const char **rest)
{
	const char *p = spec;

	nmreq_header_init(h, NETMAP_REQ_REGISTER, r);
	memset(r, 0, sizeof(*r));
	r->nr_mem_id = MEM_PRESET;
	r->nr_flags = NR_NO_TX_POLL;	/* must be replaced, not ORed */
	errno = 0;
	if (nmreq_header_decode(&p, h, NULL) < 0 ||
	    nmreq_register_decode(&p, r, NULL) < 0)
		return -1;
	*rest = p;
	return 0;
}

/* A failing decoder leaves its outputs and the string pointer alone. */
static void test_untouched(void)
{
	struct nmreq_header h, h0;
	struct nmreq_register r, r0;
	const char *p = "netmap:{", *q = "-x";

	memset(&h, 0x5a, sizeof(h));
	h0 = h;
	check(nmreq_header_decode(&p, &h, NULL) < 0 && errno == EINVAL &&
	   !strcmp(p, "netmap:{") && !memcmp(&h, &h0, sizeof(h)),
	   "header decode failure changes nothing:", "netmap:{");
	memset(&r, 0x5a, sizeof(r));
	r0 = r;
	check(nmreq_register_decode(&q, &r, NULL) < 0 && errno == EINVAL &&
	   !strcmp(q, "-x") && !memcmp(&r, &r0, sizeof(r)),
	   "register decode failure changes nothing:", "-x");
	r.nr_mem_id = 3;
	q = "@2";
	check(nmreq_register_decode(&q, &r, NULL) < 0,
	   "@N conflicting with a preset mem_id is refused:", "@2");
}

static int messages;

static void count_error(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
	messages++;
}

static void test_ctx(void)
{
	struct nmctx ctx;
	struct nmreq_header h;
	const char *p = "bogus:eth0";

	memset(&ctx, 0, sizeof(ctx));
	ctx.error = count_error;
	nmreq_header_decode(&p, &h, &ctx);
	check(messages == 0, "verbose 0: no message for", p);
	ctx.verbose = 1;
	nmreq_header_decode(&p, &h, &ctx);
	check(messages == 1, "verbose 1: one message through ctx->error for", p);
}

int main(void)
{
	unsigned int i;

	printf("TAP version 13\n");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct nmreq_header h;
		struct nmreq_register r;
		const char *rest = NULL;
		int ret = decode(t[i].spec, &h, &r, &rest);

		if (!t[i].ok) {
			check(ret < 0 && errno == EINVAL, "reject", t[i].spec);
			continue;
		}
		check(ret == 0 && !strcmp(h.nr_name, t[i].name) &&
		   r.nr_mode == t[i].mode && r.nr_ringid == t[i].ringid &&
		   r.nr_flags == t[i].flags && r.nr_mem_id == t[i].mem_id &&
		   !strcmp(rest, t[i].rest) && h.nr_version == NETMAP_API &&
		   h.nr_body == (uint64_t)(uintptr_t)&r,
		   "decode", t[i].spec);
		if (ret == 0 && strcmp(h.nr_name, t[i].name))
			printf("# name '%s', want '%s'\n", h.nr_name,
			       t[i].name);
		if (ret == 0 && (r.nr_mode != t[i].mode ||
				 r.nr_flags != t[i].flags))
			printf("# mode %u ring %u flags %#llx mem %u rest %s\n",
			       r.nr_mode, r.nr_ringid,
			       (unsigned long long)r.nr_flags, r.nr_mem_id,
			       rest);
	}
	test_untouched();
	test_ctx();
	return tap_done();
}
