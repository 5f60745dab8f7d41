#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kfunc-matrix.sh: runs inside a test VM (busybox ash) with ebpf_kfunc loaded.
#  1. every kfunc from every program type the kernel accepts, and a refused
#     load for every type it does not (ekf-test-matrix);
#  2. the kfunc tutorial's bpf_strstr kprobe program (ekf-test-tutorial);
#  3. rmmod refused while a program using the kfuncs is loaded, accepted
#     once it is gone, then the module inserted again for later tests.
# Prints PASS/FAIL/SKIP lines; exits 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=../../lib/result.sh
. "$repo/tests/lib/result.sh"
PATH=$repo/build/tests/bin:$repo/build/bin:$PATH

MOD=ebpf_kfunc
SYS=/sys/module/$MOD

# Runs a C test and passes its result lines on; a crash without a FAIL
# line becomes one.
run_c_test() {
	name=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [ "$rc" -ne 0 ]; then
		_ekf_failed=1
		printf '%s\n' "$out" | grep -q '^FAIL ' || fail "$name" "exited $rc"
	fi
}

# The module file to insert again: the one the VM's /init inserted at boot
# (tests/vm/init.sh: /lib/ekf-vm/), else any ebpf_kfunc.ko under /lib/modules.
module_file() {
	for f in "/lib/ekf-vm/$MOD.ko" \
		$(find "/lib/modules/$(uname -r)" -name "$MOD.ko*" 2>/dev/null) \
		$(find /lib/modules -name "$MOD.ko*" 2>/dev/null); do
		[ -n "$f" ] && [ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

module_insert() {
	if f=$(module_file); then
		insmod "$f"
	else
		modprobe "$MOD"
	fi
}

# rmmod, retried for up to $1 seconds: freeing a BPF program, and with it
# its module reference, happens after an RCU grace period.
rmmod_retry() {
	n=$(( $1 * 5 ))
	while ! rmmod "$MOD" 2>/dev/null; do
		n=$((n - 1))
		[ "$n" -le 0 ] && { rmmod "$MOD" 2>&1; return 1; }
		sleep 0.2
	done
	return 0
}

test_rmmod() {
	if [ ! -d "$SYS" ]; then
		fail rmmod/module-loaded "$SYS is missing"
		return
	fi
	registered=$(cat "$SYS/parameters/registered")
	tmp=$(mktemp -d)
	ekf-test-matrix --hold >"$tmp/hold" 2>&1 &
	holder=$!
	n=150
	while ! grep -q '^ready' "$tmp/hold" 2>/dev/null; do
		n=$((n - 1))
		if [ "$n" -le 0 ] || ! kill -0 "$holder" 2>/dev/null; then
			fail rmmod/hold "the holder did not load its program: $(tr '\n' ' ' <"$tmp/hold")"
			kill "$holder" 2>/dev/null
			wait "$holder" 2>/dev/null
			rm -rf "$tmp"
			return
		fi
		sleep 0.2
	done
	pass rmmod/hold
	refcnt=$(cat "$SYS/refcnt" 2>/dev/null || echo '?')

	if out=$(rmmod "$MOD" 2>&1); then
		fail rmmod/refused-while-in-use "rmmod succeeded with a program using the kfuncs loaded (refcnt was $refcnt)"
		kill "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
		module_insert >/dev/null 2>&1
		rm -rf "$tmp"
		return
	fi
	if [ -d "$SYS" ]; then
		pass rmmod/refused-while-in-use
		echo "# rmmod while in use: $out (refcnt $refcnt)"
	else
		fail rmmod/refused-while-in-use "rmmod failed ($out) but $SYS is gone"
	fi

	kill "$holder"
	wait "$holder"
	rc=$?
	[ "$rc" -eq 0 ] || fail rmmod/holder-exit "the holder exited $rc: $(tr '\n' ' ' <"$tmp/hold")"
	rm -rf "$tmp"

	if out=$(rmmod_retry 10); then
		if [ -d "$SYS" ]; then
			fail rmmod/accepted-after-exit "rmmod returned 0 but $SYS is still there"
		else
			pass rmmod/accepted-after-exit
		fi
	else
		fail rmmod/accepted-after-exit "refused for 10 s after the program's last holder exited: $out (refcnt $(cat "$SYS/refcnt" 2>/dev/null))"
		return
	fi

	if out=$(module_insert 2>&1) && [ -d "$SYS" ]; then
		now=$(cat "$SYS/parameters/registered")
		if [ "$now" = "$registered" ]; then
			pass rmmod/insert-again
		else
			fail rmmod/insert-again "registered \"$now\" after insmod, \"$registered\" before"
		fi
	else
		fail rmmod/insert-again "$out"
		return
	fi
	# The kfuncs work again after the new registration.
	if out=$(ekf-test-matrix syscall 2>&1); then
		pass rmmod/kfuncs-after-insert
	else
		fail rmmod/kfuncs-after-insert "$(printf '%s\n' "$out" | grep '^FAIL' | head -n 3 | tr '\n' ' ')"
	fi
}

if [ "$(id -u)" != 0 ]; then
	skip kfunc-matrix "needs root"
	exit 0
fi
if [ ! -d "$SYS" ]; then
	fail kfunc-matrix/module "$MOD is not loaded ($(dmesg 2>/dev/null | grep -i "$MOD" | tail -n 2 | tr '\n' ' '))"
	exit 1
fi
echo "# kernel $(uname -r), $MOD registered: $(cat "$SYS/parameters/registered")"
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

run_c_test kfunc-matrix ekf-test-matrix
run_c_test tutorial ekf-test-tutorial
test_rmmod
tests_done
