#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench still works: its guest runner (bench/run.sh -s) measures every
# candidate once for half a second, and each must report a result line in
# the format bench/report.sh parses, with packets moved at a non-zero rate;
# report.sh must turn the output into a table row per candidate. Rates are
# never compared: this proves the bench runs, not how fast anything is.
#
# The bench programs come from `make -C bench` (make check copies them to
# /root/bench in the guest; BENCH_DIR= elsewhere). AF_XDP candidates are
# reported as skipped, with the reason, when the kernel refuses them; the
# native-against-generic e1000e candidates (e1k-*) likewise when the guest
# lacks the two cabled e1000e NICs or the netmap-enabled e1000e driver.
. "$(dirname "$0")/lib/nm.sh"

nm_require_root
bench=${BENCH_DIR:-/root/bench}
[ -x "$bench/run.sh" ] || tap_skip_all "no bench programs in $bench (make -C bench)"
[ -e /dev/netmap ] || tap_skip_all "netmap.ko not loaded"

log=$(mktemp)
cands="nm-tx pktgen afp-send afp-sendmmsg afp-txring pcap-inject xsk-tx
nm-rx afp-recv afp-recvmmsg afp-tpv3 pcap-dispatch xsk-rx nm-pipe nm-pipe1
e1k-native-tx e1k-generic-tx e1k-native-rx e1k-generic-rx"

tap_plan 22
tap_check "bench/run.sh -s completes" sh -c "sh '$bench/run.sh' -s > '$log' 2>&1; rc=\$?; cat '$log'; exit \$rc"
tap_check "environment line (kernel, vCPUs, clocksource)" \
	grep -E '^env kernel=[^ ]+ vcpus=[0-9]+ clocksource=[a-z_-]+ ' "$log"

# result_ok CAND: one run line with every field numeric and packets moved.
result_ok() {
	awk -v c="$1" '
	$1 == "run" && $2 == "cand=" c {
		n++
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			v[kv[1]] = kv[2]
			if (kv[1] != "kind" && kv[2] !~ /^-?[0-9]+(\.[0-9]+)?$/) bad = bad " " $i
		}
		if (bad != "") { print "malformed:" bad; exit 1 }
		for (k in need) if (!(k in v)) { print "missing " k; exit 1 }
		if (v["pkts"] <= 0 || v["secs"] <= 0) { print "no packets moved"; exit 1 }
		if (v["kind"] == "tx" && v["peer"] <= 0) { print "nothing reached the peer"; exit 1 }
		printf "%s: %d packets in %s s (%.0f pps)\n", c, v["pkts"], v["secs"], v["pkts"] / v["secs"]
	}
	BEGIN { split("kind size batch rep pkts calls secs cyc tsc_hz drops peer vtxdrop vrxdrop sndrop busy", l, " ")
		for (i in l) need[l[i]] = 1 }
	END { if (n != 1) { print "expected one result for " c ", got " n; exit 1 } }' "$log"
}
for c in $cands; do
	case $c in
	xsk-*)
		if ! grep -q "^run cand=$c " "$log"; then
			tap_skip "$c reports a rate" "AF_XDP unavailable: $(grep -E "^(skip|fail) cand=$c " "$log" | head -n 1)"
			continue
		fi ;;
	e1k-*)
		if grep -q "^skip cand=$c reason=no-e1000e-pair" "$log"; then
			tap_skip "$c reports a rate" "no pair of netmap-enabled e1000e NICs"
			continue
		fi ;;
	esac
	tap_check "$c reports a non-zero rate" result_ok "$c"
done

r=$log.r
report() {
	cp "$log" "$r.log" && sh "$bench/report.sh" "$r.log" || return 1
	for c in $(awk '$1 == "run" { sub("cand=", "", $2); print $2 }' "$r.log"); do
		grep -q "^| $c | " "$r.md" || { echo "no table row for $c"; return 1; }
	done
	cat "$r.md"
}
tap_check "report.sh makes a table row of every result" report
rm -f "$log" "$r.log" "$r.md"
tap_done
