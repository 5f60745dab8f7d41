// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-tc-redirect: redirect TCP/UDP packets by destination port (IPv4 and
 * IPv6) from one interface to another with a TC BPF program, attached as a
 * tcx link where the kernel has tcx (6.6+) and as a clsact filter before.
 * Rules stay pinned under /sys/fs/bpf/ebpf-tools/tc-redirect/IFACE/ after
 * the command exits: no daemon. Each command takes the tool's lock.
 *
 * Exit status: 0 success, 1 runtime failure (cause on stderr), 2 bad usage
 * (the bad value named on stderr; nothing changed).
 */
#include <errno.h>
#include <limits.h>
#include <linux/pkt_sched.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/ekf_cli.h"
#include "lib/ekf_log.h"
#include "lib/ekf_net.h"
#include "lib/ekf_pin.h"
#include "lib/ekf_subcmd.h"
#include "ebpf-tc-redirect.h"
#include "ebpf_tc_redirect.skel.h"

/*
 * tcx attach types (kernel 6.6, commit e420bed02507 "bpf: Add fd-based
 * tcx multi-prog infra with link support"): not in the 6.1 UAPI headers we
 * build with, and libbpf 1.1 has no bpf_program__attach_tcx().
 */
#define TCR_BPF_TCX_INGRESS	46
#define TCR_BPF_TCX_EGRESS	47

#ifndef TC_H_CLSACT
#define TC_H_CLSACT TC_H_INGRESS
#endif
#ifndef TC_H_MIN_INGRESS
#define TC_H_MIN_INGRESS 0xFFF2U
#define TC_H_MIN_EGRESS 0xFFF3U
#endif

#define TOOL		"tc-redirect"
#define LOCK_WAIT_MS	10000

static bool opt_verbose;

/* ------------------------------------------------------------------ */
/* Usage                                                               */

static const char usage_main[] =
"Usage: ebpf-tc-redirect [-v] COMMAND IFACE [OPTIONS]\n"
"\n"
"Redirects TCP/UDP packets that arrive on (or leave) IFACE to another\n"
"interface, by destination port, IPv4 and IPv6. Rules stay in place after\n"
"the command exits.\n"
"\n"
"Commands:\n"
"  attach IFACE [--ingress|--egress] [--mode auto|tcx|clsact]\n"
"  detach IFACE                 remove the program and every rule\n"
"  add IFACE --port N[-M] [--proto tcp|udp] --to IFACE2 [--to-ingress]\n"
"  del IFACE --port N[-M] [--proto tcp|udp]\n"
"  load IFACE FILE              replace all rules at once (one rule a line)\n"
"  flush IFACE                  remove all rules\n"
"  list IFACE                   rules with their hits\n"
"  stats IFACE                  redirected/passed packets and bytes, mode\n"
"  help [COMMAND]\n"
"\n"
"Options:\n"
"  -v, --verbose  libbpf debug output on stderr\n"
"  -h, --help     this help; 'ebpf-tc-redirect COMMAND --help' for a command\n"
"  -V, --version  the version\n"
"\n"
"Exit status: 0 success, 1 failure (cause on stderr), 2 bad usage.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect attach eth0\n"
"  ebpf-tc-redirect add eth0 --port 53 --proto udp --to dns0\n"
"  ebpf-tc-redirect add eth0 --port 8000-8099 --to veth-app\n"
"  ebpf-tc-redirect list eth0\n"
"  ebpf-tc-redirect detach eth0\n";

static const char usage_attach[] =
"Usage: ebpf-tc-redirect attach IFACE [--ingress|--egress] [--mode auto|tcx|clsact]\n"
"\n"
"Loads the program on IFACE's ingress (default) or egress, with no rules,\n"
"and pins it under /sys/fs/bpf/ebpf-tools/tc-redirect/IFACE/. Other tc\n"
"programs and filters on IFACE keep working: a packet no rule matches goes\n"
"on to them.\n"
"\n"
"Options:\n"
"  -i, --ingress     packets IFACE receives (default)\n"
"  -e, --egress      packets IFACE sends\n"
"  -m, --mode MODE   auto (default: tcx if the kernel has it, 6.6+, else\n"
"                    clsact), tcx (a pinned BPF link), clsact (a cls_bpf\n"
"                    filter on the clsact qdisc, created if missing and\n"
"                    then removed by detach if nothing else uses it)\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect attach eth0\n"
"  ebpf-tc-redirect attach eth0 --egress --mode clsact\n";

