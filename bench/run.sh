#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, guest side: measures every candidate on a veth pair and on
# netmap pipes and prints one "run ..." line per measurement (parsed by
# bench/report.sh on the host). netmap.ko must be loaded.
#
#   run.sh [-d SECONDS] [-r REPS] [-R SWEEP_REPS] [-B "BATCHES"]
#          [-S "SIZES"] [-b BATCH] [-s] [-o ONLY] [-O SWEEP_ONLY] [-L ECHOES]
#
#   -d  seconds per measurement (default 1)
#   -r  repetitions of the main table (default 5), candidates interleaved
#   -R  repetitions of the batch sweep (default 3; 0 = no sweep)
#   -B  batch sizes of the sweep (default "1 4 16 64 256 512")
#   -S  frame sizes of the main table and of the sweep (default "60 1514")
#   -b  batch of the main table (default 512)
#   -s  smoke: every candidate once, -d 0.5, no sweep
#   -o  only candidates whose name matches this grep -E pattern
#   -O  the sweep only of those (of -o's) that also match this pattern
#   -L  latency: after the sweep, ECHOES pkt-gen ping/pong round trips
#       between netmap:bv0 and netmap:bv1, once with generic_rx_mit_us=0
#       and once with the module's setting (default 0 = no latency phase)
#
# Topology: veth bv0 <-> bv1 in this namespace, both up. TX candidates run
# on bv0 pinned to CPU 0 and are counted where they arrive (bv1's
# rx_packets); RX candidates read bv1 pinned to CPU 1 (CPU 0 with one
# vCPU) while a generator sends on bv0 from CPU 0. Frames carry an
# unknown ethertype (pktgen's are IPv4/UDP) and a destination MAC nobody
# owns, so the stack drops them at its first look. The generator of the
# RX candidates is afp-bench sendmmsg (batch 512, qdisc bypass) on bv0,
# CPU 0: pktgen cannot be used there, its shared skbs crash Debian 6.1 in
# pskb_expand_head() once generic XDP (xsk-rx) runs on the receiving end.
#
# Native against generic on the same NIC: when the guest has two e1000e
# NICs cabled to each other (vm/run-vm.sh) and the netmap-enabled e1000e
# driver (drivers/e1000e-netmap), the e1k-* candidates run nm-bench on
# them, once with the native adapter (netmap's admode=1) and once with the
# generic one (admode=2): TX on the first NIC counted at the second
# (promiscuous, so the frames reach its rx_packets), RX on the second
# under the same AF_PACKET generator on the first. Entering netmap mode
# resets an e1000e (link down for seconds under TCG): a holder
# (nm-bench hold) binds the port first and the measurement starts once
# both links are up again. The e1k candidates are skipped without the
# NICs.
#
# Output lines (key=value):
#   env ...		kernel, clocksource, vCPUs, TSC
#   run cand= kind=tx|rx|pipe size= batch= rep= pkts= calls= secs= cyc=
#       tsc_hz= drops= peer=(TX: packets seen at bv1; RX: packets the
#       generator sent in the receiver's measured time, from its rate)
#       busy= (guest busy jiffies, USER_HZ) vtxdrop= vrxdrop= sndrop=
#   sample cand= size= batch= rep= sec= pkts=	per-second samples
#   lat mit_us= n= sent= received= rtt_min_us= rtt_avg_us= rtt_max_us=
#
# nm-rx-nomit is nm-rx with generic_rx_mit_us=0 for its measurement (the
# generic adapter wakes the reader at every frame, as before the RX
# wakeup mitigation): the two side by side show what the mitigation buys.
set -u

here=$(cd "$(dirname "$0")" && pwd)
secs=1 reps=5 sreps=3 batches="1 4 16 64 256 512" sizes="60 1514" mbatch=512
only= sonly= lat=0
while getopts d:r:R:B:S:b:so:O:L: opt; do
	case $opt in
	d) secs=$OPTARG ;;
	r) reps=$OPTARG ;;
	R) sreps=$OPTARG ;;
	B) batches=$OPTARG ;;
	S) sizes=$OPTARG ;;
	b) mbatch=$OPTARG ;;
	s) secs=0.5 reps=1 sreps=0 sizes=60 mbatch=64 ;;
	o) only=$OPTARG ;;
	O) sonly=$OPTARG ;;
	L) lat=$OPTARG ;;
	*) exit 2 ;;
	esac
done

