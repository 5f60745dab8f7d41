# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of the search and glob code of kmod/lib/, the very files the
# module builds, compiled for userspace:
#   test_search, test_glob	table, random differential vs glibc, cost
#				(with the -DEKF_STEP_COUNT step counter), under
#				ASan/UBSan when $(CC) can link them
#   lib-kernel-build		the same files compiled as the kernel does
#				(-D__KERNEL__, no libc headers, no FP/SIMD
#				registers, no VLAs) must leave no undefined symbol:
#				no libc call slipped in. Checked at build time, its
#				result lines replayed by the generated script.
# EKF_LIB_SAN= turns the sanitizers off.

EKF_LIB_UNIT	:= $(BUILD)/tests/unit
EKF_LIB_HDRS	:= $(wildcard kmod/lib/*.h) tests/lib/check.h
EKF_LIB_TESTS	:= $(EKF_LIB_UNIT)/test_search $(EKF_LIB_UNIT)/test_glob

# Probed once, when a recipe first needs it.
EKF_LIB_SAN_TRY	:= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
EKF_LIB_SAN	?= $(eval EKF_LIB_SAN := $(shell echo 'int main(void){return 0;}' | \
		   $(CC) $(EKF_LIB_SAN_TRY) -x c -o /dev/null - 2>/dev/null && \
		   echo '$(EKF_LIB_SAN_TRY)'))$(EKF_LIB_SAN)

EKF_LIB_KFLAGS	:= -D__KERNEL__ -nostdinc -ffreestanding -fno-builtin -fno-stack-protector \
		   -fno-pic -O2 -Werror -Wall -Wextra -Wno-unused-parameter -Wvla \
		   -Wframe-larger-than=512 -Wdeclaration-after-statement \
		   -Wmissing-prototypes -Wstrict-prototypes \
		   $(if $(filter x86_64 aarch64,$(shell uname -m)),-mgeneral-regs-only)

$(EKF_LIB_UNIT)/test_search: tests/unit/test_search.c kmod/lib/ekf_search.c $(EKF_LIB_HDRS) \
			     tests/unit/lib.mk
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNFLAGS) $(EKF_LIB_SAN) -DEKF_STEP_COUNT -Ikmod/lib \
		-o $@ $(filter %.c,$^) $(LDFLAGS)

$(EKF_LIB_UNIT)/test_glob: tests/unit/test_glob.c kmod/lib/ekf_glob.c $(EKF_LIB_HDRS) \
			   tests/unit/lib.mk
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNFLAGS) $(EKF_LIB_SAN) -DEKF_STEP_COUNT -Ikmod/lib \
		-o $@ $(filter %.c,$^) $(LDFLAGS)

# Stand-ins for the two kernel headers ekf_types.h includes.
$(EKF_LIB_UNIT)/kinc/linux/types.h $(EKF_LIB_UNIT)/kinc/linux/errno.h: tests/unit/lib.mk
	$(Q)mkdir -p $(@D)
	$(Q)printf '%s\n' 'typedef unsigned char u8;' 'typedef unsigned int u32;' \
		'typedef int s32;' > $(@D)/types.h
	$(Q)printf '%s\n' '#define E2BIG 7' '#define EINVAL 22' > $(@D)/errno.h

$(EKF_LIB_UNIT)/lib-kernel-build: kmod/lib/ekf_search.c kmod/lib/ekf_glob.c $(EKF_LIB_HDRS) \
				  $(EKF_LIB_UNIT)/kinc/linux/types.h \
				  $(EKF_LIB_UNIT)/kinc/linux/errno.h
	$(call msg,KCHECK,$(filter %.c,$^))
	$(Q)set -u; rc=0; { echo '#!/bin/sh'; \
	for f in $(filter %.c,$^); do \
		n=lib-kernel-build-$$(basename $$f .c); o=$(EKF_LIB_UNIT)/$$n.o; \
		if ! err=$$($(CC) $(EKF_LIB_KFLAGS) -I$(EKF_LIB_UNIT)/kinc -Ikmod/lib -c $$f -o $$o 2>&1); then \
			echo "echo 'FAIL $$n: does not compile as kernel code'"; rc=1; \
			printf '%s\n' "$$err" | sed "s/'//g; s/^/echo '# /; s/\$$/'/"; \
		elif und=$$(nm -u $$o | awk '{print $$NF}' | tr '\n' ' ') && [ -n "$$und" ]; then \
			echo "echo 'FAIL $$n: calls outside the file: $$und'"; rc=1; \
		else \
			echo "echo 'PASS $$n'"; \
		fi; \
	done; echo "exit $$rc"; } > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

UNIT_TESTS	+= $(EKF_LIB_TESTS) $(EKF_LIB_UNIT)/lib-kernel-build
UNIT_DEPS	+= $(EKF_LIB_TESTS) $(EKF_LIB_UNIT)/lib-kernel-build