static const char usage_detach[] =
"Usage: ebpf-tc-redirect detach IFACE\n"
"\n"
"Removes the program and every pinned object of IFACE. A clsact qdisc is\n"
"deleted only if attach created it and no other filter is left on it.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect detach eth0\n";

static const char usage_add[] =
"Usage: ebpf-tc-redirect add IFACE --port N[-M] [--proto tcp|udp] --to IFACE2 [--to-ingress]\n"
"\n"
"Redirects packets to destination port N (or N..M), TCP and UDP unless\n"
"--proto says one, to IFACE2: out of it (default), or into its receive\n"
"path with --to-ingress. Rules are tried in the order they were added; the\n"
"first that matches wins. At most 64 rules.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect add eth0 --port 53 --proto udp --to dns0\n"
"  ebpf-tc-redirect add eth0 --port 8000-8099 --to veth-app --to-ingress\n";

static const char usage_del[] =
"Usage: ebpf-tc-redirect del IFACE --port N[-M] [--proto tcp|udp]\n"
"\n"
"Removes the rule with exactly this port range and protocol.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect del eth0 --port 53 --proto udp\n";

static const char usage_load[] =
"Usage: ebpf-tc-redirect load IFACE FILE\n"
"\n"
"Replaces all rules with those of FILE at once. One rule a line, written as\n"
"the options of 'add' ('#' starts a comment):\n"
"  --port 53 --proto udp --to dns0\n"
"  --port 8000-8099 --to veth-app --to-ingress\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect load eth0 /etc/ebpf-tools/tc-redirect/eth0.conf\n";

static const char usage_flush[] =
"Usage: ebpf-tc-redirect flush IFACE\n"
"\n"
"Removes all rules; stays attached.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect flush eth0\n";

static const char usage_list[] =
"Usage: ebpf-tc-redirect list IFACE\n"
"\n"
"Prints the rules in order, with the packets and bytes each redirected.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect list eth0\n";

static const char usage_stats[] =
"Usage: ebpf-tc-redirect stats IFACE\n"
"\n"
"Prints how the program is attached (tcx or clsact, ingress or egress) and\n"
"the packets and bytes redirected and passed on.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-tc-redirect stats eth0\n";

/* ------------------------------------------------------------------ */
/* Arguments                                                           */

struct rule_arg {
	struct tcr_rule r;
	char to[IFNAMSIZ];
};

struct args {
	const char *cmd;
	const char *iface;
	unsigned int ifindex;
	bool egress;
	enum tcr_mode mode;
	struct rule_arg rules[TCR_RULES_MAX];
	unsigned int nrules;
	const char *file;
};

/*
 * A rule from words (the options of add/del): --port, --proto, --to,
 * --to-ingress, as "--opt VALUE" or "--opt=VALUE". where: "" or
 * "FILE:LINE: " for messages. need_to: add (else del: no --to).
 */
static void parse_rule(const char *cmd, const char *where, char **w, int n, bool need_to,
		       struct rule_arg *ra)
{
	bool have_port = false;
	int i;

