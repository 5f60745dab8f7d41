# SPDX-License-Identifier: GPL-2.0
#
# make bench-sockmap: ebpf-sockmap against plain loopback TCP on this
# machine (root, no VM), same run, medians of SOCKMAP_BENCH_ROUNDS
# interleaved runs: 64-byte round trip p50/p99, one-way bulk with 64 KiB
# and 4 KiB writes, connection rate. Results: $(BENCH_OUT)/sockmap.jsonl
# and a table (bench/report). The goals are in bench/sockmap-bench.

SOCKMAP_BENCH_ROUNDS ?= 5
BENCH_TARGETS	+= bench-sockmap

.PHONY: bench-sockmap
bench-sockmap: $(BUILD)/bin/ebpf-sockmap $(SOCKMAP_ECHO)
	$(Q)mkdir -p $(BENCH_OUT)
	$(Q)echo "bench: ebpf-sockmap against plain loopback TCP (host, about three minutes)"
	$(Q)bench/sockmap-bench $(abspath $(SOCKMAP_ECHO)) $(abspath $(BUILD))/bin/ebpf-sockmap \
		$(SOCKMAP_BENCH_ROUNDS) > $(BENCH_OUT)/sockmap.jsonl.tmp
	$(Q)mv $(BENCH_OUT)/sockmap.jsonl.tmp $(BENCH_OUT)/sockmap.jsonl
	$(Q)bench/report $(BENCH_OUT)/sockmap.jsonl | tee $(BENCH_OUT)/sockmap.txt
	$(Q)echo "results: $(BENCH_OUT)/sockmap.jsonl"
