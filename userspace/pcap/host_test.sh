#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of libnetmap-pcap that need no netmap module: the library
# preloaded into Debian's tcpdump leaves savefiles to the real libpcap,
# and netmap names fail with clear errors. The capture and injection
# tests run in the guest (selftests/pcap_compat.sh). TAP output.
#
# Environment: NMPCAP_LIB (the built library), NMPCAP (the wrapper).
# shellcheck disable=SC2317 # functions run through check()
set -u
lib=${NMPCAP_LIB:?} nmpcap=${NMPCAP:?}
export NMPCAP_LIB
n=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# check DESC CMD...
	_d=$1
	shift
	n=$((n + 1))
	if "$@" > "$tmp/out" 2>&1; then
		echo "ok $n - $_d"
	else
		sed 's/^/# /' "$tmp/out"
		echo "not ok $n - $_d"
		fail=1
	fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# One 60-byte UDP frame, as a pcap savefile.
{
	printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000'
	printf '\001\000\000\000\002\000\000\000\074\000\000\000\074\000\000\000'
	printf '\002\000\000\000\000\002\002\000\000\000\000\001\010\000'
	printf '\105\000\000\056\000\001\000\000\100\021\000\000\306\022\000\001\306\022\000\002'
	printf '\017\240\000\011\000\032\000\000nmpcap host test!!'
} > "$tmp/one.pcap"

offline() {
	tcpdump -Z root -n -t -xx -r "$tmp/one.pcap" > "$tmp/want" 2>&1 &&
	"$nmpcap" tcpdump -Z root -n -t -xx -r "$tmp/one.pcap" > "$tmp/got" 2>&1 &&
	cat "$tmp/got" && grep -q 'UDP, length 18' "$tmp/got" &&
	cmp "$tmp/want" "$tmp/got"
}

# expect_fail STATUS MESSAGE CMD...: CMD exits STATUS, says MESSAGE.
expect_fail() {
	_st=$1 _msg=$2
	shift 2
	"$@" > "$tmp/err" 2>&1
	_rc=$?
	cat "$tmp/err"
	echo "exit status $_rc"
	[ "$_rc" = "$_st" ] && grep -q "$_msg" "$tmp/err"
}

echo "TAP version 13"
echo "1..6"
check "library exports only pcap_* symbols" sh -c \
	"nm -D --defined-only '$lib' | awk '{ print \$3 }' | grep -v '^pcap_' | grep . && exit 1; nm -D --defined-only '$lib' | grep -q ' pcap_loop\$'"
check "nmpcap runs a program that does not use libpcap" "$nmpcap" true
check "nmpcap without a program: usage, exit 2" \
	expect_fail 2 "usage: nmpcap" "$nmpcap"
if command -v tcpdump > /dev/null; then
	check "tcpdump -r with the library preloaded reads savefiles as before" \
		offline
	check "invalid netmap name: tcpdump exits 1, says why" \
		expect_fail 1 "not a valid netmap port name" \
		"$nmpcap" tcpdump -Z root -n -i 'netmap:eth0{x'
	if [ -e /dev/netmap ]; then
		skip "no /dev/netmap: tcpdump says so" "/dev/netmap exists"
	else
		check "no /dev/netmap: tcpdump exits 1, says so" \
			expect_fail 1 "is the netmap module loaded" \
			"$nmpcap" tcpdump -Z root -n -i netmap:eth0
	fi
else
	skip "savefile passthrough" "no tcpdump"
	skip "invalid netmap name" "no tcpdump"
	skip "no /dev/netmap" "no tcpdump"
fi
exit $fail
