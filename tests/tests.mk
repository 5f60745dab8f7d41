# SPDX-License-Identifier: GPL-2.0
#
# Test tiers. Each tier runs commands that print result lines
# ("PASS name", "FAIL name: why", "SKIP name: why"; tests/lib/result.sh,
# tests/lib/check.h) into $(BUILD)/results/TIER.log; `make check` runs every
# tier and tests/summary prints the totals as the last line.
#
# Fragments (here and elsewhere; the top-level Makefile empties these
# before any fragment is read) add to:
#   UNIT_TESTS	commands for check-unit (built by the fragment's own rules)
#   UNIT_DEPS	what check-unit needs built first
#   HOST_TESTS	commands for check-host
#   HOST_DEPS	what check-host needs built first
#   VM_TESTS	scripts run inside each VM kernel by check-vm
#   VM_TESTS_LAST	the same, run after all of VM_TESTS
#   CHROOT_TESTS	commands check-vm runs on the host first, against the
#		suites' chroots (DKMS, BTF step, resolver); tests/vm/chroot
#   VM_DEPS	what check-vm needs built first
#   TEST_BINS	test programs put on PATH inside the VM ($(BUILD)/tests/bin)
#   VM_MODULES	in-tree kernel modules check-vm loads in each VM (veth, ...)

RESULTS		:= $(BUILD)/results
VM_KERNELS	?= bookworm bookworm-backports sid

-include $(sort $(wildcard tests/unit/*.mk tests/fuzz/*.mk tests/host/*.mk tests/vm/*.mk \
				   tests/pkg/*.mk tests/e2e/*.mk))

RUN_TIER = tests/run-tier

.PHONY: check check-unit check-host check-vm deps

deps:
	$(Q)tests/install-deps

check: deps
	$(Q)rm -rf $(RESULTS)
	-$(Q)$(MAKE) --no-print-directory check-unit
	-$(Q)$(MAKE) --no-print-directory check-host
	-$(Q)$(MAKE) --no-print-directory check-vm
	$(Q)tests/summary $(RESULTS)/unit.log $(RESULTS)/host.log $(RESULTS)/vm-chroot.log $(addprefix $(RESULTS)/vm-,$(addsuffix .log,$(VM_KERNELS)))

check-unit: $(UNIT_DEPS)
	$(Q)$(RUN_TIER) $(RESULTS)/unit.log -- $(UNIT_TESTS)

check-host: $(HOST_DEPS)
	$(Q)$(RUN_TIER) $(RESULTS)/host.log -- $(HOST_TESTS)

check-vm: export EKF_VM_MODULES = $(sort $(VM_MODULES))
check-vm: $(VM_DEPS)
	$(Q)$(RUN_TIER) $(RESULTS)/vm-chroot.log -- $(CHROOT_TESTS) || status=1; \
	for k in $(VM_KERNELS); do \
		$(RUN_TIER) --vm $$k $(RESULTS)/vm-$$k.log -- $(VM_TESTS) $(VM_TESTS_LAST) || status=1; \
	done; exit $${status:-0}
