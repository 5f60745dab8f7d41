# SPDX-License-Identifier: GPL-2.0
# Shared by the ekf-btf tests (test_btf.sh, test_btf_vs_kernel.sh): where
# things are, and the .BTF_ids fixture objects.  Source after result.sh.

btf_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
btf_root=$(cd "$btf_here/../.." && pwd)
# The tool under test: what tests/unit/btf.mk built, else build/ in the tree.
EKF_BTF=${EKF_BTF:-$btf_root/build/btf/ekf-btf}
# The base BTF the fixtures are split on.
BTF_BASE=${BTF_BASE:-/sys/kernel/btf/vmlinux}

# have CMD...: all of these commands are installed
have() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
}

# btf_fixture OUT [CFLAGS...]: the fixture object (tests/unit/test_btf_obj.c)
# with split BTF on $BTF_BASE, as a module gets it (pahole -J --btf_base).
btf_fixture() {
	local out=$1
	shift
	gcc -g -O0 -I"$btf_here" "$@" -c "$btf_here/test_btf_obj.c" -o "$out" &&
		LLVM_OBJCOPY=objcopy pahole -J --btf_gen_floats -j --btf_base "$BTF_BASE" "$out"
}

# btf_fixture_so OUT: the same, linked into a shared object, so that
# .BTF_ids has a non-zero address, as in vmlinux.
btf_fixture_so() {
	local out=$1
	gcc -g -O0 -fPIC -shared -nostdlib -I"$btf_here" \
		"$btf_here/test_btf_obj.c" -o "$out" &&
		LLVM_OBJCOPY=objcopy pahole -J --btf_gen_floats -j --btf_base "$BTF_BASE" "$out"
}

# btf_fixture_tools: why the fixtures cannot be built here, or nothing.
btf_fixture_tools() {
	have gcc objcopy readelf || { echo "gcc/binutils not installed"; return; }
	have pahole || { echo "pahole not installed (dwarves)"; return; }
	[ -r "$BTF_BASE" ] || { echo "no base BTF at $BTF_BASE"; return; }
}
