#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/net-bench.sh [--quick]: the benchmarks of ebpf-xdp-blocklist on
# this machine (root, no VM), as JSON lines on stdout (bench/bench.mk);
# progress on stderr. Uses two network namespaces joined by a veth pair,
# deleted on exit:
#   - ekf-net-bench: program cost for 1..1M rules (addresses, and prefixes
#     over 1, 4, 8 and 32 lengths in the prefix hash and the trie), memory, and against
#     xdp-filter's program (loaded here on the veth, default features and
#     IPv4+IPv6 only);
#   - time of `ebpf-xdp-blocklist load` of 1M addresses;
#   - trafgen flooding the veth from a listed source: dropped == sent, and
#     the generator's rate with our XDP drop against an nftables (netdev
#     ingress) drop of the same traffic. The generator is the limit there
#     (a few 100k packets/s on 2 cores): the ratio shows that neither drop
#     slows it, not which is faster.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
XBL=$build/bin/ebpf-xdp-blocklist
NB=$build/bench/ekf-net-bench
quick=
[ "${1:-}" = --quick ] && quick=--quick
count=2000000
load_n=1000000
[ -n "$quick" ] && count=300000
kernel=$(uname -r)
A=ekfb$$a B=ekfb$$b
log() { echo "bench-net: $*" >&2; }
cleanup() {
	nsenter --net=/run/netns/$B "$XBL" detach b0 >/dev/null 2>&1
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
	rm -rf "$T"
}
T=$(mktemp -d)
trap cleanup EXIT
inb() { nsenter --net=/run/netns/$B "$@"; }
# calc FORMAT EXPR: awk arithmetic (no bc on a minimal machine)
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

ip netns add $A && ip netns add $B &&
ip link add a0 netns $A type veth peer name b0 netns $B &&
ip -n $A link set a0 up && ip -n $B link set b0 up || { log "cannot set up veth"; exit 1; }

# --- program cost, memory, xdp-filter ---------------------------------------
ids=
if command -v xdp-filter >/dev/null; then
	for feat in default ipv4,ipv6; do
		if [ $feat = default ]; then
			inb xdp-filter load b0 --mode skb >&2 || continue
		else
			inb xdp-filter load b0 --mode skb --features $feat >&2 || continue
		fi
		inb xdp-filter ip 192.0.2.1 --mode src >&2
		id=$(ip -n $B link show b0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
		name=$(ip -n $B link show b0 | sed -n 's/.*prog\/xdp id [0-9]* name \([^ ]*\).*/\1/p')
		log "xdp-filter ($feat features): program $name, id $id"
		# the program stays loaded while its fd is held: run the bench now
		"$NB" $quick --xdp-filter-prog "$id" | if [ $feat = default ]; then cat; else
			grep ':vs-xdp-filter' | sed "s/:vs-xdp-filter\"/:vs-xdp-filter-ipv4-ipv6\"/; s/\"baseline_name\":\"xdp-filter\"/\"baseline_name\":\"$name\"/"; fi
		inb xdp-filter unload b0 >&2
		ids="$ids $id"
	done
fi
if [ -z "$ids" ]; then
	log "no xdp-filter (apt install xdp-tools): the comparison is left out"
	"$NB" $quick
fi

# --- time to load 1M addresses --------------------------------------------
awk -v n=$load_n 'BEGIN { srand(1); for (i = 0; i < n; i++)
	printf "%d.%d.%d.%d\n", 1 + int(rand() * 190), int(rand() * 256), int(rand() * 256), int(rand() * 256) }' \
	>"$T/1m.conf"
inb "$XBL" attach b0 --max-rules 1048576 >&2 || { log "attach failed"; exit 1; }
start=$(date +%s.%N)
inb "$XBL" load b0 "$T/1m.conf" >&2 || { log "load failed"; exit 1; }
end=$(date +%s.%N)
rules=$(inb "$XBL" stats b0 | sed -n 's/^rules: *\([0-9]*\) addresses.*/\1/p')
printf '{"name":"xdp-blocklist/load-time/1M-addresses","value":%.2f,"unit":"s","baseline":null,"rules":%s,"note":"ebpf-xdp-blocklist load of a %d-line file (random IPv4, %s distinct)","kernel":"%s"}\n' \
	"$(calc %.2f "$end - $start")" "${rules:-0}" $load_n "${rules:-?}" "$kernel"
inb "$XBL" detach b0 >&2

# --- trafgen: our drop against nftables' -------------------------------------
if ! command -v trafgen >/dev/null || ! command -v nft >/dev/null; then
	log "no trafgen or nft (apt install netsniff-ng nftables): flood test left out"
	exit 0
fi
bmac=$(ip -n $B -o link show b0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
echo "{ eth(da=$bmac, sa=02:00:00:00:00:01), ipv4(saddr=10.0.0.1, daddr=10.0.0.2, ttl=64), udp(sp=1234, dp=9), fill('x', 18) }" >"$T/tg.cfg"
# flood: "SENT SECONDS" of one trafgen run from A
flood() {
	nsenter --net=/run/netns/$A trafgen --dev a0 --conf "$T/tg.cfg" --num $count --cpus 1 2>&1 | tr -d "\r" |
		awk '/packets outgoing/ { n = $1 } /sec,.*usec on CPU/ { s += $1 + $3 / 1e6 } END { print n + 0, s }'
}
inb "$XBL" attach b0 >&2 && inb "$XBL" add b0 10.0.0.1 >&2 || { log "attach failed"; exit 1; }
mode=$(inb "$XBL" stats b0 | sed -n 's/^mode: *\([a-z]*\).*/\1/p')
read -r sent secs < <(flood)
dropped=$(inb "$XBL" stats b0 | sed -n 's/^  by address: *\([0-9]*\) packets.*/\1/p')
inb "$XBL" detach b0 >&2
inb nft -f - <<NFT
table netdev ekfbench {
	chain ingress {
		type filter hook ingress device b0 priority -500; policy accept;
		ip saddr 10.0.0.1 counter drop
	}
}
NFT
read -r nsent nsecs < <(flood)
ndropped=$(inb nft list table netdev ekfbench | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
inb nft delete table netdev ekfbench
rate=$(calc %d "$sent / $secs")
nrate=$(calc %d "$nsent / $nsecs")
met=false; [ "$dropped" = "$sent" ] && [ "$sent" -gt 0 ] && met=true
printf '{"name":"xdp-blocklist/trafgen/dropped","value":%s,"unit":"pkts","baseline":%s,"baseline_name":"sent","ratio":%s,"goal":"==sent","met":%s,"xdp_mode":"%s","kernel":"%s"}\n' \
	"$dropped" "$sent" "$(calc %.4f "$dropped / $sent")" $met "$mode" "$kernel"
met=false; [ "$ndropped" = "$nsent" ] && met=true
printf '{"name":"nftables/trafgen/dropped","value":%s,"unit":"pkts","baseline":%s,"baseline_name":"sent","ratio":%s,"goal":null,"met":null,"kernel":"%s"}\n' \
	"$ndropped" "$nsent" "$(calc %.4f "$ndropped / $nsent")" "$kernel"
printf '{"name":"xdp-blocklist/trafgen/rate:vs-nftables","value":%s,"unit":"pkts/s","baseline":%s,"baseline_name":"nft drop","ratio":%s,"goal":null,"met":null,"note":"trafgen rate while each drops the flood; the generator (1 CPU) is the limit","kernel":"%s"}\n' \
	"$rate" "$nrate" "$(calc %.3f "$rate / $nrate")" "$kernel"
