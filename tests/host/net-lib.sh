# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2154  # sourced: sets P, T, rc for the caller; uses its $repo
# Shared by the network tool tests (host tier and VM suite): network
# namespaces and veth pairs that the test creates and deletes itself, and
# the UDP sender/receiver ekf-udp. Source after tests/lib/result.sh, with
# $repo set. Our tools run with `nsenter --net` (not `ip netns exec`, which
# remounts /sys and hides the pinned state on /sys/fs/bpf).
#
#   EKF_NET_BIN   directory of the tools (default: on PATH, else build/bin)
#   EKF_UDP       the ekf-udp binary (default: on PATH, else build/tests/bin)

net_tool() {
	if [ -n "${EKF_NET_BIN:-}" ]; then
		echo "$EKF_NET_BIN/$1"
	elif command -v "$1" >/dev/null 2>&1; then
		command -v "$1"
	else
		echo "$repo/build/bin/$1"
	fi
}
UDP=${EKF_UDP:-$(command -v ekf-udp 2>/dev/null || echo "$repo/build/tests/bin/ekf-udp")}

# Names unique to this run: interface names are at most 15 bytes.
P=e$$
NETNS_LIST=""
T=$(mktemp -d)

net_cleanup() {
	for ns in $NETNS_LIST; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	# state a failed test left pinned for its interfaces (all named $P...)
	rm -rf /sys/fs/bpf/ebpf-tools/xdp-blocklist/"$P"* /sys/fs/bpf/ebpf-tools/tc-redirect/"$P"*
	rm -rf "$T"
}

ns_add() {
	ip netns add "$1" || return 1
	NETNS_LIST="$NETNS_LIST $1"
	ip -n "$1" link set lo up
}

# in NS CMD...: CMD in network namespace NS only (the mounts stay ours)
in_ns() {
	local ns=$1 cmd
	shift
	# a path: busybox nsenter would run its own applet for "ip" or "tc"
	cmd=$(command -v "$1") || cmd=$1
	shift
	nsenter --net="/run/netns/$ns" "$cmd" "$@"
}

# veth_pair NS1 IF1 NS2 IF2
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" &&
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

mac_of() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# recv_start NS PORT NAME: ekf-udp recv in the background, waits until bound
recv_start() {
	rm -f "$T/$3.ready"
	# nsenter execs ekf-udp: $! is the receiver itself
	nsenter --net="/run/netns/$1" "$UDP" recv -T 30000 -r "$T/$3.ready" "$2" >"$T/$3.out" 2>&1 &
	eval "pid_$3=$!"
	for _ in $(seq 100); do [ -e "$T/$3.ready" ] && return 0; sleep 0.05; done
	return 1
}

# recv_stop NAME: stops it, waits for its report ($T/NAME.out)
recv_stop() {
	local pid
	eval "pid=\$pid_$1"
	sleep 0.3
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# got NAME SRC: datagrams received from SRC
got() { awk -v s="$2" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }' "$T/$1.out"; }

# send NS SRC DST PORT COUNT [ekf-udp send options]
send() {
	local ns=$1 src=$2 dst=$3 port=$4 n=$5
	shift 5
	in_ns "$ns" "$UDP" send ${src:+-s "$src"} -c "$n" "$@" "$dst" "$port" >/dev/null
}

# check NAME WANT GOT
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "wanted $2, got $3"; fi
}

# run_tool TOOL ARGS...: $rc, $T/out, $T/err
run_tool() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

short() { tr '\n' ' ' <"$1" | cut -c1-300; }
