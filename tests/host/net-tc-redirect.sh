#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ebpf-tc-redirect(8) on veth pairs between three network namespaces:
# A sends to B (program on B's ingress), which redirects chosen ports out
# of its second interface to C. Checks that redirected packets arrive
# intact in C (captured there) and not in B, others arrive in B, IPv4 and
# IPv6; detach restores the normal path; tcx and clsact; another tc
# filter (tc_witness.bpf.o, drops UDP 5999) keeps working and survives
# attach and detach; a clsact qdisc is removed only if attach made it;
# every bad input (exit status, message, no state changed).
#   EKF_NET_QUICK=1 fewer packets (the VM under TCG)
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/lib/result.sh"
. "$repo/tests/host/net-lib.sh"
trap net_cleanup EXIT

TCR=$(net_tool ebpf-tc-redirect)
WITNESS=${EKF_TC_WITNESS:-$repo/build/tests/bin/tc_witness.bpf.o}
N=100
[ -n "${EKF_NET_QUICK:-}" ] && N=30
STATE=/sys/fs/bpf/ebpf-tools/tc-redirect

for need in "$TCR" "$UDP"; do
	if [ ! -x "$need" ]; then
		fail "tc-redirect: built" "$need is missing: run make tools"
		exit 1
	fi
done

A=$P-a B=$P-b C=$P-c
IF=${P}b TO=${P}t
ns_add "$A" && ns_add "$B" && ns_add "$C" || {
	fail "tc-redirect: setup" "cannot create network namespaces"; exit 1; }
veth_pair "$A" a0 "$B" "$IF" && veth_pair "$B" "$TO" "$C" c0 || {
	fail "tc-redirect: setup" "cannot create veth pairs"; exit 1; }
ip -n "$B" addr add 10.98.0.1/24 dev "$IF"
ip -n "$B" addr add fd98::1/64 dev "$IF" nodad
ip -n "$A" addr add 10.98.0.2/24 dev a0
ip -n "$A" addr add fd98::2/64 dev a0 nodad
bmac=$(mac_of "$B" "$IF")
ip -n "$A" neigh replace 10.98.0.1 lladdr "$bmac" dev a0 nud permanent
ip -n "$A" -6 neigh replace fd98::1 lladdr "$bmac" dev a0 nud permanent

tcr() { in_ns "$B" "$TCR" "$@"; }
tcin() { in_ns "$B" tc "$@"; }

# capture_start NAME: ekf-udp capture on C's c0, port 5000
capture_start() {
	rm -f "$T/$1.ready"
	nsenter --net="/run/netns/$C" "$UDP" capture -T 30000 -r "$T/$1.ready" c0 5000 \
		>"$T/$1.out" 2>&1 &
	eval "pid_$1=$!"
	for _ in $(seq 100); do [ -e "$T/$1.ready" ] && return 0; sleep 0.05; done
	return 1
}
field() { awk -v k="$2" '$1 == k { print $2 }' "$T/$1.out"; }

# traffic TAG: N datagrams IPv4 + N IPv6 to ports 5000 and 6000, N IPv4 to
# 5999; counts in B (ports 5000, 6000, 5999) and in C (port 5000)
traffic() {
	local tag=$1
	recv_start "$B" 5000 "${tag}_5000" && recv_start "$B" 6000 "${tag}_6000" &&
		recv_start "$B" 5999 "${tag}_5999" && capture_start "${tag}_c" ||
		fail "tc-redirect: receivers ($tag)" "not ready"
	for port in 5000 6000; do
		send "$A" 10.98.0.2 10.98.0.1 $port $N
		send "$A" fd98::2 fd98::1 $port $N
	done
	send "$A" 10.98.0.2 10.98.0.1 5999 $N
	for r in "${tag}_5000" "${tag}_6000" "${tag}_5999" "${tag}_c"; do recv_stop "$r"; done
}
in_b() { got "$1_$2" total; }

# --- attach (auto) and redirect ------------------------------------------
run_tool tcr attach "$IF"
if [ "$rc" != 0 ]; then
	fail "tc-redirect: attach" "exit $rc: $(short "$T/err")"
	exit 1
