#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ebpf-sockmap(8) inside a test VM (busybox ash): the correctness suite of
# tests/sockmap/suite.sh on this kernel, with smaller transfers than the
# host tier (TCG runs ~10x slower): 64 MiB each way, 100 half-close
# exchanges, 64 connections of 1 MiB each way, detach in the middle of
# 4 x 64 MiB.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=../../lib/result.sh
. "$repo/tests/lib/result.sh"
# shellcheck source=../../sockmap/suite.sh
. "$repo/tests/sockmap/suite.sh"
PATH=$repo/build/bin:$repo/build/tests/bin:$PATH
SM=$repo/build/bin/ebpf-sockmap
# shellcheck disable=SC2034 # used by tests/sockmap/suite.sh
ECHO=$repo/build/tests/bin/ekf-sockmap-echo
TAG="ebpf-sockmap $(uname -r | cut -d- -f1):"
T=$(mktemp -d 2>/dev/null || { mkdir -p /tmp/esm.$$ && echo /tmp/esm.$$; })
trap 'rm -rf "$T"' EXIT

if ! "$SM" run -- true 2>"$T/err"; then
	fail "$TAG loads and attaches" "$(sm_short "$T/err")"
	tests_done
	exit 1
fi
pass "$TAG loads and attaches"
sockmap_suite 67108864 100 64 1048576
tests_done
