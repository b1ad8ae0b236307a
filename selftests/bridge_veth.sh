#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bridge between two veth pairs: A (198.18.1.1) <-> A1 | bridge | B1 <->
# B (198.18.1.2), with A1 and B1 in a third namespace and no route
# between A and B but the bridge. Ping goes through; what pkt-gen tx
# sends on A, pkt-gen rx on B counts exactly; both with the zero-copy
# buffer swap (the veths share the global memory region) and with -c
# (copy); bridge's final counts cover the traffic and it exits 0 on SIGINT.
. "$(dirname "$0")/lib/nm.sh"
. "$(dirname "$0")/lib/nm_tools.sh"

nm_require_root
nm_require ip pkt-gen
[ -e /dev/netmap ] || tap_skip_all "no /dev/netmap (netmap.ko not loaded)"
# Ours, not iproute2's bridge, which may come first in PATH.
BRIDGE=$(dirname "$(command -v pkt-gen)")/bridge
[ -x "$BRIDGE" ] || tap_skip_all "no netmap bridge next to pkt-gen"

A=bra$$ M=brm$$ B=brb$$

setup() {
	nm_netns_add "$A" "$M" "$B" && quiet_ns "$A" && quiet_ns "$M" &&
	quiet_ns "$B" &&
	nm_veth_add "$A" "$A" "${A}m" "$M" &&
	nm_veth_add "$B" "$B" "${B}m" "$M" &&
	ip -n "$A" addr add 198.18.1.1/24 dev "$A" &&
	ip -n "$B" addr add 198.18.1.2/24 dev "$B"
}

no_path() {	# without the bridge, A cannot reach B
	! ip netns exec "$A" ping -c 1 -W 1 198.18.1.2 > /dev/null 2>&1 &&
	! ip netns exec "$A" busybox ping -c 1 -W 1 198.18.1.2 > /dev/null 2>&1
	_r=$?
	ip -n "$A" neigh flush dev "$A"	# forget the failed resolution
	return $_r
}

# One ping, result ignored: the neighbour entries are settled before the
# pings that count (the first echo after a failed resolution can be lost).
warm_up() {
	ip netns exec "$A" ping -c 1 -W 2 "$1" > /dev/null 2>&1 ||
	ip netns exec "$A" busybox ping -c 1 -W 2 "$1" > /dev/null 2>&1
	true
}

# through MODE [bridge options]: ping, then 1000 frames counted exactly
# (txseq/rxseq, so that a stray ARP frame cannot be mistaken for one).
through() {
	mode=$1
	shift
	stop_all
	start "$tmp/br" "$M" "$BRIDGE" -i "netmap:${A}m" -i "netmap:${B}m" "$@" ||
		return 1
	brpid=$pid
	warm_up 198.18.1.2
	nm_ping "$A" 198.18.1.2 || { cat "$tmp/br"; return 1; }
	start "$tmp/rx" "$B" pkt-gen -i "netmap:$B" -f rxseq -W -w 0 || return 1
	ip netns exec "$A" pkt-gen -i "netmap:$A" -f txseq -n 1000 -w 0 \
		> "$tmp/tx" 2>&1 || { cat "$tmp/tx"; return 1; }
	finish "$pid" 30 || { echo "rx exit status $?"; cat "$tmp/rx"; return 1; }
	finish "$brpid" 0 || { echo "bridge exit status $?"; cat "$tmp/br"; return 1; }
	cat "$tmp/tx" "$tmp/rx" "$tmp/br"
	expect "$tmp/rx" received 1000 && expect "$tmp/rx" lost 0 &&
	expect "$tmp/rx" dup 0 && expect "$tmp/rx" reordered 0 &&
	expect "$tmp/rx" badsum 0 && expect "$tmp/br" mode "$mode" &&
	[ "$(field a_to_b "$tmp/br")" -ge 1003 ] &&
	[ "$(field b_to_a "$tmp/br")" -ge 3 ]
}

tap_plan 4
tap_check "setup: $A <-> ${A}m | ${B}m <-> $B" setup
tap_check "no path from $A to $B without the bridge" no_path
tap_check "zero-copy bridge: ping, 1000 frames counted exactly" through zerocopy
tap_check "copying bridge (-c): ping, 1000 frames counted exactly" through copy -c
tap_done
