#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The network plumbing every netmap test builds on: a veth pair across two
# network namespaces passes IPv4 traffic both ways. Addresses are from
# 198.18.0.0/15 (RFC 2544 benchmarking) and live only inside the two
# namespaces this test creates, so nothing leaves the machine.
. "$(dirname "$0")/lib/nm.sh"

nm_require_root
nm_require ip
ip netns list >/dev/null 2>&1 || tap_skip_all "ip has no netns support"

a=nmva$$ b=nmvb$$

rx_packets() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"
}

tap_plan 6
tap_check "two network namespaces" nm_netns_add "$a" "$b"
tap_check "veth pair across them" nm_veth_add "$a" "$a" "$b" "$b"
tap_check "addresses" sh -c "ip -n $a addr add 198.18.0.1/24 dev $a &&
			     ip -n $b addr add 198.18.0.2/24 dev $b"
before=$(rx_packets "$b" "$b" 2>/dev/null || echo 0)
tap_check "ping $a -> $b" nm_ping "$a" 198.18.0.2
tap_check "ping $b -> $a" nm_ping "$b" 198.18.0.1
after=$(rx_packets "$b" "$b" 2>/dev/null || echo 0)
tap_check "$b counted the packets (rx $before -> $after)" \
	test "$after" -ge $((before + 3))
tap_done
