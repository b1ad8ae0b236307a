# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the header compile tests (headers.sh, uapi_headers.sh):
# check NAME SOURCE COMPILER FLAGS... compiles SOURCE with -fsyntax-only
# and the include flags in $inc, prints one TAP line, and counts in $n
# and $failed. A compiler that is not installed gives a SKIP line.
# Sets up $tmp (removed on exit).

# $inc is a list of flags, split on purpose.
# shellcheck disable=SC2086

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

check() {
	name=$1
	code=$2
	shift 2
	n=$((n + 1))
	case "$1" in
	*++*) src=$tmp/t$n.cc ;;
	*) src=$tmp/t$n.c ;;
	esac
	printf '%s\n' "$code" >"$src"
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "ok $n - $name # SKIP $1 not found"
		return
	fi
	if "$@" $inc -fsyntax-only "$src" >"$tmp/log" 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/log"
		failed=$((failed + 1))
	fi
}
