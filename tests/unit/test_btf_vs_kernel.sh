#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ekf-btf resolve against the kernel's own resolve_btfids: both run on
# copies of the same unresolved objects, and the results must be the same
# bytes.  The kernel's tool is the one in Debian bookworm-backports'
# linux-kbuild-6.12.x (the ABI is resolved through linux-headers-amd64),
# downloaded once into ${EKF_CACHE:-/var/cache/ebpf-kfunc}/debs with a
# private apt configuration; RESOLVE_BTFIDS=path uses another one.
#
#   test_btf_vs_kernel.sh [MODULE.ko BASE]...
# also compares the given objects (say, the real module built against the
# 6.12 headers, BASE its vmlinux), on copies.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/result.sh"
. "$here/test_btf_lib.sh"

if [ ! -x "$EKF_BTF" ]; then
	fail btf-vs-kernel "$EKF_BTF is not built (make -C kmod/btf OUT=build/btf)"
	exit 1
fi
if [ $(($# % 2)) -ne 0 ]; then
	echo "usage: $0 [MODULE.ko BASE]..." >&2
	exit 2
fi

cache=${EKF_CACHE:-/var/cache/ebpf-kfunc}
if ! mkdir -p "$cache/debs" 2>/dev/null || [ ! -w "$cache/debs" ]; then
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/ebpf-kfunc
	mkdir -p "$cache/debs"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ekf-btf-vs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# apt-get/apt-cache with only bookworm-backports, state kept in the cache;
# the host's /etc/apt is left alone.
kapt() {
	local cmd=$1 dir=$cache/apt
	shift
	"$cmd" -q -o Dir::Etc::sourcelist="$dir/sources.list" \
		-o Dir::Etc::sourceparts="$dir/sources.list.d" \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" \
		-o Dir::Cache::archives="$dir/archives" \
		-o APT::Get::List-Cleanup=0 \
		-o APT::Sandbox::User=root \
		"$@"
}

# fetch_kbuild: print the path of a cached linux-kbuild-6.12 .deb,
# downloading it first if there is none; on failure say why on stderr.
fetch_kbuild() {
	local deb headers kbuild dir=$cache/apt

	deb=$(ls "$cache"/debs/linux-kbuild-6.12*_amd64.deb 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$deb" ]; then
		echo "$deb"
		return 0
	fi
	have apt-get apt-cache || { echo "apt-get not available" >&2; return 1; }
	mkdir -p "$dir/lists/partial" "$dir/cache" "$dir/archives/partial" \
		"$dir/sources.list.d" || return 1
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main" \
		>"$dir/sources.list"
	kapt apt-get update >"$tmp/apt.log" 2>&1 || {
		echo "apt-get update for bookworm-backports failed: $(tail -n 2 "$tmp/apt.log" | tr '\n' ' ')" >&2
		return 1
	}
	# linux-headers-amd64 -> linux-headers-6.12.x+debNN-amd64 -> linux-kbuild-6.12.x+debNN
	headers=$(kapt apt-cache show linux-headers-amd64 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-headers-6\.12[^ ,]*\).*/\1/p' | head -n 1)
	if [ -z "$headers" ]; then
		if grep -Eq '^(W|E|Err):' "$tmp/apt.log"; then
			echo "apt-get update for bookworm-backports failed: $(grep -E '^(W|E|Err):' "$tmp/apt.log" | head -n 2 | tr '\n' ' ')" >&2
		else
			echo "bookworm-backports has no linux-headers-amd64 for 6.12" >&2
		fi
		return 1
	fi
	kbuild=$(kapt apt-cache show "$headers" 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-kbuild-6\.12[^ ,]*\).*/\1/p' | head -n 1)
	[ -n "$kbuild" ] || { echo "$headers does not name its linux-kbuild package" >&2; return 1; }
	(cd "$cache/debs" && kapt apt-get download "$kbuild") >"$tmp/apt.log" 2>&1 || {
		echo "apt-get download $kbuild failed: $(tail -n 2 "$tmp/apt.log" | tr '\n' ' ')" >&2
		return 1
	}
	ls "$cache"/debs/"$kbuild"_*_amd64.deb 2>/dev/null | tail -n 1
}

# the kernel's resolve_btfids, unpacked once per .deb
find_resolver() {
	local deb unpacked bin

	if [ -n "${RESOLVE_BTFIDS:-}" ]; then
		echo "$RESOLVE_BTFIDS"
		return 0
	fi
	deb=$(fetch_kbuild) || return 1
	[ -n "$deb" ] || { echo "the download left no .deb" >&2; return 1; }
	unpacked=$cache/kbuild/$(basename "$deb" .deb)
	bin=$(ls "$unpacked"/usr/lib/linux-kbuild-*/tools/bpf/resolve_btfids/resolve_btfids 2>/dev/null)
	if [ -z "$bin" ]; then
		rm -rf "$unpacked.new"
		mkdir -p "$unpacked.new" &&
			dpkg-deb -x "$deb" "$unpacked.new" &&
			rm -rf "$unpacked" && mv "$unpacked.new" "$unpacked" || {
			echo "cannot unpack $deb" >&2
			return 1
		}
		bin=$(ls "$unpacked"/usr/lib/linux-kbuild-*/tools/bpf/resolve_btfids/resolve_btfids 2>/dev/null)
	fi
	[ -n "$bin" ] || { echo "$deb has no resolve_btfids" >&2; return 1; }
	echo "$bin"
}

if ! resolver=$(find_resolver 2>"$tmp/why"); then
	skip btf-vs-kernel "cannot get the kernel's resolve_btfids: $(tr '\n' ' ' <"$tmp/why")"
	exit 0
fi
"$resolver" --help >/dev/null 2>&1
if [ $? -ne 129 ] && ! "$resolver" --help 2>&1 | grep -q btf_base; then
	fail btf-vs-kernel-runs "$resolver does not run here"
	exit 1
fi
pass btf-vs-kernel-runs

# compare NAME OBJ BASE: both resolvers on copies of OBJ
compare() {
	local name=$1 obj=$2 base=$3 krc erc

	cp "$obj" "$tmp/k.o" && cp "$obj" "$tmp/e.o" || {
		fail "$name" "cannot copy $obj"
		return
	}
	"$resolver" -b "$base" "$tmp/k.o" >"$tmp/k.log" 2>&1
	krc=$?
	"$EKF_BTF" resolve -b "$base" "$tmp/e.o" >"$tmp/e.log" 2>&1
	erc=$?
	if [ "$krc" -ne 0 ] || [ "$erc" -ne 0 ]; then
		fail "$name" "resolve_btfids exit $krc ($(tail -n 2 "$tmp/k.log" | tr '\n' ' ')), ekf-btf exit $erc ($(tail -n 2 "$tmp/e.log" | tr '\n' ' '))"
	elif cmp -s "$tmp/k.o" "$obj"; then
		fail "$name" "resolve_btfids left $obj unchanged: nothing was compared"
	elif ! cmp -s "$tmp/k.o" "$tmp/e.o"; then
		fail "$name" "the outputs differ: $(cmp "$tmp/k.o" "$tmp/e.o" 2>&1 | head -n 1) ($(cmp -l "$tmp/k.o" "$tmp/e.o" | wc -l) bytes)"
	else
		pass "$name"
	fi
}

# big_fixture OUT: a set and a set8 of a few hundred base functions in a
# scrambled order, with repeats (equal ids, different flags) and
# unresolvable names (zeros), so that the sorts have work to do.
big_fixture() {
	local out=$1 src=$tmp/big.c i=0 f

	bpftool btf dump file "$BTF_BASE" 2>/dev/null |
		sed -n "s/^\[[0-9]*\] FUNC '\([A-Za-z_][A-Za-z0-9_]*\)'.*/\1/p" |
		awk 'NR % 97 == 0' | head -n 300 >"$tmp/funcs"
	[ -s "$tmp/funcs" ] || return 1
	awk '{ print (NR * 7919) % 1009, $1 }' "$tmp/funcs" | sort -n |
		cut -d' ' -f2 >"$tmp/scrambled"
	{
		echo '#include "test_btf_ids.h"'
		echo 'int ekf_t_big(int x) { return x; }'
		echo 'EKF_T_SET_BEGIN(ekf_t_big_set);'
		while read -r f; do
			echo "EKF_T_ID(func, $f);"
			[ $((i % 13)) -eq 0 ] && echo "EKF_T_ID(func, ekf_t_nope_$i);"
			i=$((i + 1))
		done <"$tmp/scrambled"
		echo 'EKF_T_SET_END(ekf_t_big_set);'
		echo 'EKF_T_SET8_BEGIN(ekf_t_big_kfuncs, 0x1);'
		i=0
		while read -r f; do
			echo "EKF_T_ID_FLAGS(func, $f, $((i % 64)));"
			[ $((i % 5)) -eq 0 ] && echo "EKF_T_ID_FLAGS(func, $f, $((i % 64 + 64)));"
			[ $((i % 11)) -eq 0 ] && echo "EKF_T_ID_FLAGS(func, ekf_t_none_$i, $((i % 7)));"
			i=$((i + 1))
		done <"$tmp/scrambled"
		echo 'EKF_T_SET8_END(ekf_t_big_kfuncs);'
	} >"$src"
	gcc -g -O0 -I"$btf_here" -c "$src" -o "$out" &&
		LLVM_OBJCOPY=objcopy pahole -J --btf_gen_floats -j --btf_base "$BTF_BASE" "$out"
}

why=$(btf_fixture_tools)
if [ -n "$why" ]; then
	skip btf-vs-kernel-fixtures "$why"
else
	if btf_fixture "$tmp/fixture.o" >"$tmp/err" 2>&1; then
		compare btf-vs-kernel-object "$tmp/fixture.o" "$BTF_BASE"
		cp "$tmp/fixture.o" "$tmp/based.o"
		objcopy --add-section .BTF.base="$BTF_BASE" "$tmp/based.o"
		compare btf-vs-kernel-btf-base "$tmp/based.o" /nonexistent-base-btf
	else
		fail btf-vs-kernel-object "cannot build the fixture: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
	fi
	if btf_fixture_so "$tmp/fixture.so" >"$tmp/err" 2>&1; then
		compare btf-vs-kernel-linked "$tmp/fixture.so" "$BTF_BASE"
	else
		fail btf-vs-kernel-linked "cannot build the fixture: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
	fi
	if btf_fixture "$tmp/unres.o" -DEKF_T_UNRESOLVED >"$tmp/err" 2>&1; then
		compare btf-vs-kernel-unresolved "$tmp/unres.o" "$BTF_BASE"
	else
		fail btf-vs-kernel-unresolved "cannot build the fixture"
	fi
	if ! have bpftool; then
		skip btf-vs-kernel-big-sets "bpftool not installed"
	elif big_fixture "$tmp/big.o" >"$tmp/err" 2>&1; then
		compare btf-vs-kernel-big-sets "$tmp/big.o" "$BTF_BASE"
	else
		fail btf-vs-kernel-big-sets "cannot build the fixture: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
	fi
fi

n=0
while [ $# -gt 0 ]; do
	n=$((n + 1))
	compare "btf-vs-kernel-given-$n-$(basename "$1")" "$1" "$2"
	shift 2
done
tests_done
