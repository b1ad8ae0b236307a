# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host-side steps shared by vm/check.sh (make check) and vm/guest.sh
# (make shell / vm-run / demo). Sourced; expects $top (the source tree).
#
# Layout under build/:
#	kselftest/		kselftest headers (vm/kselftest-headers.sh)
#	selftests/		static test programs, built once for all kernels
#	stage/			userspace installed with DESTDIR (goes into
#				every guest's root)
#	<kver>/src/		fresh copy of kernel/ include/ VERSION
#	<kver>/netmap.ko	the module built there, build.log its log
#	<kver>/<mode>/		initramfs, vm.conf, console.log, out.log

B=$top/build

now() { date +%s.%N; }
# elapsed START: seconds since START, one decimal
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

# The kernel versions to use, one per line (vm/kernels.sh; KERNELS=).
kernel_list() { "$top/vm/kernels.sh"; }

# kernel_root KVER: "" for a kernel installed from a Debian package, or
# the root directory of our own debug kernel (vm/debug-kernel.sh), which
# has the same layout: <root>/boot/vmlinuz-KVER, <root>/lib/modules/KVER.
# Exported as KROOT for mkinitramfs.sh and run-vm.sh.
kernel_root() {
	[ -e "/lib/modules/$1/build/Makefile" ] && return 0
	local root
	root=$("$top/vm/debug-kernel.sh" root 2>/dev/null) || return 0
	[ -e "$root/lib/modules/$1" ] && echo "$root"
}

# copy_sources TOP DST [PATH...]: a fresh copy of the module's sources
# (VERSION, kernel/, include/ and PATHs) without build products.
copy_sources() {
	local from=$1 to=$2
	shift 2
	rm -rf "$to"
	mkdir -p "$to"
	(cd "$from" && tar -cf - --exclude='*.o' --exclude='*.ko' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
		--exclude='.*.d' --exclude=modules.order --exclude=Module.symvers \
		VERSION kernel include "$@") | tar -C "$to" -xf -
}

# build_module KVER: build netmap.ko with W=1 in a fresh copy of the
# sources (a full build each time, so every warning is seen every time).
# Fails on a build error or on any warning located in our sources or from
# modpost; all warnings are shown either way.
build_module() {
	local k=$1 src=$B/$1/src log=$B/$1/build.log ours
	copy_sources "$top" "$src"
	rm -f "$B/$k/netmap.ko"
	if ! make -C "$src/kernel" KVER="$k" \
	     KDIR="$(kernel_root "$k")/lib/modules/$k/build" W=1 >"$log" 2>&1; then
		sed 's/^/# /' "$log" | tail -n 60
		return 1
	fi
	grep -i 'warning:' "$log" | sed 's/^/# /'
	ours=$(grep -E "^$src/.*warning:|WARNING: modpost" "$log")
	[ -z "$ours" ] || return 1
	cp "$src/kernel/netmap.ko" "$B/$k/netmap.ko"
}

# build_e1000e KVER: the netmap-enabled e1000e.ko (drivers/e1000e-netmap)
# against the netmap.ko just built for KVER, with W=1. Fails on a build
# error or a warning in our driver file or from modpost.
build_e1000e() {
	local k=$1 dir=$B/$1/e1000e log=$B/$1/e1000e-build.log ours
	rm -f "$B/$k/e1000e.ko"
	if ! make -C "$top/drivers/e1000e-netmap" KVER="$k" BUILD="$dir" \
		KDIR="$(kernel_root "$k")/lib/modules/$k/build" \
		NETMAP_SYMVERS="$B/$k/src/kernel/Module.symvers" W=1 \
		>"$log" 2>&1; then
		sed 's/^/# /' "$log" | tail -n 30
		return 1
	fi
	ours=$(grep -E "e1000e_netmap\.[ch].*warning:|WARNING: modpost" "$log")
	[ -z "$ours" ] || { echo "$ours" | sed 's/^/# /'; return 1; }
	cp "$dir/e1000e/e1000e.ko" "$B/$k/e1000e.ko"
}

