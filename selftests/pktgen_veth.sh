#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pkt-gen on a veth pair (generic adapter): what tx sends on one end, rx
# counts exactly on the other; the receiving kernel
# stack finds valid IPv4 and UDP checksums; rx ends cleanly on SIGINT;
# ping/pong round trips; two TX threads on two rings. (Multi-slot
# frames: pktgen_pipe.sh.)
# The namespaces have IPv6 off and the pkt-gen ends no address, so the
# stack sends nothing that could be counted by mistake.
. "$(dirname "$0")/lib/nm.sh"
. "$(dirname "$0")/lib/nm_tools.sh"

nm_require_root
nm_require ip pkt-gen
[ -e /dev/netmap ] || tap_skip_all "no /dev/netmap (netmap.ko not loaded)"

a=pga$$ b=pgb$$

setup() {
	nm_netns_add "$a" "$b" && quiet_ns "$a" && quiet_ns "$b" &&
	nm_veth_add "$a" "$a" "$b" "$b"
}

# pkt-gen rx (-W: ends once idle) on b counts exactly what tx sent on a.
exact_count() {
	stop_all
	start "$tmp/rx" "$b" pkt-gen -i "netmap:$b" -f rx -W -w 0 || return 1
	ip netns exec "$a" pkt-gen -i "netmap:$a" -f tx -n 1000 -w 0 \
		> "$tmp/tx" 2>&1 || { cat "$tmp/tx"; return 1; }
	finish "$pid" 30 || { echo "rx exit status $?"; cat "$tmp/rx"; return 1; }
	cat "$tmp/tx" "$tmp/rx"
	expect "$tmp/tx" packets 1000 && expect "$tmp/rx" packets 1000 &&
	expect "$tmp/rx" bytes 60000
}

# rx_at_least N: $b's stack counted N received packets.
rx_at_least() {
	[ "$(ip netns exec "$b" \
	     cat /sys/class/net/"$b"/statistics/rx_packets)" -ge "$1" ]
}

# rx without -W runs until SIGINT, then exits 0 with its summary.
sigint() {
	stop_all
	start "$tmp/rx" "$b" pkt-gen -i "netmap:$b" -f rx -w 0 || return 1
	ip netns exec "$a" pkt-gen -i "$a" -f tx -n 200 -l 1000 -w 0 \
		> "$tmp/tx" 2>&1 || { cat "$tmp/tx"; return 1; }
	nm_until 100 rx_at_least 200
	sleep 1
	finish "$pid" 0 || { echo "rx exit status $?"; cat "$tmp/rx"; return 1; }
	cat "$tmp/tx" "$tmp/rx"
	expect "$tmp/rx" packets 200 && expect "$tmp/rx" bytes 200000
}

udp_stat() {	# udp_stat NS FIELD: a counter of the Udp: line of snmp
	ip netns exec "$1" cat /proc/net/snmp | awk -v f="$2" '
		/^Udp:/ { if (!n) { for (i = 2; i <= NF; i++) h[$i] = i; n = 1 }
			  else print $(h[f]) }'
}

# The kernel stack on b verifies every checksum pkt-gen computed, over
# ranges of addresses and ports: all 500 datagrams reach UDP (no socket:
# NoPorts), none has a bad checksum.
checksums() {
	stop_all
	ip -n "$b" addr add 198.18.0.2/24 dev "$b" || return 1
	mac=$(ip netns exec "$b" cat /sys/class/net/"$b"/address)
	np0=$(udp_stat "$b" NoPorts) ce0=$(udp_stat "$b" InCsumErrors)
	ip netns exec "$a" pkt-gen -i "$a" -f tx -n 500 -l 201 -w 0 -D "$mac" \
		-s 198.18.0.1:7000-198.18.0.1:7004 \
		-d 198.18.0.2:9-198.18.0.2:11 > "$tmp/tx" 2>&1 ||
		{ cat "$tmp/tx"; return 1; }
	sleep 1
	np=$(($(udp_stat "$b" NoPorts) - np0))
	ce=$(($(udp_stat "$b" InCsumErrors) - ce0))
	echo "Udp NoPorts +$np, InCsumErrors +$ce"
	[ "$np" = 500 ] && [ "$ce" = 0 ]
}

# ping on a, pong on b: every ping answered, RTTs reported.
pingpong() {
	stop_all
	start "$tmp/pong" "$b" pkt-gen -i "netmap:$b" -f pong -n 20 -w 0 || return 1
	ip netns exec "$a" pkt-gen -i "netmap:$a" -f ping -n 20 -w 0 \
		> "$tmp/ping" 2>&1 || { cat "$tmp/ping"; return 1; }
	finish "$pid" 10 || { echo "pong exit status $?"; cat "$tmp/pong"; return 1; }
	cat "$tmp/ping" "$tmp/pong"
	expect "$tmp/ping" sent 20 && expect "$tmp/ping" received 20 &&
	expect "$tmp/pong" packets 20 &&
	awk -v v="$(field rtt_avg_us "$tmp/ping")" 'BEGIN { exit !(v > 0) }'
}

# Two TX threads (-p 2, pinned with -a 0), each on its own ring of a
# two-queue veth, share -n between them; rx counts every frame.
threads() {
	stop_all
	ip link add "${a}q" netns "$a" numtxqueues 2 numrxqueues 2 type veth \
		peer name "${b}q" netns "$b" numtxqueues 2 numrxqueues 2 &&
	ip -n "$a" link set "${a}q" up && ip -n "$b" link set "${b}q" up ||
		return 1
	start "$tmp/rx" "$b" pkt-gen -i "netmap:${b}q" -f rx -W -w 0 || return 1
	ip netns exec "$a" pkt-gen -i "netmap:${a}q" -f tx -n 1001 -p 2 -a 0 \
		-w 0 > "$tmp/tx" 2>&1 || { cat "$tmp/tx"; return 1; }
	finish "$pid" 30 || { echo "rx exit status $?"; cat "$tmp/rx"; return 1; }
	cat "$tmp/tx" "$tmp/rx"
	grep -q "tx on netmap:${a}q, 2 threads" "$tmp/tx" &&
	expect "$tmp/tx" packets 1001 && expect "$tmp/rx" packets 1001
}

tap_plan 6
tap_check "setup: veth $a <-> $b, IPv6 off" setup
tap_check "rx counts exactly the 1000 frames tx sent" exact_count
tap_check "rx stops cleanly on SIGINT, 200 frames of 1000 bytes" sigint
tap_check "receiving stack finds valid IPv4/UDP checksums" checksums
tap_check "ping/pong: 20 echoes, RTT reported" pingpong
tap_check "two tx threads on a two-queue veth: 1001 frames" threads
tap_done
