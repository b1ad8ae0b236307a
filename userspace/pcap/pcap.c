// SPDX-License-Identifier: BSD-2-Clause
/*
 * The public pcap entry points (see nmpcap.h for the approach).
 *
 * Every function of libpcap 1.10's API that takes a pcap_t, a device
 * name or creates a live handle is defined here:
 *
 *   device name	pcap_create, pcap_open_live, pcap_lookupnet
 *   before activation	pcap_set_snaplen, _promisc, _rfmon, _timeout,
 *			_immediate_mode, _buffer_size, _tstamp_type,
 *			_tstamp_precision, _protocol_linux,
 *			pcap_can_set_rfmon, pcap_list_tstamp_types,
 *			pcap_activate
 *   capture		pcap_loop, pcap_dispatch, pcap_next, pcap_next_ex,
 *			pcap_breakloop, pcap_setfilter, pcap_setdirection,
 *			pcap_getnonblock, pcap_setnonblock, pcap_stats
 *   transmit		pcap_inject, pcap_sendpacket
 *   properties		pcap_datalink, _datalink_ext, pcap_list_datalinks,
 *			pcap_set_datalink, pcap_snapshot, pcap_bufsize,
 *			pcap_get_tstamp_precision, pcap_fileno,
 *			pcap_get_selectable_fd,
 *			pcap_get_required_select_timeout
 *   errors		pcap_geterr, pcap_perror
 *   on the handle	pcap_compile, pcap_dump_open, pcap_dump_open_append,
 *			pcap_dump_fopen (run on the activated shadow pcap_t)
 *   end		pcap_close
 *
 * Not intercepted, answered by the dead pcap_t the program holds:
 * pcap_is_swapped (0), pcap_major_version, pcap_minor_version,
 * pcap_file (NULL). Functions without a pcap_t or device argument
 * (savefiles, pcap_offline_filter, name tables, pcap_findalldevs...)
 * are libpcap's own, untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmpcap.h"

static int nmp_not_activated(struct nmp *h, const char *what)
{
	snprintf(h->errbuf, sizeof(h->errbuf),
		 "%s: %s on a handle that is not activated", h->device, what);
	return PCAP_ERROR_NOT_ACTIVATED;
}

static int nmp_activated(struct nmp *h)
{
	snprintf(h->errbuf, sizeof(h->errbuf),
		 "%s: can't change this on an activated handle", h->device);
	return PCAP_ERROR_ACTIVATED;
}

pcap_t *pcap_create(const char *device, char *errbuf)
{
	if (nmp_is_port_name(device))
		return nmp_new(device, errbuf);
	return nmp_real.pcap_create(device, errbuf);
}

/* The pcap_set_* that only store a value until activation. */
#define NMP_SETTER(fn, field)						\
int fn(pcap_t *p, int value)						\
{									\
	struct nmp *h = nmp_lookup(p);					\
									\
	if (!h)								\
		return nmp_real.fn(p, value);				\
	if (h->activated)						\
		return nmp_activated(h);				\
	h->field = value;						\
	return 0;							\
}

NMP_SETTER(pcap_set_snaplen, snaplen)
NMP_SETTER(pcap_set_promisc, promisc)
NMP_SETTER(pcap_set_rfmon, rfmon)
NMP_SETTER(pcap_set_timeout, timeout_ms)
NMP_SETTER(pcap_set_immediate_mode, immediate)

/* Ring sizes are the kernel's: accepted and ignored. */
int pcap_set_buffer_size(pcap_t *p, int size)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_set_buffer_size(p, size);
	return h->activated ? nmp_activated(h) : 0;
}

int pcap_set_protocol_linux(pcap_t *p, int protocol)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_set_protocol_linux(p, protocol);
	return h->activated ? nmp_activated(h) : 0;
}

/* Host timestamps (taken by the kernel at ring sync) only. */
int pcap_set_tstamp_type(pcap_t *p, int type)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_set_tstamp_type(p, type);
	if (h->activated)
		return nmp_activated(h);
	return type == PCAP_TSTAMP_HOST ? 0 : PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
}

