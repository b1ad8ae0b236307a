#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317  # functions run through tap_check
#
# Source compatibility: the programs of userspace/compat, built on the
# host against the INSTALLED headers and libnetmap with pkg-config (make
# -C userspace install-tests), written the way netmap applications are
# (legacy nm_open ring loop; nm_inject + nm_dispatch / nm_nextpkt as
# libpcap and Zeek; libnetmap nmport_* as pkt-gen and Suricata, shared and
# static), move numbered frames over a netmap pipe and across a veth pair
# between two network namespaces. Each pair mixes two APIs; the receiver
# checks every frame's length and bytes and that each of COUNT sequence
# numbers arrived exactly once.
. "$(dirname "$0")/lib/nm.sh"

dir=${NETMAP_COMPAT_DIR:-/usr/libexec/netmap/compat}

nm_require_root
nm_require ip
[ -c /dev/netmap ] || tap_skip_all "no /dev/netmap"
[ -x "$dir/compat_nmport" ] ||
	tap_skip_all "$dir not installed (make -C userspace install-tests)"

# pair "TXCMD PORT" "RXCMD MODE PORT" COUNT [TXNS RXNS]: COUNT frames from
# the first port to the second; passes if the receiver counted exactly
# COUNT good frames and nothing bad.
pair() {
	tx=$1 rx=$2 n=$3 txns=${4:+ip netns exec $4} rxns=${5:+ip netns exec $5}
	out=$(mktemp)
	# shellcheck disable=SC2086  # word splitting wanted
	$rxns "$dir"/$rx "$n" 60 > "$out" 2>&1 &
	pid=$!
	if ! nm_await "$pid" "$out" '^ready' 150; then
		echo "receiver not ready:"
		cat "$out"
		kill "$pid" 2>/dev/null
		rm -f "$out"
		return 1
	fi
	# shellcheck disable=SC2086
	if ! $txns "$dir"/$tx "$n"; then
		kill "$pid"
		rm -f "$out"
		return 1
	fi
	wait "$pid"
	rc=$?
	cat "$out"
	grep -q "^received $n bad 0 " "$out" && [ "$rc" = 0 ]
	rc=$?
	rm -f "$out"
	return "$rc"
}

# expect_error "CMD" TEXT: CMD fails with exit 1 and prints TEXT
expect_error() {
	# shellcheck disable=SC2086
	msg=$("$dir"/$1 2>&1)
	rc=$?
	echo "exit $rc: $msg"
	[ "$rc" = 1 ] && echo "$msg" | grep -qF "$2"
}

veth_setup() {
	nm_netns_add "$a" "$b" && nm_veth_add "$a" "$a" "$b" "$b"
}

p=cp$$
a=nmca$$ b=nmcb$$
np=2000		# over a pipe: no loss possible, backpressure
nv=200		# over veth: fits the receive ring, nothing may be lost

tap_plan 14
tap_check "pipe: nm_open ring loop -> libnetmap prepare/open_desc/clone" \
	pair "compat_legacy tx netmap:${p}a{1" \
	     "compat_nmport rx netmap:${p}a}1" $np
tap_check "pipe: nm_inject -> nm_open ring loop" \
	pair "compat_pcap tx netmap:${p}b{1" \
	     "compat_legacy rx netmap:${p}b}1" $np
tap_check "pipe: nmport_inject -> nm_dispatch" \
	pair "compat_nmport tx netmap:${p}c{1" \
	     "compat_pcap rx netmap:${p}c}1" $np
tap_check "pipe: static libnetmap.a nmport_inject -> nm_nextpkt" \
	pair "compat_nmport_static tx netmap:${p}d{1" \
	     "compat_pcap rx-next netmap:${p}d}1" $np
tap_check "pipe: nm_open ring loop -> static libnetmap.a" \
	pair "compat_legacy tx netmap:${p}e{1" \
	     "compat_nmport_static rx netmap:${p}e}1" $np

tap_check "veth pair across two namespaces" veth_setup
tap_check "veth: nm_open ring loop -> libnetmap" \
	pair "compat_legacy tx netmap:$a" "compat_nmport rx netmap:$b" \
	     $nv "$a" "$b"
tap_check "veth: nmport_inject -> nm_dispatch" \
	pair "compat_nmport tx netmap:$a" "compat_pcap rx netmap:$b" \
	     $nv "$a" "$b"
tap_check "veth: nm_inject -> nm_nextpkt" \
	pair "compat_pcap tx netmap:$b" "compat_pcap rx-next netmap:$a" \
	     $nv "$b" "$a"
tap_check "veth: static libnetmap.a -> nm_open ring loop" \
	pair "compat_nmport_static tx netmap:$b" \
	     "compat_legacy rx netmap:$a" $nv "$b" "$a"

tap_check "libnetmap: unknown option fails with the library's message" \
	expect_error "compat_nmport rx netmap:${p}f}1@bogus 1 1" \
		     "unknown option 'bogus'"
tap_check "libnetmap: a missing interface fails, naming the port" \
	expect_error "compat_nmport rx netmap:nmnone$$ 1 1" "nmnone$$"
tap_check "nm_open: a name without netmap: prefix, errno 0" \
	expect_error "compat_legacy rx eth0 1 1" "not a netmap port name"
tap_check "nm_open: bad suffix, EINVAL" \
	expect_error "compat_pcap rx netmap:${p}g{x 1 1" "Invalid argument"
tap_done
