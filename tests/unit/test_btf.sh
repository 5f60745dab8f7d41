#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ekf-btf (kmod/btf): extract from every payload format, has-func, and
# resolve + verify on a synthetic object whose ids are checked against
# bpftool.  EKF_BTF names the binary (tests/unit/btf.mk sets it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/result.sh"
. "$here/test_btf_lib.sh"

if [ ! -x "$EKF_BTF" ]; then
	fail btf-tool "$EKF_BTF is not built (make -C kmod/btf OUT=build/btf)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ekf-btf-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# run NAME WANT_STATUS WANT_TEXT CMD...: PASS if CMD exits WANT_STATUS and
# its stderr contains WANT_TEXT (a grep -E pattern; empty: anything).
run() {
	local name=$1 want=$2 text=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, wanted $want: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
	elif [ -n "$text" ] && ! grep -Eq -- "$text" "$tmp/err"; then
		fail "$name" "no /$text/ in: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

# ---------------------------------------------------------------- extract
test_extract() {
	local btf=$BTF_BASE fmt comp img size

	if ! have gcc objcopy || [ ! -r "$btf" ]; then
		skip btf-extract "needs gcc, objcopy and $btf"
		return
	fi
	# A small "vmlinux": an object with the host kernel's BTF as .BTF and
	# 10 MB of padding, so that lz4 needs more than one 8 MiB block.
	seq 1 1400000 >"$tmp/pad"
	objcopy --add-section .BTF="$btf" --add-section .pad="$tmp/pad" \
			"$tmp/tiny.o" "$tmp/vmlinux" || {
		fail btf-extract-setup "cannot build the test vmlinux"
		return
	}
	head -c 4099 /dev/urandom >"$tmp/junk1"
	head -c 777 /dev/urandom >"$tmp/junk2"

	run btf-extract-elf 0 "" "$EKF_BTF" extract "$tmp/vmlinux" -o "$tmp/elf.btf"
	cmp -s "$tmp/elf.btf" "$btf" && pass btf-extract-elf-identical ||
		fail btf-extract-elf-identical "output differs from $btf"

	for fmt in xz gzip zstd lz4; do
		case $fmt in
		xz)	comp="xz --check=crc32 --x86 --lzma2=preset=1 -c" ;;
		gzip)	comp="gzip -1 -n -c" ;;
		zstd)	comp="zstd -q -3 --long=27 -c" ;;
		lz4)	comp="lz4 -q -l -c" ;;	# legacy framing, as bzImage
		esac
		if ! have "$fmt"; then
			skip "btf-extract-$fmt" "$fmt not installed"
			continue
		fi
		$comp "$tmp/vmlinux" >"$tmp/payload.$fmt"
		# junk, the payload, the kernel's size suffix, junk
		img=$tmp/vmlinuz.$fmt
		cat "$tmp/junk1" "$tmp/payload.$fmt" "$tmp/junk2" >"$img"
		rm -f "$tmp/out.btf"
		run "btf-extract-$fmt" 0 "" "$EKF_BTF" extract "$img" -o "$tmp/out.btf"
		if cmp -s "$tmp/out.btf" "$btf"; then
			pass "btf-extract-$fmt-identical"
		else
			fail "btf-extract-$fmt-identical" "output differs from $btf"
		fi

		# cut two thirds in: fails, says so, leaves OUT as it was
		size=$(stat -c %s "$tmp/payload.$fmt")
		{ cat "$tmp/junk1"; head -c $((size * 2 / 3)) "$tmp/payload.$fmt"; } >"$img.cut"
		echo previous >"$tmp/keep.btf"
		run "btf-extract-$fmt-truncated" 1 "truncated" \
			"$EKF_BTF" extract "$img.cut" -o "$tmp/keep.btf"
		if [ "$(cat "$tmp/keep.btf")" = previous ] &&
		   [ -z "$(find "$tmp" -name 'keep.btf.tmp.*')" ]; then
			pass "btf-extract-$fmt-truncated-keeps-out"
		else
			fail "btf-extract-$fmt-truncated-keeps-out" "OUT changed or a temporary file was left"
		fi
	done

	cat "$tmp/junk1" "$tmp/junk2" >"$tmp/nothing"
	run btf-extract-no-payload 1 "no gzip, xz, zstd or lz4 compressed data" \
		"$EKF_BTF" extract "$tmp/nothing" -o "$tmp/none.btf"
	[ ! -e "$tmp/none.btf" ] && pass btf-extract-no-payload-no-out ||
		fail btf-extract-no-payload-no-out "wrote $tmp/none.btf"
	run btf-extract-no-btf 1 "no \.BTF section" \
		"$EKF_BTF" extract "$tmp/tiny.o" -o "$tmp/none.btf"
	run btf-extract-missing 1 "No such file" \
		"$EKF_BTF" extract "$tmp/does-not-exist" -o "$tmp/none.btf"
	run btf-extract-usage 2 "" "$EKF_BTF" extract "$tmp/vmlinux"
}