	memset(ra, 0, sizeof(*ra));
	for (i = 0; i < n; i++) {
		char *opt = w[i], *val = NULL, *eq = NULL;
		char name[32];

		if (!strncmp(opt, "--", 2) && (eq = strchr(opt, '='))) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - opt), opt);
			val = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", opt);
		}
		if (!strcmp(name, "--to-ingress") && !val) {
			if (!need_to)
				ekf_usage_error(cmd, "%s'--to-ingress' applies only to add", where);
			ra->r.flags |= TCR_F_INGRESS;
			continue;
		}
		if (strcmp(name, "--port") && strcmp(name, "--proto") && strcmp(name, "--to"))
			ekf_usage_error(cmd, "%sunexpected argument '%s'", where, opt);
		if (!val) {
			if (i + 1 >= n)
				ekf_usage_error(cmd, "%soption '%s' needs a value", where, name);
			val = w[++i];
		}
		if (!strcmp(name, "--port")) {
			if (!ekf_parse_port_range(val, &ra->r.port_lo, &ra->r.port_hi))
				ekf_usage_error(cmd, "%sinvalid --port '%s': give N or N-M, 1..65535, N <= M",
						where, val);
			have_port = true;
		} else if (!strcmp(name, "--proto")) {
			if (!strcmp(val, "tcp"))
				ra->r.proto = IPPROTO_TCP;
			else if (!strcmp(val, "udp"))
				ra->r.proto = IPPROTO_UDP;
			else
				ekf_usage_error(cmd, "%sinvalid --proto '%s': give tcp or udp", where, val);
		} else {
			if (!need_to)
				ekf_usage_error(cmd, "%s'--to' applies only to add", where);
			if (!ekf_ifname_valid(val))
				ekf_usage_error(cmd, "%sinvalid interface name '%s'", where, val);
			ra->r.ifindex = ekf_ifindex(val);
			if (!ra->r.ifindex)
				ekf_usage_error(cmd, "%sunknown interface '%s' (not in this network namespace)",
						where, val);
			snprintf(ra->to, sizeof(ra->to), "%s", val);
		}
	}
	if (!have_port)
		ekf_usage_error(cmd, "%smissing --port N[-M]", where);
	if (need_to && !ra->r.ifindex)
		ekf_usage_error(cmd, "%smissing --to IFACE2", where);
}

static int file_line(char *line, unsigned int lineno, void *arg)
{
	struct args *a = arg;
	char *words[16], where[PATH_MAX + 32], *save = NULL, *tok;
	int n = 0;

	snprintf(where, sizeof(where), "%s:%u: ", a->file, lineno);
	for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == 16)
			ekf_usage_error("load", "%stoo many words", where);
		words[n++] = tok;
	}
	if (a->nrules == TCR_RULES_MAX)
		ekf_usage_error("load", "%smore than %u rules", where, TCR_RULES_MAX);
	parse_rule("load", where, words, n, true, &a->rules[a->nrules++]);
	return 0;
}

static void parse_args(struct args *a, int argc, char **argv, const char *usage)
{
	bool is_attach = !strcmp(a->cmd, "attach"), dir_set = false;
	int i, j, err;
	char *rest[64];
	int nrest = 0;

	a->mode = TCR_MODE_AUTO;
	/* attach options, -v/-h anywhere; the rule words are parsed below */
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "-v") || !strcmp(w, "--verbose")) {
			opt_verbose = true;
		} else if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
			ekf_help(usage);
		} else if (is_attach && (!strcmp(w, "-i") || !strcmp(w, "--ingress") ||
					 !strcmp(w, "-e") || !strcmp(w, "--egress"))) {
			bool eg = w[1] == 'e' || !strcmp(w, "--egress");

			if (dir_set && eg != a->egress)
				ekf_usage_error(a->cmd, "give one of --ingress and --egress");
			a->egress = eg;
			dir_set = true;
		} else if (is_attach && (!strcmp(w, "-m") || !strcmp(w, "--mode") ||
					 !strncmp(w, "--mode=", 7))) {
			const char *v = w[2] == 'm' && w[6] == '=' ? w + 7 : NULL;

			if (!v) {
				if (i + 1 >= argc)
					ekf_usage_error(a->cmd, "option '%s' needs a value", w);
				v = argv[++i];
			}
			if (!strcmp(v, "auto"))
				a->mode = TCR_MODE_AUTO;
			else if (!strcmp(v, "tcx"))
				a->mode = TCR_MODE_TCX;
			else if (!strcmp(v, "clsact") || !strcmp(v, "tc"))
				a->mode = TCR_MODE_CLSACT;
			else
				ekf_usage_error(a->cmd, "invalid --mode '%s': give auto, tcx or clsact", v);
		} else if (nrest < 64) {
			rest[nrest++] = argv[i];
		} else {
			ekf_usage_error(a->cmd, "too many arguments");
		}
	}
	if (nrest < 1 || rest[0][0] == '-')
		ekf_usage_error(a->cmd, nrest ? "unknown option '%s' (IFACE comes first)" :
				"missing IFACE", nrest ? rest[0] : "");
	a->iface = rest[0];
	if (!ekf_ifname_valid(a->iface))
		ekf_usage_error(a->cmd, "invalid interface name '%s'", a->iface);
	a->ifindex = ekf_ifindex(a->iface);
	if (is_attach && !a->ifindex)
		ekf_usage_error(a->cmd, "unknown interface '%s' (not in this network namespace)",
				a->iface);

	if (!strcmp(a->cmd, "add") || !strcmp(a->cmd, "del")) {
		parse_rule(a->cmd, "", rest + 1, nrest - 1, !strcmp(a->cmd, "add"), &a->rules[0]);
		a->nrules = 1;
		return;
	}
	if (!strcmp(a->cmd, "load")) {
		if (nrest < 2)
			ekf_usage_error(a->cmd, "missing FILE");
		if (nrest > 2)
			ekf_usage_error(a->cmd, "unexpected argument '%s'", rest[2]);
		a->file = rest[1];
		err = ekf_for_each_line(a->file, file_line, a);
		if (err)
			ekf_usage_error(a->cmd, "cannot read '%s': %s", a->file, strerror(-err));
		for (i = 0; i < (int)a->nrules; i++)
			for (j = 0; j < i; j++)
				if (a->rules[i].r.proto == a->rules[j].r.proto &&
				    a->rules[i].r.port_lo == a->rules[j].r.port_lo &&
				    a->rules[i].r.port_hi == a->rules[j].r.port_hi)
					ekf_usage_error(a->cmd, "%s: rule %d repeats the ports and protocol of rule %d",
							a->file, i + 1, j + 1);
		return;
	}
	if (nrest > 1)
		ekf_usage_error(a->cmd, "%s '%s'", rest[1][0] == '-' ? "unknown option" :
				"unexpected argument", rest[1]);
}