int pcap_set_tstamp_precision(pcap_t *p, int precision)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_set_tstamp_precision(p, precision);
	if (h->activated)
		return nmp_activated(h);
	if (precision != PCAP_TSTAMP_PRECISION_MICRO &&
	    precision != PCAP_TSTAMP_PRECISION_NANO)
		return PCAP_ERROR_TSTAMP_PRECISION_NOTSUP;
	h->precision = precision;
	return 0;
}

int pcap_get_tstamp_precision(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	return h ? h->precision : nmp_real.pcap_get_tstamp_precision(p);
}

int pcap_can_set_rfmon(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	return h ? 0 : nmp_real.pcap_can_set_rfmon(p);
}

int pcap_list_tstamp_types(pcap_t *p, int **types)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_list_tstamp_types(p, types);
	*types = NULL;
	return 0;
}

int pcap_activate(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_activate(p);
	if (h->activated)
		return nmp_activated(h);
	return nmp_activate(h);
}

pcap_t *pcap_open_live(const char *device, int snaplen, int promisc,
		       int to_ms, char *errbuf)
{
	struct nmp *h;
	pcap_t *p;
	int rc;

	if (!nmp_is_port_name(device))
		return nmp_real.pcap_open_live(device, snaplen, promisc, to_ms,
					       errbuf);
	p = nmp_new(device, errbuf);
	if (!p)
		return NULL;
	h = nmp_lookup(p);
	h->snaplen = snaplen;
	h->promisc = promisc;
	h->timeout_ms = to_ms;
	rc = nmp_activate(h);
	if (rc < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", h->errbuf);
		nmp_free(h);
		return NULL;
	}
	/* libpcap's convention: a warning is left in errbuf */
	if (rc > 0)
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", h->errbuf);
	return p;
}

int pcap_lookupnet(const char *device, bpf_u_int32 *netp, bpf_u_int32 *maskp,
		   char *errbuf)
{
	char ifname[IFNAMSIZ];

	if (!nmp_is_port_name(device))
		return nmp_real.pcap_lookupnet(device, netp, maskp, errbuf);
	if (nmp_port_ifname(device, ifname) < 0 || !ifname[0]) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "%s: no network device behind this port", device);
		return PCAP_ERROR;
	}
	return nmp_real.pcap_lookupnet(ifname, netp, maskp, errbuf);
}

void pcap_close(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (h)
		nmp_free(h);
	else
		nmp_real.pcap_close(p);
}

int pcap_dispatch(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_dispatch(p, cnt, cb, user);
	return nmp_dispatch(h, cnt, cb, user);
}

/* As libpcap on a live capture: timeouts do not end the loop. */
int pcap_loop(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct nmp *h = nmp_lookup(p);
	int n, done = 0;

	if (!h)
		return nmp_real.pcap_loop(p, cnt, cb, user);
	for (;;) {
		n = nmp_dispatch(h, cnt > 0 ? cnt - done : -1, cb, user);
		if (n < 0)
			return n;
		done += n;
		if (cnt > 0 && done >= cnt)
			return 0;
	}
}

static void nmp_keep_one(u_char *user, const struct pcap_pkthdr *hdr,
			 const u_char *data)
{
	struct nmp *h = (struct nmp *)(void *)user;

	h->next_hdr = *hdr;
	h->next_data = data;
}

int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **hdr, const u_char **data)
{
	struct nmp *h = nmp_lookup(p);
	int n;

	if (!h)
		return nmp_real.pcap_next_ex(p, hdr, data);
	n = nmp_dispatch(h, 1, nmp_keep_one, (u_char *)h);
	if (n <= 0)
		return n;
	*hdr = &h->next_hdr;
	*data = h->next_data;
	return 1;
}

const u_char *pcap_next(pcap_t *p, struct pcap_pkthdr *hdr)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_next(p, hdr);
	if (nmp_dispatch(h, 1, nmp_keep_one, (u_char *)h) <= 0)
		return NULL;
	*hdr = h->next_hdr;
	return h->next_data;
}

/* Async-signal-safe: a lock-free lookup and one store. */
void pcap_breakloop(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (h)
		h->breakloop = 1;
	else
		nmp_real.pcap_breakloop(p);
}

int pcap_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct nmp *h = nmp_lookup(p);

	return h ? nmp_stats(h, ps) : nmp_real.pcap_stats(p, ps);
}

