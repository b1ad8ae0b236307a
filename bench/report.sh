#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# report.sh RESULTS.log: turn the output of bench/run.sh (prefixed by
# bench.sh's "host" line) into RESULTS.md (the tables) and
# RESULTS-sweep-<size>.png (Mpps against batch, one line per candidate, from the
# sweep) next to it. Needs awk and, for the plots, gnuplot.
set -eu

log=$1
base=${log%.log}
md=$base.md

# kv KEY: value of KEY= on the current awk line (helper in every program).
AWKLIB='
function kv(k,   i, n, a) {
	for (i = 1; i <= NF; i++)
		if (index($i, k "=") == 1)
			return substr($i, length(k) + 2)
	return ""
}
function median(s,   n, a, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	lo = a[1]; hi = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}'

awk "$AWKLIB"'
/^host / { date = kv("date"); accel = kv("accel"); load = kv("loadavg")
	   wall = kv("wall"); qemu = kv("qemu"); cores = kv("cores") }
/^env / { kern = kv("kernel"); vcpus = kv("vcpus"); cs = kv("clocksource")
	  tsc = kv("tsc_mhz"); mit = kv("rx_mit_us") }
/^phase / { phase = $2 }
/^skip / { skipped[kv("cand")] = kv("reason") }
/^fail / { failed[kv("cand")]++ }
/^lat / { lats[++nl] = sprintf("| %s | %s/%s | %s | %s | %s |", kv("mit_us"), kv("received"), kv("sent"), kv("rtt_min_us"), kv("rtt_avg_us"), kv("rtt_max_us")) }
# A result without packets or time (older logs) is a failure.
/^run / && (kv("pkts") == "" || kv("secs") + 0 <= 0) {
	failed[kv("cand")]++
	key = kv("cand") SUBSEP kv("size")
	if (phase == "main" && !(key in kind)) {
		order[++n] = key; kind[key] = kv("kind"); batch[key] = kv("batch")
	}
	next
}
/^run / && phase == "main" {
	c = kv("cand"); sz = kv("size"); key = c SUBSEP sz
	if (!(key in kind)) { order[++n] = key }
	kind[key] = kv("kind"); batch[key] = kv("batch")
	p = kv("pkts"); s = kv("secs"); peer = kv("peer")
	# Delivered rate: what arrived at the peer for TX, what the program
	# got for RX and pipes.
	d = p
	if (kind[key] == "tx") d = peer
	rate[key] = rate[key] " " d / s / 1e6
	if (p > 0) {
		cyc[key] = cyc[key] " " kv("cyc") / p
		dd = p
		if (d > 0) dd = d
		if (kv("busy") != "" && kv("tsc_hz") > 0)
			gcyc[key] = gcyc[key] " " (kv("busy") / 100) * kv("tsc_hz") / dd
		ipp[key] = ipp[key] " " s * 1e9 / dd
	}
	if (kind[key] == "tx") { sent[key] += p; got[key] += peer }
	else if (kind[key] == "rx") { sent[key] += peer; got[key] += p }
	else { sent[key] += p; got[key] += p }
	if (kv("drops") > 0) apidrop[key] += kv("drops")
	# rx_dropped at the peer counts every frame the stack discards, which
	# is all of them by design: not a loss, not shown.
	vtx[key] += kv("vtxdrop"); sn[key] += kv("sndrop")
	reps[key]++
}
END {
	icount = (accel == "tcg-icount")
	split("60 1514", S2, " ")
	printf "# make bench, %s\n\n", date
	printf "Kernel %s, QEMU %s, accelerator %s, %s vCPU(s), clocksource %s, TSC %s MHz; host %s cores, load average %s when it ended, run took %s s.", kern, qemu, accel, vcpus, cs, tsc, cores, load, wall
	if (mit != "" && mit != "-") printf " netmap generic_rx_mit_us=%s.", mit
	printf "\n\n"
	if (icount)
		print "Deterministic mode: one virtual nanosecond is one guest instruction, so *instr/pkt* is guest instructions per packet for the whole guest (all work the packet causes, sender, stack and receiver, on the single vCPU) and repeats from run to run whatever the host does.\n"
	else
		print "TCG wall clock: absolute numbers mean nothing (TCG makes copies ~40x and syscalls ~3x slower than hardware); compare ratios within this table only.\n"
	print "Loss: TX = sent by the program but not counted at the peer; RX = 1 - received / (generator rate x receiver time), an estimate: the generator starts before and stops after the receiver, and its rate is its average over its whole run, so small negative values are noise; pipes lose nothing by construction.\n"
	print "Rate = packets delivered (TX: counted at the veth peer; RX and pipes: counted by the receiver) per second; median of the repetitions, min-max in brackets. *vs* = ratio to the reference of the group (TX: pktgen, RX: afp-tpv3, pipes: best skb-path candidate of the same size; e1k-*: the generic adapter on the same e1000e NIC, e1k-generic-tx or -rx)."
	print ""
	print "e1k-*: two emulated 82574 (e1000e) NICs cabled together, netmap TX on the first counted at the second (promiscuous), RX on the second under an AF_PACKET sendmmsg generator on the first; native = drivers/e1000e-netmap (admode=1), generic = the generic adapter on the same NIC (admode=2)."
	print ""
	printf "| candidate | kind | size | batch | reps | Mpps median (min-max) | vs | %s | thread cyc/pkt | guest cyc/pkt | loss %% | drops api/veth tx/softnet |\n", (icount ? "instr/pkt" : "ns/pkt")
	print "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= n; i++) {
		key = order[i]; split(key, kk, SUBSEP)
		if (!reps[key]) continue
		med[key] = median(rate[key]); mlo[key] = lo; mhi[key] = hi
		# The best skb path: e1k-* rows run on another NIC.
		if (kind[key] != "pipe" && kk[1] !~ /^e1k-/ && med[key] > best[kk[2]]) best[kk[2]] = med[key]
	}
	for (i = 1; i <= n; i++) {
		key = order[i]; split(key, kk, SUBSEP)
		if (!reps[key]) continue
		ref = ""
		if (kind[key] == "tx") ref = "pktgen"
		if (kind[key] == "rx") ref = "afp-tpv3"
		if (kk[1] ~ /^e1k-/) ref = "e1k-generic-" kind[key]
		r = best[kk[2]]
		if (ref != "") r = med[ref SUBSEP kk[2]]
		loss = sent[key] > 0 ? 100 * (sent[key] - got[key]) / sent[key] : 0
		vs = "-"
		if (r > 0) vs = sprintf("%.2f", med[key] / r)
		printf "| %s | %s | %s | %s | %d | %.4f (%.4f-%.4f) | %s | %.0f | %.0f | %.0f | %.2f | %d/%d/%d |\n",
			kk[1], kind[key], kk[2], batch[key], reps[key], med[key], mlo[key], mhi[key],
			vs, median(ipp[key]), median(cyc[key]), median(gcyc[key]), loss,
			apidrop[key], vtx[key], sn[key]
	}
	# Deterministic mode: what receiving costs on top of generating. The
	# RX generator is the afp-sendmmsg program (batch 512, QDISC_BYPASS,
	# bv0 -> bv1); its TX row is the same frames with nobody reading bv1,
	# where the stack drops them. So an RX row minus that row is the
	# cost of the receiver, less what the stack spends dropping a frame (which
	# a netmap receiver saves: it takes the frame before the stack sees
	# it, while an AF_PACKET receiver leaves it to the stack to drop).
	nr = 0
	if (icount)
		for (j = 1; j <= 2; j++) {
			z = S2[j]
			g = "afp-sendmmsg" SUBSEP z
			if (!(g in reps) || !reps[g]) continue
			gi = median(ipp[g])
			tv = "afp-tpv3" SUBSEP z
			ti = (tv in reps) && reps[tv] ? median(ipp[tv]) - gi : 0
			for (i = 1; i <= n; i++) {
				key = order[i]; split(key, kk, SUBSEP)
				if (!reps[key] || kind[key] != "rx" || kk[2] != z || kk[1] ~ /^e1k-/) continue
				if (!nr++) {
					print "\nRX, receiving only: guest instructions per packet of the RX row minus those of afp-sendmmsg\047s TX row of the same size (the generator alone, its frames dropped by bv1\047s stack). *vs* = afp-tpv3\047s figure / this one (higher is cheaper). An estimate that favours netmap by the stack\047s cost of dropping a frame, which a netmap receiver takes away and an AF_PACKET receiver does not.\n"
					print "| candidate | size | instr/pkt | above the generator | vs afp-tpv3 |"
					print "|---|---|---|---|---|"
				}
				x = median(ipp[key]) - gi
				printf "| %s | %s | %.0f | %.0f | %s |\n", kk[1], z, median(ipp[key]), x, (ti > 0 && x > 0 ? sprintf("%.2f", ti / x) : "-")
			}
		}
	# Native against generic on the same e1000e NIC.
	ne = 0
	split("60 1514", S, " ")
	for (j = 1; j <= 2; j++)
		for (k = 1; k <= 2; k++) {
			kd = k == 1 ? "tx" : "rx"
			a = "e1k-native-" kd SUBSEP S[j]; b = "e1k-generic-" kd SUBSEP S[j]
			if (!(a in med) || !(b in med) || med[b] == 0) continue
			if (!ne++) print "\n| e1000e, native vs generic | size | native Mpps | generic Mpps | ratio |\n|---|---|---|---|---|"
			printf "| %s | %s | %.4f | %.4f | %.2fx |\n", toupper(kd), S[j], med[a], med[b], med[a] / med[b]
		}
	if (nl) {
		printf "\nLatency: pkt-gen ping on netmap:bv0, pong on netmap:bv1 (generic adapter), one echo at a time; round trip in %s.\n\n", (icount ? "guest microseconds (1000 instructions each)" : "microseconds")
		print "| generic_rx_mit_us | echoes received/sent | RTT min | RTT avg | RTT max |"
		print "|---|---|---|---|---|"
		for (i = 1; i <= nl; i++) print lats[i]
	}
	for (c in skipped) printf "\n%s was not measured: %s.", c, skipped[c]
	for (c in failed) printf "\n%s failed %d time(s): see the log.", c, failed[c]
	print "\n"
	# Targets of issue 7 (reported, not asserted).
	print "| target | size | measured | met |"
	print "|---|---|---|---|"
	split("60 1514", S, " ")
	for (j = 1; j <= 2; j++) {
		z = S[j]
		t("generic TX >= pktgen", z, "nm-tx", "pktgen", 1)
		t("generic RX >= 1.5x TPACKET_V3", z, "nm-rx", "afp-tpv3", 1.5)
		t("generic RX >= 3x libpcap", z, "nm-rx", "pcap-dispatch", 3)
		t("generic TX >= 3x libpcap", z, "nm-tx", "pcap-inject", 3)
		pb = "nm-pipe1"
		if (med["nm-pipe" SUBSEP z] > med["nm-pipe1" SUBSEP z]) pb = "nm-pipe"
		# reps: only measured candidates (the line above creates med[])
		if (reps[pb SUBSEP z] && best[z] > 0) {
			x = med[pb SUBSEP z] / best[z]
			printf "| pipes >= 30x best skb path (%s, batch %s) | %s | %.1fx | %s |\n", pb, batch[pb SUBSEP z], z, x, (x >= 30 ? "yes" : "no")
		}
	}
}
function t(what, z, a, b, k,   x) {
	if (!((a SUBSEP z) in med) || !((b SUBSEP z) in med) || med[b SUBSEP z] == 0) return
	x = med[a SUBSEP z] / med[b SUBSEP z]
	printf "| %s | %s | %.2fx | %s |\n", what, z, x, (x >= k ? "yes" : "no")
}' "$log" > "$md"

