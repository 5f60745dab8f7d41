#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2015 # "test && pass || fail": pass() cannot fail
#
# Host tier for ebpf-sockmap(8), as root on the build machine: usage errors
# (exit 2, the bad value named, no state changed), help, runs without root,
# the man page, then the correctness suite (tests/sockmap/suite.sh) with
# 256 MiB each way, 100 half-close exchanges and 64 concurrent connections.
#   EBPF_SOCKMAP=path/to/ebpf-sockmap  EKF_SOCKMAP_ECHO=path/to/ekf-sockmap-echo
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/lib/result.sh"
. "$repo/tests/sockmap/suite.sh"
# shellcheck disable=SC2034 # TAG: used by tests/sockmap/suite.sh
SM=${EBPF_SOCKMAP:-$repo/build/bin/ebpf-sockmap}
ECHO=${EKF_SOCKMAP_ECHO:-$repo/build/tests/bin/ekf-sockmap-echo}
TAG=ebpf-sockmap
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for b in "$SM" "$ECHO"; do
	if [ ! -x "$b" ]; then
		fail "ebpf-sockmap: built" "$b is missing: run make tools"
		exit 1
	fi
done

# state before the usage errors, to prove they change nothing
pins() { ls -R /sys/fs/bpf/ebpf-tools/sockmap 2>/dev/null; }
pins >"$T/pins.before"

# usage NAME PATTERN ARGS...: exit 2, PATTERN on stderr, nothing on stdout
usage() {
	name=$1 pat=$2
	shift 2
	"$SM" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 2 ]; then
		fail "ebpf-sockmap usage: $name" "exit $rc, wanted 2: $(sm_short "$T/err")"
	elif ! grep -qF -- "$pat" "$T/err"; then
		fail "ebpf-sockmap usage: $name" "stderr does not name '$pat': $(sm_short "$T/err")"
	elif [ -s "$T/out" ]; then
		fail "ebpf-sockmap usage: $name" "wrote to stdout: $(sm_short "$T/out")"
	else
		pass "ebpf-sockmap usage: $name"
	fi
}

cgroot=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
usage "no command" "missing command"
usage "unknown command" "'frob'" frob
usage "unknown global option" "'--frob'" --frob status
usage "attach: no cgroup" "missing the CGROUP" attach
usage "attach: missing path" "'/nonexistent/cg'" attach /nonexistent/cg
usage "attach: not a cgroup v2 directory" "'/tmp' is not a cgroup v2 directory" attach /tmp
usage "attach: a file" "is not a cgroup v2 directory" attach /etc/hostname
usage "attach: says where cgroup2 is" "cgroup2 is mounted at $cgroot" attach /tmp
usage "attach: extra argument" "'extra'" attach "$cgroot" extra
usage "attach: --ports without value" "'--ports'" attach "$cgroot" --ports
usage "attach: port 0" "'0'" attach "$cgroot" --ports 0
usage "attach: port 70000" "'70000'" attach "$cgroot" --ports 80,70000
usage "attach: port not a number" "'http'" attach "$cgroot" --ports http
usage "attach: reversed range" "'9-3'" attach "$cgroot" --ports 9-3
usage "attach: empty list" "empty --ports" attach "$cgroot" --ports ''
usage "attach: only commas" "',,'" attach "$cgroot" --ports ,,
usage "attach: unknown option" "'--frob'" attach "$cgroot" --frob
usage "detach: no cgroup" "missing the CGROUP" detach
usage "detach: --ports" "'--ports'" detach "$cgroot" --ports 80
usage "detach: not a cgroup" "'/tmp'" detach /tmp
usage "status: extra argument" "'x'" status x
usage "stats: not a cgroup" "'/tmp'" stats /tmp
usage "stats: two cgroups" "unexpected argument" stats "$cgroot" "$cgroot"
usage "run: no command" "missing the command" run
usage "run: no command after --" "missing the command" run --
usage "run: bad --ports" "'abc'" run --ports abc -- true
usage "run: unknown option" "'--frob'" run --frob -- true
usage "help: unknown command" "'frob'" help frob
pins >"$T/pins.after"
if cmp -s "$T/pins.before" "$T/pins.after"; then
	pass "ebpf-sockmap usage errors change no state"
else
	fail "ebpf-sockmap usage errors change no state" "$(diff "$T/pins.before" "$T/pins.after" | tr '\n' ' ')"
fi

for args in "--help" "help" "attach --help" "detach --help" "status --help" \
	"stats --help" "run --help" "help run"; do
	# shellcheck disable=SC2086
	"$SM" $args >"$T/out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && grep -q EXAMPLES "$T/out" && pass "ebpf-sockmap $args: exits 0 with EXAMPLES" ||
		fail "ebpf-sockmap $args: exits 0 with EXAMPLES" "exit $rc"
done
# run's own options end at CMD: CMD's options are CMD's
"$SM" run -- sh -c 'echo "$@"' sh --help -v >"$T/out" 2>&1
grep -qx -- '--help -v' "$T/out" && pass "ebpf-sockmap run: CMD's options reach CMD" ||
	fail "ebpf-sockmap run: CMD's options reach CMD" "$(sm_short "$T/out")"

