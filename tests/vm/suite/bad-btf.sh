#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: a module whose BTF is unresolved or was made against
# another kernel must never look fine: insmod fails, with a dmesg line that
# says so and what to do. The broken modules come from
# tests/vm/build/bad-btf-modules.sh. Leaves the good module loaded.
repo=$(cd "$(dirname "$0")/../../.." && pwd)
. "$repo/tests/lib/result.sh"
kver=$(uname -r)
kos=$repo/build/tests/kos/$kver
good=/lib/ekf-vm/ebpf_kfunc.ko

if [ ! -d "$kos" ]; then
	skip "bad-btf" "no broken test modules for $kver (tests/vm/build/bad-btf-modules.sh makes them)"
	exit 0
fi
# A program's reference on the module is dropped after an RCU grace period
# or in a work item once its last fd closes: give earlier tests' programs
# a few seconds to go.
tries=0
while [ -d /sys/module/ebpf_kfunc ] && ! rmmod ebpf_kfunc 2>/dev/null; do
	tries=$((tries + 1))
	if [ "$tries" -ge 20 ]; then
		fail "bad-btf: rmmod ebpf_kfunc" "module busy (refcnt $(cat /sys/module/ebpf_kfunc/refcnt))"
		exit 1
	fi
	sleep 0.5
done

# refused KO WHAT MESSAGE: insmod KO must fail and log MESSAGE.
refused() {
	before=$(dmesg | wc -l)
	if insmod "$1" 2>/dev/null; then
		rmmod ebpf_kfunc
		fail "bad-btf: $2 module refused" "insmod succeeded"
		return
	fi
	new=$(dmesg | tail -n "+$((before + 1))")
	if printf '%s\n' "$new" | grep -q "ebpf_kfunc: .*$3"; then
		pass "bad-btf: $2 module refused, dmesg says why"
	else
		fail "bad-btf: $2 module refused, dmesg says why" "dmesg: $(printf '%s' "$new" | tr '\n' ' ')"
	fi
}

[ -f "$kos/unresolved.ko" ] &&
	refused "$kos/unresolved.ko" "unresolved .BTF_ids" "BTF ids are not resolved.*dkms install --force"
if [ -f "$kos/wrongbase.ko" ]; then
	refused "$kos/wrongbase.ko" "BTF made against another kernel" "rejected this module.s BTF.*dkms install --force"
fi

if insmod "$good" && [ -e /sys/kernel/btf/ebpf_kfunc ]; then
	pass "bad-btf: the good module loads again after them"
else
	fail "bad-btf: the good module loads again after them" "insmod $good failed"
fi
tests_done
