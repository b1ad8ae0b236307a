#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging of the netmap-enabled ixgbe.ko (package netmap-ixgbe).
#
#   drivers/ixgbe-netmap/dkms.sh stage DIR       the package's sources in
#                                                DIR/netmap-ixgbe-VERSION
#   drivers/ixgbe-netmap/dkms.sh install [KVER]  add + build + install for
#                                                KVER (default: running)
#   drivers/ixgbe-netmap/dkms.sh remove          remove builds and sources
#   drivers/ixgbe-netmap/dkms.sh check KVER...   `dkms build` for each KVER
#                                                in a private DKMS tree (TAP
#                                                lines, numbered from
#                                                TAP_NUM), then `dkms remove`:
#                                                the system's DKMS state is
#                                                never touched
#
# See dkms.conf for the layout. The build needs linux-source-X.Y for each
# kernel series (the in-tree ixgbe is patched, see prepare.sh).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ver=$(cat "$top/VERSION")
pkg=netmap-ixgbe

stage() {
	dst=$1/$pkg-$ver
	rm -rf "$dst"
	mkdir -p "$dst/drivers/ixgbe-netmap"
	(cd "$top" && tar -cf - --exclude='*.o' --exclude='*.ko' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
		--exclude='.*.d' --exclude=modules.order \
		--exclude=Module.symvers VERSION kernel include) |
		tar -C "$dst" -xf -
	(cd "$here" && tar -cf - Makefile patches \
		ixgbe_netmap.c ixgbe_netmap.h ixgbe_netmap_ring.h) |
		tar -C "$dst/drivers/ixgbe-netmap" -xf -
	mkdir -p "$dst/drivers/lib"
	cp "$top/drivers/lib/prepare.sh" "$top/drivers/lib/Kbuild.in" \
		"$dst/drivers/lib/"
	cp "$here/dkms.conf" "$dst/dkms.conf"
}

case ${1:-} in
stage)
	stage "$2"
	;;
install)
	kver=${2:-$(uname -r)}
	if dkms status -m $pkg -v "$ver" | grep -q .; then
		dkms remove -m $pkg -v "$ver" --all
	fi
	stage /usr/src
	dkms add -m $pkg -v "$ver"
	dkms install -m $pkg -v "$ver" -k "$kver"
	;;
remove)
	if dkms status -m $pkg -v "$ver" | grep -q .; then
		dkms remove -m $pkg -v "$ver" --all
	fi
	rm -rf "/usr/src/$pkg-$ver"
	;;
check)
	shift
	n=${TAP_NUM:-0}
	priv=$here/build/dkms
	# dkms creates its signing key on first use; a check leaves none behind.
	key_existed=0
	[ -e /var/lib/dkms/mok.key ] && key_existed=1
	rm -rf "$priv"
	mkdir -p "$priv/src" "$priv/tree"
	stage "$priv/src"
	opts="-m $pkg -v $ver --sourcetree $priv/src --dkmstree $priv/tree"
	fail=0
	# shellcheck disable=SC2086
	dkms add $opts > "$priv/add.log" 2>&1 || { cat "$priv/add.log"; fail=1; }
	for k in "$@"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		dkms build $opts -k "$k" > "$priv/build-$k.log" 2>&1 || true
		# .ko, or .ko.xz where the kernel compresses its modules
		set -- "$priv/tree/$pkg/$ver/$k/x86_64/module/"ixgbe.ko*
		if [ "$(modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1)" = "$k" ] &&
		   modinfo -F depends "$1" | tr ',' '\n' | grep -qx netmap; then
			echo "ok $n - dkms build $pkg/$ver for $k (ixgbe.ko depends on netmap)"
		else
			sed 's/^/# /' "$priv/build-$k.log"
			tail -n 40 "$priv/tree/$pkg/$ver/build/make.log" 2>/dev/null |
				sed 's/^/# /' || true
			echo "not ok $n - dkms build $pkg/$ver for $k"
			fail=1
		fi
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
	echo "usage: $0 stage DIR | install [KVER] | remove | check KVER..." >&2
	exit 2
	;;
esac
