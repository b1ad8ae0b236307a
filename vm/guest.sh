#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interactive and ad-hoc guest runs; the guest boots the first kernel of
# vm/kernels.sh (KERNELS= picks another) with netmap.ko loaded.
#
#   vm/guest.sh shell	interactive shell on this terminal (make shell)
#   vm/guest.sh run	run $RUN in /root with $FILES copied there, print
#			its output, exit with its status (make vm-run)
#   vm/guest.sh demo	vm/demo.sh; on a host that can load modules it runs
#			here instead of in a guest (make demo)
#
# VM_LIMIT=SECONDS caps a run/demo guest (default 600).
set -u

mode=${1:-}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/vm/lib.sh"

nmraw=$B/userspace/examples/nmraw

# A host whose own kernel takes modules and has headers runs the demo
# natively; this one (no module support) and CI boot a guest instead.
host_can_load_modules() {
	[ -e /proc/modules ] && [ -d "/lib/modules/$(uname -r)/build" ] &&
	[ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 0)" = 0 ]
}

if [ "$mode" = demo ] && host_can_load_modules; then
	[ "$(id -u)" = 0 ] || { echo "make demo: run as root (sudo make demo)" >&2; exit 1; }
	make -s -C "$top/kernel" KVER="$(uname -r)" || exit 1
	loaded=0
	if [ ! -d /sys/module/netmap ]; then
		insmod "$top/kernel/netmap.ko" || exit 1
		loaded=1
	fi
	[ -x "$nmraw" ] && export NMRAW=$nmraw
	NETMAP_KO=$top/kernel/netmap.ko sh "$top/vm/demo.sh"
	rc=$?
	[ $loaded = 1 ] && rmmod netmap
	exit $rc
fi

case $mode in
shell|run|demo) ;;
*) echo "usage: $0 shell|run|demo" >&2; exit 2 ;;
esac

"$top/vm/install-deps.sh" || exit 1
build_selftests || exit 1
stage_userspace || exit 1
k=$(kernel_list | head -n 1)
case $k in
missing:*) echo "no installed kernel for series ${k#missing:}" >&2; exit 1 ;;
esac
build_module "$k" >/dev/null || {
	echo "netmap.ko does not build for $k: see build/$k/build.log" >&2
	exit 1
}
dir=$B/$k/$mode
mkdir -p "$dir"

extra=()
case $mode in
run)
	[ -n "${RUN:-}" ] || { echo "make vm-run RUN='command' [FILES='f ...']" >&2; exit 2; }
	printf '%s\n' "$RUN" > "$dir/run.sh"
	extra+=(-r "$dir/run.sh")
	for f in ${FILES:-}; do
		extra+=(-f "$f")
	done
	;;
demo)
	[ -x "$nmraw" ] && extra+=(-f "$nmraw")
	;;
esac
make_initramfs "$k" "$mode" "${extra[@]}" || exit 1

if [ "$mode" = shell ]; then
	echo "# booting $k (TCG, takes a few seconds); Ctrl-A x kills QEMU"
	KROOT=$(kernel_root "$k") "$top/vm/run-vm.sh" -s -k "$k" -i "$dir/initrd" -o "$dir"
	rc=$?
	# 33: /init powered off normally after the shell ended.
	[ $rc = 33 ] && exit 0
	exit $rc
fi

KROOT=$(kernel_root "$k") "$top/vm/run-vm.sh" -k "$k" -i "$dir/initrd" -o "$dir" -t "${VM_LIMIT:-600}"
qrc=$?
status=$(sed -n 's/^# vm-run-exit: \([0-9]*\).*/\1/p' "$dir/out.log" | tail -n 1)
if [ "$qrc" != 33 ] || [ -z "$status" ]; then
	echo "guest $k did not finish normally (QEMU exit $qrc); console:" >&2
	tail -n 40 "$dir/console.log" >&2
	exit 125
fi
exit "$status"
