// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-xdp-blocklist: drop packets at XDP by source address (IPv4 and IPv6
 * addresses and prefixes, longest prefix counted) and by payload signature
 * (with the ebpf_kfunc module). Rules stay pinned under
 * /sys/fs/bpf/ebpf-tools/xdp-blocklist/IFACE/ after the command exits: no
 * daemon. Each command takes the tool's lock.
 *
 * Exit status: 0 success, 1 runtime failure (cause on stderr), 2 bad usage
 * (the bad value named on stderr; nothing changed).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lib/ekf_cli.h"
#include "lib/ekf_kmod.h"
#include "lib/ekf_log.h"
#include "lib/ekf_net.h"
#include "lib/ekf_pin.h"
#include "lib/ekf_subcmd.h"
#include "ebpf-xdp-blocklist.h"
#include "ebpf_xdp_blocklist.skel.h"

#ifndef EKF_VERSION
#define EKF_VERSION "unknown"
#endif

#define TOOL		"xdp-blocklist"
#define MODULE_NAME	"ebpf_kfunc"
#define DKMS_PKG	"ebpf-kfunc-dkms"
#define LOCK_WAIT_MS	10000

static bool opt_verbose;

/* ------------------------------------------------------------------ */
/* Usage                                                               */

static const char usage_main[] =
"Usage: ebpf-xdp-blocklist [-v] COMMAND IFACE [OPTIONS] [ARGS]\n"
"\n"
"Drops packets at XDP whose source address is listed (IPv4 and IPv6\n"
"addresses and prefixes) or, with the ebpf_kfunc module, whose payload\n"
"holds a signature. Rules stay in place after the command exits.\n"
"\n"
"Commands:\n"
"  attach IFACE [--mode auto|native|generic] [--max-rules N]\n"
"  detach IFACE                 remove the program and every rule\n"
"  add IFACE CIDR...            list addresses or prefixes\n"
"  del IFACE CIDR...            unlist them\n"
"  load IFACE FILE              replace all rules at once (one CIDR a line)\n"
"  flush IFACE                  remove all rules and signatures\n"
"  list IFACE                   rules and signatures with their hits\n"
"  stats IFACE                  passed/dropped packets and bytes, XDP mode\n"
"  add-signature IFACE [--proto udp|tcp] [--port N] (--hex HEX | --string S)\n"
"  del-signature IFACE ID\n"
"  help [COMMAND]\n"
"\n"
"Options:\n"
"  -v, --verbose  libbpf debug output on stderr\n"
"  -h, --help     this help; 'ebpf-xdp-blocklist COMMAND --help' for a command\n"
"  -V, --version  the version\n"
"\n"
"Exit status: 0 success, 1 failure (cause on stderr), 2 bad usage.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist attach eth0\n"
"  ebpf-xdp-blocklist add eth0 192.0.2.7 198.51.100.0/24 2001:db8::/32\n"
"  ebpf-xdp-blocklist list eth0\n"
"  ebpf-xdp-blocklist load eth0 /etc/ebpf-tools/xdp-blocklist/eth0.conf\n"
"  ebpf-xdp-blocklist add-signature eth0 --proto udp --port 53 --string evil\n"
"  ebpf-xdp-blocklist stats eth0\n"
"  ebpf-xdp-blocklist detach eth0\n";

static const char usage_attach[] =
"Usage: ebpf-xdp-blocklist attach IFACE [--mode auto|native|generic] [--max-rules N]\n"
"\n"
"Loads the XDP program on IFACE with an empty rule set and pins it (and its\n"
"maps) under /sys/fs/bpf/ebpf-tools/xdp-blocklist/IFACE/ (bpffs is mounted\n"
"if needed). If the ebpf_kfunc module is loaded now, payload signatures\n"
"can be added later.\n"
"\n"
"Options:\n"
"  -m, --mode MODE      auto (default: native, else generic), native, generic\n"
"  -n, --max-rules N    room for N single addresses and N prefixes\n"
"                       (default 131072; the address hash takes 16 bytes per\n"
"                       slot up front)\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist attach eth0\n"
"  ebpf-xdp-blocklist attach eth0 --mode generic --max-rules 1048576\n";

static const char usage_detach[] =
"Usage: ebpf-xdp-blocklist detach IFACE\n"
"\n"
"Detaches the program and removes every pinned object of IFACE (rules,\n"
"signatures, counters).\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist detach eth0\n";

static const char usage_add[] =
"Usage: ebpf-xdp-blocklist add IFACE CIDR...\n"
"\n"
"Lists IPv4 or IPv6 source addresses (192.0.2.7, 2001:db8::1) or prefixes\n"
"(198.51.100.0/24, 2001:db8::/32). Host bits past the prefix are refused.\n"
"A rule already listed is left as it is (with its hits).\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist add eth0 192.0.2.7 198.51.100.0/24\n"
"  ebpf-xdp-blocklist add eth0 2001:db8:bad::/48\n";

static const char usage_del[] =
"Usage: ebpf-xdp-blocklist del IFACE CIDR...\n"
"\n"
"Removes rules, exactly as listed. If one is not listed, none is removed.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist del eth0 192.0.2.7 198.51.100.0/24\n";

static const char usage_load[] =
"Usage: ebpf-xdp-blocklist load IFACE FILE\n"
"\n"
"Replaces all address rules with those of FILE, one CIDR a line ('#'\n"
"starts a comment), at once: the program sees the old set or the new one,\n"
"never a mix. Hit counters start from zero. Signatures are kept.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist load eth0 /etc/ebpf-tools/xdp-blocklist/eth0.conf\n";

static const char usage_flush[] =
"Usage: ebpf-xdp-blocklist flush IFACE\n"
"\n"
"Removes all address rules (at once) and all signatures; stays attached.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist flush eth0\n";

static const char usage_list[] =
"Usage: ebpf-xdp-blocklist list IFACE\n"
"\n"
"Prints each rule (single addresses first, then prefixes) with the packets\n"
"and bytes it dropped; a packet counts for the longest matching prefix.\n"
"Then the signatures, with their ID.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist list eth0\n";

static const char usage_stats[] =
"Usage: ebpf-xdp-blocklist stats IFACE\n"
"\n"
"Prints the XDP mode in use (native or generic), the number of rules and\n"
"the packets and bytes passed and dropped (by address, by signature).\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist stats eth0\n";

