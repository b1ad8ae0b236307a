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

tap_plan 23
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

# The batch sweep, at both frame sizes, on the cheapest candidate: each
# size gets its table with a value per batch and the S + B*p fit.
sweep() {
	sh "$bench/run.sh" -s -o '^nm-pipe1$' -d 0.3 -R 1 -B "1 64" -S "60 1514" > "$r.log" 2>&1 ||
		{ cat "$r.log"; return 1; }
	sh "$bench/report.sh" "$r.log" || return 1
	cat "$r.md"
	for z in 60 1514; do
		n=$(grep -c "^run cand=nm-pipe1 kind=pipe size=$z batch=[0-9]* rep=1 .*pkts=[1-9]" "$r.log")
		[ "$n" = 3 ] || { echo "$z bytes: $n of 3 runs (table + 2 sweep batches)"; return 1; }
		awk -v z="$z" '
		$0 == "## Batch sweep, " z "-byte frames" { in_z = 1; next }
		/^## / { in_z = 0 }
		in_z && $2 == "nm-pipe1" {
			# | nm-pipe1 | Mpps b=1 | Mpps b=64 | S | p |
			if (NF != 11 || $4 + 0 <= 0 || $6 + 0 <= 0 || $8 == "-" || $10 == "-") {
				print "bad sweep row: " $0; exit 1
			}
			ok = 1
		}
		END { if (!ok) { print "no " z "-byte sweep row for nm-pipe1"; exit 1 } }' "$r.md" || return 1
	done
}
tap_check "the batch sweep runs at 60 and 1514 bytes, with its fit" sweep
rm -f "$log" "$r.log" "$r.md"
tap_done
