#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# libnetmap-pcap with Debian's own libpcap programs (userspace/pcap,
# nmpcap(1)): tcpdump captures from netmap ports, bittwist (a libpcap
# packet sender: pcap_open_live + pcap_sendpacket) injects through them,
# other devices and savefiles still go to the real libpcap.
#
# Packets are generated here as a pcap file (UDP over IPv4, varied sizes
# and contents, every other one to port 9) and compared byte for byte,
# with lengths, through `tcpdump -r -xx` dumps without timestamps. IPv6
# is off in both namespaces so that no stray packet (router or neighbour
# solicitation) is captured.
. "$(dirname "$0")/lib/nm.sh"
. "$(dirname "$0")/lib/pcap.sh"

nm_require_root
nm_require ip tcpdump bittwist nmpcap awk
[ -c /dev/netmap ] || tap_skip_all "no /dev/netmap"

a=nmpa$$ b=nmpb$$
dir=$(mktemp -d)
trap 'rm -rf "$dir"; _nm_cleanup' EXIT
N=20		# packets in all.pcap; the odd ones go to UDP port 9

setup() {
	nm_netns_add "$a" "$b" && no_ipv6 "$a" && no_ipv6 "$b" &&
	nm_veth_add "$a" "$a" "$b" "$b" &&
	gen_pcap "$dir/all.pcap" 0 && gen_pcap "$dir/port9.pcap" 1 &&
	[ "$(dump "$dir/all.pcap" | grep -c '^IP')" = $N ] &&
	[ "$(dump "$dir/port9.pcap" | grep -c '^IP')" = $((N / 2)) ]
}

filter_stats() {
	grep -x "$((N / 2)) packets received by filter" "$dir/flt.log" &&
	grep -x "0 packets dropped by kernel" "$dir/flt.log"
}

# tcpdump asks for promiscuous mode (no -p): on while it runs, off after.
promisc() {
	grep -o 'promiscuity [0-9]*' "$dir/promisc.txt" > "$dir/promisc.n"
	cat "$dir/promisc.n"
	printf 'promiscuity 1\npromiscuity 0\n' | cmp - "$dir/promisc.n"
}

# The reader is stopped while 2000 packets arrive: the kernel queue and
# ring hold some, the rest is dropped. Every packet must be counted,
# either received or dropped by the kernel. The drop counters are in
# debugfs, which `ip netns exec` hides (it mounts a new /sys): nsenter
# keeps the mounts.
drops() {
	start_nsenter "$b" "$dir/drop.log" nmpcap tcpdump -Z root -n \
		-i "netmap:$b" -w "$dir/drop.pcap" || return 1
	kill -STOP $cap
	ip netns exec "$a" bittwist -i "$a" -m 0 -l 100 "$dir/all.pcap" \
		> /dev/null || { kill -CONT $cap; return 1; }
	kill -CONT $cap
	sleep 2
	kill -TERM $cap
	nm_reap $cap 300 KILL
	_rc=$?
	cat "$dir/drop.log"
	_nr=$(sed -n 's/^\([0-9]*\) packets\{0,1\} received by filter$/\1/p' "$dir/drop.log")
	_nd=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$dir/drop.log")
	echo "received $_nr + dropped $_nd, sent $((N * 100))"
	[ $_rc = 0 ] && [ "${_nd:-0}" -gt 0 ] &&
	[ $((_nr + _nd)) = $((N * 100)) ]
}

# The host rings: what B's own stack sends. PCAP_D_IN selects nothing
# there and is refused.
host_ring() {
	capture_host nmpcap -Q out &&
	bad_name "netmap:$b^" "no ring of this port carries incoming packets" \
		-Q in
}

# bittwist through netmap:A; tcpdump -i B (a plain device, the real
# libpcap) with the library preloaded sees every packet.
inject() {
	capture_sent inj nmpcap "$b" "$a" "netmap:$a"
}

# bad_name NAME MESSAGE [ARGS]: tcpdump fails, exit status 1, clear
# message.
bad_name() {
	_n=$1 _m=$2
	shift 2
	ip netns exec "$b" nmpcap tcpdump -Z root -n -i "$_n" -c 1 "$@" \
		> "$dir/bad.out" 2>&1
	_rc=$?
	cat "$dir/bad.out"
	echo "exit status $_rc"
	[ $_rc = 1 ] && grep -q "$_m" "$dir/bad.out"
}

bad_names() {
	bad_name "netmap:$b{x" "not a valid netmap port name" &&
	bad_name "netmap:nosuch$$" "no such netmap port"
}

# Savefiles stay libpcap's: tcpdump -r with the library preloaded.
offline() {
	nmpcap tcpdump -Z root -r "$dir/all.pcap" -n -t -xx > "$dir/off.txt" 2>/dev/null &&
	dump "$dir/all.pcap" > "$dir/want.txt" &&
	cmp "$dir/want.txt" "$dir/off.txt"
}

tap_plan 11
tap_check "setup: namespaces, veth pair, $N test packets" setup ||
	tap_done
tap_check "nmpcap tcpdump -i netmap:$b -c $N captures exactly the $N packets sent, byte for byte" \
	capture_all nmpcap
tap_check "filter 'udp port 9' keeps exactly the $((N / 2)) matching packets; SIGINT ends the capture" \
	capture_filter nmpcap
tap_check "pcap_stats: $((N / 2)) received by filter, 0 dropped" filter_stats
tap_check "promiscuous mode on $b while tcpdump runs, off after" promisc
tap_check "pcap_stats: packets dropped while the reader is stopped are counted" \
	drops
tap_check "host rings: netmap:$b^ captures what the stack sends; -Q in refused" \
	host_ring
tap_check "nmpcap bittwist -i netmap:$a injects; every packet arrives on $b (tcpdump -i $b through the real libpcap)" \
	inject
tap_check "pipe: capture on netmap:pp{1, inject on netmap:pp}1" \
	capture_pipe nmpcap "pp$$"
tap_check "invalid names: tcpdump exits 1 with a clear error" bad_names
tap_check "tcpdump -r (a savefile) through the real libpcap when preloaded" \
	offline
tap_done
