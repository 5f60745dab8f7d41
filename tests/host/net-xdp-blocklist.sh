#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ebpf-xdp-blocklist(8) on veth pairs between network namespaces: three
# sources (s1, s2, s3) and a receiver (rx) on one bridge (in ns hub); the
# program sits on the receiver's interface. Checks what is dropped (counted
# at the receiver and in stats) for IPv4 and IPv6, longest-prefix
# accounting, rule changes and atomic loads under traffic with no allowed
# packet lost, detach leaving nothing behind, and every bad input (exit
# status, message, no state changed).
#   EKF_NET_SIG=1   also payload signatures (the VM, module loaded);
#                   otherwise add-signature must fail naming the module.
#   EKF_NET_QUICK=1 fewer packets (the VM under TCG)
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/lib/result.sh"
. "$repo/tests/host/net-lib.sh"
trap net_cleanup EXIT

XBL=$(net_tool ebpf-xdp-blocklist)
N=200
FLOW=3000
GAP=500
if [ -n "${EKF_NET_QUICK:-}" ]; then N=50; FLOW=300; GAP=3000; fi
PORT=9000
STATE=/sys/fs/bpf/ebpf-tools/xdp-blocklist

for need in "$XBL" "$UDP"; do
	if [ ! -x "$need" ]; then
		fail "xdp-blocklist: built" "$need is missing: run make tools"
		exit 1
	fi
done
if ! command -v nsenter >/dev/null; then
	skip "xdp-blocklist" "no nsenter"
	exit 0
fi

RX=$P-rx HUB=$P-hub S1=$P-s1 S2=$P-s2 S3=$P-s3
IF=${P}x	# the receiver's interface, where XDP goes
ns_add "$RX" && ns_add "$HUB" && ns_add "$S1" && ns_add "$S2" && ns_add "$S3" || {
	fail "xdp-blocklist: setup" "cannot create network namespaces"; exit 1; }
ip -n "$HUB" link add br0 type bridge && ip -n "$HUB" link set br0 up
veth_pair "$RX" "$IF" "$HUB" hrx && ip -n "$HUB" link set hrx master br0
ip -n "$RX" addr add 10.99.0.1/24 dev "$IF"
ip -n "$RX" addr add fd99::1/64 dev "$IF" nodad
rxmac=$(mac_of "$RX" "$IF")
i=0
for s in "$S1" "$S2" "$S3"; do
	i=$((i + 1))
	veth_pair "$s" eth0 "$HUB" "hs$i" && ip -n "$HUB" link set "hs$i" master br0
	ip -n "$s" addr add "10.99.0.${i}1/24" dev eth0
	ip -n "$s" addr add "fd99::${i}1/64" dev eth0 nodad
	# no ARP/ND to the receiver: a blocked source must still send
	ip -n "$s" neigh replace 10.99.0.1 lladdr "$rxmac" dev eth0 nud permanent
	ip -n "$s" -6 neigh replace fd99::1 lladdr "$rxmac" dev eth0 nud permanent
done
# the bridge learns every MAC before the first counted packet
for s in "$S1" "$S2" "$S3"; do send "$s" "" 10.99.0.1 1 1 2>/dev/null; done
ip -n "$S1" link show eth0 >/dev/null 2>&1 || { fail "xdp-blocklist: setup" "veth"; exit 1; }

xbl() { in_ns "$RX" "$XBL" "$@"; }
# stat FIELD: the packets of a stats line ("passed", "by address", ...)
stat() { xbl stats "$IF" | sed -n "s/^ *$1: *\([0-9]*\) packets.*/\1/p"; }
# hits RULE: packets that list shows for RULE
hits() { xbl list "$IF" | awk -v r="$1" '$1 == r { print $2 }'; }

# --- attach --------------------------------------------------------------
run_tool xbl attach "$IF"
if [ "$rc" != 0 ]; then
	fail "xdp-blocklist: attach" "exit $rc: $(short "$T/err")"
	exit 1
fi
pass "xdp-blocklist: attach"
mode=$(xbl stats "$IF" | sed -n 's/^mode: *\([a-z]*\).*/\1/p')
case $mode in
native|generic) pass "xdp-blocklist: stats says the mode in use ($mode)" ;;
*) fail "xdp-blocklist: stats says the mode in use" "mode '$mode'" ;;
esac
if ip -n "$RX" link show "$IF" | grep -q 'xdp'; then
	pass "xdp-blocklist: XDP program on the interface"
