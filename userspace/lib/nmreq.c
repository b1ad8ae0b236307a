// SPDX-License-Identifier: BSD-2-Clause
/*
 * libnetmap: requests. Decoding of port specifications,
 *
 *	PREFIX:NAME[MODE][@OPTION...]
 *
 * the option list of a request header, and nmreq_get_mem_id().
 *
 * nmreq_header_decode() reads PREFIX:NAME into nmreq_header.nr_name,
 * nmreq_register_decode() reads MODE into the nmreq_register body and
 * stops at the first "@" that starts an option. Both leave their outputs
 * and the string pointer untouched on failure and return -1 with errno
 * EINVAL. nmreq_options_decode() hands each @OPTION to its parser.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* the name helpers shared with the header-only nm_open() parser */
#define NETMAP_WITH_LIBS
#include "libnetmap.h"

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
			nmctx_ferror(ctx, "'%s': expected 'netmap:'", spec);
			goto einval;
		}
		name = scan = spec + 7;
	} else if (strncmp(spec, "vale", 4) == 0) {
		const char *colon = strchr(spec, ':');

		if (!colon || !nm_priv_is_ident(spec + 4, colon)) {
			nmctx_ferror(ctx, "'%s': bad VALE switch name", spec);
			goto einval;
		}
		name = spec;		/* the name keeps valeX: */
		scan = colon + 1;
	} else {
		nmctx_ferror(ctx, "'%s': prefix unknown", spec);
		goto einval;
	}

	end = scan + strcspn(scan, "-*^/@");
	len = (size_t)(end - name);
	if (len == 0 || len >= NETMAP_REQ_IFNAMSIZ) {
		nmctx_ferror(ctx, "'%s': port name must be 1 to %d characters",
			     spec, NETMAP_REQ_IFNAMSIZ - 1);
		goto einval;
	}

	/* NAME{ID or NAME}ID: a pipe, ID is an identifier */
	brace = scan + strcspn(scan, "{}");
	if (brace < end) {
		if (brace[1] == '\0' || !nm_priv_is_ident(brace + 1, end)) {
			nmctx_ferror(ctx, "'%s': bad pipe name", spec);
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
			ringid = nm_priv_number(&p);
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
		ringid = nm_priv_number(&p);
		if (ringid < 0)
			goto bad_ring;
		break;
	default:
		break;
	}

	while (*p) {
		if (*p == '/') {
			p++;
			if (!nm_priv_flag_letters(&p, &flags)) {
				nmctx_ferror(ctx, "'%s': '/' without flags",
					     *pmode);
				goto einval;
			}
		} else if (*p == '@') {
			if (p[1] == '\0') {
				nmctx_ferror(ctx, "'%s': nothing after '@'",
					     *pmode);
				goto einval;
			}
			if (!isdigit((unsigned char)p[1]))
				break;		/* the options start here */
			p++;
			v = nm_priv_number(&p);
			if (v < 1 || (memid && memid != v)) {
				nmctx_ferror(ctx, "'%s': bad memory id",
					     *pmode);
				goto einval;
			}
			memid = v;
		} else {
			nmctx_ferror(ctx, "'%s': unexpected '%c'", *pmode, *p);
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
	nmctx_ferror(ctx, "'%s': ring number missing or not below %d",
		     *pmode, NETMAP_RING_MASK);
einval:
	errno = EINVAL;
	return -1;
}

/*
 * Option lists. nr_options and nro_next hold user pointers as 64-bit
 * integers; the list ends at 0.
 */
void nmreq_push_option(struct nmreq_header *h, struct nmreq_option *o)
{
	o->nro_next = h->nr_options;
	h->nr_options = (uint64_t)(uintptr_t)o;
}

void nmreq_remove_option(struct nmreq_header *h, struct nmreq_option *o)
{
	__u64 *link = &h->nr_options;

	while (*link) {
		struct nmreq_option *cur =
			(struct nmreq_option *)(uintptr_t)*link;

		if (cur == o) {
			*link = o->nro_next;
			o->nro_next = 0;
			return;
		}
		link = &cur->nro_next;
	}
}

struct nmreq_option *nmreq_find_option(struct nmreq_header *h,
				       uint32_t type)
{
	struct nmreq_option *o;

	nmreq_foreach_option(h, o)
		if (o->nro_reqtype == type)
			return o;
	return NULL;
}

/* As upstream: libc free() on every option; nr_options is left as is. */
void nmreq_free_options(struct nmreq_header *h)
{
	struct nmreq_option *o = (struct nmreq_option *)(uintptr_t)
				 h->nr_options;

	while (o) {
		struct nmreq_option *next =
			(struct nmreq_option *)(uintptr_t)o->nro_next;

		free(o);
		o = next;
	}
}

const char *nmreq_option_name(uint32_t type)
{
	switch (type) {
	case NETMAP_REQ_OPT_EXTMEM:
		return "extmem";
	case NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS:
		return "sync-kloop-eventfds";
	case NETMAP_REQ_OPT_CSB:
		return "csb";
	case NETMAP_REQ_OPT_SYNC_KLOOP_MODE:
		return "sync-kloop-mode";
	case NETMAP_REQ_OPT_OFFSETS:
		return "offsets";
	default:
		return "unknown";
	}
}

int32_t nmreq_get_mem_id(const char **pname, struct nmctx *ctx)
{
	struct nmreq_port_info_get info;
	const char *p = *pname;
	struct nmreq_header h;
	int fd, saved;

	if (nmreq_header_decode(&p, &h, ctx) < 0)
		return -1;
	fd = open(NETMAP_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		nmctx_ferror(ctx, "%s: %s", NETMAP_DEVICE_NAME,
			     strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof(info));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = NETMAP_REQ_PORT_INFO_GET;
	h.nr_options = 0;
	h.nr_body = (uint64_t)(uintptr_t)&info;
	if (ioctl(fd, NIOCCTRL, &h) < 0) {
		saved = errno;
		nmctx_ferror(ctx, "port info of %s: %s", h.nr_name,
			     strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	*pname = p;
	return info.nr_mem_id;
}

/*
 * Option list: @name, @name=value (value for the parser's default key)
 * or @name:key=value,key=value... ('-' in a key reads as '_'); options
 * are separated by '@'. Each option is checked completely (known,
 * enabled, keys known and not repeated, mandatory keys present) before
 * its parser runs.
 */
static struct nmreq_opt_parser *nmreq_opt_find(struct nmreq_opt_parser *list,
					       const char *name)
{
	for (; list; list = list->next)
		if (!strcmp(list->prefix, name))
			return list;
	return NULL;
}

/* The key named k (already '_'-normalised) of parser p, or NULL. */
static struct nmreq_opt_key *nmreq_opt_key(struct nmreq_opt_parser *p,
					   const char *k)
{
	int i;

	for (i = 0; i < p->nr_keys && i < NMREQ_OPT_MAXKEYS; i++)
		if (p->keys[i].key && !strcmp(p->keys[i].key, k))
			return &p->keys[i];
	return NULL;
}

static int nmreq_opt_set(struct nmreq_parse_ctx *pctx,
			 struct nmreq_opt_parser *p, int id, const char *value,
			 const char *key)
{
	if (id < 0 || id >= NMREQ_OPT_MAXKEYS) {
		nmctx_ferror(pctx->ctx, "option %s: bad key table", p->prefix);
		return -1;
	}
	if (pctx->keys[id]) {
		nmctx_ferror(pctx->ctx, "option %s: key '%s' given twice",
			     p->prefix, key);
		return -1;
	}
	pctx->keys[id] = value;
	return 0;
}

/* One option, "name[=value|:key[=value],...]", written over in place. */
static int nmreq_opt_one(char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx)
{
	struct nmreq_opt_parser *p;
	struct nmreq_parse_ctx pctx;
	char *body, *item, *next;
	char sep;
	int i;

	body = opt + strcspn(opt, ":=");
	sep = *body;
	*body = '\0';
	if (sep)
		body++;
	p = nmreq_opt_find(parsers, opt);
	if (!p) {
		nmctx_ferror(ctx, "unknown option '%s'", opt);
		errno = EINVAL;
		return -1;
	}
	if (p->flags & NMREQ_OPTF_DISABLED) {
		nmctx_ferror(ctx, "option '%s' is disabled", opt);
		errno = EOPNOTSUPP;
		return -1;
	}

	memset(&pctx, 0, sizeof(pctx));
	pctx.ctx = ctx;
	pctx.token = token;
	if (sep == '\0') {
		if (!(p->flags & NMREQ_OPTF_ALLOWEMPTY)) {
			nmctx_ferror(ctx, "option '%s' needs a value", opt);
			goto einval;
		}
	} else if (sep == '=') {
		if (p->default_key < 0) {
			nmctx_ferror(ctx, "option '%s' has no default key, "
				     "use '%s:key=value'", opt, opt);
			goto einval;
		}
		if (nmreq_opt_set(&pctx, p, p->default_key, body,
				  "(default)") < 0)
			goto einval;
	} else {
		for (item = body; item; item = next) {
			struct nmreq_opt_key *k;
			char *value, *c;

			next = strchr(item, ',');
			if (next)
				*next++ = '\0';
			value = strchr(item, '=');
			if (value)
				*value++ = '\0';
			for (c = item; *c; c++)
				if (*c == '-')
					*c = '_';
			k = *item ? nmreq_opt_key(p, item) : NULL;
			if (!k) {
				nmctx_ferror(ctx, "option %s: unknown key '%s'",
					     p->prefix, item);
				goto einval;
			}
			if (!value && !(k->flags & NMREQ_OPTK_ALLOWEMPTY)) {
				nmctx_ferror(ctx, "option %s: key '%s' needs "
					     "a value", p->prefix, item);
				goto einval;
			}
			if (nmreq_opt_set(&pctx, p, k->id, value ? value : "",
					  item) < 0)
				goto einval;
		}
	}
	for (i = 0; i < p->nr_keys && i < NMREQ_OPT_MAXKEYS; i++) {
		struct nmreq_opt_key *k = &p->keys[i];

		if ((k->flags & NMREQ_OPTK_MUSTSET) && k->id >= 0 &&
		    k->id < NMREQ_OPT_MAXKEYS && !pctx.keys[k->id]) {
			nmctx_ferror(ctx, "option %s: key '%s' is mandatory",
				     p->prefix, k->key);
			goto einval;
		}
	}
	return p->parse ? p->parse(&pctx) : 0;

einval:
	errno = EINVAL;
	return -1;
}

int nmreq_options_decode(const char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx)
{
	struct nmctx *mctx = ctx ? ctx : nmctx_get();
	char *copy, *cur, *next;
	size_t len;
	int ret = 0;

	if (*opt == '\0')
		return 0;
	if (*opt != '@') {
		nmctx_ferror(ctx, "'%s': options start with '@'", opt);
		errno = EINVAL;
		return -1;
	}
	len = strlen(opt);
	copy = (char *)nmctx_malloc(mctx, len);
	if (!copy) {
		nmctx_ferror(ctx, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	memcpy(copy, opt + 1, len);	/* with the final NUL */
	for (cur = copy; cur && ret == 0; cur = next) {
		next = strchr(cur, '@');
		if (next)
			*next++ = '\0';
		if (*cur == '\0') {
			nmctx_ferror(ctx, "'%s': empty option", opt);
			errno = EINVAL;
			ret = -1;
			break;
		}
		ret = nmreq_opt_one(cur, parsers, token, ctx);
	}
	nmctx_free(mctx, copy);	/* keeps errno */
	return ret;
}
