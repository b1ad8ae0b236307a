// SPDX-License-Identifier: BSD-2-Clause
/*
 * The netmap side of a handle: register the port, hand received slots to
 * pcap callbacks, queue injected packets, count.
 *
 * Received packets: every slot in [cur, tail) of each bound RX ring is
 * one packet or, with NS_MOREFRAG, the start of one. A single-slot packet
 * is passed to the callback in place (zero copy); a multi-slot one is
 * gathered into h->buf. Slots are released (head = cur) as they are
 * consumed; the kernel reuses them only at the next sync, which happens
 * at the next poll() or ioctl, after the callbacks returned - the same
 * lifetime pcap gives its buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "nmpcap.h"

#define NMP_DEBUGFS_RINGS "/sys/kernel/debug/netmap/rings"
#define NMP_MAX_FRAME 65535

static int nmp_err(struct nmp *h, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int nmp_err(struct nmp *h, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->errbuf, sizeof(h->errbuf), fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * The netdev behind a port name: NAME of netmap:NAME, NAME^, NAME-2...;
 * "" for pipes and VALE ports. Returns 0, or -1 for an invalid name.
 */
int nmp_port_ifname(const char *device, char *ifname)
{
	struct nmreq req;
	uint32_t mode;

	memset(&req, 0, sizeof(req));
	if (nm_priv_parse_name(device, &req) < 0)
		return -1;
	mode = req.nr_flags & NR_REG_MASK;
	ifname[0] = '\0';
	if (strncmp(device, "netmap:", 7) == 0 &&
	    mode != NR_REG_PIPE_MASTER && mode != NR_REG_PIPE_SLAVE)
		snprintf(ifname, IFNAMSIZ, "%s", req.nr_name);
	return 0;
}

/*
 * Kernel drops on the RX rings the handle binds, from debugfs: lines
 * "<port> RX<i>[^] users=<n> drops=<n>". 0 when debugfs is not there.
 */
static uint64_t nmp_ring_drops(const struct nmp *h)
{
	const struct nm_desc *d = h->d;
	char line[256], name[64], ring[32];
	unsigned long long drops;
	uint64_t sum = 0;
	FILE *f;

	if (!h->ifname[0])
		return 0;
	f = fopen(NMP_DEBUGFS_RINGS, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *end;
		unsigned long i;
		int host;

		if (sscanf(line, "%63s %31s users=%*d drops=%llu",
			   name, ring, &drops) != 3 ||
		    strcmp(name, h->ifname) != 0 ||
		    strncmp(ring, "RX", 2) != 0)
			continue;
		i = strtoul(ring + 2, &end, 10);
		host = *end == '^';
		/* the host RX ring follows the hardware ones */
		if (host)
			i += d->req.nr_rx_rings;
		if (i >= d->first_rx_ring && i <= d->last_rx_ring)
			sum += drops;
	}
	fclose(f);
	return sum;
}

/* The netdev's rx_dropped counter; 0 when unknown. */
static uint64_t nmp_if_drops(const struct nmp *h)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	if (!h->ifname[0])
		return 0;
	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_dropped",
		 h->ifname);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/*
 * Promiscuous mode the way libpcap sets it on Linux: a membership of an
 * AF_PACKET socket that receives nothing (protocol 0). The kernel drops
 * it, and the promiscuity, when the socket is closed, even on a crash.
 */
static int nmp_set_promisc(struct nmp *h)
{
	struct packet_mreq mr;
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = (int)if_nametoindex(h->ifname);
	mr.mr_type = PACKET_MR_PROMISC;
	if (!mr.mr_ifindex ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)) < 0) {
		close(fd);
		return -1;
	}
	h->promisc_fd = fd;
	return 0;
}

