# SPDX-License-Identifier: GPL-2.0
#
# VM tier of the tracing tools: tests/vm/suite/snoop.sh in each kernel
# (6.1, 6.12, 7.2) with the module loaded; it unloads the module for the
# userspace half of the match comparison and loads it back.

VM_TESTS	+= $(abspath tests/vm/suite/snoop.sh)
VM_DEPS		+= $(addprefix $(BUILD)/bin/,$(SNOOP_TOOLS))
