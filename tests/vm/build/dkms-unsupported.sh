#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-unsupported.sh [SUITE...]: installing the headers of a kernel the
# module cannot support must not fail, on bookworm's dkms 3.0.x (where a
# failed or excluded build fails the headers package) and on sid's 3.2.x.
# The kernel: a doctored copy of the suite's real headers package, as
# another kernel version, built without CONFIG_DEBUG_INFO_BTF_MODULES.
# Installed with dpkg, so the real kernel hooks run DKMS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$repo/tests/lib/result.sh"
chroot_run() { "$repo/tests/vm/chroot" "$@"; }

# The module must be known to DKMS in the chroot; tests/vm/run does that.
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$repo/dkms.conf")

check_suite() {
	local suite=$1 kver fake out rc
	kver=$(chroot_run --print-kver "$suite")
	fake=${kver%-amd64}-ekfnobtf
	"$repo/tests/vm/run" --kernel "$suite" --print-module >/dev/null

	out=$(chroot_run "$suite" -- bash -c '
		set -uo pipefail
		kver='"$kver"' fake='"$fake"' version='"$version"'
		work=$(mktemp -d) && cd "$work" || exit 1
		cleanup() {
			dkms remove -m ebpf-kfunc -v "$version" -k "$fake" >/dev/null 2>&1
			dpkg --purge "linux-headers-$fake" >/dev/null 2>&1
			rm -rf "$work" "/lib/modules/$fake" "/usr/lib/modules/$fake"
		}
		trap cleanup EXIT
		'"$repo"'/tests/lib/fake-headers-deb "$kver" "$fake" "$work/fake.deb" ||
			{ echo "doctoring: failed"; exit 1; }
		DEBIAN_FRONTEND=noninteractive dpkg -i fake.deb > install.log 2>&1
		echo "dpkg-exit: $?"
		dkms status -m ebpf-kfunc -k "$fake" | sed "s/^/dkms-status: /"
		ko=$(ls /lib/modules/"$fake"/updates/dkms/ebpf_kfunc.ko* 2>/dev/null | head -n 1)
		case $ko in
		*.xz) xz -dc "$ko" ;; *.zst) zstd -qdc "$ko" ;; "") ;; *) cat "$ko" ;;
		esac | tr "\0" "\n" | grep "^ekf_unsupported=" | sed "s/^/modinfo: /"
		cat /var/lib/dkms/ebpf-kfunc/"$version"/"$fake"/*/log/make.log \
		    /var/lib/dkms/ebpf-kfunc/"$version"/build/make.log 2>/dev/null |
			grep "ERROR for kernel" | sed "s/^/log: /"
		grep "ebpf-kfunc:" install.log | sed "s/^/shown: /"
		tail -n 15 /var/lib/dkms/ebpf-kfunc/"$version"/build/make.log 2>/dev/null | sed "s/^/makelog: /"
		dkms --version | sed "s/^/dkms: /"
		sed "s/^/install: /" install.log | tail -n 20
	' 2>&1) || true

	local dk
	dk=$(sed -n 's/^dkms: //p' <<<"$out")
	if grep -q '^dpkg-exit: 0$' <<<"$out"; then
		pass "dkms-unsupported [$suite, $dk]: installing headers of a kernel without BTF_MODULES succeeds"
	else
		fail "dkms-unsupported [$suite, $dk]: installing headers of a kernel without BTF_MODULES succeeds" "$(grep -E '^(install|makelog):' <<<"$out" | tail -n 25 | tr '\n' ' ')"
	fi
	if grep -q "^dkms-status: .*$fake.*installed" <<<"$out" &&
	   grep -q '^modinfo: ekf_unsupported=.*CONFIG_DEBUG_INFO_BTF_MODULES' <<<"$out"; then
		pass "dkms-unsupported [$suite]: a placeholder that refuses to load, with the reason, is installed"
	else
		fail "dkms-unsupported [$suite]: a placeholder that refuses to load, with the reason, is installed" "$(grep -E '^(dkms-status|modinfo|install):' <<<"$out" | tail -n 10 | tr '\n' ' ')"
	fi
	# dkms 3.2 runs POST_BUILD silently: there the reason is in make.log,
	# dmesg and `ebpf-kfunc status` only.
	local shown=1
	case $dk in dkms-3.0.*) grep -q "^shown: .*$fake.*CONFIG_DEBUG_INFO_BTF_MODULES" <<<"$out" || shown=0 ;; esac
	if grep -q "^log: ebpf-kfunc: ERROR for kernel $fake: .*CONFIG_DEBUG_INFO_BTF_MODULES.*use a kernel built with" <<<"$out" &&
	   [ "$shown" = 1 ]; then
		pass "dkms-unsupported [$suite]: the install output and build log name the kernel, the cause and the fix"
	else
		fail "dkms-unsupported [$suite]: the install output and build log name the kernel, the cause and the fix" "$(grep -E '^(log|shown|install):' <<<"$out" | tail -n 12 | tr '\n' ' ')"
	fi
}

for suite in "${@:-bookworm sid}"; do
	for s in $suite; do check_suite "$s"; done
done
tests_done
