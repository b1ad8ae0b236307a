# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Top-level kselftest-style TAP runner functions, shared by
# lib/run_tests.sh (real machine: `make -C selftests run_tests`) and the
# guest's /init (vm/init), so a test behaves the same in both places.
# POSIX sh: the guest runs it with dash and busybox.
#
# Output of one program (kselftest runner format):
#	# selftests: netmap: NAME
#	# <each line the program printed>
#	ok N selftests: netmap: NAME [# SKIP | # TIMEOUT T seconds | # exit=R]
# Exit 0 = pass, 4 = skip, anything else = fail.

KSFT_SKIP=4

# Value of timeout= in the kselftest "settings" file $1 (default 45 s,
# kselftest's own default).
ksft_timeout() {
	t=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$1" 2>/dev/null | tail -n 1)
	echo "${t:-45}"
}

# Test programs in directory $1: the executable regular files at its top
# level, in name order (lib/ and data files are not tests).
ksft_list() {
	for f in "$1"/*; do
		[ -f "$f" ] && [ -x "$f" ] && echo "${f##*/}"
	done
}

# ksft_select DIR [NAME...]: the programs to run, every test when no NAME
# is given. A shell test may be named without its .sh; an unknown NAME is
# kept as is, so that it is reported as failing rather than silently
# dropped.
ksft_select() {
	_dir=$1
	shift
	[ $# -gt 0 ] || { ksft_list "$_dir"; return; }
	for _t in "$@"; do
		if [ ! -x "$_dir/$_t" ] && [ -x "$_dir/$_t.sh" ]; then
			_t=$_t.sh
		fi
		echo "$_t"
	done
}

# Seconds since boot, to 1/100 s (dash has no $SECONDS).
ksft_uptime() {
	read -r _up _ < /proc/uptime
	echo "$_up"
}

# Prefix every line with "# " as it arrives, so a hang shows how far the
# program got; a last line without a newline is kept too.
ksft_prefix() {
	while IFS= read -r l || [ -n "$l" ]; do
		printf '# %s\n' "$l"
	done
}

# ksft_run NUM NAME TIMEOUT CMD [ARGS...]: run CMD with its output nested,
# print the TAP result line; return 0 for pass/skip, 1 for failure.
#
# coreutils timeout puts CMD in its own process group; killing that group
# afterwards also ends helpers the test left behind (a background ping),
# which would otherwise keep the output pipe open and stall the run.
ksft_run() {
	_n=$1 _name=$2 _t=$3
	shift 3
	_rcf=${TMPDIR:-/tmp}/ksft-rc.$$
	echo "# selftests: netmap: $_name"
	case $1 in
	*/*)	if [ ! -x "$1" ]; then
			echo "not ok $_n selftests: netmap: $_name # no such test"
			return 1
		fi ;;
	esac
	_t0=$(ksft_uptime)
	{
		timeout -k 5 "$_t" "$@" </dev/null 2>&1 &
		_pid=$!
		wait $_pid
		echo $? > "$_rcf"
		kill -9 "-$_pid" 2>/dev/null
	} | ksft_prefix
	_rc=$(cat "$_rcf" 2>/dev/null || echo 255)
	rm -f "$_rcf"
	echo "# time $_name: $(awk -v a="$_t0" -v b="$(ksft_uptime)" \
		'BEGIN { printf "%.1f", b - a }') s"
	_line="selftests: netmap: $_name"
	case $_rc in
	0)	echo "ok $_n $_line"; return 0 ;;
	"$KSFT_SKIP")
		echo "ok $_n $_line # SKIP"; return 0 ;;
	124|137)
		echo "not ok $_n $_line # TIMEOUT $_t seconds" ;;
	*)	echo "not ok $_n $_line # exit=$_rc" ;;
	esac
	return 1
}

# Kernel log splat check. ksft_log_mark remembers where the log is now;
# ksft_log_check NUM prints a TAP result for the lines logged since, and
# shows any line matching $KSFT_DIR/lib/splat-patterns.
ksft_log_mark() {
	_ksft_log_start=$(dmesg 2>/dev/null | wc -l)
}

ksft_log_check() {
	_pat=${KSFT_DIR:-.}/lib/splat-patterns
	echo "# selftests: netmap: kernel_log_clean"
	if ! _log=$(dmesg 2>/dev/null); then
		echo "ok $1 selftests: netmap: kernel_log_clean # SKIP dmesg unreadable"
		return 0
	fi
	_bad=$(printf '%s\n' "$_log" | tail -n +$((${_ksft_log_start:-0} + 1)) |
	       grep -E -f "$_pat")
	if [ -z "$_bad" ]; then
		echo "ok $1 selftests: netmap: kernel_log_clean"
		return 0
	fi
	printf '%s\n' "$_bad" | ksft_prefix
	echo "not ok $1 selftests: netmap: kernel_log_clean"
	return 1
}

# ksft_kmemleak_check NUM FILE: a TAP result for kmemleak (debug kernels):
# scan and fail on any report, which is shown. kmemleak ignores objects
# younger than 5 s and reports one only once it looked unreferenced and
# unchanged in two scans, hence the wait and the second scan.
ksft_kmemleak_check() {
	echo "# selftests: netmap: kmemleak_clean"
	sleep 6
	echo scan > "$2"
	sleep 1
	echo scan > "$2"
	_leaks=$(cat "$2")
	if [ -z "$_leaks" ]; then
		echo "ok $1 selftests: netmap: kmemleak_clean"
		return 0
	fi
	printf '%s\n' "$_leaks" | head -n 200 | ksft_prefix
	echo "not ok $1 selftests: netmap: kmemleak_clean"
	return 1
}
