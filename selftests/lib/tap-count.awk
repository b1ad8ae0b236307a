# SPDX-License-Identifier: GPL-2.0
#
# Count the results of a kselftest-style TAP stream and print one closing
# line "N passed, M failed, K skipped" (preceded by "# FAILED: ..." lines).
# Used by lib/run_tests.sh on a real machine and by vm/check.sh on the TAP
# a guest sends back, so both count the same way. POSIX awk (busybox too).
#
# Input shape (lib/ksft.sh writes it):
#	1..N				top-level plan, one entry per program
#	# selftests: netmap: NAME	header of program NAME
#	# 1..K				nested plan printed by the program itself
#	# ok 3 sub / # not ok 4 sub	nested results (one "# " level deep)
#	ok 2 selftests: netmap: NAME	top-level result of the program
#
# Counting rule: a program that prints its own TAP (a nested plan or nested
# results: every kselftest_harness test, our shell tests) counts one per
# subtest. If it then exits with failure although no subtest failed
# (crash, timeout, missing subtests) that adds one failure for the program.
# A program without nested TAP counts as one test. "# SKIP" marks a skip.
#
# -v marker=TEXT: TEXT must appear on a line of its own (guest end marker);
# a missing marker, a missing plan or a plan that does not match the
# number of top-level results adds one failure each.

function reset_prog() { nplan = -1; nres = 0; np = 0; nf = 0; ns = 0 }
function failed(what) { nfailed++; fails[nfailed] = what }
function is_skip(line) { return line ~ /#[ \t]*[Ss][Kk][Ii][Pp]/ }
function desc(line) {
	sub(/^(not )?ok [0-9]+ ?(- )?/, "", line)
	return line
}

BEGIN { reset_prog(); plan = -1; top = 0; seen_marker = 0; nfailed = 0 }

{ sub(/\r$/, "") }		# a serial line may end in CR LF

marker != "" && $0 == marker { seen_marker = 1; next }

/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }

/^# 1\.\.[0-9]+/ { nplan = substr($2, 4) + 0; next }

/^# (not )?ok [0-9]+/ {
	line = substr($0, 3)
	nres++
	if (line ~ /^not ok/) {
		nf++
		failed(prog ": " desc(line))
	} else if (is_skip(line))
		ns++
	else
		np++
	next
}

/^# selftests: / { prog = $0; sub(/^# selftests: ([^:]*: )?/, "", prog); next }

/^(not )?ok [0-9]+/ {
	top++
	name = desc($0)
	sub(/^selftests: ([^:]*: )?/, "", name)
	if (nplan >= 0 || nres > 0) {
		pass += np; fail += nf; skip += ns
		if ($1 == "not" && nf == 0) {
			fail++
			failed(name)
		} else if (nplan > 0 && nres != nplan) {
			fail++
			failed(name ": " nres " of " nplan " subtests reported")
		} else if (nplan == 0 && nres == 0)
			skip++		# "1..0 # SKIP": the whole program skipped
	} else if ($1 == "not") {
		fail++
		failed(name)
	} else if (is_skip($0))
		skip++
	else
		pass++
	reset_prog()
	prog = ""
	next
}

END {
	if (plan < 0) {
		fail++
		failed("no TAP plan (runner never started?)")
	} else if (plan != top) {
		fail++
		failed("TAP plan 1.." plan " but " top " results (run cut short?)")
	}
	if (marker != "" && !seen_marker) {
		fail++
		failed("end marker '" marker "' missing (guest died mid-run?)")
	}
	for (i = 1; i <= nfailed; i++)
		print "# FAILED: " fails[i]
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
}
