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

nm_require_root
nm_require ip pkt-gen
[ -e /dev/netmap ] || tap_skip_all "no /dev/netmap (netmap.ko not loaded)"
# Ours, not iproute2's bridge, which may come first in PATH.
BRIDGE=$(dirname "$(command -v pkt-gen)")/bridge
[ -x "$BRIDGE" ] || tap_skip_all "no netmap bridge next to pkt-gen"

A=bra$$ M=brm$$ B=brb$$
tmp=$(mktemp -d)
bg=
cleanup() {
	for p in $bg; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
	_nm_cleanup
}
trap cleanup EXIT

quiet_ns() {
	for f in all default; do
		ip netns exec "$1" sh -c \
			"echo 1 > /proc/sys/net/ipv6/conf/$f/disable_ipv6" \
			2>/dev/null
	done
	true
}

# field KEY LOG: KEY=value from the summary line in LOG.
field() {
	grep " summary " "$2" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# start LOG NS PROG ARGS...: PROG (pkt-gen, bridge) in NS in the
# background; wait until it says "ready".
start() {
	_log=$1 _ns=$2
	shift 2
	: > "$_log"
	ip netns exec "$_ns" "$@" > "$_log" 2>&1 &
	pid=$!
	bg="$bg $pid"
	_i=0
	until grep -q ready "$_log"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "$* did not start:"; cat "$_log"
			return 1
		fi
		sleep 0.1
	done
}

# finish PID SECS: wait up to SECS for PID, then SIGINT it; its status.
finish() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt $(($2 * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -INT "$1" 2>/dev/null
	wait "$1"
}

# stop_all: end what an earlier (failed) check left running.
stop_all() {
	for _p in $bg; do
		kill -INT "$_p" 2>/dev/null && wait "$_p"
	done
	bg=
}

expect() {	# expect LOG KEY VALUE
	_v=$(field "$2" "$1")
	[ "$_v" = "$3" ] && return 0
	echo "$1: $2=$_v, expected $3"
	cat "$1"
	return 1
}

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
