# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by tests/vm/run and tests/vm/chroot: messages, the cache layout,
# suite names, locking and running commands inside a chroot.

# Where the chroots, the built modules and the locks live.
EKF_CACHE=${EKF_CACHE:-/var/cache/ebpf-kfunc}
EKF_MIRROR=${EKF_MIRROR:-http://deb.debian.org/debian}
EKF_SECURITY_MIRROR=${EKF_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# Package lists older than this many seconds are refreshed (apt-get update)
# before resolving a suite's newest kernel; "never" keeps them.
EKF_VM_REFRESH=${EKF_VM_REFRESH:-86400}
EKF_VM_VERBOSE=${EKF_VM_VERBOSE:-0}

VM_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=$(dirname "$VM_LIB")
# shellcheck disable=SC2034
REPO=$(cd "$VM_DIR/../.." && pwd)

# shellcheck disable=SC2034
SUITES="bookworm bookworm-backports sid"

say() { printf '%s: %s\n' "${PROG:-vm}" "$*" >&2; }
verbose() { if [ "$EKF_VM_VERBOSE" = 1 ]; then say "$@"; fi; return 0; }
die() { printf '%s: error: %s\n' "${PROG:-vm}" "$*" >&2; exit 1; }

# usage_error MESSAGE: a bad command line; exit 2.
usage_error() {
	printf '%s: %s\n' "${PROG:-vm}" "$*" >&2
	printf "Try '%s --help'.\n" "${PROG:-vm}" >&2
	exit 2
}

# now: seconds since the epoch, with fractions, for step timings.
now() { date +%s.%N; }
# elapsed START: seconds since START, one decimal.
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

# suite_valid SUITE
suite_valid() {
	case $1 in bookworm|bookworm-backports|sid) return 0 ;; esac
	return 1
}

# suite_chroot SUITE: the name of the chroot that holds SUITE's kernel.
suite_chroot() {
	case $1 in
	bookworm|bookworm-backports) echo bookworm ;;
	sid) echo sid ;;
	*) return 1 ;;
	esac
}

# chroot_suites NAME: the kernel suites a chroot holds.
chroot_suites() {
	case $1 in
	bookworm) echo bookworm bookworm-backports ;;
	sid) echo sid ;;
	esac
}

chroot_root() { echo "$EKF_CACHE/chroot/$1"; }

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

# in_chroot [--bind DIR]... [--cwd DIR] ROOT -- CMD...: run CMD in the chroot
# ROOT, in a private mount namespace with /proc, /sys, /dev, /dev/pts, a
# fresh /tmp and the host's resolv.conf; each DIR bind-mounted at the same
# path. Nothing stays mounted after CMD ends. The environment is a clean one.
in_chroot() {
	local binds=() cwd=/
	while [ $# -gt 0 ]; do
		case $1 in
		--bind) binds+=("$2"); shift 2 ;;
		--cwd) cwd=$2; shift 2 ;;
		*) break ;;
		esac
	done
	local root=$1
	shift
	[ "${1:-}" = -- ] && shift
	unshare --mount --propagation private -- \
		"$VM_LIB/enter" "$root" "$cwd" "${binds[@]/#/--bind=}" -- "$@"
}

# logged LOG CMD...: run CMD with its output in LOG, shown on stderr as it
# runs with -v, else only the last 150 lines when CMD fails.
logged() {
	local log=$1 rc=0
	shift
	if [ "$EKF_VM_VERBOSE" = 1 ]; then
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

# decompress_ko SRC DEST: a kernel module, decompressed (busybox insmod
# takes plain .ko files only).
decompress_ko() {
	case $1 in
	*.ko.xz) xz -dc "$1" > "$2" ;;
	*.ko.zst) zstd -qdc "$1" > "$2" ;;
	*.ko.gz) gzip -dc "$1" > "$2" ;;
	*.ko) cp "$1" "$2" ;;
	*) die "not a kernel module: $1" ;;
	esac
}

# host_deps_ensure: the host programs the harness uses, installing the
# Debian packages that are missing (a fresh CI machine may lack them).
host_deps_ensure() {
	local cmd pkg missing=()
	while read -r cmd pkg; do
		command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
	done <<-LIST
	mmdebstrap mmdebstrap
	qemu-system-x86_64 qemu-system-x86
	cpio cpio
	xz xz-utils
	zstd zstd
	unshare util-linux
	flock util-linux
	LIST
	if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
		missing+=(busybox-static)
	fi
	[ ${#missing[@]} -gt 0 ] || return 0
	say "installing host packages: ${missing[*]}"
	if ! logged "$EKF_CACHE/tmp/host-deps.log" apt-get install -y --no-install-recommends "${missing[@]}"; then
		logged "$EKF_CACHE/tmp/host-deps.log" sh -c 'apt-get update && apt-get install -y --no-install-recommends "$@"' sh "${missing[@]}" ||
			die "the harness needs: apt-get install ${missing[*]}"
	fi
}