build_selftests() {
	make -s -C "$top/selftests" OUTPUT="$B/selftests" all prune
}

# stage_userspace: build userspace/ and install it into build/stage, the
# tree every guest gets at its root (tools, libraries, test programs
# built against the installed headers).
stage_userspace() {
	rm -rf "$B/stage"
	make -s -C "$top/userspace" all &&
	make -s -C "$top/userspace" install DESTDIR="$B/stage" PREFIX=/usr &&
	make -s -C "$top/userspace" install-tests DESTDIR="$B/stage" PREFIX=/usr
}

# Shell-quote $1 for the guest's /etc/vm.conf.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# write_conf FILE MODE: the guest configuration /init reads.
write_conf() {
	{
		echo "VM_MODE=$2"
		echo "VM_TESTS=$(q "${T:-}")"
		echo "VM_TIMEOUT=$(q "${TIMEOUT:-}")"
		echo "NETMAP_MODARGS=$(q "${NETMAP_MODARGS:-}")"
		[ -n "${NETMAP_TEST_IF:-}" ] &&
			echo "NETMAP_TEST_IF=$(q "$NETMAP_TEST_IF")"
		[ -n "${NETMAP_TEST_PEER:-}" ] &&
			echo "NETMAP_TEST_PEER=$(q "$NETMAP_TEST_PEER")"
		[ -n "${NMT_TIME_SCALE:-}" ] &&
			echo "NMT_TIME_SCALE=$(q "$NMT_TIME_SCALE")"
		if [ -t 0 ] && size=$(stty size 2>/dev/null); then
			echo "VM_ROWS=${size% *} VM_COLS=${size#* }"
		fi
	} > "$1"
}

# make_initramfs KVER MODE [mkinitramfs options...]: build/KVER/MODE/initrd
make_initramfs() {
	local k=$1 mode=$2 dir=$B/$1/$2
	shift 2
	mkdir -p "$dir"
	write_conf "$dir/vm.conf" "$mode"
	# The netmap-enabled e1000e, when it was built, replaces the in-tree one.
	[ -f "$B/$k/e1000e.ko" ] && set -- -K "$B/$k/e1000e.ko" "$@"
	# So does the netmap-enabled ixgbe, with the in-tree modules it needs
	# (not the in-tree ixgbe itself: two ixgbe.ko would confuse depmod).
	if [ -f "$B/$k/ixgbe.ko" ]; then
		local dep
		for dep in $(modinfo -F depends "$B/$k/ixgbe.ko" | tr ',' ' '); do
			[ "$dep" = netmap ] || set -- -d "$dep" "$@"
		done
		set -- -K "$B/$k/ixgbe.ko" "$@"
	fi
	KROOT=$(kernel_root "$k") "$top/vm/mkinitramfs.sh" -k "$k" -o "$dir/initrd" -M "$B/$k/netmap.ko" \
		-t "$B/selftests" -c "$dir/vm.conf" -s "$B/stage" \
		-b "$top/selftests/guest-bins" "$@"
}

# Per-test timeout in the guest: TIMEOUT= or selftests/settings.
test_timeout() {
	local t
	t=${TIMEOUT:-$(sed -n 's/^timeout=//p' "$top/selftests/settings")}
	echo "${t:-45}"
}

# Hard limit for a whole guest run: boot plus every test running into its
# timeout (the guest kills those itself; this only catches a dead guest).
guest_limit() {
	echo $((180 + ($1 + 3) * ($(test_timeout) + 10)))
}

# A guest whose output channel stays silent longer than a test may run
# (plus the kill grace and some slack) is hung: its timers are dead or
# a test cannot be killed.
stall_limit() {
	echo $(($(test_timeout) + 60))
}
