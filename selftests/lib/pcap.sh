# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for the tests that run libpcap programs (tcpdump,
# bittwist) on netmap ports: pcap_compat.sh (through libnetmap-pcap) and
# compat_libpcap.sh (through libpcap's own netmap backend). Source after
# lib/nm.sh; the caller sets $dir (a scratch directory) and $N (packets in
# a generated savefile, even).

# gen_pcap FILE ODD_ONLY: the test packets as a pcap savefile.
gen_pcap() {
	# shellcheck disable=SC2059 # the format is the data: \ooo escapes
	printf "$(awk -v n=$N -v odd="$2" '
	function b(v) { printf "\\%03o", v % 256 }
	function le32(v) { b(v); b(int(v / 256)); b(int(v / 65536)); b(int(v / 16777216)) }
	function be16(v) { b(int(v / 256)); b(v) }
	BEGIN {
		le32(2712847316); be16(512); be16(1024)	# magic a1b2c3d4, 2.4
		le32(0); le32(0); le32(65535); le32(1)	# zone, sigfigs, snaplen, EN10MB
		for (i = 1; i <= n; i++) {
			if (odd && i % 2 == 0)
				continue
			pay = 18 + (i * 37) % 200
			len = 14 + 20 + 8 + pay
			le32(1000 + i); le32(0); le32(len); le32(len)
			b(2); b(0); b(0); b(0); b(0); b(2)	# dst 02:00:00:00:00:02
			b(2); b(0); b(0); b(0); b(0); b(1)	# src 02:00:00:00:00:01
			be16(2048)
			b(69); b(0); be16(len - 14); be16(i); be16(0)
			b(64); b(17); be16(0)
			b(198); b(18); b(0); b(1); b(198); b(18); b(0); b(2)
			be16(4000 + i); be16(i % 2 ? 9 : 7); be16(8 + pay); be16(0)
			for (j = 0; j < pay; j++)
				b(i * 11 + j)
		}
	}')" > "$1"
}

# dump FILE: every packet's length and bytes, no timestamps.
dump() {
	tcpdump -Z root -r "$1" -n -t -xx 2>/dev/null
}

same_packets() {
	dump "$1" > "$dir/want.txt"
	dump "$2" > "$dir/got.txt"
	echo "$(grep -c '^IP' "$dir/want.txt") packets expected," \
	     "$(grep -c '^IP' "$dir/got.txt") captured"
	diff "$dir/want.txt" "$dir/got.txt" | head -n 20
	[ -s "$dir/want.txt" ] && cmp -s "$dir/want.txt" "$dir/got.txt"
}

# start_capture NS LOG TCPDUMP-ARGS...: tcpdump in the background, once
# it is listening (its pid in $cap).
start_capture() {
	_ns=$1 _log=$2
	shift 2
	if [ "${_nsenter:-}" ]; then
		nsenter --net="/run/netns/$_ns" "$@" > "$_log.out" 2> "$_log" &
	else
		ip netns exec "$_ns" "$@" > "$_log.out" 2> "$_log" &
	fi
	cap=$!
	nm_await $cap "$_log" 'listening on' 200 ||
		{ echo "tcpdump not listening:"; cat "$_log"; return 1; }
}

# start_nsenter: start_capture, under nsenter (/sys as it is, with
# debugfs), not ip netns exec.
start_nsenter() {
	_nsenter=1
	start_capture "$@"
	_rc=$?
	_nsenter=
	return $_rc
}

# has_packets FILE N: FILE (a savefile being written) holds N packets.
has_packets() {
	[ "$(dump "$1" | grep -c '^IP')" -ge "$2" ]
}

no_ipv6() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$1" sh -c \
		'for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
			[ -e "$f" ] && echo 1 > "$f"; done; true'
}

# The checks both tests make; RUN is the command prefix that gives
# tcpdump netmap ports ("nmpcap" or "env LD_LIBRARY_PATH=..."). The veth
# ends $a and $b live in namespaces of the same names.

# capture_all RUN: `tcpdump -c N` on netmap:$b while bittwist sends
# all.pcap through $a (the real libpcap); byte for byte. $b's
# promiscuity during and after the capture goes to promisc.txt.
capture_all() {
	start_capture "$b" "$dir/cap.log" $1 tcpdump -Z root -n \
		-i "netmap:$b" -c $N -w "$dir/cap.pcap" || return 1
	ip -d -n "$b" link show "$b" > "$dir/promisc.txt"
	ip netns exec "$a" bittwist -i "$a" -m 0 "$dir/all.pcap" || return 1
	nm_reap $cap 300 KILL
	_rc=$?
	ip -d -n "$b" link show "$b" >> "$dir/promisc.txt"
	cat "$dir/cap.log"
	[ $_rc = 0 ] && same_packets "$dir/all.pcap" "$dir/cap.pcap"
}

# capture_filter RUN: 'udp port 9', no count: stopped by SIGINT
# (pcap_breakloop from the signal handler), then tcpdump prints
# pcap_stats() into flt.log.
capture_filter() {
	start_capture "$b" "$dir/flt.log" $1 tcpdump -Z root -n -U \
		-i "netmap:$b" -w "$dir/flt.pcap" udp port 9 || return 1
	ip netns exec "$a" bittwist -i "$a" -m 0 "$dir/all.pcap" || return 1
	nm_until 200 has_packets "$dir/flt.pcap" $((N / 2))
	kill -INT $cap
	nm_reap $cap 300 KILL
	_rc=$?
	cat "$dir/flt.log"
	[ $_rc = 0 ] && same_packets "$dir/port9.pcap" "$dir/flt.pcap"
}

# capture_sent TAG RUN CAPIF SENDNS SENDIF: tcpdump through RUN on CAPIF
# (in namespace $b) gets, byte for byte, what bittwist sends through
# libnetmap-pcap (nmpcap) on SENDIF in SENDNS; files $dir/TAG.*.
capture_sent() {
	start_capture "$b" "$dir/$1.log" $2 tcpdump -Z root -n \
		-i "$3" -c $N -w "$dir/$1.pcap" || return 1
	ip netns exec "$4" nmpcap bittwist -i "$5" -m 0 "$dir/all.pcap" ||
		return 1
	nm_reap $cap 300 KILL
	_rc=$?
	cat "$dir/$1.log"
	[ $_rc = 0 ] && same_packets "$dir/all.pcap" "$dir/$1.pcap"
}

# capture_pipe RUN PIPE: RUN's tcpdump on netmap:PIPE{1, bittwist on PIPE}1.
capture_pipe() {
	capture_sent pipe "$1" "netmap:$2{1" "$b" "netmap:$2}1"
}

# capture_host RUN [ARGS]: netmap:$b^, the host RX ring, captures what
# $b's own stack sends (ARP for 198.18.0.1).
capture_host() {
	_run=$1
	shift
	ip -n "$b" addr add 198.18.0.2/24 dev "$b" || return 1
	start_capture "$b" "$dir/host.log" $_run tcpdump -Z root -n "$@" \
		-i "netmap:$b^" -c 1 arp || return 1
	ip netns exec "$b" sh -c 'ping -c 3 -W 1 198.18.0.1 ||
		busybox ping -c 3 -W 1 198.18.0.1' > /dev/null 2>&1
	nm_reap $cap 300 KILL
	_rc=$?
	cat "$dir/host.log" "$dir/host.log.out"
	[ $_rc = 0 ] &&
	grep -q 'ARP, Request who-has 198.18.0.1 tell 198.18.0.2' \
		"$dir/host.log.out"
}