ncpu=$(grep -c '^processor' /proc/cpuinfo)
rxcpu=1
[ "$ncpu" -ge 2 ] || rxcpu=0
export LIBXDP_OBJECT_PATH=$here/bpf

die() { echo "run.sh: $*" >&2; exit 1; }

ip link del bv0 2>/dev/null
ip link add bv0 type veth peer name bv1 || die "cannot create veth"
# No IPv6 autoconfiguration traffic in the counters.
for i in bv0 bv1; do
	echo 1 > "/proc/sys/net/ipv6/conf/$i/disable_ipv6" 2>/dev/null
done
ip link set bv0 up && ip link set bv1 up || die "veth up"
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
modprobe pktgen 2>/dev/null
pg=/proc/net/pktgen

# e1000e_find: the two e1000e NICs (name order) in e1a, e1b, if the
# netmap-enabled driver drives them.
e1a= e1b= e1k_modprobed=
e1000e_find() {
	if [ ! -d /sys/module/e1000e ]; then
		modprobe e1000e 2>/dev/null || return 1
		e1k_modprobed=1
	fi
	[ -e /sys/module/netmap/holders/e1000e ] || return 1
	for d in /sys/class/net/*; do
		drv=$(readlink "$d/device/driver" 2>/dev/null) || continue
		[ "${drv##*/}" = e1000e ] || continue
		if [ -z "$e1a" ]; then e1a=${d##*/}; elif [ -z "$e1b" ]; then e1b=${d##*/}; fi
	done
	[ -n "$e1b" ]
}
# carrier_wait IF...: up to 20 s for each link.
carrier_wait() {
	for i in "$@"; do
		t=0
		while [ "$(cat "/sys/class/net/$i/carrier" 2>/dev/null)" != 1 ]; do
			[ $t -ge 200 ] && { echo "run.sh: no carrier on $i" >&2; return 1; }
			sleep 0.1
			t=$((t + 1))
		done
	done
}
if e1000e_find; then
	for i in "$e1a" "$e1b"; do
		echo 1 > "/proc/sys/net/ipv6/conf/$i/disable_ipv6" 2>/dev/null
		ip link set "$i" up
	done
	ip link set "$e1b" promisc on
	carrier_wait "$e1a" "$e1b" || e1b=
fi
admode=/sys/module/netmap/parameters/admode
mitp=/sys/module/netmap/parameters/generic_rx_mit_us
mit_us=$(cat $mitp 2>/dev/null)

cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
echo "env kernel=$(uname -r) vcpus=$ncpu clocksource=$cs" \
     "tsc_mhz=$(dmesg | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -n 1)" \
     "pktgen=$([ -d $pg ] && echo yes || echo no) rx_mit_us=${mit_us:--}"

stat_of() { cat "/sys/class/net/$1/statistics/$2"; }
# Sum of the per-CPU "dropped" column of softnet_stat (hex).
softnet_drops() {
	s=0
	while read -r _ d _; do
		s=$((s + 0x$d))
	done < /proc/net/softnet_stat
	echo $s
}
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
tsc_hz=$(dmesg | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -n 1 |
	 awk '{ printf "%.0f", $1 * 1e6 }')

# The pair a candidate runs on: tif transmits, pif receives.
tif=bv0 pif=bv1
snap() {
	s_peer=$(stat_of $pif rx_packets)
	s_vtx=$(stat_of $tif tx_dropped)
	s_vrx=$(stat_of $pif rx_dropped)
	s_sn=$(softnet_drops)
	s_busy=$(busy_jiffies)
}

pg_set() { echo "$2" > "$pg/$1" || die "pktgen: '$2' refused by $1"; }
pg_setup() {	# size
	pg_set kpktgend_0 rem_device_all
	pg_set kpktgend_0 "add_device bv0"
	pg_set bv0 "count 0"
	pg_set bv0 "clone_skb 0"
	pg_set bv0 "burst 1"
	pg_set bv0 "delay 0"
	pg_set bv0 "pkt_size $(($1 + 4))"	# pktgen counts the FCS
	pg_set bv0 "dst_mac 02:00:00:00:00:99"
}

# await FILE WORD PID: until a line of FILE starts with WORD or PID ends;
# after 60 s PID is killed.
await() {
	n=0
	while kill -0 "$3" 2>/dev/null && ! grep -q "^$2" "$1"; do
		n=$((n + 1))
		[ $n -le 1200 ] || { kill -KILL "$3"; return; }
		sleep 0.05
	done
}

