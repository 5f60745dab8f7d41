#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds deliberately broken modules for tests/vm/suite/bad-btf.sh, into
# build/tests/kos/KVER/:
#   unresolved.ko  BTF present, .BTF_ids zeroed as if resolve_btfids never
#                  ran, for every suite's kernel;
#   wrongbase.ko   6.1 only: BTF made against 6.12's BTF, which is what the
#                  tutorial's copy of another kernel's BTF amounts to.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$repo/tests/lib/result.sh"
out_root=$repo/build/tests/kos

build_in() {
	local suite=$1 kver=$2 what=$3 work out
	work=$(mktemp -d "${TMPDIR:-/tmp}/ekf-badko.XXXXXX")
	make -s -C "$repo" install-dkms DESTDIR="$work" srcdir_dkms= DKMS_DIR=/src >/dev/null
	mkdir -p "$out_root/$kver"
	out=$("$repo/tests/vm/chroot" "$suite" --bind "$work" -- bash -c '
		set -euo pipefail
		kver='"$kver"' what='"$what"'
		kdir=/usr/src/linux-headers-$kver
		cd '"$work"'/src/kmod
		make -s -C btf >/dev/null
		printf "#define EKF_VERSION \"test-%s\"\n" "$what" > ekf_target.h
		case $what in
		unresolved)
			# a good build, then every id and set count zeroed: what a
			# module looks like when resolve_btfids never ran on it
			make -s KVER="$kver" KDIR="$kdir" EKF_VERSION=test-unresolved >/dev/null 2>&1
			objcopy --dump-section .BTF_ids=ids.bin ebpf_kfunc.ko
			head -c "$(stat -c %s ids.bin)" /dev/zero > zero.bin
			objcopy --update-section .BTF_ids=zero.bin ebpf_kfunc.ko ;;
		wrongbase)
			other=$(ls -d /usr/src/linux-headers-*/vmlinux | grep -v "$kver" | head -n 1)
			make -s -C "$kdir" M="$PWD" modules >/dev/null 2>&1
			LLVM_OBJCOPY=objcopy pahole -J --btf_gen_floats -j --lang_exclude=rust --btf_base "$other" ebpf_kfunc.ko
			btf/ekf-btf resolve -b "$other" ebpf_kfunc.ko ;;
		esac
		cp ebpf_kfunc.ko "'"$out_root/$kver/$what.ko"'"
		echo built
	' 2>&1) || true
	rm -rf "$work"
	if grep -q '^built$' <<<"$out"; then
		pass "bad-btf modules: $what.ko for $kver"
	else
		fail "bad-btf modules: $what.ko for $kver" "$(tail -n 8 <<<"$out" | tr '\n' ' ')"
	fi
}

for suite in bookworm bookworm-backports sid; do
	kver=$("$repo/tests/vm/chroot" --print-kver "$suite")
	build_in "$suite" "$kver" unresolved
	[ "$suite" = bookworm ] && build_in "$suite" "$kver" wrongbase
done
tests_done