/* ------------------------------------------------------------------ */
/* Pinned state                                                        */

struct state {
	char dir[128];		/* EKF_PIN_ROOT/tc-redirect/IFACE */
	int config, rules, stats;
	struct tcr_config cfg;
};

static const char *const map_names[] = { "config", "rules", "stats" };

static void pin_path(const struct state *s, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", s->dir, name);
}

static void state_open(struct state *s, const struct args *a)
{
	int *fds[] = { &s->config, &s->rules, &s->stats };
	char path[PATH_MAX];
	__u32 zero = 0;
	int i;

	ekf_iface_dir(TOOL, a->iface, s->dir, sizeof(s->dir));
	if (access(s->dir, F_OK)) {
		ekf_err("ebpf-tc-redirect is not attached to %s (no %s): run 'ebpf-tc-redirect attach %s' first",
			a->iface, s->dir, a->iface);
		exit(EKF_EXIT_FAIL);
	}
	for (i = 0; i < 3; i++) {
		pin_path(s, map_names[i], path, sizeof(path));
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0) {
			ekf_err("cannot open pinned map %s: %s (remove the stale state with 'ebpf-tc-redirect detach %s')",
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

/* The active rules (with their hits). */
static unsigned int rules_read(const struct state *s, struct tcr_rule *out)
{
	__u32 gen = s->cfg.gen & 1, n = s->cfg.nrules[gen], i, k;

	if (n > TCR_RULES_MAX)
		n = TCR_RULES_MAX;
	for (i = 0; i < n; i++) {
		k = gen * TCR_RULES_MAX + i;
		if (bpf_map_lookup_elem(s->rules, &k, &out[i])) {
			ekf_err("cannot read rule %u: %s", i, strerror(errno));
			exit(EKF_EXIT_FAIL);
		}
	}
	return n;
}

/* Writes rules into the spare half and makes it the active one. */
static int rules_write(struct state *s, const struct tcr_rule *r, unsigned int n)
{
	__u32 spare = (s->cfg.gen & 1) ^ 1, i, k;

	for (i = 0; i < n; i++) {
		k = spare * TCR_RULES_MAX + i;
		if (bpf_map_update_elem(s->rules, &k, &r[i], BPF_ANY)) {
			ekf_err("cannot write rule %u: %s (nothing changed)", i, strerror(errno));
			return EKF_EXIT_FAIL;
		}
	}
	s->cfg.nrules[spare] = n;
	config_write(s);	/* the spare half's count, still unused */
	s->cfg.gen = spare;
	config_write(s);	/* the switch */
	ekf_wait_bpf_readers();	/* the old half may be rewritten by the next command */
	return EKF_EXIT_OK;
}

static bool same_match(const struct tcr_rule *a, const struct tcr_rule *b)
{
	return a->proto == b->proto && a->port_lo == b->port_lo && a->port_hi == b->port_hi;
}

static void rule_str(const struct tcr_rule *r, char *buf, size_t size)
{
	const char *p = r->proto == IPPROTO_TCP ? "tcp" : r->proto == IPPROTO_UDP ? "udp" : "tcp+udp";

	if (r->port_lo == r->port_hi)
		snprintf(buf, size, "%s port %u", p, r->port_lo);
	else
		snprintf(buf, size, "%s ports %u-%u", p, r->port_lo, r->port_hi);
}

/* ------------------------------------------------------------------ */
/* attach / detach                                                     */

static __u32 clsact_parent(bool egress)
{
	return TC_H_MAKE(TC_H_CLSACT, egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS);
}

static int attach_tcx(int prog_fd, const struct args *a)
{
	int fd = bpf_link_create(prog_fd, (int)a->ifindex,
				 a->egress ? TCR_BPF_TCX_EGRESS : TCR_BPF_TCX_INGRESS, NULL);

	return fd < 0 ? -errno : fd;
}

static int attach_clsact(int prog_fd, const struct args *a, struct tcr_config *cfg)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)a->ifindex,
			    .attach_point = a->egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	cfg->created_qdisc = !err;	/* -EEXIST: someone else's clsact */
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		if (cfg->created_qdisc) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
		return err;
	}
	cfg->handle = opts.handle;
	cfg->priority = opts.priority;
	return 0;
}

