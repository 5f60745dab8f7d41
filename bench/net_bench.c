// SPDX-License-Identifier: GPL-2.0
/*
 * ekf-net-bench: the cost per packet of ebpf-xdp-blocklist's XDP program,
 * with BPF_PROG_TEST_RUN (repeat), for 1, 1k, 100k and 1M IPv4 rules: single
 * addresses (the host hash); /24 prefixes; prefixes over 4 lengths
 * (/16../28), 8 lengths (/8../32) and the worst case, 32 lengths (/1../32;
 * /0 would match the packet). Each prefix series runs with the structure
 * the tool picks for it (the prefix hash up to XBL_HASH_LENS_MAX lengths,
 * else the LPM trie; ":hash"/":trie" in the name, the goal on that row)
 * and with the other one, on the same rules. Also the memory of 1M rules,
 * and xdp-filter's program (prog id given by bench/net-bench.sh, which
 * loads it) on the same packet. JSON lines on stdout (bench/bench.mk's
 * format).
 *
 * The packet is an IPv4/UDP packet from an unlisted source: the whole
 * lookup that every allowed packet pays (a miss in the map that holds the
 * rules; the program skips a map that has none, as config->have says).
 *
 *   ekf-net-bench [--quick] [--xdp-filter-prog ID]
 */
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf-xdp-blocklist.h"
#include "ebpf_xdp_blocklist.skel.h"

#define MAX_RULES	(1u << 20)
#define TRIALS		5

static unsigned long repeat = 2000000;
static char kernel[65];

static struct {
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	char payload[18];
} __attribute__((packed)) pkt;

static void make_packet(void)
{
	memset(&pkt, 0, sizeof(pkt));
	memcpy(pkt.eth.h_dest, "\x02\x00\x00\x00\x00\x02", 6);
	memcpy(pkt.eth.h_source, "\x02\x00\x00\x00\x00\x01", 6);
	pkt.eth.h_proto = htons(ETH_P_IP);
	pkt.ip.version = 4;
	pkt.ip.ihl = 5;
	pkt.ip.ttl = 64;
	pkt.ip.protocol = IPPROTO_UDP;
	pkt.ip.tot_len = htons(sizeof(pkt) - sizeof(pkt.eth));
	pkt.ip.saddr = htonl(0xc6120001);	/* 198.18.0.1: never listed */
	pkt.ip.daddr = htonl(0xc6120002);
	pkt.udp.source = htons(1234);
	pkt.udp.dest = htons(9);
	pkt.udp.len = htons(sizeof(pkt.udp) + sizeof(pkt.payload));
	memset(pkt.payload, 'x', sizeof(pkt.payload));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median ns per run of prog_fd on pkt over TRIALS runs; -1 on error. */
static double cost(int prog_fd, __u32 *retval)
{
	double t[TRIALS];
	int i;

	for (i = 0; i < TRIALS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = &pkt, .data_size_in = sizeof(pkt),
			    .repeat = (int)repeat);

		if (bpf_prog_test_run_opts(prog_fd, &o)) {
			fprintf(stderr, "ekf-net-bench: test run: %s\n", strerror(errno));
			return -1;
		}
		t[i] = o.duration;
		*retval = o.retval;
	}
	qsort(t, TRIALS, sizeof(t[0]), cmp_double);
	return t[TRIALS / 2];
}