# --- without root -------------------------------------------------------------
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}
if [ "$(id -u)" != 0 ]; then
	skip "ebpf-sockmap without root" "these tests run as root only"
elif ! command -v setpriv >/dev/null || ! nobody "$SM" --version >/dev/null 2>&1; then
	skip "ebpf-sockmap without root" "user nobody cannot run $SM"
else
	for args in "attach $cgroot" "detach $cgroot" "run -- true" "stats" "status"; do
		# shellcheck disable=SC2086
		nobody "$SM" $args >"$T/out" 2>"$T/err"
		rc=$?
		[ "$rc" -eq 1 ] && grep -q "needs root" "$T/err" &&
			pass "ebpf-sockmap ${args%% *} without root: exit 1, says root" ||
			fail "ebpf-sockmap ${args%% *} without root: exit 1, says root" "exit $rc: $(sm_short "$T/err")"
	done
	nobody "$SM" attach /tmp >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 2 ] && pass "ebpf-sockmap usage errors come before the root check" ||
		fail "ebpf-sockmap usage errors come before the root check" "exit $rc"
fi

# --- the lock -------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v flock >/dev/null; then
	"$SM" status >/dev/null 2>&1	# mounts bpffs if needed
	mkdir -p /sys/fs/bpf/ebpf-tools/sockmap
	flock /sys/fs/bpf/ebpf-tools/sockmap sleep 8 &
	holder=$!
	sleep 0.5
	lockcg=$cgroot/ekf-sockmap-lock.$$
	mkdir "$lockcg"
	"$SM" attach "$lockcg" >/dev/null 2>"$T/err"
	rc=$?
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	[ "$rc" -eq 0 ] && "$SM" detach "$lockcg"
	rmdir "$lockcg"
	[ "$rc" -eq 1 ] && grep -q "holds the lock" "$T/err" &&
		pass "ebpf-sockmap attach while another command holds the lock: exit 1" ||
		fail "ebpf-sockmap attach while another command holds the lock: exit 1" "exit $rc: $(sm_short "$T/err")"
	"$SM" status | grep -q 'not attached' && pass "ebpf-sockmap lock: nothing attached meanwhile" ||
		fail "ebpf-sockmap lock: nothing attached meanwhile" "$("$SM" status)"
else
	skip "ebpf-sockmap lock" "needs root and flock(1)"
fi

# --- JSON -----------------------------------------------------------------------
jcg=$cgroot/ekf-sockmap-json.$$
if [ "$(id -u)" = 0 ] && command -v python3 >/dev/null && mkdir "$jcg"; then
	"$SM" attach "$jcg" --ports 80,443,8000-8080 2>"$T/err"
	"$SM" status --json >"$T/status.json" 2>&1
	"$SM" stats --json >"$T/stats.json" 2>&1
	"$SM" detach "$jcg" 2>/dev/null
	rmdir "$jcg"
	got=$(python3 -c 'import json,sys; a=[x for x in json.load(open(sys.argv[1]))["attachments"] if x["cgroup"] == sys.argv[2]]; print(a[0]["ports"])' "$T/status.json" "$jcg" 2>&1)
	[ "$got" = "80,443,8000-8080" ] && pass "ebpf-sockmap status --json: one object, the port list" ||
		fail "ebpf-sockmap status --json: one object, the port list" "$got $(sm_short "$T/status.json")"
	got=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["attachments"]; print(sorted(a[0].keys()) == sorted(["cgroup","cgroup_id","sockets","sockets_added","sockets_closed","add_failed","msgs_redirected","bytes_redirected","msgs_passed","bytes_passed","fallback_no_peer","fallback_state","fallback_detached","fallback_queue_full","storage_failed","fin_left_map","fin_kept_in_map","fin_kept_recent_redirect","fallback_left_map","fallback_small_writes"]))' "$T/stats.json" 2>&1)
	[ "$got" = True ] && pass "ebpf-sockmap stats --json: every counter" ||
		fail "ebpf-sockmap stats --json: every counter" "$got $(sm_short "$T/stats.json")"
else
	skip "ebpf-sockmap --json" "needs root and python3"
fi

# --- the man page ---------------------------------------------------------------
man=$repo/tools/ebpf-sockmap.8
if ! command -v man >/dev/null; then
	skip "ebpf-sockmap.8: no warnings" "man is not installed"
else
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$man" 2>&1 >/dev/null)
	[ -z "$warn" ] && pass "ebpf-sockmap.8: no warnings" || fail "ebpf-sockmap.8: no warnings" "$warn"
	for sect in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" LIMITS EXAMPLES FILES "SEE ALSO"; do
		grep -q "^\.SH \"*$sect\"*\$" "$man" && pass "ebpf-sockmap.8: section $sect" ||
			fail "ebpf-sockmap.8: section $sect" "missing"
	done
fi

# --- correctness: 256 MiB each way, 100 half-closes, 64 connections -------------
sockmap_suite 268435456 100 64 4194304

tests_done
