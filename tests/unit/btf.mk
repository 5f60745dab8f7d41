# SPDX-License-Identifier: GPL-2.0
#
# ekf-btf (kmod/btf), the module build's BTF tool: extract, has-func,
# resolve, verify; and resolve checked byte for byte against the kernel's
# own resolve_btfids (downloaded once, cached; skipped without a network).

EKF_BTF_BIN	= $(ABS_BUILD)/btf/ekf-btf
export EKF_BTF	= $(EKF_BTF_BIN)

UNIT_TESTS	+= tests/unit/test_btf.sh tests/unit/test_btf_vs_kernel.sh
UNIT_DEPS	+= ekf-btf-for-tests

.PHONY: ekf-btf-for-tests
ekf-btf-for-tests:
	$(Q)$(MAKE) --no-print-directory -C kmod/btf OUT=$(ABS_BUILD)/btf
