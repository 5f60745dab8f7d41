# SPDX-License-Identifier: GPL-2.0
#
# ebpf-kfunc: a BPF kfunc module built by DKMS for every installed kernel,
# and CO-RE eBPF tools that use it.
#
#   make            tools (and the module, if headers for KVER are present)
#   make kmod       the module against KVER= or KDIR= (default: running kernel)
#   make check      every test tier; last line "N passed, N failed, N skipped"
#   make deb        Debian packages (debian/debian.mk); make rpm: RPMs (rpm/rpm.mk)
#   make V=1        show the commands
#
# Everything built goes to build/ (BUILD=).

VERSION		:= $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)

prefix		?= /usr
sbindir		?= $(prefix)/sbin
datadir		?= $(prefix)/share
mandir		?= $(datadir)/man
srcdir_dkms	?= $(prefix)/src
DESTDIR		?=

CC		?= cc
CLANG		?= clang
LLVM_STRIP	?= llvm-strip
BPFTOOL		?= bpftool
PKG_CONFIG	?= pkg-config
CFLAGS		?= -O2 -g
WARNFLAGS	:= -Wall -Wextra -Wno-unused-parameter
CPPFLAGS	?=
LDFLAGS		?=

BUILD		?= build
ABS_BUILD	 = $(abspath $(BUILD))
KVER		?= $(shell uname -r)
KDIR		?= /lib/modules/$(KVER)/build

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif

.DEFAULT_GOAL := all
.PHONY: all tools kmod install install-dkms check check-unit check-host \
	check-vm fuzz bench demo clean rpm

all: tools
	$(Q)if [ -e "$(KDIR)/Makefile" ]; then \
		$(MAKE) --no-print-directory kmod; \
	else \
		echo "note: no kernel headers at $(KDIR): the module is left to DKMS (make install-dkms)"; \
	fi

# Test lists every fragment adds to (tests/tests.mk says what each holds).
UNIT_TESTS	:=
UNIT_DEPS	:=
HOST_TESTS	:=
HOST_DEPS	:=
VM_TESTS	:=
VM_TESTS_LAST	:=
VM_DEPS		:=
CHROOT_TESTS	:=
TEST_BINS	:=
VM_MODULES	:=

include kmod/kmod.mk
include bpf/bpf.mk
include tools/tools.mk
include tests/tests.mk
include bench/bench.mk
include debian/debian.mk
include rpm/rpm.mk

clean:
	$(Q)rm -rf $(BUILD)

demo: deps tools
	$(Q)tests/demo.sh