static const char usage_add_sig[] =
"Usage: ebpf-xdp-blocklist add-signature IFACE [--proto udp|tcp] [--port N] (--hex HEX | --string S)\n"
"\n"
"Drops packets whose TCP or UDP payload (its first 1024 bytes) contains the\n"
"bytes, found with ekf_memmem() of the ebpf_kfunc module (package\n"
"ebpf-kfunc-dkms): the module must be loaded, and must have been when IFACE\n"
"was attached. At most 8 signatures of 1..64 bytes.\n"
"\n"
"Options:\n"
"  -p, --proto P     udp or tcp (default: both)\n"
"  -P, --port N      destination port 1..65535 (default: any)\n"
"  -x, --hex HEX     the bytes in hex (\"deadbeef\", \"de:ad:be:ef\")\n"
"  -s, --string S    the bytes of S\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist add-signature eth0 --proto udp --port 53 --string evil\n"
"  ebpf-xdp-blocklist add-signature eth0 --hex 90909090\n";

static const char usage_del_sig[] =
"Usage: ebpf-xdp-blocklist del-signature IFACE ID\n"
"\n"
"Removes the signature with the ID that 'list' shows; later IDs move down.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-xdp-blocklist del-signature eth0 0\n";

/* ------------------------------------------------------------------ */
/* Arguments                                                           */

struct args {
	const char *cmd;
	const char *iface;
	unsigned int ifindex;
	enum xbl_mode mode;
	__u32 max_rules;
	struct ekf_cidr *cidrs;
	size_t ncidrs;
	const char *file;
	struct xbl_sig sig;
	__u32 sig_id;
};

static void add_cidr(struct args *a, const struct ekf_cidr *c)
{
	static size_t cap;

	if (a->ncidrs == cap) {
		cap = cap ? cap * 2 : 64;
		a->cidrs = realloc(a->cidrs, cap * sizeof(*a->cidrs));
		if (!a->cidrs) {
			ekf_err("out of memory");
			exit(EKF_EXIT_FAIL);
		}
	}
	a->cidrs[a->ncidrs++] = *c;
}

static int file_line(char *line, unsigned int lineno, void *arg)
{
	struct args *a = arg;
	struct ekf_cidr c;
	const char *why;

	if (!ekf_parse_cidr(line, &c, &why))
		ekf_usage_error("load", "%s:%u: invalid CIDR '%s': %s", a->file, lineno, line, why);
	add_cidr(a, &c);
	return 0;
}

/* The interface must exist for attach; the others act on pinned state by name. */
static void parse_iface(struct args *a, int argc, char **argv, bool must_exist)
{
	if (optind >= argc)
		ekf_usage_error(a->cmd, "missing IFACE");
	a->iface = argv[optind++];
	if (!ekf_ifname_valid(a->iface))
		ekf_usage_error(a->cmd, "invalid interface name '%s'", a->iface);
	a->ifindex = ekf_ifindex(a->iface);
	if (must_exist && !a->ifindex)
		ekf_usage_error(a->cmd, "unknown interface '%s' (not in this network namespace)",
				a->iface);
}

static void parse_args(struct args *a, int argc, char **argv, const char *usage)
{
	static const struct option longopts[] = {
		{ "verbose",   no_argument,       NULL, 'v' },
		{ "help",      no_argument,       NULL, 'h' },
		{ "mode",      required_argument, NULL, 'm' },
		{ "max-rules", required_argument, NULL, 'n' },
		{ "proto",     required_argument, NULL, 'p' },
		{ "port",      required_argument, NULL, 'P' },
		{ "hex",       required_argument, NULL, 'x' },
		{ "string",    required_argument, NULL, 's' },
		{ 0 },
	};
	bool is_attach = !strcmp(a->cmd, "attach"), is_sig = !strcmp(a->cmd, "add-signature");
	const char *why, *bytes = NULL;
	struct ekf_cidr c;
	uint32_t v;
	size_t len;
	int ch;

	a->mode = XBL_MODE_AUTO;
	a->max_rules = XBL_DEFAULT_MAX_RULES;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vhm:n:p:P:x:s:", longopts, NULL)) != -1) {
		const char *opt = argv[optind - 1];

		switch (ch) {
		case 'v':
			opt_verbose = true;
			continue;
		case 'h':
			ekf_help(usage);
		}
		if ((ch == 'm' || ch == 'n') && !is_attach)
			ekf_usage_error(a->cmd, "option '%s' applies only to attach", opt);
		if ((ch == 'p' || ch == 'P' || ch == 'x' || ch == 's') && !is_sig)
			ekf_usage_error(a->cmd, "option '%s' applies only to add-signature", opt);
		switch (ch) {
		case 'm':
			if (!strcmp(optarg, "auto"))
				a->mode = XBL_MODE_AUTO;
			else if (!strcmp(optarg, "native") || !strcmp(optarg, "drv"))
				a->mode = XBL_MODE_NATIVE;
			else if (!strcmp(optarg, "generic") || !strcmp(optarg, "skb"))
				a->mode = XBL_MODE_GENERIC;
			else
				ekf_usage_error(a->cmd, "invalid --mode '%s': give auto, native or generic",
						optarg);
			break;
		case 'n':
			if (!ekf_parse_u32(optarg, &v) || v < 1 || v > XBL_MAX_MAX_RULES)
				ekf_usage_error(a->cmd, "invalid --max-rules '%s': give 1..%u", optarg,
						XBL_MAX_MAX_RULES);
			a->max_rules = v;
			break;
		case 'p':
			if (!strcmp(optarg, "udp"))
				a->sig.proto = IPPROTO_UDP;
			else if (!strcmp(optarg, "tcp"))
				a->sig.proto = IPPROTO_TCP;
			else
				ekf_usage_error(a->cmd, "invalid --proto '%s': give udp or tcp", optarg);
			break;
		case 'P':
			if (!ekf_parse_u32(optarg, &v) || v < 1 || v > 65535)
				ekf_usage_error(a->cmd, "invalid --port '%s': give 1..65535", optarg);
			a->sig.port = (__u16)v;
			break;
		case 'x':
		case 's':
			if (bytes)
				ekf_usage_error(a->cmd, "give one of --hex and --string, once");
			bytes = optarg;
			if (ch == 's') {
				len = strlen(optarg);
				if (len < 1 || len > XBL_SIG_LEN_MAX)
					ekf_usage_error(a->cmd, "invalid --string '%s': give 1..%u bytes",
							optarg, XBL_SIG_LEN_MAX);
				memcpy(a->sig.data, optarg, len);
			} else if (!ekf_parse_hex(optarg, a->sig.data, XBL_SIG_LEN_MAX, &len, &why)) {
				ekf_usage_error(a->cmd, "invalid --hex '%s': %s (1..%u bytes)", optarg,
						why, XBL_SIG_LEN_MAX);
			} else if (len < 1) {
				ekf_usage_error(a->cmd, "invalid --hex '%s': empty", optarg);
			}
			a->sig.len = (__u32)len;
			break;
		default:
			ekf_bad_option(a->cmd, argv, optopt, ch);
		}
	}
	parse_iface(a, argc, argv, is_attach);

	if (!strcmp(a->cmd, "add") || !strcmp(a->cmd, "del")) {
		if (optind >= argc)
			ekf_usage_error(a->cmd, "missing CIDR (an address or prefix)");
		for (; optind < argc; optind++) {
			if (!ekf_parse_cidr(argv[optind], &c, &why))
				ekf_usage_error(a->cmd, "invalid CIDR '%s': %s", argv[optind], why);
			add_cidr(a, &c);
		}
	} else if (!strcmp(a->cmd, "load")) {
		int err;

		if (optind >= argc)
			ekf_usage_error(a->cmd, "missing FILE");
		a->file = argv[optind++];
		err = ekf_for_each_line(a->file, file_line, a);
		if (err)
			ekf_usage_error(a->cmd, "cannot read '%s': %s", a->file, strerror(-err));
	} else if (!strcmp(a->cmd, "del-signature")) {
		if (optind >= argc)
			ekf_usage_error(a->cmd, "missing ID");
		if (!ekf_parse_u32(argv[optind], &a->sig_id) || a->sig_id >= XBL_SIGS_MAX)
			ekf_usage_error(a->cmd, "invalid ID '%s': give 0..%u (see 'list')",
					argv[optind], XBL_SIGS_MAX - 1);
		optind++;
	} else if (is_sig && !bytes) {
		ekf_usage_error(a->cmd, "missing --hex HEX or --string S");
	}
	if (optind < argc)
		ekf_usage_error(a->cmd, "unexpected argument '%s'", argv[optind]);
}

