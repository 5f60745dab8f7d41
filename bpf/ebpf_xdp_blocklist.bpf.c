// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-xdp-blocklist: drop packets by source address (IPv4/IPv6, exact
 * hosts in a hash, prefixes in a hash per (length, masked address) walked
 * from the longest listed length down, or in an LPM trie when a set has
 * many lengths; longest prefix counted) and, with the ebpf_kfunc module,
 * by payload signature (ekf_memmem).
 *
 * The rule maps are inner maps of two arrays of maps; config->gen picks
 * the slot, so userspace swaps a whole rule set with one write.
 *
 * Signatures: the L4 payload's first XBL_SIG_WINDOW bytes are copied with
 * bpf_xdp_load_bytes() into a per-CPU buffer and searched there. 6.1, 6.12
 * and 7.2 do accept a packet pointer as ekf_memmem()'s memory (checked
 * with a constant size), but the verifier must then see the whole
 * (pointer, size) range inside the packet, which a payload of any length
 * at a variable offset only gets in fixed-size steps. The copy takes one
 * call of any size 1..XBL_SIG_WINDOW, and reads multi-buffer frames too.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "ekf_kfuncs.bpf.h"
#include "../tools/ebpf-xdp-blocklist.h"

/* set by userspace before load: the module's ekf_memmem is in its BTF */
const volatile __u32 have_memmem;

struct host_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, XBL_DEFAULT_MAX_RULES);
	/* sizes, not __type(): clang 14 emits inner-map-only structs as FWD */
	__uint(key_size, sizeof(struct xbl_host_key));
	__uint(value_size, sizeof(struct xbl_rule_val));
};

struct lpm_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, XBL_DEFAULT_MAX_RULES);
	__uint(key_size, sizeof(struct xbl_lpm_key));
	__uint(value_size, sizeof(struct xbl_rule_val));
};

struct pfx_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, XBL_DEFAULT_MAX_RULES);
	__uint(key_size, sizeof(struct xbl_lpm_key));
	__uint(value_size, sizeof(struct xbl_rule_val));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct host_map);
} hosts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct pfx_map);
} pfx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct lpm_map);
} nets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xbl_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XBL_STAT_NR);
	__type(key, __u32);
	__type(value, struct xbl_counter);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XBL_SIGS_MAX);
	__type(key, __u32);
	__type(value, struct xbl_sig);
} sigs SEC(".maps");

struct sig_buf {
	__u8 data[XBL_SIG_WINDOW];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sig_buf);
} sig_window SEC(".maps");

static __always_inline int count(__u32 which, __u64 bytes, int action)
{
	struct xbl_counter *c = bpf_map_lookup_elem(&stats, &which);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
	return action;
}

static __always_inline void hit(struct xbl_rule_val *v, __u64 bytes)
{
	__sync_fetch_and_add(&v->packets, 1);
	__sync_fetch_and_add(&v->bytes, bytes);
}

/* index of the lowest set bit of x (x != 0): de Bruijn sequence */
static const __u8 debruijn64[64] = {
	0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
	62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
	63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
	46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6,
};

static __always_inline __u32 lowest_bit(__u64 x)
{
	return debruijn64[((x & -x) * 0x03f79d71b4cb0a89ULL) >> 58];
}

/* addr word w (network order) masked to its first plen - 32 * w bits */
static __always_inline __u32 mask_word(__u32 a, __u32 plen, __u32 w)
{
	int bits = (int)plen - 32 * (int)w;

	if (bits <= 0)
		return 0;
	if (bits >= 32)
		return a;
	return a & bpf_htonl(0xffffffffu << (32 - bits));
}

struct pfx_key {
	__u32 prefixlen;
	__u32 w[4];
};

/*
 * The rule of the longest listed prefix holding addr in the prefix hash
 * map, or NULL: one exact lookup per listed length (config lens), longest
 * first. Bounded loops for the verifier (at most XBL_PLENS lengths).
 * lens is a copy on the stack: 6.1's verifier loses the bounds of gen
 * once it has been spilled as a u32, and refuses cfg->lens[gen] later.
 */
static __always_inline struct xbl_rule_val *pfx_lookup(void *map, const __u64 *lens,
						       const __u32 *addr)
{
	struct xbl_rule_val *v;
	struct pfx_key k;
	__u32 w, j, plen;
	__u64 bits;

	for (w = 0; w < 2; w++) {
		bits = lens[w];
		for (j = 0; j < 64; j++) {
			if (!bits)
				break;
			plen = 127 - 64 * w - lowest_bit(bits);
			bits &= bits - 1;
			k.prefixlen = plen;
			k.w[0] = mask_word(addr[0], plen, 0);
			k.w[1] = mask_word(addr[1], plen, 1);
			k.w[2] = mask_word(addr[2], plen, 2);
			k.w[3] = mask_word(addr[3], plen, 3);
			v = bpf_map_lookup_elem(map, &k);
			if (v)
				return v;
		}
	}
	return NULL;
}

