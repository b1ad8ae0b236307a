#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian's own libpcap, the source of the libpcap0.8 package installed on
# this machine, built unmodified with the netmap backend that libpcap
# carries (pcap-netmap.c, configure --enable-netmap) against the netmap
# headers `make install` put in DESTDIR, and nothing else. It shows that
# a program written for upstream netmap builds and runs on ours:
# selftests/compat_libpcap.sh runs Debian's tcpdump and bittwist on it.
#
# Usage: libpcap-netmap.sh WORKDIR DESTDIR [PREFIX]
#   WORKDIR  cache: the fetched source and the build (kept between runs;
#            rebuilt when the headers in DESTDIR change)
#   DESTDIR  the installed tree (make -C userspace install DESTDIR=...);
#            the library goes to DESTDIR/PREFIX/libexec/netmap/
#            libpcap-netmap/libpcap.so.0.8, to be used with
#            LD_LIBRARY_PATH (test-only, not for packages)
#   PREFIX   default /usr
#
# The source comes from the Debian archive with `apt-get source`, through
# a private deb-src list made from the system's deb entries: the system's
# apt configuration is not changed. Needs dpkg-dev, flex and bison.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 WORKDIR DESTDIR [PREFIX]" >&2; exit 2; }
work=$1 destdir=$2 prefix=${3:-/usr}
inc=$destdir$prefix/include
out=$destdir$prefix/libexec/netmap/libpcap-netmap

msg() { echo "libpcap-netmap: $*"; }
die() { echo "libpcap-netmap: $*" >&2; exit 1; }

for h in net/netmap_user.h net/netmap.h linux/netmap.h; do
	[ -f "$inc/$h" ] || die "$inc/$h missing: run make -C userspace install DESTDIR=$destdir first"
done
for c in dpkg-source flex bison; do
	command -v "$c" >/dev/null || die "$c not found (packages dpkg-dev, flex, bison)"
done

ver=$(dpkg-query -W -f='${Version}' libpcap0.8 2>/dev/null) ||
	die "libpcap0.8 is not installed: nothing to be compatible with"
mkdir -p "$work"
work=$(cd "$work" && pwd)
src=$work/libpcap-$ver

if [ ! -f "$src/configure" ]; then
	apt=$work/apt
	rm -rf "$apt" "$src"
	mkdir -p "$apt/parts" "$apt/lists/partial"
	# deb entries of the system, as deb-src (deb822 and one-line style)
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" > "$apt/parts/${f##*/}"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && sed -n 's/^deb /deb-src /p' "$f" >> "$apt/parts/system.list"
	done
	opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/parts
	      -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache"
	msg "fetching the source of libpcap $ver from the Debian archive"
	# shellcheck disable=SC2086 # $opts is a list of options
	apt-get -q $opts update > "$apt/update.log" 2>&1 ||
		{ cat "$apt/update.log" >&2; die "apt-get update (deb-src) failed"; }
	mkdir -p "$apt/dl"
	# shellcheck disable=SC2086
	(cd "$apt/dl" && apt-get -q $opts source --download-only "libpcap=$ver") \
		> "$apt/source.log" 2>&1 ||
		{ cat "$apt/source.log" >&2; die "apt-get source libpcap=$ver failed"; }
	dpkg-source -x "$apt"/dl/libpcap_*.dsc "$src" > "$apt/extract.log" 2>&1 ||
		{ cat "$apt/extract.log" >&2; die "dpkg-source -x failed"; }
	rm -rf "$apt"
fi

# Rebuild when the installed headers differ from the last build's.
stamp=$(cat "$inc/net/netmap_user.h" "$inc/net/netmap.h" "$inc/linux/netmap.h" |
	md5sum | cut -d' ' -f1)
if [ "$(cat "$src/.netmap-headers" 2>/dev/null)" != "$stamp" ] ||
   [ ! -f "$src/libpcap.so.0.8" ]; then
	msg "building libpcap $ver with --enable-netmap against $inc"
	cd "$src"
	make distclean > /dev/null 2>&1 || true
	# libpcap's Makefile takes include paths in CFLAGS, its configure
	# probe of netmap_user.h in CPPFLAGS: both point at DESTDIR only.
	CPPFLAGS="-I$inc" ./configure --enable-netmap --disable-dbus \
		--disable-rdma --disable-bluetooth --disable-usb \
		--without-libnl --disable-remote > configure.log 2>&1 ||
		{ tail -20 configure.log >&2; die "configure failed"; }
	grep -q 'whether we can compile the netmap support... yes' configure.log ||
		{ grep -i netmap configure.log >&2; die "configure did not enable netmap with these headers"; }
	make -j"$(nproc)" CFLAGS="-g -O2 -I$inc" libpcap.so > make.log 2>&1 ||
		{ tail -30 make.log >&2; die "build failed"; }
	grep -q 'pcap-netmap' make.log || die "pcap-netmap.c was not compiled"
	ln -sf "$(ls libpcap.so.1.*)" libpcap.so.0.8
	echo "$stamp" > .netmap-headers
fi
mkdir -p "$out"
cp -L "$src/libpcap.so.0.8" "$out/libpcap.so.0.8"
msg "installed $out/libpcap.so.0.8"