/* ------------------------------------------------------------------ */
/* Pinned state                                                        */

struct state {
	char dir[128];		/* EKF_PIN_ROOT/xdp-blocklist/IFACE */
	int config, stats, hosts, nets, sigs, pfx;	/* pinned maps */
	struct xbl_config cfg;
};

#define NR_PINNED_MAPS	6
static const char *const map_names[] = { "config", "stats", "hosts", "nets", "sigs", "pfx" };

static int *state_fd(struct state *s, int i)
{
	int *fds[] = { &s->config, &s->stats, &s->hosts, &s->nets, &s->sigs, &s->pfx };

	return fds[i];
}

static void pin_path(const struct state *s, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", s->dir, name);
}

/* 0, or exits 1 with the cause: not attached, or the pins are unusable */
static void state_open(struct state *s, const struct args *a)
{
	char path[PATH_MAX];
	__u32 zero = 0;
	int i;

	ekf_iface_dir(TOOL, a->iface, s->dir, sizeof(s->dir));
	for (i = 0; i < NR_PINNED_MAPS; i++)
		*state_fd(s, i) = -1;
	pin_path(s, "link", path, sizeof(path));
	if (access(path, F_OK)) {
		ekf_err("%s is not attached to %s (no %s): run 'ebpf-xdp-blocklist attach %s' first",
			"ebpf-xdp-blocklist", a->iface, path, a->iface);
		exit(EKF_EXIT_FAIL);
	}
	for (i = 0; i < NR_PINNED_MAPS; i++) {
		pin_path(s, map_names[i], path, sizeof(path));
		*state_fd(s, i) = bpf_obj_get(path);
		if (*state_fd(s, i) < 0) {
			ekf_err("cannot open pinned map %s: %s (remove the stale state with 'ebpf-xdp-blocklist detach %s')",
				path, strerror(errno), a->iface);
			exit(EKF_EXIT_FAIL);
		}
	}
	if (bpf_map_lookup_elem(s->config, &zero, &s->cfg)) {
		ekf_err("cannot read %s/config: %s", s->dir, strerror(errno));
		exit(EKF_EXIT_FAIL);
	}
}

static void config_write(struct state *s)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(s->config, &zero, &s->cfg, BPF_ANY)) {
		ekf_err("cannot write %s/config: %s", s->dir, strerror(errno));
		exit(EKF_EXIT_FAIL);
	}
}

/* The inner map of outer slot gen, as a new fd, or -1 (empty slot). */
static int inner_fd(int outer, __u32 gen)
{
	__u32 id;

	if (bpf_map_lookup_elem(outer, &gen, &id))
		return -1;
	return bpf_map_get_fd_by_id(id);
}

static int inner_or_die(const struct state *s, int outer, const char *what)
{
	int fd = inner_fd(outer, s->cfg.gen & 1);

	if (fd < 0) {
		ekf_err("cannot open the %s rule map of %s: %s", what, s->dir, strerror(errno));
		exit(EKF_EXIT_FAIL);
	}
	return fd;
}

/* The inner maps of one rule set (slot) */
struct rule_maps {
	int hosts;	/* single addresses */
	int pfx;	/* prefixes by (length, masked address) */
	int nets;	/* prefixes in the LPM trie */
};

static void close_rule_maps(struct rule_maps *m)
{
	if (m->hosts >= 0)
		close(m->hosts);
	if (m->pfx >= 0)
		close(m->pfx);
	if (m->nets >= 0)
		close(m->nets);
	m->hosts = m->pfx = m->nets = -1;
}

/* New empty inner maps, as the program's templates define them; hosts too if !keep_hosts. */
static int new_rule_maps(__u32 max_rules, struct rule_maps *m, bool keep_hosts)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	int err;

	if (!keep_hosts)
		m->hosts = bpf_map_create(BPF_MAP_TYPE_HASH, "xbl_hosts", sizeof(struct xbl_host_key),
					  sizeof(struct xbl_rule_val), max_rules, &opts);
	m->pfx = bpf_map_create(BPF_MAP_TYPE_HASH, "xbl_pfx", sizeof(struct xbl_lpm_key),
				sizeof(struct xbl_rule_val), max_rules, &opts);
	m->nets = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "xbl_nets", sizeof(struct xbl_lpm_key),
				 sizeof(struct xbl_rule_val), max_rules, &opts);
	if (m->hosts >= 0 && m->pfx >= 0 && m->nets >= 0)
		return 0;
	err = -errno;
	if (keep_hosts)
		m->hosts = -1;
	close_rule_maps(m);
	return err;
}

/* The active set's maps, or exits 1 */
static void open_rule_maps(const struct state *s, struct rule_maps *m)
{
	m->hosts = inner_or_die(s, s->hosts, "address");
	m->pfx = inner_or_die(s, s->pfx, "prefix hash");
	m->nets = inner_or_die(s, s->nets, "prefix trie");
}

static bool is_host(const struct ekf_cidr *c)
{
	return c->plen == 128;
}

/* XBL_HAVE_* of rules, prefixes in the trie or the hash */
static __u32 have_bits(const struct ekf_cidr *c, size_t n, bool trie)
{
	__u32 bits = 0;

	for (size_t i = 0; i < n; i++)
		bits |= is_host(&c[i]) ? XBL_HAVE_HOSTS : trie ? XBL_HAVE_NETS : XBL_HAVE_PFX;
	return bits;
}