else
	fail "xdp-blocklist: XDP program on the interface" "$(ip -n "$RX" link show "$IF" | head -1)"
fi

# --- what is dropped ------------------------------------------------------
# IPv4: s1 (.11) by its /32 inside a /29, s2 (.21) by a /30 inside a /29;
# s3 (.31) passes. IPv6: s2 (::21) by a /123, s3 (::31) by a /124 inside
# it; s1 (::11) passes.
run_tool xbl add "$IF" 10.99.0.11 10.99.0.8/29 10.99.0.16/29 10.99.0.20/30 \
	fd99::20/123 fd99::30/124
expect_status "xdp-blocklist: add IPv4 and IPv6 addresses and prefixes" 0 test "$rc" = 0

recv_start "$RX" $PORT r1 || fail "xdp-blocklist: receiver" "not ready"
for i in 1 2 3; do
	s=$(eval echo "\$S$i")
	send "$s" "10.99.0.${i}1" 10.99.0.1 $PORT $N
	send "$s" "fd99::${i}1" fd99::1 $PORT $N
done
recv_stop r1
check_eq "xdp-blocklist: IPv4 /32 source dropped (s1)" 0 "$(got r1 10.99.0.11)"
check_eq "xdp-blocklist: IPv4 prefix source dropped (s2)" 0 "$(got r1 10.99.0.21)"
check_eq "xdp-blocklist: IPv4 unlisted source passes (s3)" $N "$(got r1 10.99.0.31)"
check_eq "xdp-blocklist: IPv6 unlisted source passes (s1)" $N "$(got r1 fd99::11)"
check_eq "xdp-blocklist: IPv6 prefix source dropped (s2)" 0 "$(got r1 fd99::21)"
check_eq "xdp-blocklist: IPv6 longer prefix source dropped (s3)" 0 "$(got r1 fd99::31)"
check_eq "xdp-blocklist: stats counts the drops" $((4 * N)) "$(stat 'by address')"
passed=$(stat passed)
if [ "${passed:-0}" -ge $((2 * N)) ]; then
	pass "xdp-blocklist: stats counts the passed packets"
else
	fail "xdp-blocklist: stats counts the passed packets" "passed '$passed' < $((2 * N))"
fi
check_eq "xdp-blocklist: longest prefix counted: /32 over /29" "$N 0" \
	"$(hits 10.99.0.11/32) $(hits 10.99.0.8/29)"
check_eq "xdp-blocklist: longest prefix counted: /30 over /29" "$N 0" \
	"$(hits 10.99.0.20/30) $(hits 10.99.0.16/29)"
check_eq "xdp-blocklist: longest prefix counted: IPv6 /124 in /123" "$N $N" \
	"$(hits fd99::30/124) $(hits fd99::20/123)"

# --- the prefix hash, and its move to the trie ------------------------------
# With at most 3 prefix lengths the set keeps its prefixes in a hash walked
# longest length first; the first add past 3 lengths moves them (with their
# hits) to the LPM trie; a length whose last rule goes leaves the walk.
# lookup: "hash N" or "trie N", from the stats line
lookup() { xbl stats "$IF" | awk '/^lookup:/ { print ($5 == "hash" ? "hash" : "trie"), $(NF - 2) }'; }
xbl flush "$IF"
run_tool xbl add "$IF" 10.99.0.16/29 10.99.0.20/30 fd99::20/123 10.99.0.11
check_eq "xdp-blocklist: 3 prefix lengths: prefix hash" "0 hash 3" "$rc $(lookup)"
recv_start "$RX" $PORT r3 || fail "xdp-blocklist: receiver" "not ready"
send "$S2" 10.99.0.21 10.99.0.1 $PORT $N
send "$S3" fd99::31 fd99::1 $PORT $N
send "$S3" 10.99.0.31 10.99.0.1 $PORT $N
recv_stop r3
check_eq "xdp-blocklist: prefix hash drops (IPv4 /30, IPv6 /123) and passes the rest" "0 0 $N" \
	"$(got r3 10.99.0.21) $(got r3 fd99::31) $(got r3 10.99.0.31)"
