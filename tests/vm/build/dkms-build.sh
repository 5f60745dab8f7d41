#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A DKMS build of the module for each suite's kernel, as on a user's
# machine (dkms run from within make, as a Makefile-driven image build
# would): it succeeds, the module carries verified BTF, and nothing that
# another package owns changes (the headers, kbuild, the kernel's
# /lib/modules tree; dpkg --verify), and dkms's own signing keeps working
# with the BTF step. Also records the build time for
# `make bench` (build/bench/dkms.jsonl).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$repo/tests/lib/result.sh"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$repo/dkms.conf")
mkdir -p "$repo/build/bench"

for suite in bookworm bookworm-backports sid; do
	kver=$("$repo/tests/vm/chroot" --print-kver "$suite")
	"$repo/tests/vm/run" --kernel "$suite" --print-module >/dev/null
	out=$("$repo/tests/vm/chroot" "$suite" -- bash -c '
		kver='"$kver"' version='"$version"'
		stamp=$(mktemp); sleep 1
		start=$(date +%s%N)
		# As if apt ran from a make recipe: dkms then captures make'"'"'s
		# "Entering directory" lines into the CC it exports.
		if MAKELEVEL=1 MAKEFLAGS=w dkms build --force -m ebpf-kfunc -v "$version" -k "$kver" >/tmp/dkms-build.log 2>&1; then
			end=$(date +%s%N)
			echo "build: ok $(( (end - start) / 1000000 ))"
		else
			echo "build: failed"; tail -n 20 /var/lib/dkms/ebpf-kfunc/"$version"/build/make.log
		fi
		ko=$(ls /var/lib/dkms/ebpf-kfunc/"$version"/"$kver"/*/module/ebpf_kfunc.ko* 2>/dev/null | head -n 1)
		case $ko in *.xz) xz -dc "$ko" > /tmp/ekf.ko ;; *.zst) zstd -qdc "$ko" > /tmp/ekf.ko ;; *) cp "$ko" /tmp/ekf.ko ;; esac
		btf=$(ls /var/lib/dkms/ebpf-kfunc/"$version"/source/kmod/btf/*.c >/dev/null 2>&1 && echo y)
		make -s -C /var/lib/dkms/ebpf-kfunc/"$version"/source/kmod/btf OUT=/tmp/ekf-btf-out >/dev/null 2>&1
		/tmp/ekf-btf-out/ekf-btf verify /tmp/ekf.ko && echo "verify: ok"
		tr "\0" "\n" < /tmp/ekf.ko | grep -q "^ekf_unsupported=" && echo "placeholder: yes"
		tail -c 28 /tmp/ekf.ko | grep -q "~Module signature appended~" && echo "signed: yes"
		find /usr/src/linux-headers-* /usr/lib/linux-kbuild-* "/lib/modules/$kver" -newer "$stamp" \
			-not -path "*/updates/*" 2>/dev/null | sed "s/^/written: /" | head -n 5
		pkgs=$(dpkg-query -W -f "\${db:Status-Status} \${Package}\n" "linux-headers-*" "linux-kbuild-*" "linux-image-*" 2>/dev/null |
			awk "\$1 == \"installed\" { print \$2 }")
		# the chroot leaves out documentation (dpkg path-exclude): not a change
		dpkg --verify $pkgs 2>&1 | grep -v "^missing  *\(c \)\?/usr/share/\(doc\|man\|lintian\|locale\)/" |
			sed "s/^/dpkg-verify: /" | head -n 5
	' 2>&1) || true
	secs=$(sed -n 's/^build: ok //p' <<<"$out")
	if [ -n "$secs" ] && grep -q '^verify: ok' <<<"$out" && ! grep -q '^placeholder: yes' <<<"$out"; then
		secs=$(awk -v ms="$secs" 'BEGIN { printf "%.1f", ms / 1000 }')
		pass "dkms-build [$suite]: module for $kver built by DKMS with verified BTF ($secs s)"
		printf '{"name":"dkms-build-%s","value":%s,"unit":"s","baseline":30,"kernel":"%s"}\n' \
			"$suite" "$secs" "$kver" >> "$repo/build/bench/dkms.jsonl"
	else
		fail "dkms-build [$suite]: module for $kver built by DKMS with verified BTF" "$(tail -n 12 <<<"$out" | tr '\n' ' ')"
	fi
	# dkms signs with its own MOK key (openssl present): the BTF must survive.
	if grep -q '^signed: yes' <<<"$out" && grep -q '^verify: ok' <<<"$out"; then
		pass "dkms-build [$suite]: dkms signed the module and its BTF still verifies"
	else
		fail "dkms-build [$suite]: dkms signed the module and its BTF still verifies" "$(tail -n 6 <<<"$out" | tr '\n' ' ')"
	fi
	if grep -qE '^(written|dpkg-verify): ' <<<"$out"; then
		fail "dkms-build [$suite]: no file of another package changed" "$(grep -E '^(written|dpkg-verify): ' <<<"$out" | tr '\n' ' ')"
	else
		pass "dkms-build [$suite]: no file of another package changed"
	fi
done
tests_done
