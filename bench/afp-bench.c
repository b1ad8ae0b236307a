// SPDX-License-Identifier: GPL-2.0
/*
 * AF_PACKET baselines for make bench, each written the way a careful
 * application would use that API:
 *
 *   send	one send() per frame on a bound SOCK_RAW socket (qdisc path)
 *   sendmmsg	sendmmsg() of BATCH frames, PACKET_QDISC_BYPASS
 *   txring	PACKET_TX_RING (TPACKET_V2), BATCH frames filled then one
 *		send(), PACKET_QDISC_BYPASS
 *   recv	one recv() per frame
 *   recvmmsg	recvmmsg() of up to BATCH frames
 *   tpv3	PACKET_RX_RING with TPACKET_V3 (64 blocks of 256 KiB, 10 ms
 *		block timeout), poll() when the current block is not ready
 *
 * Receivers use a 16 MiB socket buffer and report PACKET_STATISTICS drops.
 */
#include "bcommon.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>

#define MODES "send sendmmsg txring recv recvmmsg tpv3"

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int open_sock(const struct bench_opts *o, int rx)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd, one = 1, buf = 16 << 20;
	struct timeval tv = { .tv_usec = 100000 };

	/* Protocol 0 on a transmit socket: it receives nothing. */
	fd = socket(AF_PACKET, SOCK_RAW, rx ? htons(ETH_P_ALL) : 0);
	if (fd < 0)
		die("socket(AF_PACKET)");
	sll.sll_ifindex = bench_ifindex(o->ifname);
	sll.sll_protocol = rx ? htons(ETH_P_ALL) : 0;
	if (rx) {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
		/* recv() must come back to look at the clock. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	} else if (strcmp(o->mode, "send")) {
		if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
			die("PACKET_QDISC_BYPASS");
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	return fd;
}

static long long sock_drops(int fd)
{
	struct tpacket_stats_v3 st;
	socklen_t l = sizeof(st);

	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &l))
		return -1;
	return st.tp_drops;
}

static void tx_send(const struct bench_opts *o, int fd, unsigned char *frame)
{
	struct bench_clock c;
	uint64_t pkts = 0, calls = 0;

	bench_start(&c, o->secs);
	do {
		unsigned int i;

		for (i = 0; i < o->batch; i++) {
			calls++;
			if (send(fd, frame, o->len, 0) == (ssize_t)o->len)
				pkts++;
			else if (errno != ENOBUFS && errno != EAGAIN)
				die("send");
		}
	} while (bench_tick(&c, pkts));
	bench_result(&c, pkts, calls, -1);
}

static void tx_sendmmsg(const struct bench_opts *o, int fd, unsigned char *frame)
{
	struct mmsghdr *m = calloc(o->batch, sizeof(*m));
	struct iovec iov = { .iov_base = frame, .iov_len = o->len };
	uint64_t pkts = 0, calls = 0;
	struct bench_clock c;
	unsigned int i;

	if (!m)
		die("calloc");
	for (i = 0; i < o->batch; i++) {
		m[i].msg_hdr.msg_iov = &iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	bench_start(&c, o->secs);
	do {
		int n = sendmmsg(fd, m, o->batch, 0);

		calls++;
		if (n > 0)
			pkts += n;
		else if (errno != ENOBUFS && errno != EAGAIN)
			die("sendmmsg");
	} while (bench_tick(&c, pkts));
	bench_result(&c, pkts, calls, -1);
	free(m);
}

static void *map_ring(int fd, int opt, const void *req, socklen_t len,
		      size_t size)
{
	void *p;

	if (setsockopt(fd, SOL_PACKET, opt, req, len))
		die(opt == PACKET_TX_RING ? "PACKET_TX_RING" : "PACKET_RX_RING");
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap ring");
	return p;
}

static void tx_ring(const struct bench_opts *o, int fd, unsigned char *frame)
{
	const unsigned int fsz = 2048, nfr = 1024;
	struct tpacket_req req = {
		.tp_block_size = 4096 * 16, .tp_frame_size = fsz,
		.tp_frame_nr = nfr,
	};
	unsigned int v = TPACKET_V2, cur = 0, i;
	uint64_t pkts = 0, calls = 0;
	struct bench_clock c;
	unsigned char *ring;

	req.tp_block_nr = nfr * fsz / req.tp_block_size;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)))
		die("PACKET_VERSION");
	ring = map_ring(fd, PACKET_TX_RING, &req, sizeof(req),
			(size_t)req.tp_block_size * req.tp_block_nr);
	/* Frame contents written once, as for netmap's buffers. */
	for (i = 0; i < nfr; i++)
		memcpy(ring + (size_t)i * fsz + TPACKET2_HDRLEN -
		       sizeof(struct sockaddr_ll), frame, o->len);
	bench_start(&c, o->secs);
	do {
		unsigned int n = 0;

		while (n < o->batch) {
			struct tpacket2_hdr *h = (void *)(ring + (size_t)cur * fsz);

			if (h->tp_status != TP_STATUS_AVAILABLE)
				break;
			h->tp_len = o->len;
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
					 __ATOMIC_RELEASE);
			cur = (cur + 1) % nfr;
			n++;
		}
		/* Blocking send(): returns when the queued frames are out. */
		calls++;
		if (send(fd, NULL, 0, 0) < 0 && errno != ENOBUFS && errno != EAGAIN)
			die("send(TX_RING)");
		pkts += n;
	} while (bench_tick(&c, pkts));
	bench_result(&c, pkts, calls, -1);
}