fi
pass "tc-redirect: attach"
mode=$(tcr stats "$IF" | sed -n 's/^mode: *\([a-z]*\).*/\1/p')
case $mode in
tcx|clsact) pass "tc-redirect: stats says the mode in use ($mode)" ;;
*) fail "tc-redirect: stats says the mode in use" "mode '$mode'" ;;
esac
expect "tc-redirect: add" tcr add "$IF" --port 5000 --proto udp --to "$TO"
expect "tc-redirect: add a TCP port range" tcr add "$IF" --port 7000-7010 --proto tcp --to "$TO"
traffic t1
check_eq "tc-redirect: redirected port does not reach its own namespace" 0 "$(in_b t1 5000)"
check_eq "tc-redirect: redirected packets arrive intact in the target namespace (IPv4+IPv6)" \
	"$((2 * N)) 0" "$(field t1_c intact) $(field t1_c damaged)"
check_eq "tc-redirect: other ports follow the normal path (IPv4+IPv6)" $((2 * N)) "$(in_b t1 6000)"
check_eq "tc-redirect: port 5999 arrives while no other filter drops it" $N "$(in_b t1 5999)"
check_eq "tc-redirect: stats counts the redirected packets" $((2 * N)) \
	"$(tcr stats "$IF" | sed -n 's/^redirected: *\([0-9]*\) packets.*/\1/p')"
check_eq "tc-redirect: list shows hits per rule" "$((2 * N)) 0" \
	"$(tcr list "$IF" | awk '$2 == "port" && $3 == 5000 { a = $5 } $2 == "ports" { b = $5 } END { print a, b }')"

# --- bad input ------------------------------------------------------------
before=$(tcr list "$IF" | awk '{ print $1, $2, $3, $4 }')
unchanged() {
	[ "$(tcr list "$IF" | awk '{ print $1, $2, $3, $4 }')" = "$before" ] &&
		pass "$1: no state changed" || fail "$1: no state changed" "the rules changed"
}
bad() {
	local name=$1 want=$2 word=$3
	shift 3
	run_tool in_ns "$B" "$TCR" "$@"
	if [ "$rc" = "$want" ] && grep -qF -- "$word" "$T/err"; then
		pass "$name"
	else
		fail "$name" "exit $rc (wanted $want), stderr: $(short "$T/err")"
	fi
}
bad "tc-redirect: port 0" 2 "'0'" add "$IF" --port 0 --to "$TO"
bad "tc-redirect: port out of range" 2 "70000" add "$IF" --port 70000 --to "$TO"
bad "tc-redirect: reversed range" 2 "10-5" add "$IF" --port 10-5 --to "$TO"
bad "tc-redirect: port not a number" 2 "http" add "$IF" --port http --to "$TO"
bad "tc-redirect: bad --proto" 2 "icmp" add "$IF" --port 1 --proto icmp --to "$TO"
bad "tc-redirect: unknown target interface" 2 "nosuch$P" add "$IF" --port 1 --to "nosuch$P"
bad "tc-redirect: missing --to" 2 "--to" add "$IF" --port 1
bad "tc-redirect: missing --port" 2 "--port" add "$IF" --to "$TO"
bad "tc-redirect: unexpected word" 2 "bogus" add "$IF" --port 1 --to "$TO" bogus
bad "tc-redirect: same ports to another target" 1 "already has a rule" add "$IF" --port 5000 --proto udp --to lo
bad "tc-redirect: del of a missing rule" 1 "no rule for udp port 5001" del "$IF" --port 5001 --proto udp
printf -- '--port 1 --to lo\n--port 2 --proto sctp --to lo\n' >"$T/bad.conf"
bad "tc-redirect: load names the bad line" 2 "bad.conf:2" load "$IF" "$T/bad.conf"
unchanged "tc-redirect: bad input"
bad "tc-redirect: unknown interface" 2 "nosuch$P" attach "nosuch$P"
bad "tc-redirect: attach twice" 1 "already attached" attach "$IF"
bad "tc-redirect: bad --mode" 2 "fast" attach "$IF" --mode fast
bad "tc-redirect: --ingress and --egress" 2 "one of" attach "$IF" --ingress --egress
bad "tc-redirect: add before attach" 1 "not attached" add "$TO" --port 1 --to lo
bad "tc-redirect: unknown command" 2 "frob" frob "$IF"
if setpriv --help 2>&1 | grep -q -- --reuid; then
	run_tool setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$TCR" list "$IF"
	check_eq "tc-redirect: non-root: exit 1 naming root" "1 1" "$rc $(grep -c 'needs root' "$T/err")"
else
	skip "tc-redirect: non-root" "no setpriv --reuid here (busybox)"
fi
run_tool tcr add --help
check_eq "tc-redirect: add --help has EXAMPLES" "0 1" "$rc $(grep -c '^EXAMPLES:' "$T/out")"

# --- load, del ------------------------------------------------------------
printf -- '# two rules\n--port 6000 --to %s   # all of 6000\n--port=5000 --proto=udp --to=%s\n' \
	"$TO" "$TO" >"$T/ok.conf"