static int nmp_open_error(struct nmp *h, int err)
{
	const char *name = h->device;

	switch (err) {
	case ENOENT:
		if (access(NETMAP_DEVICE_NAME, F_OK) != 0)
			return nmp_err(h, PCAP_ERROR,
				       "%s: %s does not exist: is the netmap module loaded?",
				       name, NETMAP_DEVICE_NAME);
		/* the port does not exist */
		__attribute__((fallthrough));
	case ENXIO:
	case ENODEV:
		return nmp_err(h, PCAP_ERROR_NO_SUCH_DEVICE,
			       "%s: no such netmap port (%s)", name,
			       strerror(err));
	case EACCES:
	case EPERM:
		return nmp_err(h, PCAP_ERROR_PERM_DENIED,
			       "%s: permission denied (%s)", name,
			       strerror(err));
	case EBUSY:
		return nmp_err(h, PCAP_ERROR,
			       "%s: port busy, bound exclusively elsewhere? (%s)",
			       name, strerror(err));
	default:
		return nmp_err(h, PCAP_ERROR, "%s: cannot register the port: %s",
			       name, strerror(err));
	}
}

int nmp_activate(struct nmp *h)
{
	int warning = 0;
	uint16_t ri;

	if (nmp_port_ifname(h->device, h->ifname) < 0)
		return nmp_err(h, PCAP_ERROR_NO_SUCH_DEVICE,
			       "%s: not a valid netmap port name (netmap:IFNAME followed by nothing, ^, *, -RING, {PIPE or }PIPE, then /FLAGS and @MEMID)",
			       h->device);
	if (h->rfmon)
		return nmp_err(h, PCAP_ERROR_RFMON_NOTSUP,
			       "%s: netmap ports have no monitor mode",
			       h->device);
	if (h->snaplen <= 0 || h->snaplen > 262144)
		h->snaplen = 262144;

	errno = 0;
	h->d = nm_open(h->device, NULL, 0, NULL);
	if (!h->d)
		return nmp_open_error(h, errno ? errno : EINVAL);
	if (h->d->first_rx_ring > h->d->last_rx_ring ||
	    h->d->last_rx_ring >= h->d->req.nr_rx_rings + 1) {
		nmp_close_port(h);
		return nmp_err(h, PCAP_ERROR, "%s: unexpected ring range",
			       h->device);
	}

	h->buf = malloc((size_t)h->snaplen);
	h->shadow = nmp_real.pcap_open_dead_with_tstamp_precision(DLT_EN10MB,
							h->snaplen, (u_int)h->precision);
	if (!h->buf || !h->shadow) {
		nmp_close_port(h);
		return nmp_err(h, PCAP_ERROR, "%s: out of memory", h->device);
	}

	/* A timestamp on every sync, whatever the module parameter says. */
	for (ri = h->d->first_rx_ring; ri <= h->d->last_rx_ring; ri++)
		NETMAP_RXRING(h->d->nifp, ri)->flags |= NR_TIMESTAMP;

	if (h->promisc && h->ifname[0] && nmp_set_promisc(h) < 0)
		warning = PCAP_WARNING_PROMISC_NOTSUP;
	h->drops0 = nmp_ring_drops(h);
	h->ifdrop0 = nmp_if_drops(h);
	h->activated = 1;
	if (warning)
		nmp_err(h, 0, "%s: could not enter promiscuous mode: %s",
			h->device, strerror(errno));
	return warning;
}

void nmp_close_port(struct nmp *h)
{
	if (h->d)
		nm_close(h->d);
	h->d = NULL;
	if (h->promisc_fd >= 0)
		close(h->promisc_fd);
	h->promisc_fd = -1;
	if (h->shadow)
		nmp_real.pcap_close(h->shadow);
	h->shadow = NULL;
	free(h->filter.bf_insns);
	h->filter.bf_insns = NULL;
	free(h->buf);
	h->buf = NULL;
	h->activated = 0;
}

/* Length of a slot as the application may use it. */
static uint32_t nmp_slot_len(const struct netmap_ring *ring,
			     const struct netmap_slot *slot)
{
	return slot->len <= ring->nr_buf_size ? slot->len : ring->nr_buf_size;
}

