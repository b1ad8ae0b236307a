/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libnetmap.h>: the netmap API 14 port library (-lnetmap, pkg-config
 * libnetmap).
 *
 * A port is described by a struct nmport_d. Its life cycle:
 *
 *	nmport_new -> nmport_parse -> [edit reg, add options] ->
 *	nmport_register -> nmport_mmap -> use -> nmport_close
 *
 * nmport_prepare() = new + parse, nmport_open_desc() = register + mmap,
 * nmport_open() = both. Every step has an undo_* that is harmless on a
 * descriptor that did not reach it.
 *
 * Functions return 0 on success and -1 with errno on failure (nmport_new,
 * nmport_prepare, nmport_open, nmport_clone: NULL). Error messages go to
 * the context's error callback when its verbose field is set; the default
 * context prints them on stderr. Cleanup on a failure path never changes
 * errno.
 *
 * Field layouts and names are those of upstream libnetmap, so programs
 * written for it compile unchanged. Defining NETMAP_WITH_LIBS before the
 * inclusion also gives the legacy nm_open() family of <net/netmap_user.h>.
 */
#ifndef LIBNETMAP_H_
#define LIBNETMAP_H_

#include <stddef.h>
#include <stdint.h>

#include <net/netmap_user.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nmctx;
struct nmem_d;
struct nmport_cleanup_d;

typedef void (*nmctx_error_cb)(struct nmctx *ctx, const char *msg);
typedef void *(*nmctx_malloc_cb)(struct nmctx *ctx, size_t size);
typedef void (*nmctx_free_cb)(struct nmctx *ctx, void *ptr);
typedef void (*nmctx_lock_cb)(struct nmctx *ctx, int lock);

/* Where the library allocates memory and reports errors. */
struct nmctx {
	int verbose;			/* 0: no error messages */
	nmctx_error_cb error;
	nmctx_malloc_cb malloc;
	nmctx_free_cb free;
	nmctx_lock_cb lock;		/* NULL: no locking */
	struct nmem_d *mem_descs;	/* mapped regions, protected by lock */
};

/* One mapped memory region, shared by every port of its allocator. */
struct nmem_d {
	uint16_t mem_id;
	int refcount;
	void *mem;
	size_t size;
	int is_extmem;			/* user memory, not mmap()ed by us */
	struct nmem_d *next;
	struct nmem_d *prev;
};

/* A port. Fields after reg are read-only for applications. */
struct nmport_d {
	struct nmreq_header hdr;	/* REGISTER request, body = &reg */
	struct nmreq_register reg;	/* in/out of the register request */
	struct nmem_d *mem;		/* equal pointers: same region */
	struct nmctx *ctx;		/* captured by nmport_new() */
	int register_done;
	int mmap_done;
	struct nmreq_opt_extmem *extmem; /* the extmem option, if any */
	int fd;				/* /dev/netmap, -1 when closed */
	struct netmap_if *nifp;
	/* bound ring ranges, inclusive; cur_* used by nmport_inject() */
	uint16_t first_tx_ring;
	uint16_t last_tx_ring;
	uint16_t first_rx_ring;
	uint16_t last_rx_ring;
	uint16_t cur_tx_ring;
	uint16_t cur_rx_ring;
	struct nmport_cleanup_d *clist;	/* private undo actions */
};

/* Open, close and transmit */
struct nmport_d *nmport_open(const char *portspec);
void nmport_close(struct nmport_d *d);
int nmport_inject(struct nmport_d *d, const void *buf, size_t size);

/* The steps of nmport_open() and their undo */
struct nmport_d *nmport_new(void);
int nmport_parse(struct nmport_d *d, const char *portspec);
int nmport_register(struct nmport_d *d);
int nmport_mmap(struct nmport_d *d);
void nmport_delete(struct nmport_d *d);
void nmport_undo_parse(struct nmport_d *d);
void nmport_undo_register(struct nmport_d *d);
void nmport_undo_mmap(struct nmport_d *d);
struct nmport_d *nmport_prepare(const char *portspec);
int nmport_open_desc(struct nmport_d *d);
void nmport_undo_prepare(struct nmport_d *d);
void nmport_undo_open_desc(struct nmport_d *d);
struct nmport_d *nmport_clone(struct nmport_d *d);

/* Options added before nmport_register() */
int nmport_extmem(struct nmport_d *d, void *base, size_t size);
int nmport_extmem_from_file(struct nmport_d *d, const char *fname);
struct nmreq_pools_info *nmport_extmem_getinfo(struct nmport_d *d);
int nmport_offset(struct nmport_d *d, uint64_t initial, uint64_t maxoff,
		  uint64_t bits, uint64_t mingap);
void nmport_disable_option(const char *opt);
int nmport_enable_option(const char *opt);

/* Requests and option lists */
void nmreq_header_init(struct nmreq_header *h, uint16_t reqtype, void *body);
int nmreq_header_decode(const char **pspec, struct nmreq_header *h,
			struct nmctx *ctx);
int nmreq_register_decode(const char **pmode, struct nmreq_register *r,
			  struct nmctx *ctx);
int32_t nmreq_get_mem_id(const char **pname, struct nmctx *ctx);
void nmreq_push_option(struct nmreq_header *h, struct nmreq_option *o);
void nmreq_remove_option(struct nmreq_header *h, struct nmreq_option *o);
struct nmreq_option *nmreq_find_option(struct nmreq_header *h,
				       uint32_t type);
void nmreq_free_options(struct nmreq_header *h);
const char *nmreq_option_name(uint32_t type);

#define nmreq_foreach_option(h_, o_)					\
	for ((o_) = (struct nmreq_option *)(uintptr_t)(h_)->nr_options;	\
	     (o_) != NULL;						\
	     (o_) = (struct nmreq_option *)(uintptr_t)(o_)->nro_next)

/* The "@name:key=value,..." option list parser */
#define NMREQ_OPT_MAXKEYS	16

struct nmreq_parse_ctx;
typedef int (*nmreq_opt_parser_cb)(struct nmreq_parse_ctx *pctx);

struct nmreq_opt_key {
	const char *key;
	int id;
	unsigned int flags;
};
#define NMREQ_OPTK_ALLOWEMPTY	1U	/* "key" without "=value" */
#define NMREQ_OPTK_MUSTSET	2U	/* mandatory */
#define NMREQ_OPTK_DEFAULT	4U	/* gets "@name=value" */

struct nmreq_opt_parser {
	const char *prefix;
	nmreq_opt_parser_cb parse;
	int default_key;		/* -1: none */
	int nr_keys;
	unsigned int flags;
	struct nmreq_opt_parser *next;
	struct nmreq_opt_key keys[NMREQ_OPT_MAXKEYS];
} __attribute__((aligned(16)));
#define NMREQ_OPTF_DISABLED	1U
#define NMREQ_OPTF_ALLOWEMPTY	2U	/* "@name" alone is fine */

struct nmreq_parse_ctx {
	struct nmctx *ctx;
	void *token;			/* the caller's, e.g. the nmport_d */
	const char *keys[NMREQ_OPT_MAXKEYS];	/* value per key id or NULL */
};

int nmreq_options_decode(const char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx);

/* Contexts */
struct nmctx *nmctx_get(void);
struct nmctx *nmctx_set_default(struct nmctx *ctx);
void nmctx_set_threadsafe(void);
void nmctx_ferror(struct nmctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *nmctx_malloc(struct nmctx *ctx, size_t size);
void nmctx_free(struct nmctx *ctx, void *ptr);
void nmctx_lock(struct nmctx *ctx);
void nmctx_unlock(struct nmctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LIBNETMAP_H_ */
