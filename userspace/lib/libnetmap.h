/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnetmap: the netmap API 14 port library (-lnetmap).
 *
 * Work in progress: so far only the context type and the decoding of
 * port specifications (nmreq_header_decode, nmreq_register_decode) are
 * here. nmport_* and the option parser follow; see
 * shared/spec/netmap-userspace-api.md section 4.
 *
 * Functions return 0 on success and -1 with errno on failure; errors are
 * also reported, when ctx->verbose is set, through ctx->error. A NULL
 * ctx reports nothing.
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
	struct nmem_d *mem_descs;	/* mapped regions, by allocator */
};

/* Zero *h and make it a request of type reqtype with the given body. */
void nmreq_header_init(struct nmreq_header *h, uint16_t reqtype, void *body);

/*
 * Decode "netmap:NAME" or "valeX:PORT" at *pspec into h->nr_name (the
 * VALE form keeps its prefix); advance *pspec to the mode suffix.
 */
int nmreq_header_decode(const char **pspec, struct nmreq_header *h,
			struct nmctx *ctx);

/*
 * Decode the mode suffix (^, ^N, *, -N, /flags, @N) at *pmode into
 * r->nr_mode, nr_ringid, nr_flags (assigned) and nr_mem_id; advance
 * *pmode to the "@" that starts the options, or to the end.
 */
int nmreq_register_decode(const char **pmode, struct nmreq_register *r,
			  struct nmctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LIBNETMAP_H_ */
