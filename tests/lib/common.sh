# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shell helpers shared by the VM harness (tests/vm), the end-to-end test
# (tests/e2e), the package build (debian/tools) and the packaging tests
# (tests/pkg): messages, timings, the cache layout, locks, logged
# commands, host packages, and running a command in a chroot.

# Where chroots, images, downloads and locks live.
EKF_CACHE=${EKF_CACHE:-/var/cache/ebpf-kfunc}
EKF_MIRROR=${EKF_MIRROR:-http://deb.debian.org/debian}
EKF_SECURITY_MIRROR=${EKF_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# 1: show logged commands' output as they run (-v of the commands).
EKF_VERBOSE=${EKF_VERBOSE:-0}

EKF_TESTS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

say() { printf '%s: %s\n' "${PROG:-ekf}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${PROG:-ekf}" "$*" >&2; exit 1; }

# now: seconds since the epoch, with fractions, for step timings.
now() { date +%s.%N; }
# elapsed START: seconds since START, one decimal.
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

# cache_init: create the cache layout.
cache_init() {
	mkdir -p "$EKF_CACHE/chroot" "$EKF_CACHE/lock" "$EKF_CACHE/modules" "$EKF_CACHE/tmp" ||
		die "cannot create the cache directory $EKF_CACHE (set EKF_CACHE to a writable directory)"
}

# lock_take NAME: an exclusive lock on NAME for the rest of this process
# (or until lock_release). Waits for other runs.
lock_take() {
	exec {LOCK_FD}>"$EKF_CACHE/lock/$1.lock"
	if ! flock -n "$LOCK_FD"; then
		say "waiting for another run holding $EKF_CACHE/lock/$1.lock"
		flock "$LOCK_FD"
	fi
}

lock_release() {
	if [ -n "${LOCK_FD:-}" ]; then
		exec {LOCK_FD}>&-
		LOCK_FD=
	fi
}

# logged LOG CMD...: run CMD with its output in LOG, shown on stderr as it
# runs with EKF_VERBOSE=1, else only the last 150 lines when CMD fails.
logged() {
	local log=$1 rc=0
	shift
	if [ "$EKF_VERBOSE" = 1 ]; then
		"$@" 2>&1 | tee "$log" >&2
		return "${PIPESTATUS[0]}"
	fi
	"$@" > "$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		say "command failed (exit $rc): $*"
		tail -n 150 "$log" | sed 's/^/  | /' >&2
		say "full log: $log"
	fi
	return "$rc"
}

# host_need PKG...: install the host's Debian packages that are missing
# (a fresh CI machine may lack them).
host_need() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f '${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing host packages: ${missing[*]}"
	cache_init
	logged "$EKF_CACHE/tmp/host-deps.log" sh -c \
		'apt-get install -y -q --no-install-recommends "$@" || { apt-get update -q && apt-get install -y -q --no-install-recommends "$@"; }' \
		sh "${missing[@]}" || die "needed on this machine: apt-get install ${missing[*]}"
}

# in_chroot [--net-off] [--bind DIR]... [--cwd DIR] ROOT -- CMD...: run CMD
# in the chroot ROOT, in a private mount namespace with /proc, /sys, /dev,
# a fresh /tmp, the host's resolv.conf and each DIR bind-mounted at its own
# path (tests/lib/enter). Nothing stays mounted after CMD ends. The
# environment is a clean one. --net-off: a network namespace of its own
# (nothing but a down loopback), as on a buildd.
in_chroot() {
	local binds=() cwd=/ net=()
	while [ $# -gt 0 ]; do
		case $1 in
		--net-off) net=(--net); shift ;;
		--bind) binds+=("--bind=$2"); shift 2 ;;
		--cwd) cwd=$2; shift 2 ;;
		*) break ;;
		esac
	done
	local root=$1
	shift
	[ "${1:-}" = -- ] && shift
	unshare --mount --propagation private "${net[@]}" -- \
		"$EKF_TESTS_LIB/enter" "$root" "$cwd" "${binds[@]}" -- "$@"
}
