/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps shared by bpf/ebpf_tc_redirect.bpf.c and tools/ebpf-tc-redirect.c.
 *
 * The rules are an array of two halves of TCR_RULES_MAX; config->gen picks
 * the active half, and every change writes the other half and flips gen,
 * so the program sees the old rules or the new ones, never a mix.
 */
#ifndef EBPF_TC_REDIRECT_H
#define EBPF_TC_REDIRECT_H

#include <linux/types.h>

#define TCR_RULES_MAX	64

#define TCR_F_INGRESS	1	/* BPF_F_INGRESS: into the target's receive path */

/* rules[gen * TCR_RULES_MAX + i], i < nrules[gen]; the first match wins */
struct tcr_rule {
	__u16 port_lo;		/* destination port range, host order */
	__u16 port_hi;
	__u8 proto;		/* IPPROTO_TCP, IPPROTO_UDP, 0: both */
	__u8 pad[3];
	__u32 ifindex;		/* redirect target */
	__u32 flags;		/* TCR_F_* */
	__u64 packets;		/* redirected by this rule */
	__u64 bytes;
};

enum tcr_stat { TCR_STAT_PASS, TCR_STAT_REDIRECT, TCR_STAT_NR };

struct tcr_counter {
	__u64 packets;
	__u64 bytes;
};

enum tcr_mode { TCR_MODE_AUTO, TCR_MODE_TCX, TCR_MODE_CLSACT };

/* config[0] */
struct tcr_config {
	__u32 gen;		/* active half of rules */
	__u32 nrules[2];
	__u32 egress;		/* attached on egress (else ingress) */
	__u32 mode;		/* TCR_MODE_TCX or TCR_MODE_CLSACT: what is in use */
	__u32 created_qdisc;	/* clsact: we created the qdisc */
	__u32 handle;		/* clsact: our filter */
	__u32 priority;
	__u32 ifindex;
};

#endif /* EBPF_TC_REDIRECT_H */
