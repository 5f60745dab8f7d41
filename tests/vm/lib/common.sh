# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by tests/vm/run and tests/vm/chroot: suite names, usage errors and
# the harness's host packages, over tests/lib/common.sh (messages, cache,
# locks, logged commands, chroots).

# shellcheck source=../../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/common.sh"

# Package lists older than this many seconds are refreshed (apt-get update)
# before resolving a suite's newest kernel; "never" keeps them.
EKF_VM_REFRESH=${EKF_VM_REFRESH:-86400}

VM_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=$(dirname "$VM_LIB")
# shellcheck disable=SC2034
REPO=$(cd "$VM_DIR/../.." && pwd)

# shellcheck disable=SC2034
SUITES="bookworm bookworm-backports sid"

verbose() { if [ "$EKF_VERBOSE" = 1 ]; then say "$@"; fi; return 0; }

# usage_error MESSAGE: a bad command line; exit 2.
usage_error() {
	printf '%s: %s\n' "${PROG:-vm}" "$*" >&2
	printf "Try '%s --help'.\n" "${PROG:-vm}" >&2
	exit 2
}

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

# host_deps_ensure: the host packages the harness uses.
host_deps_ensure() {
	host_need mmdebstrap qemu-system-x86 cpio xz-utils zstd util-linux busybox-static
}
