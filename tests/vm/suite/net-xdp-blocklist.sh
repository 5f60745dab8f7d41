#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ebpf-xdp-blocklist(8) in the test VM: the host tier's test
# (tests/host/net-xdp-blocklist.sh) with fewer packets (TCG), and payload
# signatures through ekf_memmem, the module being loaded here
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
PATH=$repo/build/bin:$repo/build/tests/bin:$PATH
export EKF_NET_QUICK=1
export EKF_NET_SIG=1
exec bash "$repo/tests/host/net-xdp-blocklist.sh"
