#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pkt-gen txseq -> rxseq over a netmap pipe (P{1 -> P}1, a parent name
# with no device behind it): every frame arrives once and in order, the
# count matches, checksums hold, also for frames spread over several
# slots (-F/-M); and rxseq's loss, duplicate and reorder accounting sees
# what a deliberately broken stream contains (txseq runs with chosen
# first sequence numbers: a gap, late frames, a repeat).
. "$(dirname "$0")/lib/nm.sh"
. "$(dirname "$0")/lib/nm_tools.sh"

nm_require_root
nm_require pkt-gen
[ -e /dev/netmap ] || tap_skip_all "no /dev/netmap (netmap.ko not loaded)"

P=pgp$$

txseq() {	# txseq ARGS...: one txseq run on the master end
	pkt-gen -i "netmap:$P{1" -f txseq -w 0 "$@" > "$tmp/tx" 2>&1 ||
		{ cat "$tmp/tx"; return 1; }
	cat "$tmp/tx"
}

in_order() {
	stop_all
	start "$tmp/rx" - pkt-gen -i "netmap:$P}1" -f rxseq -W || return 1
	txseq -n 20000 && expect "$tmp/tx" packets 20000 || return 1
	finish "$pid" 30 || { echo "rxseq exit status $?"; cat "$tmp/rx"; return 1; }
	cat "$tmp/rx"
	expect "$tmp/rx" packets 20000 && expect "$tmp/rx" received 20000 &&
	expect "$tmp/rx" lost 0 && expect "$tmp/rx" dup 0 &&
	expect "$tmp/rx" reordered 0 && expect "$tmp/rx" badsum 0 &&
	expect "$tmp/rx" other 0
}

# 3000-byte frames in 3 slots of 1000 bytes; rxseq checks the IPv4 and
# UDP checksums over the reassembled frame, so a lost or misordered
# fragment shows up as badsum.
multislot() {
	stop_all
	start "$tmp/rx" - pkt-gen -i "netmap:$P}1" -f rxseq -W || return 1
	txseq -n 500 -l 3000 -F 3 || return 1
	grep -q "3000-byte frames in 3 slots" "$tmp/tx" ||
		{ echo "txseq did not use 3 slots"; return 1; }
	txseq --first-seq 500 -n 500 -l 2500 -M 1000 || return 1
	grep -q "2500-byte frames in 3 slots" "$tmp/tx" ||
		{ echo "txseq -M 1000 did not use 3 slots"; return 1; }
	finish "$pid" 30 || { echo "rxseq exit status $?"; cat "$tmp/rx"; return 1; }
	cat "$tmp/rx"
	expect "$tmp/rx" packets 1000 && expect "$tmp/rx" bytes 2750000 &&
	expect "$tmp/rx" lost 0 && expect "$tmp/rx" badsum 0 &&
	expect "$tmp/rx" other 0 && expect "$tmp/rx" reordered 0
}

# 0..99, then 150..199 (50 lost), then 120..129 (10 of those arrive late),
# then 0..4 again (5 duplicates); rxseq is stopped with SIGINT.
broken_stream() {
	stop_all
	start "$tmp/rx" - pkt-gen -i "netmap:$P}1" -f rxseq || return 1
	txseq -n 100 && txseq --first-seq 150 -n 50 &&
	txseq --first-seq 120 -n 10 && txseq -n 5 || return 1
	finish "$pid" 0 || { echo "rxseq exit status $?"; cat "$tmp/rx"; return 1; }
	cat "$tmp/rx"
	expect "$tmp/rx" received 165 && expect "$tmp/rx" lost 40 &&
	expect "$tmp/rx" reordered 10 && expect "$tmp/rx" dup 5 &&
	expect "$tmp/rx" badsum 0
}

tap_plan 3
tap_check "txseq -> rxseq, 20000 frames: none lost, duplicated or reordered" in_order
tap_check "multi-slot frames (-F 3, -M 1000) arrive whole" multislot
tap_check "rxseq counts a gap, late frames and duplicates" broken_stream
tap_done
