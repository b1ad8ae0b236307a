// SPDX-License-Identifier: GPL-2.0
/*
 * NIOCCTRL: copy a request (header, body, option chain) in from userspace,
 * dispatch it, and copy the results back.
 *
 * Everything the request points to is copied into kernel memory once,
 * before any handler runs; handlers never read user memory again. The
 * option chain is bounded by NETMAP_REQ_MAXSIZE bytes of body, option
 * headers and option bodies, which also ends a chain that loops.
 *
 * Copy-back rules (applications rely on them): the header is always
 * written back; the body only if the request succeeded; every option
 * header always (with its nro_status); an option body only if both the
 * request and that option succeeded.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "netmap_kern.h"

/* Body size of each request type; 0 for types with no body. */
static const u16 nm_body_size[] = {
	[NETMAP_REQ_REGISTER]		 = sizeof(struct nmreq_register),
	[NETMAP_REQ_PORT_INFO_GET]	 = sizeof(struct nmreq_port_info_get),
	[NETMAP_REQ_VALE_ATTACH]	 = sizeof(struct nmreq_vale_attach),
	[NETMAP_REQ_VALE_DETACH]	 = sizeof(struct nmreq_vale_detach),
	[NETMAP_REQ_VALE_LIST]		 = sizeof(struct nmreq_vale_list),
	[NETMAP_REQ_PORT_HDR_SET]	 = sizeof(struct nmreq_port_hdr),
	[NETMAP_REQ_PORT_HDR_GET]	 = sizeof(struct nmreq_port_hdr),
	[NETMAP_REQ_VALE_NEWIF]		 = sizeof(struct nmreq_vale_newif),
	[NETMAP_REQ_VALE_POLLING_ENABLE] = sizeof(struct nmreq_vale_polling),
	[NETMAP_REQ_VALE_POLLING_DISABLE] = sizeof(struct nmreq_vale_polling),
	[NETMAP_REQ_POOLS_INFO_GET]	 = sizeof(struct nmreq_pools_info),
	[NETMAP_REQ_SYNC_KLOOP_START]	 = sizeof(struct nmreq_sync_kloop_start),
};

/* Request types that exist but carry no body. */
static bool nm_reqtype_bodyless(u16 type)
{
	return type == NETMAP_REQ_VALE_DELIF ||
	       type == NETMAP_REQ_SYNC_KLOOP_STOP ||
	       type == NETMAP_REQ_CSB_ENABLE;
}

/* One option of the chain, as copied in. */
struct nm_opt {
	u64 uptr;			/* its address in user memory */
	struct nmreq_option hdr;
	u32 body_len;
	void *body;			/* inside nm_req.opt_buf */
};

/* The most options a chain can hold within NETMAP_REQ_MAXSIZE. */
#define NM_OPTS_MAX	(NETMAP_REQ_MAXSIZE / sizeof(struct nmreq_option) + 1)

struct nm_req {
	u8 body[sizeof(struct nmreq_vale_attach)];	/* largest body */
	unsigned int nopts;
	struct nm_opt opts[NM_OPTS_MAX];
	size_t opt_buf_used;
	u8 opt_buf[NETMAP_REQ_MAXSIZE];
};

static u32 nm_opt_body_len(const struct nmreq_option *o)
{
	const u32 h = sizeof(*o);

	switch (o->nro_reqtype) {
	case NETMAP_REQ_OPT_EXTMEM:
		return sizeof(struct nmreq_opt_extmem) - h;
	case NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS:
		return o->nro_size >= h ? o->nro_size - h : 0;
	case NETMAP_REQ_OPT_CSB:
		return sizeof(struct nmreq_opt_csb) - h;
	case NETMAP_REQ_OPT_SYNC_KLOOP_MODE:
		return sizeof(struct nmreq_opt_sync_kloop_mode) - h;
	case NETMAP_REQ_OPT_OFFSETS:
		return sizeof(struct nmreq_opt_offsets) - h;
	}
	return 0;
}

/*
 * Walk the option chain starting at @uptr. On error the options read so
 * far stay in @req so that their headers (with nro_status) are written
 * back.
 */
static int nm_opts_copy_in(struct nm_req *req, u64 uptr, size_t used)
{
	struct nm_opt *seen[NETMAP_REQ_OPT_MAX] = { NULL };
	unsigned int i;

	while (uptr) {
		struct nm_opt *opt;
		u32 type;

		used += sizeof(struct nmreq_option);
		if (used > NETMAP_REQ_MAXSIZE || req->nopts == NM_OPTS_MAX)
			return -EMSGSIZE;
		opt = &req->opts[req->nopts];
		if (copy_from_user(&opt->hdr, u64_to_user_ptr(uptr),
				   sizeof(opt->hdr)))
			return -EFAULT;
		opt->uptr = uptr;
		opt->body = NULL;
		opt->body_len = 0;
		opt->hdr.nro_status = 0;
		req->nopts++;
		type = opt->hdr.nro_reqtype;

		if (type == 0) {
			opt->hdr.nro_status = EINVAL;
			return -EINVAL;
		}
		if (type < NETMAP_REQ_OPT_MAX) {
			if (seen[type]) {
				seen[type]->hdr.nro_status = EINVAL;
				opt->hdr.nro_status = EINVAL;
				return -EINVAL;
			}
			seen[type] = opt;
			if (opt->hdr.nro_size > NETMAP_REQ_MAXSIZE)
				return -EMSGSIZE;
			opt->body_len = nm_opt_body_len(&opt->hdr);
			used += opt->body_len;
			if (used > NETMAP_REQ_MAXSIZE)
				return -EMSGSIZE;
			opt->body = req->opt_buf + req->opt_buf_used;
			req->opt_buf_used += opt->body_len;
			if (copy_from_user(opt->body,
					   u64_to_user_ptr(uptr + sizeof(opt->hdr)),
					   opt->body_len))
				return -EFAULT;
		}
		uptr = opt->hdr.nro_next;
	}

	/* Handlers overwrite this when they consume an option. */
	for (i = 0; i < req->nopts; i++)
		req->opts[i].hdr.nro_status = EOPNOTSUPP;
	return 0;
}

