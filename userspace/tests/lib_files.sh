#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The built libnetmap, as a package would ship it (argument: the
# directory userspace/lib built into):
# - libnetmap.so.VERSION has soname libnetmap.so.MAJOR (VERSION file),
#   exports exactly the functions <libnetmap.h> declares, all at the
#   version node of libnetmap.map, and needs nothing undefined beyond libc;
# - libnetmap.a defines the same functions;
# - libnetmap.pc carries the version and the -lnetmap link line.
# TAP.

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:?usage: lib_files.sh LIBDIR}
version=$(cat "$top/VERSION")
major=${version%%.*}
so=$out/libnetmap.so.$version
n=0 fail=0

check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

echo "TAP version 13"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# function names declared in the header: "type name(" at line start,
# possibly with a pointer star
sed -n 's/^[a-z].*[ *]\(nm[a-z_]*\)(.*/\1/p' "$top/userspace/lib/libnetmap.h" |
	sort -u > "$tmp/declared"
nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' |
	sed 's/@.*//' | sort -u > "$tmp/exported"
diff "$tmp/declared" "$tmp/exported" > "$tmp/diff"
check $? "libnetmap.so exports exactly the $(wc -l < "$tmp/declared") functions of libnetmap.h"
sed 's/^/# /' "$tmp/diff"

nm -D --defined-only "$so" | awk '$2 == "T" && $3 !~ /@@LIBNETMAP_0$/' \
	> "$tmp/unversioned"
[ ! -s "$tmp/unversioned" ]
check $? "every export carries the version node LIBNETMAP_0"

readelf -d "$so" | grep -q "(SONAME).*\[libnetmap.so.$major\]"
check $? "soname libnetmap.so.$major"
[ "$(readlink "$out/libnetmap.so.$major")" = "libnetmap.so.$version" ] &&
	[ "$(readlink "$out/libnetmap.so")" = "libnetmap.so.$major" ]
check $? "links libnetmap.so -> .so.$major -> .so.$version"

nm --defined-only "$out/libnetmap.a" 2>/dev/null |
	awk '$2 == "T" { print $3 }' | sort -u > "$tmp/archive"
diff "$tmp/declared" "$tmp/archive" > /dev/null
check $? "libnetmap.a defines the same functions"

grep -qx "Version: $version" "$out/libnetmap.pc" &&
	grep -q '^Libs: -L${libdir} -lnetmap$' "$out/libnetmap.pc"
check $? "libnetmap.pc: version $version, -lnetmap"

echo "1..$n"
[ "$fail" = 0 ]
