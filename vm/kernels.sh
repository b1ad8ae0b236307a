#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel versions the guest tests run on, one per line: for each
# supported series (6.1 = bookworm, 6.12 = bookworm-security) the newest
# version that has both a bootable image in /boot and headers in
# /lib/modules/<ver>/build. Versions are discovered, not hard-coded, so a
# Debian point release (6.1.0-57, ...) needs no change here.
#
# KERNELS="v1 v2" overrides the list (a series prefix like 6.12 also works).
# "debug" names our KASAN/lockdep build of 6.1 (vm/debug-kernel.sh), once
# it is built. A series with nothing installed prints "missing:<series>"
# so the caller can report it rather than silently test less.
set -eu

series=${KERNELS:-6.1 6.12}
for s in $series; do
	if [ "$s" = debug ]; then
		"$(dirname "$0")/debug-kernel.sh" release || echo "missing:debug"
		continue
	fi
	best=
	for d in /lib/modules/*/build/Makefile; do
		[ -e "$d" ] || continue
		v=${d#/lib/modules/}
		v=${v%/build/Makefile}
		[ -e "/boot/vmlinuz-$v" ] || continue
		case $v in
		"$s") ;;		# exact version
		"$s".*) ;;		# series prefix: 6.1 matches 6.1.0-56, not 6.12.x
		*) continue ;;
		esac
		best="$best$v
"
	done
	best=$(printf '%s' "$best" | sort -V | tail -n 1)
	echo "${best:-missing:$s}"
done
