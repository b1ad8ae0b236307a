#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bridge between a NIC and its host rings: with B's veth in netmap mode,
# B's kernel stack sees only what the bridge passes from the NIC rings to
# the host RX ring and back from the host TX ring. Ping from A to B works
# through the single-interface form (-i netmap:B) and the explicit one
# (-i netmap:B -i netmap:B^), and bridge counts the packets both ways.
. "$(dirname "$0")/lib/nm.sh"
. "$(dirname "$0")/lib/nm_tools.sh"

nm_require_root
nm_require ip pkt-gen
[ -e /dev/netmap ] || tap_skip_all "no /dev/netmap (netmap.ko not loaded)"
# Ours, not iproute2's bridge, which may come first in PATH.
BRIDGE=$(dirname "$(command -v pkt-gen)")/bridge
[ -x "$BRIDGE" ] || tap_skip_all "no netmap bridge next to pkt-gen"

A=bha$$ B=bhb$$

setup() {
	nm_netns_add "$A" "$B" && quiet_ns "$A" && quiet_ns "$B" &&
	nm_veth_add "$A" "$A" "$B" "$B" &&
	ip -n "$A" addr add 198.18.2.1/24 dev "$A" &&
	ip -n "$B" addr add 198.18.2.2/24 dev "$B"
}

# One ping, result ignored: the neighbour entries are settled before the
# pings that count (the first echo after a failed resolution can be lost).
warm_up() {
	ip netns exec "$A" ping -c 1 -W 2 "$1" > /dev/null 2>&1 ||
	ip netns exec "$A" busybox ping -c 1 -W 2 "$1" > /dev/null 2>&1
	true
}

# via HOSTPORT...: bridge B's NIC and host rings, ping through it.
via() {
	stop_all
	start "$tmp/br" "$B" "$BRIDGE" -i "netmap:$B" "$@" || return 1
	brpid=$pid
	warm_up 198.18.2.2
	nm_ping "$A" 198.18.2.2 || { cat "$tmp/br"; return 1; }
	finish "$brpid" 0 || { echo "bridge exit status $?"; cat "$tmp/br"; return 1; }
	cat "$tmp/br"
	grep -q "host rings" "$tmp/br" &&
	[ "$(field a_to_b "$tmp/br")" -ge 3 ] &&
	[ "$(field b_to_a "$tmp/br")" -ge 3 ]
}

# A bound but unbridged NIC cuts B's stack off: the ping fails.
cut_off() {
	stop_all
	start "$tmp/rx" "$B" pkt-gen -i "netmap:$B" -f rx -w 0 || return 1
	! ip netns exec "$A" ping -c 1 -W 1 198.18.2.2 > /dev/null 2>&1 &&
	! ip netns exec "$A" busybox ping -c 1 -W 1 198.18.2.2 > /dev/null 2>&1
	_r=$?
	finish "$pid" 0
	ip -n "$A" neigh flush dev "$A"	# forget the failed resolution
	return $_r
}

tap_plan 4
tap_check "setup: $A <-> $B" setup
tap_check "B bound without a bridge: no ping" cut_off
tap_check "bridge -i netmap:$B: ping through the host rings" via
tap_check "bridge -i netmap:$B -i netmap:$B^: ping" via -i "netmap:$B^"
tap_done