/* Where the L4 payload starts and which protocol/port it is for, or -1. */
static __always_inline int l4_payload(void *data, void *data_end, __u8 proto,
				      void *l4, __u16 *dport)
{
	if (proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return -1;
		*dport = bpf_ntohs(udp->dest);
		return (void *)(udp + 1) - data;
	}
	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end)
			return -1;
		*dport = bpf_ntohs(tcp->dest);
		return (void *)tcp - data + tcp->doff * 4;
	}
	return -1;
}

/* 1 if a signature matches the payload at off (of a proto/dport packet) */
static __always_inline int match_sigs(struct xdp_md *ctx, __u32 nsigs, __u8 proto,
				      __u16 dport, int off, __u64 len)
{
	__u32 zero = 0, i;
	struct sig_buf *buf;
	__u64 win;

	if (off <= 0 || (__u64)off >= len)
		return 0;
	win = len - off;
	if (win > XBL_SIG_WINDOW)
		win = XBL_SIG_WINDOW;
	buf = bpf_map_lookup_elem(&sig_window, &zero);
	if (!buf || win < 1)
		return 0;
	/*
	 * Identity for 1..XBL_SIG_WINDOW (a power of two), but it gives the
	 * verifier the minimum of 1 that a "win == 0" test does not (6.1).
	 */
	win = ((win - 1) & (XBL_SIG_WINDOW - 1)) + 1;
	if (bpf_xdp_load_bytes(ctx, off, buf->data, win))
		return 0;
	for (i = 0; i < XBL_SIGS_MAX; i++) {
		struct xbl_sig *s;
		__u64 n;
		__u32 k = i;

		if (i >= nsigs)
			break;
		s = bpf_map_lookup_elem(&sigs, &k);
		if (!s)
			break;
		if (s->proto && s->proto != proto)
			continue;
		if (s->port && s->port != dport)
			continue;
		n = s->len;
		if (n < 1 || n > XBL_SIG_LEN_MAX)
			continue;
		n = ((n - 1) & (XBL_SIG_LEN_MAX - 1)) + 1;	/* as win above */
		if (ekf_memmem((const char *)buf->data, win, (const char *)s->data, n) >= 0) {
			__sync_fetch_and_add(&s->packets, 1);
			__sync_fetch_and_add(&s->bytes, len);
			return 1;
		}
	}
	return 0;
}

SEC("xdp")
int xdp_blocklist(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct ethhdr *eth = data;
	struct xbl_lpm_key key;
	struct xbl_config *cfg;
	struct xbl_rule_val *v;
	__u32 zero = 0, gen, have;
	__u64 lens[2];
	void *l4, *inner;
	__u16 dport = 0;
	__u8 proto;

	if ((void *)(eth + 1) > data_end)
		return count(XBL_STAT_PASS, len, XDP_PASS);
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end)
			return count(XBL_STAT_PASS, len, XDP_PASS);
		__builtin_memset(key.addr, 0, 10);
		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
		__builtin_memcpy(&key.addr[12], &ip->saddr, 4);
		proto = ip->protocol;
		/* later fragments carry no L4 header */
		if (ip->frag_off & bpf_htons(0x1fff))
			proto = 0;
		l4 = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return count(XBL_STAT_PASS, len, XDP_PASS);
		__builtin_memcpy(key.addr, &ip6->saddr, 16);
		proto = ip6->nexthdr;	/* extension headers: no signature check */
		l4 = ip6 + 1;
	} else {
		return count(XBL_STAT_PASS, len, XDP_PASS);
	}

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg)
		return count(XBL_STAT_PASS, len, XDP_PASS);
	gen = cfg->gen & 1;
	have = cfg->have[gen];
	lens[0] = cfg->lens[gen][0];
	lens[1] = cfg->lens[gen][1];

	inner = have & XBL_HAVE_HOSTS ? bpf_map_lookup_elem(&hosts, &gen) : NULL;
	if (inner) {
		v = bpf_map_lookup_elem(inner, key.addr);
		if (v) {
			hit(v, len);
			return count(XBL_STAT_DROP_RULE, len, XDP_DROP);
		}
	}
	inner = have & XBL_HAVE_PFX ? bpf_map_lookup_elem(&pfx, &gen) : NULL;
	if (inner) {
		v = pfx_lookup(inner, lens, (const __u32 *)key.addr);
		if (v) {
			hit(v, len);
			return count(XBL_STAT_DROP_RULE, len, XDP_DROP);
		}
	}
	inner = have & XBL_HAVE_NETS ? bpf_map_lookup_elem(&nets, &gen) : NULL;
	if (inner) {
		key.prefixlen = 128;
		v = bpf_map_lookup_elem(inner, &key);
		if (v) {
			hit(v, len);
			return count(XBL_STAT_DROP_RULE, len, XDP_DROP);
		}
	}

	if (have_memmem && cfg->nsigs) {
		int off = l4_payload(data, data_end, proto, l4, &dport);

		if (off > 0 && match_sigs(ctx, cfg->nsigs, proto, dport, off, len))
			return count(XBL_STAT_DROP_SIG, len, XDP_DROP);
	}
	return count(XBL_STAT_PASS, len, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
