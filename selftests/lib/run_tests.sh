#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the netmap selftests in the current directory (the selftests build
# dir) on this machine and print kselftest TAP, then one closing line
# "N passed, M failed, K skipped". Exit 0 only if nothing failed.
#
#	lib/run_tests.sh [NAME...]	default: every test program
#
# netmap.ko must already be loaded. Environment passed to the tests:
#	NETMAP_TEST_IF	real NIC to test on (default: veth pairs in netns)
#	NETMAP_KO	module file smoke_modload.sh reloads (default: modprobe)
#	NETMAP_MODARGS	module parameters used when reloading
#
# The kernel_log_clean result at the end covers only what the kernel
# logged while the tests ran, so old messages do not fail the run.
set -u

KSFT_DIR=$(pwd)
export KSFT_DIR
. "$KSFT_DIR/lib/ksft.sh"

timeout=$(ksft_timeout settings)
# shellcheck disable=SC2046
set -- $(ksft_select . "$@")

log=$(mktemp)
trap 'rm -f "$log"' EXIT
{
	echo "TAP version 13"
	echo "1..$(($# + 1))"
	ksft_log_mark
	n=0
	for t in "$@"; do
		n=$((n + 1))
		ksft_run $n "$t" "$timeout" "./$t"
	done
	ksft_log_check $((n + 1))
} | tee "$log"
awk -f "$KSFT_DIR/lib/tap-count.awk" "$log" | tee "$log.sum"
summary=$(tail -n 1 "$log.sum")
rm -f "$log.sum"
case $summary in
*" 0 failed"*) exit 0 ;;
esac
exit 1
