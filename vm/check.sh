#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: build and test netmap.ko on every supported Debian kernel.
#
#   1. install missing packages (vm/install-deps.sh)
#   2. build the selftests once (static)
#   3. per kernel (vm/kernels.sh; KERNELS= restricts):
#	build netmap.ko with W=1 in build/<kver>/src   (host TAP line)
#	dkms build for that kernel, in a private tree  (host TAP line)
#	dkms build of netmap-ixgbe (W=1), the module kept for the guest
#	                                               (host TAP line)
#	boot it in QEMU with the module and the tests: the guest's TAP
#	streams here; then QEMU's exit status and the console log are
#	checked                                        (host TAP line)
#   4. one closing line: "N passed, M failed, K skipped"
#
# Counting: each host check is one test; guest results are counted by
# selftests/lib/tap-count.awk (one per subtest of a program that prints
# its own TAP, else one per program; see there).
#
#   5. the Debian and Fedora packages (vm/packages.sh): built, the .debs
#	installed on this host, each kernel booted with the module DKMS
#	installed from them, purged; skipped with T= unless PACKAGES=1,
#	never with PACKAGES=0
#
#   6. with DEBUG=1, the debug kernel (vm/debug-kernel.sh: KASAN, lockdep,
#	kmemleak, ..., built first if not cached) is the third kernel of
#	step 3 and runs the whole suite (or T=), with NMT_TIME_SCALE=10 (the
#	tests' setup limits, see selftests/lib/nmtest.h); it is opt-in
#	because it does not fit CI's time limit (README, "Hardening")
#
# Environment: T=NAME (one test; several: T="a b"; the ixgbe build then
# runs only with IXGBE=1 or an ixgbe_ test), V=1 (show the kernel console),
# KERNELS="6.12" (subset; "debug" = the debug kernel, all tests or T=),
# DEBUG=1 (add the debug kernel; off by default, see README),
# TIMEOUT=SECONDS (per test, default from selftests/settings),
# NETMAP_TEST_IF, NETMAP_MODARGS (passed to the guest).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/vm/lib.sh"

DEFAULT_KERNELS="6.1 6.12"
[ "${DEBUG:-0}" = 1 ] && DEFAULT_KERNELS="$DEFAULT_KERNELS debug"

pass=0 fail=0 skip=0 hn=0
timings=
host_result() {		# host_result RC DESC
	hn=$((hn + 1))
	if [ "$1" = 0 ]; then
		echo "ok $hn - $2"
		pass=$((pass + 1))
	else
		echo "not ok $hn - $2"
		fail=$((fail + 1))
	fi
}
timing() { timings="$timings$1: $2 s
"; echo "# time $1: $2 s"; }
# A host step that prints its own TAP lines (numbered from TAP_NUM): each
# counts as one host check; a failure without a "not ok" line counts too,
# and so does a count of results other than -n's.
host_tap() {		# host_tap [-n COUNT] LOG CMD...
	local want='' log rc np nf
	if [ "$1" = -n ]; then
		want=$2
		shift 2
	fi
	log=$1
	shift
	TAP_NUM=$hn "$@" > "$log" 2>&1
	rc=$?
	cat "$log"
	np=$(grep -c '^ok ' "$log")
	nf=$(grep -c '^not ok ' "$log")
	hn=$((hn + np + nf))
	pass=$((pass + np))
	fail=$((fail + nf))
	if [ -n "$want" ] && [ $((np + nf)) != "$want" ]; then
		host_result 1 "$* printed $((np + nf)) results, expected $want (see ${log#"$top"/})"
		return 1
	fi
	if [ $rc != 0 ] && [ "$nf" = 0 ]; then
		host_result 1 "$* (see ${log#"$top"/})"
		return 1
	fi
	return $rc
}

t_all=$(now)
mkdir -p "$B"
echo "# netmap make check"

t0=$(now)
"$top/vm/install-deps.sh"
host_result $? "host packages installed"
timing "deps" "$(elapsed "$t0")"

t0=$(now)
build_selftests
st=$?
host_result $st "selftests build (static, -Wall -Wextra -Werror)"
timing "selftests build" "$(elapsed "$t0")"

# The uapi header in every language mode (needs the host's compilers).
"$top/userspace/tests/uapi_headers.sh" > "$B/header-compile.log" 2>&1
host_result $? "uapi header compiles as C89, C99, C11 and C++ (build/header-compile.log)"
stage_userspace > "$B/userspace-stage.log" 2>&1
host_result $? "userspace builds and installs into the guest's root (build/userspace-stage.log)"
# libpcap's own netmap backend built from Debian's libpcap source against
# the installed headers (selftests/compat_libpcap.sh runs it).
"$top/userspace/compat/libpcap-netmap.sh" "$B/libpcap-netmap" "$B/stage" /usr \
	> "$B/libpcap-netmap.log" 2>&1
host_result $? "Debian's libpcap builds with its netmap backend against the installed headers (build/libpcap-netmap.log)"
make -C "$top/userspace" test > "$B/userspace-test.log" 2>&1; host_result $? "userspace host unit tests (ASan/UBSan) (build/userspace-test.log)"
# make bench's programs: selftests/bench_smoke.sh runs them in the guest.
bench_files=()
make -s -C "$top/bench" O="$B/bench" > "$B/bench-build.log" 2>&1
rc=$?
host_result $rc "bench programs build (build/bench-build.log)"
[ $rc = 0 ] && bench_files=(-f "$B/bench" -d pktgen)

# Our debug kernel (KASAN, lockdep, kmemleak, ...): built once, cached.
case " ${KERNELS:-$DEFAULT_KERNELS} " in
*" debug "*)
	t0=$(now)
	"$top/vm/debug-kernel.sh" build > /dev/null
	host_result $? "debug kernel (linux-source-6.1 + vm/debug-kernel.config) built or cached"
	timing "debug kernel" "$(elapsed "$t0")"
	;;