/*
 * Prefix lengths of slot: the program walks config lens (a bitmap) in the
 * prefix hash; nlen counts the rules of each length, so that del clears
 * the bit of a length that no rule has any more.
 */
static void len_bit(struct xbl_config *cfg, __u32 slot, __u32 plen, bool on)
{
	__u32 b = XBL_PLENS - 1 - plen;

	if (on)
		cfg->lens[slot][b / 64] |= 1ull << (b % 64);
	else
		cfg->lens[slot][b / 64] &= ~(1ull << (b % 64));
}

static unsigned int nr_lengths(const struct xbl_config *cfg, __u32 slot)
{
	unsigned int n = 0;

	for (__u32 l = 0; l < XBL_PLENS; l++)
		n += cfg->nlen[slot][l] != 0;
	return n;
}

/* The set of slot keeps its prefixes in the LPM trie (else the hash). */
static bool set_is_trie(const struct xbl_config *cfg, __u32 slot)
{
	return cfg->have[slot] & XBL_HAVE_NETS;
}

/* The map that holds the prefixes of the active set */
static int prefix_map(const struct state *s, const struct rule_maps *m)
{
	return set_is_trie(&s->cfg, s->cfg.gen & 1) ? m->nets : m->pfx;
}

static int rule_set(int hosts, int nets, const struct ekf_cidr *c,
		    const struct xbl_rule_val *v, __u64 flags)
{
	struct xbl_lpm_key k = { .prefixlen = c->plen };

	if (is_host(c))
		return bpf_map_update_elem(hosts, c->addr, v, flags) ? -errno : 0;
	memcpy(k.addr, c->addr, 16);
	return bpf_map_update_elem(nets, &k, v, flags) ? -errno : 0;
}

static int rule_update(int hosts, int nets, const struct ekf_cidr *c, __u64 flags)
{
	static const struct xbl_rule_val zero;

	return rule_set(hosts, nets, c, &zero, flags);
}

/*
 * The value of rule c, if c is listed. For a prefix, an LPM lookup of the
 * rule's own key finds the rule itself if it is listed, else a shorter one:
 * only the delete that follows tells them apart (it is exact).
 */
static int rule_value(int hosts, int nets, const struct ekf_cidr *c, struct xbl_rule_val *v)
{
	struct xbl_lpm_key k = { .prefixlen = c->plen };

	memset(v, 0, sizeof(*v));
	if (is_host(c))
		return bpf_map_lookup_elem(hosts, c->addr, v) ? -errno : 0;
	memcpy(k.addr, c->addr, 16);
	return bpf_map_lookup_elem(nets, &k, v) ? -errno : 0;
}

static int rule_delete(int hosts, int nets, const struct ekf_cidr *c)
{
	struct xbl_lpm_key k = { .prefixlen = c->plen };

	if (is_host(c))
		return bpf_map_delete_elem(hosts, c->addr) ? -errno : 0;
	memcpy(k.addr, c->addr, 16);
	return bpf_map_delete_elem(nets, &k) ? -errno : 0;
}

static void full_error(const struct state *s, const char *iface, int err)
{
	if (err == -E2BIG || err == -ENOSPC || err == -ENOMEM)
		ekf_err("the rule set of %s is full (%u single addresses and %u prefixes at most): %s; detach and attach with a larger --max-rules",
			iface, s->cfg.max_rules, s->cfg.max_rules, strerror(-err));
	else
		ekf_err("cannot update the rules of %s: %s", iface, strerror(-err));
}

/* ------------------------------------------------------------------ */
/* Module probe (signatures)                                           */

/* True if ekf_memmem is callable; else cause/fix say why. */
static bool memmem_available(char *cause, size_t csz, char *fix, size_t fsz)
{
	struct ekf_kmod km;
	struct btf *btf;
	char decl[256];
	bool ok;

	ekf_kmod_probe(MODULE_NAME, &km);
	if (ekf_kmod_problem(&km, "ebpf-kfunc", cause, csz, fix, fsz))
		return false;
	btf = ekf_kmod_btf_load(MODULE_NAME);
	if (!btf) {
		snprintf(cause, csz, "cannot read the %s module's BTF: %s", MODULE_NAME, strerror(errno));
		snprintf(fix, fsz, "reinstall %s", DKMS_PKG);
		return false;
	}
	ok = ekf_btf_func_decl(btf, "ekf_memmem", decl, sizeof(decl));
	ekf_kmod_btf_free(btf);
	if (!ok) {
		snprintf(cause, csz, "the loaded %s module has no ekf_memmem", MODULE_NAME);
		snprintf(fix, fsz, "install the %s that matches this tool (%s)", DKMS_PKG, EKF_VERSION);
	}
	return ok;
}

/* ------------------------------------------------------------------ */
/* attach / detach                                                     */

static const char *mode_name(enum xbl_mode m)
{
	return m == XBL_MODE_NATIVE ? "native" : m == XBL_MODE_GENERIC ? "generic" : "auto";
}