# ---------------------------------------------------------------- has-func
test_has_func() {
	if [ ! -r /sys/kernel/btf/vmlinux ]; then
		skip btf-has-func "no /sys/kernel/btf/vmlinux"
		return
	fi
	run btf-has-func-found 0 "" "$EKF_BTF" has-func /sys/kernel/btf/vmlinux vfs_read
	run btf-has-func-missing 1 "" \
		"$EKF_BTF" has-func /sys/kernel/btf/vmlinux ekf_no_such_function
	# a struct is not a function
	run btf-has-func-not-a-struct 1 "" \
		"$EKF_BTF" has-func /sys/kernel/btf/vmlinux task_struct
	run btf-has-func-bad-file 2 "neither raw BTF nor an ELF" \
		"$EKF_BTF" has-func "$here/test_btf_obj.c" vfs_read
	run btf-has-func-usage 2 "" "$EKF_BTF" has-func /sys/kernel/btf/vmlinux
}

# ---------------------------------------------------------------- resolve
# ids_of OBJ: "kind name id" of every struct/union/typedef/func in OBJ's
# BTF and the base's, lowest id first, as bpftool sees them.
ids_of() {
	{
		bpftool btf dump file "$BTF_BASE"
		bpftool -B "$BTF_BASE" btf dump file "$1"
	} | sed -n "s/^\[\([0-9]*\)\] \(FUNC\|STRUCT\|UNION\|TYPEDEF\) '\([^']*\)'.*/\2 \3 \1/p" |
		awk '!seen[$1 " " $2]++ { print tolower($1), $2, $3 }'
}

# slots OBJ: "symbol offset size" of OBJ's __BTF_ID__ symbols, offsets
# into .BTF_ids
slots() {
	local addr value size name
	addr=$(section "$1" .BTF_ids | cut -d' ' -f1)
	readelf -sW "$1" | awk '$8 ~ /^__BTF_ID__/ { print $2, $3, $8 }' |
		while read -r value size name; do
			echo "$name $((16#$value - addr)) $size"
		done
}

# section OBJ NAME: "address offset size" of section NAME, in decimal
section() {
	local a o s
	read -r a o s < <(readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] //' |
		awk -v n="$2" '$1 == n { print $3, $4, $5 }')
	echo "$((16#$a)) $((16#$o)) $((16#$s))"
}

# u32 FILE OFFSET
u32() {
	od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '
}

