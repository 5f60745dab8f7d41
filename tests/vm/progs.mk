# SPDX-License-Identifier: GPL-2.0
#
# BPF test programs for the VM tier (tests/vm/progs/) and their loaders.
# Loaders are static (bookworm's libbpf.a): the VM's busybox initramfs has
# no shared libraries. They go to $(BUILD)/tests/bin, on PATH in the VM.
#
#   ekf-test-matrix     every kfunc from every program type (+ --hold)
#   ekf-test-tutorial   the kfunc tutorial's bpf_strstr kprobe program
#
# tests/vm/suite/kfunc-matrix.sh runs them (and the rmmod test) in each VM.

VMPROGS_SRC	:= tests/vm/progs
VMPROGS_OUT	:= $(BUILD)/tests/vm/progs
VMPROGS_BIN	:= $(BUILD)/tests/bin

VMPROGS_BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_x86 \
	-I/usr/include/x86_64-linux-gnu -Ibpf -I$(VMPROGS_SRC) \
	-Wall -Wno-unused-function
VMPROGS_CFLAGS	:= $(CFLAGS) $(WARNFLAGS) -D_GNU_SOURCE -I$(VMPROGS_OUT) -I$(VMPROGS_SRC) -Itests/lib
VMPROGS_LIBS	:= -static -lbpf -lelf -lz -lzstd

VMPROGS		:= kfunc_matrix tutorial_strstr
VMPROGS_BINS	:= $(VMPROGS_BIN)/ekf-test-matrix $(VMPROGS_BIN)/ekf-test-tutorial

TEST_BINS	+= $(VMPROGS_BINS)
VM_DEPS		+= $(VMPROGS_BINS)
VM_TESTS	+= $(abspath tests/vm/suite/kfunc-matrix.sh)

.PHONY: vm-progs
vm-progs: $(VMPROGS_BINS)

$(VMPROGS_OUT)/%.bpf.o: $(VMPROGS_SRC)/%.bpf.c $(VMPROGS_SRC)/kfunc_cases.h \
		bpf/ekf_kfuncs.bpf.h kmod/lib/ekf_limits.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(VMPROGS_BPF_CFLAGS) -c $< -o $@

$(VMPROGS_OUT)/%.skel.h: $(VMPROGS_OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@.tmp
	$(Q)mv $@.tmp $@

$(VMPROGS_OUT)/%.o: $(VMPROGS_SRC)/%.c $(VMPROGS_OUT)/%.skel.h \
		$(VMPROGS_SRC)/ekf_test_util.h $(VMPROGS_SRC)/kfunc_cases.h tests/lib/check.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(VMPROGS_CFLAGS) -c $< -o $@

$(VMPROGS_BIN)/ekf-test-matrix: $(VMPROGS_OUT)/kfunc_matrix.o
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(VMPROGS_LIBS) -o $@

$(VMPROGS_BIN)/ekf-test-tutorial: $(VMPROGS_OUT)/tutorial_strstr.o
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(VMPROGS_LIBS) -o $@

.SECONDARY: $(addprefix $(VMPROGS_OUT)/,$(addsuffix .bpf.o,$(VMPROGS)) \
	$(addsuffix .skel.h,$(VMPROGS)) $(addsuffix .o,$(VMPROGS)))
