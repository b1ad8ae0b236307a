#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install what `make check` / `make shell` / `make demo` need on a Debian 12
# host: QEMU, the two Debian kernels the module is tested against (6.1 from
# bookworm, 6.12 from bookworm-security) with their headers, the guest
# userspace (busybox-static, iproute2, kmod), the toolchain for static test
# programs, dkms, linux-source-6.12 (the only Debian package that carries
# kselftest_harness.h) and linux-source-6.1 (with 6.12's: the in-tree e1000e
# and ixgbe that drivers/e1000e-netmap and drivers/ixgbe-netmap patch; and
# with what building a kernel takes, for the debug kernel, vm/debug-kernel.sh).
# The packaging tools are for `make packages` (debhelper, dh-dkms, lintian,
# rpm); flex and bison build Debian's libpcap with its netmap backend
# (userspace/compat/libpcap-netmap.sh).
#
# Idempotent and fast when everything is present: dpkg is asked first and apt
# is not touched at all (no `apt-get update`) if nothing is missing.
set -eu

PKGS="qemu-system-x86 linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64 busybox-static iproute2 kmod
dkms cpio xz-utils linux-source-6.12 linux-source-6.1 patch gcc g++ make
libc6-dev libpcap-dev dash coreutils tcpdump bittwist pkgconf flex bison
nftables
debhelper dh-dkms dpkg-dev fakeroot lintian rpm
bc libelf-dev libssl-dev"

# One dpkg-query for all: packages it does not know are simply not listed.
# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
	    sed -n 's/ install ok installed$//p')
missing=
for p in $PKGS; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing packages:$missing; no apt-get here," \
	     "install their equivalents by hand" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing; run as root" >&2
	exit 1
fi

# linux-image-6.12-amd64 lives in bookworm-security. Debian cloud images
# list that suite already; a minimal install may not.
if ! grep -rqs 'bookworm-security' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "install-deps: adding bookworm-security to apt sources"
	cat > /etc/apt/sources.list.d/netmap-debian-security.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# INITRD=No makes the kernel postinst hook skip update-initramfs: the host
# never boots these kernels, the guest uses our own cpio (saves ~20 s each).
export INITRD=No
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
