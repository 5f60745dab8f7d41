# SPDX-License-Identifier: GPL-2.0
#
# Host tier of the tracing tools ebpf-execsnoop, ebpf-opensnoop and
# ebpf-unlinksnoop (tests/host/snoop-host.sh through one wrapper each):
# run as root on the build machine, where the module is never loaded.

SNOOP_TOOLS	:= ebpf-execsnoop ebpf-opensnoop ebpf-unlinksnoop

HOST_TESTS	+= $(addprefix tests/host/,$(addsuffix .sh,$(SNOOP_TOOLS)))
HOST_DEPS	+= $(addprefix $(BUILD)/bin/,$(SNOOP_TOOLS))
# the tools the scripts run, wherever BUILD is
export SNOOP_BIN := $(abspath $(BUILD))/bin/
