#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Assemble the guest's cpio initramfs for one Debian kernel.
#
#   vm/mkinitramfs.sh -k KVER -o OUT.cpio -M netmap.ko -t TESTDIR \
#                     [-c vm.conf] [-r run.sh] [-f FILE]... [-d MODULE]...
#
#   -M  our module, installed as /lib/modules/KVER/extra/netmap.ko
#   -K  another out-of-tree module (a netmap-enabled driver), installed
#       in /lib/modules/KVER/extra/ (repeatable)
#   -t  selftests build dir, copied to /selftests
#   -c  guest configuration (/etc/vm.conf, read by /init)
#   -r  command script for `make vm-run` (/etc/vm-run.sh)
#   -f  extra file or directory, copied to /root with its (programs')
#       libraries (repeatable)
#   -d  extra in-tree module to make loadable (repeatable); veth,
#       pvpanic_mmio and nf_tables (/init's key holder) are always
#       included, the last two only if the kernel has them
#   -s  staged userspace install (`make -C userspace install
#       DESTDIR=...`), copied over the root with the libraries its
#       programs need
#   -b  file naming host commands the tests run in the guest, one per
#       line (# comments); each found on the host is copied to the same
#       path with its libraries, a missing one is only reported
#
# The image is two cpio archives back to back (the kernel unpacks both):
#
# 1. The userspace base, the same for every kernel and run, cached in
#    build/initramfs-base.cpio and rebuilt when a binary in it or this
#    script changes: static busybox with applet links, but the real dash
#    (/bin/sh), iproute2 ip and coreutils timeout with their shared
#    libraries. Debian's busybox runs its own applets in preference to
#    $PATH and its `ip` cannot do netns/veth properly, so no applet link is
#    made for a name a real binary provides.
# 2. This run: /init, the in-tree modules with their dependencies from the
#    kernel's modules.dep (6.12's .ko.xz decompressed so busybox can load
#    them; depmod run so `modprobe NAME` works), netmap.ko, the tests, the
#    configuration and extra files.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kver='' out='' ko='' kos='' tests='' conf='' runsh='' files='' stage='' bins=''
mods='veth pvpanic_mmio nf_tables'
while getopts k:o:M:K:t:c:r:f:d:s:b: opt; do
	case $opt in
	k) kver=$OPTARG ;;
	o) out=$OPTARG ;;
	M) ko=$OPTARG ;;
	K) kos="$kos $OPTARG" ;;
	t) tests=$OPTARG ;;
	c) conf=$OPTARG ;;
	r) runsh=$OPTARG ;;
	f) files="$files $OPTARG" ;;
	d) mods="$mods $OPTARG" ;;
	s) stage=$OPTARG ;;
	b) bins=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ -n "$kver" ] && [ -n "$out" ] || { echo "usage: see $0" >&2; exit 2; }

