# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by debian/tools/* and tests/pkg/*: messages, the cache layout,
# Debian suites' apt sources, locking, host packages, and running a command
# in a chroot (private mount namespace, clean environment).

EKF_CACHE=${EKF_CACHE:-/var/cache/ebpf-kfunc}
EKF_MIRROR=${EKF_MIRROR:-http://deb.debian.org/debian}
EKF_SECURITY_MIRROR=${EKF_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
EKF_VERBOSE=${EKF_VERBOSE:-0}

DEB_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034
REPO=$(cd "$DEB_TOOLS/../.." && pwd)

say() { printf '%s: %s\n' "${PROG:-deb}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${PROG:-deb}" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

cache_init() {
	mkdir -p "$EKF_CACHE/lock" "$EKF_CACHE/tmp" ||
		die "cannot create $EKF_CACHE (set EKF_CACHE to a writable directory)"
}

# suite_sources SUITE: apt source lines for SUITE (bookworm with its
# updates and security suites; BACKPORTS=1 adds bookworm-backports).
suite_sources() {
	case $1 in
	bookworm|bullseye)
		echo "deb $EKF_MIRROR $1 main"
		echo "deb $EKF_MIRROR $1-updates main"
		echo "deb $EKF_SECURITY_MIRROR $1-security main"
		if [ "${BACKPORTS:-0}" = 1 ]; then echo "deb $EKF_MIRROR $1-backports main"; fi
		;;
	trixie)
		echo "deb $EKF_MIRROR trixie main"
		echo "deb $EKF_MIRROR trixie-updates main"
		echo "deb $EKF_SECURITY_MIRROR trixie-security main"
		;;
	*)	echo "deb $EKF_MIRROR $1 main" ;;
	esac
}

# suite_aptopts SUITE: mmdebstrap options every chroot of SUITE gets.
# mmdebstrap ignores the host's apt configuration; sid's Release file is
# expired against this machine's clock.
suite_aptopts() {
	printf '%s\n' --aptopt='APT::Install-Recommends "false"' --aptopt='Acquire::Languages "none"'
	case $1 in
	sid|unstable|experimental) printf '%s\n' --aptopt='Acquire::Check-Valid-Until "false"' ;;
	esac
}

# lock_take NAME: an exclusive lock for the rest of this process.
lock_take() {
	exec {LOCK_FD}>"$EKF_CACHE/lock/$1.lock"
	if ! flock -n "$LOCK_FD"; then
		say "waiting for another run holding $EKF_CACHE/lock/$1.lock"
		flock "$LOCK_FD"
	fi
}
lock_release() {
	if [ -n "${LOCK_FD:-}" ]; then exec {LOCK_FD}>&-; LOCK_FD=; fi
}

# logged LOG CMD...: CMD's output into LOG (and stderr with EKF_VERBOSE=1);
# the last lines of it when CMD fails.
logged() {
	local log=$1 rc=0
	shift
	if [ "$EKF_VERBOSE" = 1 ]; then
		"$@" 2>&1 | tee "$log" >&2
		return "${PIPESTATUS[0]}"
	fi
	"$@" >"$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		say "command failed (exit $rc): $*"
		tail -n 60 "$log" | sed 's/^/  | /' >&2
		say "full log: $log"
	fi
	return "$rc"
}

# host_need PKG...: install the host's Debian packages that are missing.
host_need() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f '${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing host packages: ${missing[*]}"
	cache_init
	logged "$EKF_CACHE/tmp/deb-host-deps.log" sh -c \
		'apt-get install -y -q --no-install-recommends "$@" || { apt-get update -q && apt-get install -y -q --no-install-recommends "$@"; }' \
		sh "${missing[@]}" || die "needed on this machine: apt-get install ${missing[*]}"
}

# in_root [--net-off] [--bind DIR]... [--cwd DIR] ROOT -- CMD...: CMD in
# chroot ROOT, in a private mount namespace with /proc, /sys, /dev, a fresh
# /tmp, the host's resolv.conf and each DIR at its own path; --net-off: in
# a network namespace of its own (nothing but a down loopback), as on a
# buildd. The environment is a clean one.
in_root() {
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
		"$DEB_TOOLS/enter" "$root" "$cwd" "${binds[@]}" -- "$@"
}

# sha_of FILE...: one sha256 over the files' contents, in this order.
sha_of() {
	cat "$@" | sha256sum | cut -d' ' -f1
}
