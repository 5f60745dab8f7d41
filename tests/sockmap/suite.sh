# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2015 # "test && pass || fail": pass() cannot fail
# shellcheck shell=sh
#
# The ebpf-sockmap correctness suite, shared by the host tier
# (tests/host/sockmap.sh) and each VM kernel (tests/vm/suite/sockmap.sh).
# POSIX sh (the VM has busybox ash). Source tests/lib/result.sh first, set
#   SM     the ebpf-sockmap binary     ECHO  ekf-sockmap-echo
#   T      a scratch directory         TAG   a prefix for the test names
# and call sockmap_suite BULK HC_COUNT CONNS CONN_BYTES:
#   BULK        bytes each way of the single-connection transfers
#   HC_COUNT    half-close exchanges (each 1..256 KiB each way)
#   CONNS       concurrent connections, CONN_BYTES each way each

sm_short() { tr '\n' ' ' <"$1" | cut -c1-400; }

# sm_json_num FILE KEY: the first number "KEY":N in FILE
sm_json_num() {
	sed -n "s/.*\"$2\":\([0-9][0-9]*\).*/\1/p" "$1" | head -n 1
}

# sm_echo NAME ARGS...: ekf-sockmap-echo ARGS must print "ok"; $T/echo.out
sm_echo() {
	name=$1
	shift
	if "$ECHO" "$@" >"$T/echo.out" 2>&1 && grep -q '^ok' "$T/echo.out"; then
		pass "$name"
	else
		fail "$name" "$(sm_short "$T/echo.out")"
	fi
}

# sm_run NAME ARGS...: ebpf-sockmap run --stats -- ekf-sockmap-echo ARGS;
# PASS if the echo says ok and the counters show bytes redirected.
sm_run() {
	name=$1
	shift
	"$SM" run --stats -- "$ECHO" "$@" >"$T/run.out" 2>"$T/run.err"
	rc=$?
	red=$(sed -n 's/.*redirected: [0-9]* messages, \([0-9]*\) bytes.*/\1/p' "$T/run.err")
	if [ "$rc" -ne 0 ] || ! grep -q '^ok' "$T/run.out"; then
		fail "$name" "exit $rc: $(sm_short "$T/run.out") $(sm_short "$T/run.err")"
	elif [ -z "$red" ] || [ "$red" -eq 0 ]; then
		fail "$name" "no bytes redirected: $(sm_short "$T/run.err")"
	else
		pass "$name ($red bytes redirected)"
	fi
}

# sm_in_cgroup CG CMD...: runs CMD inside cgroup CG
sm_in_cgroup() {
	cg=$1
	shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}

# sm_added CG: sockets_added of the attachment on CG
sm_added() {
	"$SM" stats "$1" --json >"$T/stats.json" 2>"$T/stats.err" || { echo "?"; return; }
	sm_json_num "$T/stats.json" sockets_added
}

