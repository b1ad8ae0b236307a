# SPDX-License-Identifier: GPL-2.0
#
# netmap for Linux.
#
#   make                 netmap.ko (kernel/, against the running kernel's
#                        headers or the newest installed; KVER=, KDIR=)
#                        and userspace/ when it has a Makefile
#   make W=1             the same with extra warnings (must stay clean)
#   make selftests       the test programs, into build/selftests
#   make check           everything, on every supported Debian kernel in
#                        QEMU (installs missing packages; needs root)
#                          T=NAME one test, V=1 kernel console, KERNELS=6.12
#                          DEBUG=1 also the debug kernel (whole suite)
#   make check-debug     the whole suite on our KASAN/lockdep/kmemleak build
#                        of 6.1 (vm/debug-kernel.sh; the first run builds
#                        it), without the packaged kernels
#   make shell           boot the test guest, shell on this terminal
#   make vm-run RUN='cmd' [FILES='f ...']   run cmd in the guest
#   make fuzz DURATION=600 [SEED=n]   nm_fuzz in the guest for that long
#   make demo            show netmap working (guest, or host if it can)
#   make bench           performance against AF_PACKET, AF_XDP, libpcap and
#                        pktgen in the guest; ICOUNT=1 deterministic
#                        (guest instructions per packet); bench/results/
#   make packages        Debian and Fedora packages into build/packages
#   make dkms-install    install via DKMS for KVER (default: running kernel)
#   make dkms-remove

all: modules userspace

modules:
	$(MAKE) -C kernel

# userspace/ is optional until it grows a Makefile.
userspace:
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace; fi

selftests:
	$(MAKE) -C selftests

check:
	@vm/check.sh

check-debug:
	@KERNELS=debug PACKAGES=0 vm/check.sh

shell:
	@vm/guest.sh shell

vm-run:
	@vm/guest.sh run

fuzz:
	@vm/fuzz.sh

demo: userspace
	@vm/guest.sh demo

bench:
	@bench/bench.sh

packages:
	@vm/packages.sh build

dkms-install:
	vm/dkms.sh install $(KVER)

dkms-remove:
	vm/dkms.sh remove

clean:
	$(MAKE) -C kernel clean
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace clean; fi
	rm -rf build/selftests build/dkms build/dkms-* build/*-amd64 build/packages

.PHONY: packages
.PHONY: all modules userspace selftests check check-debug shell vm-run fuzz demo bench \
	dkms-install dkms-remove clean
