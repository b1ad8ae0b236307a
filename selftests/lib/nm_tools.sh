# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for the tests that drive the netmap tools (pkt-gen,
# bridge) in the background. Source after lib/nm.sh; it sets $tmp (a
# scratch directory) and removes it, and kills what start() left
# running, on exit.

tmp=$(mktemp -d)
bg=
_nm_tools_cleanup() {
	for _p in $bg; do kill -9 "$_p" 2>/dev/null; done
	rm -rf "$tmp"
	_nm_cleanup
}
trap _nm_tools_cleanup EXIT

# quiet_ns NS: no IPv6 in NS (no router solicitations or DAD frames
# among the packets a test counts).
quiet_ns() {
	for _f in all default; do
		ip netns exec "$1" sh -c \
			"echo 1 > /proc/sys/net/ipv6/conf/$_f/disable_ipv6" \
			2>/dev/null
	done
	true
}

# field KEY LOG: KEY=value from the tool's summary line in LOG.
field() {
	grep " summary " "$2" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# start LOG NS PROG ARGS...: PROG in network namespace NS (- = this one)
# in the background, its output in LOG; returns once it says "ready",
# fails (showing LOG) if it exits first or takes over 10 s. $pid is its
# process id.
start() {
	_log=$1 _ns=$2
	shift 2
	: > "$_log"
	if [ "$_ns" = - ]; then
		"$@" > "$_log" 2>&1 &
	else
		ip netns exec "$_ns" "$@" > "$_log" 2>&1 &
	fi
	pid=$!
	bg="$bg $pid"
	nm_await "$pid" "$_log" ready 100 ||
		{ echo "$* did not start:"; cat "$_log"; return 1; }
}

# finish PID SECS: wait up to SECS for PID, then SIGINT it; its status.
finish() {
	nm_reap "$1" $(($2 * 10)) INT
}

# stop_all: end what an earlier (failed) check left running.
stop_all() {
	for _p in $bg; do
		kill -INT "$_p" 2>/dev/null && wait "$_p"
	done
	bg=
}

# expect LOG KEY VALUE: the summary in LOG says KEY=VALUE, or LOG is shown.
expect() {
	_v=$(field "$2" "$1")
	[ "$_v" = "$3" ] && return 0
	echo "$1: $2=$_v, expected $3"
	cat "$1"
	return 1
}