pg_start() { echo start > $pg/pgctrl & pg_pid=$!; }
pg_stop() {
	echo stop > $pg/pgctrl
	wait "$pg_pid"
	pg_sent=$(sed -n 's/.*pkts-sofar: \([0-9]*\).*/\1/p' $pg/bv0)
	# pktgen's own run time ("Result: OK: USEC(c...").
	pg_usec=$(sed -n 's/^Result: OK: \([0-9]*\).*/\1/p' $pg/bv0)
}

# Candidates: NAME KIND BATCHED XDP COMMAND (IF, CPU, BATCH, LEN, SECS
# are substituted). KIND tx runs on bv0, rx on bv1 under the generator,
# pipe alone. XDP 1: the command attaches an XDP program to the interface
# it reads, and runs under xdp_guarded.
candidates() {
	cat <<-EOF
	nm-tx tx 1 0 nm-bench tx -i bv0 -c 0 -b BATCH -l LEN -d SECS
	pktgen tx 0 0 -
	afp-send tx 0 0 afp-bench send -i bv0 -c 0 -b 1 -l LEN -d SECS
	afp-sendmmsg tx 1 0 afp-bench sendmmsg -i bv0 -c 0 -b BATCH -l LEN -d SECS
	afp-txring tx 1 0 afp-bench txring -i bv0 -c 0 -b BATCH -l LEN -d SECS
	pcap-inject tx 0 0 pcap-bench inject -i bv0 -c 0 -b 1 -l LEN -d SECS
	xsk-tx tx 1 0 xsk-bench tx -i bv0 -c 0 -b BATCH -l LEN -d SECS
	nm-rx rx 1 0 nm-bench rx -i bv1 -c RXCPU -b BATCH -l LEN -d SECS
	nm-rx-nomit rx 1 0 nm-bench rx -i bv1 -c RXCPU -b BATCH -l LEN -d SECS
	afp-recv rx 0 0 afp-bench recv -i bv1 -c RXCPU -b 1 -l LEN -d SECS
	afp-recvmmsg rx 1 0 afp-bench recvmmsg -i bv1 -c RXCPU -b BATCH -l LEN -d SECS
	afp-tpv3 rx 0 0 afp-bench tpv3 -i bv1 -c RXCPU -b 1 -l LEN -d SECS
	pcap-dispatch rx 1 0 pcap-bench dispatch -i bv1 -c RXCPU -b BATCH -l LEN -d SECS
	xsk-rx rx 1 1 xsk-bench rx -i bv1 -c RXCPU -b BATCH -l LEN -d SECS
	nm-pipe pipe 1 0 nm-bench pipe -i bp -c 0 -C RXCPU -b BATCH -l LEN -d SECS
	nm-pipe1 pipe 1 0 nm-bench pipe1 -i bp -c 0 -b BATCH -l LEN -d SECS
	e1k-native-tx tx 1 0 nm-bench tx -i E1KA -c 0 -b BATCH -l LEN -d SECS
	e1k-generic-tx tx 1 0 nm-bench tx -i E1KA -c 0 -b BATCH -l LEN -d SECS
	e1k-native-rx rx 1 0 nm-bench rx -i E1KB -c RXCPU -b BATCH -l LEN -d SECS
	e1k-generic-rx rx 1 0 nm-bench rx -i E1KB -c RXCPU -b BATCH -l LEN -d SECS
	EOF
}

# e1k_hold NAME: netmap's adapter choice for an e1k candidate, and its
# port held in netmap mode (on the NIC it measures) with both links up.
e1k_hold() {
	case $1 in
	e1k-native-*) echo 1 > $admode ;;
	*) echo 2 > $admode ;;
	esac
	hif=$e1a
	case $1 in *-rx) hif=$e1b ;; esac
	# The previous holder's "holding" must not pass for this one's: the
	# background job truncates the file only once it has started.
	: > "$out.hold"
	"$here/nm-bench" hold -i "$hif" -d 3600 > "$out.hold" 2>&1 &
	hold=$!
	t=0
	until grep -q '^holding' "$out.hold"; do
		kill -0 $hold 2>/dev/null && [ $t -lt 300 ] || {
			sed 's/^/#   hold: /' "$out.hold"
			e1k_release
			return 1
		}
		sleep 0.1
		t=$((t + 1))
	done
	carrier_wait "$e1a" "$e1b"
}
# e1k_release: the holder leaves (the NIC goes back to its driver, links
# come up again), netmap chooses adapters as by default again.
e1k_release() {
	[ -n "$hold" ] || return 0
	kill -TERM $hold 2>/dev/null
	wait $hold 2>/dev/null
	hold=
	echo 0 > $admode
	carrier_wait "$e1a" "$e1b"
}

