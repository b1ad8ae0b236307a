#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# <net/netmap.h> and <net/netmap_user.h> must compile the ways real
# applications and their configure probes use them (netmap-userspace-api
# spec, section 1.3): include orders, C and C++, strict warning sets,
# -DND, no prerequisite includes. Compile-only; TAP output.
#
# Usage: headers.sh   (CC, CXX from the environment; defaults gcc, g++)

# $W and $inc are lists of flags, split on purpose.
# shellcheck disable=SC2086

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
inc="-I$top/userspace/include -I$top/include/uapi"
CC=${CC:-gcc}
CXX=${CXX:-g++}
W="-Wall -Wextra -Werror"

. "$here/compile_check.sh"

echo "TAP version 13"

# libpcap gets struct ifreq, IFF_PROMISC and AF_INET through the header.
check "libpcap use: lib part, <net/if.h> and <sys/socket.h> via the header" \
'#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
static void cb(unsigned char *u, const struct nm_pkthdr *h,
	       const unsigned char *b) { (void)u; (void)h; (void)b; }
int f(struct nm_desc *d);
int f(struct nm_desc *d)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_PROMISC;
	strncpy(ifr.ifr_name, d->req.nr_name, sizeof(ifr.ifr_name) - 1);
	return nm_dispatch(d, 1, cb, NULL) + AF_INET +
	       (d->req.nr_ringid & NETMAP_SW_RING);
}' "$CC" $W

check "QEMU use: own likely(), strict warnings, 11 <= NETMAP_API <= 15" \
'#include <inttypes.h>
#include <net/if.h>
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#include <net/netmap.h>
#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
#if NETMAP_API < 11 || NETMAP_API > 15
#error bad NETMAP_API
#endif
int f(void);
int f(void)
{
	struct nm_desc *d = nm_open("vale0:0", NULL, NETMAP_NO_TX_POLL, NULL);
	struct netmap_ring *r;
	if (!d)
		return -1;
	r = NETMAP_TXRING(d->nifp, 0);
	return (int)nm_ring_space(r) + nm_close(d);
}' "$CC" $W -Wshadow=local -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition -Wundef -Wtype-limits -Wimplicit-fallthrough \
	-Wvla -Wcast-align -Wpointer-arith -Wwrite-strings

check "Zeek use: C++, inside extern \"C\"" \
'extern "C" {
#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
}
int f(struct nm_desc *d)
{
	struct nm_pkthdr h;
	unsigned char *p = nm_nextpkt(d, &h);
	return (p ? (int)h.caplen : 0) + NETMAP_FD(d) +
	       (int)(d->st.ps_drop + d->st.ps_ifdrop);
}' "$CXX" $W

check "FastClick use: C++, copy a descriptor, NM_OPEN_* flags" \
'#define NETMAP_WITH_LIBS
#include <net/netmap.h>
#include <net/netmap_user.h>
#if defined(NIOCALLOCBUF) || defined(NIOCFREEBUF) || defined(NETMAP_HAVE_DYNAMIC_BUFFER)
#error must not be defined
#endif
struct nm_desc *f(struct nm_desc *parent)
{
	struct nm_desc copy = *parent;
	copy.self = &copy;
	copy.req.nr_flags = NR_REG_ONE_NIC;
	copy.req.nr_ringid = 1 | NETMAP_NO_TX_POLL;
	return nm_open("netmap:eth0", NULL,
		       NM_OPEN_IFNAME | NM_OPEN_NO_MMAP, &copy);
}' "$CXX" $W

check "C++ with -Wshadow -Wold-style-cast-free helpers (g++ -Wall -Wextra)" \
'#include <net/netmap_user.h>
unsigned f(struct netmap_ring *r) { return nm_ring_next(r, r->cur) +
	nm_ring_space(r) + (unsigned)nm_tx_pending(r) +
	(unsigned)nm_ring_empty(r); }' "$CXX" $W -Wshadow

check "net/netmap.h alone, no prerequisites; ring->ts is struct timeval" \
'#include <net/netmap.h>
struct timeval *f(struct netmap_ring *r);
struct timeval *f(struct netmap_ring *r) { return &r->ts; }
char n[IFNAMSIZ];
int g = NR_REG_MASK + NIOCREGIF;' "$CC" $W

check "tcpreplay probes: -DNETMAP_WITH_LIBS -DND, nr_flags, head/tail" \
'#include <stdio.h>
#include <stdint.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/netmap.h>
#include <net/netmap_user.h>
#ifndef NR_REG_MASK
#error
#endif
#if defined(D) || defined(RD)
#error -DND must suppress D and RD
#endif
void *p = (void *)nm_open;
int f(struct nmreq *q, struct netmap_ring *r);
int f(struct nmreq *q, struct netmap_ring *r)
{ return (int)(q->nr_flags + r->head + r->tail); }' \
	"$CC" $W -DNETMAP_WITH_LIBS -DND

check "ND discards its arguments unparsed; D and RD compile" \
'#include <net/netmap_user.h>
void f(int x);
void f(int x)
{
	ND("%d", no_such_variable->field);
	D("x %d", x);
	D("plain");
	RD(5, "x %d", x);
}' "$CC" $W

check "uapi <linux/netmap.h> first, then the library (ts is netmap_timeval)" \
'#include <linux/netmap.h>
#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
#include <net/netmap.h>
#include <net/netmap_user.h>
#include <linux/netmap.h>
int f(struct nm_desc *d);
int f(struct nm_desc *d) { return nm_inject(d, "x", 1); }' "$CC" $W

check "C99 -pedantic" \
'#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
int f(struct nm_desc *d);
int f(struct nm_desc *d) { return nm_inject(d, "x", 1); }' \
	"$CC" -std=c99 -pedantic $W

check "-Wconversion -Wsign-conversion clean" \
'#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
int f(struct nm_desc *d);
int f(struct nm_desc *d) { return nm_inject(d, "x", 1); }' \
	"$CC" $W -Wconversion -Wsign-conversion

# Included on its own, the library part stops with one clear message.
n=$((n + 1))
printf '#include <net/netmap_user_lib.h>\n' >"$tmp/lib.c"
if ! "$CC" $W $inc -fsyntax-only "$tmp/lib.c" >"$tmp/log" 2>&1 &&
   [ "$(grep -c 'error:' "$tmp/log")" = 1 ] &&
   grep -q 'include <net/netmap_user.h> instead' "$tmp/log"; then
	echo "ok $n - the library part refuses direct inclusion, one error"
else
	echo "not ok $n - the library part refuses direct inclusion, one error"
	sed 's/^/# /' "$tmp/log"
	failed=$((failed + 1))
fi

echo "1..$n"
[ "$failed" = 0 ]
