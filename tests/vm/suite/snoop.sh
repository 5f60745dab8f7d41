#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# snoop.sh: runs inside a test VM (busybox ash: POSIX sh only) with the
# ebpf_kfunc module loaded. For ebpf-execsnoop, ebpf-opensnoop and
# ebpf-unlinksnoop:
#  1. the host tier's common cases (tests/host/snoop-lib.sh) on this kernel,
#     --match in the kernel;
#  2. --match (and --contains, --match-args, --failed) served in the kernel
#     with the module loaded: by default from fexit programs on the syscall
#     functions (opensnoop, unlinksnoop) or tp_btf (execsnoop), then forced
#     to tp_btf, to the tracepoint programs (6.2+), and with the fexit
#     attach made to fail (EKF_TRACE_TEST_FAIL_ATTACH: the fallback to
#     tp_btf); then in userspace with the module unloaded: the same events
#     every way. The module is loaded again at the end for the suites that
#     follow.
# Prints PASS/FAIL/SKIP lines; exits 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=../../lib/result.sh
. "$repo/tests/lib/result.sh"
# shellcheck source=../../host/snoop-lib.sh
. "$repo/tests/host/snoop-lib.sh"
K=$(uname -r)
SNOOP_BIN=$repo/build/bin/
SNOOP_TAG=$K
# TCG is slow: --duration 1 may take a few seconds to load, run and exit
SNOOP_DURATION_MAX=15
T=$(mktemp -d 2>/dev/null || { mkdir -p /tmp/snoop.$$ && echo /tmp/snoop.$$; })
MOD=ebpf_kfunc
GOOD_KO=/lib/ekf-vm/ebpf_kfunc.ko
trap 'rm -rf "$T"' EXIT

if [ ! -d /sys/module/$MOD ]; then
	skip "snoop [$K]" "the $MOD module is not loaded in this VM"
	exit 0
fi
registered=$(cat /sys/module/$MOD/parameters/registered 2>/dev/null)
# (words: "syscall" contains "all")
# fexit first wherever the kfuncs are callable (only the traced calls pay),
# for the tools that have fexit programs; then tp_btf (cheaper per dropped
# call than tracepoint programs); the tracepoint programs on 6.2+ when forced
case ",$registered," in
*,all,*|*,tracing,*)
	want_path="(kfuncs called from fexit programs on the syscall functions)"
	want_exec="(kfuncs called from tp_btf/sys_enter" ;;
*) want_path="in userspace" want_exec="in userspace" ;;
esac
echo "# $MOD registered for: $registered; in-kernel --match expected $want_path (execsnoop: $want_exec)"

for tool in ebpf-opensnoop ebpf-unlinksnoop ebpf-execsnoop; do
	snoop_suite "$tool"
done

# --- the same match in the kernel and in userspace -------------------------
# markers TOOL DIR: the files the workload acts on; for the path tools also
# two that do not exist (e, f: failed calls, for --failed)
markers() {
	echo "$2/kmatch-a.mk $2/kmatch-b.other $2/x/kmatch-c.mk $2/kmatch-d.mkx"
	[ "$1" = ebpf-execsnoop ] || echo "$2/kmatch-e.mk $2/kmatch-f.other"
}

# workload TOOL DIR: events on the markers; a match keeps some of them.
workload() {
	for f in $(markers "$1" "$2"); do
		case $1 in
		ebpf-opensnoop) spawn cat "$f" ;;
		ebpf-unlinksnoop) spawn unlink "$f" ;;
		ebpf-execsnoop) spawn "$f" --flag=kmatch ;;
		esac
		go
	done
}

prep_workload() {
	mkdir -p "$2/x"
	for f in "$2/kmatch-a.mk" "$2/kmatch-b.other" "$2/x/kmatch-c.mk" "$2/kmatch-d.mkx"; do
		case $1 in
		ebpf-execsnoop) printf '#!/bin/sh\nexit 0\n' >"$f"; chmod +x "$f" ;;
		*) : >"$f" ;;
		esac
	done
}

# the markers a run printed, sorted, one line
matched() {
	grep -o 'kmatch-[a-f]\.[a-z]*' "$T/run.out" | sort -u | tr '\n' ' '
}

# run_match PHASE TOOL ARGS...: the workload under the tool; the result in
# $T/PHASE-TOOL-ARGS.set, where the match ran in $where.
run_match() {
	phase=$1 tool=$2
	shift 2
	key=$(printf '%s' "$tool $*" | tr -c 'a-zA-Z0-9\n' '_')
	dir=$T/$phase-$key
	prep_workload "$tool" "$dir"
	if ! snoop_start "$tool" -v "$@"; then
		fail "$tool $* [$K]: $phase: starts" "exit $src: $(grep -v '^libbpf' "$T/run.err" | tr '\n' ' ' | cut -c1-300)"
		return
	fi
	workload "$tool" "$dir"
	snoop_stop
	where=$(grep -- "--match runs" "$T/run.err" | head -n 1)
	because=$(grep -- ": because" "$T/run.err" | head -n 1)
	matched >"$T/$phase-$key.set"
}