static void rx_recv(const struct bench_opts *o, int fd)
{
	static unsigned char buf[BENCH_MAXLEN + 64];
	uint64_t pkts = 0, calls = 0;
	struct bench_clock c;

	bench_start(&c, o->secs);
	do {
		unsigned int i;

		for (i = 0; i < o->batch; i++) {
			calls++;
			if (recv(fd, buf, sizeof(buf), 0) > 0)
				pkts++;
			else
				break;
		}
	} while (bench_tick(&c, pkts));
	bench_result(&c, pkts, calls, sock_drops(fd));
}

static void rx_recvmmsg(const struct bench_opts *o, int fd)
{
	struct mmsghdr *m = calloc(o->batch, sizeof(*m));
	struct iovec *iov = calloc(o->batch, sizeof(*iov));
	unsigned char *buf = malloc((size_t)o->batch * 2048);
	uint64_t pkts = 0, calls = 0;
	struct bench_clock c;
	unsigned int i;

	if (!m || !iov || !buf)
		die("malloc");
	for (i = 0; i < o->batch; i++) {
		iov[i].iov_base = buf + (size_t)i * 2048;
		iov[i].iov_len = 2048;
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	bench_start(&c, o->secs);
	do {
		int n = recvmmsg(fd, m, o->batch, MSG_WAITFORONE, NULL);

		calls++;
		if (n > 0)
			pkts += n;
	} while (bench_tick(&c, pkts));
	bench_result(&c, pkts, calls, sock_drops(fd));
}

static void rx_tpv3(const struct bench_opts *o, int fd)
{
	struct tpacket_req3 req = {
		.tp_block_size = 1 << 18, .tp_block_nr = 64,
		.tp_frame_size = 2048, .tp_retire_blk_tov = 10,
	};
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned int v = TPACKET_V3, blk = 0;
	uint64_t pkts = 0, calls = 0;
	struct bench_clock c;
	unsigned char *ring;

	req.tp_frame_nr = req.tp_block_size / req.tp_frame_size * req.tp_block_nr;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)))
		die("PACKET_VERSION");
	ring = map_ring(fd, PACKET_RX_RING, &req, sizeof(req),
			(size_t)req.tp_block_size * req.tp_block_nr);
	bench_start(&c, o->secs);
	do {
		struct tpacket_block_desc *b =
			(void *)(ring + (size_t)blk * req.tp_block_size);
		struct tpacket3_hdr *h;
		unsigned int i, n;
		volatile unsigned char sink;

		if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER)) {
			calls++;
			poll(&pfd, 1, 100);
			continue;
		}
		n = b->hdr.bh1.num_pkts;
		h = (void *)((unsigned char *)b + b->hdr.bh1.offset_to_first_pkt);
		for (i = 0; i < n; i++) {
			/* Touch the frame, as any consumer would. */
			sink = *((unsigned char *)h + h->tp_mac);
			(void)sink;
			h = (void *)((unsigned char *)h + h->tp_next_offset);
		}
		pkts += n;
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		blk = (blk + 1) % req.tp_block_nr;
	} while (bench_tick(&c, pkts));
	bench_result(&c, pkts, calls, sock_drops(fd));
}

int main(int argc, char **argv)
{
	static unsigned char frame[BENCH_MAXLEN];
	struct bench_opts o;
	int rx, fd;

	bench_parse(argc, argv, &o, MODES);
	rx = !strncmp(o.mode, "recv", 4) || !strcmp(o.mode, "tpv3");
	if (strcmp(o.mode, "send") && strcmp(o.mode, "sendmmsg") &&
	    strcmp(o.mode, "txring") && !rx)
		bench_usage(argv[0], MODES);
	bench_pin(o.cpu);
	bench_frame(frame, o.len);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_sock(&o, rx);
	if (!strcmp(o.mode, "send"))
		tx_send(&o, fd, frame);
	else if (!strcmp(o.mode, "sendmmsg"))
		tx_sendmmsg(&o, fd, frame);
	else if (!strcmp(o.mode, "txring"))
		tx_ring(&o, fd, frame);
	else if (!strcmp(o.mode, "recv"))
		rx_recv(&o, fd);
	else if (!strcmp(o.mode, "recvmmsg"))
		rx_recvmmsg(&o, fd);
	else
		rx_tpv3(&o, fd);
	close(fd);
	return 0;
}
