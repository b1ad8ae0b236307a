// SPDX-License-Identifier: GPL-2.0
/*
 * libpcap baselines for make bench:
 *
 *   inject	pcap_inject() of one frame per call (libpcap has no batch
 *		send)
 *   dispatch	pcap_dispatch() of up to BATCH frames per call: libpcap
 *		1.10 reads a TPACKET_V3 ring; immediate mode, 16 MiB buffer,
 *		100 ms timeout so the loop sees the clock
 *
 * Linked dynamically: Debian has no static libpcap that links.
 */
#include "bcommon.h"

#include <pcap/pcap.h>

#define MODES "inject dispatch"

static void count_cb(u_char *user, const struct pcap_pkthdr *h,
		     const u_char *bytes)
{
	(void)h;
	(void)bytes;
	(*(uint64_t *)user)++;
}

int main(int argc, char **argv)
{
	static unsigned char frame[BENCH_MAXLEN];
	char err[PCAP_ERRBUF_SIZE];
	uint64_t pkts = 0, calls = 0;
	struct bench_clock c;
	struct bench_opts o;
	struct pcap_stat st;
	long long drops = -1;
	pcap_t *p;
	int inject;

	bench_parse(argc, argv, &o, MODES);
	inject = !strcmp(o.mode, "inject");
	if (!inject && strcmp(o.mode, "dispatch"))
		bench_usage(argv[0], MODES);
	bench_pin(o.cpu);
	bench_frame(frame, o.len);
	setvbuf(stdout, NULL, _IOLBF, 0);

	p = pcap_create(o.ifname, err);
	if (!p) {
		fprintf(stderr, "pcap_create %s: %s\n", o.ifname, err);
		return 1;
	}
	pcap_set_snaplen(p, 2048);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, 16 << 20);
	pcap_set_timeout(p, 100);
	if (pcap_activate(p) < 0) {
		fprintf(stderr, "pcap_activate %s: %s\n", o.ifname, pcap_geterr(p));
		return 1;
	}
	if (inject)
		pcap_setdirection(p, PCAP_D_IN);

	bench_start(&c, o.secs);
	do {
		unsigned int i;
		int n;

		if (inject) {
			for (i = 0; i < o.batch; i++) {
				calls++;
				if (pcap_inject(p, frame, o.len) == (int)o.len)
					pkts++;
			}
			continue;
		}
		calls++;
		n = pcap_dispatch(p, o.batch, count_cb, (u_char *)&pkts);
		if (n < 0) {
			fprintf(stderr, "pcap_dispatch: %s\n", pcap_geterr(p));
			return 1;
		}
	} while (bench_tick(&c, pkts));
	if (!inject && !pcap_stats(p, &st))
		drops = st.ps_drop;
	bench_result(&c, pkts, calls, drops);
	pcap_close(p);
	return 0;
}
