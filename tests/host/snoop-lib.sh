# SPDX-License-Identifier: GPL-2.0
# Shared by the host and VM tests of ebpf-execsnoop, ebpf-opensnoop and
# ebpf-unlinksnoop (POSIX sh: the VM has busybox ash). Source it after
# tests/lib/result.sh with $T (a scratch directory) set; then call
# snoop_suite TOOL. Each case starts the tool, waits for its "attached"
# line, causes events with unique markers (one that must show, one that
# must not), stops it with SIGINT and checks text or JSON output.
#
#   SNOOP_BIN    directory of the tools (default: on PATH)
#   SNOOP_TAG    suffix of the test names (the VM's kernel release)

SNOOP_BIN=${SNOOP_BIN:-}
SNOOP_TAG=${SNOOP_TAG:-}

snoop_short() { tr '\n' ' ' <"$1" | cut -c1-300; }

# snoop_start TOOL ARGS...: runs the tool in the background into $T/run.out
# and $T/run.err; waits (20 s at most) for "attached". Sets $spid.
snoop_start() {
	_tool=$1
	shift
	rm -f "$T/run.out" "$T/run.err"
	"$SNOOP_BIN$_tool" "$@" >"$T/run.out" 2>"$T/run.err" &
	spid=$!
	_i=0
	while ! grep -q "attached, tracing" "$T/run.err" 2>/dev/null; do
		if ! kill -0 "$spid" 2>/dev/null; then
			wait "$spid"
			src=$?
			return 1
		fi
		_i=$((_i + 1))
		if [ "$_i" -ge 400 ]; then
			kill -INT "$spid" 2>/dev/null
			wait "$spid"
			src=$?
			return 1
		fi
		sleep 0.05
	done
	return 0
}

# snoop_stop: SIGINT, then the exit status in $src.
snoop_stop() {
	kill -INT "$spid" 2>/dev/null
	wait "$spid"
	src=$?
}

# Background helpers that wait for $T/go before doing their one thing, so
# their pid is known (and can be moved to a cgroup) before they act.
# spawn CMD...: sets $wpid. go: lets it run and waits for it.
spawn() {
	rm -f "$T/go"
	sh -c 'while [ ! -e "$0" ]; do sleep 0.02; done; exec "$@"' "$T/go" "$@" 2>/dev/null &
	wpid=$!
}
go() {
	: >"$T/go"
	wait "$wpid" 2>/dev/null
}

# The tool's own pid is not in the events we look for; nor is any other.
# has_line NAME FILE STRING...: PASS if a line of FILE has every STRING.
line_with() {
	_f=$1
	shift
	_pat=$1
	shift
	grep -F -- "$_pat" "$_f" | while IFS= read -r _l; do
		_ok=1
		for _s in "$@"; do
			case $_l in *"$_s"*) ;; *) _ok=0 ;; esac
		done
		[ "$_ok" = 1 ] && { printf '%s\n' "$_l"; break; }
	done
}

# expect_event NAME FILE MARKER STRING...: a line with MARKER and every STRING.
expect_event() {
	_n=$1 _f=$2
	shift 2
	if [ -n "$(line_with "$_f" "$@")" ]; then
		pass "$_n"
	else
		fail "$_n" "no line with '$*' in: $(snoop_short "$_f") / $(snoop_short "$T/run.err")"
	fi
}

# expect_none NAME FILE MARKER: no line with MARKER.
expect_none() {
	if grep -qF -- "$3" "$2"; then
		fail "$1" "filtered event shown: $(grep -F -- "$3" "$2" | head -n 2 | tr '\n' ' ')"
	else
		pass "$1"
	fi
}

# ran NAME: the tool started and exited 0 on SIGINT with its summary.
ran_ok() {
	if [ "$src" -ne 0 ]; then
		fail "$1" "exit $src: $(snoop_short "$T/run.err")"
	elif ! grep -q "events, [0-9]* lost" "$T/run.err"; then
		fail "$1" "no summary on stderr: $(snoop_short "$T/run.err")"
	else
		pass "$1"
	fi
}

cgroup2_root() {
	awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts
}

# --- what each tool does to cause an event -----------------------------------
# act_TOOL_ok FILE / act_TOOL_fail FILE: a successful / failing call on FILE,
# in a helper process (spawn/go). marker_TOOL FILE: what the event shows.

# opensnoop: cat opens the file (comm cat); a missing file fails (ENOENT)
prep_opensnoop() { : >"$1"; }
act_opensnoop() { spawn cat "$1"; }
act2_opensnoop() { spawn head -c 1 "$1"; }	# another comm: head
comm_opensnoop=cat
ok_text_opensnoop() { printf ' 0 '; }		# ERR column
ok_json_opensnoop() { printf '"error":null'; }

