#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Put together the sources of a netmap-enabled driver module for one kernel
# series: the in-tree driver from Debian's linux-source-SERIES package, our
# hook patch for that series, our files and a Kbuild.
#
#   drivers/lib/prepare.sh DRIVER SERIES DEST
#
# DRIVER names a directory drivers/DRIVER-netmap holding
# patches/SERIES.patch and DRIVER_netmap*.[ch]; the in-tree sources are
# drivers/net/ethernet/intel/DRIVER. DEST/DRIVER is created afresh, with a
# Kbuild from Kbuild.in here.
# LINUX_SOURCE=path/to/linux-source-X.Y.tar.xz overrides the tarball;
# DRIVER_SRC_CACHE=dir is where the pristine drivers are kept between runs
# (default: drivers/build/src), as dir/SERIES/DRIVER.
set -eu

lib=$(cd "$(dirname "$0")" && pwd)
[ $# = 3 ] || { echo "usage: $0 DRIVER SERIES DEST" >&2; exit 2; }
driver=$1 series=$2 dest=$3
here=$lib/../$driver-netmap
[ -d "$here/patches" ] || { echo "$0: no driver '$driver' ($here)" >&2; exit 2; }
patch=$here/patches/$series.patch
[ -f "$patch" ] || {
	echo "$driver-netmap: no hook patch for kernel series '$series' (have:" \
	     "$(cd "$here/patches" && ls | sed 's/\.patch$//' | tr '\n' ' '))" >&2
	exit 1
}
tarball=${LINUX_SOURCE:-/usr/src/linux-source-$series.tar.xz}
[ -f "$tarball" ] || {
	echo "$driver-netmap: $tarball not found: install the Debian package" \
	     "linux-source-$series (apt-get install linux-source-$series)" >&2
	exit 1
}

# The pristine drivers are cached: decompressing the tarball takes
# minutes, so one pass takes every driver we patch (drivers/*-netmap).
cache=${DRIVER_SRC_CACHE:-$lib/../build/src}/$series
if [ ! -f "$cache/$driver/Makefile" ] || [ "$tarball" -nt "$cache/$driver" ]; then
	top=$(tar -tJf "$tarball" | head -n 1 | cut -d/ -f1)
	members=
	for d in "$lib"/../*-netmap; do
		d=$(basename "$d")
		d=${d%-netmap}
		rm -rf "${cache:?}/$d"
		members="$members $top/drivers/net/ethernet/intel/$d"
	done
	mkdir -p "$cache"
	# shellcheck disable=SC2086
	tar -xJf "$tarball" -C "$cache" --strip-components=5 $members || true
	[ -f "$cache/$driver/Makefile" ] || {
		echo "$driver-netmap: $tarball has no drivers/net/ethernet/intel/$driver" >&2
		rm -rf "${cache:?}/$driver"
		exit 1
	}
fi

rm -rf "${dest:?}/$driver"
mkdir -p "$dest"
cp -r "$cache/$driver" "$dest/"
patch -s -p1 -d "$dest" < "$patch"
cp "$here/${driver}_netmap"*.[ch] "$dest/$driver/"
sed "s/@DRIVER@/$driver/g" "$lib/Kbuild.in" > "$dest/$driver/Kbuild"
