# SPDX-License-Identifier: GPL-2.0
# Result lines shared by every test tier; tests/summary counts them.
#   PASS <name>
#   FAIL <name>: <why>
#   SKIP <name>: <why>
# Source this file; call pass/fail/skip. tests_done exits 1 if anything failed.

_ekf_failed=0

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "${2:-failed}"; _ekf_failed=1; }
skip() { printf 'SKIP %s: %s\n' "$1" "${2:-skipped}"; }

# expect NAME CMD...: PASS if CMD exits 0, FAIL with its output otherwise.
expect() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "exit $rc: $(printf '%s' "$out" | tail -n 5 | tr '\n' ' ')"
	fi
}

# expect_status NAME WANT CMD...: PASS if CMD exits with status WANT.
expect_status() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc, wanted $want: $(printf '%s' "$out" | tail -n 5 | tr '\n' ' ')"
	fi
}

tests_done() { return "$_ekf_failed"; }
