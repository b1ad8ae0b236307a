#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The netmap-enabled ixgbe.ko (drivers/ixgbe-netmap) loads on top of
# netmap.ko, registers its PCI driver, unloads cleanly, and netmap.ko
# unloads after it. The test guest has no ixgbe NIC (QEMU emulates none),
# so no device is probed: this proves the module's link against netmap's
# exports and its init/exit, not the driver on a NIC. Skips where the
# module installed for ixgbe is not ours (any machine but the test guest)
# or where ixgbe is in use.
. "$(dirname "$0")/lib/nm.sh"

nm_require_root
nm_require modprobe modinfo rmmod
[ -d /sys/module/netmap ] || tap_skip_all "netmap.ko is not loaded"
ko=$(modinfo -F filename ixgbe 2>/dev/null)
case $ko in
*/extra/ixgbe.ko) ;;
*) tap_skip_all "no netmap-enabled ixgbe.ko in /lib/modules/*/extra" ;;
esac
[ -d /sys/module/ixgbe ] && tap_skip_all "ixgbe is loaded already"

# Leave the machine as found: ixgbe out, netmap in.
trap 'rmmod ixgbe 2>/dev/null; [ -d /sys/module/netmap ] || nm_module_load;
      _nm_cleanup' EXIT

depends_on_netmap() {
	modinfo -F depends ixgbe | tr ',' '\n' | grep -qx netmap
}
netmap_refused() {
	! rmmod netmap && [ -d /sys/module/netmap ]
}

tap_plan 10
tap_check "modinfo: ixgbe.ko depends on netmap" depends_on_netmap
tap_check "modprobe ixgbe" modprobe ixgbe
tap_check "/sys/module/ixgbe is there" test -d /sys/module/ixgbe
tap_check "netmap holds ixgbe (/sys/module/netmap/holders/ixgbe)" \
	test -e /sys/module/netmap/holders/ixgbe
tap_check "PCI driver registered (/sys/bus/pci/drivers/ixgbe)" \
	test -d /sys/bus/pci/drivers/ixgbe
tap_check "rmmod netmap refused while ixgbe uses it" netmap_refused
tap_check "rmmod ixgbe" rmmod ixgbe
tap_check "PCI driver gone" nm_wait_gone /sys/bus/pci/drivers/ixgbe
tap_check "rmmod netmap after ixgbe" rmmod netmap
tap_check "netmap.ko loads again" nm_module_load
tap_done