cases="ebpf-opensnoop|--match|*/kmatch-*.mk
ebpf-opensnoop|--failed --match|*/kmatch-*.mk
ebpf-unlinksnoop|--match|*/kmatch-*.mk
ebpf-unlinksnoop|--contains|kmatch-a
ebpf-unlinksnoop|--failed --contains|kmatch-
ebpf-execsnoop|--match|*/kmatch-*.mk
ebpf-execsnoop|--match-args --match|*/kmatch-?.mk --flag=kmatch"
want_set() {
	case "$1 $2" in
	*--failed\ --match*) echo "kmatch-e.mk " ;;
	*--failed*) echo "kmatch-e.mk kmatch-f.other " ;;
	*--contains*) echo "kmatch-a.mk " ;;
	ebpf-execsnoop*) echo "kmatch-a.mk kmatch-c.mk " ;;
	*) echo "kmatch-a.mk kmatch-c.mk kmatch-e.mk " ;;
	esac
}

# expect_where PHASE TOOL: what -v must say about where --match ran
expect_where() {
	case $1 in
	kernel) if [ "$2" = ebpf-execsnoop ]; then echo "runs in the kernel $want_exec"
		else echo "runs in the kernel $want_path"; fi ;;
	btf|fallback) echo "runs in the kernel (kfuncs called from tp_btf/sys_enter" ;;
	tp) echo "runs in the kernel (kfuncs called from the syscall tracepoint programs)" ;;
	user) echo "runs in userspace" ;;
	esac
}

# expect_because PHASE: what -v must give as the reason ("": anything)
expect_because() {
	case $1 in
	fallback) echo "fexit programs on the syscall functions) failed to attach" ;;
	user) echo "because the $MOD module is not loaded" ;;
	esac
}

each_case() {
	phase=$1
	printf '%s\n' "$cases" >"$T/cases"
	# a redirect, not a pipe: the loop must run in this shell (results)
	while IFS='|' read -r tool opt pat; do
		# the attach fallback: the path tools (fexit), one case each
		if [ "$phase" = fallback ]; then
			case "$tool $opt" in ebpf-execsnoop*|*--failed*) continue ;; esac
		fi
		# shellcheck disable=SC2086 # opt is one or two options
		run_match "$phase" "$tool" $opt "$pat"
		key=$(printf '%s' "$tool $opt $pat" | tr -c 'a-zA-Z0-9\n' '_')
		got=$(cat "$T/$phase-$key.set" 2>/dev/null)
		want=$(want_set "$tool" "$opt")
		name="$tool $opt '$pat' [$K]"
		ww=$(expect_where "$phase" "$tool")
		wb=$(expect_because "$phase")
		case $phase in
		kernel) label="default flavour: $ww" ;;
		btf) label="EKF_TRACE_ATTACH=tp_btf: $ww" ;;
		tp) label="EKF_TRACE_ATTACH=tracepoint: $ww" ;;
		fallback) label="fexit attach failing: falls back: $ww" ;;
		user) label="module unloaded: $ww" ;;
		esac
		case $where in
		*"$ww"*)
			case $because in
			*"$wb"*) pass "$name: $label" ;;
			*) fail "$name: $label" "-v said: $because" ;;
			esac ;;
		*) if [ "$phase" = kernel ] && [ "$want_path" = "in userspace" ]; then
			skip "$name: runs in the kernel" "the module registered its kfuncs for '$registered'"
		   else
			fail "$name: $label" "-v said: $where $because"
		   fi ;;
		esac
		if [ "$got" = "$want" ]; then
			pass "$name: $phase: the matching events ($want)"
		else
			fail "$name: $phase: the matching events" "got '$got', wanted '$want'"
		fi
	done <"$T/cases"
}

each_case kernel
# the tp_btf flavour with the kfuncs, on every kernel
export EKF_TRACE_ATTACH=tp_btf
each_case btf
# the tracepoint programs calling the kfuncs, where the kernel allows it (6.2+)
case ",$registered," in
*,all,*)
	export EKF_TRACE_ATTACH=tracepoint
	each_case tp ;;
esac
unset EKF_TRACE_ATTACH
# an fexit program that loads but cannot attach: the next flavour, cleanly
case ",$registered," in
*,all,*|*,tracing,*)
	export EKF_TRACE_TEST_FAIL_ATTACH=fexit
	each_case fallback
	unset EKF_TRACE_TEST_FAIL_ATTACH ;;
esac

# unload: programs drop their module reference a little after they close
tries=0
while [ -d /sys/module/$MOD ] && ! rmmod $MOD 2>/dev/null; do
	tries=$((tries + 1))
	if [ "$tries" -ge 40 ]; then
		fail "snoop [$K]: rmmod $MOD" "module busy (refcnt $(cat /sys/module/$MOD/refcnt))"
		break
	fi
	sleep 0.5
done
if [ ! -d /sys/module/$MOD ]; then
	each_case user
	# the same sets every way
	for f in "$T"/kernel-*.set "$T"/btf-*.set "$T"/tp-*.set "$T"/fallback-*.set; do
		[ -f "$f" ] || continue
		c=${f#"$T"/}
		u=$T/user-${c#*-}
		if [ -f "$u" ] && [ "$(cat "$f")" = "$(cat "$u")" ]; then
			pass "snoop [$K]: same events in the kernel and in userspace: $c"
		else
			fail "snoop [$K]: same events in the kernel and in userspace: $c" \
				"kernel '$(cat "$f")', userspace '$(cat "$u" 2>/dev/null)'"
		fi
	done
	if insmod "$GOOD_KO" && [ -d /sys/module/$MOD ]; then
		pass "snoop [$K]: the module loads again"
	else
		fail "snoop [$K]: the module loads again" "insmod $GOOD_KO failed"
	fi
fi

tests_done