/* Removes our clsact filter, and the qdisc if we made it and it is now empty. */
static int detach_clsact(const struct tcr_config *cfg, const char *iface)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)cfg->ifindex,
			    .attach_point = cfg->egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = cfg->handle, .priority = cfg->priority);
	int err, in, out;

	err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT && err != -ENODEV && err != -EINVAL) {
		ekf_err("cannot remove our tc filter (handle %u, priority %u) from %s: %s",
			cfg->handle, cfg->priority, iface, strerror(-err));
		return err;
	}
	if (!cfg->created_qdisc)
		return 0;
	in = ekf_tc_filter_count(cfg->ifindex, clsact_parent(false));
	out = ekf_tc_filter_count(cfg->ifindex, clsact_parent(true));
	if (in == 0 && out == 0) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	} else if (opt_verbose) {
		fprintf(stderr, "ebpf-tc-redirect: clsact qdisc on %s kept: other filters use it\n",
			iface);
	}
	return 0;
}

static int cmd_attach(struct args *a)
{
	struct ebpf_tc_redirect *skel;
	char dir[128], path[PATH_MAX];
	struct tcr_config cfg = {};
	int err, link = -1, pfd;
	__u32 zero = 0;

	ekf_iface_dir(TOOL, a->iface, dir, sizeof(dir));
	if (!access(dir, F_OK)) {
		ekf_err("ebpf-tc-redirect is already attached to %s (state in %s): detach it first",
			a->iface, dir);
		return EKF_EXIT_FAIL;
	}
	skel = ebpf_tc_redirect__open();
	if (!skel) {
		ekf_err("cannot open the BPF object: %s", strerror(errno));
		return EKF_EXIT_FAIL;
	}
	ekf_log_clear();
	err = ebpf_tc_redirect__load(skel);
	if (err) {
		ekf_err("cannot load the TC program: %s%s%s", strerror(-err),
			ekf_log_last_warning() ? ": " : " (run with -v for details)",
			ekf_log_last_warning() ? ekf_log_last_warning() : "");
		goto fail;
	}
	pfd = bpf_program__fd(skel->progs.tc_redirect);
	cfg.egress = a->egress;
	cfg.ifindex = a->ifindex;

	err = ekf_mkdir_p(dir, 0700);
	if (err) {
		ekf_err("cannot create %s: %s", dir, strerror(-err));
		goto fail;
	}
	{
		struct bpf_map *maps[] = { skel->maps.config, skel->maps.rules, skel->maps.stats };
		struct state s;

		snprintf(s.dir, sizeof(s.dir), "%s", dir);
		for (int i = 0; i < 3; i++) {
			pin_path(&s, map_names[i], path, sizeof(path));
			err = bpf_map__pin(maps[i], path);
			if (err) {
				ekf_err("cannot pin %s: %s", path, strerror(-err));
				goto fail_pins;
			}
		}
	}
	snprintf(path, sizeof(path), "%s/prog", dir);
	err = bpf_program__pin(skel->progs.tc_redirect, path);
	if (err) {
		ekf_err("cannot pin %s: %s", path, strerror(-err));
		goto fail_pins;
	}

	if (a->mode != TCR_MODE_CLSACT) {
		link = attach_tcx(pfd, a);
		if (link >= 0) {
			cfg.mode = TCR_MODE_TCX;
		} else if (a->mode == TCR_MODE_TCX) {
			err = link;
			ekf_err("cannot attach a tcx link to %s: %s%s", a->iface, strerror(-err),
				err == -EINVAL ? " (tcx needs kernel 6.6 or later: use --mode clsact)" : "");
			goto fail_pins;
		} else if (opt_verbose) {
			fprintf(stderr, "ebpf-tc-redirect: no tcx (%s), using clsact\n", strerror(-link));
		}
	}
	if (link >= 0) {
		snprintf(path, sizeof(path), "%s/link", dir);
		if (bpf_obj_pin(link, path)) {
			err = -errno;
			ekf_err("cannot pin %s: %s", path, strerror(errno));
			goto fail_pins;
		}
	} else {
		err = attach_clsact(pfd, a, &cfg);
		if (err) {
			ekf_err("cannot attach a clsact filter to %s %s: %s%s", a->iface,
				a->egress ? "egress" : "ingress", strerror(-err),
				err == -EOPNOTSUPP || err == -ENOENT ?
				" (the kernel needs sch_ingress/clsact and cls_bpf)" : "");
			goto fail_pins;
		}
		cfg.mode = TCR_MODE_CLSACT;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &cfg, BPF_ANY)) {
		err = -errno;
		ekf_err("cannot write the configuration: %s", strerror(errno));
		if (cfg.mode == TCR_MODE_CLSACT)
			detach_clsact(&cfg, a->iface);
		goto fail_pins;
	}
	if (link >= 0)
		close(link);
	ebpf_tc_redirect__destroy(skel);
	return EKF_EXIT_OK;

