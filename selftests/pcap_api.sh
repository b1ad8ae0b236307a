#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The pcap calls Debian's tcpdump and bittwist do not make, served by
# libnetmap-pcap on a netmap pipe: userspace/pcap/pcap_api_test (an
# ordinary libpcap program) run through nmpcap. It prints its own TAP.
. "$(dirname "$0")/lib/nm.sh"

nm_require_root
nm_require nmpcap
[ -c /dev/netmap ] || tap_skip_all "no /dev/netmap"
for t in /usr/libexec/netmap/pcap_api_test \
	 /usr/local/libexec/netmap/pcap_api_test; do
	[ -x "$t" ] && { nmpcap "$t" "nmpa$$"; exit $?; }
done
tap_skip_all "pcap_api_test is not installed (make -C userspace install-tests)"
