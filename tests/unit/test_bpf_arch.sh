#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Compiles every bpf/*.bpf.c for each architecture in $EKF_BPF_ARCHES (set by
# tests/unit/bpf-arch.mk) with that architecture's bpf/arch/ARCH header, as
# bpf/bpf.mk does for the build machine's. One PASS or FAIL per object.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1
: "${EKF_CLANG:=clang}" "${EKF_BPF_OUT:=$repo/build/bpf-arch}"
if [ -z "${EKF_BPF_ARCHES:-}" ]; then
	echo "SKIP bpf-arch: bpf/arch/ has no header but this machine's"
	exit 0
fi
for arch in $EKF_BPF_ARCHES; do
	mkdir -p "$EKF_BPF_OUT/$arch"
	for src in bpf/*.bpf.c; do
		name=$(basename "$src" .bpf.c)
		# the path tracers use BPF v3 atomics, as in bpf/bpf.mk
		case $name in ebpf_opensnoop*|ebpf_unlinksnoop*) cpu=-mcpu=v3 ;; *) cpu= ;; esac
		if err=$("$EKF_CLANG" -O2 -g -target bpf -D__TARGET_ARCH_"$arch" $cpu -Wall -Werror \
			${EKF_BPF_INC:+-I"$EKF_BPF_INC"} -Ibpf -Ibpf/arch/"$arch" \
			-c "$src" -o "$EKF_BPF_OUT/$arch/$name.bpf.o" 2>&1); then
			echo "PASS bpf-arch: $src builds for $arch"
		else
			echo "FAIL bpf-arch: $src builds for $arch: $(echo "$err" | grep -m1 error)"
		fi
	done
done
