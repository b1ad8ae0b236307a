#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One version for everything: the top-level VERSION file. dkms.conf,
# userspace/install.mk (library soname, libnetmap.pc) and kernel/Kbuild
# (MODULE_VERSION) read it directly; debian/changelog and
# packaging/rpm/netmap.spec have to spell it out.
# This fails, naming the file, when either says something else.
#
#   packaging/check-version.sh [TOP]
set -eu

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
ver=$(cat "$top/VERSION")
rc=0

case $ver in
[0-9]*.[0-9]*.[0-9]*) ;;
*) echo "VERSION: '$ver' is not MAJOR.MINOR.PATCH" >&2; rc=1 ;;
esac

# A native Debian package: its version is the upstream version as is.
deb=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
if [ "$deb" != "$ver" ]; then
	echo "debian/changelog: version $deb, VERSION says $ver" \
	     "(add a changelog entry: dch -v $ver)" >&2
	rc=1
fi

spec=$top/packaging/rpm/netmap.spec
rpmver=$(sed -n 's/^Version:[[:space:]]*//p' "$spec")
if [ "$rpmver" != "$ver" ]; then
	echo "packaging/rpm/netmap.spec: Version: $rpmver, VERSION says $ver" >&2
	rc=1
fi
# The newest %changelog entry ends in "- VERSION-RELEASE".
rpmlog=$(sed -n '/^%changelog/,$ s/^\* .* - \([^ ]*\)-[^-]*$/\1/p' "$spec" |
	 head -n 1)
if [ "$rpmlog" != "$ver" ]; then
	echo "packaging/rpm/netmap.spec: newest %changelog entry is for" \
	     "'$rpmlog', VERSION says $ver" >&2
	rc=1
fi

# dkms.conf reads VERSION itself (dkms sources it with bash).
dk=$(cd "$top" && bash -c '. ./dkms.conf && echo "$PACKAGE_VERSION"' 2>&1)
if [ "$dk" != "$ver" ]; then
	echo "dkms.conf: PACKAGE_VERSION is '$dk', VERSION says $ver" >&2
	rc=1
fi

# The library's soname and libnetmap.pc, and the module's MODULE_VERSION,
# take it from VERSION too: vm/packages.sh checks them in what it built.
if ! grep -q 'cat $(TOP)/VERSION' "$top/userspace/install.mk" ||
   ! grep -q '\.\./VERSION' "$top/kernel/Kbuild"; then
	echo "userspace/install.mk or kernel/Kbuild no longer read VERSION" >&2
	rc=1
fi

[ $rc = 0 ] && echo "version $ver: VERSION, dkms.conf, debian/changelog and the spec agree"
exit $rc