out=$(mktemp)

# netmap binds register netfilter egress hooks; the test guest's /init
# holds the static keys they would switch (an egress chain on lo, see
# vm/init), so no measurement makes the kernel live-patch its transmit
# path while the generator sends, which TCG does not survive reliably.

# gen_start, gen_stop: the RX candidates' generator on $tif, CPU 0, from
# half a second before the measurement until after it.
gen_start() {
	"$here/afp-bench" sendmmsg -i $tif -c 0 -b 512 -l "$size" \
		-d 3600 > "$out.gen" 2>&1 &
	gen=$!
	sleep 0.5
}
gen_stop() {
	kill -TERM $gen
	wait $gen
}

# xdp_guarded KIND CMD: every measurement whose program attaches an XDP
# program runs through here. Attaching or detaching one rewrites the
# kernel's XDP dispatcher (bpf_dispatcher_xdp_func); under QEMU's TCG a
# CPU that runs the dispatcher meanwhile, because frames are arriving
# through do_xdp_generic, can hit the breakpoint of the half-done rewrite
# and oops ("int3"). So no frame may flow during either: CMD runs with
# XSK_BENCH_HOLD=1, says "attached" and waits for SIGUSR1; only then does
# the traffic start (the generator for KIND rx; TX candidates make their
# own); CMD prints its result and waits again; the generator is stopped
# before CMD may detach, and whatever is still attached to $pif is taken
# off with no traffic. The program must implement XSK_BENCH_HOLD.
xdp_guarded() {
	# shellcheck disable=SC2086
	XSK_BENCH_HOLD=1 "$here/"$2 > "$out" 2>&1 &
	rcv=$!
	await "$out" attached $rcv
	[ "$1" = rx ] && gen_start
	kill -USR1 $rcv 2>/dev/null
	await "$out" result $rcv
	[ "$1" = rx ] && gen_stop
	kill -USR1 $rcv 2>/dev/null
	wait $rcv
	r=$?
	ip link set dev $pif xdpgeneric off 2>/dev/null
	return $r
}

# measure NAME KIND BATCHED XDP CMD SIZE BATCH REP
measure() {
	name=$1 kind=$2 batched=$3 xdp=$4 cmd=$5 size=$6 batch=$7 rep=$8
	[ "$batched" = 1 ] || batch=1
	prog=${cmd%% *}
	if [ "$prog" = - ]; then
		[ -d $pg ] || { echo "skip cand=$name reason=no-pktgen"; return; }
	elif [ ! -x "$here/$prog" ]; then
		echo "skip cand=$name reason=not-built"
		return
	fi
	tif=bv0 pif=bv1 hold=
	case $name in
	e1k-*)
		[ -n "$e1b" ] || { echo "skip cand=$name reason=no-e1000e-pair"; return; }
		tif=$e1a pif=$e1b
		e1k_hold "$name" || {
			echo "fail cand=$name size=$size batch=$batch rep=$rep rc=hold"
			return
		}
		;;
	esac
	cmd=$(echo "$cmd" | sed "s/BATCH/$batch/; s/LEN/$size/; s/SECS/$secs/; s/RXCPU/$rxcpu/; s/E1KA/$e1a/; s/E1KB/$e1b/")
	: > "$out"
	[ "$name" = pktgen ] && pg_setup "$size"
	snap
	rc=0
	if [ "$name" = pktgen ]; then
		pg_start
		sleep "$secs"
		pg_stop
		# pktgen may have dropped the device (its /proc entry gone).
		[ -n "$pg_sent" ] && [ -n "$pg_usec" ] || rc=1
		echo "result pkts=$pg_sent calls=0 secs=$(awk -v u="$pg_usec" 'BEGIN { printf "%.6f", u / 1e6 }')" \
		     "cyc=0 tsc_hz=$tsc_hz drops=-1 busy=$(($(busy_jiffies) - s_busy))" > "$out"
	elif [ "$xdp" = 1 ]; then
		xdp_guarded "$kind" "$cmd" || rc=$?
	elif [ "$kind" = rx ]; then
		if [ "$name" = nm-rx-nomit ]; then
			[ -n "$mit_us" ] || { echo "skip cand=$name reason=no-generic_rx_mit_us"; return; }
			echo 0 > $mitp
		fi
		# The generator runs first and until the receiver is done.
		gen_start
		# shellcheck disable=SC2086
		timeout 60 "$here/"$cmd > "$out" 2>&1 || rc=$?
		gen_stop
		[ -n "$mit_us" ] && echo "$mit_us" > $mitp
	else
		# shellcheck disable=SC2086
		timeout 60 "$here/"$cmd > "$out" 2>&1 || rc=$?
	fi
	sleep 0.1	# frames in flight reach the counters
	peer=$(($(stat_of $pif rx_packets) - s_peer))
	vtxdrop=$(($(stat_of $tif tx_dropped) - s_vtx))
	vrxdrop=$(($(stat_of $pif rx_dropped) - s_vrx))
	e1k_release
	# RX: what the generator sent in as long as the receiver measured.
	[ "$kind" = rx ] && peer=$(awk -v s="$(sed -n 's/^result .*secs=\([0-9.]*\).*/\1/p' "$out")" '
		$1 == "result" { split($2, p, "="); split($4, t, "=");
				 printf "%.0f", p[2] * s / t[2] }' "$out.gen")
	[ "$kind" = pipe ] && peer=-1
	res=$(sed -n 's/^result //p' "$out")
	if [ $rc != 0 ] || [ -z "$res" ]; then
		echo "fail cand=$name size=$size batch=$batch rep=$rep rc=$rc"
		sed 's/^/#   /' "$out"
		return
	fi
	echo "run cand=$name kind=$kind size=$size batch=$batch rep=$rep $res" \
	     "peer=$peer vtxdrop=$vtxdrop vrxdrop=$vrxdrop" \
	     "sndrop=$(($(softnet_drops) - s_sn))"
	sed -n "s/^sample \([0-9]*\) \([0-9]*\)/sample cand=$name size=$size batch=$batch rep=$rep sec=\1 pkts=\2/p" "$out"
	sed -n "s/^thread /thread cand=$name size=$size batch=$batch rep=$rep /p" "$out"
}

