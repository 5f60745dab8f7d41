# SPDX-License-Identifier: GPL-2.0
#
# Userspace tools: $(BUILD)/bin/TOOL from tools/TOOL.c (every tools/*.c is
# a tool), the helpers of tools/lib/ and the skeletons of bpf/bpf.mk; man
# pages written in roff (tools/TOOL.8), installed uncompressed (packaging
# compresses them).

TOOLS		:= $(sort $(patsubst tools/%.c,%,$(wildcard tools/*.c)))
TOOLS_LIB_SRCS	:= $(wildcard tools/lib/*.c)
TOOLS_LIB_OBJS	:= $(patsubst tools/%.c,$(BUILD)/tools/%.o,$(TOOLS_LIB_SRCS))
TOOLS_HDRS	:= $(wildcard tools/*.h tools/lib/*.h bpf/*.h) kmod/lib/ekf_limits.h
TOOLS_BINS	:= $(addprefix $(BUILD)/bin/,$(TOOLS))
TOOLS_MANS	:= $(wildcard $(addprefix tools/,$(addsuffix .8,$(TOOLS))))
# systemd units of the tools (templates: nothing is enabled on install)
TOOLS_UNITS	:= $(wildcard tools/systemd/*.service)
unitdir		?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)

LIBBPF_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS	:= $(or $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null),-lbpf)
TOOLS_CPPFLAGS	:= -D_GNU_SOURCE -DEKF_VERSION='"$(VERSION)"' -I$(BUILD)/bpf $(LIBBPF_CFLAGS) $(CPPFLAGS)
TOOLS_LIBS	:= $(LIBBPF_LIBS) -lelf -lz

.PHONY: tools install install-tools
.SECONDARY: $(TOOLS_LIB_OBJS) $(patsubst %,$(BUILD)/tools/%.o,$(TOOLS))

tools: $(TOOLS_BINS)

$(BUILD)/tools/%.o: tools/%.c $(TOOLS_HDRS) $(BPF_SKELS) tools/tools.mk
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) $(TOOLS_CPPFLAGS) -c $< -o $@

$(BUILD)/bin/%: $(BUILD)/tools/%.o $(TOOLS_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(TOOLS_LIBS) -o $@

install: install-tools

install-tools: $(TOOLS_BINS)
	$(call msg,INSTALL,$(DESTDIR)$(sbindir))
	$(Q)install -d $(DESTDIR)$(sbindir) $(DESTDIR)$(mandir)/man8
	$(Q)install -m 0755 $(TOOLS_BINS) $(DESTDIR)$(sbindir)/
	$(Q)$(if $(TOOLS_MANS),install -m 0644 $(TOOLS_MANS) $(DESTDIR)$(mandir)/man8/)
	$(Q)$(if $(TOOLS_UNITS),install -d $(DESTDIR)$(unitdir) && install -m 0644 $(TOOLS_UNITS) $(DESTDIR)$(unitdir)/)
