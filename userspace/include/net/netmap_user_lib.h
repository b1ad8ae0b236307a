/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The legacy pcap-like netmap library, header-only. Do not include this
 * file directly: define NETMAP_WITH_LIBS and include <net/netmap_user.h>.
 *
 *	d = nm_open("netmap:eth0", NULL, 0, NULL);	register + mmap
 *	poll() on d->fd, then nm_dispatch()/nm_nextpkt()  receive
 *	nm_inject(), then NIOCTXSYNC or poll()		transmit
 *	nm_close(d);
 *
 * nm_open() uses the legacy NIOCREGIF ioctl, as upstream does: callers
 * pass legacy encodings (NETMAP_NO_TX_POLL in nr_ringid, pipe modes in
 * nr_flags) that only that path understands.
 *
 * Return conventions are the ones applications test for: nm_open() gives
 * NULL with errno 0 for a name that is not a netmap name at all, NULL with
 * errno set otherwise; nm_close() and nm_mmap() return 0 or a positive
 * EINVAL; nm_inject() returns the size, or 0 when no TX ring has room.
 * Cleanup on a failure path never changes errno.
 */
#ifndef _NET_NETMAP_USER_LIB_H_
#define _NET_NETMAP_USER_LIB_H_

#ifndef _NET_NETMAP_USER_H_
#error "define NETMAP_WITH_LIBS and include <net/netmap_user.h> instead"
#else

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define HAVE_NETMAP_WITH_LIBS 1

