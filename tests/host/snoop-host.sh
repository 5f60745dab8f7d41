#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# snoop-host.sh TOOL: host tier of ebpf-execsnoop, ebpf-opensnoop or
# ebpf-unlinksnoop (through the wrappers tests/host/ebpf-*snoop.sh), as
# root on the build machine, where the ebpf_kfunc module is never loaded:
# the common cases of snoop-lib.sh (events in text and JSON, every filter
# both ways, --duration, bad arguments), then where --match runs (-v),
# the tp_btf attach flavour, a run without root and the man page.
#   SNOOP_BIN=dir/ (default: build/bin/ of this repository)
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/lib/result.sh"
. "$here/snoop-lib.sh"
tool=$1
SNOOP_BIN=${SNOOP_BIN:-$repo/build/bin/}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ ! -x "$SNOOP_BIN$tool" ]; then
	fail "$tool: built" "$SNOOP_BIN$tool is missing: run make tools"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	skip "$tool host tier" "needs root"
	exit 0
fi

json_lines() {
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    o = json.loads(line)
    assert isinstance(o, dict), "line %d is not an object" % n
' "$1"
}
command -v python3 >/dev/null && SNOOP_JSON_CHECK=json_lines

snoop_suite "$tool"

# --- where --match runs: no module here, so userspace -----------------------
snoop_start "$tool" -v --match '*/no-such-thing'
snoop_stop
if grep -q -- "--match runs in userspace" "$T/run.err" &&
	grep -q -- "because the ebpf_kfunc module is not loaded" "$T/run.err"; then
	pass "$tool -v: says --match runs in userspace, and why"
else
	fail "$tool -v: says --match runs in userspace, and why" "$(grep -v '^libbpf' "$T/run.err" | tr '\n' ' ' | cut -c1-300)"
fi
if grep -q 'ulimit -l' "$T/run.err"; then
	fail "$tool -v: no ulimit hint" "$(grep 'ulimit' "$T/run.err" | head -n 1)"
else
	pass "$tool -v: no ulimit hint"
fi

