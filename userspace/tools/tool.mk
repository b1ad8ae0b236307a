# SPDX-License-Identifier: GPL-2.0
#
# Rules shared by the tools (one folder each). A tool's Makefile sets
# HERE, TOOL (program name), SRCS, HDRS (its own headers) and MANSEC (man
# section of $(TOOL).$(MANSEC)), then includes this file. Gives:
#
#   make [O=DIR]                         build DIR/$(TOOL) (default: here)
#   make install [DESTDIR= PREFIX= BINDIR= MANDIR=]
#   make clean
#
# Linked statically so the same binary runs on the host and in the test
# guest; needs only the headers of userspace/include and include/uapi.
# CPPFLAGS, CFLAGS and LDFLAGS from the environment are honoured
# (distribution hardening flags).

TOP := $(abspath $(HERE)/../../..)
O ?= $(HERE)

CC ?= gcc
include $(TOP)/userspace/install.mk
CFLAGS ?= -O2 -g
NM_CFLAGS := $(CPPFLAGS) $(CFLAGS) -Wall -Wextra -Werror -pthread \
	-I$(TOP)/userspace/include -I$(TOP)/include/uapi
LDFLAGS += -static -pthread

HDRS += $(TOP)/include/uapi/linux/netmap.h \
	$(wildcard $(TOP)/userspace/include/net/*.h)

all: $(O)/$(TOOL)

$(O)/$(TOOL): $(SRCS) $(HDRS)
	@mkdir -p $(O)
	$(CC) $(NM_CFLAGS) $(LDFLAGS) -o $@ $(SRCS) $(LDLIBS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man$(MANSEC)
	install -m 755 $(O)/$(TOOL) $(DESTDIR)$(BINDIR)/
	install -m 644 $(HERE)/$(TOOL).$(MANSEC) \
		$(DESTDIR)$(MANDIR)/man$(MANSEC)/

clean:
	rm -f $(O)/$(TOOL)

.PHONY: all install clean