check_eq "xdp-blocklist: prefix hash: longest prefix counted: /30 over /29" "$N 0 $N" \
	"$(hits 10.99.0.20/30) $(hits 10.99.0.16/29) $(hits fd99::20/123)"
run_tool xbl add "$IF" fd99::30/124
check_eq "xdp-blocklist: a 4th prefix length moves the set to the trie" "0 trie 4" "$rc $(lookup)"
check_eq "xdp-blocklist: the move keeps rules and hits" "$N 0 $N 0 0" \
	"$(hits 10.99.0.20/30) $(hits 10.99.0.16/29) $(hits fd99::20/123) $(hits fd99::30/124) $(hits 10.99.0.11/32)"
recv_start "$RX" $PORT r4 || fail "xdp-blocklist: receiver" "not ready"
send "$S3" fd99::31 fd99::1 $PORT $N
send "$S1" 10.99.0.11 10.99.0.1 $PORT $N
recv_stop r4
check_eq "xdp-blocklist: after the move: /124 counted over /123, address dropped" "0 0 $N $N $N" \
	"$(got r4 fd99::31) $(got r4 10.99.0.11) $(hits fd99::30/124) $(hits fd99::20/123) $(hits 10.99.0.11/32)"
printf '10.99.0.16/29\n10.99.0.20/30\n10.99.0.0/24\nfd99::/64\n' >"$T/t.conf"
xbl load "$IF" "$T/t.conf"
check_eq "xdp-blocklist: load of 4 prefix lengths picks the trie" "trie 4" "$(lookup)"
printf '10.99.0.16/29\n10.99.0.20/30\n' >"$T/h.conf"
xbl load "$IF" "$T/h.conf"
xbl del "$IF" 10.99.0.20/30
check_eq "xdp-blocklist: load picks the hash again; del drops an empty length" "hash 1" "$(lookup)"
recv_start "$RX" $PORT r5 || fail "xdp-blocklist: receiver" "not ready"
send "$S2" 10.99.0.21 10.99.0.1 $PORT $N
recv_stop r5
check_eq "xdp-blocklist: prefix hash: the shorter prefix catches what the longer did" "0 $N" \
	"$(got r5 10.99.0.21) $(hits 10.99.0.16/29)"
xbl add "$IF" 10.99.0.11	# s1 listed from its first packet below

# --- changes under traffic ------------------------------------------------
# s3 (allowed) and s1 (listed in every set) send throughout while rules
# are added, removed and whole sets loaded: s3 loses nothing, s1 gets
# nothing through.
printf '# set A\n10.99.0.11/32\n10.99.0.8/29\nfd99::20/123\n' >"$T/a.conf"
printf '10.99.0.8/29   # set B\n\n10.99.0.20/30\n2001:db8::/32\n' >"$T/b.conf"
recv_start "$RX" $PORT r2 || fail "xdp-blocklist: receiver" "not ready"
send "$S3" 10.99.0.31 10.99.0.1 $PORT $FLOW -i $GAP &
f1=$!
send "$S1" 10.99.0.11 10.99.0.1 $PORT $FLOW -i $GAP &
f2=$!
changes=0 errs=0
while kill -0 $f1 2>/dev/null; do
	xbl load "$IF" "$T/a.conf" || errs=$((errs + 1))
	xbl add "$IF" 192.0.2.0/24 fd99::99 || errs=$((errs + 1))
	xbl del "$IF" 10.99.0.11/32 fd99::99 2>/dev/null || errs=$((errs + 1))	# s1: A's /29 still
	xbl load "$IF" "$T/b.conf" || errs=$((errs + 1))
	changes=$((changes + 4))
done
wait $f1 $f2
recv_stop r2
check_eq "xdp-blocklist: rule changes under traffic ran ($changes, errors)" 0 $errs
check_eq "xdp-blocklist: no allowed packet lost while rules change" $FLOW "$(got r2 10.99.0.31)"
check_eq "xdp-blocklist: load swaps sets atomically (listed source never passes)" 0 \
	"$(got r2 10.99.0.11)"
want=$(printf '10.99.0.8/29\n10.99.0.20/30\n2001:db8::/32\n' | sort)
check_eq "xdp-blocklist: list shows the loaded set" "$want" \
	"$(xbl list "$IF" | awk 'NR > 1 && $1 !~ /^signature/ { print $1 }' | sort)"

