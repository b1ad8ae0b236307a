#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian and Fedora packages of netmap, built and install-tested.
#
#   vm/packages.sh build         (make packages) .debs with dpkg-buildpackage
#                                into build/packages/deb (lintian run on
#                                them), .rpms with rpmbuild -bb into
#                                build/packages/rpm
#   vm/packages.sh install-test  (make check) install the .debs on this
#                                host, where DKMS builds netmap.ko for every
#                                kernel; boot each kernel's guest with the
#                                module DKMS installed and the userspace the
#                                packages installed, run smoke tests there;
#                                purge and show that nothing is left
#
# Both print TAP lines numbered from TAP_NUM+1 and exit non-zero when one
# fails. install-test needs root and changes the host while it runs (it
# refuses to start if netmap is installed already; a lock serialises
# concurrent runs); it always purges what it installed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/vm/lib.sh"
ver=$(cat "$top/VERSION")
P=$B/packages
n=${TAP_NUM:-0}
fail=0
DEBS="netmap-dkms libnetmap0 libnetmap-dev netmap-tools"
# What the guests booted with the packaged module run: the device and
# module basics, and the packaged pkt-gen over a pipe.
SMOKE="smoke_dev nm_info pktgen_pipe"

tap() {			# tap RC DESC
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

# show LOG: the tail of a log, as TAP comments
show() { tail -n "${2:-40}" "$1" | sed 's/^/# /'; }

# The source tree as it is now (uncommitted changes included), without
# build products, in DIR/netmap-VERSION.
export_tree() {
	rm -rf "$1"
	mkdir -p "$1/netmap-$ver"
	(cd "$top" && tar -cf - --exclude=./build --exclude=./.git \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='.*.d' \
		--exclude=modules.order --exclude=Module.symvers .) |
		tar -C "$1/netmap-$ver" -xf -
}

build_debs() {
	local w=$P/deb-work log=$P/deb-build.log rc
	export_tree "$w"
	(cd "$w/netmap-$ver" && dpkg-buildpackage -b -us -uc) > "$log" 2>&1
	rc=$?
	rm -rf "$P/deb"
	mkdir -p "$P/deb"
	mv "$w"/*.deb "$w"/*.changes "$w"/*.buildinfo "$P/deb/" 2>/dev/null
	[ $rc = 0 ] || show "$log"
	tap $rc "dpkg-buildpackage: ${DEBS// /, } (build/packages/deb-build.log)"
	[ $rc = 0 ] || return 1

	# Each package holds what it should (a wrong .install glob shows here).
	local pkg want f missing=
	for pkg in $DEBS; do
		case $pkg in
		netmap-dkms) want="usr/src/netmap-$ver/dkms.conf
usr/src/netmap-$ver/VERSION usr/src/netmap-$ver/kernel/Kbuild
usr/src/netmap-$ver/include/uapi/linux/netmap.h etc/modprobe.d/netmap.conf
etc/modules-load.d/netmap.conf lib/udev/rules.d/60-netmap.rules" ;;
		libnetmap0) want="usr/lib/*/libnetmap.so.${ver%%.*}" ;;
		libnetmap-dev) want="usr/include/libnetmap.h
usr/include/net/netmap.h usr/include/net/netmap_user.h
usr/include/net/netmap_user_lib.h usr/include/linux/netmap.h
usr/lib/*/libnetmap.so usr/lib/*/libnetmap.a
usr/lib/*/pkgconfig/libnetmap.pc usr/share/man/man3/libnetmap.3.gz
usr/share/man/man3/nmport_open.3.gz usr/share/man/man3/nmreq_header_init.3.gz
usr/share/man/man3/nmctx_get.3.gz" ;;
		netmap-tools) want="usr/bin/pkt-gen usr/bin/netmap-bridge usr/bin/nmraw
usr/bin/nmpcap usr/lib/*/netmap/libnetmap-pcap.so
usr/share/man/man8/pkt-gen.8.gz usr/share/man/man8/netmap-bridge.8.gz
usr/share/man/man1/nmraw.1.gz usr/share/man/man1/nmpcap.1.gz" ;;
		esac
		dpkg-deb -c "$P/deb/${pkg}_${ver}_"*.deb > "$P/$pkg.list"
		for f in $want; do
			# shellcheck disable=SC2053
			awk '{ print $6 }' "$P/$pkg.list" | sed 's|^\./||' |
				while read -r p; do [[ $p == $f ]] && echo y; done |
				grep -q y || missing="$missing $pkg:$f"
		done
	done
	[ -z "$missing" ] || echo "# missing from the packages:$missing"
	tap "$([ -z "$missing" ] && echo 0 || echo 1)" \
		"the .debs hold the module sources, library, headers and tools"

	# What was built carries VERSION: the library's soname and file name,
	# libnetmap.pc, the DKMS source directory's dkms.conf, and the
	# symbols file covers the library's version node.
	local x=$P/deb-x bad='' so pcver dkver
	rm -rf "$x"
	dpkg-deb -x "$P/deb/libnetmap0_${ver}_"*.deb "$x"
	dpkg-deb -x "$P/deb/libnetmap-dev_${ver}_"*.deb "$x"
	dpkg-deb -x "$P/deb/netmap-dkms_${ver}_all.deb" "$x"
	so=$(readelf -d "$x"/usr/lib/*/"libnetmap.so.$ver" 2>&1 |
	     sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
	[ "$so" = "libnetmap.so.${ver%%.*}" ] ||
		bad="$bad soname '$so' (libnetmap.so.$ver)"
	pcver=$(sed -n 's/^Version: *//p' "$x"/usr/lib/*/pkgconfig/libnetmap.pc)
	[ "$pcver" = "$ver" ] || bad="$bad libnetmap.pc Version '$pcver'"
	dkver=$(cd "$x/usr/src/netmap-$ver" 2>/dev/null &&
		bash -c '. ./dkms.conf && echo "$PACKAGE_VERSION"')
	[ "$dkver" = "$ver" ] || bad="$bad dkms.conf PACKAGE_VERSION '$dkver'"
	dpkg-deb -I "$P/deb/libnetmap0_${ver}_"*.deb symbols 2>/dev/null |
		grep -q "^libnetmap.so.${ver%%.*} libnetmap0 " ||
		bad="$bad no symbols file for libnetmap.so.${ver%%.*}"
	rm -rf "$x"
	[ -z "$bad" ] || echo "# not version $ver:$bad"
	tap "$([ -z "$bad" ] && echo 0 || echo 1)" \
		"the .debs carry version $ver: soname libnetmap.so.${ver%%.*}, libnetmap.pc, dkms.conf, symbols file"

	# Lintian runs in the background while the RPMs build (lint_result).
	lintian --profile debian "$P/deb/netmap_${ver}_"*.changes \
		> "$P/lintian.log" 2>&1 &
	lint_pid=$!
}

# No lintian error or warning left: debian/*.lintian-overrides say why
# each accepted one is.
lint_result() {
	local bad
	wait "$lint_pid"
	bad=$(grep -cE '^[EW]: ' "$P/lintian.log")
	grep -v 'running with root privileges' "$P/lintian.log" |
		sed 's/^/# lintian: /'
	tap "$([ "$bad" = 0 ] && echo 0 || echo 1)" \
		"lintian: no errors or warnings on the .debs (build/packages/lintian.log)"
}

# rpmbuild on a Debian host: no Fedora build root, so --nodeps (its
# BuildRequires name Fedora packages) and no debuginfo subpackages (Fedora's
# find-debuginfo is not here). What this proves: the spec parses, %build and
# %install work, and every %files entry exists (rpmbuild fails on a missing
# one or an installed file no package claims).
build_rpms() {
	local r=$P/rpm log=$P/rpm-build.log rc
	rm -rf "$r"
	mkdir -p "$r/SOURCES"
	export_tree "$r/tree"
	tar -C "$r/tree" -czf "$r/SOURCES/netmap-$ver.tar.gz" "netmap-$ver"
	rm -rf "$r/tree"
	rpmbuild -bb --nodeps --define "_topdir $r" \
		--define 'debug_package %{nil}' \
		"$top/packaging/rpm/netmap.spec" > "$log" 2>&1
	rc=$?
	[ $rc = 0 ] || show "$log"
	ls "$r"/RPMS/*/*.rpm 2>/dev/null | sed "s|^$top/|# |"
	local pkg missing=
	for pkg in dkms-netmap libnetmap libnetmap-devel netmap-tools; do
		ls "$r"/RPMS/*/"$pkg-$ver-"*.rpm >/dev/null 2>&1 ||
			missing="$missing $pkg"
	done
	[ -z "$missing" ] || echo "# not built:$missing"
	[ -z "$missing" ] || rc=1
	tap $rc "rpmbuild -bb packaging/rpm/netmap.spec: dkms-netmap, libnetmap, libnetmap-devel, netmap-tools (build/packages/rpm-build.log)"
}

cmd_build() {
	mkdir -p "$P"
	"$top/packaging/check-version.sh" "$top" > "$P/version.log" 2>&1
	local rc=$?
	sed 's/^/# /' "$P/version.log"
	tap $rc "one version: VERSION, dkms.conf, debian/changelog and netmap.spec agree"
	lint_pid=
	build_debs
	build_rpms
	[ -z "$lint_pid" ] || lint_result
	return $fail
}

# Everything the packages put on the system, one path per line (what the
# purge must remove).
leftovers() {
	local k
	# shellcheck disable=SC2086
	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $DEBS 2>/dev/null |
		grep -v '^un ' | sed 's/^/dpkg: /'
	dkms status -m netmap 2>/dev/null | sed 's/^/dkms: /'
	ls -d /var/lib/dkms/netmap /usr/src/netmap-* /lib/modules/*/updates/dkms/netmap.ko* \
		/usr/include/libnetmap.h /usr/include/net/netmap*.h \
		/usr/include/linux/netmap.h /usr/lib/*/libnetmap* \
		/usr/lib/*/netmap /usr/lib/*/pkgconfig/libnetmap.pc \
		/usr/bin/pkt-gen /usr/bin/netmap-bridge /usr/bin/nmraw /usr/bin/nmpcap \
		/etc/modprobe.d/netmap.conf /etc/modules-load.d/netmap.conf \
		/usr/lib/udev/rules.d/60-netmap.rules \
		/lib/udev/rules.d/60-netmap.rules 2>/dev/null
	for k in /lib/modules/*/modules.dep; do
		grep -l 'netmap\.ko' "$k" 2>/dev/null
	done
}

purge() {
	# shellcheck disable=SC2086
	dpkg --purge $DEBS > "$P/purge.log" 2>&1
}

# guest_smoke KVER KO: boot KVER with module KO and the packages' userspace
guest_smoke() {
	local k=$1 ko=$2 dir=$P/guest/$1 qrc sum gp gf gs
	mkdir -p "$dir"
	T="$SMOKE" write_conf "$dir/vm.conf" check
	"$top/vm/mkinitramfs.sh" -k "$k" -o "$dir/initrd" -M "$ko" \
		-t "$B/selftests" -c "$dir/vm.conf" -s "$P/root" \
		-b "$top/selftests/guest-bins" > "$dir/mkinitramfs.log" 2>&1 ||
		{ show "$dir/mkinitramfs.log"; return 1; }
	"$top/vm/run-vm.sh" -k "$k" -i "$dir/initrd" -o "$dir" \
		-t "$(guest_limit 2)" -w "$(stall_limit)" > "$dir/run.log" 2>&1
	qrc=$?
	grep -E '^(not )?ok |^# (PASSED|FAILED)' "$dir/out.log" | sed 's/^/#   /'
	sum=$(awk -v marker='# vmtest-done' -f "$top/selftests/lib/tap-count.awk" "$dir/out.log")
	read -r gp gf gs < <(echo "$sum" | tail -n 1 | awk '{ print $1, $3, $5 }')
	echo "# guest $k: $sum"
	if grep -q -E -f "$top/selftests/lib/splat-patterns" "$dir/console.log"; then
		show "$dir/console.log" 60
		return 1
	fi
	# A skip proves nothing here: every smoke test must pass.
	[ "$qrc" = 33 ] && [ "${gf:-1}" = 0 ] && [ "${gs:-1}" = 0 ] &&
		[ "${gp:-0}" -gt 0 ] && return 0
	echo "# qemu exit $qrc"
	show "$dir/console.log" 20
	return 1
}

cmd_install_test() {
	local k ko rc left key_existed=0 debs=() p mv
	[ "$(id -u)" = 0 ] || { echo "install-test: needs root" >&2; return 1; }
	for p in $DEBS; do
		debs+=("$P/deb/${p}_${ver}_"*.deb)
	done
	mkdir -p "$P"
	left=$(leftovers)
	if [ -n "$left" ]; then
		echo "$left" | sed 's/^/# already here: /'
		tap 1 "host has no netmap installed before the package test"
		return 1
	fi
	[ -e /var/lib/dkms/mok.key ] && key_existed=1
	build_selftests > "$P/selftests-build.log" 2>&1 || {
		show "$P/selftests-build.log"
		tap 1 "selftests build (for the guests)"
		return 1
	}

	# shellcheck disable=SC2086
	dpkg -i "${debs[@]}" > "$P/install.log" 2>&1
	rc=$?
	show "$P/install.log" 30
	tap $rc "dpkg -i ${DEBS// /, }"

	# The userspace the packages installed, as the guest's root.
	rm -rf "$P/root"
	for p in "${debs[@]}"; do
		dpkg-deb -x "$p" "$P/root" || rc=1
	done
	rm -rf "$P/root/usr/src"

	mapfile -t kernels < <(kernel_list | grep -v '^missing:')
	for k in "${kernels[@]}"; do
		# .ko or .ko.xz, as the kernel compresses its own modules
		ko=$(ls /lib/modules/"$k"/updates/dkms/netmap.ko* 2>/dev/null | head -n 1)
		if [ -z "$ko" ] || [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" != "$k" ]; then
			sed 's/^/# /' /var/lib/dkms/netmap/"$ver"/build/make.log 2>/dev/null | tail -n 30
			tap 1 "netmap-dkms: DKMS built and installed netmap.ko for $k"
			continue
		fi
		tap 0 "netmap-dkms: DKMS built and installed netmap.ko for $k (${ko})"
		mv=$(modinfo -F version "$ko")
		[ "$mv" = "$ver" ] || echo "# $ko: version '$mv'"
		tap "$([ "$mv" = "$ver" ] && echo 0 || echo 1)" \
			"netmap.ko for $k has MODULE_VERSION $ver"
		mkdir -p "$P/guest/$k"
		case $ko in
		*.xz) xz -dc "$ko" > "$P/guest/$k/netmap.ko" ;;
		*) cp "$ko" "$P/guest/$k/netmap.ko" ;;
		esac
		t0=$(now)
		guest_smoke "$k" "$P/guest/$k/netmap.ko"
		tap $? "guest $k: the DKMS-installed netmap.ko loads, ${SMOKE// /, } pass with the packages' userspace ($(elapsed "$t0") s)"
	done

	purge
	rc=$?
	[ $rc = 0 ] || show "$P/purge.log"
	tap $rc "dpkg --purge ${DEBS// /, }"
	[ $key_existed = 0 ] && rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	left=$(leftovers)
	[ -z "$left" ] || echo "$left" | sed 's/^/# left behind: /'
	tap "$([ -z "$left" ] && echo 0 || echo 1)" \
		"purge leaves nothing: dkms status, /lib/modules/*/updates, /usr/src/netmap-*, headers, libraries, tools, config"
	return $fail
}

case ${1:-} in
build)
	cmd_build ;;
install-test)
	# One install test at a time on this host (dpkg, DKMS state).
	exec 9> /run/lock/netmap-packages-test.lock
	flock -w 1200 9 || { echo "install-test: lock busy" >&2; exit 1; }
	cmd_install_test ;;
*)
	echo "usage: $0 build | install-test" >&2
	exit 2 ;;
esac
