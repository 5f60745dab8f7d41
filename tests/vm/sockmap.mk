# SPDX-License-Identifier: GPL-2.0
#
# ebpf-sockmap(8) in each VM kernel (6.1, 6.12, 7.2): the same checks as
# the host tier with smaller transfers (TCG is ~10x slower), in
# tests/vm/suite/sockmap.sh. ekf-sockmap-echo is built by
# tests/host/sockmap.mk.

TEST_BINS	+= $(SOCKMAP_ECHO)
VM_DEPS		+= $(BUILD)/bin/ebpf-sockmap $(SOCKMAP_ECHO)
VM_TESTS	+= $(abspath tests/vm/suite/sockmap.sh)
