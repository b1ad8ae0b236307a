#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The netmap demo (make demo). Runs inside the test guest, or on the host
# when the host can load modules; netmap.ko is already loaded either way.
#
# Today it shows the device and the module. Once userspace/examples/nmraw
# exists (NMRAW= names it; the guest finds it in /root), it also moves
# packets across a veth pair in two namespaces and prints nmraw's rate
# line once a second.

section() { printf '\n== %s\n' "$*"; }

section "/dev/netmap"
ls -l /dev/netmap

section "module"
modinfo netmap 2>/dev/null || modinfo "${NETMAP_KO:-netmap}"
if [ -d /sys/module/netmap/parameters ]; then
	section "module parameters"
	for p in /sys/module/netmap/parameters/*; do
		[ -e "$p" ] && printf '%s = %s\n' "${p##*/}" "$(cat "$p")"
	done
fi

nmraw=${NMRAW:-}
[ -z "$nmraw" ] && [ -x /root/nmraw ] && nmraw=/root/nmraw
if [ -z "$nmraw" ] || [ ! -x "$nmraw" ]; then
	section "traffic"
	echo "nmraw not built yet (userspace/examples/nmraw): no traffic demo"
	exit 0
fi

# Traffic: a veth pair, nmd0 in namespace nmdemo-a and nmd1 in nmdemo-b.
section "traffic: nmraw across veth nmd0 <-> nmd1, ${DEMO_SECONDS:=5} s"
cleanup() { ip netns del nmdemo-a 2>/dev/null; ip netns del nmdemo-b 2>/dev/null; }
trap cleanup EXIT
ip netns add nmdemo-a && ip netns add nmdemo-b &&
ip link add nmd0 netns nmdemo-a type veth peer name nmd1 netns nmdemo-b &&
ip -n nmdemo-a link set nmd0 up && ip -n nmdemo-b link set nmd1 up || exit 1

# The command line is nmraw's to define: receiver on nmd1, sender on nmd0.
# shellcheck disable=SC2086
# Each side stops by itself (-d); timeout is only a safety net.
ip netns exec nmdemo-b timeout "$((DEMO_SECONDS + 10))" "$nmraw" ${NMRAW_RX_ARGS:-rx -i nmd1 -d $((DEMO_SECONDS + 1))} &
rx=$!
# shellcheck disable=SC2086
ip netns exec nmdemo-a timeout "$((DEMO_SECONDS + 10))" "$nmraw" ${NMRAW_TX_ARGS:-tx -i nmd0 -d $DEMO_SECONDS}
txs=$?
wait $rx
rxs=$?
[ "$txs" = 0 ] && [ "$rxs" = 0 ]