/* Kept as a copy; run by pcap_offline_filter() on every packet. */
int pcap_setfilter(pcap_t *p, struct bpf_program *fp)
{
	struct nmp *h = nmp_lookup(p);
	struct bpf_insn *insns;
	size_t size;

	if (!h)
		return nmp_real.pcap_setfilter(p, fp);
	if (!h->activated)
		return nmp_not_activated(h, "pcap_setfilter");
	if (!fp || !fp->bf_insns || !fp->bf_len ||
	    (nmp_real.bpf_validate &&
	     !nmp_real.bpf_validate(fp->bf_insns, (int)fp->bf_len))) {
		snprintf(h->errbuf, sizeof(h->errbuf),
			 "%s: invalid BPF program", h->device);
		return PCAP_ERROR;
	}
	size = fp->bf_len * sizeof(*insns);
	insns = malloc(size);
	if (!insns) {
		snprintf(h->errbuf, sizeof(h->errbuf), "%s: out of memory",
			 h->device);
		return PCAP_ERROR;
	}
	memcpy(insns, fp->bf_insns, size);
	free(h->filter.bf_insns);
	h->filter.bf_insns = insns;
	h->filter.bf_len = fp->bf_len;
	return 0;
}

int pcap_setdirection(pcap_t *p, pcap_direction_t dir)
{
	struct nmp *h = nmp_lookup(p);
	pcap_direction_t old;
	unsigned int ri;

	if (!h)
		return nmp_real.pcap_setdirection(p, dir);
	if (!h->activated)
		return nmp_not_activated(h, "pcap_setdirection");
	if (dir != PCAP_D_INOUT && dir != PCAP_D_IN && dir != PCAP_D_OUT) {
		snprintf(h->errbuf, sizeof(h->errbuf),
			 "%s: invalid direction %d", h->device, (int)dir);
		return PCAP_ERROR;
	}
	old = h->direction;
	h->direction = dir;
	for (ri = h->d->first_rx_ring; ri <= h->d->last_rx_ring; ri++)
		if (nmp_ring_wanted(h, ri))
			return 0;
	h->direction = old;
	snprintf(h->errbuf, sizeof(h->errbuf),
		 "%s: no ring of this port carries %s packets (NIC rings hold what arrives, the host ring ^ what the stack sends)",
		 h->device, dir == PCAP_D_IN ? "incoming" : "outgoing");
	return PCAP_ERROR;
}

int pcap_getnonblock(pcap_t *p, char *errbuf)
{
	struct nmp *h = nmp_lookup(p);

	return h ? h->nonblock : nmp_real.pcap_getnonblock(p, errbuf);
}

int pcap_setnonblock(pcap_t *p, int nonblock, char *errbuf)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_setnonblock(p, nonblock, errbuf);
	h->nonblock = !!nonblock;
	return 0;
}

int pcap_inject(pcap_t *p, const void *buf, size_t size)
{
	struct nmp *h = nmp_lookup(p);

	return h ? nmp_inject(h, buf, size) :
		   nmp_real.pcap_inject(p, buf, size);
}

int pcap_sendpacket(pcap_t *p, const u_char *buf, int size)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_sendpacket(p, buf, size);
	if (size <= 0) {
		snprintf(h->errbuf, sizeof(h->errbuf),
			 "%s: the packet size must be positive", h->device);
		return PCAP_ERROR;
	}
	return nmp_inject(h, buf, (size_t)size) == size ? 0 : PCAP_ERROR;
}

char *pcap_geterr(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	return h ? h->errbuf : nmp_real.pcap_geterr(p);
}

void pcap_perror(pcap_t *p, const char *prefix)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		nmp_real.pcap_perror(p, prefix);
	else
		fprintf(stderr, "%s: %s\n", prefix, h->errbuf);
}

int pcap_compile(pcap_t *p, struct bpf_program *fp, const char *str,
		 int optimize, bpf_u_int32 netmask)
{
	struct nmp *h = nmp_lookup(p);
	int rc;

	if (!h)
		return nmp_real.pcap_compile(p, fp, str, optimize, netmask);
	if (!h->activated)
		return nmp_not_activated(h, "pcap_compile");
	rc = nmp_real.pcap_compile(h->shadow, fp, str, optimize, netmask);
	if (rc < 0)
		snprintf(h->errbuf, sizeof(h->errbuf), "%s",
			 nmp_real.pcap_geterr(h->shadow));
	return rc;
}