/* Kernel's memory use of a map: fdinfo "memlock" (map_mem_usage() on 6.5+). */
static long long map_memory(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static __u32 rnd32(void)
{
	return ((__u32)random() << 16) ^ (__u32)random();
}

/* the rule maps of one set: hosts hash, prefix hash, LPM trie */
struct rule_maps {
	int hosts, pfx, nets;
	__u64 lens[2];		/* as config lens: prefix lengths in pfx */
};

/*
 * n distinct random IPv4 rules, none covering 198.18.0.0/15, spread over
 * the prefix lengths plens (/32: the host hash), the short ones capped at
 * half their space, the rest in the longest; every prefix goes to both
 * the prefix hash and the trie, so that one fill serves both designs.
 */
static int fill(struct rule_maps *m, unsigned long n, const int *plens, int nplens)
{
	struct xbl_rule_val zero = {};
	unsigned long target[33] = {}, left = n;
	int i;

	for (i = 0; i < nplens; i++) {
		unsigned long cap = plens[i] >= 31 ? ~0ul : (1ul << plens[i]) / 2;

		target[i] = n / nplens < cap ? n / nplens : cap;
		if (!target[i])
			target[i] = 1;
		left -= target[i] < left ? target[i] : left;
	}
	target[nplens - 1] += left;	/* plens is sorted, longest last */
	for (i = 0; i < nplens; i++) {
		int plen = plens[i];
		unsigned long added = 0;

		while (added < target[i]) {
			struct xbl_lpm_key k = { .prefixlen = 96 + plen };
			__u32 a = rnd32(), mask = plen ? 0xffffffffu << (32 - plen) : 0;
			int err;

			a &= mask;
			if ((a & mask & (0xfffe0000u)) == (0xc6120000u & mask & 0xfffe0000u))
				continue;	/* covers or is inside 198.18.0.0/15 */
			k.addr[10] = k.addr[11] = 0xff;
			a = htonl(a);
			memcpy(&k.addr[12], &a, 4);
			if (plen == 32) {
				err = bpf_map_update_elem(m->hosts, k.addr, &zero, BPF_NOEXIST);
			} else {
				err = bpf_map_update_elem(m->pfx, &k, &zero, BPF_NOEXIST);
				if (!err)
					err = bpf_map_update_elem(m->nets, &k, &zero, BPF_NOEXIST);
				m->lens[(127 - k.prefixlen) / 64] |= 1ull << ((127 - k.prefixlen) % 64);
			}
			if (!err)
				added++;
			else if (errno != EEXIST)
				return -errno;
		}
	}
	return 0;
}

static int new_maps(struct rule_maps *m)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);

	m->lens[0] = m->lens[1] = 0;
	m->hosts = bpf_map_create(BPF_MAP_TYPE_HASH, "xbl_hosts", sizeof(struct xbl_host_key),
				  sizeof(struct xbl_rule_val), MAX_RULES, &o);
	m->pfx = bpf_map_create(BPF_MAP_TYPE_HASH, "xbl_pfx", sizeof(struct xbl_lpm_key),
				sizeof(struct xbl_rule_val), MAX_RULES, &o);
	m->nets = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "xbl_nets", sizeof(struct xbl_lpm_key),
				 sizeof(struct xbl_rule_val), MAX_RULES, &o);
	return m->hosts < 0 || m->pfx < 0 || m->nets < 0 ? -errno : 0;
}

static void close_maps(struct rule_maps *m)
{
	close(m->hosts);
	close(m->pfx);
	close(m->nets);
}

/* What the tool's add/load write: slot 0 active, which maps hold rules. */
static void set_config(struct ebpf_xdp_blocklist *skel, const struct rule_maps *m, __u32 have)
{
	struct xbl_config cfg = { .max_rules = MAX_RULES };
	__u32 zero = 0;

	bpf_map_update_elem(bpf_map__fd(skel->maps.hosts), &zero, &m->hosts, BPF_ANY);
	bpf_map_update_elem(bpf_map__fd(skel->maps.pfx), &zero, &m->pfx, BPF_ANY);
	bpf_map_update_elem(bpf_map__fd(skel->maps.nets), &zero, &m->nets, BPF_ANY);
	cfg.have[0] = have;
	cfg.lens[0][0] = m->lens[0];
	cfg.lens[0][1] = m->lens[1];
	bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &cfg, BPF_ANY);
}