# --- the tp_btf flavour (the one 6.1 needs for in-kernel matching) ----------
ok=$T/btf-yes-$$.mk
no=$T/btf-no-$$.other
prep_${tool#ebpf-} "$ok"; prep_${tool#ebpf-} "$no"
EKF_TRACE_ATTACH=tp_btf snoop_start "$tool" -v --match '*/btf-yes-*'
act_${tool#ebpf-} "$ok"; go
act_${tool#ebpf-} "$no"; go
snoop_stop
if grep -q "attaching to tp_btf/sys_enter" "$T/run.err"; then
	expect_event "$tool tp_btf flavour: the matching event" "$T/run.out" "$ok"
	expect_none "$tool tp_btf flavour: not the other" "$T/run.out" "$no"
else
	fail "$tool tp_btf flavour" "did not use tp_btf: $(grep -v '^libbpf' "$T/run.err" | tr '\n' ' ' | cut -c1-300)"
fi

# --- SIGTERM: a clean exit too ------------------------------------------------
snoop_start "$tool" --json
kill -TERM "$spid"
wait "$spid"
src=$?
ran_ok "$tool: SIGTERM: exits 0 with the summary"

# --- lost events: a 4 KiB ring and a burst; counted, reported, not silent ---
if [ "$tool" = ebpf-opensnoop ] && [ -x /bin/cat ]; then
	cp /bin/cat "$T/ekfburst"
	for i in $(seq 1 100); do : >"$T/burst-$i"; done
	set --
	for r in 1 2 3 4 5 6 7 8 9 10; do
		for i in $(seq 1 100); do set -- "$@" "$T/burst-$i"; done
	done
	snoop_start "$tool" --json -b 4096 --comm ekfburst --match '*/burst-*'
	"$T/ekfburst" "$@" >/dev/null
	snoop_stop
	shown=$(grep -c '"type":"open"' "$T/run.out")
	lost=$(sed -n 's/.*"type":"summary".*"lost":\([0-9]*\).*/\1/p' "$T/run.out")
	if [ "$src" -eq 0 ] && [ "${lost:-0}" -gt 0 ] && [ $((shown + lost)) -ge 1000 ] &&
		grep -q "[1-9][0-9]* lost (the ring buffer was full" "$T/run.err"; then
		pass "$tool: a burst into a 4 KiB ring: lost events counted and reported ($shown shown, $lost lost)"
	else
		fail "$tool: a burst into a 4 KiB ring: lost events counted and reported" \
			"exit $src, $shown shown, lost '${lost}': $(snoop_short "$T/run.err")"
	fi
fi

# --- records that wrap around the end of a 4 KiB ring arrive whole ------------
# (the tool maps the ring once and copies a wrapping record: tools/lib/ekf_ring.c).
# Paced so that none is lost: 100 opens, records of 20 different lengths.
if [ "$tool" = ebpf-opensnoop ] && [ -x /bin/bash ]; then
	cp /bin/bash "$T/ekfwrap"
	mkdir -p "$T/wrap"
	set --
	for len in 1 29 57 85 113 141 169 197 225 253 7 35 63 91 119 147 175 203 231 255; do
		name=$(printf "%${len}s" "" | tr ' ' 'w')
		: >"$T/wrap/$name"
		set -- "$@" "$T/wrap/$name"
	done
	set -- "$@" "$@" "$@" "$@" "$@"
	printf '%s\n' "$@" >"$T/wrap.want"
	snoop_start "$tool" --json -b 4096 --comm ekfwrap
	"$T/ekfwrap" -c 'for f; do : <"$f"; sleep 0.02; done' ekfwrap "$@"
	snoop_stop
	sed -n 's/.*"type":"open".*"path":"\([^"]*\)".*/\1/p' "$T/run.out" | grep "^$T/wrap/" >"$T/wrap.got"
	lost=$(sed -n 's/.*"type":"summary".*"lost":\([0-9]*\).*/\1/p' "$T/run.out")
	if [ "$src" -eq 0 ] && [ "$lost" = 0 ] && cmp -s "$T/wrap.want" "$T/wrap.got"; then
		pass "$tool: records wrapping around a 4 KiB ring arrive whole and in order (100 of 100)"
	else
		fail "$tool: records wrapping around a 4 KiB ring arrive whole and in order" \
			"exit $src, lost '$lost', $(wc -l <"$T/wrap.got") of 100 shown, first difference: $(diff "$T/wrap.want" "$T/wrap.got" | sed -n 2p | cut -c1-100)"
	fi
fi

# --- tracefs not mounted: in a mount namespace of its own, so nothing else sees it
# without_tracefs SETUP CMD...: CMD with tracefs unmounted, after the shell
# commands SETUP ($0 in them: $T/btf, a spare mount point)
without_tracefs() {
	mkdir -p "$T/btf"
	unshare -m --propagation private sh -c '
		for m in /sys/kernel/debug/tracing /sys/kernel/tracing; do
			while grep -q " $m tracefs " /proc/mounts; do umount "$m" || exit 9; done
		done
		'"$1"'
		shift
		exec "$@"' "$T/btf" "$@"
}
if ! command -v unshare >/dev/null; then
	skip "$tool without tracefs" "no unshare (util-linux)"
else
	without_tracefs : "$SNOOP_BIN$tool" -v -d 0.3 >"$T/run.out" 2>"$T/run.err"
	src=$?
	if [ "$src" -eq 0 ] && grep -q "mounted tracefs on /sys/kernel/tracing" "$T/run.err" &&
		grep -q "attached, tracing" "$T/run.err"; then
		pass "$tool without tracefs: mounts it and traces"
	else
		fail "$tool without tracefs: mounts it and traces" "exit $src: $(snoop_short "$T/run.err")"
	fi
	# ... and where it cannot be mounted (a /sys/kernel without tracing/, its
	# btf/ kept): exit 1, the mount command
	without_tracefs 'mount --bind /sys/kernel/btf "$0" && mount -t tmpfs -o size=4k none /sys/kernel &&
			mkdir /sys/kernel/btf && mount --move "$0" /sys/kernel/btf || exit 9' \
		"$SNOOP_BIN$tool" -d 0.3 >"$T/run.out" 2>"$T/run.err"
	src=$?
	if [ "$src" -eq 1 ] && grep -q "tracefs is not mounted" "$T/run.err" &&
		grep -q "fix: .*mount -t tracefs nodev /sys/kernel/tracing" "$T/run.err"; then
		pass "$tool where tracefs cannot be mounted: exits 1 with the mount command"
	else
		fail "$tool where tracefs cannot be mounted: exits 1 with the mount command" \
			"exit $src: $(snoop_short "$T/run.err")"
	fi
fi

# --- without root -------------------------------------------------------------
if ! command -v setpriv >/dev/null; then
	skip "$tool without root" "no setpriv"
elif ! setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SNOOP_BIN$tool" --version >/dev/null 2>&1; then
	skip "$tool without root" "user nobody cannot run $SNOOP_BIN$tool (directory permissions)"
else
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$SNOOP_BIN$tool" -d 1 >"$T/run.out" 2>"$T/run.err"
	src=$?
	if [ "$src" -eq 1 ] && grep -q "needs root" "$T/run.err" && grep -q "fix: " "$T/run.err"; then
		pass "$tool without root: exits 1, says root and the fix"
	else
		fail "$tool without root: exits 1, says root and the fix" "exit $src: $(snoop_short "$T/run.err")"
	fi
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$SNOOP_BIN$tool" --pid nope >"$T/run.out" 2>"$T/run.err"
	src=$?
	if [ "$src" -eq 2 ]; then
		pass "$tool without root: usage errors come first (exit 2)"
	else
		fail "$tool without root: usage errors come first (exit 2)" "exit $src"
	fi
fi

# --- the man page -------------------------------------------------------------
man=$repo/tools/$tool.8
if [ ! -f "$man" ]; then
	fail "$tool.8: exists" "no $man"
elif ! command -v man >/dev/null; then
	skip "$tool.8: no warnings" "man is not installed"
else
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$man" 2>&1 >/dev/null)
	if [ -z "$warn" ]; then
		pass "$tool.8: no warnings"
	else
		fail "$tool.8: no warnings" "$warn"
	fi
	for sect in NAME SYNOPSIS DESCRIPTION OPTIONS "JSON OUTPUT" "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		if grep -q "^\.SH \"*$sect\"*\$" "$man"; then
			pass "$tool.8: section $sect"
		else
			fail "$tool.8: section $sect" "missing"
		fi
	done
fi

tests_done
