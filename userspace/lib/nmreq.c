// SPDX-License-Identifier: BSD-2-Clause
/*
 * libnetmap: decoding of port specifications, first part.
 *
 *	PREFIX:NAME[MODE][@OPTION...]
 *
 * nmreq_header_decode() reads PREFIX:NAME into nmreq_header.nr_name,
 * nmreq_register_decode() reads MODE into the nmreq_register body and
 * stops at the first "@" that starts an option. Both leave their outputs
 * and the string pointer untouched on failure and return -1 with errno
 * EINVAL.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libnetmap.h"

/* Report a decoding error through ctx (silently if ctx is NULL). */
static void nm_lib_error(struct nmctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void nm_lib_error(struct nmctx *ctx, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!ctx || !ctx->verbose || !ctx->error)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->error(ctx, msg);
}

static int nm_lib_is_ident(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/*
 * A ring or allocator number in [0, NETMAP_RING_MASK) at *pp; advances
 * *pp past it. -1 if there is no digit or the value is too large.
 */
static long nm_lib_number(const char **pp)
{
	const char *p = *pp;
	long v = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		if (v >= NETMAP_RING_MASK)
			return -1;
	}
	*pp = p;
	return v;
}

void nmreq_header_init(struct nmreq_header *h, uint16_t reqtype, void *body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = NETMAP_API;
	h->nr_reqtype = reqtype;
	h->nr_body = (uint64_t)(uintptr_t)body;
}

int nmreq_header_decode(const char **pspec, struct nmreq_header *h,
			struct nmctx *ctx)
{
	const char *spec = *pspec, *name, *scan, *end, *brace;
	size_t len;

	if (strncmp(spec, "netmap", 6) == 0) {
		if (spec[6] != ':') {
			nm_lib_error(ctx, "'%s': expected 'netmap:'", spec);
			goto einval;
		}
		name = scan = spec + 7;
	} else if (strncmp(spec, "vale", 4) == 0) {
		const char *colon = strchr(spec, ':');

		if (!colon || !nm_lib_is_ident(spec + 4, colon)) {
			nm_lib_error(ctx, "'%s': bad VALE switch name", spec);
			goto einval;
		}
		name = spec;		/* the name keeps valeX: */
		scan = colon + 1;
	} else {
		nm_lib_error(ctx, "'%s': prefix unknown", spec);
		goto einval;
	}

	end = scan + strcspn(scan, "-*^/@");
	len = (size_t)(end - name);
	if (len == 0 || len >= NETMAP_REQ_IFNAMSIZ) {
		nm_lib_error(ctx, "'%s': port name must be 1 to %d characters",
			     spec, NETMAP_REQ_IFNAMSIZ - 1);
		goto einval;
	}

	/* NAME{ID or NAME}ID: a pipe, ID is an identifier */
	brace = scan + strcspn(scan, "{}");
	if (brace < end) {
		if (brace[1] == '\0' || !nm_lib_is_ident(brace + 1, end)) {
			nm_lib_error(ctx, "'%s': bad pipe name", spec);
			goto einval;
		}
	}

	memset(h->nr_name, 0, sizeof(h->nr_name));
	memcpy(h->nr_name, name, len);
	*pspec = end;
	return 0;

einval:
	errno = EINVAL;
	return -1;
}

int nmreq_register_decode(const char **pmode, struct nmreq_register *r,
			  struct nmctx *ctx)
{
	const char *p = *pmode;
	uint32_t mode = NR_REG_ALL_NIC;
	uint64_t flags = 0;
	long ringid = 0, memid = r->nr_mem_id, v;

	switch (*p) {
	case '^':
		p++;
		if (isdigit((unsigned char)*p)) {
			mode = NR_REG_ONE_SW;
			ringid = nm_lib_number(&p);
			if (ringid < 0)
				goto bad_ring;
		} else {
			mode = NR_REG_SW;
		}
		break;
	case '*':
		mode = NR_REG_NIC_SW;
		p++;
		break;
	case '-':
		mode = NR_REG_ONE_NIC;
		p++;
		ringid = nm_lib_number(&p);
		if (ringid < 0)
			goto bad_ring;
		break;
	default:
		break;
	}

	while (*p) {
		if (*p == '/') {
			const char *first = ++p;

			for (;; p++) {
				if (*p == 'x')
					flags |= NR_EXCLUSIVE;
				else if (*p == 'z')
					flags |= NR_ZCOPY_MON;
				else if (*p == 't')
					flags |= NR_MONITOR_TX;
				else if (*p == 'r')
					flags |= NR_MONITOR_RX;
				else if (*p == 'R')
					flags |= NR_RX_RINGS_ONLY;
				else if (*p == 'T')
					flags |= NR_TX_RINGS_ONLY;
				else
					break;
			}
			if (p == first) {
				nm_lib_error(ctx, "'%s': '/' without flags",
					     *pmode);
				goto einval;
			}
		} else if (*p == '@') {
			if (p[1] == '\0') {
				nm_lib_error(ctx, "'%s': nothing after '@'",
					     *pmode);
				goto einval;
			}
			if (!isdigit((unsigned char)p[1]))
				break;		/* the options start here */
			p++;
			v = nm_lib_number(&p);
			if (v < 1 || (memid && memid != v)) {
				nm_lib_error(ctx, "'%s': bad memory id",
					     *pmode);
				goto einval;
			}
			memid = v;
		} else {
			nm_lib_error(ctx, "'%s': unexpected '%c'", *pmode, *p);
			goto einval;
		}
	}

	r->nr_mode = mode;
	r->nr_ringid = (uint16_t)ringid;
	r->nr_flags = flags;
	r->nr_mem_id = (uint16_t)memid;
	*pmode = p;
	return 0;

bad_ring:
	nm_lib_error(ctx, "'%s': ring number missing or not below %d",
		     *pmode, NETMAP_RING_MASK);
einval:
	errno = EINVAL;
	return -1;
}
