# SPDX-License-Identifier: GPL-2.0
#
# make bench-net: ebpf-xdp-blocklist on this machine's kernel (no VM):
# program cost per packet (BPF_PROG_TEST_RUN) for 1..1M rules and against
# xdp-filter (xdp-tools), memory of 1M rules, time to `load` 1M rules, and
# drops under trafgen (netsniff-ng) against an nftables drop. Needs root.
# Results: $(BENCH_OUT)/net.jsonl (and .txt, bench/report).
#
#   make bench-net [BENCH_NET_ARGS=--quick]

BENCH_TARGETS	+= bench-net
BENCH_NET_BIN	:= $(BENCH_OUT)/ekf-net-bench
BENCH_NET_ARGS	?=

$(BENCH_NET_BIN): bench/net_bench.c tools/ebpf-xdp-blocklist.h $(BUILD)/bpf/ebpf_xdp_blocklist.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -D_GNU_SOURCE -I$(BUILD)/bpf -Itools $(LIBBPF_CFLAGS) \
		$< $(LDFLAGS) $(TOOLS_LIBS) -o $@

.PHONY: bench-net
bench-net: $(BENCH_NET_BIN) $(BUILD)/bin/ebpf-xdp-blocklist
	$(Q)bench/net-bench.sh $(BENCH_NET_ARGS) > $(BENCH_OUT)/net.jsonl.tmp && \
		mv $(BENCH_OUT)/net.jsonl.tmp $(BENCH_OUT)/net.jsonl
	$(Q)bench/report $(BENCH_OUT)/net.jsonl | tee $(BENCH_OUT)/net.txt
	@echo "results: $(BENCH_OUT)/net.jsonl"