int pcap_datalink(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_datalink(p);
	return h->activated ? DLT_EN10MB : nmp_not_activated(h, "pcap_datalink");
}

int pcap_datalink_ext(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_datalink_ext(p);
	return h->activated ? DLT_EN10MB :
			      nmp_not_activated(h, "pcap_datalink_ext");
}

int pcap_list_datalinks(pcap_t *p, int **dlts)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_list_datalinks(p, dlts);
	if (!h->activated)
		return nmp_not_activated(h, "pcap_list_datalinks");
	/* freed by pcap_free_datalinks(), i.e. free() */
	*dlts = malloc(sizeof(**dlts));
	if (!*dlts) {
		snprintf(h->errbuf, sizeof(h->errbuf), "%s: out of memory",
			 h->device);
		return PCAP_ERROR;
	}
	**dlts = DLT_EN10MB;
	return 1;
}

int pcap_set_datalink(pcap_t *p, int dlt)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_set_datalink(p, dlt);
	if (dlt == DLT_EN10MB)
		return 0;
	snprintf(h->errbuf, sizeof(h->errbuf),
		 "%s: netmap ports only have link type EN10MB", h->device);
	return PCAP_ERROR;
}

int pcap_snapshot(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_snapshot(p);
	return h->activated ? h->snaplen : nmp_not_activated(h, "pcap_snapshot");
}

/* What the RX rings can hold. */
int pcap_bufsize(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_bufsize(p);
	if (!h->activated)
		return nmp_not_activated(h, "pcap_bufsize");
	return (int)(h->d->req.nr_rx_slots * h->d->some_ring->nr_buf_size);
}

int pcap_fileno(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_fileno(p);
	return h->activated ? h->d->fd : PCAP_ERROR;
}

/* The netmap fd: poll()/select() on it sync the RX rings. */
int pcap_get_selectable_fd(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_get_selectable_fd(p);
	return h->activated ? h->d->fd : PCAP_ERROR;
}

const struct timeval *pcap_get_required_select_timeout(pcap_t *p)
{
	struct nmp *h = nmp_lookup(p);

	if (!h)
		return nmp_real.pcap_get_required_select_timeout(p);
	return NULL;
}

/* The savefile header takes snaplen and precision from the shadow. */
static pcap_t *nmp_dump_source(struct nmp *h, const char *what)
{
	if (!h->activated) {
		nmp_not_activated(h, what);
		return NULL;
	}
	return h->shadow;
}

static pcap_dumper_t *nmp_dump_result(struct nmp *h, pcap_dumper_t *pd)
{
	if (!pd)
		snprintf(h->errbuf, sizeof(h->errbuf), "%s",
			 nmp_real.pcap_geterr(h->shadow));
	return pd;
}

pcap_dumper_t *pcap_dump_open(pcap_t *p, const char *fname)
{
	struct nmp *h = nmp_lookup(p);
	pcap_t *s;

	if (!h)
		return nmp_real.pcap_dump_open(p, fname);
	s = nmp_dump_source(h, "pcap_dump_open");
	return s ? nmp_dump_result(h, nmp_real.pcap_dump_open(s, fname)) : NULL;
}

pcap_dumper_t *pcap_dump_open_append(pcap_t *p, const char *fname)
{
	struct nmp *h = nmp_lookup(p);
	pcap_t *s;

	if (!h)
		return nmp_real.pcap_dump_open_append(p, fname);
	s = nmp_dump_source(h, "pcap_dump_open_append");
	return s ? nmp_dump_result(h, nmp_real.pcap_dump_open_append(s, fname)) :
		   NULL;
}

pcap_dumper_t *pcap_dump_fopen(pcap_t *p, FILE *fp)
{
	struct nmp *h = nmp_lookup(p);
	pcap_t *s;

	if (!h)
		return nmp_real.pcap_dump_fopen(p, fp);
	s = nmp_dump_source(h, "pcap_dump_fopen");
	return s ? nmp_dump_result(h, nmp_real.pcap_dump_fopen(s, fp)) : NULL;
}
