#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, host side: boot the first kernel of vm/kernels.sh (KERNELS=
# picks another) with 2 vCPUs and 2 GB, run bench/run.sh in it, then turn
# its output into bench/results/DATE-ACCEL.{log,md} and the PNG plots
# (bench/report.sh).
#
#   ICOUNT=1       deterministic guest clock (-icount shift=0,sleep=off,
#                  one vCPU): rates become guest instructions per packet
#   BENCH_ARGS=    passed to run.sh (e.g. "-d 2 -r 7", "-s" for a smoke run,
#                  "-o nm-" for netmap candidates only)
#   BENCH_LIMIT=   hard limit for the guest in seconds (default 10800)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/vm/lib.sh"

"$top/vm/install-deps.sh" || exit 1
# Bench-only packages: plots, AF_XDP baseline.
need=
for p in gnuplot-nox libxdp-dev libbpf-dev; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		need="$need $p"
done
if [ -n "$need" ]; then
	echo "bench: installing$need"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $need || exit 1
fi

build_selftests || exit 1
stage_userspace > "$B/userspace-stage.log" 2>&1 || {
	echo "bench: userspace does not build (build/userspace-stage.log)" >&2
	exit 1
}
make -s -C "$top/bench" O="$B/bench" || exit 1
k=$(kernel_list | head -n 1)
case $k in
missing:*) echo "bench: no installed kernel for ${k#missing:}" >&2; exit 1 ;;
esac
build_module "$k" >/dev/null || {
	echo "bench: netmap.ko does not build for $k (build/$k/build.log)" >&2
	exit 1
}
# The netmap-enabled e1000e for the native-vs-generic candidates; without
# it they are skipped.
e1k=()
if build_e1000e "$k" >/dev/null; then
	e1k=(-K "$B/$k/e1000e.ko")
else
	echo "bench: no netmap-enabled e1000e for $k (build/$k/e1000e-build.log): e1k-* skipped" >&2
fi

accel=tcg
opts=(-c 2 -m 2G)
if [ "${ICOUNT:-0}" = 1 ]; then
	accel=tcg-icount
	opts=(-I -m 2G)
fi
dir=$B/$k/bench-$accel
mkdir -p "$dir"
write_conf "$dir/vm.conf" run
echo "sh /root/bench/run.sh ${BENCH_ARGS:-}" > "$dir/run.sh"
"$top/vm/mkinitramfs.sh" -k "$k" -o "$dir/initrd" -M "$B/$k/netmap.ko" \
	-t "$B/selftests" -c "$dir/vm.conf" -s "$B/stage" \
	-b "$top/selftests/guest-bins" -r "$dir/run.sh" -f "$B/bench" \
	-d pktgen "${e1k[@]}" || exit 1

echo "# bench: $k, $accel${BENCH_ARGS:+, run.sh $BENCH_ARGS}; host load now: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(now)
"$top/vm/run-vm.sh" -k "$k" -i "$dir/initrd" -o "$dir" \
	-t "${BENCH_LIMIT:-10800}" "${opts[@]}"
qrc=$?
status=$(sed -n 's/^# vm-run-exit: \([0-9]*\).*/\1/p' "$dir/out.log" | tail -n 1)
if [ "$qrc" != 33 ] || [ "$status" != 0 ]; then
	echo "bench: guest did not finish normally (QEMU exit $qrc, run.sh $status)" >&2
	tail -n 40 "$dir/console.log" >&2
	exit 1
fi

stamp=$(date -u +%Y-%m-%d-%H%M)
res=$top/bench/results
mkdir -p "$res"
{
	echo "host date=$(date -u +%Y-%m-%dT%H:%MZ) accel=$accel wall=$(elapsed "$t0")" \
	     "loadavg=$(cut -d' ' -f1 /proc/loadavg) cores=$(nproc)" \
	     "qemu=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')"
	cat "$dir/out.log"
} > "$res/$stamp-$accel.log"
"$top/bench/report.sh" "$res/$stamp-$accel.log" || exit 1
echo "# bench: results in bench/results/$stamp-$accel.md"
