# SPDX-License-Identifier: GPL-2.0
#
# Install locations and the version, shared by every userspace/*/Makefile
# (include it after setting TOP). Each may be overridden on the command
# line:
#
#   DESTDIR  staging root (packages, make check's build/stage)
#   PREFIX   /usr/local by default; /usr for a distribution package
#   LIBDIR   Debian multiarch ($PREFIX/lib/x86_64-linux-gnu) when PREFIX
#            is /usr on a multiarch system, $PREFIX/lib64 on Fedora-like
#            systems, else $PREFIX/lib
#   INCDIR BINDIR MANDIR PKGCONFIGDIR   derived from the above

PREFIX ?= /usr/local
DESTDIR ?=

NM_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
ifeq ($(origin LIBDIR),undefined)
ifneq ($(NM_MULTIARCH),)
ifeq ($(PREFIX),/usr)
LIBDIR := $(PREFIX)/lib/$(NM_MULTIARCH)
else
LIBDIR := $(PREFIX)/lib
endif
else ifeq ($(shell test -d /usr/lib64 -a ! -L /usr/lib64 && echo y),y)
LIBDIR := $(PREFIX)/lib64
else
LIBDIR := $(PREFIX)/lib
endif
endif

INCDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# One version for everything: the top-level VERSION file (dkms.conf too).
NM_VERSION := $(shell cat $(TOP)/VERSION)
NM_VERSION_MAJOR := $(firstword $(subst ., ,$(NM_VERSION)))
