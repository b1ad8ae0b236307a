/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnetmap-pcap internals.
 *
 * The library defines the public pcap_* functions itself. Loaded ahead
 * of libpcap (LD_PRELOAD, or the nmpcap wrapper), its definitions win
 * the symbol lookup, so every call a program makes lands here first:
 *
 *  - a call on a device name that is a netmap port name (netmap:...,
 *    valeX:Y) or on a handle this library created is served from
 *    netmap (port.c);
 *  - every other call goes, unchanged, to the function of the same name
 *    in the real libpcap, found once at load time (real.c).
 *
 * The handle a program gets for a netmap port is a real pcap_t: a
 * "dead" one from pcap_open_dead(DLT_EN10MB). Handles are routed by
 * that pointer (a small lock-free table, handle.c). Every public entry
 * point that takes a pcap_t is intercepted (the table in pcap.c); the
 * few that are not (pcap_is_swapped, pcap_major_version, pcap_file...)
 * give the right answer for a live capture from the dead pcap_t, and any
 * function a future libpcap adds sees a valid pcap_t too, never foreign
 * memory. Compilation and savefile creation, which depend on snaplen
 * and timestamp precision, run on a second dead pcap_t built at
 * activation with the final values.
 */
#ifndef NMPCAP_H
#define NMPCAP_H

#include <signal.h>
#include <stdint.h>
#include <pcap/pcap.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

/* Every real libpcap function the library calls. */
#define NMP_REAL_FUNCS(X)						\
	X(pcap_create) X(pcap_activate) X(pcap_set_snaplen)		\
	X(pcap_set_promisc) X(pcap_can_set_rfmon) X(pcap_set_rfmon)	\
	X(pcap_set_timeout) X(pcap_set_tstamp_type)			\
	X(pcap_set_immediate_mode) X(pcap_set_buffer_size)		\
	X(pcap_set_tstamp_precision) X(pcap_get_tstamp_precision)	\
	X(pcap_list_tstamp_types) X(pcap_set_protocol_linux)		\
	X(pcap_open_live) X(pcap_close) X(pcap_loop) X(pcap_dispatch)	\
	X(pcap_next) X(pcap_next_ex) X(pcap_breakloop) X(pcap_stats)	\
	X(pcap_setfilter) X(pcap_setdirection) X(pcap_getnonblock)	\
	X(pcap_setnonblock) X(pcap_inject) X(pcap_sendpacket)		\
	X(pcap_geterr) X(pcap_perror) X(pcap_compile) X(pcap_datalink)	\
	X(pcap_datalink_ext) X(pcap_list_datalinks) X(pcap_set_datalink) \
	X(pcap_snapshot) X(pcap_bufsize) X(pcap_fileno)			\
	X(pcap_get_selectable_fd) X(pcap_get_required_select_timeout)	\
	X(pcap_dump_open) X(pcap_dump_open_append) X(pcap_dump_fopen)	\
	X(pcap_lookupnet)						\
	X(pcap_open_dead_with_tstamp_precision) X(pcap_offline_filter)	\
	X(bpf_validate)

struct nmp_real {
#define NMP_REAL_MEMBER(f) __typeof__(f) *f;
	NMP_REAL_FUNCS(NMP_REAL_MEMBER)
#undef NMP_REAL_MEMBER
};

/* Filled by a constructor before main(); never changes afterwards. */
extern struct nmp_real nmp_real;

/* One netmap capture handle. */
struct nmp {
	pcap_t *outer;		/* the pcap_t the program holds: the key */
	pcap_t *shadow;		/* dead pcap_t with the final snaplen etc. */
	char *device;
	char ifname[IFNAMSIZ];	/* netdev behind the port, "" for a pipe */
	struct nm_desc *d;
	int activated;

	/* pcap_set_* values; fixed at activation */
	int snaplen, promisc, rfmon, timeout_ms, immediate, precision;

	int nonblock;
	pcap_direction_t direction;
	struct bpf_program filter;	/* bf_insns == NULL: none */
	volatile sig_atomic_t breakloop;
	int promisc_fd;		/* AF_PACKET socket holding promiscuity */

	/* statistics */
	unsigned int recv;	/* passed the filter */
	uint64_t drops0;	/* kernel ring drops at activation */
	uint64_t ifdrop0;	/* the netdev's rx_dropped at activation */

	u_char *buf;		/* snaplen bytes: multi-slot packets */
	struct pcap_pkthdr next_hdr;	/* pcap_next_ex() results */
	const u_char *next_data;
	char errbuf[PCAP_ERRBUF_SIZE];
};

/* handle.c */
int nmp_is_port_name(const char *device);
struct nmp *nmp_lookup(pcap_t *p);
pcap_t *nmp_new(const char *device, char *errbuf);
void nmp_free(struct nmp *h);

/* port.c */
int nmp_activate(struct nmp *h);
int nmp_dispatch(struct nmp *h, int cnt, pcap_handler cb, u_char *user);
int nmp_inject(struct nmp *h, const void *buf, size_t size);
int nmp_stats(struct nmp *h, struct pcap_stat *ps);
void nmp_close_port(struct nmp *h);
int nmp_port_ifname(const char *device, char *ifname);
int nmp_ring_wanted(const struct nmp *h, unsigned int ri);

#endif /* NMPCAP_H */
