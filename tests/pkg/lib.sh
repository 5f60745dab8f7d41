# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the packaging tests: result lines, where the built packages
# are, and the result cache.
# shellcheck source=../../debian/tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../debian/tools/lib.sh"
# shellcheck source=../lib/result.sh
. "$REPO/tests/lib/result.sh"

ARCH=$(dpkg --print-architecture)
DEB_DIR=${EKF_DEB_DIR:-$REPO/build/deb}
DEB_PREV_DIR=${EKF_DEB_PREV_DIR:-$DEB_DIR/prev}
DEB_REPO_PREV=${EKF_DEB_REPO_PREV:-$DEB_DIR/repo-prev}
RESULT_CACHE=$EKF_CACHE/pkg-results

# debs_in DIR: the binary packages in DIR (no dbgsym), one per line; fails
# when either is missing.
debs_in() {
	local dkms tools
	dkms=$(ls "$1"/ebpf-kfunc-dkms_*_all.deb 2>/dev/null | tail -n 1)
	tools=$(ls "$1"/ebpf-tools_*_"$ARCH".deb 2>/dev/null | tail -n 1)
	[ -n "$dkms" ] && [ -n "$tools" ] || return 1
	printf '%s\n' "$dkms" "$tools"
}

# cached NAME KEY: a pass of NAME with these very inputs was recorded
# (EKF_PKG_RERUN=1 ignores the record). The inputs include the .debs,
# whose builds are reproducible: same sources, same bytes.
cached() {
	[ "${EKF_PKG_RERUN:-0}" != 1 ] && [ -f "$RESULT_CACHE/$1-$2" ]
}
# cached_replay NAME KEY: print the recorded result lines, marked cached.
cached_replay() {
	local when
	when=$(date -u -d "@$(stat -c %Y "$RESULT_CACHE/$1-$2")" '+%Y-%m-%d %H:%M UTC')
	sed "s/^\(PASS [^:]*\)\$/\1 (cached: same inputs passed at $when; EKF_PKG_RERUN=1 reruns)/" \
		"$RESULT_CACHE/$1-$2"
}
# cache_record NAME KEY FILE: FILE holds the result lines of a pass.
cache_record() {
	mkdir -p "$RESULT_CACHE"
	find "$RESULT_CACHE" -name "$1-*" -mtime +14 -delete 2>/dev/null || true
	cp "$3" "$RESULT_CACHE/$1-$2"
}

# overlay_run LOWER TMP CMD...: CMD on the host, in a private mount
# namespace where TMP/root is a throwaway overlay over LOWER (changes go
# to TMP/upper) with /proc, /sys, /dev and the host's resolv.conf mounted
# in it. LOWER is never modified, and nothing stays mounted after CMD.
# CMD gets a clean environment: the
# caller's make variables (MAKELEVEL, MAKEFLAGS) would leak into DKMS's
# builds, as they would on no user's machine.
overlay_run() {
	local lower=$1 tmp=$2
	shift 2
	mkdir -p "$tmp/upper" "$tmp/work" "$tmp/root"
	unshare --mount --propagation private -- bash -c '
		set -e
		lower=$1 tmp=$2
		shift 2
		mount -t overlay overlay -o "lowerdir=$lower,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/root"
		mount -t proc proc "$tmp/root/proc"
		mount --rbind /sys "$tmp/root/sys"
		mount --rbind /dev "$tmp/root/dev"
		rm -f "$tmp/root/etc/resolv.conf"
		cp /etc/resolv.conf "$tmp/root/etc/resolv.conf"
		exec env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
	' sh "$lower" "$tmp" "$@"
}