# The sweep, per frame size: per candidate, median rate per batch, and the
# fit of the time per call against the packets per call: t = S + B*p.
# $base.sweep gets "SIZE CAND BATCH MPPS" lines for the plots.
sweep=$base.sweep
plots=0
command -v gnuplot >/dev/null && plots=1
awk -v plots=$plots "$AWKLIB"'
/^phase / { phase = $2 }
/^host / { accel = kv("accel") }
/^run / && (kv("pkts") == "" || kv("secs") + 0 <= 0) { next }
/^run / && phase == "sweep" {
	c = kv("cand"); b = kv("batch"); z = kv("size")
	if (!(z in zseen)) { zseen[z] = 1; zs[++nz] = z }
	cz = c SUBSEP z; key = cz SUBSEP b
	if (!(cz in seen)) { seen[cz] = 1; cands[z] = cands[z] " " c }
	if (!(key in r)) bl[cz] = bl[cz] " " b
	p = kv("pkts"); s = kv("secs"); calls = kv("calls")
	d = p
	if (kv("kind") == "tx") d = kv("peer")
	r[key] = r[key] " " d / s / 1e6
	if (calls > 0) { tc[key] = tc[key] " " s * 1e9 / calls; pc[key] = pc[key] " " p / calls }
}
END {
	unit = "ns"
	if (accel == "tcg-icount") unit = "instructions"
	for (zi = 1; zi <= nz; zi++) {
		z = zs[zi]
		nc = split(cands[z], cl, " ")
		printf "\n## Batch sweep, %s-byte frames\n\n", z
		print "Mpps (median) per batch; fit of the cost per call (time between calls, polls included) against the packets it moved: cost = S + B*p, least squares over the sweep.\n"
		printf "| candidate |"
		n = split(bl[cl[1] SUBSEP z], hdr, " ")
		for (i = 1; i <= n; i++) printf " %s |", hdr[i]
		printf " S (%s/call) | p (%s/pkt) |\n|---|", unit, unit
		for (i = 1; i <= n + 2; i++) printf "---|"
		print ""
		for (j = 1; j <= nc; j++) {
			c = cl[j]; cz = c SUBSEP z; printf "| %s |", c
			sx = sy = sxx = sxy = m = 0; xmin = -1; xmax = 0
			k = split(bl[cz], bs, " ")
			for (i = 1; i <= k; i++) {
				key = cz SUBSEP bs[i]
				printf " %.4f |", median(r[key])
				print z, c, bs[i], median(r[key]) > "'"$sweep"'"
				if (key in tc) {
					x = median(pc[key]); y = median(tc[key])
					sx += x; sy += y; sxx += x * x; sxy += x * y; m++
					if (xmin < 0 || x < xmin) xmin = x
					if (x > xmax) xmax = x
				}
			}
			# No fit where packets per call hardly varied over the sweep
			# (the line through the points is then noise), nor a
			# negative cost.
			den = m * sxx - sx * sx
			p = S0 = -1
			if (m >= 2 && den != 0 && xmax >= 2 * xmin) {
				p = (m * sxy - sx * sy) / den; S0 = (sy - p * sx) / m
			}
			if (p >= 0 && S0 >= 0)
				printf " %.0f | %.1f |\n", S0, p
			else
				print " - | - |"
		}
		if (plots)
			printf "\n![Mpps vs batch, %s bytes](%s)\n", z, "'"$(basename "$base")"'-sweep-" z ".png"
	}
}' "$log" >> "$md"

