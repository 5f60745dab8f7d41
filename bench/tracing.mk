# SPDX-License-Identifier: GPL-2.0
#
# make bench-tracing: what ebpf-opensnoop costs (bench/trace_bench.c),
# against no tracer and against Debian's bpftrace, in the same run:
#   host part (the running kernel, no module): open+close overhead with
#     every event delivered, a non-matching --match (userspace here), loss
#     with two producers, start-up to the first event, max RSS, bpftrace;
#   VM part (TRACE_BENCH_VM_KERNELS, default sid; empty: none): a
#     non-matching --match in the kernel vs none and its floor (--pid 1),
#     with the tool's default flavour (fexit) and with tp_btf; start-up and
#     peak RSS of the full object; CPU per event of in-kernel vs userspace
#     filtering (the module unloaded for the latter).
# Results: $(BENCH_OUT)/tracing.jsonl and a table (bench/report).
#
#   make bench-tracing [TRACE_BENCH_ARGS=--quick] [TRACE_BENCH_VM_KERNELS="bookworm sid"]

TRACE_BENCH		:= $(BENCH_OUT)/trace-bench
TRACE_BENCH_JSON	:= $(BENCH_OUT)/tracing.jsonl
TRACE_BENCH_ARGS	?=
TRACE_BENCH_VM_KERNELS	?= sid
TRACE_BENCH_SHARE	:= $(BENCH_OUT)/trace-vm

BENCH_TARGETS	+= bench-tracing
.PHONY: bench-tracing

# static: it also runs in the VM's initramfs
$(TRACE_BENCH): bench/trace_bench.c bench/tracing.mk
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -D_GNU_SOURCE $(LDFLAGS) $< -static -pthread -o $@

bench-tracing: $(TRACE_BENCH) $(BUILD)/bin/ebpf-opensnoop
	$(Q)rm -f $(TRACE_BENCH_JSON).tmp; status=0; \
	echo "bench-tracing: host ($$(uname -r))"; \
	$(TRACE_BENCH) --tool $(abspath $(BUILD))/bin/ebpf-opensnoop --label host $(TRACE_BENCH_ARGS) \
		>> $(TRACE_BENCH_JSON).tmp || status=1; \
	for k in $(TRACE_BENCH_VM_KERNELS); do \
		echo "bench-tracing: $$k (VM under TCG)"; \
		rm -rf $(TRACE_BENCH_SHARE); mkdir -p $(TRACE_BENCH_SHARE); \
		cp $(TRACE_BENCH) $(BUILD)/bin/ebpf-opensnoop $(TRACE_BENCH_SHARE)/; \
		tests/vm/run --kernel $$k --share $(abspath $(TRACE_BENCH_SHARE)) -- \
			$(abspath $(TRACE_BENCH_SHARE))/trace-bench --part vm --label vm-$$k \
			--tool $(abspath $(TRACE_BENCH_SHARE))/ebpf-opensnoop $(TRACE_BENCH_ARGS) \
			> $(BENCH_OUT)/trace-vm-$$k.log 2>&1 || { status=1; echo "bench-tracing: $$k failed, see $(BENCH_OUT)/trace-vm-$$k.log"; }; \
		tr -d '\r' < $(BENCH_OUT)/trace-vm-$$k.log | grep '^{' >> $(TRACE_BENCH_JSON).tmp || true; \
	done; \
	mv $(TRACE_BENCH_JSON).tmp $(TRACE_BENCH_JSON); \
	bench/report $(TRACE_BENCH_JSON) | tee $(TRACE_BENCH_JSON:.jsonl=.txt); \
	echo "results: $(TRACE_BENCH_JSON)"; \
	exit $$status
