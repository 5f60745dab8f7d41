# SPDX-License-Identifier: GPL-2.0
#
# ebpf-sockmap(8), host tier: tests/host/sockmap.sh runs the tool on the
# build machine (root; sock_ops, sk_msg and SOCKHASH work here) with the
# project's own echo server and clients, ekf-sockmap-echo
# (tests/sockmap/echo.c), which the VM tier (tests/vm/sockmap.mk) and the
# benchmark (bench/sockmap.mk) use too.

SOCKMAP_ECHO	:= $(BUILD)/tests/bin/ekf-sockmap-echo

$(SOCKMAP_ECHO): tests/sockmap/echo.c tests/host/sockmap.mk
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -D_GNU_SOURCE -pthread -o $@ $<

HOST_TESTS	+= tests/host/sockmap.sh
HOST_DEPS	+= $(BUILD)/bin/ebpf-sockmap $(SOCKMAP_ECHO)
# what tests/host/sockmap.sh runs, wherever BUILD is
export EBPF_SOCKMAP := $(abspath $(BUILD))/bin/ebpf-sockmap
export EKF_SOCKMAP_ECHO := $(abspath $(SOCKMAP_ECHO))
