#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Put together the sources of a netmap-enabled e1000e.ko for one kernel
# series: the in-tree driver from Debian's linux-source-SERIES package,
# our hook patch for that series, e1000e_netmap.[ch] and a Kbuild.
#
#   drivers/e1000e-netmap/prepare.sh SERIES DEST
#
# SERIES is 6.1 or 6.12 (patches/SERIES.patch); DEST is created afresh.
# LINUX_SOURCE=path/to/linux-source-X.Y.tar.xz overrides the tarball.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
[ $# = 2 ] || { echo "usage: $0 SERIES DEST" >&2; exit 2; }
series=$1 dest=$2
patch=$here/patches/$series.patch
[ -f "$patch" ] || {
	echo "e1000e-netmap: no hook patch for kernel series $series (have:" \
	     "$(cd "$here/patches" && ls | sed 's/\.patch$//' | tr '\n' ' '))" >&2
	exit 1
}
tarball=${LINUX_SOURCE:-/usr/src/linux-source-$series.tar.xz}
[ -f "$tarball" ] || {
	echo "e1000e-netmap: $tarball not found: install the Debian package" \
	     "linux-source-$series (apt-get install linux-source-$series)" >&2
	exit 1
}

# The pristine driver is cached: decompressing the tarball takes minutes.
cache=${E1000E_SRC_CACHE:-$here/build/src}/$series
if [ ! -f "$cache/e1000e/netdev.c" ] || [ "$tarball" -nt "$cache/e1000e" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	top=$(tar -tJf "$tarball" | head -n 1 | cut -d/ -f1)
	tar -xJf "$tarball" -C "$cache" --strip-components=5 \
		"$top/drivers/net/ethernet/intel/e1000e"
	[ -f "$cache/e1000e/netdev.c" ] || {
		echo "e1000e-netmap: $tarball has no drivers/net/ethernet/intel/e1000e" >&2
		rm -rf "$cache"
		exit 1
	}
fi

rm -rf "$dest"
mkdir -p "$dest"
cp -r "$cache/e1000e" "$dest/"
patch -s -p1 -d "$dest" < "$patch"
cp "$here/e1000e_netmap.c" "$here/e1000e_netmap.h" "$dest/e1000e/"
cp "$here/Kbuild.in" "$dest/e1000e/Kbuild"
