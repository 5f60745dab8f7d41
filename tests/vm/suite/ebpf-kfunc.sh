#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ebpf-kfunc.sh: runs inside a test VM (busybox ash: POSIX sh only) with
# the ebpf_kfunc module loaded and ebpf-kfunc on PATH. Checks that
# `ebpf-kfunc status` finds the module usable and shows the kfunc
# signatures, that `selftest` passes, and that `call` gives the right
# answers, as text and as JSON. Prints PASS/FAIL/SKIP lines, and the status
# report as "# " lines for the log; exits 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=../../lib/result.sh
. "$repo/tests/lib/result.sh"
# the static build first: the VM has no shared libraries
PATH=$repo/build/tests/bin:$repo/build/bin:$PATH
K=$(uname -r)
T=$(mktemp -d 2>/dev/null || { mkdir -p /tmp/ekf.$$ && echo /tmp/ekf.$$; })
trap 'rm -rf "$T"' EXIT

# run ARGS...: ebpf-kfunc ARGS; sets $rc, fills $T/out and $T/err
run() {
	ebpf-kfunc "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

short() { tr '\n' ' ' <"$1" | cut -c1-400; }

# has NAME PATTERN FILE: PASS if FILE has the fixed string PATTERN
has() {
	if grep -qF -- "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "no '$2' in: $(short "$3") $(short "$T/err")"
	fi
}

# rc_is NAME WANT: PASS if the last run exited WANT
rc_is() {
	if [ "$rc" -eq "$2" ]; then
		pass "$1"
	else
		fail "$1" "exit $rc, wanted $2: $(short "$T/err")"
	fi
}

if ! ebpf-kfunc --version >/dev/null 2>"$T/err"; then
	fail "ebpf-kfunc [$K]: runs" "$(command -v ebpf-kfunc || echo 'not on PATH'): $(short "$T/err")"
	exit 1
fi

# --- status ------------------------------------------------------------------
run status
sed 's/^/# /' "$T/out" "$T/err"
rc_is "ebpf-kfunc status [$K]: exits 0" 0
has "ebpf-kfunc status [$K]: usable" "status:       usable" "$T/out"
has "ebpf-kfunc status [$K]: module loaded" "module:       ebpf_kfunc loaded" "$T/out"
has "ebpf-kfunc status [$K]: BTF accepted" "module BTF:   accepted" "$T/out"
for sig in \
	"int ekf_memmem(const char *hay, u32 hay__sz, const char *needle, u32 needle__sz)" \
	"int ekf_strstr(const char *hay, u32 hay__sz, const char *needle, u32 needle__sz)" \
	"int ekf_strcasestr(const char *hay, u32 hay__sz, const char *needle, u32 needle__sz)" \
	"int ekf_glob(const char *pattern, u32 pattern__sz, const char *str, u32 str__sz, u32 flags)"; do
	name=${sig#int }
	name=${name%%(*}
	has "ebpf-kfunc status [$K]: $name signature" "$sig" "$T/out"
done
# the module's tutorial-compatible bpf_strstr, never the kernel's own (7.2)
if grep -q 'bpf_strstr(' "$T/out"; then
	has "ebpf-kfunc status [$K]: bpf_strstr is the module's" \
		"int bpf_strstr(const char *str, u32 str__sz, const char *substr, u32 substr__sz)" "$T/out"
fi
for t in syscall xdp sched_cls; do
	if grep -q "^  $t  *yes" "$T/out"; then
		pass "ebpf-kfunc status [$K]: callable from $t"
	else
		fail "ebpf-kfunc status [$K]: callable from $t" "$(grep "^  $t " "$T/out")"
	fi
done

run status --json
rc_is "ebpf-kfunc status --json [$K]: exits 0" 0
has "ebpf-kfunc status --json [$K]: usable" '"usable":true' "$T/out"
has "ebpf-kfunc status --json [$K]: no error" '"error":null' "$T/out"
has "ebpf-kfunc status --json [$K]: memmem signature" \
	'"signature":"int ekf_memmem(const char *hay, u32 hay__sz, const char *needle, u32 needle__sz)"' "$T/out"
has "ebpf-kfunc status --json [$K]: syscall probe" \
	'{"name":"syscall","prog_type":"syscall","callable":true,"reason":null}' "$T/out"
n=$(grep -o '"callable_from":\["syscall"' "$T/out" | wc -l)
if [ "$n" -ge 4 ]; then
	pass "ebpf-kfunc status --json [$K]: every kfunc callable from syscall"
else
	fail "ebpf-kfunc status --json [$K]: every kfunc callable from syscall" "$n of 4: $(short "$T/out")"
fi

# --- selftest ----------------------------------------------------------------
run selftest
rc_is "ebpf-kfunc selftest [$K]: exits 0" 0
# each failed case as a result line of its own
grep '^FAIL ' "$T/out" | sed "s/^FAIL /FAIL ebpf-kfunc selftest [$K] case /"
has "ebpf-kfunc selftest [$K]: none failed" ", 0 failed" "$T/out"
n=$(grep -c '^ok ' "$T/out")
if [ "$n" -ge 50 ]; then
	pass "ebpf-kfunc selftest [$K]: ran every case ($n)"
else
	fail "ebpf-kfunc selftest [$K]: ran every case" "only $n ok lines: $(short "$T/out")"
fi

run selftest --json
rc_is "ebpf-kfunc selftest --json [$K]: exits 0" 0
has "ebpf-kfunc selftest --json [$K]: ok" '"failed":0,"ok":true' "$T/out"

# --- call --------------------------------------------------------------------
# call_is NAME WANT ARGS...: ebpf-kfunc call ARGS prints "= WANT ("
call_is() {
	name=$1 want=$2
	shift 2
	run call "$@"
	if [ "$rc" -ne 0 ]; then
		fail "ebpf-kfunc call [$K]: $name" "exit $rc: $(short "$T/err")"
	elif grep -qF -- "= $want (" "$T/out"; then
		pass "ebpf-kfunc call [$K]: $name"
	else
		fail "ebpf-kfunc call [$K]: $name" "wanted $want: $(short "$T/out")"
	fi
}

call_is "memmem found" 6 memmem 'hello world' world
call_is "memmem not found" -1 memmem 'hello world' World
call_is "memmem empty needle" 0 memmem 'hello' ''
call_is "memmem NUL via --hex" 1 memmem --hex 61:00:62 0062
call_is "strstr stops at NUL via --hex" -1 strstr --hex 610062 62
call_is "strcasestr" 6 strcasestr 'Hello World' WORLD
call_is "strstr with a leading dash" 1 strstr -- '--x' '-x'
call_is "glob match" 1 glob '*.txt' notes.txt
call_is "glob no match" 0 glob '*.txt' notes.md
call_is "glob star crosses /" 1 glob '/tmp/*' /tmp/a/b
call_is "glob --flags pathname" 0 glob --flags pathname '/tmp/*' /tmp/a/b
call_is "glob --flags 1" 1 glob --flags 1 '/tmp/*/b' /tmp/a/b
call_is "glob malformed: -EINVAL" -22 glob '[abc' a
call_is "glob unknown flag: -EINVAL" -22 glob --flags 0x80 '*' a
big=$(head -c 65537 /dev/zero | tr '\0' a)
call_is "memmem over the limit: -E2BIG" -7 memmem "$big" a
call_is "memmem at the limit" 65534 memmem "${big#aa}b" ab

run call memmem --json 'hello world' world
rc_is "ebpf-kfunc call --json [$K]: exits 0" 0
has "ebpf-kfunc call --json [$K]: fields" \
	'{"kfunc":"ekf_memmem","arg1":"hello world","arg2":"world","arg1_len":11,"arg2_len":5,"flags":null,"result":6,"meaning":"found","error":null,"fix":null}' "$T/out"
run call glob --json --flags pathname 'a/*' 'a/b'
has "ebpf-kfunc call glob --json [$K]: result" '"flags":1,"result":1,"meaning":"match"' "$T/out"

# --- usage errors still come first ---------------------------------------------
run call strlen a b
rc_is "ebpf-kfunc call unknown kfunc [$K]: exits 2" 2

# --- module unloaded: exit 1, with the cause and the fix -------------------------
# The module file to insert again: the one the harness inserted
# (EKF_VM_MODULE, /lib/ekf-vm), else any under /lib/modules.
module_file() {
	for f in "${EKF_VM_MODULE:-}" /lib/ekf-vm/ebpf_kfunc.ko \
		$(find /lib/modules -name 'ebpf_kfunc.ko*' 2>/dev/null); do
		[ -n "$f" ] && [ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# rmmod, retried for up to 10 s: programs (and their module references) are
# freed after an RCU grace period.
unloaded=0
if ko=$(module_file); then
	n=50
	while [ "$n" -gt 0 ]; do
		rmmod ebpf_kfunc 2>/dev/null && { unloaded=1; break; }
		n=$((n - 1))
		sleep 0.2
	done
fi
if [ "$unloaded" = 0 ]; then
	skip "ebpf-kfunc status, module unloaded [$K]" "cannot unload it, or no module file to load it back"
else
	run status
	rc_is "ebpf-kfunc status, module unloaded [$K]: exits 1" 1
	has "ebpf-kfunc status, module unloaded [$K]: says so" "ebpf_kfunc module is not loaded" "$T/err"
	has "ebpf-kfunc status, module unloaded [$K]: gives the fix" "fix: " "$T/err"
	run selftest --json
	rc_is "ebpf-kfunc selftest, module unloaded [$K]: exits 1" 1
	has "ebpf-kfunc selftest --json, module unloaded [$K]: error" '"error":"the ebpf_kfunc module is not loaded' "$T/out"
	if modprobe ebpf_kfunc 2>/dev/null && [ -d /sys/module/ebpf_kfunc ] ||
		insmod "$ko" 2>"$T/err"; then
		pass "ebpf-kfunc [$K]: module loaded again"
	else
		fail "ebpf-kfunc [$K]: module loaded again" "insmod $ko: $(short "$T/err")"
	fi
fi

tests_done
