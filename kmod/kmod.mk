# SPDX-License-Identifier: GPL-2.0
#
# The module's source tree as DKMS wants it (dkms.conf + kmod/), and a
# development build of the module from that same tree.

DKMS_NAME	:= ebpf-kfunc
DKMS_DIR	:= $(srcdir_dkms)/$(DKMS_NAME)-$(VERSION)
# Sources only: generated headers and kbuild output stay out.
KMOD_SOURCES	:= $(filter-out kmod/ekf_target.h kmod/ekf_stub_reason.h %.mod.c, \
		   $(wildcard kmod/Makefile kmod/Kbuild kmod/*.sh kmod/*.c kmod/*.h \
			      kmod/lib/*.c kmod/lib/*.h \
			      kmod/btf/Makefile kmod/btf/*.c kmod/btf/*.h))
KMOD_STAGE	:= $(BUILD)/kmod/$(KVER)

install-dkms:
	$(call msg,INSTALL,$(DESTDIR)$(DKMS_DIR))
	$(Q)install -d $(DESTDIR)$(DKMS_DIR)
	$(Q)install -m 0644 dkms.conf $(DESTDIR)$(DKMS_DIR)/dkms.conf
	$(Q)for f in $(KMOD_SOURCES); do \
		mode=0644; [ -x $$f ] && mode=0755; \
		install -D -m $$mode $$f $(DESTDIR)$(DKMS_DIR)/$$f || exit 1; \
	done

# A development build runs the very tree DKMS would get.
kmod:
	$(Q)rm -rf $(KMOD_STAGE)
	$(Q)$(MAKE) --no-print-directory install-dkms DESTDIR=$(abspath $(KMOD_STAGE)) srcdir_dkms= DKMS_DIR=/src
	$(call msg,KMOD,$(KVER))
	$(Q)$(MAKE) -C $(KMOD_STAGE)/src/kmod KVER=$(KVER) KDIR=$(KDIR) EKF_VERSION=$(VERSION)
	$(Q)echo "module: $(KMOD_STAGE)/src/kmod/ebpf_kfunc.ko"