/*
 * Whether RX ring ri carries packets of the selected direction: the host
 * RX ring (index nr_rx_rings) holds what the stack sent, the others what
 * the port received.
 */
int nmp_ring_wanted(const struct nmp *h, unsigned int ri)
{
	int host = ri == h->d->req.nr_rx_rings;

	return h->direction == PCAP_D_INOUT ||
	       (h->direction == PCAP_D_IN && !host) ||
	       (h->direction == PCAP_D_OUT && host);
}

/*
 * Deliver the packets already in the RX rings, at most cnt of them that
 * pass the filter (all if cnt < 0). Returns the number delivered, or
 * PCAP_ERROR_BREAK when pcap_breakloop() stopped it before any.
 */
static int nmp_rx(struct nmp *h, int cnt, pcap_handler cb, u_char *user)
{
	struct nm_desc *d = h->d;
	int nrings = d->last_rx_ring - d->first_rx_ring + 1;
	uint16_t ri = d->cur_rx_ring;
	struct timeval now = { 0, 0 };
	int c, got = 0;

	for (c = 0; c < nrings; c++) {
		struct netmap_ring *ring = NETMAP_RXRING(d->nifp, ri);

		while (nmp_ring_wanted(h, ri) && ring->cur != ring->tail && (cnt < 0 || got < cnt)) {
			struct pcap_pkthdr hdr;
			uint32_t i = ring->cur, len, caplen;
			struct netmap_slot *slot = &ring->slot[i];
			const u_char *data;

			if (h->breakloop) {
				d->cur_rx_ring = ri;
				if (got)
					return got;
				h->breakloop = 0;
				return PCAP_ERROR_BREAK;
			}
			data = (const u_char *)NETMAP_BUF(ring, slot->buf_idx);
			len = caplen = nmp_slot_len(ring, slot);
			if (slot->flags & NS_MOREFRAG) {
				/* gather; give up until all fragments are in */
				caplen = 0;
				for (;;) {
					uint32_t l = nmp_slot_len(ring, slot);
					uint32_t room = (uint32_t)h->snaplen - caplen;

					memcpy(h->buf + caplen,
					       NETMAP_BUF(ring, slot->buf_idx),
					       l < room ? l : room);
					caplen += l < room ? l : room;
					if (!(slot->flags & NS_MOREFRAG))
						break;
					i = nm_ring_next(ring, i);
					if (i == ring->tail)
						break;
					slot = &ring->slot[i];
					len += nmp_slot_len(ring, slot);
				}
				if (i == ring->tail)
					break;
				data = h->buf;
			} else if (caplen > (uint32_t)h->snaplen) {
				caplen = (uint32_t)h->snaplen;
			}
			ring->head = ring->cur = nm_ring_next(ring, i);

			if (ring->ts.tv_sec || ring->ts.tv_usec) {
				hdr.ts.tv_sec = ring->ts.tv_sec;
				hdr.ts.tv_usec = ring->ts.tv_usec;
			} else {
				if (!now.tv_sec)
					gettimeofday(&now, NULL);
				hdr.ts = now;
			}
			if (h->precision == PCAP_TSTAMP_PRECISION_NANO)
				hdr.ts.tv_usec *= 1000;
			hdr.len = len;
			hdr.caplen = caplen;
			if (h->filter.bf_insns &&
			    !nmp_real.pcap_offline_filter(&h->filter, &hdr, data))
				continue;
			h->recv++;
			got++;
			cb(user, &hdr, data);
		}
		if (cnt >= 0 && got >= cnt)
			break;
		ri = nm_priv_next_ringid(ri, d->first_rx_ring,
					 d->last_rx_ring);
	}
	d->cur_rx_ring = ri;
	return got;
}

