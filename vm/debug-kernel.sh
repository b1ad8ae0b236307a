#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel make check also runs the suite on: Debian's
# linux-source-6.1 built with tinyconfig + vm/debug-kernel.config (KASAN,
# lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak, DEBUG_OBJECTS, ...).
#
#   vm/debug-kernel.sh build     build it unless cached; prints its root
#   vm/debug-kernel.sh release   print its kernel release if it is built,
#                                else nothing (exit 1)
#   vm/debug-kernel.sh root      print its root if it is built
#   vm/debug-kernel.sh cmdline   boot arguments it needs (run-vm.sh)
#
# The root looks like a tiny Debian install, so the rest of vm/ treats it
# like the packaged kernels once KROOT=<root> is set:
#	<root>/boot/vmlinuz-<release>
#	<root>/lib/modules/<release>/{kernel/...,modules.dep,build -> obj}
#
# Cache: <cache>/<key>/, key = hash of the source package version and the
# config fragment, so a new linux-source-6.1 or a config change builds
# again and anything else reuses the old build. <cache> is
# $DEBUG_KERNEL_CACHE, by default ~/.cache/netmap/debug-kernel: one build
# per machine, shared by every checkout (a build takes 35 CPU-minutes),
# with a lock so that two checkouts never build at once. JOBS= overrides
# the parallelism (default: number of CPUs), NICE= the niceness (default 0:
# at 19 on a loaded machine it never finished). Log: <key>/build.log.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${DEBUG_KERNEL_CACHE:-}" ]; then
	top=$DEBUG_KERNEL_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
	top=$XDG_CACHE_HOME/netmap/debug-kernel
elif [ -n "${HOME:-}" ]; then
	top=$HOME/.cache/netmap/debug-kernel
else
	top=$here/../build/debug-kernel
fi
tarball=/usr/src/linux-source-6.1.tar.xz
frag=$here/debug-kernel.config
# Bump when a change to the build steps below must invalidate the cache.
recipe=1

die() { echo "debug-kernel: $*" >&2; exit 1; }

srcver() { dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null; }

key() {
	{ echo "recipe $recipe"; echo "source $(srcver)"; cat "$frag"; } |
		sha256sum | cut -c1-16
}

dir=$top/$(key)
root=$dir/root

built() { [ -s "$dir/release" ] && [ -e "$root/boot/vmlinuz-$(cat "$dir/release")" ]; }

# Every option of the fragment must have survived olddefconfig.
check_config() {
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		name=${want#\# }
		name=${name%%[= ]*}
		got=$(grep -E "^($name=|# $name is not set)" "$1" || true)
		case $want in
		"# "*) [ -z "$got" ] || [ "$got" = "$want" ] ;;
		*) [ "$got" = "$want" ] ;;
		esac || { echo "debug-kernel: wanted '$want', got '${got:-unset}'" >&2; bad=1; }
	done < "$frag"
	return $bad
}

build() {
	[ -r "$tarball" ] || die "$tarball missing (apt-get install linux-source-6.1)"
	ver=$(srcver)
	src=$top/src-$ver
	if [ ! -e "$src/Makefile" ]; then
		echo "debug-kernel: extracting linux-source-6.1 $ver"
		rm -rf "$src" "$top/linux-source-6.1" &&
		mkdir -p "$top" &&
		tar -C "$top" -xf "$tarball" &&
		mv "$top/linux-source-6.1" "$src" ||
			die "could not extract $tarball"
	fi
	# An interrupted build of the same key resumes: kbuild only redoes
	# what is missing or out of date.
	rm -rf "$root" "$dir/release"
	mkdir -p "$dir/obj"
	jobs=${JOBS:-$(nproc)}
	nice=${NICE:-0}
	echo "debug-kernel: building in $dir (nice -n $nice, -j$jobs; log: build.log)"
	start=$(date +%s)
	# Chained with &&: build() runs on the right of ||, where set -e
	# is not in force.
	m() { nice -n "$nice" make -C "$src" O="$dir/obj" "$@"; }
	{
		m tinyconfig &&
		"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/obj" \
			"$dir/obj/.config" "$frag" &&
		m olddefconfig &&
		check_config "$dir/obj/.config" &&
		m -j"$jobs" bzImage modules &&
		m INSTALL_MOD_PATH="$root" modules_install
	} > "$dir/build.log" 2>&1 || {
		tail -n 40 "$dir/build.log" >&2
		die "build failed (see $dir/build.log)"
	}
	rel=$(make -s -C "$src" O="$dir/obj" kernelrelease) &&
	[ -n "$rel" ] && [ -d "$root/lib/modules/$rel" ] &&
	mkdir -p "$root/boot" &&
	cp "$dir/obj/arch/x86/boot/bzImage" "$root/boot/vmlinuz-$rel" &&
	rm -f "$root/lib/modules/$rel/build" "$root/lib/modules/$rel/source" &&
	ln -s "$dir/obj" "$root/lib/modules/$rel/build" &&
	echo "$rel" > "$dir/release" ||
		die "could not install the build into $root"
	echo "debug-kernel: $rel built in $(($(date +%s) - start)) s"
}

case ${1:-} in
build)
	if ! built; then
		mkdir -p "$top"
		# One builder at a time; whoever waited finds it built.
		exec 9> "$top/lock"
		flock 9
		built || build >&2
		flock -u 9
	fi
	echo "$root"
	;;
release)
	built || exit 1
	cat "$dir/release"
	;;
root)
	built || exit 1
	echo "$root"
	;;
cmdline)
	# QEMU's PCI interrupt routing (_PRT) is an AML loop that ACPICA
	# runs so slowly under KASAN and lockdep in TCG that it hits its
	# 30 s loop timeout and e1000e gets no IRQ: take the routing from
	# the BIOS's MP table instead.
	echo "acpi=noirq"
	;;
*)
	echo "usage: $0 build|release|root|cmdline" >&2
	exit 2
	;;
esac