static const char *count_name(unsigned long n)
{
	static char buf[16];

	if (n >= 1000000)
		snprintf(buf, sizeof(buf), "%luM", n / 1000000);
	else if (n >= 1000)
		snprintf(buf, sizeof(buf), "%luk", n / 1000);
	else
		snprintf(buf, sizeof(buf), "%lu", n);
	return buf;
}

static void emit_cost(const char *name, double ns, double base, const char *base_name,
		      const char *goal, double goal_max)
{
	printf("{\"name\":\"%s\",\"value\":%.1f,\"unit\":\"ns/pkt\",", name, ns);
	if (base > 0) {
		printf("\"baseline\":%.1f,\"baseline_name\":\"%s\",\"ratio\":%.3f,", base, base_name,
		       ns / base);
		if (goal)
			printf("\"goal\":\"%s\",\"met\":%s,", goal, ns / base <= goal_max ? "true" : "false");
	} else {
		printf("\"baseline\":null,");
	}
	printf("\"repeat\":%lu,\"kernel\":\"%s\"}\n", repeat, kernel);
	fflush(stdout);
}

static struct ebpf_xdp_blocklist *skel;
static int prog;

/* cost of one case, or exits 1 */
static double run_case(const struct rule_maps *m, __u32 have, __u32 want)
{
	__u32 retval = 0;
	double ns;

	set_config(skel, m, have);
	ns = cost(prog, &retval);
	if (ns < 0 || retval != want) {
		fprintf(stderr, "ekf-net-bench: run failed (retval %u)\n", retval);
		exit(1);
	}
	return ns;
}

static void emit_memory(const char *kind, int fd)
{
	long long b = map_memory(fd);

	printf("{\"name\":\"xdp-blocklist/memory/%s/1M\",\"value\":%.1f,\"unit\":\"MiB\",\"baseline\":null,\"bytes\":%lld,\"note\":\"fdinfo memlock of the rule map\",\"kernel\":\"%s\"}\n",
	       kind, b / 1048576.0, b, kernel);
}

/*
 * One series: 1, 1k, 100k, 1M rules over the lengths plens, as the tool
 * stores them (prefix hash for at most XBL_HASH_LENS_MAX lengths, else
 * the trie) and, for prefixes, in the other structure too.
 */
static void series(const char *kind, const int *plens, int nplens)
{
	static const unsigned long counts[] = { 1, 1000, 100000, 1000000 };
	double one[2] = { 0, 0 };
	bool hosts_only = nplens == 1 && plens[0] == 32;
	int nlens = nplens - (plens[nplens - 1] == 32);
	bool tool_hash = nlens <= XBL_HASH_LENS_MAX;
	int d, ndesign = hosts_only ? 1 : 2;
	size_t i;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		unsigned long n = counts[i] < (unsigned long)nplens ? (unsigned long)nplens : counts[i];
		__u32 host_bit = plens[nplens - 1] == 32 ? XBL_HAVE_HOSTS : 0;
		struct rule_maps m;

		if (new_maps(&m) || fill(&m, n, plens, nplens)) {
			fprintf(stderr, "ekf-net-bench: %lu %s: %s\n", n, kind, strerror(errno));
			exit(1);
		}
		for (d = 0; d < ndesign; d++) {
			/* d == 0: what the tool does; d == 1: the other structure */
			bool hash = d == 0 ? tool_hash : !tool_hash;
			__u32 have = hosts_only ? XBL_HAVE_HOSTS :
				     host_bit | (hash ? XBL_HAVE_PFX : XBL_HAVE_NETS);
			char name[128];
			double ns = run_case(&m, have, 2 /* XDP_PASS */);

			snprintf(name, sizeof(name), "xdp-blocklist/cost/%s%s/%s", kind,
				 hosts_only ? "" : hash ? ":hash" : ":trie",
				 i == 0 && nplens > 1 ? "1-per-length" : count_name(counts[i]));
			if (i == 0) {
				one[d] = ns;
				emit_cost(name, ns, 0, NULL, NULL, 0);
			} else {
				emit_cost(name, ns, one[d], nplens > 1 ? "1 per length" : "1 rule",
					  counts[i] == 1000000 && d == 0 ? "<=1.5x" : NULL, 1.5);
			}
		}
		if (counts[i] == 1000000 && nplens == 1)
			{
			char k1[64];

			snprintf(k1, sizeof(k1), "%s%s", kind, hosts_only ? "" : ":hash");
			emit_memory(k1, hosts_only ? m.hosts : m.pfx);
		}
		if (counts[i] == 1000000 && nplens == 1 && !hosts_only) {
			char k2[64];

			snprintf(k2, sizeof(k2), "%s:trie", kind);
			emit_memory(k2, m.nets);
		}
		close_maps(&m);
	}
}

