#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Extract kselftest.h and kselftest_harness.h from Debian's linux-source-6.12
# tarball into $1 (default build/kselftest). Only Debian's kernel source
# package carries them; we do not vendor them. The 6.12 harness is used
# because 6.1's does not stop a test body after SKIP() in FIXTURE_SETUP.
#
# Idempotent: nothing happens when both headers are present. Reading the
# 150 MB xz stream takes ~13 s, so it is done once per build tree.
set -eu

out=${1:-build/kselftest}
tarball=${KSELFTEST_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
hdrs="kselftest.h kselftest_harness.h"

have=1
for h in $hdrs; do
	[ -s "$out/$h" ] || have=0
done
[ $have = 1 ] && exit 0

if [ ! -r "$tarball" ]; then
	echo "kselftest-headers: $tarball not found (apt-get install linux-source-6.12)" >&2
	exit 1
fi

top=$(basename "$tarball" .tar.xz)		# linux-source-6.12
members=
for h in $hdrs; do
	members="$members $top/tools/testing/selftests/$h"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
tar -xJf "$tarball" -C "$tmp" $members
mkdir -p "$out"
for h in $hdrs; do
	mv "$tmp/$top/tools/testing/selftests/$h" "$out/$h"
done
echo "kselftest-headers: extracted$members -> $out"
