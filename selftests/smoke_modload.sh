#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# netmap.ko unloads and loads again cleanly, and /dev/netmap and
# /sys/module/netmap follow it. Reloads from $NETMAP_KO when set, else with
# modprobe; $NETMAP_MODARGS are passed again. Fails if the module cannot be
# removed (a leaked reference) or does not come back.
. "$(dirname "$0")/lib/nm.sh"

nm_require_root
[ -d /sys/module/netmap ] || tap_skip_all "netmap.ko is not loaded"

# Never leave the machine without the module, whatever failed.
trap '[ -d /sys/module/netmap ] || nm_module_load; _nm_cleanup' EXIT

tap_plan 7
tap_check "rmmod netmap" rmmod netmap
tap_check "/dev/netmap removed" nm_wait_gone /dev/netmap
tap_check "/sys/module/netmap removed" test ! -e /sys/module/netmap
tap_check "netmap.ko loads again" nm_module_load
tap_check "/dev/netmap back" nm_wait_for /dev/netmap
tap_check "/dev/netmap is a character device" test -c /dev/netmap
tap_check "/dev/netmap mode 0600, owner root" \
	test "$(stat -c '%a %u %g' /dev/netmap 2>&1)" = "600 0 0"
tap_done