int main(int argc, char **argv)
{
	static const int hosts_only[] = { 32 }, p24[] = { 24 };
	static const int mix4[] = { 16, 20, 24, 28 }, mix8[] = { 8, 12, 16, 20, 22, 24, 28, 32 };
	int all[32];
	unsigned int xdp_filter_id = 0;
	struct utsname u;
	struct rule_maps m;
	double ns;
	int c, i;

	while ((c = getopt_long(argc, argv, "qx:", (const struct option[]){
			{ "quick", no_argument, NULL, 'q' },
			{ "xdp-filter-prog", required_argument, NULL, 'x' }, { 0 } }, NULL)) != -1) {
		if (c == 'q')
			repeat = 200000;
		else if (c == 'x')
			xdp_filter_id = (unsigned int)strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	uname(&u);
	snprintf(kernel, sizeof(kernel), "%s", u.release);
	srandom(1);
	make_packet();
	for (i = 0; i < 32; i++)
		all[i] = i + 1;

	if (new_maps(&m)) {
		fprintf(stderr, "ekf-net-bench: maps: %s\n", strerror(errno));
		return 1;
	}
	skel = ebpf_xdp_blocklist__open();
	if (!skel)
		return 1;
	bpf_map__set_inner_map_fd(skel->maps.hosts, m.hosts);
	bpf_map__set_inner_map_fd(skel->maps.pfx, m.pfx);
	bpf_map__set_inner_map_fd(skel->maps.nets, m.nets);
	if (ebpf_xdp_blocklist__load(skel)) {
		fprintf(stderr, "ekf-net-bench: cannot load the XDP program\n");
		return 1;
	}
	close_maps(&m);
	prog = bpf_program__fd(skel->progs.xdp_blocklist);

	series("addresses", hosts_only, 1);
	series("prefixes", p24, 1);
	series("prefixes-4-lengths", mix4, 4);
	series("prefixes-8-lengths", mix8, 8);
	series("prefixes-32-lengths", all, 32);

	if (xdp_filter_id) {
		int fd = bpf_prog_get_fd_by_id(xdp_filter_id);
		double theirs;
		__u32 retval;

		/* ours with one address listed, as xdp-filter below */
		new_maps(&m);
		fill(&m, 1, hosts_only, 1);
		ns = run_case(&m, XBL_HAVE_HOSTS, 2);
		theirs = fd < 0 ? -1 : cost(fd, &retval);
		if (theirs > 0)
			emit_cost("xdp-blocklist/cost/addresses/1:vs-xdp-filter", ns, theirs,
				  "xdp-filter", "<=1.0x", 1.0);
		else
			printf("{\"name\":\"xdp-blocklist/cost/addresses/1:vs-xdp-filter\",\"value\":%.1f,\"unit\":\"ns/pkt\",\"baseline\":null,\"goal\":\"<=1.0x\",\"met\":null,\"note\":\"xdp-filter program %u not runnable: %s\",\"kernel\":\"%s\"}\n",
			       ns, xdp_filter_id, strerror(errno), kernel);
		close_maps(&m);
	}
	ebpf_xdp_blocklist__destroy(skel);
	return 0;
}
