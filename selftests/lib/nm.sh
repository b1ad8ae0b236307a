# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for shell selftests: TAP output (kselftest conventions) and the
# network/module plumbing tests share. Source it as
#	. "$(dirname "$0")/lib/nm.sh"
# POSIX sh; works with dash + busybox (guest) and a normal host.
#
#	nm_require_root; nm_require CMD...	skip the whole test when missing
#	tap_plan N				print the plan
#	tap_check DESC CMD [ARGS]		one result; CMD's output as comments
#	tap_skip DESC REASON			one skipped result
#	tap_done				exit 0 / 1 (any failure) / 4 (all skipped)
#	nm_netns_add NAME...			namespaces removed at exit
#	nm_veth_add A NSA B NSB			veth A in NSA <-> B in NSB, both up
#	nm_ping NS ADDR				3 pings from NS, quick interval
#	nm_module_load				(re)load netmap.ko (NETMAP_KO or modprobe)
#	nm_wait_for PATH / nm_wait_gone PATH	poll up to 5 s

KSFT_SKIP=4
_tap_n=0 _tap_pass=0 _tap_fail=0 _tap_skip=0

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

tap_skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# CMD runs in this shell, not a subshell, so what it registers for
# cleanup (nm_netns_add) is seen by the EXIT trap.
_tap_out=$(mktemp)
tap_check() {
	_d=$1
	shift
	_tap_n=$((_tap_n + 1))
	if "$@" > "$_tap_out" 2>&1; then
		_r="ok"
		_tap_pass=$((_tap_pass + 1))
	else
		_r="not ok"
		_tap_fail=$((_tap_fail + 1))
	fi
	sed 's/^/# /' "$_tap_out"
	echo "$_r $_tap_n $_d"
	[ "$_r" = ok ]
}

tap_skip() {
	_tap_n=$((_tap_n + 1))
	_tap_skip=$((_tap_skip + 1))
	echo "ok $_tap_n $1 # SKIP $2"
}

tap_done() {
	[ $_tap_fail -gt 0 ] && exit 1
	[ $_tap_pass -eq 0 ] && [ $_tap_skip -gt 0 ] && exit $KSFT_SKIP
	exit 0
}

nm_require_root() {
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
}

nm_require() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || tap_skip_all "needs $_c"
	done
}

# Everything a test creates is registered here and removed on exit, even
# when the test is killed by the runner's timeout (SIGTERM).
_nm_netns=
_nm_cleanup() {
	for _ns in $_nm_netns; do
		ip netns del "$_ns" 2>/dev/null
	done
	rm -f "$_tap_out"
}
trap _nm_cleanup EXIT
trap 'exit 143' TERM INT

nm_netns_add() {
	for _ns in "$@"; do
		ip netns add "$_ns" || return 1
		_nm_netns="$_nm_netns $_ns"
		ip -n "$_ns" link set lo up || return 1
	done
}

nm_veth_add() {
	ip link add "$1" netns "$2" type veth peer name "$3" netns "$4" &&
	ip -n "$2" link set "$1" up &&
	ip -n "$4" link set "$3" up
}

# iputils and busybox ping share these options; hosts without iputils
# (Debian cloud images) fall back to busybox.
nm_ping() {
	if command -v ping >/dev/null 2>&1; then
		ip netns exec "$1" ping -c 3 -i 0.2 -w 10 "$2"
	else
		ip netns exec "$1" busybox ping -c 3 -i 0.2 -w 10 "$2"
	fi
}

# shellcheck disable=SC2086
nm_module_load() {
	if [ -n "${NETMAP_KO:-}" ]; then
		insmod "$NETMAP_KO" ${NETMAP_MODARGS:-}
	else
		modprobe netmap ${NETMAP_MODARGS:-}
	fi
}

# nm_until TENTHS CMD...: run CMD, and again every 0.1 s until it
# succeeds; fail if it still fails after TENTHS more tries. Every bounded
# wait of the shell tests goes through here.
nm_until() {
	_nmu_n=$1 _nmu_i=0
	shift
	until "$@"; do
		[ $_nmu_i -ge "$_nmu_n" ] && return 1
		sleep 0.1
		_nmu_i=$((_nmu_i + 1))
	done
}

_nm_gone() {
	! kill -0 "$1" 2>/dev/null
}

_nm_said_or_gone() {
	grep -q "$3" "$2" || _nm_gone "$1"
}

# nm_await PID LOG PATTERN TENTHS: wait until PID has written a line
# matching PATTERN into LOG; fail if PID exits first or after TENTHS
# tenths of a second.
nm_await() {
	nm_until "$4" _nm_said_or_gone "$1" "$2" "$3"
	grep -q "$3" "$2"
}

# nm_reap PID TENTHS SIG: PID's exit status, once it has exited by itself
# within TENTHS tenths of a second, or else after SIG.
nm_reap() {
	nm_until "$2" _nm_gone "$1" || kill -"$3" "$1" 2>/dev/null
	wait "$1"
}

nm_wait_for() {
	nm_until 50 test -e "$1" || { echo "$1 did not appear"; return 1; }
}

nm_wait_gone() {
	nm_until 50 test ! -e "$1" || { echo "$1 still there"; return 1; }
}