sockmap_suite() {
	bulk=$1 hc=$2 conns=$3 cbytes=$4
	cgself=$(sed -n 's/^0:://p' /proc/self/cgroup)
	cgroot=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	CG=$cgroot${cgself%/}/ekf-sockmap-test.$$
	leftover=$(ls -d "$cgroot${cgself%/}"/ebpf-sockmap-* 2>/dev/null | wc -l)

	# --- the same transfers without the tool: the reference -------------
	sm_echo "$TAG without the tool: bulk $bulk bytes each way" bulk -b "$bulk"
	sm_echo "$TAG without the tool: $hc half-close exchanges" halfclose -n "$hc"
	sm_echo "$TAG without the tool: $conns concurrent connections" bulk -c "$conns" -b "$cbytes"

	# --- run: a cgroup of its own, attached ------------------------------
	sm_run "$TAG run: bulk $bulk bytes each way, intact" bulk -b "$bulk"
	sm_run "$TAG run: bulk with 4 KiB writes, intact" bulk -b "$cbytes" -w 4096
	sm_run "$TAG run: bulk with 8 MiB writes (over the socket buffer), intact" bulk -b "$bulk" -w 8388608
	sm_run "$TAG run: $hc half-close exchanges, zero loss" halfclose -n "$hc"
	sm_run "$TAG run: $conns concurrent connections, intact" bulk -c "$conns" -b "$cbytes"
	sm_run "$TAG run: IPv6 ::1 bulk, intact" -6 bulk -b "$cbytes"
	sm_run "$TAG run: IPv6 ::1 half-close exchanges, zero loss" -6 halfclose -n 20
	if grep -q 'fin_left\|left the map' "$T/run.err" && ! grep -q 'at FIN: *0 left' "$T/run.err"; then
		pass "$TAG run: sockets leave the map at their FIN"
	else
		fail "$TAG run: sockets leave the map at their FIN" "$(sm_short "$T/run.err")"
	fi
	if grep -q 'sockets: *0 tracked' "$T/run.err"; then
		pass "$TAG run: sockets leave the map when they close"
	else
		fail "$TAG run: sockets leave the map when they close" "$(sm_short "$T/run.err")"
	fi

	# a slow reader: the queue limit makes the writer's direction fall
	# back, its socket leaves the map (plain TCP), every byte in order
	sm_run "$TAG run: slow reader (starts 300 ms late), intact" stream -w 65536 -t 1 -D 300
	qfull=$(sed -n "s/.* \([0-9][0-9]*\) peer's queue full.*/\1/p" "$T/run.err")
	left=$(sed -n 's/.*fallen back: *\([0-9][0-9]*\) left the map.*/\1/p' "$T/run.err")
	if [ "${qfull:-0}" -ge 1 ] && [ "${left:-0}" -ge 1 ]; then
		pass "$TAG run: slow reader: the writer fell back and left the map"
	else
		fail "$TAG run: slow reader: the writer fell back and left the map" "$(sm_short "$T/run.err")"
	fi

	# a one-way stream of 4 KiB writes (faster through plain TCP): falls
	# back after a run of small writes, every byte in order. The run is 256
	# messages; where the tool's queue limit (attach: tcp_mem[0] / 16,
	# 1-64 MiB; a 16 KiB share a message) holds fewer, as in a 512 MB VM,
	# the slow reader may fill the queue first, and that fallback is as
	# good: both keep the bytes in order.
	sm_run "$TAG run: one-way 4 KiB writes, intact" stream -w 4096 -t 1 -D 1
	small=$(sed -n 's/.* \([0-9][0-9]*\) one-way small writes.*/\1/p' "$T/run.err")
	full=$(sed -n "s/.* \([0-9][0-9]*\) peer's queue full.*/\1/p" "$T/run.err")
	qmax=$(( $(cut -f1 /proc/sys/net/ipv4/tcp_mem) * 4096 / 16 ))
	[ "$qmax" -gt 67108864 ] && qmax=67108864
	[ "$qmax" -lt 1048576 ] && qmax=1048576
	if [ "${small:-0}" -ge 1 ]; then
		pass "$TAG run: one-way 4 KiB writes fell back to TCP (small writes)"
	elif [ $((qmax / 16384)) -lt 256 ] && [ "${full:-0}" -ge 1 ]; then
		pass "$TAG run: one-way 4 KiB writes fell back to TCP (queue full first: limit $((qmax / 16384)) messages)"
	else
		fail "$TAG run: one-way 4 KiB writes fell back to TCP" "$(sm_short "$T/run.err")"
	fi

	# exit status passed on, cgroup removed
	"$SM" run -- sh -c 'exit 7' >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 7 ] && pass "$TAG run: passes on the exit status" ||
		fail "$TAG run: passes on the exit status" "exit $rc, wanted 7"
	"$SM" run -- sh -c 'kill -TERM $$' >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 143 ] && pass "$TAG run: killed by SIGTERM exits 143" ||
		fail "$TAG run: killed by SIGTERM exits 143" "exit $rc"
	"$SM" run -- /nonexistent/command >/dev/null 2>"$T/err"
	rc=$?
	[ "$rc" -eq 127 ] && grep -q "nonexistent" "$T/err" && pass "$TAG run: missing command exits 127" ||
		fail "$TAG run: missing command exits 127" "exit $rc: $(sm_short "$T/err")"
	# stderr closed under it (| head): it still cleans up
	"$SM" run --stats -- sh -c 'sleep 0.3' 2>&1 | true
	now=$(ls -d "$cgroot${cgself%/}"/ebpf-sockmap-* 2>/dev/null | wc -l)
	[ "$now" -eq "$leftover" ] && pass "$TAG run: removes its cgroups" ||
		fail "$TAG run: removes its cgroups" "$(ls -d "$cgroot${cgself%/}"/ebpf-sockmap-*)"
	if "$SM" status | grep -q 'not attached'; then
		pass "$TAG run: detaches when the command exits"
	else
		fail "$TAG run: detaches when the command exits" "$("$SM" status)"
	fi

	# --- attach / stats / detach on a cgroup -----------------------------
	if ! mkdir "$CG"; then
		fail "$TAG attach: test cgroup" "cannot create $CG"
		return
	fi
	if "$SM" attach "$CG" 2>"$T/err"; then
		pass "$TAG attach CGROUP"
	else
		fail "$TAG attach CGROUP" "$(sm_short "$T/err")"
		rmdir "$CG"
		return
	fi
	"$SM" status >"$T/status" 2>&1
	grep -qF "$CG" "$T/status" && pass "$TAG status lists the cgroup" ||
		fail "$TAG status lists the cgroup" "$(sm_short "$T/status")"
	"$SM" attach "$CG" >/dev/null 2>"$T/err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -q "already attached" "$T/err" && pass "$TAG attach twice: exit 1" ||
		fail "$TAG attach twice: exit 1" "exit $rc: $(sm_short "$T/err")"

	# traffic outside the cgroup is untouched
	sm_echo "$TAG attached: traffic of another cgroup" bulk -b "$cbytes"
	n=$(sm_added "$CG")
	[ "$n" = 0 ] && pass "$TAG attached: other cgroups untouched (0 sockets added)" ||
		fail "$TAG attached: other cgroups untouched (0 sockets added)" "sockets_added=$n"

	# non-loopback addresses are untouched
	if ip addr add 10.250.77.1/32 dev lo 2>/dev/null; then
		sm_in_cgroup "$CG" "$ECHO" -a 10.250.77.1 bulk -b "$cbytes" >"$T/echo.out" 2>&1
		rc=$?
		n=$(sm_added "$CG")
		ip addr del 10.250.77.1/32 dev lo 2>/dev/null
		if [ "$rc" -eq 0 ] && [ "$n" = 0 ]; then
			pass "$TAG attached: non-loopback address untouched"
		else
			fail "$TAG attached: non-loopback address untouched" "exit $rc, sockets_added=$n $(sm_short "$T/echo.out")"
		fi
	else
		skip "$TAG attached: non-loopback address untouched" "cannot add an address to lo"
	fi

	# in the cgroup: redirected, counters prove it
	sm_in_cgroup "$CG" "$ECHO" bulk -b "$cbytes" >"$T/echo.out" 2>&1
	rc=$?
	"$SM" stats "$CG" --json >"$T/stats.json" 2>&1
	red=$(sm_json_num "$T/stats.json" bytes_redirected)
	added=$(sm_json_num "$T/stats.json" sockets_added)
	if [ "$rc" -eq 0 ] && [ "${added:-0}" -ge 2 ] && [ "${red:-0}" -ge "$cbytes" ]; then
		pass "$TAG attached: in the cgroup, intact and redirected ($red bytes)"
	else
		fail "$TAG attached: in the cgroup, intact and redirected" "exit $rc $(sm_short "$T/echo.out") $(sm_short "$T/stats.json")"
	fi

	# the closed sockets have left the map
	id=$(stat -c %i "$CG")
	if ! command -v bpftool >/dev/null; then
		skip "$TAG attached: closed sockets left the map" "no bpftool"
	else
		bpftool map dump pinned "/sys/fs/bpf/ebpf-tools/sockmap/cgroup-$id/sock_hash" >"$T/dump" 2>&1
		bpftool map dump pinned "/sys/fs/bpf/ebpf-tools/sockmap/cgroup-$id/sock_addr" >>"$T/dump" 2>&1
		if [ "$(grep -c -e 'Found 0 elements' -e '^\[\]$' "$T/dump")" -eq 2 ]; then
			pass "$TAG attached: closed sockets left the map"
		else
			fail "$TAG attached: closed sockets left the map" "$(sm_short "$T/dump")"
		fi
	fi

	# detach in the middle of a transfer: it completes intact
	sm_in_cgroup "$CG" "$ECHO" bulk -c 4 -b "$bulk" --mid-cmd "\"$SM\" detach \"$CG\"" >"$T/echo.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q 'ran --mid-cmd' "$T/echo.out" && grep -q '^ok' "$T/echo.out"; then
		pass "$TAG detach mid-stream: 4 transfers complete intact"
	else
		fail "$TAG detach mid-stream: 4 transfers complete intact" "exit $rc: $(sm_short "$T/echo.out")"
	fi
	id=$(stat -c %i "$CG")
	if [ ! -e "/sys/fs/bpf/ebpf-tools/sockmap/cgroup-$id" ] && "$SM" status | grep -q 'not attached'; then
		pass "$TAG detach: pinned state removed"
	else
		fail "$TAG detach: pinned state removed" "$(ls /sys/fs/bpf/ebpf-tools/sockmap 2>&1)"
	fi
	"$SM" detach "$CG" >/dev/null 2>"$T/err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -q "not attached" "$T/err" && pass "$TAG detach when not attached: exit 1" ||
		fail "$TAG detach when not attached: exit 1" "exit $rc: $(sm_short "$T/err")"

	# --ports: only the listed ports
	"$SM" attach "$CG" --ports 1,2-3 2>"$T/err" &&
		sm_in_cgroup "$CG" "$ECHO" -p 40123 bulk -b "$cbytes" >"$T/echo.out" 2>&1
	n=$(sm_added "$CG")
	"$SM" detach "$CG" 2>/dev/null
	[ "$n" = 0 ] && pass "$TAG --ports: other ports untouched" ||
		fail "$TAG --ports: other ports untouched" "sockets_added=$n $(sm_short "$T/err")"
	"$SM" attach "$CG" --ports 40000-40200 2>"$T/err" &&
		sm_in_cgroup "$CG" "$ECHO" -p 40123 bulk -b "$cbytes" >"$T/echo.out" 2>&1
	rc=$?
	n=$(sm_added "$CG")
	"$SM" detach "$CG" 2>/dev/null
	[ "$rc" -eq 0 ] && [ "$n" = 2 ] && pass "$TAG --ports: listed port accelerated" ||
		fail "$TAG --ports: listed port accelerated" "exit $rc, sockets_added=$n $(sm_short "$T/echo.out")"
	rmdir "$CG" 2>/dev/null
}