int nmp_dispatch(struct nmp *h, int cnt, pcap_handler cb, u_char *user)
{
	struct pollfd pfd;
	int n;

	if (!h->activated)
		return nmp_err(h, PCAP_ERROR_NOT_ACTIVATED,
			       "%s: the handle is not activated", h->device);
	if (h->d->req.nr_flags & NR_TX_RINGS_ONLY)
		return nmp_err(h, PCAP_ERROR,
			       "%s: opened without RX rings (/T)", h->device);
	if (cnt <= 0)
		cnt = -1;
	if (h->breakloop) {
		h->breakloop = 0;
		return PCAP_ERROR_BREAK;
	}
	n = nmp_rx(h, cnt, cb, user);
	if (n)
		return n;

	if (h->nonblock) {
		if (ioctl(h->d->fd, NIOCRXSYNC, NULL) < 0)
			return nmp_err(h, PCAP_ERROR, "%s: NIOCRXSYNC: %s",
				       h->device, strerror(errno));
		return nmp_rx(h, cnt, cb, user);
	}

	pfd.fd = h->d->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	n = poll(&pfd, 1, h->timeout_ms > 0 ? h->timeout_ms : -1);
	if (n < 0) {
		if (errno != EINTR)
			return nmp_err(h, PCAP_ERROR, "%s: poll: %s",
				       h->device, strerror(errno));
		if (h->breakloop) {
			h->breakloop = 0;
			return PCAP_ERROR_BREAK;
		}
		return 0;
	}
	if (pfd.revents & (POLLERR | POLLNVAL))
		return nmp_err(h, PCAP_ERROR,
			       "%s: the kernel reported an error on the rings",
			       h->device);
	return nmp_rx(h, cnt, cb, user);
}

static int nmp_txsync(struct nmp *h)
{
	if (ioctl(h->d->fd, NIOCTXSYNC, NULL) < 0)
		return nmp_err(h, PCAP_ERROR, "%s: NIOCTXSYNC: %s", h->device,
			       strerror(errno));
	return 0;
}

/*
 * Queue one packet and push it out (pcap_inject() returns once the
 * packet is handed on). Blocks while the TX rings are full, unless the
 * handle is non-blocking.
 */
int nmp_inject(struct nmp *h, const void *buf, size_t size)
{
	if (!h->activated)
		return nmp_err(h, PCAP_ERROR_NOT_ACTIVATED,
			       "%s: the handle is not activated", h->device);
	if (size < ETH_HLEN || size > NMP_MAX_FRAME)
		return nmp_err(h, PCAP_ERROR,
			       "%s: cannot send a packet of %zu bytes (%d to %d)",
			       h->device, size, ETH_HLEN, NMP_MAX_FRAME);
	if (h->d->req.nr_flags & NR_RX_RINGS_ONLY)
		return nmp_err(h, PCAP_ERROR,
			       "%s: opened without TX rings (/R)", h->device);

	for (;;) {
		struct pollfd pfd;

		if (nm_inject(h->d, buf, size))
			return nmp_txsync(h) ? PCAP_ERROR : (int)size;
		/* reclaim the slots the kernel has sent meanwhile */
		if (nmp_txsync(h))
			return PCAP_ERROR;
		if (nm_inject(h->d, buf, size))
			return nmp_txsync(h) ? PCAP_ERROR : (int)size;
		if (h->nonblock)
			return nmp_err(h, PCAP_ERROR,
				       "%s: the TX rings are full (non-blocking mode)",
				       h->device);
		pfd.fd = h->d->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return nmp_err(h, PCAP_ERROR, "%s: poll: %s",
				       h->device, strerror(errno));
		if (pfd.revents & (POLLERR | POLLNVAL))
			return nmp_err(h, PCAP_ERROR,
				       "%s: the kernel reported an error on the rings",
				       h->device);
	}
}

int nmp_stats(struct nmp *h, struct pcap_stat *ps)
{
	if (!h->activated)
		return nmp_err(h, PCAP_ERROR_NOT_ACTIVATED,
			       "%s: the handle is not activated", h->device);
	ps->ps_recv = h->recv;
	ps->ps_drop = (u_int)(nmp_ring_drops(h) - h->drops0);
	ps->ps_ifdrop = (u_int)(nmp_if_drops(h) - h->ifdrop0);
	return 0;
}
