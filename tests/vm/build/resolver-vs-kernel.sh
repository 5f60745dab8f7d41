#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our BTF id resolver (kmod/btf, "ekf-btf resolve") against the kernel's
# own resolve_btfids, on the real module built against Debian's 6.12
# headers: the resolved .ko files must be byte-identical. Kbuild is told to
# skip its resolver (RESOLVE_BTFIDS=true) so both start from the same
# unresolved module.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$repo/tests/lib/result.sh"

suite=bookworm-backports
kver=$("$repo/tests/vm/chroot" --print-kver "$suite")
work=$(mktemp -d "${TMPDIR:-/tmp}/ekf-resolver.XXXXXX")
trap 'rm -rf "$work"' EXIT
make -s -C "$repo" install-dkms DESTDIR="$work" srcdir_dkms= DKMS_DIR=/src >/dev/null

out=$("$repo/tests/vm/chroot" "$suite" --bind "$work" -- bash -c '
	set -euo pipefail
	kdir=/usr/src/linux-headers-'"$kver"'
	resolver=$(readlink -f "$kdir/tools")/bpf/resolve_btfids/resolve_btfids
	cd '"$work"'/src/kmod
	make -s -C btf >/dev/null
	printf "#define EKF_VERSION \"test\"\n" > ekf_target.h
	make -s -C "$kdir" M="$PWD" RESOLVE_BTFIDS=true modules >/dev/null 2>&1
	cp ebpf_kfunc.ko kernel.ko
	cp ebpf_kfunc.ko ours.ko
	if btf/ekf-btf verify --quiet ebpf_kfunc.ko; then
		echo "unresolved-verify: passed on an unresolved module"
	else
		echo "unresolved-verify: ok"
	fi
	"$resolver" -b "$kdir/vmlinux" kernel.ko
	btf/ekf-btf resolve -b "$kdir/vmlinux" ours.ko
	if cmp kernel.ko ours.ko; then echo "identical: ok"; else echo "identical: differ"; fi
	btf/ekf-btf verify ours.ko && echo "resolved-verify: ok"
' 2>&1) || true

grep -q '^unresolved-verify: ok' <<<"$out" && pass "resolver: verify rejects the unresolved $kver module" ||
	fail "resolver: verify rejects the unresolved $kver module" "$out"
grep -q '^identical: ok' <<<"$out" && pass "resolver: byte-identical to $kver's resolve_btfids on ebpf_kfunc.ko" ||
	fail "resolver: byte-identical to $kver's resolve_btfids on ebpf_kfunc.ko" "$out"
grep -q '^resolved-verify: ok' <<<"$out" && pass "resolver: verify accepts the resolved module" ||
	fail "resolver: verify accepts the resolved module" "$out"
tests_done