each() {	# each SIZE BATCH REP BATCHED_ONLY
	candidates | while read -r name kind batched xdp cmd; do
		[ -z "$only" ] || echo "$name" | grep -qE "$only" || continue
		if [ "$4" = 1 ]; then
			[ "$batched" = 1 ] || continue
			[ -z "$sonly" ] || echo "$name" | grep -qE "$sonly" || continue
		fi
		measure "$name" "$kind" "$batched" "$xdp" "$cmd" "$1" "$2" "$3"
	done
}

echo "phase main"
rep=1
while [ $rep -le "$reps" ]; do
	for size in $sizes; do
		each "$size" "$mbatch" $rep 0
	done
	rep=$((rep + 1))
done
echo "phase sweep"
rep=1
while [ $rep -le "$sreps" ]; do
	for size in $sizes; do
		for b in $batches; do
			each "$size" "$b" $rep 1
		done
	done
	rep=$((rep + 1))
done
# One echo at a time: each way, a frame reaches a reader asleep in poll().
latency() {	# MIT_US
	echo "$1" > $mitp
	pkt-gen -i netmap:bv1 -f pong -n "$lat" -w 0 > "$out.pong" 2>&1 &
	pong=$!
	sleep 0.5
	timeout 120 pkt-gen -i netmap:bv0 -f ping -n "$lat" -w 0 > "$out" 2>&1
	kill -TERM $pong 2>/dev/null
	wait $pong
	echo "$mit_us" > $mitp
	r=$(grep -o 'sent=.*' "$out" | tail -n 1)
	if [ -z "$r" ]; then
		echo "fail cand=latency mit_us=$1"
		sed 's/^/#   /' "$out" "$out.pong"
		return
	fi
	echo "lat mit_us=$1 n=$lat $r"
}
if [ "$lat" -gt 0 ]; then
	echo "phase lat"
	if [ -z "$mit_us" ]; then
		echo "skip cand=latency reason=no-generic_rx_mit_us"
	elif ! command -v pkt-gen > /dev/null; then
		echo "skip cand=latency reason=no-pkt-gen"
	else
		latency 0
		[ "$mit_us" = 0 ] || latency "$mit_us"
	fi
fi
rm -f "$out" "$out.gen" "$out.hold" "$out.pong"
ip link del bv0
[ -n "$e1k_modprobed" ] && rmmod e1000e
echo "done"