fail_pins:
	ekf_remove_tree(dir);
fail:
	if (link >= 0)
		close(link);
	ebpf_tc_redirect__destroy(skel);
	return EKF_EXIT_FAIL;
}

static int cmd_detach(struct args *a)
{
	struct state s;
	int err;

	state_open(&s, a);
	if (s.cfg.mode == TCR_MODE_CLSACT && detach_clsact(&s.cfg, a->iface))
		return EKF_EXIT_FAIL;
	close(s.config);
	close(s.rules);
	close(s.stats);
	/* tcx: unpinning the link drops its last reference: the kernel detaches */
	err = ekf_remove_tree(s.dir);
	if (err) {
		ekf_err("cannot remove %s: %s", s.dir, strerror(-err));
		return EKF_EXIT_FAIL;
	}
	return EKF_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */

static int cmd_add(struct args *a)
{
	struct tcr_rule r[TCR_RULES_MAX + 1];
	const struct tcr_rule *nr = &a->rules[0].r;
	struct state s;
	unsigned int n, i;
	char buf[64];

	state_open(&s, a);
	n = rules_read(&s, r);
	for (i = 0; i < n; i++) {
		if (!same_match(&r[i], nr))
			continue;
		if (r[i].ifindex == nr->ifindex && r[i].flags == nr->flags)
			return EKF_EXIT_OK;	/* already there: nothing to do */
		rule_str(nr, buf, sizeof(buf));
		ekf_err("%s already has a rule for %s, to another target: del it first", a->iface, buf);
		return EKF_EXIT_FAIL;
	}
	if (n >= TCR_RULES_MAX) {
		ekf_err("%s has %u rules already, the most it takes", a->iface, TCR_RULES_MAX);
		return EKF_EXIT_FAIL;
	}
	r[n++] = *nr;
	return rules_write(&s, r, n);
}

static int cmd_del(struct args *a)
{
	struct tcr_rule r[TCR_RULES_MAX];
	struct state s;
	unsigned int n, i;
	char buf[64];

	state_open(&s, a);
	n = rules_read(&s, r);
	for (i = 0; i < n && !same_match(&r[i], &a->rules[0].r); i++)
		;
	if (i == n) {
		rule_str(&a->rules[0].r, buf, sizeof(buf));
		ekf_err("%s has no rule for %s (see 'ebpf-tc-redirect list %s')", a->iface, buf,
			a->iface);
		return EKF_EXIT_FAIL;
	}
	memmove(&r[i], &r[i + 1], (n - i - 1) * sizeof(r[0]));
	return rules_write(&s, r, n - 1);
}

static int cmd_load(struct args *a)
{
	struct tcr_rule r[TCR_RULES_MAX];
	struct state s;
	unsigned int i;

	state_open(&s, a);
	for (i = 0; i < a->nrules; i++)
		r[i] = a->rules[i].r;
	return rules_write(&s, r, a->nrules);
}

static int cmd_flush(struct args *a)
{
	struct state s;

	state_open(&s, a);
	return rules_write(&s, NULL, 0);
}

static int cmd_list(struct args *a)
{
	struct tcr_rule r[TCR_RULES_MAX];
	struct state s;
	char buf[64], name[IF_NAMESIZE];
	unsigned int n, i;

	state_open(&s, a);
	n = rules_read(&s, r);
	printf("%-24s %-24s %12s %14s\n", "MATCH", "TO", "PACKETS", "BYTES");
	for (i = 0; i < n; i++) {
		char to[IF_NAMESIZE + 16];

		rule_str(&r[i], buf, sizeof(buf));
		if (!if_indextoname(r[i].ifindex, name))
			snprintf(name, sizeof(name), "ifindex:%u", r[i].ifindex);
		snprintf(to, sizeof(to), "%s%s", name, r[i].flags & TCR_F_INGRESS ? " (ingress)" : "");
		printf("%-24s %-24s %12llu %14llu\n", buf, to, (unsigned long long)r[i].packets,
		       (unsigned long long)r[i].bytes);
	}
	return EKF_EXIT_OK;
}

static int cmd_stats(struct args *a)
{
	struct tcr_counter sum[TCR_STAT_NR] = {}, *pc;
	struct state s;
	int ncpu, c;
	__u32 i;

	state_open(&s, a);
	ncpu = libbpf_num_possible_cpus();
	if (ncpu < 1)
		ncpu = 1;
	pc = calloc((size_t)ncpu, sizeof(*pc));
	if (!pc)
		return EKF_EXIT_FAIL;
	for (i = 0; i < TCR_STAT_NR; i++) {
		if (bpf_map_lookup_elem(s.stats, &i, pc))
			continue;
		for (c = 0; c < ncpu; c++) {
			sum[i].packets += pc[c].packets;
			sum[i].bytes += pc[c].bytes;
		}
	}
	free(pc);
	printf("interface:   %s (ifindex %u), %s\n", a->iface, s.cfg.ifindex,
	       s.cfg.egress ? "egress" : "ingress");
	if (s.cfg.mode == TCR_MODE_TCX)
		printf("mode:        tcx (a BPF link)\n");
	else
		printf("mode:        clsact (cls_bpf filter handle %u priority %u; qdisc %s)\n",
		       s.cfg.handle, s.cfg.priority,
		       s.cfg.created_qdisc ? "created by attach" : "already there");
	printf("rules:       %u\n", s.cfg.nrules[s.cfg.gen & 1]);
	printf("redirected:  %llu packets, %llu bytes\n",
	       (unsigned long long)sum[TCR_STAT_REDIRECT].packets,
	       (unsigned long long)sum[TCR_STAT_REDIRECT].bytes);
	printf("passed:      %llu packets, %llu bytes\n",
	       (unsigned long long)sum[TCR_STAT_PASS].packets,
	       (unsigned long long)sum[TCR_STAT_PASS].bytes);
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
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int main(int argc, char **argv)
{
	struct args a = {};
	int lock, rc;
	size_t i;

	ekf_prog_name = "ebpf-tc-redirect";
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
