#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging of the netmap-enabled ixgbe.ko (package netmap-ixgbe):
# vm/dkms.sh for that package.
#
#   drivers/ixgbe-netmap/dkms.sh stage DIR | install [KVER] | remove |
#                                check KVER...
#
# See vm/dkms.sh for what each does, dkms.conf for the package's layout.
exec "$(dirname "$0")/../../vm/dkms.sh" -p netmap-ixgbe "$@"