# One plot per frame size: Mpps against batch, a line per candidate.
[ -s "$sweep" ] && [ $plots = 0 ] && echo "report.sh: no gnuplot, no plots" >&2
if [ -s "$sweep" ] && [ $plots = 1 ]; then
	accel=$(sed -n 's/^host .*accel=\([^ ]*\).*/\1/p' "$log")
	kern=$(sed -n 's/^env kernel=\([^ ]*\).*/\1/p' "$log" | head -n 1)
	for z in $(awk '{ print $1 }' "$sweep" | sort -nu); do
		lines=
		for c in $(awk -v z="$z" '$1 == z { print $2 }' "$sweep" | uniq); do
			awk -v z="$z" -v c="$c" '$1 == z && $2 == c { print $3, $4 }' "$sweep" > "$sweep.$c"
			lines="$lines${lines:+, }'$sweep.$c' using 1:2 with linespoints title '$c'"
		done
		gnuplot <<-EOF || echo "report.sh: gnuplot failed for $z bytes" >&2
		set terminal png size 900,600
		set output '$base-sweep-$z.png'
		set title 'make bench: Mpps vs batch, $z-byte frames ($accel, $kern)'
		set logscale xy
		set xlabel 'batch (packets per call)'
		set ylabel 'Mpps (guest clock)'
		set key outside right
		set grid
		plot $lines
		EOF
		rm -f "$sweep".*
	done
fi
rm -f "$sweep"
