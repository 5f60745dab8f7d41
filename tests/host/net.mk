# SPDX-License-Identifier: GPL-2.0
#
# ebpf-xdp-blocklist(8) and ebpf-tc-redirect(8): host tier on network
# namespaces and veth pairs (tests/host/net-*.sh), and ekf-udp, their UDP
# sender/receiver/capture, static so that the VM suite runs it too.

NET_UDP		:= $(BUILD)/tests/bin/ekf-udp

$(NET_UDP): tests/host/ekf-udp.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -static -o $@ $<

NET_TOOLS	:= $(BUILD)/bin/ebpf-xdp-blocklist $(BUILD)/bin/ebpf-tc-redirect
HOST_TESTS	+= tests/host/net-xdp-blocklist.sh tests/host/net-tc-redirect.sh
HOST_DEPS	+= $(NET_TOOLS) $(NET_UDP)
TEST_BINS	+= $(NET_UDP)
export EKF_NET_BIN := $(abspath $(BUILD))/bin
export EKF_UDP := $(abspath $(NET_UDP))

# someone else's tc filter, for the coexistence test
NET_WITNESS	:= $(BUILD)/tests/bin/tc_witness.bpf.o
$(NET_WITNESS): tests/host/tc_witness.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
HOST_DEPS	+= $(NET_WITNESS)
VM_DEPS		+= $(NET_WITNESS)
export EKF_TC_WITNESS := $(abspath $(NET_WITNESS))
