#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging of netmap.ko (package netmap) and of the netmap-enabled
# drivers (package netmap-ixgbe: drivers/ixgbe-netmap).
#
#   vm/dkms.sh [-p PKG] stage DIR       copy what DKMS needs into
#                                       DIR/PKG-VERSION
#   vm/dkms.sh [-p PKG] install [KVER]  add + build + install for KVER
#                                       (default: the running kernel);
#                                       AUTOINSTALL rebuilds it for kernels
#                                       installed later
#   vm/dkms.sh [-p PKG] remove          remove every build and the sources
#   vm/dkms.sh [-p PKG] check KVER...   `dkms build` for each KVER in a
#                                       private DKMS tree under build/
#                                       (prints TAP lines, numbered from
#                                       TAP_NUM), then `dkms remove`: the
#                                       system's DKMS state is never touched
#
# PKG is netmap (the default) or netmap-ixgbe.
#
# netmap's DKMS source tree is VERSION, dkms.conf, kernel/ and include/
# (the module includes ../include/uapi/linux/netmap.h), without build
# products. netmap-ixgbe's is the same plus drivers/lib/ and
# drivers/ixgbe-netmap/, with its own dkms.conf (see there).
#
# The check of netmap-ixgbe is the driver's one build in make check: W=1
# (KBUILD_EXTRA_WARN, which dkms passes on to kbuild), no warning from our
# files or modpost, and the module must depend on netmap. With KO_DIR=dir,
# each module built is also copied, uncompressed, to dir/KVER/MODULE.ko.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/vm/lib.sh"
ver=$(cat "$top/VERSION")

pkg=netmap
if [ "${1:-}" = -p ]; then
	pkg=${2:-}
	shift 2
fi
case $pkg in
netmap)
	module=netmap
	# W=1 and the warning check are make check's own build (build_module).
	ours=
	;;
netmap-ixgbe)
	module=ixgbe
	ours='ixgbe_netmap[a-z_]*\.[ch].*warning:|WARNING: modpost'
	;;
*)
	echo "$0: unknown package '$pkg' (netmap or netmap-ixgbe)" >&2
	exit 2
	;;
esac

stage() {
	case $pkg in
	netmap)
		copy_sources "$top" "$1/$pkg-$ver" dkms.conf
		;;
	netmap-ixgbe)
		copy_sources "$top" "$1/$pkg-$ver" \
			drivers/lib/prepare.sh drivers/lib/Kbuild.in \
			drivers/ixgbe-netmap/Makefile \
			drivers/ixgbe-netmap/patches \
			drivers/ixgbe-netmap/ixgbe_netmap.c \
			drivers/ixgbe-netmap/ixgbe_netmap.h \
			drivers/ixgbe-netmap/ixgbe_netmap_ring.h
		cp "$top/drivers/ixgbe-netmap/dkms.conf" "$1/$pkg-$ver/dkms.conf"
		;;
	esac
}

# check_module FILE KVER: the module built for KVER, as the package wants it
check_module() {
	[ "$(modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1)" = "$2" ] ||
		return 1
	[ "$module" = netmap ] ||
		modinfo -F depends "$1" | tr ',' '\n' | grep -qx netmap
}

case ${1:-} in
stage)
	stage "$2"
	;;
install)
	kver=${2:-$(uname -r)}
	if dkms status -m "$pkg" -v "$ver" | grep -q .; then
		dkms remove -m "$pkg" -v "$ver" --all
	fi
	stage /usr/src
	dkms add -m "$pkg" -v "$ver"
	dkms install -m "$pkg" -v "$ver" -k "$kver"
	;;
remove)
	if dkms status -m "$pkg" -v "$ver" | grep -q .; then
		dkms remove -m "$pkg" -v "$ver" --all
	fi
	rm -rf "/usr/src/$pkg-$ver"
	;;
check)
	shift
	n=${TAP_NUM:-0}
	priv=$top/build/dkms-$pkg
	# dkms creates its signing key on first use; a check leaves none behind.
	key_existed=0
	[ -e /var/lib/dkms/mok.key ] && key_existed=1
	rm -rf "$priv"
	mkdir -p "$priv/src" "$priv/tree"
	stage "$priv/src"
	opts="-m $pkg -v $ver --sourcetree $priv/src --dkmstree $priv/tree"
	what=
	if [ -n "$ours" ]; then
		export KBUILD_EXTRA_WARN=1
		what=" (W=1, depends on netmap)"
	fi
	fail=0
	# shellcheck disable=SC2086
	dkms add $opts > "$priv/add.log" 2>&1 || { cat "$priv/add.log"; fail=1; }
	for k in "$@"; do
		n=$((n + 1))
		t0=$(now)
		# shellcheck disable=SC2086
		dkms build $opts -k "$k" > "$priv/build-$k.log" 2>&1 || true
		log=$priv/tree/$pkg/$ver/$k/x86_64/log/make.log
		[ -f "$log" ] || log=$priv/tree/$pkg/$ver/build/make.log
		# .ko, or .ko.xz where the kernel compresses its modules
		ko=$(ls "$priv/tree/$pkg/$ver/$k/x86_64/module/$module".ko* \
			2>/dev/null | head -n 1)
		warn=
		[ -n "$ours" ] && [ -f "$log" ] && warn=$(grep -E "$ours" "$log") || true
		if [ -n "$ko" ] && check_module "$ko" "$k" && [ -z "$warn" ]; then
			echo "ok $n - dkms build $pkg/$ver for $k$what"
			if [ -n "${KO_DIR:-}" ]; then
				mkdir -p "$KO_DIR/$k"
				case $ko in
				*.xz) xz -dc "$ko" > "$KO_DIR/$k/$module.ko" ;;
				*) cp "$ko" "$KO_DIR/$k/$module.ko" ;;
				esac
			fi
		else
			sed 's/^/# /' "$priv/build-$k.log"
			if [ -n "$warn" ]; then
				echo "$warn" | sed 's/^/# /'
			else
				tail -n 40 "$log" 2>/dev/null | sed 's/^/# /' || true
			fi
			echo "not ok $n - dkms build $pkg/$ver for $k$what"
			fail=1
		fi
		echo "# time dkms build $pkg $k: $(elapsed "$t0") s"
	done
	# shellcheck disable=SC2086
	dkms remove $opts --all > "$priv/remove.log" 2>&1 || {
		sed 's/^/# /' "$priv/remove.log"
		fail=1
	}
	if [ $key_existed = 0 ]; then
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
	rm -rf "$priv"
	exit $fail
	;;
*)
	echo "usage: $0 [-p netmap|netmap-ixgbe] stage DIR | install [KVER] | remove | check KVER..." >&2
	exit 2
	;;
esac