# Everything below runs inside a staging dir: make paths absolute first.
abs() {
	for p in "$@"; do
		case $p in
		/*) echo "$p" ;;
		*) echo "$PWD/$p" ;;
		esac
	done
}
out=$(abs "$out")
[ -n "$ko" ] && ko=$(abs "$ko")
# shellcheck disable=SC2086
[ -n "$kos" ] && kos=$(abs $kos)
[ -n "$tests" ] && tests=$(abs "$tests")
[ -n "$conf" ] && conf=$(abs "$conf")
[ -n "$runsh" ] && runsh=$(abs "$runsh")
[ -n "$stage" ] && stage=$(abs "$stage")
[ -n "$bins" ] && bins=$(abs "$bins")
# shellcheck disable=SC2086
[ -n "$files" ] && files=$(abs $files)
base=${INITRAMFS_BASE:-$here/../build/initramfs-base.cpio}
base=$(abs "$base")

# copy_libs BIN: the shared libraries BIN needs, at the same absolute
# paths (ldd prints them resolved); nothing for a static BIN.
copy_libs() {
	ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }' |
	while read -r lib; do
		[ -e ".$lib" ] && continue
		mkdir -p ".$(dirname "$lib")"
		cp -L "$lib" ".$lib"
	done
}

# copy_bin SRC DEST: a host binary and its libraries.
copy_bin() {
	cp -L "$1" ".$2"
	copy_libs "$1"
}

pack() {
	find . | sort | cpio -o -H newc -R 0:0 --quiet
}

busybox=$(command -v busybox)
dash=$(command -v dash)
ip=$(command -v ip)
timeout=$(command -v timeout)

make_base() {
	mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp run root \
		 var/run
	cp "$busybox" bin/busybox
	copy_bin "$dash" /bin/sh
	copy_bin "$ip" /sbin/ip
	copy_bin "$timeout" /usr/bin/timeout
	for a in $(bin/busybox --list); do
		case $a in
		init|linuxrc|sh) continue ;;	# /init is ours, /bin/sh dash
		esac
		[ -e "bin/$a" ] || [ -e "sbin/$a" ] || [ -e "usr/bin/$a" ] ||
			ln -s busybox "bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
	echo 'root:x:0:' > etc/group
	# make shell runs busybox ash for its line editing; have it run the
	# real binaries rather than its applets of the same name.
	cat > etc/profile <<-'EOF'
	alias sh=/bin/sh ip=/sbin/ip timeout=/usr/bin/timeout
	PS1='netmap-vm:$PWD# '
	EOF
}

stale=0
[ -s "$base" ] || stale=1
for f in "$0" "$busybox" "$dash" "$ip" "$timeout"; do
	[ "$f" -nt "$base" ] && stale=1
done
if [ $stale = 1 ]; then
	rm -rf "$base.d"
	mkdir -p "$base.d"
	(cd "$base.d" && make_base && pack) > "$base.tmp"
	mv "$base.tmp" "$base"
	rm -rf "$base.d"
fi

root=$out.d
rm -rf "$root"
mkdir -p "$root"
cd "$root"
mkdir -p etc root selftests "lib/modules/$kver"

# In-tree modules and what they depend on, per the kernel's modules.dep.
# KROOT: root of a kernel not installed by a package (vm/debug-kernel.sh).
kroot=${KROOT:-}
kmod_src=$kroot/lib/modules/$kver
for m in $mods; do
	deps=$(modprobe -d "${kroot:-/}" -S "$kver" --show-depends "$m" 2>/dev/null) || {
		case $m in
		pvpanic_mmio) continue ;;	# nice to have: panics end QEMU early
		nf_tables) continue ;;		# not in the debug kernel
		esac
		echo "mkinitramfs: module $m not found for $kver" >&2
		exit 1
	}
	echo "$deps" | awk '$1 == "insmod" { print $2 }' | while read -r f; do
		# (with -d /, modprobe prints //lib/modules/...)
		rel=${f#*"/lib/modules/$kver/"}
		rel=${rel%.xz}
		[ -e "lib/modules/$kver/$rel" ] && continue
		mkdir -p "lib/modules/$kver/$(dirname "$rel")"
		case $f in
		*.xz) xz -dc "$f" > "lib/modules/$kver/$rel" ;;
		*) cp "$f" "lib/modules/$kver/$rel" ;;
		esac
	done
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -e "$kmod_src/$f" ] && cp "$kmod_src/$f" "lib/modules/$kver/"
done
if [ -n "$ko" ]; then
	mkdir -p "lib/modules/$kver/extra"
	cp "$ko" "lib/modules/$kver/extra/netmap.ko"
fi
for m in $kos; do
	mkdir -p "lib/modules/$kver/extra"
	cp "$m" "lib/modules/$kver/extra/"
done
depmod -b . "$kver"

# Test programs (static, built once for every kernel); a dynamic one
# brings its libraries.
if [ -n "$tests" ]; then
	cp -a "$tests/." selftests/
	for f in selftests/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		copy_libs "$f"
	done
fi

cp "$here/init" init
cp "$here/demo.sh" demo.sh
chmod 755 init demo.sh
[ -n "$conf" ] && cp "$conf" etc/vm.conf
[ -n "$runsh" ] && cp "$runsh" etc/vm-run.sh
for f in $files; do
	cp -a "$f" root/
	[ -f "$f" ] && [ -x "$f" ] && copy_libs "$f"
	# A directory (make bench's programs) brings its programs' libraries.
	if [ -d "$f" ]; then
		find "$f" -type f -perm -u+x | while read -r x; do
			copy_libs "$x"
		done
	fi
done

# The staged userspace install: programs and shared libraries bring
# what they link against; ldconfig makes the staged libraries findable.
if [ -n "$stage" ] && [ -d "$stage" ]; then
	cp -a "$stage/." .
	find "$stage" -type f \( -perm -u+x -o -name '*.so*' \) | while read -r f; do
		copy_libs "$f"
	done
fi
# Host commands the tests need (tcpdump, tcpreplay, ...).
if [ -n "$bins" ]; then
	sed 's/#.*//' "$bins" | while read -r name; do
		[ -n "$name" ] || continue
		path=$(command -v "$name") || {
			echo "mkinitramfs: $name not on this host, not in the guest" >&2
			continue
		}
		mkdir -p ".$(dirname "$path")"
		copy_bin "$path" "$path"
	done
fi
mkdir -p etc
ldconfig -r . 2>/dev/null || true

{ cat "$base"; pack; } > "$out"
