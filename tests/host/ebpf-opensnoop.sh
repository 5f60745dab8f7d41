#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host tier of ebpf-opensnoop(8): see snoop-host.sh.
exec "$(dirname "$0")/snoop-host.sh" ebpf-opensnoop
