#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host tier for ebpf-kfunc(8): runs on the build machine, as root, where the
# module is not loaded (this project's build machines have no module
# support at all). Checks the failure reports (exit 1, cause and fix),
# every usage error (exit 2, naming the bad value), --help, --json and a
# run without root.
#   EBPF_KFUNC=path/to/ebpf-kfunc (default: build/bin/ebpf-kfunc)
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/lib/result.sh"
EK=${EBPF_KFUNC:-$repo/build/bin/ebpf-kfunc}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ ! -x "$EK" ]; then
	fail "ebpf-kfunc: built" "$EK is missing: run make tools"
	exit 1
fi

# run ARGS...: runs ebpf-kfunc; $rc, $T/out, $T/err
run() {
	"$EK" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

short() { tr '\n' ' ' <"$1" | cut -c1-300; }

# check NAME WANT_RC PATTERN FILE: exit status and a fixed string in FILE.
check() {
	if [ "$rc" -ne "$2" ]; then
		fail "$1" "exit $rc, wanted $2: $(short "$T/err")"
	elif ! grep -qF -- "$3" "$4"; then
		fail "$1" "no '$3' in the output: $(short "$4")"
	else
		pass "$1"
	fi
}

# usage NAME PATTERN ARGS...: exit 2, PATTERN (the bad value) on stderr,
# nothing on stdout.
usage() {
	name=$1 pat=$2
	shift 2
	run "$@"
	if [ "$rc" -ne 2 ]; then
		fail "ebpf-kfunc usage: $name" "exit $rc, wanted 2: $(short "$T/err")"
	elif ! grep -qF -- "$pat" "$T/err"; then
		fail "ebpf-kfunc usage: $name" "stderr does not name '$pat': $(short "$T/err")"
	elif [ -s "$T/out" ]; then
		fail "ebpf-kfunc usage: $name" "wrote to stdout: $(short "$T/out")"
	else
		pass "ebpf-kfunc usage: $name"
	fi
}

# json_ok NAME FILE: FILE holds exactly one JSON object (python3 checks it).
json_ok() {
	if ! command -v python3 >/dev/null; then
		skip "$1" "no python3 to parse JSON"
		return
	fi
	if python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert isinstance(o, dict)' "$2" 2>"$T/jerr"; then
		pass "$1"
	else
		fail "$1" "not one JSON object: $(short "$T/jerr") $(short "$2")"
	fi
}

# json_field FILE EXPR: prints the python expression EXPR of the object o.
json_field() {
	python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' "$1" "$2" 2>/dev/null
}

# --- What this kernel is: the expected failure cause ---------------------
if [ -d /proc/self ] && [ ! -e /proc/modules ] && [ ! -e /proc/sys/kernel/modprobe ]; then
	cause="this kernel cannot load modules (CONFIG_MODULES is not set)"
	nomod=1
elif [ ! -d /sys/module/ebpf_kfunc ]; then
	cause="module is not loaded"
	nomod=0
else
	skip "ebpf-kfunc host tier" "the ebpf_kfunc module is loaded here: the VM tier covers a usable module"
	exit 0
fi

# --- status ---------------------------------------------------------------
run status
check "ebpf-kfunc status: exits 1 with the cause" 1 "$cause" "$T/err"
check "ebpf-kfunc status: gives the fix" 1 "fix: " "$T/err"
check "ebpf-kfunc status: says not usable" 1 "NOT usable" "$T/out"
if [ "$nomod" = 1 ]; then
	check "ebpf-kfunc status: reports CONFIG_MODULES" 1 "not supported (CONFIG_MODULES is not set)" "$T/out"
fi

run status --json
check "ebpf-kfunc status --json: exits 1 with the cause" 1 "$cause" "$T/out"
json_ok "ebpf-kfunc status --json: one JSON object" "$T/out"
if command -v python3 >/dev/null; then
	got=$(json_field "$T/out" '[o["usable"], o["module"]["loaded"], o["kfuncs"], bool(o["fix"])]')
	if [ "$got" = '[false, false, [], true]' ]; then
		pass "ebpf-kfunc status --json: usable, loaded, kfuncs, fix"
	else
		fail "ebpf-kfunc status --json: usable, loaded, kfuncs, fix" "got $got"
	fi
	if [ "$nomod" = 1 ]; then
		got=$(json_field "$T/out" 'o["modules_supported"]')
		if [ "$got" = false ]; then
			pass "ebpf-kfunc status --json: modules_supported false"
		else
			fail "ebpf-kfunc status --json: modules_supported false" "got $got"
		fi
	fi
fi

# Options before and after the command are the same.
run --json status
check "ebpf-kfunc --json status: global option" 1 '"usable":false' "$T/out"

# -v shows libbpf's output, never the misleading RLIMIT hint.
run -v status
check "ebpf-kfunc -v status: exits 1" 1 "$cause" "$T/err"
if grep -q 'ulimit -l' "$T/err"; then
	fail "ebpf-kfunc -v status: no ulimit hint" "$(short "$T/err")"
else
	pass "ebpf-kfunc -v status: no ulimit hint"
fi

# --- selftest and call fail with the status cause -------------------------
run selftest
check "ebpf-kfunc selftest: exits 1 with the cause" 1 "$cause" "$T/err"
run selftest --json
check "ebpf-kfunc selftest --json: exits 1 with the cause" 1 "$cause" "$T/out"
json_ok "ebpf-kfunc selftest --json: one JSON object" "$T/out"
check "ebpf-kfunc selftest --json: ok false" 1 '"ok":false' "$T/out"

run call memmem 'hello world' world
check "ebpf-kfunc call: exits 1 with the cause" 1 "$cause" "$T/err"
run call glob --flags pathname --json '/tmp/*' /tmp/a
check "ebpf-kfunc call --json: exits 1 with the cause" 1 "$cause" "$T/out"
json_ok "ebpf-kfunc call --json: one JSON object" "$T/out"
check "ebpf-kfunc call --json: flags parsed" 1 '"flags":1' "$T/out"
run call memmem --hex --json 61:00:62 0062
check "ebpf-kfunc call --hex --json: bytes kept" 1 '"arg1":"a\u0000b"' "$T/out"

# --- usage errors: exit 2, naming the bad value ---------------------------
usage "no command" "missing command"
usage "unknown command" "'frobnicate'" frobnicate
usage "unknown global option" "'--frob'" --frob status
usage "unknown short option" "'-q'" -q status
usage "status: unknown option" "'--frob'" status --frob
usage "status: extra argument" "'extra'" status extra
usage "selftest: unknown option" "'-z'" selftest -z
usage "selftest: extra argument" "'now'" selftest now
usage "call: no kfunc" "missing the kfunc" call
usage "call: unknown kfunc" "'strlen'" call strlen a b
usage "call: missing arguments" "got 0" call memmem
usage "call: missing second argument" "got 1" call glob '*'
usage "call: extra argument" "'c'" call memmem a b c
usage "call: unknown option" "'--frob'" call memmem --frob a b
usage "call: --flags without value" "'--flags'" call glob a b --flags
usage "call: bad --flags name" "'bogus'" call glob --flags bogus '*' a
usage "call: bad --flags number" "'0x1zz'" call glob --flags 0x1zz '*' a
usage "call: negative --flags" "'-1'" call glob --flags=-1 '*' a
usage "call: bad name in a --flags list" "'nope'" call glob --flags 'pathname|nope' '*' a
usage "call: --flags on memmem" "'1'" call memmem --flags 1 a b
usage "call: odd-length --hex" "'abc'" call memmem --hex abc 00
usage "call: invalid --hex digit" "'g'" call memmem --hex 6g 00
usage "call: invalid --hex second argument" "ARG2 'zz'" call memmem --hex 00 zz
usage "help: unknown command" "'frob'" help frob
big=$(head -c 70000 /dev/zero | tr '\0' a)
usage "call: argument over the limit" "70000 bytes" call memmem "$big" a

# --- help ---------------------------------------------------------------
for args in "--help" "-h" "help" "status --help" "selftest --help" "call --help" \
	"help call" "call memmem --help"; do
	# shellcheck disable=SC2086
	run $args
	check "ebpf-kfunc $args: exits 0 with EXAMPLES" 0 "EXAMPLES" "$T/out"
done
run --version
check "ebpf-kfunc --version" 0 "ebpf-kfunc " "$T/out"

# --- without root ---------------------------------------------------------
nobody() {
	if command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
	else
		# shellcheck disable=SC2016 # expanded by the inner shell
		su nobody -s /bin/sh -c '"$0" "$@"' "$@"
	fi
}
if [ "$(id -u)" != 0 ]; then
	skip "ebpf-kfunc without root" "these tests run as root only"
elif ! nobody "$EK" --version >/dev/null 2>&1; then
	skip "ebpf-kfunc without root" "user nobody cannot run $EK (directory permissions)"
else
	nobody "$EK" selftest >"$T/out" 2>"$T/err"; rc=$?
	check "ebpf-kfunc selftest without root: exits 1, says root" 1 "needs root" "$T/err"
	nobody "$EK" call glob '*' a >"$T/out" 2>"$T/err"; rc=$?
	check "ebpf-kfunc call without root: exits 1, says root" 1 "needs root" "$T/err"
	nobody "$EK" status >"$T/out" 2>"$T/err"; rc=$?
	check "ebpf-kfunc status without root: exits 1 with the cause" 1 "$cause" "$T/err"
	check "ebpf-kfunc status without root: says so" 1 "root:         no" "$T/out"
	nobody "$EK" status --json >"$T/out" 2>"$T/err"; rc=$?
	check "ebpf-kfunc status --json without root" 1 '"root":false' "$T/out"
	nobody "$EK" call glob --hex zz a >"$T/out" 2>"$T/err"; rc=$?
	check "ebpf-kfunc usage errors come before the root check" 2 "'z' is not a hex digit" "$T/err"
fi

# --- the man page -----------------------------------------------------------
man=$repo/tools/ebpf-kfunc.8
if ! command -v man >/dev/null; then
	skip "ebpf-kfunc.8: no warnings" "man is not installed"
else
	# what lintian runs (manpage-has-errors-from-man)
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$man" 2>&1 >/dev/null)
	if [ -z "$warn" ]; then
		pass "ebpf-kfunc.8: no warnings"
	else
		fail "ebpf-kfunc.8: no warnings" "$warn"
	fi
	for sect in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "JSON OUTPUT" "EXIT STATUS" EXAMPLES FILES "SEE ALSO"; do
		if grep -q "^\.SH \"*$sect\"*\$" "$man"; then
			pass "ebpf-kfunc.8: section $sect"
		else
			fail "ebpf-kfunc.8: section $sect" "missing"
		fi
	done
fi

tests_done
