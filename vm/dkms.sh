#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging of netmap.ko.
#
#   vm/dkms.sh stage DIR        copy what DKMS needs into DIR/netmap-VERSION
#   vm/dkms.sh install [KVER]   add + build + install for KVER (default:
#                               the running kernel); AUTOINSTALL rebuilds it
#                               for kernels installed later
#   vm/dkms.sh remove           remove every build and the sources
#   vm/dkms.sh check KVER...    `dkms build` for each KVER in a private DKMS
#                               tree under build/dkms (prints TAP lines), then
#                               `dkms remove`: the system's DKMS state is
#                               never touched
#
# The DKMS source tree is VERSION, dkms.conf, kernel/ and include/ (the
# module includes ../include/uapi/linux/netmap.h), without build products.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/vm/lib.sh"
ver=$(cat "$top/VERSION")

stage() {
	copy_sources "$top" "$1/netmap-$ver" dkms.conf
}

case ${1:-} in
stage)
	stage "$2"
	;;
install)
	kver=${2:-$(uname -r)}
	if dkms status -m netmap -v "$ver" | grep -q .; then
		dkms remove -m netmap -v "$ver" --all
	fi
	stage /usr/src
	dkms add -m netmap -v "$ver"
	dkms install -m netmap -v "$ver" -k "$kver"
	;;
remove)
	if dkms status -m netmap -v "$ver" | grep -q .; then
		dkms remove -m netmap -v "$ver" --all
	fi
	rm -rf "/usr/src/netmap-$ver"
	;;
check)
	shift
	n=${TAP_NUM:-0}
	priv=$top/build/dkms
	# dkms creates its signing key on first use; a check leaves none behind.
	key_existed=0
	[ -e /var/lib/dkms/mok.key ] && key_existed=1
	rm -rf "$priv"
	mkdir -p "$priv/src" "$priv/tree"
	stage "$priv/src"
	opts="-m netmap -v $ver --sourcetree $priv/src --dkmstree $priv/tree"
	fail=0
	# shellcheck disable=SC2086
	dkms add $opts > "$priv/add.log" 2>&1 || { cat "$priv/add.log"; fail=1; }
	for k in "$@"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		dkms build $opts -k "$k" > "$priv/build-$k.log" 2>&1 || true
		# .ko, or .ko.xz where the kernel compresses its modules
		set -- "$priv/tree/netmap/$ver/$k/x86_64/module/"netmap.ko*
		if [ "$(modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1)" = "$k" ]; then
			echo "ok $n - dkms build netmap/$ver for $k"
		else
			sed 's/^/# /' "$priv/build-$k.log"
			sed 's/^/# /' "$priv/tree/netmap/$ver/build/make.log" 2>/dev/null || true
			echo "not ok $n - dkms build netmap/$ver for $k"
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
