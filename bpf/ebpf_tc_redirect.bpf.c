// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-tc-redirect: redirect TCP/UDP packets by destination port (IPv4 and
 * IPv6) to another interface with bpf_redirect(). Attached with tcx (6.6+)
 * or as a clsact direct-action filter; a packet no rule matches goes on
 * to the next program or filter (TC_ACT_UNSPEC = TCX_NEXT), untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "../tools/ebpf-tc-redirect.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * TCR_RULES_MAX);
	__type(key, __u32);
	__type(value, struct tcr_rule);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tcr_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCR_STAT_NR);
	__type(key, __u32);
	__type(value, struct tcr_counter);
} stats SEC(".maps");

static __always_inline void count(__u32 which, __u64 bytes)
{
	struct tcr_counter *c = bpf_map_lookup_elem(&stats, &which);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

/* The L4 header, if its first 4 bytes (the ports) are in the linear data. */
static __always_inline void *l4_of(void *data, void *data_end, __u8 *proto)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return NULL;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end || (ip->frag_off & bpf_htons(0x1fff)))
			return NULL;
		*proto = ip->protocol;
		return (void *)ip + ip->ihl * 4;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return NULL;
		*proto = ip6->nexthdr;	/* extension headers: not matched */
		return ip6 + 1;
	}
	return NULL;
}

SEC("tc")
int tc_redirect(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct tcr_config *cfg;
	__u32 zero = 0, base, n, i;
	__u16 dport;
	__u8 proto = 0;
	__u16 *ports;

	ports = l4_of(data, data_end, &proto);
	if (!ports || (proto != IPPROTO_TCP && proto != IPPROTO_UDP) ||
	    (void *)(ports + 2) > data_end)
		goto pass;
	dport = bpf_ntohs(ports[1]);

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg)
		goto pass;
	base = (cfg->gen & 1) * TCR_RULES_MAX;
	n = cfg->nrules[cfg->gen & 1];
	for (i = 0; i < TCR_RULES_MAX; i++) {
		struct tcr_rule *r;
		__u32 k = base + i;

		if (i >= n)
			break;
		r = bpf_map_lookup_elem(&rules, &k);
		if (!r)
			break;
		if ((r->proto && r->proto != proto) || dport < r->port_lo || dport > r->port_hi)
			continue;
		__sync_fetch_and_add(&r->packets, 1);
		__sync_fetch_and_add(&r->bytes, skb->len);
		count(TCR_STAT_REDIRECT, skb->len);
		return bpf_redirect(r->ifindex, r->flags & TCR_F_INGRESS ? BPF_F_INGRESS : 0);
	}
pass:
	count(TCR_STAT_PASS, skb->len);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
