# SPDX-License-Identifier: GPL-2.0
#
# RPM packages for RHEL 9/10 (EPEL) and Fedora, built with this machine's
# rpmbuild (rpm/build-rpm: Debian's rpm, --nodeps, rpm/macros.debian-host
# for the Red Hat macros it lacks), and their tests.
#
#   make rpm            build/rpm/: ebpf-kfunc-VERSION-1.src.rpm,
#                       ebpf-kfunc-dkms-VERSION-1.noarch.rpm,
#                       ebpf-tools-VERSION-1.ARCH.rpm, rpmbuild.log
#                       (VERSION and Release from rpm/ebpf-kfunc.spec)
#   make rpm-prev       build/rpm/prev/: the same tree as RPM_PREV_VERSION
#                       (0.0.9), a lower version for the upgrade test
#   make rpm-release    build/rpm/release/: the same version with the next
#                       Release, for the same-version upgrade test
#   make check-rpm      only the RPM tests (results/rpm.log)
#
# Each rebuilds in about a second when nothing changed (a stamp of the
# sources, spec and version).
#
# Tests (tests/pkg/rpm*.sh), run by check-vm with its CHROOT_TESTS after
# the Debian packaging tests, so part of `make check`:
#   rpmlint.sh          rpmlint -r rpm/ebpf-kfunc.rpmlintrc: no E:/W:
#   rpm-contents.sh     the RPMs' files match the .debs' (make deb)
#   rpm-scriptlets.sh   rpm -ivh 0.0.9, -Uvh 0.1.0-1, -Uvh 0.1.0-2, -e
#                       in the bookworm test chroot (tests/pkg/testbed)
#                       with rpm added, kernels in the RHEL/Fedora layout;
#                       real DKMS builds; each module built then boots in
#                       QEMU (tests/vm/run --no-module): insmod, BTF
#                       accepted, the RPM's ebpf-kfunc selftest. Passes
#                       cached by input hash in
#                       $(EKF_CACHE)/pkg-results (EKF_PKG_RERUN=1 reruns).

RPM_DIR			:= $(BUILD)/rpm
RPM_PREV_VERSION	?= 0.0.9
RPM_PREV_DIR		:= $(RPM_DIR)/prev
RPM_REL_DIR		:= $(RPM_DIR)/release
RPM_NEXT_RELEASE	:= $(shell echo $$(( $$(sed -n 's/^Release:[[:space:]]*\([0-9]*\).*/\1/p' rpm/ebpf-kfunc.spec) + 1 )))

# Where the RPM tests find them.
export EKF_RPM_DIR	:= $(abspath $(RPM_DIR))
export EKF_RPM_PREV_DIR	:= $(abspath $(RPM_PREV_DIR))
export EKF_RPM_REL_DIR	:= $(abspath $(RPM_REL_DIR))

RPM_TESTS	:= tests/pkg/rpmlint.sh tests/pkg/rpm-contents.sh tests/pkg/rpm-scriptlets.sh
CHROOT_TESTS	+= $(RPM_TESTS)

.PHONY: rpm rpm-prev rpm-release rpm-prepare rpm-clean check-rpm

rpm:
	$(Q)rpm/build-rpm --out $(RPM_DIR)

rpm-prev:
	$(Q)rpm/build-rpm --version $(RPM_PREV_VERSION) --out $(RPM_PREV_DIR)

rpm-release:
	$(Q)rpm/build-rpm --release $(RPM_NEXT_RELEASE) --out $(RPM_REL_DIR)

# A failure here is reported by the tests (they find nothing to test:
# stale packages are removed) and does not stop the rest of check-vm.
rpm-prepare:
	-$(Q)$(MAKE) --no-print-directory rpm rpm-prev rpm-release || { \
		echo "rpm-prepare: building the RPMs failed: removing the old ones so that no test uses them"; \
		rm -f $(RPM_DIR)/*.rpm $(RPM_PREV_DIR)/*.rpm $(RPM_REL_DIR)/*.rpm; exit 1; }

check-vm: rpm-prepare

check-rpm: rpm-prepare
	$(Q)$(MAKE) --no-print-directory deb
	$(Q)$(RUN_TIER) $(RESULTS)/rpm.log -- $(RPM_TESTS)

# The packages; the test chroot layer stays in $(EKF_CACHE).
rpm-clean:
	$(Q)rm -rf $(RPM_DIR)
