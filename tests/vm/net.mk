# SPDX-License-Identifier: GPL-2.0
#
# ebpf-xdp-blocklist(8) and ebpf-tc-redirect(8) in each VM kernel: the host
# tier's tests on veth pairs (a bridge for the blocklist's three sources),
# with payload signatures since the module is loaded there. clsact lives in
# sch_ingress; 6.1 has no tcx, so the clsact path is what runs there.

VM_MODULES	+= veth bridge sch_ingress cls_bpf
VM_TESTS	+= $(abspath tests/vm/suite/net-xdp-blocklist.sh) \
		   $(abspath tests/vm/suite/net-tc-redirect.sh)
VM_DEPS		+= $(NET_TOOLS) $(NET_UDP) $(NET_WITNESS)
