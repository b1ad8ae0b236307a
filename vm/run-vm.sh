#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian kernel with one of our initramfs images in QEMU.
#
#   vm/run-vm.sh -k KVER -i INITRD -o OUTDIR [-s] [-t SECONDS] [-w SECONDS]
#                [-v] [-a ARG]
#
#   -s  interactive: console on this terminal (make shell)
#   -t  hard limit for the whole boot (host `timeout`, default 600)
#   -w  stall limit: the guest printed nothing on its output channel for
#       that long although its own per-test timeouts would have: dump its
#       blocked tasks and CPU backtraces to the console (magic SysRq keys
#       through the QEMU monitor; works while the guest's timers are dead)
#       and stop it (default: off)
#   -v  stream the kernel console too, not only the guest's output
#   -a  extra kernel command line argument (repeatable)
#   -c  vCPUs (default 2)      -m  guest memory (default 2G)
#   -I  deterministic clock: TCG with -icount shift=0,sleep=off (one
#       virtual ns per guest instruction; forces one vCPU)
#
# Non-interactive runs write OUTDIR/console.log (ttyS0: kernel + init
# messages) and OUTDIR/out.log (ttyS1: TAP or command output) and stream
# out.log here while the guest runs. Exit status is QEMU's:
#   33 = guest verdict "pass" (isa-debug-exit 0x10), 35 = "fail" (0x11),
#   1 = guest panic (pvpanic event, or its message on the console),
#   0 = the guest stopped without a verdict,
#   124 = hung (hard limit or stall limit), anything else = QEMU failed.
#
# Accelerator: KVM only when a real VT-x/AMD-V module is loaded (kvm_intel
# or kvm_amd); on this kind of machine /dev/kvm is a PVM nested hypervisor
# on which Debian's kernels hang, so TCG. ACCEL=tcg|kvm overrides.
# KROOT=DIR: the kernel image is DIR/boot/vmlinuz-KVER (vm/debug-kernel.sh,
# whose boot arguments are added).
set -eu

kver='' initrd='' out='' interactive=0 limit=600 stall=0 verbose=0 extra=''
smp=2 mem=2G icount=0
while getopts k:i:o:st:w:va:c:m:I opt; do
	case $opt in
	k) kver=$OPTARG ;;
	i) initrd=$OPTARG ;;
	o) out=$OPTARG ;;
	s) interactive=1 ;;
	t) limit=$OPTARG ;;
	w) stall=$OPTARG ;;
	v) verbose=1 ;;
	a) extra="$extra $OPTARG" ;;
	c) smp=$OPTARG ;;
	m) mem=$OPTARG ;;
	I) icount=1 ;;
	*) exit 2 ;;
	esac
done
[ -n "$kver" ] && [ -n "$initrd" ] && [ -n "$out" ] || {
	echo "usage: see $0" >&2
	exit 2
}

accel=${ACCEL:-auto}
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -e /sys/module/kvm_intel ] || [ -e /sys/module/kvm_amd ]; then
		[ -w /dev/kvm ] && accel=kvm
	fi
fi
case $accel in
kvm) cpu="-accel kvm -cpu host" ;;
*) cpu="-accel tcg -cpu max" ;;
esac
if [ $icount = 1 ]; then
	cpu="-accel tcg -cpu max -icount shift=0,sleep=off"
	smp=1
fi

# panic_on_warn: a WARN() is a test failure and its trace ends the run.
# loglevel=5 keeps the console to warnings and worse (every splat, little
# boot chatter: each console byte costs serial time); -v shows everything.
loglevel=5
[ $verbose = 1 ] && loglevel=7
cmdline="console=ttyS0,115200 panic=-1 oops=panic panic_on_warn=1"
cmdline="$cmdline softlockup_panic=1 no_timer_check loglevel=$loglevel$extra"
# Our debug kernel's own boot arguments.
[ -n "${KROOT:-}" ] && cmdline="$cmdline $("$(dirname "$0")/debug-kernel.sh" cmdline)"

