# SPDX-License-Identifier: GPL-2.0
#
# ebpf-kfunc(8): host tier (no module here) and VM tier (module loaded).
#
# Host: tests/host/ebpf-kfunc.sh runs the built tool on the build machine;
# selftest-table checks the selftest's expected answers against the
# userspace build of the module's search and glob code.
# VM: a static ebpf-kfunc (the VM's busybox initramfs has no shared
# libraries) in $(BUILD)/tests/bin, first on PATH there, and
# tests/vm/suite/ebpf-kfunc.sh.

EKF_HOST_BIN	:= $(BUILD)/tests/host

HOST_TESTS	+= tests/host/ebpf-kfunc.sh $(EKF_HOST_BIN)/selftest-table
# the tool tests/host/ebpf-kfunc.sh runs, wherever BUILD is
export EBPF_KFUNC := $(abspath $(BUILD))/bin/ebpf-kfunc
HOST_DEPS	+= $(BUILD)/bin/ebpf-kfunc $(EKF_HOST_BIN)/selftest-table

$(EKF_HOST_BIN)/selftest-table: tests/host/selftest-table.c tools/ebpf-kfunc-cases.h \
		kmod/lib/ekf_search.c kmod/lib/ekf_glob.c $(wildcard kmod/lib/*.h) tests/lib/check.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -o $@ tests/host/selftest-table.c \
		kmod/lib/ekf_search.c kmod/lib/ekf_glob.c

# The VM's ebpf-kfunc: the same objects, linked statically.
EKF_STATIC_LIBS	:= -static $(or $(shell $(PKG_CONFIG) --static --libs libbpf 2>/dev/null),-lbpf -lelf -lz) -lzstd

$(BUILD)/tests/bin/ebpf-kfunc: $(BUILD)/tools/ebpf-kfunc.o $(TOOLS_LIB_OBJS)
	$(call msg,LINK,$@ (static))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(EKF_STATIC_LIBS) -o $@

TEST_BINS	+= $(BUILD)/tests/bin/ebpf-kfunc
VM_DEPS		+= $(BUILD)/bin/ebpf-kfunc $(BUILD)/tests/bin/ebpf-kfunc
VM_TESTS	+= $(abspath tests/vm/suite/ebpf-kfunc.sh)
