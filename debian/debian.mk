# SPDX-License-Identifier: GPL-2.0
#
# Debian packages, built in a clean chroot of the target suite as a buildd
# would (debian/tools/build-deb; the chroot is cached in
# $(EKF_CACHE)/build-chroot/SUITE), and local APT repositories of them.
#
#   make deb            build/deb/: ebpf-kfunc_VERSION.dsc, .orig.tar.xz,
#                       .debian.tar.xz, ebpf-kfunc-dkms_VERSION_all.deb,
#                       ebpf-tools_VERSION_ARCH.deb (+ -dbgsym), .changes,
#                       .buildinfo, .build (the log); VERSION from
#                       debian/changelog (0.1.0-1)
#   make repo           build/deb/repo/: flat APT repository of those .debs:
#                         deb [trusted=yes] file:/ABS/build/deb/repo ./
#   make deb-prev       build/deb/prev/: the same tree as DEB_PREV_VERSION
#                       (0.0.9-1), a lower version for upgrade tests
#   make repo-prev      build/deb/repo-prev/: flat APT repository of those
#   make deb DEB_VERSION=0.0.9-1    that version into build/deb/0.0.9-1/
#                       (DEB_OUT= to choose the directory)
#   DEB_SUITE=bookworm  the suite of the build chroot
#
# Each reruns in about a second when nothing changed (a stamp of the
# sources, version and suite).

DEB_SUITE		?= bookworm
DEB_DIR			:= $(BUILD)/deb
DEB_PREV_VERSION	?= 0.0.9-1
DEB_PREV_DIR		:= $(DEB_DIR)/prev
DEB_REPO		:= $(DEB_DIR)/repo
DEB_REPO_PREV		:= $(DEB_DIR)/repo-prev
DEB_VERSION		?=
DEB_OUT			?= $(if $(DEB_VERSION),$(DEB_DIR)/$(DEB_VERSION),$(DEB_DIR))
DEB_BUILD		:= debian/tools/build-deb --suite $(DEB_SUITE)

# Where the packaging tests find them.
export EKF_DEB_DIR	:= $(abspath $(DEB_DIR))
export EKF_DEB_PREV_DIR	:= $(abspath $(DEB_PREV_DIR))
export EKF_DEB_REPO	:= $(abspath $(DEB_REPO))
export EKF_DEB_REPO_PREV := $(abspath $(DEB_REPO_PREV))
export EKF_DEB_SUITE	:= $(DEB_SUITE)

.PHONY: deb deb-prev repo repo-prev deb-clean

deb:
	$(Q)$(DEB_BUILD) --out $(DEB_OUT) $(if $(DEB_VERSION),--version $(DEB_VERSION))

deb-prev:
	$(Q)$(DEB_BUILD) --out $(DEB_PREV_DIR) --version $(DEB_PREV_VERSION)

repo: deb
	$(Q)debian/tools/make-repo $(DEB_REPO) $(wildcard $(DEB_OUT)/*.deb)

repo-prev: deb-prev
	$(Q)debian/tools/make-repo $(DEB_REPO_PREV) $(wildcard $(DEB_PREV_DIR)/*.deb)

# The packages; the chroots stay in $(EKF_CACHE).
deb-clean:
	$(Q)rm -rf $(DEB_DIR)

