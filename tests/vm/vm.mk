# SPDX-License-Identifier: GPL-2.0
#
# check-vm: host-side tests against the suites' chroots (the BTF step, the
# resolver, DKMS), then each kernel booted with the module (tests/vm/run).

CHROOT_TESTS	+= tests/vm/build/dkms-build.sh \
		   tests/vm/build/resolver-vs-kernel.sh \
		   tests/vm/build/dkms-unsupported.sh \
		   tests/vm/build/bad-btf-modules.sh
# Runs last in each VM: it unloads the module and loads it back.
VM_TESTS_LAST	+= tests/vm/suite/bad-btf.sh

# The broken modules bad-btf-modules.sh leaves for bad-btf.sh.
export EKF_VM_INCLUDE = $(abspath $(BUILD))/tests/kos

# The harness builds into and copies from this build directory.
export EKF_BUILD := $(ABS_BUILD)

# The cold path (a new machine): both chroots and the three DKMS builds,
# bookworm's and sid's in parallel.
.PHONY: vm-prepare vm-clean
vm-prepare:
	$(Q)set -e; \
	( tests/vm/run --kernel bookworm --print-module && \
	  tests/vm/run --kernel bookworm-backports --print-module ) >/dev/null & a=$$!; \
	tests/vm/run --kernel sid --print-module >/dev/null & b=$$!; \
	wait $$a; wait $$b
VM_DEPS		+= tools vm-prepare

# The run logs; the chroots and downloads stay in $(EKF_CACHE).
vm-clean:
	$(Q)rm -rf $(BUILD)/vm
