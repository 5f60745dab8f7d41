# SPDX-License-Identifier: GPL-2.0
#
# make bench: kfunc speed inside the test VMs (bookworm and sid at least),
# with bpf_prog_test_run(repeat): ekf_memmem/ekf_strstr against the same
# search as a BPF loop and, where the kernel has it, its own bpf_strnstr;
# pathological against typical input; and the DKMS build time of the module
# for one kernel. Results: $(BENCH_JSON), one JSON object a line
# ({"name", "value", "unit", "baseline", ...}), and a table (bench/report).
# Under TCG everything is slow: the ratios within one run are what count.
#
#   make bench [BENCH_KERNELS="bookworm sid"] [BENCH_ARGS=--quick]
#              [BENCH_DKMS_KERNEL=bookworm]   (empty: no DKMS timing)
#   make bench-kfunc    the VM part alone
#   make bench-native [BENCH_NATIVE_ARGS=--quick]
#              kmod/lib/ekf_search.c in userspace (built as the kernel would:
#              general registers only) against a naive scan and glibc, ns/call

BENCH_OUT	:= $(BUILD)/bench
BENCH_BIN	:= $(BENCH_OUT)/ekf-bench
BENCH_JSON	:= $(BENCH_OUT)/kfunc.jsonl
BENCH_KERNELS	?= bookworm sid
BENCH_ARGS	?=
BENCH_DKMS_KERNEL ?= bookworm

BENCH_BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_x86 \
	-I/usr/include/x86_64-linux-gnu -Ibpf -Ibench -Wall
BENCH_CFLAGS	:= $(CFLAGS) $(WARNFLAGS) -D_GNU_SOURCE -I$(BENCH_OUT) -Ibench

.PHONY: bench bench-kfunc bench-bin bench-native

# Other fragments (bench/*.mk) add their targets to BENCH_TARGETS; `make
# bench` runs them one after another (never in parallel: each measures
# against a baseline of its own run) and fails if any failed. Each writes
# $(BENCH_OUT)/NAME.jsonl.
BENCH_TARGETS	:= bench-kfunc
-include $(filter-out bench/bench.mk,$(wildcard bench/*.mk))

bench:
	$(Q)status=0; for t in $(BENCH_TARGETS); do \
		$(MAKE) --no-print-directory $$t || { status=1; echo "bench: $$t failed"; }; \
	done; exit $$status

bench-bin: $(BENCH_BIN)

$(BENCH_OUT)/%.bpf.o: bench/%.bpf.c bench/kfunc_bench.h bpf/ekf_kfuncs.bpf.h kmod/lib/ekf_limits.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BENCH_BPF_CFLAGS) -c $< -o $@

$(BENCH_OUT)/%.skel.h: $(BENCH_OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@.tmp
	$(Q)mv $@.tmp $@

$(BENCH_BIN): bench/kfunc_bench.c bench/kfunc_bench.h bench/bench_text.h \
		$(BENCH_OUT)/kfunc_bench.skel.h $(BENCH_OUT)/kfunc_bench_strnstr.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(LDFLAGS) $< -static -lbpf -lelf -lz -lzstd -lm -o $@

.SECONDARY: $(BENCH_OUT)/kfunc_bench.bpf.o $(BENCH_OUT)/kfunc_bench_strnstr.bpf.o \
	$(BENCH_OUT)/kfunc_bench.skel.h $(BENCH_OUT)/kfunc_bench_strnstr.skel.h

# One VM per kernel, given only the bench binary (tests/vm/run --share);
# the JSON lines of each go to the results, the rest of its output to
# $(BENCH_OUT)/vm-KERNEL.log.
BENCH_SHARE	:= $(BENCH_OUT)/vm-share

bench-kfunc: $(BENCH_BIN)
	$(Q)rm -rf $(BENCH_SHARE) $(BENCH_JSON).tmp; mkdir -p $(BENCH_SHARE); \
	cp $(BENCH_BIN) $(BENCH_SHARE)/; status=0; \
	for k in $(BENCH_KERNELS); do \
		echo "bench: $$k (VM under TCG, a few minutes)"; \
		tests/vm/run --kernel $$k --share $(abspath $(BENCH_SHARE)) -- \
			$(abspath $(BENCH_SHARE))/ekf-bench --label $$k $(BENCH_ARGS) \
			> $(BENCH_OUT)/vm-$$k.log 2>&1 || { status=1; echo "bench: $$k failed, see $(BENCH_OUT)/vm-$$k.log"; }; \
		tr -d '\r' < $(BENCH_OUT)/vm-$$k.log | grep '^{' >> $(BENCH_JSON).tmp || true; \
	done; \
	if [ -n "$(BENCH_DKMS_KERNEL)" ]; then \
		bench/dkms-time $(BENCH_DKMS_KERNEL) >> $(BENCH_JSON).tmp || status=1; \
	fi; \
	mv $(BENCH_JSON).tmp $(BENCH_JSON); \
	bench/report $(BENCH_JSON) | tee $(BENCH_JSON:.jsonl=.txt); \
	echo "results: $(BENCH_JSON)"; \
	exit $$status

# The search code natively: no VM, seconds instead of minutes.
BENCH_NATIVE	:= $(BENCH_OUT)/search-native
BENCH_NATIVE_ARGS ?=
BENCH_NATIVE_LIBFLAGS := $(if $(filter x86_64 aarch64,$(shell uname -m)),-mgeneral-regs-only) -fno-builtin

$(BENCH_NATIVE): bench/search_native.c bench/bench_text.h kmod/lib/ekf_search.c $(wildcard kmod/lib/*.h) bench/bench.mk
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) $(BENCH_NATIVE_LIBFLAGS) -Ikmod/lib -c kmod/lib/ekf_search.c \
		-o $@-lib.o
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -Ikmod/lib -o $@ bench/search_native.c $@-lib.o $(LDFLAGS)

bench-native: $(BENCH_NATIVE)
	$(Q)$(BENCH_NATIVE) $(BENCH_NATIVE_ARGS)
