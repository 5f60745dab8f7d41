# SPDX-License-Identifier: GPL-2.0
#
# Packaging tests, on the host against the packages of `make deb` (and the
# previous version's, make deb-prev / repo-prev), in chroots of their own
# (never the VM harness's): check-vm runs them with its CHROOT_TESTS, so
# they are part of `make check`; `make check-pkg` runs only them.
#
#   lintian.sh      lintian --pedantic --info on the .changes: no E:/W:
#   autopkgtest.sh  debian/tests (dkms-autopkgtest, dkms-module-purge,
#                   ebpf-tools-smoke) by autopkgtest, in an overlay of the
#                   bookworm test chroot with kernels 6.1 and 6.12
#   dkms-upgrade.sh install 0.0.9-1, upgrade to 0.1.0-1, purge, with real
#                   DKMS builds (running kernel without headers)
#   piuparts.sh     piuparts install-purge and install-upgrade-purge
#
# Cached in $(EKF_CACHE): the test chroot (pkg-test/bookworm, tests/pkg/
# testbed), piuparts' base tarball, and passes by input hash
# (pkg-results/; EKF_PKG_RERUN=1 runs again). Logs in $(BUILD)/pkg/.

PKG_TESTS	:= tests/pkg/lintian.sh tests/pkg/autopkgtest.sh \
		   tests/pkg/dkms-upgrade.sh tests/pkg/piuparts.sh
CHROOT_TESTS	+= $(PKG_TESTS)

.PHONY: pkg-prepare check-pkg

# The test chroot and piuparts' base tarball are made while the packages
# build. A failure here is reported by the tests (they find nothing to
# test: stale packages are removed), and does not stop the rest of
# check-vm, nor the e2e test, which checks for the repositories itself.
pkg-prepare:
	-$(Q)tests/pkg/testbed & a=$$!; tests/pkg/piuparts.sh --prepare & b=$$!; \
	$(MAKE) --no-print-directory repo repo-prev || { s=1; \
		echo "pkg-prepare: building the packages failed: removing the old ones so that no test uses them"; \
		rm -rf $(DEB_REPO) $(DEB_REPO_PREV) $(DEB_DIR)/*.deb $(DEB_PREV_DIR)/*.deb; }; \
	wait $$a || s=1; wait $$b || s=1; exit $${s:-0}

check-vm: pkg-prepare

check-pkg: pkg-prepare
	$(Q)$(RUN_TIER) $(RESULTS)/pkg.log -- $(PKG_TESTS)