static int link_xdp(int prog_fd, unsigned int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(prog_fd, (int)ifindex, BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

static int cmd_attach(struct args *a)
{
	struct ebpf_xdp_blocklist *skel = NULL;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char cause[512] = "", fix[512] = "", path[PATH_MAX], why[256] = "";
	static char vlog[1 << 20];
	struct state s = {};
	struct rule_maps rm = { -1, -1, -1 };
	int link = -1, err, i;
	bool sig_ok;
	__u32 zero = 0;

	ekf_iface_dir(TOOL, a->iface, s.dir, sizeof(s.dir));
	if (!access(s.dir, F_OK)) {
		ekf_err("%s is already attached to %s (state in %s): detach it first",
			"ebpf-xdp-blocklist", a->iface, s.dir);
		return EKF_EXIT_FAIL;
	}
	if (!bpf_xdp_query((int)a->ifindex, 0, &q) && q.prog_id) {
		ekf_err("%s already has an XDP program (id %u, %s mode) that is not ours: remove it first (ip link set dev %s xdp off)",
			a->iface, q.prog_id, q.attach_mode == XDP_ATTACHED_SKB ? "generic" : "native",
			a->iface);
		return EKF_EXIT_FAIL;
	}

	/* the first rule set, also the outer maps' inner-map templates */
	err = new_rule_maps(a->max_rules, &rm, false);
	if (err) {
		ekf_err("cannot create the rule maps (max %u rules): %s", a->max_rules, strerror(-err));
		return EKF_EXIT_FAIL;
	}
	sig_ok = memmem_available(cause, sizeof(cause), fix, sizeof(fix));
	for (;;) {
		skel = ebpf_xdp_blocklist__open();
		if (!skel) {
			ekf_err("cannot open the BPF object: %s", strerror(errno));
			goto fail;
		}
		skel->rodata->have_memmem = sig_ok;
		/* not bpf_map__inner_map(): libbpf 1.1 crashes there */
		bpf_map__set_inner_map_fd(skel->maps.hosts, rm.hosts);
		bpf_map__set_inner_map_fd(skel->maps.pfx, rm.pfx);
		bpf_map__set_inner_map_fd(skel->maps.nets, rm.nets);
		vlog[0] = '\0';
		bpf_program__set_log_buf(skel->progs.xdp_blocklist, vlog, sizeof(vlog));
		ekf_log_clear();
		err = ebpf_xdp_blocklist__load(skel);
		if (err && vlog[0]) {
			ekf_verifier_reason(vlog, why, sizeof(why));
			if (opt_verbose)
				fputs(vlog, stderr);
		}
		if (!err)
			break;
		ebpf_xdp_blocklist__destroy(skel);
		skel = NULL;
		if (!why[0] && ekf_log_last_warning())
			snprintf(why, sizeof(why), "%s", ekf_log_last_warning());
		if (!sig_ok) {
			ekf_err("cannot load the XDP program: %s%s%s", strerror(-err),
				why[0] ? ": " : " (run with -v for details)", why);
			goto fail;
		}
		/* the kernel refused ekf_memmem from XDP: go on without signatures */
		snprintf(cause, sizeof(cause), "the kernel refused ekf_memmem in an XDP program: %s",
			 why[0] ? why : strerror(-err));
		sig_ok = false;
	}
	if (!sig_ok && opt_verbose)
		fprintf(stderr, "ebpf-xdp-blocklist: payload signatures unavailable: %s\n", cause);

	if (bpf_map_update_elem(bpf_map__fd(skel->maps.hosts), &zero, &rm.hosts, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.pfx), &zero, &rm.pfx, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.nets), &zero, &rm.nets, BPF_ANY)) {
		err = -errno;
		ekf_err("cannot install the rule maps: %s", strerror(errno));
		goto fail;
	}
	s.cfg.max_rules = a->max_rules;
	s.cfg.sig_capable = sig_ok;
	s.cfg.mode = a->mode;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &s.cfg, BPF_ANY)) {
		err = -errno;
		ekf_err("cannot write the configuration: %s", strerror(errno));
		goto fail;
	}

	err = ekf_mkdir_p(s.dir, 0700);
	if (err) {
		ekf_err("cannot create %s: %s", s.dir, strerror(-err));
		goto fail;
	}
	{
		struct bpf_map *maps[NR_PINNED_MAPS] = { skel->maps.config, skel->maps.stats,
							 skel->maps.hosts, skel->maps.nets,
							 skel->maps.sigs, skel->maps.pfx };

		for (i = 0; i < NR_PINNED_MAPS; i++) {
			pin_path(&s, map_names[i], path, sizeof(path));
			err = bpf_map__pin(maps[i], path);
			if (err) {
				ekf_err("cannot pin %s: %s", path, strerror(-err));
				goto fail_pins;
			}
		}
	}
	pin_path(&s, "prog", path, sizeof(path));
	err = bpf_program__pin(skel->progs.xdp_blocklist, path);
	if (err) {
		ekf_err("cannot pin %s: %s", path, strerror(-err));
		goto fail_pins;
	}

	{
		int pfd = bpf_program__fd(skel->progs.xdp_blocklist);

		if (a->mode == XBL_MODE_GENERIC) {
			link = link_xdp(pfd, a->ifindex, XDP_FLAGS_SKB_MODE);
		} else {
			link = link_xdp(pfd, a->ifindex, XDP_FLAGS_DRV_MODE);
			if (link < 0 && a->mode == XBL_MODE_AUTO) {
				if (opt_verbose)
					fprintf(stderr, "ebpf-xdp-blocklist: native XDP on %s failed (%s), trying generic\n",
						a->iface, strerror(-link));
				link = link_xdp(pfd, a->ifindex, XDP_FLAGS_SKB_MODE);
			}
		}
	}
	if (link < 0) {
		err = link;
		ekf_err("cannot attach XDP to %s in %s mode: %s%s", a->iface, mode_name(a->mode),
			strerror(-err),
			err == -EOPNOTSUPP || err == -EINVAL ?
			(a->mode == XBL_MODE_NATIVE ? " (the driver has no native XDP: try --mode generic)" : "") :
			err == -EBUSY || err == -EEXIST ? " (another XDP program is attached)" : "");
		goto fail_pins;
	}
	pin_path(&s, "link", path, sizeof(path));
	if (bpf_obj_pin(link, path)) {
		err = -errno;
		ekf_err("cannot pin %s: %s", path, strerror(errno));
		goto fail_pins;
	}
	close(link);
	close_rule_maps(&rm);
	ebpf_xdp_blocklist__destroy(skel);
	return EKF_EXIT_OK;

fail_pins:
	ekf_remove_tree(s.dir);
fail:
	if (link >= 0)
		close(link);
	close_rule_maps(&rm);
	ebpf_xdp_blocklist__destroy(skel);
	return EKF_EXIT_FAIL;
}

