// SPDX-License-Identifier: GPL-2.0
/*
 * ekf-net-bench: the cost per packet of ebpf-xdp-blocklist's XDP program,
 * with BPF_PROG_TEST_RUN (repeat), for 1, 1k, 100k and 1M IPv4 rules, as
 * single addresses (the hash) and as /24 prefixes (the LPM trie), and the
 * memory those rule maps take; against xdp-filter's program (prog id given
 * by bench/net-bench.sh, which loads it) on the same packet. JSON lines on
 * stdout (bench/bench.mk's format).
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

/* n distinct random IPv4 rules, none covering 198.18.0.0/15 */
static int fill(int hosts, int nets, unsigned long n, bool prefixes)
{
	struct xbl_rule_val zero = {};
	unsigned long added = 0;

	while (added < n) {
		struct xbl_lpm_key k = { .prefixlen = prefixes ? 96 + 24 : 128 };
		__u32 a = rnd32();
		int err;

		if (prefixes)
			a &= 0xffffff00;
		if ((a >> 17) == (0xc6120000u >> 17))
			continue;
		k.addr[10] = k.addr[11] = 0xff;
		a = htonl(a);
		memcpy(&k.addr[12], &a, 4);
		err = prefixes ? bpf_map_update_elem(nets, &k, &zero, BPF_NOEXIST) :
				 bpf_map_update_elem(hosts, k.addr, &zero, BPF_NOEXIST);
		if (!err)
			added++;
		else if (errno != EEXIST)
			return -errno;
	}
	return 0;
}

static int new_maps(int *hosts, int *nets)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);

	*hosts = bpf_map_create(BPF_MAP_TYPE_HASH, "xbl_hosts", sizeof(struct xbl_host_key),
				sizeof(struct xbl_rule_val), MAX_RULES, &o);
	*nets = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "xbl_nets", sizeof(struct xbl_lpm_key),
			       sizeof(struct xbl_rule_val), MAX_RULES, &o);
	return *hosts < 0 || *nets < 0 ? -errno : 0;
}

/* What the tool's add/load write: slot 0 active, which maps hold rules. */
static void set_config(struct ebpf_xdp_blocklist *skel, __u32 have)
{
	struct xbl_config cfg = { .max_rules = MAX_RULES };
	__u32 zero = 0;

	cfg.have[0] = have;
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

int main(int argc, char **argv)
{
	static const unsigned long counts[] = { 1, 1000, 100000, 1000000 };
	struct ebpf_xdp_blocklist *skel;
	unsigned int xdp_filter_id = 0;
	double one[2] = { 0, 0 }, ns;
	struct utsname u;
	__u32 zero = 0, retval = 0;
	int prog, k, c, hosts, nets;
	size_t i;

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

	if (new_maps(&hosts, &nets)) {
		fprintf(stderr, "ekf-net-bench: maps: %s\n", strerror(errno));
		return 1;
	}
	skel = ebpf_xdp_blocklist__open();
	if (!skel)
		return 1;
	bpf_map__set_inner_map_fd(skel->maps.hosts, hosts);
	bpf_map__set_inner_map_fd(skel->maps.nets, nets);
	if (ebpf_xdp_blocklist__load(skel)) {
		fprintf(stderr, "ekf-net-bench: cannot load the XDP program\n");
		return 1;
	}
	close(hosts);
	close(nets);
	prog = bpf_program__fd(skel->progs.xdp_blocklist);

	for (k = 0; k < 2; k++) {
		const char *kind = k ? "prefixes" : "addresses";

		for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
			char name[128];
			int err;

			if (new_maps(&hosts, &nets) || (err = fill(hosts, nets, counts[i], k))) {
				fprintf(stderr, "ekf-net-bench: %lu %s: %s\n", counts[i], kind,
					strerror(errno));
				return 1;
			}
			bpf_map_update_elem(bpf_map__fd(skel->maps.hosts), &zero, &hosts, BPF_ANY);
			bpf_map_update_elem(bpf_map__fd(skel->maps.nets), &zero, &nets, BPF_ANY);
			set_config(skel, k ? XBL_HAVE_NETS : XBL_HAVE_HOSTS);
			ns = cost(prog, &retval);
			if (ns < 0 || retval != 2 /* XDP_PASS */) {
				fprintf(stderr, "ekf-net-bench: run failed (retval %u)\n", retval);
				return 1;
			}
			snprintf(name, sizeof(name), "xdp-blocklist/cost/%s/%s", kind, count_name(counts[i]));
			if (i == 0) {
				one[k] = ns;
				emit_cost(name, ns, 0, NULL, NULL, 0);
			} else {
				emit_cost(name, ns, one[k], "1 rule",
					  counts[i] == 1000000 ? "<=1.5x" : NULL, 1.5);
			}
			if (counts[i] == 1000000)
				printf("{\"name\":\"xdp-blocklist/memory/%s/1M\",\"value\":%.1f,\"unit\":\"MiB\",\"baseline\":null,\"bytes\":%lld,\"note\":\"fdinfo memlock of the rule map\",\"kernel\":\"%s\"}\n",
				       kind, (k ? map_memory(nets) : map_memory(hosts)) / 1048576.0,
				       k ? map_memory(nets) : map_memory(hosts), kernel);
			close(hosts);
			close(nets);
		}
	}

	if (xdp_filter_id) {
		int fd = bpf_prog_get_fd_by_id(xdp_filter_id);
		double theirs;

		/* ours with one address listed, as xdp-filter below */
		new_maps(&hosts, &nets);
		fill(hosts, nets, 1, false);
		bpf_map_update_elem(bpf_map__fd(skel->maps.hosts), &zero, &hosts, BPF_ANY);
		bpf_map_update_elem(bpf_map__fd(skel->maps.nets), &zero, &nets, BPF_ANY);
		set_config(skel, XBL_HAVE_HOSTS);
		ns = cost(prog, &retval);
		theirs = fd < 0 ? -1 : cost(fd, &retval);
		if (theirs > 0)
			emit_cost("xdp-blocklist/cost/addresses/1:vs-xdp-filter", ns, theirs,
				  "xdp-filter", "<=1.0x", 1.0);
		else
			printf("{\"name\":\"xdp-blocklist/cost/addresses/1:vs-xdp-filter\",\"value\":%.1f,\"unit\":\"ns/pkt\",\"baseline\":null,\"goal\":\"<=1.0x\",\"met\":null,\"note\":\"xdp-filter program %u not runnable: %s\",\"kernel\":\"%s\"}\n",
			       ns, xdp_filter_id, strerror(errno), kernel);
	}
	ebpf_xdp_blocklist__destroy(skel);
	return 0;
}
