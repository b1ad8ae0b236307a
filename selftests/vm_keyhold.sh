#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The test guest's /init keeps netfilter's egress static keys switched on
# for the whole boot with an nftables egress chain on lo (see vm/init): the
# first egress hook in the system flips them, the kernel then live-patches
# its transmit path, and under QEMU's TCG a vCPU sending at that moment can
# oops. With the holder in place, no netmap bind or unbind (each registers
# or removes an egress hook, for the host rings) is the first or the last.
# This checks the holder is there, in the test guest on a kernel that has
# nf_tables; it has nothing to check on other machines.
. "$(dirname "$0")/lib/nm.sh"

nm_require_root
[ -r /etc/vm.conf ] || tap_skip_all "not the test guest (no /etc/vm.conf)"
kmod=/lib/modules/$(uname -r)
grep -qs '/nf_tables\.ko' "$kmod/modules.dep" "$kmod/modules.builtin" ||
	tap_skip_all "no nf_tables in this kernel (the debug kernel: no jump labels either)"

tap_plan 2
tap_check "/init's egress chain on lo exists" \
	nft list chain netdev nmvm_keys lo_out
tap_check "it hooks egress of lo" sh -c \
	'nft list chain netdev nmvm_keys lo_out | grep -q "hook egress device \"lo\""'
tap_done
