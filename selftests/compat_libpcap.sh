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

# tcpdump -c N on netmap:B; bittwist (stock libpcap) sends through A.
capture_all() {
	# shellcheck disable=SC2086 # $up is a command prefix
	start_capture "$b" "$dir/cap.log" $up tcpdump -Z root -n \
		-i "netmap:$b" -c $N -w "$dir/cap.pcap" || return 1
	ip netns exec "$a" bittwist -i "$a" -m 0 "$dir/all.pcap" || return 1
	wait_exit $cap
	_rc=$?
	cat "$dir/cap.log"
	[ $_rc = 0 ] && same_packets "$dir/all.pcap" "$dir/cap.pcap"
}

# 'udp port 9' (filtered in userspace by libpcap), stopped by SIGINT.
capture_filter() {
	# shellcheck disable=SC2086
	start_capture "$b" "$dir/flt.log" $up tcpdump -Z root -n -U \
		-i "netmap:$b" -w "$dir/flt.pcap" udp port 9 || return 1
	ip netns exec "$a" bittwist -i "$a" -m 0 "$dir/all.pcap" || return 1
	_i=0
	while [ "$(dump "$dir/flt.pcap" | grep -c '^IP')" -lt $((N / 2)) ] &&
	      [ $_i -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -INT $cap
	wait_exit $cap
	_rc=$?
	cat "$dir/flt.log"
	[ $_rc = 0 ] && same_packets "$dir/port9.pcap" "$dir/flt.pcap"
}

# A pipe: tcpdump through the backend on one end, bittwist through
# libnetmap-pcap (nmpcap) on the other. (bittwist cannot send through the
# backend: its pcap_inject is nm_inject alone, and the packets wait for a
# poll that a program that only sends never makes, as with upstream netmap.)
pipe() {
	# shellcheck disable=SC2086
	start_capture "$b" "$dir/pipe.log" $up tcpdump -Z root -n \
		-i "netmap:lp$${1" -c $N -w "$dir/pipe.pcap" || return 1
	ip netns exec "$b" nmpcap bittwist -i "netmap:lp$$}1" -m 0 \
		"$dir/all.pcap" || return 1
	wait_exit $cap
	_rc=$?
	cat "$dir/pipe.log"
	[ $_rc = 0 ] && same_packets "$dir/all.pcap" "$dir/pipe.pcap"
}

# The host RX ring (nm_open's "^" suffix): what B's stack sends.
host_ring() {
	ip -n "$b" addr add 198.18.0.2/24 dev "$b" || return 1
	# shellcheck disable=SC2086
	start_capture "$b" "$dir/host.log" $up tcpdump -Z root -n \
		-i "netmap:$b^" -c 1 arp || return 1
	ip netns exec "$b" sh -c 'ping -c 3 -W 1 198.18.0.1 ||
		busybox ping -c 3 -W 1 198.18.0.1' > /dev/null 2>&1
	wait_exit $cap
	_rc=$?
	cat "$dir/host.log" "$dir/host.log.out"
	[ $_rc = 0 ] &&
	grep -q 'ARP, Request who-has 198.18.0.1 tell 198.18.0.2' \
		"$dir/host.log.out"
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
	capture_all
tap_check "filter 'udp port 9' keeps exactly the $((N / 2)) matching packets; SIGINT ends the capture" \
	capture_filter
tap_check "pipe: tcpdump (backend) on netmap:lp{1 gets what bittwist (nmpcap) sends on netmap:lp}1" \
	pipe
tap_check "host ring netmap:$b^ captures what the stack sends" host_ring
tap_check "a missing port: exit status 1 and the backend's message" bad_name
tap_done