# unlinksnoop: unlink(1) calls unlink(2) (comm unlink), even on a missing
# file (busybox rm would stat it first and not call unlink at all)
prep_unlinksnoop() { : >"$1"; }
act_unlinksnoop() { spawn unlink "$1"; }
comm_unlinksnoop=unlink
ok_text_unlinksnoop() { printf ' 0 '; }
ok_json_unlinksnoop() { printf '"ret":0,'; }

# execsnoop: runs the file as a script (comm: its name, 15 bytes at most)
prep_execsnoop() { printf '#!/bin/sh\nexit 0\n' >"$1"; chmod +x "$1"; }
act_execsnoop() { spawn "$1" arg1 "two words"; }
comm_execsnoop=
ok_text_execsnoop() { printf ' 0 '; }
ok_json_execsnoop() { printf '"ret":0,'; }

# the comm an exec of FILE gets
exec_comm() { basename "$1" | cut -c1-15; }

# snoop_suite TOOL: every common case for one tool.
snoop_suite() {
	tool=$1
	short=${tool#ebpf-}
	tn="$tool${SNOOP_TAG:+ [$SNOOP_TAG]}"
	d=$T/$short
	mkdir -p "$d"
	id=$$

	# --- text: success and failure, pid, comm, path, result ---------------
	ok=$d/ok-$id
	bad=$d/missing-$id
	prep_$short "$ok"
	if ! snoop_start "$tool"; then
		fail "$tn: starts and attaches" "exit $src: $(snoop_short "$T/run.err")"
		return
	fi
	pass "$tn: starts and attaches"
	act_$short "$ok"; okpid=$wpid; go
	act_$short "$bad"; badpid=$wpid; go
	snoop_stop
	ran_ok "$tn: SIGINT: exits 0 with the summary"
	c=$comm_execsnoop
	if [ "$short" = execsnoop ]; then
		cok=$(exec_comm "$ok")
		# a failed exec keeps the caller's comm: the helper shell
		expect_event "$tn: text: exec with pid, comm, ppid, result, args" "$T/run.out" \
			"$ok arg1 two words" "$cok " " $okpid " " 0 0 "
		expect_event "$tn: text: failed exec with ENOENT" "$T/run.out" "$bad" " $badpid " " ENOENT "
	else
		c=$(eval echo "\$comm_$short")
		expect_event "$tn: text: event with pid, comm, path, result" "$T/run.out" \
			" $ok" "$okpid " " $c " "$(ok_text_$short)"
		expect_event "$tn: text: failed call with ENOENT" "$T/run.out" " $bad" "$badpid " " ENOENT "
	fi

	# --- JSON ---------------------------------------------------------------
	ok=$d/jok-$id
	bad=$d/jmissing-$id
	prep_$short "$ok"
	snoop_start "$tool" --json -T
	act_$short "$ok"; okpid=$wpid; go
	act_$short "$bad"; badpid=$wpid; go
	snoop_stop
	ran_ok "$tn: --json: exits 0"
	if [ "$short" = execsnoop ]; then
		expect_event "$tn: --json: exec event fields" "$T/run.out" "\"filename\":\"$ok\"" \
			"\"type\":\"exec\"" "\"pid\":$okpid," "\"comm\":\"$(exec_comm "$ok")\"" \
			"\"ret\":0," "\"args\":[\"$ok\",\"arg1\",\"two words\"]" "\"args_truncated\":false"
		expect_event "$tn: --json: failed exec" "$T/run.out" "\"filename\":\"$bad\"" \
			"\"pid\":$badpid," "\"ret\":-2," "\"error\":\"ENOENT\""
	else
		c=$(eval echo "\$comm_$short")
		expect_event "$tn: --json: event fields" "$T/run.out" "\"path\":\"$ok\"" \
			"\"pid\":$okpid," "\"comm\":\"$c\"" "$(ok_json_$short)" "\"time\":\"20"
		expect_event "$tn: --json: failed call" "$T/run.out" "\"path\":\"$bad\"" \
			"\"pid\":$badpid," "\"ret\":-2," "\"errno\":2," "\"error\":\"ENOENT\""
	fi
	expect_event "$tn: --json: summary line with lost count" "$T/run.out" \
		"\"type\":\"summary\"" "\"lost\":"
	if [ -n "${SNOOP_JSON_CHECK:-}" ]; then
		if $SNOOP_JSON_CHECK "$T/run.out" 2>"$T/jerr"; then
			pass "$tn: --json: every line is one JSON object"
		else
			fail "$tn: --json: every line is one JSON object" "$(snoop_short "$T/jerr")"
		fi
	fi

	# --- filters: each with an event that must show and one that must not --
	# --pid
	ok=$d/pid-yes-$id; no=$d/pid-no-$id
	prep_$short "$ok"; prep_$short "$no"
	act_$short "$ok"; okpid=$wpid
	snoop_start "$tool" --pid "$okpid"
	go
	act_$short "$no"; go
	snoop_stop
	expect_event "$tn: --pid: its event" "$T/run.out" "$ok"
	expect_none "$tn: --pid: not another process's" "$T/run.out" "$no"

	# --uid: ours, and 65534's (nobody) are not
	ok=$d/uid-yes-$id
	prep_$short "$ok"
	snoop_start "$tool" --uid "$(id -u)"
	act_$short "$ok"; go
	snoop_stop
	expect_event "$tn: --uid: our uid's event" "$T/run.out" "$ok"
	no=$d/uid-no-$id
	prep_$short "$no"
	snoop_start "$tool" --uid 65534
	act_$short "$no"; go
	snoop_stop
	expect_none "$tn: --uid: not another uid's" "$T/run.out" "$no"

	# --comm
	ok=$d/comm-yes-$id; no=$d/comm-no-$id
	prep_$short "$ok"; prep_$short "$no"
	if [ "$short" = execsnoop ]; then
		snoop_start "$tool" --comm "$(exec_comm "$ok")"
		act_$short "$ok"; go
		act_$short "$no"; go
	elif [ "$short" = unlinksnoop ]; then
		rm -f "$no"
		mkdir -p "$no"
		snoop_start "$tool" --comm unlink
		act_$short "$ok"; go
		spawn rmdir "$no"; go
	else
		snoop_start "$tool" --comm cat
		act_$short "$ok"; go
		act2_$short "$no"; go
	fi
	snoop_stop
	expect_event "$tn: --comm: that command's event" "$T/run.out" "$ok"
	expect_none "$tn: --comm: not another command's" "$T/run.out" "$no"

	# --failed
	ok=$d/failed-missing-$id; no=$d/failed-ok-$id
	prep_$short "$no"
	snoop_start "$tool" --failed
	act_$short "$ok"; go
	act_$short "$no"; go
	snoop_stop
	expect_event "$tn: --failed: the failed call" "$T/run.out" "$ok" "ENOENT"
	expect_none "$tn: --failed: not the successful one" "$T/run.out" "$no"

	# --cgroup: a helper moved into a new cgroup shows, one outside does not
	cgr=$(cgroup2_root)
	if [ -z "$cgr" ] || ! mkdir "$cgr/ekf-snoop-$id" 2>/dev/null; then
		skip "$tn: --cgroup" "no writable cgroup v2 hierarchy"
	else
		ok=$d/cg-yes-$id; no=$d/cg-no-$id
		prep_$short "$ok"; prep_$short "$no"
		snoop_start "$tool" --cgroup "$cgr/ekf-snoop-$id"
		act_$short "$ok"
		echo "$wpid" >"$cgr/ekf-snoop-$id/cgroup.procs"
		go
		act_$short "$no"; go
		snoop_stop
		expect_event "$tn: --cgroup: an event from inside" "$T/run.out" "$ok"
		expect_none "$tn: --cgroup: not from outside" "$T/run.out" "$no"
		rmdir "$cgr/ekf-snoop-$id" 2>/dev/null
	fi

	# --match (where it runs: the VM suite checks both ways)
	ok=$d/match-yes-$id.mk; no=$d/match-no-$id.other
	prep_$short "$ok"; prep_$short "$no"
	snoop_start "$tool" --match "*/match-*-$id.mk"
	act_$short "$ok"; go
	act_$short "$no"; go
	snoop_stop
	expect_event "$tn: --match: a matching path" "$T/run.out" "$ok"
	expect_none "$tn: --match: not another" "$T/run.out" "$no"

	# --duration: exits by itself, on time
	start=$(date +%s)
	"$SNOOP_BIN$tool" --duration 1 >"$T/run.out" 2>"$T/run.err"
	src=$?
	took=$(( $(date +%s) - start ))
	if [ "$src" -eq 0 ] && [ "$took" -le "${SNOOP_DURATION_MAX:-5}" ]; then
		pass "$tn: --duration 1: exits 0 by itself"
	else
		fail "$tn: --duration 1: exits 0 by itself" "exit $src after ${took}s: $(snoop_short "$T/run.err")"
	fi

	# --- bad arguments: exit 2, the bad value named, nothing traced ---------
	for args in "--pid abc|'abc'" "--pid 0|'0'" "--uid no-such-user-$id|'no-such-user-$id'" \
		"--comm a-command-name-too-long|'a-command-name-too-long'" \
		"--cgroup /nonexistent-$id|'/nonexistent-$id'" "--cgroup /|'/'" \
		"--duration -1|'-1'" "--duration abc|'abc'" "--buffer-size 1000|'1000'" \
		"--buffer-size 12x|'12x'" "--match [abc|'[abc'" "--frob|'--frob'" "-q|'-q'" \
		"extra|'extra'" "--pid|'--pid'"; do
		a=${args%%|*}
		want=${args#*|}
		# shellcheck disable=SC2086 # word splitting wanted
		"$SNOOP_BIN$tool" $a >"$T/run.out" 2>"$T/run.err"
		src=$?
		if [ "$src" -ne 2 ]; then
			fail "$tn: bad argument '$a': exit 2" "exit $src: $(snoop_short "$T/run.err")"
		elif ! grep -qF -- "$want" "$T/run.err"; then
			fail "$tn: bad argument '$a': exit 2" "stderr does not name $want: $(snoop_short "$T/run.err")"
		elif grep -q attached "$T/run.err"; then
			fail "$tn: bad argument '$a': exit 2" "it attached anyway"
		else
			pass "$tn: bad argument '$a': exit 2"
		fi
	done

	if command -v "extra_$short" >/dev/null 2>&1; then
		"extra_$short"
	fi

	# --- help ---------------------------------------------------------------
	"$SNOOP_BIN$tool" --help >"$T/run.out" 2>&1
	src=$?
	if [ "$src" -eq 0 ] && grep -q EXAMPLES "$T/run.out" && grep -q USAGE -i "$T/run.out"; then
		pass "$tn: --help: usage and EXAMPLES"
	else
		fail "$tn: --help: usage and EXAMPLES" "exit $src: $(snoop_short "$T/run.out")"
	fi
}

# --- tool-specific cases -------------------------------------------------------

extra_unlinksnoop() {
	ok=$d/contains-yes-$id.needle; no=$d/contains-no-$id.other
	prep_unlinksnoop "$ok"; prep_unlinksnoop "$no"
	snoop_start "$tool" --contains "yes-$id.need"
	act_unlinksnoop "$ok"; go
	act_unlinksnoop "$no"; go
	snoop_stop
	expect_event "$tn: --contains: a path containing it" "$T/run.out" "$ok"
	expect_none "$tn: --contains: not another" "$T/run.out" "$no"

	# both: --match and --contains must hold
	ok=$d/both-yes-$id.log; no=$d/both-no-$id.log
	prep_unlinksnoop "$ok"; prep_unlinksnoop "$no"
	snoop_start "$tool" --contains "yes-$id" --match '*.log'
	act_unlinksnoop "$ok"; go
	act_unlinksnoop "$no"; go
	snoop_stop
	expect_event "$tn: --contains with --match: both hold" "$T/run.out" "$ok"
	expect_none "$tn: --contains with --match: one does not" "$T/run.out" "$no"

	# rmdir(2)
	ok=$d/dir-$id
	mkdir -p "$ok"
	snoop_start "$tool" --json
	spawn rmdir "$ok"; okpid=$wpid; go
	snoop_stop
	expect_event "$tn: rmdir: event" "$T/run.out" "\"path\":\"$ok\"" "\"pid\":$okpid," \
		"\"comm\":\"rmdir\"" "\"ret\":0,"
}

extra_execsnoop() {
	ok=$d/margs-yes-$id; no=$d/margs-no-$id
	prep_execsnoop "$ok"; prep_execsnoop "$no"
	snoop_start "$tool" --match-args --match "* --flag=$id *"
	spawn "$ok" a --flag="$id" b; go
	spawn "$no" a --flag=other b; go
	snoop_stop
	expect_event "$tn: --match-args: matching arguments" "$T/run.out" "$ok a --flag=$id b"
	expect_none "$tn: --match-args: not others" "$T/run.out" "$no"

	# more arguments than kept: cut, with the marker
	ok=$d/many-$id
	prep_execsnoop "$ok"
	snoop_start "$tool" --json
	spawn "$ok" 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35; go
	snoop_stop
	expect_event "$tn: more than 32 arguments: cut, marked" "$T/run.out" "\"filename\":\"$ok\"" \
		"\"args_truncated\":true" "\"30\",\"31\"]"
	"$SNOOP_BIN$tool" --match-args >"$T/run.out" 2>"$T/run.err"
	src=$?
	if [ "$src" -eq 2 ] && grep -q -- "--match-args needs --match" "$T/run.err"; then
		pass "$tn: --match-args without --match: exit 2"
	else
		fail "$tn: --match-args without --match: exit 2" "exit $src: $(snoop_short "$T/run.err")"
	fi
}