static int nm_opts_copy_out(struct nm_req *req, int err)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < req->nopts; i++) {
		struct nm_opt *opt = &req->opts[i];
		void __user *u = u64_to_user_ptr(opt->uptr);

		if (copy_to_user(u, &opt->hdr, sizeof(opt->hdr)))
			ret = -EFAULT;
		else if (!err && !opt->hdr.nro_status && opt->body_len &&
			 copy_to_user(u + sizeof(opt->hdr), opt->body,
				      opt->body_len))
			ret = -EFAULT;
	}
	return ret;
}

/**
 * nm_ctrl_dispatch() - run one validated control request
 * @priv: the fd's state
 * @hdr: request header, in kernel memory
 * @body: request body, in kernel memory (size checked by the caller)
 *
 * A successful REGISTER leaves the binding unpublished: the caller either
 * publishes it (nm_bind_publish()) or undoes it (nm_unbind()).
 *
 * Context: process context, may sleep. Takes nm_core_lock as needed.
 * Return: 0 or a negative errno.
 */
int nm_ctrl_dispatch(struct nm_priv *priv, struct nmreq_header *hdr,
		     void *body)
{
	struct net *net = current->nsproxy->net_ns;

	switch (hdr->nr_reqtype) {
	case NETMAP_REQ_REGISTER:
		return nm_bind(priv, hdr, body);
	case NETMAP_REQ_PORT_INFO_GET:
		return nm_port_info(net, hdr, body);
	case NETMAP_REQ_POOLS_INFO_GET:
		return nm_pools_info(net, hdr, body);
	default:
		/* VALE, port headers, CSB and the sync kloop: not built. */
		return -EOPNOTSUPP;
	}
}

/**
 * nm_ctrl_ioctl() - NIOCCTRL
 * @priv: the fd's state
 * @uarg: user pointer to a struct nmreq_header
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno; the header is always copied back.
 */
long nm_ctrl_ioctl(struct nm_priv *priv, void __user *uarg)
{
	struct nmreq_header hdr;
	bool opts_pending = false;
	struct nm_req *req;
	size_t body_len = 0;
	unsigned int i;
	int err, err2;

	if (copy_from_user(&hdr, uarg, sizeof(hdr)))
		return -EFAULT;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	hdr.nr_name[sizeof(hdr.nr_name) - 1] = '\0';
	err = -EINVAL;
	if (hdr.nr_version < NETMAP_MIN_API || hdr.nr_version > NETMAP_MAX_API)
		goto out_hdr;
	if (hdr.nr_reserved)
		goto out_hdr;
	if (hdr.nr_reqtype < ARRAY_SIZE(nm_body_size))
		body_len = nm_body_size[hdr.nr_reqtype];
	if (!body_len && !nm_reqtype_bodyless(hdr.nr_reqtype))
		goto out_hdr;
	if (!body_len != !hdr.nr_body)
		goto out_hdr;
	err = -EFAULT;
	if (body_len && copy_from_user(req->body, u64_to_user_ptr(hdr.nr_body),
				       body_len))
		goto out_hdr;

	err = nm_opts_copy_in(req, hdr.nr_options, body_len);
	if (err)
		goto out_opts;

	err = nm_ctrl_dispatch(priv, &hdr, req->body);

	/*
	 * A REGISTER that left an option unconsumed must not succeed. It is
	 * undone before anyone can see it: other threads may be syncing,
	 * polling or mapping this fd right now.
	 */
	for (i = 0; i < req->nopts; i++)
		if (req->opts[i].hdr.nro_status == EOPNOTSUPP)
			opts_pending = true;
	if (!err && hdr.nr_reqtype == NETMAP_REQ_REGISTER) {
		if (opts_pending) {
			nm_unbind(priv);
			err = -EOPNOTSUPP;
		} else {
			nm_bind_publish(priv);
		}
	}
	if (!err && body_len &&
	    copy_to_user(u64_to_user_ptr(hdr.nr_body), req->body, body_len))
		err = -EFAULT;

out_opts:
	err2 = nm_opts_copy_out(req, err);
	if (!err)
		err = err2;
out_hdr:
	if (copy_to_user(uarg, &hdr, sizeof(hdr)) && !err)
		err = -EFAULT;
	kfree(req);
	return err;
}