esac

mapfile -t kernels < <(KERNELS=${KERNELS:-$DEFAULT_KERNELS} kernel_list)
ok_kernels=()
for k in "${kernels[@]}"; do
	case $k in
	missing:*)
		host_result 1 "kernel ${k#missing:} installed (image + headers)"
		continue ;;
	esac
	t0=$(now)
	build_module "$k"
	rc=$?
	host_result $rc "netmap.ko builds warning-free (W=1) for $k"
	timing "build $k" "$(elapsed "$t0")"
	if [ $rc = 0 ]; then
		t0=$(now)
		build_e1000e "$k"
		host_result $? "e1000e.ko with netmap hooks builds warning-free (W=1) for $k (build/$k/e1000e-build.log)"
		timing "build e1000e $k" "$(elapsed "$t0")"
	fi
	[ $rc = 0 ] && ok_kernels+=("$k")
done

# DKMS: the packaging route users take, for kernels that are not running
# and come from a package (not our debug build).
dkms_kernels=()
for k in "${ok_kernels[@]}"; do
	[ -z "$(kernel_root "$k")" ] && dkms_kernels+=("$k")
done
if [ ${#dkms_kernels[@]} -gt 0 ]; then
	t0=$(now)
	host_tap -n ${#dkms_kernels[@]} "$B/dkms-check.log" \
		"$top/vm/dkms.sh" check "${dkms_kernels[@]}"
	timing "dkms build" "$(elapsed "$t0")"
fi

# The native ixgbe (drivers/ixgbe-netmap). Its one build per packaged
# kernel (the DKMS kernels above; not the debug kernel) is the dkms build
# of its package netmap-ixgbe, with W=1; the module it makes goes to
# build/KVER/ixgbe.ko for the guest (selftests/ixgbe_load.sh: QEMU has no
# ixgbe device, the driver loads and unloads). Minutes per kernel: with
# T= it runs only if IXGBE=1 or T names an ixgbe_ test.
make -C "$top/drivers/ixgbe-netmap" test > "$B/ixgbe-test.log" 2>&1
host_result $? "ixgbe-netmap descriptor arithmetic unit test (ASan/UBSan) (build/ixgbe-test.log)"
ixgbe=1
case " ${T:-} " in
"  ") ;;
*" ixgbe_"*) ;;
*) [ "${IXGBE:-0}" = 1 ] || ixgbe=0 ;;
esac
for k in "${ok_kernels[@]}"; do rm -f "$B/$k/ixgbe.ko"; done
if [ ${#dkms_kernels[@]} -gt 0 ] && [ $ixgbe = 1 ]; then
	t0=$(now)
	# The pristine driver sources: those the e1000e build extracted.
	KO_DIR=$B DRIVER_SRC_CACHE="$top/drivers/build/src" \
		host_tap -n ${#dkms_kernels[@]} "$B/dkms-ixgbe-check.log" \
		"$top/vm/dkms.sh" -p netmap-ixgbe check "${dkms_kernels[@]}"
	timing "dkms build ixgbe" "$(elapsed "$t0")"
elif [ $ixgbe = 0 ]; then
	echo "# ixgbe-netmap build skipped (T= set: IXGBE=1 or an ixgbe_ test runs it)"
fi

[ $st = 0 ] || ok_kernels=()	# no tests to run without the test build
for k in "${ok_kernels[@]}"; do
	dir=$B/$k/check
	# The debug kernel is slow: programs took 3 to 10 times as long as
	# on 6.1 under the same load (nm_register 907 s, e1000e_native 757 s;
	# nm_drops and nm_extra_bufs beyond 8 times). So six times the
	# per-program limit, and NMT_TIME_SCALE=10 for the limits inside the
	# programs (setup steps, the harness's per-test alarm, nm_fuzz's
	# duration). Hang guards only: no assertion changes.
	kt=${TIMEOUT:-} tests=${T:-} scale=${NMT_TIME_SCALE:-}
	if [ -n "$(kernel_root "$k")" ]; then
		[ -z "$kt" ] && kt=$((6 * $(test_timeout)))
		[ -z "$scale" ] && scale=10
	fi
	# shellcheck disable=SC2086
	ntests=$(cd "$B/selftests" && . lib/ksft.sh && ksft_select . $tests | wc -l)
	t0=$(now)
	NMT_TIME_SCALE=$scale T=$tests TIMEOUT=$kt make_initramfs "$k" check "${bench_files[@]}"
	rc=$?
	timing "initramfs $k" "$(elapsed "$t0")"
	if [ $rc != 0 ]; then
		host_result 1 "initramfs for $k"
		continue
	fi

	echo "# === guest $k ==="
	t0=$(now)
	verbose=
	[ "${V:-0}" = 1 ] && verbose=-v
	boot=1
	while :; do
		KROOT=$(kernel_root "$k") "$top/vm/run-vm.sh" -k "$k" -i "$dir/initrd" -o "$dir" \
			-t "$(TIMEOUT=$kt guest_limit "$ntests")" \
			-w "$(TIMEOUT=$kt stall_limit)" $verbose
		qrc=$?
		# A kernel that panicked or reset before /init printed the TAP
		# header never ran anything of ours (netmap.ko loads after it).
		# Under TCG the kernel's own boot-time code patching has been
		# seen to oops there (6.12: int3 in run_timer_softirq, 3 s
		# in). One more boot, said and kept; never after the header.
		if [ $boot = 1 ] && { [ $qrc = 0 ] || [ $qrc = 1 ]; } &&
		   ! grep -q '^TAP version' "$dir/out.log"; then
			cp "$dir/console.log" "$dir/console-boot1.log"
			echo "# guest $k died before /init started the tests (QEMU exit $qrc); booting once more, first console: ${dir#"$top"/}/console-boot1.log"
			grep -m 1 -E -f "$top/selftests/lib/splat-patterns" \
				"$dir/console-boot1.log" | sed 's/^/# boot 1: /'
			boot=2
			continue
		fi
		break
	done
	timing "boot+tests $k" "$(elapsed "$t0")"

	# The guest's own results.
	sum=$(awk -v marker='# vmtest-done' -f "$top/selftests/lib/tap-count.awk" "$dir/out.log")
	echo "$sum" | sed "s/^\([0-9]\)/# $k: \1/"
	read -r gp gf gs < <(echo "$sum" | tail -n 1 | awk '{ print $1, $3, $5 }')
	pass=$((pass + gp)); fail=$((fail + gf)); skip=$((skip + gs))

	# How the guest ended, and whether the kernel complained on the way.
	why=
	case $qrc in
	33) [ "$gf" = 0 ] || why="guest said pass, TAP has failures" ;;
	35) [ "$gf" != 0 ] || why="guest said fail, TAP has none" ;;
	1) why="guest kernel panicked (pvpanic)" ;;
	0) why="guest stopped without a verdict (crash or reset)" ;;
	124) why="guest hung (task dump: ${dir#"$top"/}/console.log)" ;;
	*) why="QEMU failed (exit $qrc)"; sed 's/^/# qemu: /' "$dir/qemu.log" ;;
	esac
	splat=$(grep -n -E -f "$top/selftests/lib/splat-patterns" "$dir/console.log" | head -n 1)
	if [ -n "$splat" ]; then
		why="${why:+$why; }kernel splat on the console"
		# From the first splat on: usually the whole trace.
		tail -n +"${splat%%:*}" "$dir/console.log" | head -n 80 | sed 's/^/# console: /'
	elif [ -n "$why" ]; then
		tail -n 30 "$dir/console.log" | sed 's/^/# console: /'
	fi
	host_result "$([ -z "$why" ] && echo 0 || echo 1)" \
		"guest $k: ran to completion, console clean${why:+ # $why}"
done

# Packages: build them, then install-test the .debs (vm/packages.sh
# prints its own TAP lines; each counts as one host check, see host_tap).
if [ "${PACKAGES:-$([ -z "${T:-}" ] && echo 1 || echo 0)}" = 1 ]; then
	echo "# === packages ==="
	t0=$(now)
	host_tap "$B/packages-build.log" "$top/vm/packages.sh" build
	rc=$?
	timing "packages build" "$(elapsed "$t0")"
	if [ $rc = 0 ] && [ $st = 0 ]; then
		t0=$(now)
		host_tap "$B/packages-install.log" "$top/vm/packages.sh" install-test
		timing "packages install test" "$(elapsed "$t0")"
	fi
fi

echo "# --- timings ---"
printf '%s' "$timings" | sed 's/^/#   /'
echo "#   total: $(elapsed "$t_all") s"
echo "# host checks 1..$hn; logs in build/<kernel>/check/{out,console}.log"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