# Two emulated Intel 82574 (e1000e) NICs cabled to each other through a
# QEMU hub that has no other port: nothing leaves the guest. Inert until
# a test loads the e1000e driver.
nics="-netdev hubport,id=nm0,hubid=1 -device e1000e,netdev=nm0,mac=52:54:00:4e:4d:00"
nics="$nics -netdev hubport,id=nm1,hubid=1 -device e1000e,netdev=nm1,mac=52:54:00:4e:4d:01"

mkdir -p "$out"
set -- qemu-system-x86_64 $cpu -machine pc -smp "$smp" -m "$mem" \
	-nodefaults -display none -no-reboot \
	-kernel "${KROOT:-}/boot/vmlinuz-$kver" -initrd "$initrd" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-device pvpanic $nics

if [ $interactive = 1 ]; then
	# Like -nographic: serial console multiplexed with the QEMU monitor on
	# stdio (Ctrl-A x quits QEMU, Ctrl-A c switches to the monitor).
	exec "$@" -action panic=exit-failure -append "$cmdline" \
		-serial mon:stdio
fi

: > "$out/console.log"
: > "$out/out.log"
# The monitor on two FIFOs (QEMU opens them read-write, so nothing blocks);
# used only to send SysRq keys to a stalled guest.
rm -f "$out/mon.in" "$out/mon.out" "$out/stalled"
mkfifo "$out/mon.in" "$out/mon.out"
# No stdin: CI has none, and QEMU must not wait on it.
#
# A panic must leave its trace in console.log. The kernel raises the
# pvpanic event from a panic notifier, which runs before it flushes the
# console when another CPU held the console lock (the normal case while
# a test prints); QEMU quitting on the event then loses the trace. So
# QEMU only notes the event (panic=none) and the guest reboots itself
# once the console is out (panic=-1, and -no-reboot ends QEMU); the
# panic is recognised afterwards by its message.
timeout -k 10 "$limit" "$@" -action panic=none -append "$cmdline" \
	-serial "file:$out/console.log" -serial "file:$out/out.log" \
	-monitor "pipe:$out/mon" </dev/null >"$out/qemu.log" 2>&1 &
qemu=$!
cat "$out/mon.out" > "$out/monitor.log" 2>/dev/null &
mon=$!

# stall_watch: see -w. The keys: 9 = console loglevel 9 (the dumps are
# KERN_INFO), w = blocked tasks, l = backtrace of every CPU, t = every
# task with its stack (where a test sleeps when the guest's timers died).
stall_watch() {
	last=-1 quiet=0
	while kill -0 $qemu 2>/dev/null; do
		sleep 5
		size=$(stat -c %s "$out/out.log")
		if [ "$size" != "$last" ]; then
			last=$size quiet=0
			continue
		fi
		quiet=$((quiet + 5))
		[ $quiet -ge "$stall" ] || continue
		echo "# run-vm: no guest output for $stall s: guest hung;" \
		     "dumping its tasks to the console and stopping it"
		touch "$out/stalled"
		for k in 9 w l t; do
			echo "sendkey alt-sysrq-$k" > "$out/mon.in"
			sleep 2
		done
		# The serial console is slow: wait until the dump is out.
		for _ in $(seq 30); do
			size=$(stat -c %s "$out/console.log")
			sleep 2
			[ "$(stat -c %s "$out/console.log")" = "$size" ] && break
		done
		kill $qemu
		return
	done
}
watch=
if [ "$stall" -gt 0 ]; then
	stall_watch &
	watch=$!
fi

# Stream the guest's output while it runs; tail ends with QEMU.
tail -n +1 -f --pid=$qemu "$out/out.log" &
tails=$!
if [ $verbose = 1 ]; then
	tail -n +1 -f --pid=$qemu "$out/console.log" | sed 's/^/[console] /' &
	tails="$tails $!"
fi
rc=0
wait $qemu || rc=$?
# Helpers may be gone already (the monitor reader ends with QEMU).
[ -z "$watch" ] || kill $watch 2>/dev/null || true
kill $mon 2>/dev/null || true
# shellcheck disable=SC2086
wait $tails 2>/dev/null || true
rm -f "$out/mon.in" "$out/mon.out"
[ -e "$out/stalled" ] && rc=124
if [ $rc = 0 ] && grep -q 'Kernel panic - not syncing' "$out/console.log"; then
	rc=1
fi
exit $rc
