#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: boot the test guest (like make vm-run) and run
# selftests/nm_fuzz in it for DURATION seconds, then check the guest's
# kernel console for splats, which nm_fuzz cannot see when the kernel
# died under it.
#
#   DURATION=SECONDS	how long to fuzz (default 600)
#   SEED=N		repeat a run (nm_fuzz prints its seed)
#   PROCS=N THREADS=N	workers (nm_fuzz defaults: 2 x 3)
#   KERNELS=...		which kernel (first of vm/kernels.sh by default;
#			KERNELS=debug for the KASAN/lockdep one)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/vm/lib.sh"

duration=${DURATION:-600}
case $duration in
''|*[!0-9]*) echo "make fuzz: DURATION must be a number of seconds" >&2; exit 2 ;;
esac
env="NM_FUZZ_SECS=$duration"
[ -n "${SEED:-}" ] && env="$env NM_FUZZ_SEED=$SEED"
[ -n "${PROCS:-}" ] && env="$env NM_FUZZ_PROCS=$PROCS"
[ -n "${THREADS:-}" ] && env="$env NM_FUZZ_THREADS=$THREADS"

# Boot, workers' end, the hang watchdog (60 s) and the unload: a margin.
RUN="env $env /selftests/nm_fuzz" VM_LIMIT=$((duration + 600)) \
	"$top/vm/guest.sh" run
rc=$?

k=$(kernel_list | head -n 1)
console=$B/$k/run/console.log
splat=$(grep -n -E -f "$top/selftests/lib/splat-patterns" "$console" 2>/dev/null | head -n 1)
if [ -n "$splat" ]; then
	echo "# kernel splat on the guest console (${console#"$top"/}):"
	tail -n +"${splat%%:*}" "$console" | head -n 80 | sed 's/^/# console: /'
	[ $rc = 0 ] && rc=1
fi
if [ $rc = 0 ]; then
	echo "make fuzz: $duration s on $k, nothing found"
else
	echo "make fuzz: FAILED on $k (exit $rc)"
fi
exit $rc