#ifdef __cplusplus
extern "C" {
#endif

struct nm_desc;

/*
 * Per-packet metadata handed to nm_dispatch() callbacks. The first three
 * members have the layout of struct pcap_pkthdr (libpcap relies on it).
 */
struct nm_pkthdr {
	struct timeval ts;		/* ring->ts at reception */
	uint32_t caplen;		/* bytes contiguous at buf */
	uint32_t len;			/* whole packet, all fragments */
	uint64_t flags;			/* NM_MORE_PKTS */
	struct nm_desc *d;
	struct netmap_slot *slot;	/* first slot of the packet */
	uint8_t *buf;			/* first byte of the packet */
};

#define NM_MORE_PKTS	1	/* nm_pkthdr.flags: more packets follow */

/* pcap_stat-like counters; kept for source compatibility, always 0. */
struct nm_stat {
	unsigned int ps_recv;
	unsigned int ps_drop;
	unsigned int ps_ifdrop;
};

#define NM_ERRBUF_SIZE	512

/*
 * One open port. Applications read (and some write) these fields
 * directly, so names, types and order are fixed.
 */
struct nm_desc {
	struct nm_desc *self;		/* == this descriptor when valid */
	int fd;
	void *mem;			/* base of the mapped region */
	size_t memsize;
	int done_mmap;			/* 1: this descriptor mapped mem */
	struct netmap_if *nifp;
	uint16_t first_tx_ring, last_tx_ring, cur_tx_ring;
	uint16_t first_rx_ring, last_rx_ring, cur_rx_ring;
	struct nmreq req;		/* NIOCREGIF argument and result */
	struct nm_pkthdr hdr;		/* nm_dispatch() header storage */
	struct netmap_ring *some_ring;	/* any bound ring, for nr_buf_size */
	void *buf_start;		/* first packet buffer */
	void *buf_end;			/* end of the mapped region */
	int snaplen;			/* unused */
	int promisc;			/* unused */
	int to_ms;			/* unused */
	char *errbuf;			/* unused */
	uint32_t if_flags;		/* unused */
	uint32_t if_reqcap;		/* unused */
	uint32_t if_curcap;		/* unused */
	struct nm_stat st;
	char msg[NM_ERRBUF_SIZE];	/* unused */
};

#define P2NMD(p)		((const struct nm_desc *)(p))
#define IS_NETMAP_DESC(d)	((d) != NULL && P2NMD(d)->self == P2NMD(d))
#define NETMAP_FD(d)		(P2NMD(d)->fd)

typedef void (*nm_cb_t)(unsigned char *user, const struct nm_pkthdr *hdr,
			const unsigned char *packet);

/* NM_OPEN_* (flags of nm_open()) come from the uapi header. */

/* Internal: every char in [s, e) is [A-Za-z0-9_]. */
static inline int nm_priv_is_ident(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* Internal: the characters that end the port name in a legacy name. */
static inline int nm_priv_is_sep(char c)
{
	return c != '\0' && strchr("-*^{}/@", c) != NULL;
}

/*
 * Internal: a decimal number in [0, NETMAP_RING_MASK) at *pp; advances *pp
 * past it. Returns -1 if there are no digits or the value is too large.
 */
static inline long nm_priv_number(const char **pp)
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

/*
 * Internal, shared with libnetmap's decoder: the register flag letters
 * x z t r R T at *pp, ORed into *flags; advances *pp past them. Returns
 * how many letters there were.
 */
static inline int nm_priv_flag_letters(const char **pp, uint64_t *flags)
{
	const char *start = *pp, *p;

	for (p = start;; p++) {
		if (*p == 'x')
			*flags |= NR_EXCLUSIVE;
		else if (*p == 'z')
			*flags |= NR_ZCOPY_MON;
		else if (*p == 't')
			*flags |= NR_MONITOR_TX;
		else if (*p == 'r')
			*flags |= NR_MONITOR_RX;
		else if (*p == 'R')
			*flags |= NR_RX_RINGS_ONLY;
		else if (*p == 'T')
			*flags |= NR_TX_RINGS_ONLY;
		else
			break;
	}
	*pp = p;
	return (int)(p - start);
}

/*
 * Internal: parse a legacy port name into req, the way nm_open() does.
 *
 *	netmap:NAME[SUFFIX]	NAME ends at the first of - * ^ { } / @
 *	valeID:PORT[SUFFIX]	ID may be empty; ID and PORT are [A-Za-z0-9_]
 *
 * SUFFIX is an optional ring selector, ^ (host rings), * (hardware and
 * host), -N (hardware ring N), {N or }N (pipe master/slave N), then any
 * number of /FLAGS (x z t r R T) and at most one @N (memory allocator id,
 * N >= 1). The port name must be shorter than 16 bytes.
 *
 * On success: nr_name = the port name (whole valeID:PORT for VALE),
 * nr_flags |= mode and flags, nr_ringid |= N, nr_arg2 = allocator id or 0.
 * Returns 0, or -EINVAL with req untouched.
 */
static inline int nm_priv_parse_name(const char *ifname, struct nmreq *req)
{
	const char *name, *end, *p;
	uint32_t mode = NR_REG_ALL_NIC;
	uint64_t flags = 0;
	long ringid = 0, memid = 0, v;

	if (strncmp(ifname, "netmap:", 7) == 0) {
		name = ifname + 7;
		for (end = name; *end && !nm_priv_is_sep(*end); end++)
			;
	} else if (strncmp(ifname, "vale", 4) == 0) {
		const char *colon = strchr(ifname, ':');

		if (!colon || !nm_priv_is_ident(ifname + 4, colon))
			return -EINVAL;
		name = ifname;
		for (end = colon + 1; *end && !nm_priv_is_sep(*end); end++)
			;
		if (end == colon + 1 || !nm_priv_is_ident(colon + 1, end))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (end - name >= NM_IFNAMSIZ)
		return -EINVAL;

	p = end;
	switch (*p) {
	case '^':
		mode = NR_REG_SW;
		p++;
		break;
	case '*':
		mode = NR_REG_NIC_SW;
		p++;
		break;
	case '-':
	case '{':
	case '}':
		mode = *p == '-' ? NR_REG_ONE_NIC :
		       *p == '{' ? NR_REG_PIPE_MASTER : NR_REG_PIPE_SLAVE;
		p++;
		ringid = nm_priv_number(&p);
		if (ringid < 0)
			return -EINVAL;
		break;
	default:	/* '\0', '/' or '@' */
		break;
	}

	while (*p) {
		if (*p == '/') {
			p++;
			if (!nm_priv_flag_letters(&p, &flags) || *p == '/')
				return -EINVAL;
		} else if (*p == '@') {
			p++;
			v = nm_priv_number(&p);
			if (memid || v < 1)
				return -EINVAL;
			memid = v;
		} else {
			return -EINVAL;
		}
	}

	memset(req->nr_name, 0, sizeof(req->nr_name));
	memcpy(req->nr_name, name, (size_t)(end - name));
	req->nr_flags |= (uint32_t)(mode | flags);
	req->nr_ringid |= (uint16_t)ringid;
	req->nr_arg2 = (uint16_t)memid;
	return 0;
}

/*
 * Release a descriptor: unmap the region if this descriptor mapped it,
 * close the fd, free the memory. Safe on a partly set-up descriptor.
 * Returns 0, or EINVAL if d is not a descriptor. errno is preserved.
 */
static inline int nm_close(struct nm_desc *d)
{
	int saved_errno = errno;

	if (!d || d->self != d)
		return EINVAL;
	if (d->done_mmap && d->mem)
		munmap(d->mem, d->memsize);
	if (d->fd != -1)
		close(d->fd);
	memset(d, 0, sizeof(*d));
	free(d);
	errno = saved_errno;
	return 0;
}

/*
 * Map the region of a registered descriptor, or share parent's mapping
 * when parent uses the same allocator. Sets nifp, some_ring, buf_start and
 * buf_end. Returns 0, or EINVAL with errno from mmap().
 */
static inline int nm_mmap(struct nm_desc *d, const struct nm_desc *parent)
{
	struct netmap_ring *ring;

	if (d->done_mmap)
		return 0;
	if (IS_NETMAP_DESC(parent) && parent->mem &&
	    parent->req.nr_arg2 == d->req.nr_arg2) {
		d->mem = parent->mem;
		d->memsize = parent->memsize;
	} else {
		void *mem = mmap(NULL, d->req.nr_memsize,
				 PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);

		if (mem == MAP_FAILED)
			return EINVAL;
		d->mem = mem;
		d->memsize = d->req.nr_memsize;
		d->done_mmap = 1;
	}

	d->nifp = NETMAP_IF(d->mem, d->req.nr_offset);
	ring = NETMAP_RXRING(d->nifp, d->first_rx_ring);
	if ((void *)ring == (void *)d->nifp)	/* RX ring not bound */
		ring = NETMAP_TXRING(d->nifp, d->first_tx_ring);
	d->some_ring = ring;
	d->buf_start = NETMAP_BUF(ring, 0);
	d->buf_end = (char *)d->mem + d->memsize;
	return 0;
}

/* Internal: first and last ring an fd registered in mode covers. */
static inline void nm_priv_ring_range(uint32_t mode, uint16_t ringid,
				      uint16_t hw_rings, uint16_t *first,
				      uint16_t *last)
{
	*first = *last = 0;
	switch (mode) {
	case NR_REG_SW:
		*first = *last = hw_rings;
		break;
	case NR_REG_ALL_NIC:
		*last = hw_rings ? (uint16_t)(hw_rings - 1) : 0;
		break;
	case NR_REG_NIC_SW:
		*last = hw_rings;
		break;
	case NR_REG_ONE_NIC:
		*first = *last = ringid & NETMAP_RING_MASK;
		break;
	default:	/* pipes, ONE_SW, NULL: ring 0 */
		break;
	}
}

/*
 * Open and register the port ifname, then map its region.
 *
 * req, if not NULL, supplies the initial legacy request (ring and slot
 * hints, nr_arg3 extra buffers, ...). The name then adds its mode, flags,
 * ring and allocator id, unless flags has NM_OPEN_IFNAME. With a parent
 * descriptor and nonzero flags, NM_OPEN_IFNAME/ARG1/ARG2/ARG3/RING_CFG
 * take those fields from the parent, and NM_OPEN_NO_MMAP shares its
 * mapping. NETMAP_NO_TX_POLL and NETMAP_DO_RX_POLL in flags go into
 * nr_ringid.
 *
 * A bad name fails with EINVAL before /dev/netmap is opened; a name that
 * is not a netmap name at all returns NULL with errno 0.
 */
static inline struct nm_desc *nm_open(const char *ifname,
				      const struct nmreq *req,
				      uint64_t flags,
				      const struct nm_desc *parent)
{
	struct nmreq parsed;
	struct nm_desc *d;
	uint32_t mode;
	int err;

	if (!ifname || (strncmp(ifname, "netmap:", 7) != 0 &&
			strncmp(ifname, "vale", 4) != 0)) {
		errno = 0;
		return NULL;
	}
	memset(&parsed, 0, sizeof(parsed));
	if (!(flags & NM_OPEN_IFNAME) &&
	    nm_priv_parse_name(ifname, &parsed) < 0) {
		errno = EINVAL;
		return NULL;
	}

	d = (struct nm_desc *)calloc(1, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->self = d;
	d->fd = -1;
	if (req)
		d->req = *req;
	if (!(flags & NM_OPEN_IFNAME)) {
		memcpy(d->req.nr_name, parsed.nr_name, sizeof(d->req.nr_name));
		d->req.nr_flags |= parsed.nr_flags;
		d->req.nr_ringid |= parsed.nr_ringid;
		d->req.nr_arg2 = parsed.nr_arg2;
	}

	d->fd = open(NETMAP_DEVICE_NAME, O_RDWR);
	if (d->fd < 0)
		goto fail;

	d->req.nr_version = NETMAP_API;
	d->req.nr_ringid &= NETMAP_RING_MASK;
	if (IS_NETMAP_DESC(parent) && flags) {
		const struct nmreq *pr = &parent->req;

		d->req.nr_arg1 = (flags & NM_OPEN_ARG1) ? pr->nr_arg1 : 4;
		if (flags & NM_OPEN_ARG2)
			d->req.nr_arg2 = pr->nr_arg2;
		d->req.nr_arg3 = (flags & NM_OPEN_ARG3) ? pr->nr_arg3 : 0;
		if (flags & NM_OPEN_RING_CFG) {
			d->req.nr_tx_slots = pr->nr_tx_slots;
			d->req.nr_rx_slots = pr->nr_rx_slots;
			d->req.nr_tx_rings = pr->nr_tx_rings;
			d->req.nr_rx_rings = pr->nr_rx_rings;
		}
		if (flags & NM_OPEN_IFNAME) {
			memcpy(d->req.nr_name, pr->nr_name,
			       sizeof(d->req.nr_name));
			d->req.nr_ringid = pr->nr_ringid;
			d->req.nr_flags = pr->nr_flags;
		}
	}
	d->req.nr_ringid |= (uint16_t)(flags &
				       (NETMAP_NO_TX_POLL | NETMAP_DO_RX_POLL));

	if (ioctl(d->fd, NIOCREGIF, &d->req) < 0)
		goto fail;

	mode = d->req.nr_flags & NR_REG_MASK;
	nm_priv_ring_range(mode, d->req.nr_ringid, d->req.nr_tx_rings,
			   &d->first_tx_ring, &d->last_tx_ring);
	nm_priv_ring_range(mode, d->req.nr_ringid, d->req.nr_rx_rings,
			   &d->first_rx_ring, &d->last_rx_ring);

	if ((!(flags & NM_OPEN_NO_MMAP) || parent) && nm_mmap(d, parent))
		goto fail;

	d->cur_tx_ring = d->first_tx_ring;
	d->cur_rx_ring = d->first_rx_ring;
	return d;

fail:
	err = errno;
	nm_close(d);
	errno = err ? err : EINVAL;
	return NULL;
}

/* Internal: the ring after ri in [first, last], wrapping around. */
static inline uint16_t nm_priv_next_ringid(uint16_t ri, uint16_t first,
					   uint16_t last)
{
	return ri >= last ? first : (uint16_t)(ri + 1);
}

/*
 * Internal, shared with libnetmap's nmport_inject(): queue one packet on
 * the first TX ring of nifp, from *cur on and wrapping within
 * [first, last], that has room for it, as a chain of NS_MOREFRAG slots if
 * it is larger than a buffer; *cur becomes that ring. A full ring is
 * skipped whatever the size. Returns size, or 0 if no ring had room.
 */
static inline int nm_priv_inject(struct netmap_if *nifp, uint16_t first,
				 uint16_t last, uint16_t *cur,
				 const void *buf, size_t size)
{
	int n = last - first + 1;
	uint16_t ri = *cur;
	int c;

	for (c = 0; c < n; c++, ri = nm_priv_next_ringid(ri, first, last)) {
		struct netmap_ring *ring = NETMAP_TXRING(nifp, ri);
		const char *src = (const char *)buf;
		uint32_t bsize = ring->nr_buf_size;
		uint32_t i = ring->cur;
		size_t left = size;

		if (i == ring->tail)
			continue;		/* full */
		/* the packet fits if its last slot is before tail */
		while (left > bsize) {
			left -= bsize;
			i = nm_ring_next(ring, i);
			if (i == ring->tail)
				break;
		}
		if (i == ring->tail)
			continue;

		for (i = ring->cur, left = size;; i = nm_ring_next(ring, i)) {
			struct netmap_slot *slot = &ring->slot[i];
			uint32_t chunk = left > bsize ? bsize : (uint32_t)left;

			memcpy(NETMAP_BUF(ring, slot->buf_idx), src, chunk);
			slot->len = (uint16_t)chunk;
			src += chunk;
			left -= chunk;
			if (!left) {
				slot->flags = 0;
				break;
			}
			slot->flags = NS_MOREFRAG;
		}
		ring->head = ring->cur = nm_ring_next(ring, i);
		*cur = ri;
		return (int)size;
	}
	return 0;
}

/*
 * Queue one packet on the first TX ring (from cur_tx_ring on) that has
 * room for it, as a chain of NS_MOREFRAG slots if it is larger than a
 * buffer. No system call: the packet leaves on the next NIOCTXSYNC or
 * poll(). Returns size, or 0 if no ring had room.
 */
static inline int nm_inject(struct nm_desc *d, const void *buf, size_t size)
{
	return nm_priv_inject(d->nifp, d->first_tx_ring, d->last_tx_ring,
			      &d->cur_tx_ring, buf, size);
}

/*
 * Hand up to cnt packets (all if cnt <= 0) already in the RX rings to cb,
 * releasing their slots; buffers stay valid until the next sync. Each
 * callback runs once the following packet has been found, so hdr->flags
 * tells it whether more packets follow. No system call. Returns the
 * number of packets.
 */
static inline int nm_dispatch(struct nm_desc *d, int cnt, nm_cb_t cb,
			      unsigned char *arg)
{
	int n = d->last_rx_ring - d->first_rx_ring + 1;
	uint16_t ri = d->cur_rx_ring;
	int c, got = 0;

	if (cnt <= 0)
		cnt = -1;
	d->hdr.buf = NULL;
	d->hdr.flags = NM_MORE_PKTS;
	d->hdr.d = d;

	for (c = 0; c < n && got != cnt; c++,
	     ri = nm_priv_next_ringid(ri, d->first_rx_ring, d->last_rx_ring)) {
		struct netmap_ring *ring = NETMAP_RXRING(d->nifp, ri);
		uint32_t bsize = ring->nr_buf_size;

		while (got != cnt && !nm_ring_empty(ring) &&
		       ring->cur != ring->tail) {
			uint32_t first = ring->cur, i = first;
			struct netmap_slot *slot = &ring->slot[i];
			char *start = NETMAP_BUF(ring, slot->buf_idx);
			char *prev = start;
			uint32_t len = slot->len, caplen = slot->len;
			int contiguous = 1;

			while (slot->flags & NS_MOREFRAG) {
				char *frag;
				uint32_t prev_len = slot->len;

				i = nm_ring_next(ring, i);
				if (i == ring->tail)
					break;
				slot = &ring->slot[i];
				frag = NETMAP_BUF(ring, slot->buf_idx);
				len += slot->len;
				contiguous = contiguous && prev_len == bsize &&
					     frag == prev + bsize;
				if (contiguous)
					caplen += slot->len;
				prev = frag;
			}
			if (i == ring->tail)
				break;	/* rest of the packet not arrived */

			if (d->hdr.buf)
				cb(arg, &d->hdr, d->hdr.buf);
			d->cur_rx_ring = ri;
			d->hdr.slot = &ring->slot[first];
			d->hdr.buf = (uint8_t *)start;
			d->hdr.len = len;
			d->hdr.caplen = caplen;
			d->hdr.ts.tv_sec = ring->ts.tv_sec;
			d->hdr.ts.tv_usec = ring->ts.tv_usec;
			ring->head = ring->cur = nm_ring_next(ring, i);
			got++;
		}
	}
	if (d->hdr.buf) {
		d->hdr.flags = 0;
		cb(arg, &d->hdr, d->hdr.buf);
	}
	return got;
}

/*
 * The next received slot (from cur_rx_ring on), released to the kernel
 * but valid until the next sync; fills hdr->ts, len and caplen only.
 * Fragments of a multi-slot packet come back one by one. NULL if all RX
 * rings are empty. No system call.
 */
static inline unsigned char *nm_nextpkt(struct nm_desc *d,
					struct nm_pkthdr *hdr)
{
	int n = d->last_rx_ring - d->first_rx_ring + 1;
	uint16_t ri = d->cur_rx_ring;
	int c;

	for (c = 0; c < n; c++,
	     ri = nm_priv_next_ringid(ri, d->first_rx_ring, d->last_rx_ring)) {
		struct netmap_ring *ring = NETMAP_RXRING(d->nifp, ri);
		struct netmap_slot *slot;

		if (nm_ring_empty(ring) || ring->cur == ring->tail)
			continue;
		slot = &ring->slot[ring->cur];
		hdr->ts.tv_sec = ring->ts.tv_sec;
		hdr->ts.tv_usec = ring->ts.tv_usec;
		hdr->len = hdr->caplen = slot->len;
		ring->head = ring->cur = nm_ring_next(ring, ring->cur);
		d->cur_rx_ring = ri;
		return (unsigned char *)NETMAP_BUF(ring, slot->buf_idx);
	}
	return NULL;
}

#ifdef __cplusplus
}
#endif

#endif /* _NET_NETMAP_USER_H_ */
#endif /* _NET_NETMAP_USER_LIB_H_ */