# check_ids NAME OBJ: the resolved .BTF_ids of OBJ against bpftool's ids.
check_ids() {
	local name=$1 obj=$2 sym off size kind tname want got bad=
	local data=$tmp/$name.ids

	ids_of "$obj" >"$tmp/$name.btfids"
	slots "$obj" >"$tmp/$name.slots"
	objcopy --dump-section .BTF_ids="$data" "$obj" "$tmp/$name.scratch"

	# every slot outside a set holds its name's id
	while read -r sym off size; do
		case $sym in
		__BTF_ID__set__*|__BTF_ID__set8__*) continue ;;
		esac
		awk -v o="$off" '$1 ~ /^__BTF_ID__set8?__/ && o >= $2 && o < $2 + $3 { f = 1 }
			END { exit !f }' "$tmp/$name.slots" && continue
		kind=${sym#__BTF_ID__}; kind=${kind%%__*}
		tname=${sym#__BTF_ID__"$kind"__}; tname=${tname%__*}
		want=$(awk -v k="$kind" -v n="$tname" '$1 == k && $2 == n { print $3 }' "$tmp/$name.btfids")
		got=$(u32 "$data" "$off")
		[ -n "$want" ] && [ "$got" = "$want" ] ||
			bad="$bad $sym=$got(want ${want:-none})"
	done <"$tmp/$name.slots"
	[ -z "$bad" ] && pass "$name-slots" || fail "$name-slots" "$bad"

	# the unused slot after vfs_read__5 stays 0
	off=$(awk '$1 ~ /^__BTF_ID__func__vfs_read__/ { print $2; exit }' "$tmp/$name.slots")
	got=$(u32 "$data" $((off + 4)))
	[ "$got" = 0 ] && pass "$name-unused-slot" || fail "$name-unused-slot" "holds $got"

	# set: count 4, the ids of its members, ascending
	off=$(awk '$1 == "__BTF_ID__set__ekf_t_set" { print $2 }' "$tmp/$name.slots")
	want=$(for f in ekf_t_epsilon vfs_read ekf_t_alpha ekf_t_delta; do
		awk -v n=$f '$1 == "func" && $2 == n { print $3 }' "$tmp/$name.btfids"
	done | sort -n | tr '\n' ' ')
	got=$(for i in 1 2 3 4; do u32 "$data" $((off + 4 * i)); done | tr '\n' ' ')
	if [ "$(u32 "$data" "$off")" = 4 ] && [ "$got" = "$want" ]; then
		pass "$name-set-sorted"
	else
		fail "$name-set-sorted" "count $(u32 "$data" "$off"), ids $got, wanted 4, $want"
	fi

	# set8: count 6, flags kept, (id, flags) pairs sorted by id, equal
	# ids (ekf_t_alpha twice) in their original order
	off=$(awk '$1 == "__BTF_ID__set8__ekf_t_kfuncs" { print $2 }' "$tmp/$name.slots")
	want=$(while read -r f fl; do
		echo "$(awk -v n=$f '$1 == "func" && $2 == n { print $3 }' "$tmp/$name.btfids") $fl"
	done <<-EOF | sort -s -n -k1,1 | tr '\n' ' '
	ekf_t_gamma 2
	ekf_t_alpha 8
	vfs_read 1
	ekf_t_epsilon 32
	ekf_t_beta 4
	ekf_t_alpha 16
	EOF
	)
	got=$(for i in 1 2 3 4 5 6; do
		echo "$(u32 "$data" $((off + 8 * i))) $(u32 "$data" $((off + 8 * i + 4)))"
	done | tr '\n' ' ')
	if [ "$(u32 "$data" "$off")" = 6 ] && [ "$(u32 "$data" $((off + 4)))" = 1 ] &&
	   [ "$got" = "$want" ]; then
		pass "$name-set8-sorted"
	else
		fail "$name-set8-sorted" "count $(u32 "$data" "$off") flags $(u32 "$data" $((off + 4))), pairs $got, wanted 6 1, $want"
	fi

	off=$(awk '$1 == "__BTF_ID__set8__ekf_t_empty" { print $2 }' "$tmp/$name.slots")
	if [ "$(u32 "$data" "$off")" = 0 ] && [ "$(u32 "$data" $((off + 4)))" = 1 ]; then
		pass "$name-set8-empty"
	else
		fail "$name-set8-empty" "count $(u32 "$data" "$off") flags $(u32 "$data" $((off + 4)))"
	fi
}

test_resolve() {
	local why obj=$tmp/fixture.o

	why=$(btf_fixture_tools)
	[ -z "$why" ] && ! have bpftool && why="bpftool not installed"
	if [ -n "$why" ]; then
		skip btf-resolve "$why"
		return
	fi
	if ! btf_fixture "$obj" >"$tmp/err" 2>&1; then
		fail btf-resolve-fixture "cannot build it: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
		return
	fi
	cp "$obj" "$tmp/fixture.orig"

	gcc -g -I"$here" -c "$here/test_btf_obj.c" -o "$tmp/nobtf.o"
	run btf-verify-btf-only 0 "" "$EKF_BTF" verify --btf-only "$obj"
	run btf-verify-no-btf 1 "no BTF" "$EKF_BTF" verify --btf-only "$tmp/nobtf.o"
	run btf-verify-no-btf-full 1 "no BTF" "$EKF_BTF" verify "$tmp/nobtf.o"
	run btf-verify-before-resolve 1 "unresolved func ekf_t_alpha \(symbol __BTF_ID__func__ekf_t_alpha__" \
		"$EKF_BTF" verify "$obj"
	run btf-verify-quiet 1 "" "$EKF_BTF" verify --quiet "$obj"
	[ ! -s "$tmp/err" ] && pass btf-verify-quiet-silent ||
		fail btf-verify-quiet-silent "said: $(head -n 2 "$tmp/err" | tr '\n' ' ')"

	run btf-resolve 0 "" "$EKF_BTF" resolve -b "$BTF_BASE" "$obj"
	[ ! -s "$tmp/err" ] && pass btf-resolve-silent ||
		fail btf-resolve-silent "said: $(head -n 2 "$tmp/err" | tr '\n' ' ')"
	run btf-verify-after-resolve 0 "" "$EKF_BTF" verify "$obj"
	check_ids btf-resolve "$obj"

	# only .BTF_ids changed
	cmp -l "$tmp/fixture.orig" "$obj" | awk '{ print $1 - 1 }' >"$tmp/changed"
	local addr start size
	read -r addr start size < <(section "$obj" .BTF_ids)
	if awk -v s="$start" -v n="$size" '$1 < s || $1 >= s + n { bad = 1 } END { exit bad }' "$tmp/changed"; then
		pass btf-resolve-only-btf-ids
	else
		fail btf-resolve-only-btf-ids "bytes outside .BTF_ids changed"
	fi

	# Resolving again would move set8 flags to other ids (resolve_btfids
	# does): refused, the file untouched.
	cp "$obj" "$tmp/once.o"
	run btf-resolve-again-refused 1 "resolved already" \
		"$EKF_BTF" resolve -b "$BTF_BASE" "$obj"
	cmp -s "$obj" "$tmp/once.o" && pass btf-resolve-again-untouched ||
		fail btf-resolve-again-untouched "a second resolve changed the file"

	# linked: .BTF_ids at a non-zero address
	if btf_fixture_so "$tmp/fixture.so" >"$tmp/err" 2>&1; then
		run btf-resolve-linked 0 "" "$EKF_BTF" resolve -b "$BTF_BASE" "$tmp/fixture.so"
		run btf-verify-linked 0 "" "$EKF_BTF" verify "$tmp/fixture.so"
		check_ids btf-resolve-linked "$tmp/fixture.so"
	else
		fail btf-resolve-linked "cannot link the fixture: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
	fi

	# its own .BTF.base (as 6.11+ modules carry) wins over -b
	cp "$tmp/fixture.orig" "$tmp/based.o"
	objcopy --add-section .BTF.base="$BTF_BASE" "$tmp/based.o"
	run btf-resolve-btf-base 0 "" "$EKF_BTF" resolve -b /nonexistent "$tmp/based.o"
	check_ids btf-resolve-btf-base "$tmp/based.o"

	# a name no BTF has: a warning, 0 written, verify names it
	if btf_fixture "$tmp/unres.o" -DEKF_T_UNRESOLVED >"$tmp/err" 2>&1; then
		run btf-resolve-unresolved 0 "unresolved symbol func ekf_t_missing" \
			"$EKF_BTF" resolve -b "$BTF_BASE" "$tmp/unres.o"
		run btf-verify-unresolved 1 "unresolved func ekf_t_missing .*__BTF_ID__func__ekf_t_missing__" \
			"$EKF_BTF" verify "$tmp/unres.o"
	else
		fail btf-resolve-unresolved "cannot build the fixture"
	fi

	# wrong inputs
	cp "$tmp/fixture.orig" "$tmp/nobase.o"
	run btf-resolve-needs-base 1 "split BTF needs -b BASE" \
		"$EKF_BTF" resolve "$tmp/nobase.o"
	cmp -s "$tmp/nobase.o" "$tmp/fixture.orig" && pass btf-resolve-failure-keeps-file ||
		fail btf-resolve-failure-keeps-file "a failed resolve changed the file"
	run btf-resolve-bad-base 1 "base BTF" \
		"$EKF_BTF" resolve -b "$here/test_btf_obj.c" "$tmp/nobase.o"
	run btf-resolve-no-btf 1 "no \.BTF section" \
		"$EKF_BTF" resolve -b "$BTF_BASE" "$tmp/nobtf.o"
	# nothing to resolve: success, the file untouched (as resolve_btfids)
	cp "$tmp/tiny.o" "$tmp/tiny.copy"
	run btf-resolve-nothing 0 "" "$EKF_BTF" resolve -b "$BTF_BASE" "$tmp/tiny.o"
	cmp -s "$tmp/tiny.o" "$tmp/tiny.copy" && pass btf-resolve-nothing-untouched ||
		fail btf-resolve-nothing-untouched "the file changed"
	run btf-resolve-usage 2 "" "$EKF_BTF" resolve -b "$BTF_BASE"
}

# an ELF object without BTF
if have gcc; then
	echo 'int ekf_t_x;' >"$tmp/tiny.c"
	gcc -c "$tmp/tiny.c" -o "$tmp/tiny.o"
fi

test_extract
test_has_func
test_resolve
tests_done