run_tool tcr load "$IF" "$T/ok.conf"
check_eq "tc-redirect: load replaces the rules" "0 tcp+udp/6000 udp/5000" \
	"$rc $(tcr list "$IF" | awk 'NR > 1 { printf "%s/%s ", $1, $3 }' | sed 's/ $//')"
run_tool tcr del "$IF" --port 6000
check_eq "tc-redirect: del" "0 udp/5000" \
	"$rc $(tcr list "$IF" | awk 'NR > 1 { printf "%s/%s ", $1, $3 }' | sed 's/ $//')"

# concurrent read-modify-write of the rule list: the lock serialises them
pids=
for i in $(seq 1 12); do
	tcr add "$IF" --port $((20000 + i)) --to "$TO" 2>"$T/conc.$i" &
	pids="$pids $!"
done
errs=0
for p in $pids; do wait "$p" || errs=$((errs + 1)); done
check_eq "tc-redirect: 12 concurrent adds all succeed and all land" "0 12" \
	"$errs $(tcr list "$IF" | grep -c ' port 200[0-9][0-9] ')"

# --- detach restores ------------------------------------------------------
expect "tc-redirect: detach" tcr detach "$IF"
[ ! -e "$STATE/$IF" ] && pass "tc-redirect: detach leaves nothing pinned" ||
	fail "tc-redirect: detach leaves nothing pinned" "$(ls "$STATE/$IF" | tr '\n' ' ')"
traffic t2
check_eq "tc-redirect: after detach the port reaches its own namespace" "$((2 * N)) 0" \
	"$(in_b t2 5000) $(field t2_c intact)"
bad "tc-redirect: detach twice" 1 "not attached" detach "$IF"

# --- clsact: created and removed, or someone else's kept ------------------
run_tool tcr attach "$IF" --mode clsact
check_eq "tc-redirect: attach --mode clsact" "0 clsact" \
	"$rc $(tcr stats "$IF" | sed -n 's/^mode: *\([a-z]*\).*/\1/p')"
tcr add "$IF" --port 5000 --to "$TO"
traffic t3
check_eq "tc-redirect: clsact: redirected" "0 $((2 * N))" "$(in_b t3 5000) $(field t3_c intact)"
tcr detach "$IF"
check_eq "tc-redirect: clsact qdisc it created is removed" 0 \
	"$(tcin qdisc show dev "$IF" | grep -c clsact)"

witness=no
if [ -r "$WITNESS" ] && tcin qdisc add dev "$IF" clsact &&
   tcin filter add dev "$IF" ingress prio 1 bpf da obj "$WITNESS" sec tc 2>"$T/tcerr"; then
	witness=yes
else
	skip "tc-redirect: coexistence with another tc filter" \
		"cannot add a cls_bpf filter with tc: $(short "$T/tcerr")"
fi
if [ $witness = yes ]; then
	for m in clsact auto; do
		expect "tc-redirect: attach ($m) beside another filter" tcr attach "$IF" --mode $m
		tcr add "$IF" --port 5000 --to "$TO"
		traffic "w$m"
		check_eq "tc-redirect: $m: the other filter still runs" 0 "$(in_b "w$m" 5999)"
		check_eq "tc-redirect: $m: redirect works beside it" "0 $((2 * N)) $((2 * N))" \
			"$(in_b "w$m" 5000) $(field "w$m"_c intact) $(in_b "w$m" 6000)"
		tcr detach "$IF"
		check_eq "tc-redirect: $m: detach keeps the other filter and its qdisc" "1 1" \
			"$(tcin filter show dev "$IF" ingress | grep -c 'tc_witness') $(tcin qdisc show dev "$IF" | grep -c clsact)"
	done
	tcin qdisc del dev "$IF" clsact
fi

# --- egress ---------------------------------------------------------------
# B's replies... B sends to A: redirect B's egress UDP to port 5000 to C
expect "tc-redirect: attach --egress" tcr attach "$IF" --egress
tcr add "$IF" --port 5000 --proto udp --to "$TO"
capture_start eg || fail "tc-redirect: capture" "not ready"
in_ns "$B" ip neigh replace 10.98.0.2 lladdr "$(mac_of "$A" a0)" dev "$IF" nud permanent
send "$B" 10.98.0.1 10.98.0.2 5000 $N
recv_stop eg
check_eq "tc-redirect: egress: packets leaving to the port go to the target" "$N" "$(field eg intact)"
tcr detach "$IF"
tests_done