# --- concurrent commands: the lock serialises them -------------------------
pids=
for i in $(seq 1 12); do
	xbl add "$IF" "198.51.100.$i" 2>"$T/conc.$i" &
	pids="$pids $!"
done
errs=0
for p in $pids; do wait "$p" || errs=$((errs + 1)); done
check_eq "xdp-blocklist: 12 concurrent adds all succeed and all land" "0 12" \
	"$errs $(xbl list "$IF" | grep -c '^198\.51\.100\.')"
xbl load "$IF" "$T/b.conf"

# --- bad input: exit status, message, nothing changed ---------------------
before=$(xbl list "$IF" | awk '{ print $1 }')
unchanged() {
	local name=$1
	[ "$(xbl list "$IF" | awk '{ print $1 }')" = "$before" ] && pass "$name: no state changed" ||
		fail "$name: no state changed" "the rule list changed"
}
# bad NAME WANT-STATUS WORD-IN-MESSAGE ARGS...
bad() {
	local name=$1 want=$2 word=$3
	shift 3
	run_tool in_ns "$RX" "$XBL" "$@"
	if [ "$rc" = "$want" ] && grep -qF -- "$word" "$T/err"; then
		pass "$name"
	else
		fail "$name" "exit $rc (wanted $want), stderr: $(short "$T/err")"
	fi
}
bad "xdp-blocklist: malformed IPv4 address" 2 "10.99.0.300" add "$IF" 10.99.0.300
bad "xdp-blocklist: IPv4 prefix out of range" 2 "10.0.0.0/33" add "$IF" 10.0.0.0/33
bad "xdp-blocklist: IPv6 prefix out of range" 2 "fd00::/129" add "$IF" fd00::/129
bad "xdp-blocklist: host bits past the prefix" 2 "10.0.0.1/8" add "$IF" 10.0.0.1/8
bad "xdp-blocklist: one bad CIDR among good ones" 2 "bogus" add "$IF" 198.51.100.1 bogus
unchanged "xdp-blocklist: bad CIDRs"
printf '203.0.113.0/24\n203.0.113.0/40\n' >"$T/bad.conf"
bad "xdp-blocklist: load names the bad line" 2 "bad.conf:2" load "$IF" "$T/bad.conf"
bad "xdp-blocklist: load of a missing file" 2 "/nonexistent.conf" load "$IF" /nonexistent.conf
unchanged "xdp-blocklist: bad load"
bad "xdp-blocklist: del of an unlisted rule" 1 "198.51.100.7/32" del "$IF" 10.99.0.8/29 198.51.100.7
unchanged "xdp-blocklist: del all or nothing"
bad "xdp-blocklist: unknown interface" 2 "nosuch$P" attach "nosuch$P"
bad "xdp-blocklist: invalid interface name" 2 "a/b" attach a/b
bad "xdp-blocklist: attach twice" 1 "already attached" attach "$IF"
bad "xdp-blocklist: bad --mode" 2 "turbo" attach "$IF" --mode turbo
bad "xdp-blocklist: bad --max-rules" 2 "0" attach "$IF" --max-rules 0
bad "xdp-blocklist: add before attach" 1 "not attached" add lo 10.1.1.1
bad "xdp-blocklist: unknown command" 2 "frobnicate" frobnicate "$IF"
bad "xdp-blocklist: unknown option" 2 "--bogus" list "$IF" --bogus
bad "xdp-blocklist: bad --hex" 2 "xyz" add-signature "$IF" --hex xyz
bad "xdp-blocklist: signature too long" 2 "1..64" add-signature "$IF" \
	--string "$(printf '%070d' 0)"
bad "xdp-blocklist: bad --port" 2 "70000" add-signature "$IF" --port 70000 --string x
bad "xdp-blocklist: --proto other than udp/tcp" 2 "icmp" add-signature "$IF" --proto icmp --string x
unchanged "xdp-blocklist: bad options"
if setpriv --help 2>&1 | grep -q -- --reuid; then
	run_tool setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$XBL" list "$IF"
	check_eq "xdp-blocklist: non-root: exit 1 naming root" "1 1" "$rc $(grep -c 'needs root' "$T/err")"
else
	skip "xdp-blocklist: non-root" "no setpriv --reuid here (busybox)"
