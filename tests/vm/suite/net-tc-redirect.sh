#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ebpf-tc-redirect(8) in the test VM: the host tier's test
# (tests/host/net-tc-redirect.sh) with fewer packets (TCG); on 6.1 (no
# tcx) "auto" is clsact
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
PATH=$repo/build/bin:$repo/build/tests/bin:$PATH
export EKF_NET_QUICK=1
exec bash "$repo/tests/host/net-tc-redirect.sh"
