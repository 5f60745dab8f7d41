# SPDX-License-Identifier: GPL-2.0
#
# BPF objects and their libbpf skeletons. Only UAPI headers (linux-libc-dev)
# and libbpf's bpf_helpers.h: no vmlinux.h, so nothing here depends on the
# build machine's kernel. DWARF is stripped, BTF kept.
#
#   $(BUILD)/bpf/NAME.bpf.o    from bpf/NAME.bpf.c
#   $(BUILD)/bpf/NAME.skel.h   bpftool gen skeleton

BPF_MULTIARCH	:= $(shell $(CC) -dumpmachine 2>/dev/null)
BPF_ARCH	:= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/i.86/x86/' \
			-e 's/aarch64.*/arm64/' -e 's/ppc64.*/powerpc/' \
			-e 's/riscv64/riscv/' -e 's/s390x/s390/' -e 's/loongarch64/loongarch/')
BPF_CFLAGS	:= -O2 -g -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall \
		   -fdebug-prefix-map=$(CURDIR)=. \
		   -I/usr/include/$(BPF_MULTIARCH) -Ibpf -Ibpf/arch/$(BPF_ARCH)

BPF_SRCS	:= $(wildcard bpf/*.bpf.c)
BPF_OBJS	:= $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_SKELS	:= $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRCS))
BPF_HDRS	:= $(wildcard bpf/*.h bpf/arch/$(BPF_ARCH)/*.h) $(wildcard kmod/lib/ekf_limits.h)

.PHONY: bpf
.SECONDARY: $(BPF_OBJS)
bpf: $(BPF_SKELS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) bpf/bpf.mk
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)$(LLVM_STRIP) -g $@.tmp
	$(Q)mv $@.tmp $@

# NAME_plain.bpf.c (the tracing tools' object without kfuncs) includes NAME.bpf.c
$(BUILD)/bpf/%_plain.bpf.o: bpf/%.bpf.c

# The path tracers claim a slot with a compare-and-swap (BPF v3 atomics, 5.12+)
EKF_TRACE_PATH_OBJS	:= $(foreach t,opensnoop unlinksnoop,$(BUILD)/bpf/ebpf_$(t).bpf.o \
			   $(BUILD)/bpf/ebpf_$(t)_plain.bpf.o)
$(EKF_TRACE_PATH_OBJS): BPF_CFLAGS += -mcpu=v3

# Skeleton names are C identifiers: ebpf_kfunc_probe.bpf.o -> ebpf_kfunc_probe
$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@.tmp
	$(Q)mv $@.tmp $@
