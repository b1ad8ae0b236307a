// SPDX-License-Identifier: BSD-2-Clause
/*
 * libnetmap: contexts. A context says how the library allocates memory
 * and reports errors, and holds the list of mapped memory regions.
 *
 * The default context prints errors on stderr and uses malloc/free. The
 * library constructor makes it thread-safe (its lock callback takes a
 * pthread mutex around the region list), so nmctx_get() returns that
 * locked wrapper, as upstream does when its pthread object is linked.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "libnetmap.h"

#define NMCTX_MSG_MAX	1000

static void nmctx_default_error(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s\n", msg);
}

static void *nmctx_default_malloc(struct nmctx *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void nmctx_default_free(struct nmctx *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

static struct nmctx nmctx_global = {
	.verbose = 1,
	.error = nmctx_default_error,
	.malloc = nmctx_default_malloc,
	.free = nmctx_default_free,
};

static struct nmctx *nmctx_default = &nmctx_global;

struct nmctx *nmctx_get(void)
{
	return nmctx_default;
}

struct nmctx *nmctx_set_default(struct nmctx *ctx)
{
	struct nmctx *old = nmctx_default;

	if (ctx)
		nmctx_default = ctx;
	return old;
}

static pthread_mutex_t nmctx_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct nmctx nmctx_locked;

static void nmctx_mutex_lock(struct nmctx *ctx, int lock)
{
	(void)ctx;
	if (lock)
		pthread_mutex_lock(&nmctx_mutex);
	else
		pthread_mutex_unlock(&nmctx_mutex);
}

void nmctx_set_threadsafe(void)
{
	if (nmctx_default == &nmctx_locked)
		return;
	nmctx_locked = *nmctx_default;
	nmctx_locked.lock = nmctx_mutex_lock;
	nmctx_default = &nmctx_locked;
}

static void __attribute__((constructor)) nmctx_init(void)
{
	nmctx_set_threadsafe();
}

void nmctx_ferror(struct nmctx *ctx, const char *fmt, ...)
{
	char msg[NMCTX_MSG_MAX + 1];
	int saved = errno;
	va_list ap;
	int n;

	if (!ctx || !ctx->verbose || !ctx->error)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		ctx->error(ctx, "internal error");
	else if (n > NMCTX_MSG_MAX)
		ctx->error(ctx, "error message too long");
	else
		ctx->error(ctx, msg);
	errno = saved;
}

void *nmctx_malloc(struct nmctx *ctx, size_t size)
{
	return ctx->malloc(ctx, size);
}

void nmctx_free(struct nmctx *ctx, void *ptr)
{
	int saved = errno;

	ctx->free(ctx, ptr);
	errno = saved;
}

void nmctx_lock(struct nmctx *ctx)
{
	if (ctx->lock)
		ctx->lock(ctx, 1);
}

void nmctx_unlock(struct nmctx *ctx)
{
	if (ctx->lock)
		ctx->lock(ctx, 0);
}
