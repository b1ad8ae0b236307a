// SPDX-License-Identifier: GPL-2.0
/*
 * AF_XDP baselines for make bench, copy mode (XDP_COPY, generic XDP: veth
 * has no zero-copy AF_XDP), through Debian's libxdp:
 *
 *   tx	up to BATCH descriptors per round, one sendto() kick (copy mode
 *	transmits only when kicked), completions recycled each round
 *   rx	libxdp's default XDP program redirects queue 0 to the socket; up to
 *	BATCH descriptors consumed per round (first byte read), the fill
 *	ring refilled with them; poll() when nothing is there
 *
 * UMEM: 4096 frames of 2 KiB, rings of 2048; transmit frames hold the
 * frame from the start.
 *
 * XSK_BENCH_HOLD=1 (rx): print "attached" once the XDP program is in
 * place and wait for SIGUSR1 before measuring, and again after the result
 * before detaching. Attaching or detaching a program rewrites the kernel's
 * XDP dispatcher code; under QEMU's TCG a CPU running that code meanwhile
 * (the generator's frames arriving) can take a stale breakpoint and oops,
 * so the runner keeps the generator off during both.
 */
#include "bcommon.h"

#include <execinfo.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <xdp/xsk.h>

#define MODES "tx rx"
#define NFRAMES	4096
#define FSIZE	2048
#define RING	2048

/* XSK_BENCH_HOLD: say WHAT, then wait for SIGUSR1. */
static void hold(const char *what)
{
	sigset_t set;
	int sig;

	if (!getenv("XSK_BENCH_HOLD"))
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("%s\n", what);
	fflush(stdout);
	sigwait(&set, &sig);
}

/* Frames the kernel dropped for this socket so far, or -1. */
static long long xsk_drops(int fd)
{
	struct xdp_statistics st;
	socklen_t l = sizeof(st);

	if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, &st, &l))
		return -1;
	return st.rx_dropped + st.rx_ring_full + st.rx_fill_ring_empty_descs;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* libxdp and libbpf are not ours: say where a crash happened. */
static void on_segv(int sig)
{
	void *bt[32];

	(void)sig;
	backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
	_exit(139);
}

int main(int argc, char **argv)
{
	static unsigned char frame[BENCH_MAXLEN];
	struct xsk_umem_config ucfg = {
		.fill_size = RING, .comp_size = RING, .frame_size = FSIZE,
	};
	struct xsk_socket_config scfg = {
		.rx_size = RING, .tx_size = RING,
		.xdp_flags = XDP_FLAGS_SKB_MODE, .bind_flags = XDP_COPY,
	};
	static uint64_t freel[NFRAMES];
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	uint64_t pkts = 0, calls = 0;
	unsigned int nfree = 0, i;
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	struct bench_clock c;
	struct bench_opts o;
	unsigned char *area;
	long long drops0 = -1;
	int is_tx, err, fd;

	signal(SIGSEGV, on_segv);
	bench_parse(argc, argv, &o, MODES);
	is_tx = !strcmp(o.mode, "tx");
	if (!is_tx && strcmp(o.mode, "rx"))
		bench_usage(argv[0], MODES);
	bench_pin(o.cpu);
	bench_frame(frame, o.len);
	setvbuf(stdout, NULL, _IOLBF, 0);

	area = mmap(NULL, (size_t)NFRAMES * FSIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap", errno);
	err = xsk_umem__create(&umem, area, (uint64_t)NFRAMES * FSIZE, &fq, &cq,
			       &ucfg);
	if (err)
		die("xsk_umem__create", err);
	/* Transmitting needs no XDP program. */
	if (is_tx)
		scfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
	err = xsk_socket__create(&xsk, o.ifname, 0, umem, is_tx ? NULL : &rx,
				 is_tx ? &tx : NULL, &scfg);
	if (err)
		die("xsk_socket__create", err);
	fd = xsk_socket__fd(xsk);

	for (i = 0; i < NFRAMES; i++) {
		memcpy(area + (size_t)i * FSIZE, frame, o.len);
		freel[nfree++] = (uint64_t)i * FSIZE;
	}
	if (!is_tx) {
		uint32_t idx;
		unsigned int n = xsk_ring_prod__reserve(&fq, RING, &idx);

		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&fq, idx + i) = freel[--nfree];
		xsk_ring_prod__submit(&fq, n);
		hold("attached");
		/* Held while the generator started: what came meanwhile is
		 * handed back unread and not counted, like its drops.
		 */
		n = xsk_ring_cons__peek(&rx, RING, &idx);
		for (i = 0; i < n; i++)
			freel[nfree++] = xsk_umem__extract_addr(
				xsk_ring_cons__rx_desc(&rx, idx + i)->addr);
		xsk_ring_cons__release(&rx, n);
		n = xsk_ring_prod__reserve(&fq, n, &idx);
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&fq, idx + i) = freel[--nfree];
		xsk_ring_prod__submit(&fq, n);
		drops0 = xsk_drops(fd);
	}

	bench_start(&c, o.secs);
	do {
		uint32_t idx, ci;
		unsigned int n;

		if (is_tx) {
			n = xsk_ring_cons__peek(&cq, RING, &ci);
			for (i = 0; i < n; i++)
				freel[nfree++] = *xsk_ring_cons__comp_addr(&cq, ci + i);
			xsk_ring_cons__release(&cq, n);
			n = o.batch < nfree ? o.batch : nfree;
			n = xsk_ring_prod__reserve(&tx, n, &idx);
			for (i = 0; i < n; i++) {
				struct xdp_desc *d = xsk_ring_prod__tx_desc(&tx, idx + i);

				d->addr = freel[--nfree];
				d->len = o.len;
			}
			xsk_ring_prod__submit(&tx, n);
			calls++;
			if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
			    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
				die("sendto", errno);
			pkts += n;
			continue;
		}
		n = xsk_ring_cons__peek(&rx, o.batch, &ci);
		if (!n) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			calls++;
			poll(&pfd, 1, 100);
			continue;
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rx, ci + i);
			volatile unsigned char sink;

			sink = *(area + xsk_umem__extract_addr(d->addr));
			(void)sink;
			freel[nfree++] = xsk_umem__extract_addr(d->addr);
		}
		xsk_ring_cons__release(&rx, n);
		pkts += n;
		/* All or nothing: ask for what was just consumed. */
		n = xsk_ring_prod__reserve(&fq, n, &idx);
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&fq, idx + i) = freel[--nfree];
		xsk_ring_prod__submit(&fq, n);
	} while (bench_tick(&c, pkts));
	if (!is_tx) {
		long long drops = xsk_drops(fd);

		if (drops >= 0 && drops0 >= 0)
			drops -= drops0;
		else
			drops = -1;
		bench_result(&c, pkts, calls, drops);
	} else {
		bench_result(&c, pkts, calls, -1);
	}
	if (!is_tx)
		hold("detaching");
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	return 0;
}
