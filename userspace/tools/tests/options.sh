#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# options.sh DIR: pkt-gen and bridge (DIR/pkt-gen/pkt-gen,
# DIR/bridge/bridge) refuse bad command lines: exit status 1 or 2 (not a
# crash), a message naming the program on stderr, nothing opened. -h
# prints the usage on stdout and exits 0. TAP output; no kernel needed
# (every case fails before /dev/netmap is opened, except the last ones,
# which need it to be missing or to reject the name).
dir=${1:?usage: options.sh DIR}
pg=$dir/pkt-gen/pkt-gen
br=$dir/bridge/bridge
n=0 fail=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT

# refuse PROG PATTERN ARGS...: PROG ARGS fails cleanly, stderr matches.
refuse() {
	prog=$1 pat=$2
	shift 2
	n=$((n + 1))
	"$prog" "$@" > /dev/null 2> "$err" < /dev/null
	rc=$?
	if [ $rc -ge 1 ] && [ $rc -le 2 ] &&
	   grep -q "^${prog##*/}: .*$pat" "$err"; then
		echo "ok $n ${prog##*/} $* -> $rc: $(head -n 1 "$err")"
	else
		echo "not ok $n ${prog##*/} $* -> exit $rc, stderr:"
		sed 's/^/# /' "$err"
		fail=$((fail + 1))
	fi
}

helps() {
	n=$((n + 1))
	if "$1" -h 2> "$err" | grep -q "^usage: ${1##*/} " && [ ! -s "$err" ]; then
		echo "ok $n ${1##*/} -h prints the usage"
	else
		echo "not ok $n ${1##*/} -h"
		fail=$((fail + 1))
	fi
}

echo "TAP version 13"
helps "$pg"
refuse "$pg" "no port given"
refuse "$pg" "unknown function 'bogus'" -i x -f bogus
refuse "$pg" "-l: '59' is not a number" -i x -l 59
refuse "$pg" "-l: '65536'" -i x -l 65536
refuse "$pg" "-n: 'abc'" -i x -n abc
refuse "$pg" "-n: '-1'" -i x -n -1
refuse "$pg" "-n: '5x'" -i x -n 5x
refuse "$pg" "-b: '0'" -i x -b 0
refuse "$pg" "-R: '0'" -i x -R 0
refuse "$pg" "-w: 'soon'" -i x -w soon
refuse "$pg" "-T: '5'" -i x -T 5
refuse "$pg" "-a: '-1'" -i x -a -1
refuse "$pg" "-p: '0'" -i x -p 0
refuse "$pg" "-p: '65'" -i x -p 65
refuse "$pg" "only tx and rx use several threads" -i x -f ping -p 2
refuse "$pg" "-d: '1.2.3' is not IP" -i x -d 1.2.3
refuse "$pg" "-d: '1.2.3.4:99999'" -i x -d 1.2.3.4:99999
refuse "$pg" "-s: '1.2.3.5-1.2.3.4'" -i x -s 1.2.3.5-1.2.3.4
refuse "$pg" "-D: 'zz:00:00:00:00:00' is not a MAC" -i x -D zz:00:00:00:00:00
refuse "$pg" "-S: '00:11:22:33:44'" -i x -S 00:11:22:33:44
refuse "$pg" "-F: '0'" -i x -F 0
refuse "$pg" "-F 4 and -M 100 do not fit -l 1000" -i x -F 4 -M 100 -l 1000
refuse "$pg" "at most 256" -i x -M 10 -l 65535
refuse "$pg" "--first-seq: '4294967296'" -i x --first-seq 4294967296
refuse "$pg" "option -i needs an argument" -i
refuse "$pg" "unknown option -x" -i y -x
refuse "$pg" "unknown option --bogus" -i y --bogus
refuse "$pg" "unexpected argument 'extra'" -i y extra
refuse "$pg" "cannot open netmap:nm-no-such-if0" -i nm-no-such-if0 -w 0

helps "$br"
refuse "$br" "no port given"
refuse "$br" "at most two ports" -i a -i b -i c
refuse "$br" "-b: '0'" -i a -b 0
refuse "$br" "-b: 'x'" -i a -b x
refuse "$br" "-w: '-1'" -i a -w -1
refuse "$br" "unknown option -x" -i a -x
refuse "$br" "needs an argument" -i
refuse "$br" "empty port name" -i ""
refuse "$br" "unexpected argument 'b'" -i a b
refuse "$br" "give a plain netmap:IFNAME" -i netmap:a-1
refuse "$br" "both ports are netmap:a" -i a -i netmap:a
refuse "$br" "cannot open netmap:nm-no-such-if0" -i nm-no-such-if0 -i nm-no-such-if1

echo "1..$n"
[ $fail -eq 0 ]