static int cmd_detach(struct args *a)
{
	char dir[PATH_MAX];
	int err;

	ekf_iface_dir(TOOL, a->iface, dir, sizeof(dir));
	if (access(dir, F_OK)) {
		ekf_err("%s is not attached to %s (no %s)", "ebpf-xdp-blocklist", a->iface, dir);
		return EKF_EXIT_FAIL;
	}
	/* unpinning the link drops its last reference: the kernel detaches */
	err = ekf_remove_tree(dir);
	if (err) {
		ekf_err("cannot remove %s: %s", dir, strerror(-err));
		return EKF_EXIT_FAIL;
	}
	return EKF_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */

/*
 * Fills a new rule set in the spare slot and makes it the active one: the
 * rules c[0..n) with their counters vals (or zero), the prefixes in the
 * hash if they have at most XBL_HASH_LENS_MAX distinct lengths, else in
 * the trie. keep_hosts: the new set shares the active set's address map
 * (c then holds prefixes only).
 */
static int swap_rules(struct state *s, const char *iface, const struct ekf_cidr *c,
		      const struct xbl_rule_val *vals, size_t n, bool keep_hosts)
{
	static const struct xbl_rule_val zero;
	__u32 old = s->cfg.gen & 1, spare = old ^ 1, l;
	struct rule_maps m = { -1, -1, -1 };
	bool seen[XBL_PLENS] = {}, trie;
	unsigned int nlens = 0;
	char buf[64];
	size_t i;
	int err;

	for (i = 0; i < n; i++)
		if (!is_host(&c[i]) && !seen[c[i].plen]) {
			seen[c[i].plen] = true;
			nlens++;
		}
	trie = nlens > XBL_HASH_LENS_MAX;
	if (keep_hosts)
		m.hosts = inner_or_die(s, s->hosts, "address");
	err = new_rule_maps(s->cfg.max_rules, &m, keep_hosts);
	if (err) {
		ekf_err("cannot create new rule maps: %s", strerror(-err));
		return EKF_EXIT_FAIL;
	}
	memset(s->cfg.nlen[spare], 0, sizeof(s->cfg.nlen[spare]));
	memset(s->cfg.lens[spare], 0, sizeof(s->cfg.lens[spare]));
	for (i = 0; i < n; i++) {
		err = rule_set(m.hosts, trie ? m.nets : m.pfx, &c[i], vals ? &vals[i] : &zero,
			       BPF_NOEXIST);
		if (err == -EEXIST)
			continue;	/* listed twice */
		if (err) {
			ekf_cidr_str(c[i].addr, c[i].plen, buf, sizeof(buf));
			ekf_err("cannot add %s (nothing changed):", buf);
			full_error(s, iface, err);
			close_rule_maps(&m);
			return EKF_EXIT_FAIL;
		}
		if (!is_host(&c[i]))
			s->cfg.nlen[spare][c[i].plen]++;
	}
	for (l = 0; l < XBL_PLENS; l++)
		if (s->cfg.nlen[spare][l])
			len_bit(&s->cfg, spare, l, true);
	if (bpf_map_update_elem(s->hosts, &spare, &m.hosts, BPF_ANY) ||
	    bpf_map_update_elem(s->pfx, &spare, &m.pfx, BPF_ANY) ||
	    bpf_map_update_elem(s->nets, &spare, &m.nets, BPF_ANY)) {
		ekf_err("cannot install the new rule maps: %s", strerror(errno));
		close_rule_maps(&m);
		return EKF_EXIT_FAIL;
	}
	s->cfg.have[spare] = have_bits(c, n, trie) | (trie ? XBL_HAVE_NETS : 0) |
			     (keep_hosts ? s->cfg.have[old] & XBL_HAVE_HOSTS : 0);
	config_write(s);	/* the spare slot's flags, still unused */
	s->cfg.gen = spare;
	config_write(s);	/* the switch */
	ekf_wait_bpf_readers();
	/* the old set: freed once no program holds it */
	bpf_map_delete_elem(s->hosts, &old);
	bpf_map_delete_elem(s->pfx, &old);
	bpf_map_delete_elem(s->nets, &old);
	close_rule_maps(&m);
	return EKF_EXIT_OK;
}

/*
 * add of prefixes that take a hash set past XBL_HASH_LENS_MAX lengths:
 * the set's prefixes (with their hits) and the new ones move to a trie
 * set, swapped in like a load. Hits that land between the copy and the
 * swap are not carried over.
 */
static int add_to_trie(struct state *s, const struct args *a, int pfx)
{
	struct xbl_lpm_key k, next;
	struct ekf_cidr *c;
	struct xbl_rule_val *v;
	size_t n = 0, cap = a->ncidrs + 1024, i;
	void *prev = NULL;
	int rc;

	c = calloc(cap, sizeof(*c));
	v = calloc(cap, sizeof(*v));
	if (!c || !v)
		goto oom;
	while (!bpf_map_get_next_key(pfx, prev, &next)) {
		k = next;
		prev = &k;
		if (n == cap) {
			cap *= 2;
			c = realloc(c, cap * sizeof(*c));
			v = realloc(v, cap * sizeof(*v));
			if (!c || !v)
				goto oom;
		}
		if (bpf_map_lookup_elem(pfx, &k, &v[n]))
			continue;
		memset(&c[n], 0, sizeof(c[n]));
		memcpy(c[n].addr, k.addr, 16);
		c[n].plen = k.prefixlen;
		n++;
	}
	if (n + a->ncidrs > cap) {
		cap = n + a->ncidrs;
		c = realloc(c, cap * sizeof(*c));
		v = realloc(v, cap * sizeof(*v));
		if (!c || !v)
			goto oom;
	}
	for (i = 0; i < a->ncidrs; i++) {
		if (is_host(&a->cidrs[i]))
			continue;	/* already in the shared address map */
		c[n] = a->cidrs[i];
		memset(&v[n], 0, sizeof(v[n]));
		n++;
	}
	rc = swap_rules(s, a->iface, c, v, n, true);
	free(c);
	free(v);
	return rc;
oom:
	ekf_err("out of memory");
	free(c);
	free(v);
	return EKF_EXIT_FAIL;
}

static int cmd_add(struct args *a)
{
	struct rule_maps m;
	struct state s;
	__u32 gen, bits, l, nlen_before[XBL_PLENS];
	__u64 lens_before[2];
	int err, pmap;
	char buf[64];
	size_t i;

	state_open(&s, a);
	gen = s.cfg.gen & 1;
	open_rule_maps(&s, &m);
	pmap = prefix_map(&s, &m);
	bits = have_bits(a->cidrs, a->ncidrs, set_is_trie(&s.cfg, gen));
	memcpy(nlen_before, s.cfg.nlen[gen], sizeof(nlen_before));
	memcpy(lens_before, s.cfg.lens[gen], sizeof(lens_before));
	for (i = 0; i < a->ncidrs; i++)
		if (!is_host(&a->cidrs[i]) && !s.cfg.nlen[gen][a->cidrs[i].plen]) {
			s.cfg.nlen[gen][a->cidrs[i].plen] = 1;	/* counted for real below */
			len_bit(&s.cfg, gen, a->cidrs[i].plen, true);
		}
	if (!set_is_trie(&s.cfg, gen) && nr_lengths(&s.cfg, gen) > XBL_HASH_LENS_MAX) {
		/* hosts go in the address map that the new set shares */
		memcpy(s.cfg.nlen[gen], nlen_before, sizeof(nlen_before));
		memcpy(s.cfg.lens[gen], lens_before, sizeof(lens_before));
		for (i = 0; i < a->ncidrs; i++)
			if (is_host(&a->cidrs[i])) {
				if ((s.cfg.have[gen] & XBL_HAVE_HOSTS) == 0) {
					s.cfg.have[gen] |= XBL_HAVE_HOSTS;
					config_write(&s);
				}
				err = rule_update(m.hosts, pmap, &a->cidrs[i], BPF_NOEXIST);
				if (err && err != -EEXIST)
					goto fail;
			}
		return add_to_trie(&s, a, m.pfx);
	}
	/* the program looks in a map (and at a length) before the first rule is there */
	s.cfg.have[gen] |= bits;
	config_write(&s);
	memcpy(s.cfg.nlen[gen], nlen_before, sizeof(nlen_before));
	for (i = 0; i < a->ncidrs; i++) {
		err = rule_update(m.hosts, pmap, &a->cidrs[i], BPF_NOEXIST);
		if (err == -EEXIST)
			continue;
		if (err)
			goto fail;
		if (!is_host(&a->cidrs[i]))
			s.cfg.nlen[gen][a->cidrs[i].plen]++;
	}
	for (l = 0; l < XBL_PLENS; l++)
		if (!s.cfg.nlen[gen][l])
			len_bit(&s.cfg, gen, l, false);
	config_write(&s);
	return EKF_EXIT_OK;
fail:
	ekf_cidr_str(a->cidrs[i].addr, a->cidrs[i].plen, buf, sizeof(buf));
	ekf_err("cannot add %s:", buf);
	full_error(&s, a->iface, err);
	/* the counts of what went in before */
	for (l = 0; l < XBL_PLENS; l++)
		if (!s.cfg.nlen[gen][l])
			len_bit(&s.cfg, gen, l, false);
	config_write(&s);
	return EKF_EXIT_FAIL;
}

static int cmd_del(struct args *a)
{
	struct xbl_rule_val *saved;
	struct rule_maps m;
	struct state s;
	int pmap, err = 0;
	__u32 gen;
	char buf[64];
	size_t i, j;

	state_open(&s, a);
	gen = s.cfg.gen & 1;
	open_rule_maps(&s, &m);
	pmap = prefix_map(&s, &m);
	saved = calloc(a->ncidrs, sizeof(*saved));
	if (!saved)
		return EKF_EXIT_FAIL;
	/* all or nothing: a rule that is not listed puts back those removed */
	for (i = 0; i < a->ncidrs; i++) {
		rule_value(m.hosts, pmap, &a->cidrs[i], &saved[i]);
		err = rule_delete(m.hosts, pmap, &a->cidrs[i]);
		if (err)
			break;
	}
	if (!err) {
		/* a length without rules leaves the program's walk, after its rules */
		for (i = 0; i < a->ncidrs; i++) {
			__u32 l = a->cidrs[i].plen;

			if (is_host(&a->cidrs[i]) || !s.cfg.nlen[gen][l])
				continue;
			if (!--s.cfg.nlen[gen][l])
				len_bit(&s.cfg, gen, l, false);
		}
		config_write(&s);
		return EKF_EXIT_OK;
	}
	for (j = 0; j < i; j++)
		rule_set(m.hosts, pmap, &a->cidrs[j], &saved[j], BPF_ANY);
	ekf_cidr_str(a->cidrs[i].addr, a->cidrs[i].plen, buf, sizeof(buf));
	if (err == -ENOENT)
		ekf_err("%s is not listed on %s: nothing removed", buf, a->iface);
	else
		ekf_err("cannot remove %s: %s (nothing removed)", buf, strerror(-err));
	return EKF_EXIT_FAIL;
}

static int cmd_load(struct args *a)
{
	struct state s;

	state_open(&s, a);
	return swap_rules(&s, a->iface, a->cidrs, NULL, a->ncidrs, false);
}

static int cmd_flush(struct args *a)
{
	struct state s;
	int rc;

	state_open(&s, a);
	rc = swap_rules(&s, a->iface, NULL, NULL, 0, false);
	if (rc == EKF_EXIT_OK && s.cfg.nsigs) {
		s.cfg.nsigs = 0;
		config_write(&s);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* list / stats                                                        */

static unsigned long count_keys(int fd, size_t key_size)
{
	unsigned char key[32], next[32];
	unsigned long n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

static void print_sig(__u32 id, const struct xbl_sig *sg)
{
	bool text = true;
	char port[8] = "any";
	__u32 i, n = sg->len < XBL_SIG_LEN_MAX ? sg->len : XBL_SIG_LEN_MAX;

	for (i = 0; i < n; i++)
		if (sg->data[i] < 0x20 || sg->data[i] > 0x7e || sg->data[i] == '\'')
			text = false;
	if (sg->port)
		snprintf(port, sizeof(port), "%u", sg->port);
	printf("signature %u: proto %s port %s ", id,
	       sg->proto == IPPROTO_UDP ? "udp" : sg->proto == IPPROTO_TCP ? "tcp" : "any", port);
	if (text) {
		printf("string '%.*s'", (int)n, (const char *)sg->data);
	} else {
		printf("hex ");
		for (i = 0; i < n; i++)
			printf("%02x", sg->data[i]);
	}
	printf("  packets %llu bytes %llu\n", (unsigned long long)sg->packets,
	       (unsigned long long)sg->bytes);
}

static int cmd_list(struct args *a)
{
	struct xbl_lpm_key lk, lnext;
	struct xbl_host_key hk, hnext;
	struct xbl_rule_val v;
	struct xbl_sig sg;
	struct rule_maps m;
	struct state s;
	int hosts, nets;
	char buf[64];
	void *prev;
	__u32 i;

	state_open(&s, a);
	open_rule_maps(&s, &m);
	hosts = m.hosts;
	nets = prefix_map(&s, &m);
	printf("%-44s %12s %14s\n", "RULE", "PACKETS", "BYTES");
	for (prev = NULL; !bpf_map_get_next_key(hosts, prev, &hnext); prev = &hk) {
		hk = hnext;
		if (bpf_map_lookup_elem(hosts, &hk, &v))
			continue;
		ekf_cidr_str(hk.addr, 128, buf, sizeof(buf));
		printf("%-44s %12llu %14llu\n", buf, (unsigned long long)v.packets,
		       (unsigned long long)v.bytes);
	}
	for (prev = NULL; !bpf_map_get_next_key(nets, prev, &lnext); prev = &lk) {
		lk = lnext;
		if (bpf_map_lookup_elem(nets, &lk, &v))
			continue;
		ekf_cidr_str(lk.addr, lk.prefixlen, buf, sizeof(buf));
		printf("%-44s %12llu %14llu\n", buf, (unsigned long long)v.packets,
		       (unsigned long long)v.bytes);
	}
	for (i = 0; i < s.cfg.nsigs && i < XBL_SIGS_MAX; i++)
		if (!bpf_map_lookup_elem(s.sigs, &i, &sg))
			print_sig(i, &sg);
	return EKF_EXIT_OK;
}

static int cmd_stats(struct args *a)
{
	struct xbl_counter sum[XBL_STAT_NR] = {}, *pc;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char path[PATH_MAX];
	struct bpf_link_info li = {};
	__u32 len = sizeof(li), i;
	int ncpu, c, link, hosts, nets;
	const char *mode = "not attached";
	struct rule_maps m;
	struct state s;
	unsigned int ifindex = 0;

	state_open(&s, a);
	open_rule_maps(&s, &m);
	hosts = m.hosts;
	nets = prefix_map(&s, &m);
	ncpu = libbpf_num_possible_cpus();
	if (ncpu < 1)
		ncpu = 1;
	pc = calloc((size_t)ncpu, sizeof(*pc));
	if (!pc)
		return EKF_EXIT_FAIL;
	for (i = 0; i < XBL_STAT_NR; i++) {
		if (bpf_map_lookup_elem(s.stats, &i, pc))
			continue;
		for (c = 0; c < ncpu; c++) {
			sum[i].packets += pc[c].packets;
			sum[i].bytes += pc[c].bytes;
		}
	}
	free(pc);

	/* the link says which interface (by index) it is on */
	pin_path(&s, "link", path, sizeof(path));
	link = bpf_obj_get(path);
	if (link >= 0 && !bpf_obj_get_info_by_fd(link, &li, &len))
		ifindex = li.xdp.ifindex;
	if (ifindex && !bpf_xdp_query((int)ifindex, 0, &q))
		mode = q.attach_mode == XDP_ATTACHED_DRV ? "native" :
		       q.attach_mode == XDP_ATTACHED_SKB ? "generic" :
		       q.attach_mode == XDP_ATTACHED_HW ? "offload" :
		       q.attach_mode == XDP_ATTACHED_MULTI ? "multi" : "not attached";
	if (link >= 0)
		close(link);

	printf("interface:   %s (ifindex %u)\n", a->iface, ifindex);
	printf("mode:        %s (asked: %s)\n", mode, mode_name((enum xbl_mode)s.cfg.mode));
	printf("program:     id %u\n", li.prog_id);
	printf("rules:       %lu addresses, %lu prefixes (at most %u of each)\n",
	       count_keys(hosts, sizeof(struct xbl_host_key)),
	       count_keys(nets, sizeof(struct xbl_lpm_key)), s.cfg.max_rules);
	printf("lookup:      prefixes in %s, %u distinct lengths\n",
	       set_is_trie(&s.cfg, s.cfg.gen & 1) ? "an LPM trie" : "a hash by length",
	       nr_lengths(&s.cfg, s.cfg.gen & 1));
	printf("signatures:  %u (%s)\n", s.cfg.nsigs,
	       s.cfg.sig_capable ? "ekf_memmem in use" :
	       "unavailable: the " MODULE_NAME " module was not loaded at attach");
	printf("passed:      %llu packets, %llu bytes\n",
	       (unsigned long long)sum[XBL_STAT_PASS].packets,
	       (unsigned long long)sum[XBL_STAT_PASS].bytes);
	printf("dropped:     %llu packets, %llu bytes\n",
	       (unsigned long long)(sum[XBL_STAT_DROP_RULE].packets + sum[XBL_STAT_DROP_SIG].packets),
	       (unsigned long long)(sum[XBL_STAT_DROP_RULE].bytes + sum[XBL_STAT_DROP_SIG].bytes));
	printf("  by address:   %llu packets, %llu bytes\n",
	       (unsigned long long)sum[XBL_STAT_DROP_RULE].packets,
	       (unsigned long long)sum[XBL_STAT_DROP_RULE].bytes);
	printf("  by signature: %llu packets, %llu bytes\n",
	       (unsigned long long)sum[XBL_STAT_DROP_SIG].packets,
	       (unsigned long long)sum[XBL_STAT_DROP_SIG].bytes);
	return EKF_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Signatures                                                          */

static int cmd_add_sig(struct args *a)
{
	char cause[512], fix[512];
	struct state s;
	__u32 id;

	if (!memmem_available(cause, sizeof(cause), fix, sizeof(fix))) {
		ekf_err("payload signatures need ekf_memmem from the %s module (package %s): %s",
			MODULE_NAME, DKMS_PKG, cause);
		fprintf(stderr, "  fix: %s\n", fix);
		return EKF_EXIT_FAIL;
	}
	state_open(&s, a);
	if (!s.cfg.sig_capable) {
		ekf_err("%s was attached without the %s module (or the kernel refused ekf_memmem from XDP): run 'ebpf-xdp-blocklist detach %s' and attach again now that it is loaded",
			a->iface, MODULE_NAME, a->iface);
		return EKF_EXIT_FAIL;
	}
	if (s.cfg.nsigs >= XBL_SIGS_MAX) {
		ekf_err("%s has %u signatures already, the most it takes", a->iface, XBL_SIGS_MAX);
		return EKF_EXIT_FAIL;
	}
	id = s.cfg.nsigs;
	/* the slot first, then the count that makes the program read it */
	if (bpf_map_update_elem(s.sigs, &id, &a->sig, BPF_ANY)) {
		ekf_err("cannot write the signature: %s", strerror(errno));
		return EKF_EXIT_FAIL;
	}
	s.cfg.nsigs++;
	config_write(&s);
	printf("signature %u added\n", id);
	return EKF_EXIT_OK;
}

static int cmd_del_sig(struct args *a)
{
	struct xbl_sig sg;
	struct state s;
	__u32 i, next;

	state_open(&s, a);
	if (a->sig_id >= s.cfg.nsigs) {
		ekf_err("%s has no signature %u (it has %u)", a->iface, a->sig_id, s.cfg.nsigs);
		return EKF_EXIT_FAIL;
	}
	for (i = a->sig_id; i + 1 < s.cfg.nsigs; i++) {
		next = i + 1;
		if (bpf_map_lookup_elem(s.sigs, &next, &sg) ||
		    bpf_map_update_elem(s.sigs, &i, &sg, BPF_ANY)) {
			ekf_err("cannot move signature %u: %s", next, strerror(errno));
			return EKF_EXIT_FAIL;
		}
	}
	s.cfg.nsigs--;
	config_write(&s);
	return EKF_EXIT_OK;
}

/* ------------------------------------------------------------------ */

static const struct command {
	struct ekf_subcmd sub;
	int (*run)(struct args *a);
} commands[] = {
	{ { "attach", usage_attach }, cmd_attach },
	{ { "detach", usage_detach }, cmd_detach },
	{ { "add", usage_add }, cmd_add },
	{ { "del", usage_del }, cmd_del },
	{ { "load", usage_load }, cmd_load },
	{ { "flush", usage_flush }, cmd_flush },
	{ { "list", usage_list }, cmd_list },
	{ { "stats", usage_stats }, cmd_stats },
	{ { "add-signature", usage_add_sig }, cmd_add_sig },
	{ { "del-signature", usage_del_sig }, cmd_del_sig },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int main(int argc, char **argv)
{
	struct args a = {};
	int lock, rc;
	size_t i;

	ekf_prog_name = "ebpf-xdp-blocklist";
	i = ekf_subcmd_parse(&argc, &argv, usage_main, &commands[0].sub, NCOMMANDS,
			     sizeof(commands[0]), &opt_verbose);
	a.cmd = argv[0];
	parse_args(&a, argc, argv, commands[i].sub.usage);

	/* Arguments are valid: only now touch anything. */
	ekf_log_setup(opt_verbose);
	lock = ekf_subcmd_lock(TOOL, a.cmd, LOCK_WAIT_MS);
	if (lock < 0)
		return EKF_EXIT_FAIL;
	rc = commands[i].run(&a);
	ekf_unlock(lock);
	return rc;
}
