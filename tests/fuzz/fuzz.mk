# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer differential targets for the search and glob code of kmod/lib/
# (the very files the module builds), against glibc; each also asserts the
# cost bound through the -DEKF_STEP_COUNT step counter.
#
#   make fuzz [FUZZ_SECONDS=60]	each target in turn for FUZZ_SECONDS
#   check-unit			each target for FUZZ_SMOKE_SECONDS (smoke.sh, through
#				the $(BUILD)/fuzz/smoke wrapper)
#
# Corpora and crash artifacts stay under $(BUILD)/fuzz/. Needs clang with
# libFuzzer (clang 14: libclang-rt-14-dev); without it the smoke run SKIPs.

FUZZ_CC			?= clang
FUZZ_SECONDS		?= 60
FUZZ_SMOKE_SECONDS	?= 20
FUZZ_DIR		:= $(BUILD)/fuzz
FUZZ_TARGETS		:= fuzz_search fuzz_glob
FUZZ_BINS		:= $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
FUZZ_FLAGS		:= -g -O1 -fsanitize=fuzzer,address,undefined \
			   -fno-sanitize-recover=all -DEKF_STEP_COUNT -Ikmod/lib
# Comparison tracing would be most of the search target's time (its inner
# loops are byte compares), for little: its input is mapped, not parsed.
FUZZ_FLAGS_fuzz_search	:= -fno-sanitize-coverage=trace-cmp
FUZZ_HDRS		:= $(wildcard kmod/lib/*.h)
FUZZ_PROBE		:= echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
			   $(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c -o /dev/null - \
			   >/dev/null 2>&1

.PHONY: fuzz fuzz-bins fuzz-bins-if-possible

$(FUZZ_DIR)/fuzz_search: tests/fuzz/fuzz_search.c kmod/lib/ekf_search.c $(FUZZ_HDRS) \
			 tests/fuzz/fuzz.mk
$(FUZZ_DIR)/fuzz_glob: tests/fuzz/fuzz_glob.c kmod/lib/ekf_glob.c $(FUZZ_HDRS) \
		       tests/fuzz/fuzz.mk
$(FUZZ_BINS):
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_FLAGS_$(@F)) $(WARNFLAGS) -o $@ $(filter %.c,$^)

fuzz-bins: $(FUZZ_BINS)

# check-unit must not fail to build where clang has no libFuzzer. A tier
# command is one word, so the smoke run's arguments go in a wrapper, written
# every time as FUZZ_SMOKE_SECONDS may change.
fuzz-bins-if-possible:
	$(Q)if $(FUZZ_PROBE); then \
		$(MAKE) --no-print-directory $(if $(Q),-s) fuzz-bins; \
	else \
		echo "note: $(FUZZ_CC) cannot build libFuzzer targets: fuzz smoke run skipped"; \
		rm -f $(FUZZ_BINS); \
	fi
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)printf '%s\n' '#!/bin/sh' 'exec $(abspath tests/fuzz/smoke.sh) \
		$(abspath $(FUZZ_DIR)) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)' \
		> $(FUZZ_DIR)/smoke && chmod +x $(FUZZ_DIR)/smoke

fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/smoke.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

UNIT_TESTS	+= $(FUZZ_DIR)/smoke
UNIT_DEPS	+= fuzz-bins-if-possible
