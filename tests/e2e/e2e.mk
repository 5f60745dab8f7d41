# SPDX-License-Identifier: GPL-2.0
#
# The end-to-end story of the Debian packages in a bookworm system image
# (tests/e2e/README.md). It runs with check-vm's host-side tests
# (CHROOT_TESTS, so its results land in vm-chroot.log), once the packages
# and their local APT repositories are built (pkg-prepare, tests/pkg/pkg.mk);
# `make check-e2e` runs it
# alone (results in $(RESULTS)/e2e.log).

CHROOT_TESTS	+= tests/e2e/run

.PHONY: check-e2e e2e-clean
check-e2e: repo repo-prev
	$(Q)$(RUN_TIER) $(RESULTS)/e2e.log -- tests/e2e/run

# The run's logs; the base image and downloads stay in $(EKF_CACHE)/e2e.
e2e-clean:
	$(Q)rm -rf $(BUILD)/e2e
