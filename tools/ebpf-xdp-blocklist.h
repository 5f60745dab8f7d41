/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps shared by bpf/ebpf_xdp_blocklist.bpf.c and tools/ebpf-xdp-blocklist.c.
 *
 * Addresses are 16 bytes: IPv6 as is, IPv4 mapped (::ffff:a.b.c.d, prefix
 * length + 96), so that one rule set holds both families. Single addresses
 * (/32, /128) go to an exact-match hash (one lookup, whatever the number of
 * rules). Prefixes go to a hash keyed by (length, masked address), looked
 * up from the longest listed length down, while the set has at most
 * XBL_HASH_LENS_MAX distinct lengths: the cost follows the number of
 * lengths, not of rules. A set with more lengths keeps its prefixes in an
 * LPM trie instead, whose cost grows with its depth but not with the
 * number of lengths (numbers in ebpf-xdp-blocklist(8)). Each set lives in
 * slot `gen` of arrays of maps, so that `load` fills the other slot and
 * flips `gen`: the program sees either the whole old set or the whole new one.
 */
#ifndef EBPF_XDP_BLOCKLIST_H
#define EBPF_XDP_BLOCKLIST_H

#include <linux/types.h>

#define XBL_SIGS_MAX		8	/* payload signatures per interface */
#define XBL_SIG_LEN_MAX		64	/* bytes of one signature */
#define XBL_SIG_WINDOW		1024	/* payload bytes searched per packet */
#define XBL_DEFAULT_MAX_RULES	131072	/* per kind (hosts, prefixes) */
#define XBL_MAX_MAX_RULES	(16u << 20)
/*
 * Prefix sets with more distinct lengths than this use the LPM trie: with
 * 1M rules the trie costs about as much as this many hash lookups.
 */
#define XBL_HASH_LENS_MAX	3
#define XBL_PLENS		128	/* prefix lengths 0..127 (128: the host hash) */

/*
 * LPM trie key, and prefix hash key (addr masked to prefixlen); the host
 * hash key is just addr
 */
struct xbl_lpm_key {
	__u32 prefixlen;	/* 0..128 (IPv4: 96 + prefix) */
	__u8 addr[16];
};

struct xbl_host_key {
	__u8 addr[16];
};

/* Value of both: what the rule caught (atomic adds, all CPUs) */
struct xbl_rule_val {
	__u64 packets;
	__u64 bytes;
};

enum xbl_stat {
	XBL_STAT_PASS,		/* not matched */
	XBL_STAT_DROP_RULE,	/* source address listed */
	XBL_STAT_DROP_SIG,	/* payload signature */
	XBL_STAT_NR,
};

struct xbl_counter {
	__u64 packets;
	__u64 bytes;
};

/* config[0] */
struct xbl_config {
	__u32 gen;		/* slot (0/1) of the active rule set */
	__u32 nsigs;		/* signatures in use: slots 0..nsigs-1 */
	__u32 max_rules;	/* max_entries of every inner map */
	__u32 sig_capable;	/* program loaded with ekf_memmem */
	__u32 mode;		/* enum xbl_mode, as requested at attach */
	/*
	 * Per slot, the maps that may hold rules (XBL_HAVE_*): the program
	 * skips the others. Set before a rule goes in, cleared only when a
	 * whole set is replaced (load, flush).
	 */
	__u32 have[2];
	__u32 pad;
	/*
	 * Per slot, the prefix lengths that hold rules, for the prefix hash:
	 * bit b of lens[slot][w] is length 127 - 64 * w - b, so that the
	 * lowest set bit is the longest length. A bitmap, not a list: a
	 * program reading it while a command rewrites config sees every
	 * other length either way.
	 */
	__u64 lens[2][2];
	__u32 nlen[2][XBL_PLENS];	/* per slot: rules per prefix length */
};

#define XBL_HAVE_HOSTS	1
#define XBL_HAVE_NETS	2	/* prefixes in the LPM trie (nets) */
#define XBL_HAVE_PFX	4	/* prefixes in the prefix hash (pfx) */

enum xbl_mode { XBL_MODE_AUTO, XBL_MODE_NATIVE, XBL_MODE_GENERIC };

#define XBL_PROTO_ANY	0

/* sigs[i], i < nsigs */
struct xbl_sig {
	__u32 len;		/* 1..XBL_SIG_LEN_MAX */
	__u8 proto;		/* IPPROTO_TCP, IPPROTO_UDP, 0: both */
	__u8 pad;
	__u16 port;		/* destination port, host order; 0: any */
	__u64 packets;		/* dropped by this signature */
	__u64 bytes;
	__u8 data[XBL_SIG_LEN_MAX];
};

#endif /* EBPF_XDP_BLOCKLIST_H */
