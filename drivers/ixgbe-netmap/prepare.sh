#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Put together the sources of a netmap-enabled ixgbe.ko for one kernel
# series: the in-tree driver from Debian's linux-source-SERIES package,
# our hook patch for that series, ixgbe_netmap*.[ch] and a Kbuild.
#
#   drivers/ixgbe-netmap/prepare.sh SERIES DEST
#
# SERIES is 6.1 or 6.12 (patches/SERIES.patch); DEST is created afresh.
# LINUX_SOURCE=path/to/linux-source-X.Y.tar.xz overrides the tarball;
# IXGBE_SRC_CACHE=dir where the pristine driver is kept between runs.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
[ $# = 2 ] || { echo "usage: $0 SERIES DEST" >&2; exit 2; }
series=$1 dest=$2
patch=$here/patches/$series.patch
[ -f "$patch" ] || {
	echo "ixgbe-netmap: no hook patch for kernel series '$series' (have:" \
	     "$(cd "$here/patches" && ls | sed 's/\.patch$//' | tr '\n' ' '))" >&2
	exit 1
}
tarball=${LINUX_SOURCE:-/usr/src/linux-source-$series.tar.xz}
[ -f "$tarball" ] || {
	echo "ixgbe-netmap: $tarball not found: install the Debian package" \
	     "linux-source-$series (apt-get install linux-source-$series)" >&2
	exit 1
}

# The pristine driver is cached: decompressing the tarball takes minutes.
cache=${IXGBE_SRC_CACHE:-$here/build/src}/$series
if [ ! -f "$cache/ixgbe/ixgbe_main.c" ] || [ "$tarball" -nt "$cache/ixgbe" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	top=$(tar -tJf "$tarball" | head -n 1 | cut -d/ -f1)
	tar -xJf "$tarball" -C "$cache" --strip-components=5 \
		"$top/drivers/net/ethernet/intel/ixgbe" || true
	[ -f "$cache/ixgbe/ixgbe_main.c" ] || {
		echo "ixgbe-netmap: $tarball has no drivers/net/ethernet/intel/ixgbe" >&2
		rm -rf "$cache"
		exit 1
	}
fi

rm -rf "$dest"
mkdir -p "$dest"
cp -r "$cache/ixgbe" "$dest/"
patch -s -p1 -d "$dest" < "$patch"
cp "$here/ixgbe_netmap.c" "$here/ixgbe_netmap.h" "$here/ixgbe_netmap_ring.h" \
	"$dest/ixgbe/"
cp "$here/Kbuild.in" "$dest/ixgbe/Kbuild"