fi
run_tool xbl --help
check_eq "xdp-blocklist: --help has EXAMPLES" "0 1" "$rc $(grep -c '^EXAMPLES:' "$T/out")"
run_tool xbl load --help
check_eq "xdp-blocklist: load --help" "0 1" "$rc $(grep -c '^Usage: ebpf-xdp-blocklist load' "$T/out")"

# --- payload signatures ---------------------------------------------------
if [ -n "${EKF_NET_SIG:-}" ]; then
	xbl flush "$IF"
	expect "xdp-blocklist: add-signature (ebpf_kfunc loaded)" xbl add-signature "$IF" --proto udp --port $PORT --string EVILPAYLOAD
	expect "xdp-blocklist: add-signature --hex" xbl add-signature "$IF" --hex 'de:ad:be:ef'
	recv_start "$RX" $PORT r3 || fail "xdp-blocklist: receiver" "not ready"
	send "$S1" 10.99.0.11 10.99.0.1 $PORT $N -p "xxEVILPAYLOADxx"
	send "$S2" 10.99.0.21 10.99.0.1 $PORT $N -p "harmless text"
	send "$S3" fd99::31 fd99::1 $PORT $N -p "$(printf 'a\336\255\276\357b')"
	send "$S3" 10.99.0.31 10.99.0.1 $PORT $N -p "EVILPAYLOAD"  # not the first 1024 bytes? it is: dropped too
	recv_stop r3
	check_eq "xdp-blocklist: signature in the payload dropped (string)" 0 "$(got r3 10.99.0.11)"
	check_eq "xdp-blocklist: signature in the payload dropped (hex, IPv6)" 0 "$(got r3 fd99::31)"
	check_eq "xdp-blocklist: packets without a signature pass" $N "$(got r3 10.99.0.21)"
	check_eq "xdp-blocklist: stats counts signature drops" $((3 * N)) "$(stat 'by signature')"
	xbl list "$IF" | grep -q "^signature 0: proto udp port $PORT string 'EVILPAYLOAD'  packets $((2 * N)) " &&
		pass "xdp-blocklist: list shows signature hits" ||
		fail "xdp-blocklist: list shows signature hits" "$(xbl list "$IF" | grep signature | tr '\n' ' ')"
	run_tool xbl del-signature "$IF" 0
	check_eq "xdp-blocklist: del-signature" "0 1" "$rc $(xbl stats "$IF" | sed -n 's/^signatures: *\([0-9]*\).*/\1/p')"
else
	bad "xdp-blocklist: add-signature without the module names it" 1 "ebpf_kfunc" \
		add-signature "$IF" --string EVIL
	bad "xdp-blocklist: add-signature without the module names the package" 1 "ebpf-kfunc-dkms" \
		add-signature "$IF" --string EVIL
fi

# --- flush and detach -----------------------------------------------------
run_tool xbl flush "$IF"
check_eq "xdp-blocklist: flush empties the set" "0 1" "$rc $(xbl list "$IF" | wc -l)"
expect "xdp-blocklist: detach" xbl detach "$IF"
if [ ! -e "$STATE/$IF" ] && ! ip -n "$RX" link show "$IF" | grep -q xdp; then
	pass "xdp-blocklist: detach leaves nothing pinned or attached"
else
	fail "xdp-blocklist: detach leaves nothing pinned or attached" \
		"$(ls "$STATE/$IF" 2>&1 | tr '\n' ' ') $(ip -n "$RX" link show "$IF" | head -1)"
fi
xbl add "$IF" 10.99.0.11 2>/dev/null
recv_start "$RX" $PORT r4 || fail "xdp-blocklist: receiver" "not ready"
send "$S1" 10.99.0.11 10.99.0.1 $PORT $N
recv_stop r4
check_eq "xdp-blocklist: traffic passes after detach" $N "$(got r4 10.99.0.11)"
bad "xdp-blocklist: detach twice" 1 "not attached" detach "$IF"

# attach --mode generic explicitly, and the whole again
run_tool xbl attach "$IF" --mode generic
check_eq "xdp-blocklist: attach --mode generic" "0 generic" \
	"$rc $(xbl stats "$IF" | sed -n 's/^mode: *\([a-z]*\).*/\1/p')"
xbl detach "$IF"
tests_done
