# SPDX-License-Identifier: GPL-2.0
#
# test_bpf_arch: every bpf/*.bpf.c also compiles for the other architecture
# whose type header bpf/arch/ has (arm64 on an x86 build machine, x86 on an
# arm64 one), so the per-architecture CO-RE views cannot rot unseen. Only
# compiled: no kernel of that architecture runs here.

BPF_OTHER_ARCH	:= $(filter-out $(BPF_ARCH),$(notdir $(wildcard bpf/arch/*)))

UNIT_TESTS	+= tests/unit/test_bpf_arch.sh
export EKF_CLANG	= $(CLANG)
export EKF_BPF_ARCHES	= $(BPF_OTHER_ARCH)
export EKF_BPF_INC	= /usr/include/$(BPF_MULTIARCH)
export EKF_BPF_OUT	= $(ABS_BUILD)/bpf-arch
