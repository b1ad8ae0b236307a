// SPDX-License-Identifier: GPL-2.0
/*
 * The pcap calls tcpdump and bittwist do not make, on a netmap pipe
 * (both ends in this process): pcap_next_ex, pcap_next, timeouts,
 * non-blocking mode, the selectable fd, pcap_inject/pcap_sendpacket
 * return values, multi-slot packets, snaplen, nanosecond time stamps,
 * link types, pcap_breakloop before a loop, errors on misuse, and the
 * functions the library leaves to libpcap's dead pcap_t.
 *
 * Run with the library preloaded: nmpcap pcap_api_test [PIPE-NAME]
 * (selftests/pcap_api.sh). Prints TAP; exit 0 when everything passed.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pcap/pcap.h>

static int n, failed;

static int ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	if (!cond)
		failed = 1;
	return cond;
}

#define NPKT 3
static const size_t sizes[NPKT] = { 60, 1514, 3000 };	/* 3000: 2 slots */
static unsigned char frames[NPKT][3000];

struct seen {
	int count;
	int good;	/* len, caplen and bytes as sent */
	int ts_ok;	/* nanoseconds, within the test's run time */
	time_t t0;
};

static void collect(u_char *user, const struct pcap_pkthdr *h,
		    const u_char *data)
{
	struct seen *s = (struct seen *)(void *)user;
	int i = s->count++;
	size_t want;

	if (i >= NPKT)
		return;
	want = sizes[i] < 100 ? sizes[i] : 100;
	if (h->len == sizes[i] && h->caplen == want &&
	    !memcmp(data, frames[i], want))
		s->good++;
	else
		printf("# packet %d: len %u caplen %u, sent %zu bytes\n", i,
		       h->len, h->caplen, sizes[i]);
	if (h->ts.tv_usec >= 0 && h->ts.tv_usec < 1000000000 &&
	    h->ts.tv_sec >= s->t0 - 1 && h->ts.tv_sec <= time(NULL) + 1)
		s->ts_ok++;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "nmpcapt";
	char errbuf[PCAP_ERRBUF_SIZE], master[64], slave[64];
	struct pcap_pkthdr *hdr, h1;
	struct seen seen = { 0, 0, 0, time(NULL) };
	struct pcap_stat st;
	const u_char *data;
	struct pollfd pfd;
	pcap_t *tx, *rx;
	int *dlts = NULL;
	int i, rc, ndlt;

	for (i = 0; i < NPKT; i++) {
		size_t j;

		for (j = 0; j < sizeof(frames[i]); j++)
			frames[i][j] = (unsigned char)(i * 31 + j);
		memset(frames[i], 0xff, 6);	/* broadcast */
	}
	snprintf(master, sizeof(master), "netmap:%s{1", name);
	snprintf(slave, sizeof(slave), "netmap:%s}1", name);

	printf("TAP version 13\n1..22\n");
	tx = pcap_open_live(master, 65535, 0, 100, errbuf);
	if (!ok(tx != NULL, "pcap_open_live on the pipe master")) {
		printf("# %s\n", errbuf);
		return 1;
	}
	rx = pcap_create(slave, errbuf);
	ok(rx && pcap_set_snaplen(rx, 100) == 0 &&
	   pcap_set_timeout(rx, 200) == 0 &&
	   pcap_set_tstamp_precision(rx, PCAP_TSTAMP_PRECISION_NANO) == 0,
	   "pcap_create + pcap_set_* on the slave");
	ok(pcap_datalink(rx) == PCAP_ERROR_NOT_ACTIVATED,
	   "pcap_datalink before activation: PCAP_ERROR_NOT_ACTIVATED");
	rc = pcap_activate(rx);
	if (!ok(rc == 0, "pcap_activate")) {
		printf("# %d %s\n", rc, pcap_geterr(rx));
		return 1;
	}
	ok(pcap_set_snaplen(rx, 200) == PCAP_ERROR_ACTIVATED,
	   "pcap_set_snaplen after activation: PCAP_ERROR_ACTIVATED");

	ndlt = pcap_list_datalinks(rx, &dlts);
	ok(pcap_datalink(rx) == DLT_EN10MB && ndlt == 1 && dlts &&
	   dlts[0] == DLT_EN10MB && pcap_set_datalink(rx, DLT_EN10MB) == 0 &&
	   pcap_set_datalink(rx, DLT_RAW) == PCAP_ERROR,
	   "link type EN10MB only");
	pcap_free_datalinks(dlts);
	ok(pcap_snapshot(rx) == 100 &&
	   pcap_get_tstamp_precision(rx) == PCAP_TSTAMP_PRECISION_NANO,
	   "snapshot 100, nanosecond precision");
	ok(pcap_get_selectable_fd(rx) >= 0 &&
	   pcap_get_selectable_fd(rx) == pcap_fileno(rx) &&
	   pcap_get_selectable_fd(rx) != pcap_get_selectable_fd(tx),
	   "pcap_get_selectable_fd: the handle's own netmap fd");
	/* left to libpcap: must answer for the dead pcap_t, not crash */
	/* libpcap answers 0, 0, NULL for a live capture too */
	ok(pcap_is_swapped(rx) == 0 && pcap_major_version(rx) == 0 &&
	   pcap_file(rx) == NULL, "functions not intercepted still work");

	ok(pcap_next_ex(rx, &hdr, &data) == 0,
	   "pcap_next_ex with nothing sent: 0 once the timeout expires");
	ok(pcap_setnonblock(rx, 1, errbuf) == 0 &&
	   pcap_getnonblock(rx, errbuf) == 1 &&
	   pcap_next_ex(rx, &hdr, &data) == 0,
	   "non-blocking: pcap_next_ex returns 0 at once");

	ok(pcap_inject(tx, frames[0], sizes[0]) == (int)sizes[0] &&
	   pcap_inject(tx, frames[1], sizes[1]) == (int)sizes[1] &&
	   pcap_sendpacket(tx, frames[2], (int)sizes[2]) == 0,
	   "pcap_inject returns the size, pcap_sendpacket 0 (60, 1514, 3000 bytes)");
	ok(pcap_inject(tx, frames[0], 10) == PCAP_ERROR &&
	   strstr(pcap_geterr(tx), "cannot send a packet of 10 bytes"),
	   "a 10-byte frame is refused, pcap_geterr says why");

	pfd.fd = pcap_get_selectable_fd(rx);
	pfd.events = POLLIN;
	ok(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN),
	   "the selectable fd polls readable");
	rc = pcap_dispatch(rx, -1, collect, (u_char *)&seen);
	printf("# dispatch %d, %d as sent, %d good time stamps\n", rc,
	       seen.good, seen.ts_ok);
	ok(rc == NPKT && seen.count == NPKT,
	   "pcap_dispatch delivers the 3 packets");
	ok(seen.good == NPKT,
	   "len as sent, caplen = min(len, snaplen), bytes as sent (3000: 2 slots)");
	ok(seen.ts_ok == NPKT, "time stamps in nanoseconds, in the run time");

	ok(pcap_sendpacket(tx, frames[1], 100) == 0 &&
	   poll(&pfd, 1, 10000) == 1 && (data = pcap_next(rx, &h1)) &&
	   h1.len == 100 && !memcmp(data, frames[1], 100),
	   "pcap_next returns the next packet");
	ok(pcap_stats(rx, &st) == 0 && st.ps_recv == NPKT + 1 &&
	   st.ps_drop == 0, "pcap_stats: 4 received, 0 dropped");

	pcap_breakloop(rx);
	ok(pcap_loop(rx, -1, collect, (u_char *)&seen) == PCAP_ERROR_BREAK,
	   "pcap_breakloop before pcap_loop: PCAP_ERROR_BREAK");

	ok(pcap_sendpacket(tx, frames[0], 60) == 0 &&
	   pcap_setnonblock(rx, 0, errbuf) == 0 &&
	   pcap_next_ex(rx, &hdr, &data) == 1 && hdr->len == 60,
	   "blocking pcap_next_ex returns a packet");
	pcap_close(tx);
	pcap_close(rx);
	ok(pcap_open_live("netmap:", 100, 0, 0, errbuf) == NULL &&
	   strstr(errbuf, "netmap:") != NULL,
	   "pcap_open_live of an empty port name fails with a message");
	printf("# %s\n", errbuf);
	return failed;
}
