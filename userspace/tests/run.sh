#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the userspace host tests: the header compile checks (uapi, then
# userspace), then each test
# program given on the command line (default: build and run the ones from
# the Makefile in this directory). Ends with "N passed, N failed" (test
# programs) and exits 1 if anything failed.

here=$(cd "$(dirname "$0")" && pwd)

if [ $# = 0 ]; then
	exec make -C "$here" run
fi

pass=0
fail=0
run() {
	echo "# === $1"
	if "$@"; then
		pass=$((pass + 1))
	else
		echo "# FAILED: $1"
		fail=$((fail + 1))
	fi
}

run "$here/uapi_headers.sh"
run "$here/headers.sh"
run "$here/lib_files.sh" "${LIBOUT:-$here/../../build/userspace/lib}"
for prog in "$@"; do
	run "$prog"
done
echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
