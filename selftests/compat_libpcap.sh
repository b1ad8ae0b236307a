#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Binary compatibility with a program written for upstream netmap:
# Debian's libpcap source built, unmodified, with its own netmap backend
# (pcap-netmap.c: nm_open, nm_dispatch, nm_inject of <net/netmap_user.h>,
# legacy NIOCREGIF) against our installed headers
# (userspace/compat/libpcap-netmap.sh), and used by Debian's unmodified
# tcpdump through LD_LIBRARY_PATH: libpcap's code talks to /dev/netmap
# (nmpcap only feeds one end of the pipe test).
#
# Same packets and byte-for-byte comparison as pcap_compat.sh.
. "$(dirname "$0")/lib/nm.sh"
. "$(dirname "$0")/lib/pcap.sh"

lib=${NETMAP_LIBPCAP_DIR:-/usr/libexec/netmap/libpcap-netmap}

nm_require_root
nm_require ip tcpdump bittwist nmpcap awk
[ -c /dev/netmap ] || tap_skip_all "no /dev/netmap"
[ -f "$lib/libpcap.so.0.8" ] ||
	tap_skip_all "$lib/libpcap.so.0.8 not installed (userspace/compat/libpcap-netmap.sh)"

a=nmla$$ b=nmlb$$
dir=$(mktemp -d)
trap 'rm -rf "$dir"; _nm_cleanup' EXIT
N=20
up="env LD_LIBRARY_PATH=$lib"

setup() {
	nm_netns_add "$a" "$b" && no_ipv6 "$a" && no_ipv6 "$b" &&
	nm_veth_add "$a" "$a" "$b" "$b" &&
	gen_pcap "$dir/all.pcap" 0 && gen_pcap "$dir/port9.pcap" 1
}

# The netmap names come from the rebuilt library: Debian's own libpcap
# does not know them.
stock_refuses() {
	ip netns exec "$b" tcpdump -Z root -n -i "netmap:$b" -c 1 \
		> "$dir/stock.out" 2>&1
	_rc=$?
	cat "$dir/stock.out"
	[ $_rc != 0 ] && ! grep -q 'netmap open' "$dir/stock.out"
}

# A port that does not exist: the backend's own error, exit status 1.
bad_name() {
	# shellcheck disable=SC2086
	ip netns exec "$b" $up tcpdump -Z root -n -i "netmap:nosuch$$" -c 1 \
		> "$dir/bad.out" 2>&1
	_rc=$?
	cat "$dir/bad.out"
	[ $_rc = 1 ] && grep -q "netmap open: cannot access netmap:nosuch$$" \
		"$dir/bad.out"
}

tap_plan 7
tap_check "setup: namespaces, veth pair, $N test packets" setup || tap_done
tap_check "stock libpcap refuses netmap:$b (the names come from the rebuilt one)" \
	stock_refuses
tap_check "tcpdump -i netmap:$b -c $N (libpcap's netmap backend) captures the $N packets sent, byte for byte" \
	capture_all "$up"
tap_check "filter 'udp port 9' keeps exactly the $((N / 2)) matching packets; SIGINT ends the capture" \
	capture_filter "$up"
# bittwist sends through libnetmap-pcap (nmpcap), not the backend: the
# backend's pcap_inject is nm_inject alone, and the packets wait for a
# poll that a program that only sends never makes, as with upstream netmap.
tap_check "pipe: tcpdump (backend) on netmap:lp{1 gets what bittwist (nmpcap) sends on netmap:lp}1" \
	capture_pipe "$up" "lp$$"
tap_check "host ring netmap:$b^ captures what the stack sends" \
	capture_host "$up"
tap_check "a missing port: exit status 1 and the backend's message" bad_name
tap_done
