// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-sockmap: local TCP bypass for a cgroup. A sock_ops program puts the
 * cgroup's established loopback TCP sockets into a SOCKHASH and an sk_msg
 * program hands each message straight to the peer socket, skipping the
 * TCP/IP stack, without losing, duplicating or reordering a byte
 * (bpf/ebpf_sockmap.bpf.c says how).
 *
 *   ebpf-sockmap attach CGROUP [--ports LIST]
 *   ebpf-sockmap detach CGROUP
 *   ebpf-sockmap status | stats [CGROUP]
 *   ebpf-sockmap run [--ports LIST] -- CMD [ARGS]
 *
 * State: /sys/fs/bpf/ebpf-tools/sockmap/cgroup-ID/ (ID: the cgroup's id)
 * holds the programs, the maps and the cgroup link. Commands that change
 * it take the lock on /sys/fs/bpf/ebpf-tools/sockmap.
 *
 * Exit status: 0 success, 1 runtime failure (cause on stderr), 2 bad usage;
 * `run` exits with the command's status (128+N if killed by signal N).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/ekf_cgroup.h"
#include "lib/ekf_cli.h"
#include "lib/ekf_json.h"
#include "lib/ekf_log.h"
#include "lib/ekf_subcmd.h"
#include "lib/ekf_pin.h"
#include "../bpf/ebpf_sockmap.h"
#include "ebpf_sockmap.skel.h"

#ifndef EKF_VERSION
#define EKF_VERSION "unknown"
#endif

#define TOOL		"sockmap"
#define PIN_DIR		EKF_PIN_ROOT "/" TOOL
#define LOCK_WAIT_MS	5000

/* -j/--json and -v/--verbose, given before or after the command */
static struct ekf_common_opts opts;

/* ------------------------------------------------------------------ */
/* Usage                                                               */

static const char usage_main[] =
"Usage: ebpf-sockmap [-v] [--json] COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Local TCP bypass: messages between two loopback TCP sockets of a cgroup\n"
"go straight from one socket to the other (sock_ops + sk_msg + SOCKHASH),\n"
"skipping the TCP/IP stack. Nothing is lost, duplicated or reordered.\n"
"\n"
"Commands:\n"
"  attach CGROUP    accelerate the loopback TCP sockets of a cgroup v2\n"
"  detach CGROUP    stop; open connections go on through the normal stack\n"
"  status           the attached cgroups\n"
"  stats [CGROUP]   sockets, messages and bytes redirected, fallbacks\n"
"  run -- CMD ...   run a command in a new cgroup with the bypass attached\n"
"  help [CMD]       this help, or a command's\n"
"\n"
"Options (also accepted after COMMAND):\n"
"  -j, --json     one JSON object on stdout (status, stats)\n"
"  -v, --verbose  libbpf and verifier debug output on stderr\n"
"  -h, --help     this help; 'ebpf-sockmap COMMAND --help' for a command\n"
"  -V, --version  the version\n"
"\n"
"Exit status: 0 success, 1 failure (cause on stderr), 2 bad usage; run:\n"
"the command's status.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-sockmap run -- redis-benchmark -h 127.0.0.1 -q\n"
"  ebpf-sockmap attach /sys/fs/cgroup/system.slice/app.service --ports 6379\n"
"  ebpf-sockmap stats\n"
"  ebpf-sockmap detach /sys/fs/cgroup/system.slice/app.service\n";

static const char usage_attach[] =
"Usage: ebpf-sockmap attach CGROUP [--ports LIST]\n"
"\n"
"Attaches the bypass to CGROUP, a cgroup v2 directory: TCP sockets of its\n"
"processes (and of its descendants) that connect over loopback (127.0.0.0/8\n"
"or ::1, both ends) are added to the map when they become established, and\n"
"their messages go directly to the peer socket when the peer is in the map\n"
"too. Other traffic is untouched. The state is pinned under\n"
PIN_DIR "/ and stays after the command exits.\n"
"\n"
"Options:\n"
"  -p, --ports LIST  only connections with one of these ports at either\n"
"                    end: numbers and ranges, \"6379,8000-8080\"\n"
"  -v, --verbose     libbpf and verifier output on stderr\n"
"  -h, --help        this help\n"
"\n"
"EXAMPLES:\n"
"  ebpf-sockmap attach /sys/fs/cgroup/system.slice/app.service\n"
"  ebpf-sockmap attach /sys/fs/cgroup/app --ports 5432,6379\n";

static const char usage_detach[] =
"Usage: ebpf-sockmap detach CGROUP\n"
"\n"
"Detaches the bypass from CGROUP and removes its pinned state. New\n"
"connections take the normal stack; open ones finish the bytes already\n"
"handed to the peer, then continue through the normal stack, in order.\n"
"\n"
"Options:\n"
"  -v, --verbose  libbpf output on stderr\n"
"  -h, --help     this help\n"
"\n"
"EXAMPLES:\n"
"  ebpf-sockmap detach /sys/fs/cgroup/system.slice/app.service\n";

static const char usage_status[] =
"Usage: ebpf-sockmap status [--json]\n"
"\n"
"Lists the cgroups the bypass is attached to, with the port filter and\n"
"the number of sockets in the map.\n"
"\n"
"Options:\n"
"  -j, --json     one JSON object on stdout\n"
"  -h, --help     this help\n"
"\n"
"EXAMPLES:\n"
"  ebpf-sockmap status\n"
"  ebpf-sockmap status --json\n";

static const char usage_stats[] =
"Usage: ebpf-sockmap stats [CGROUP] [--json]\n"
"\n"
"Counters of one attachment (all without CGROUP): sockets added and\n"
"closed, messages and bytes redirected to the peer, messages and bytes\n"
"that took the normal stack, and why connections fell back to it (peer\n"
"not in the map, half-close or close, detach).\n"
"\n"
"Options:\n"
"  -j, --json     one JSON object on stdout\n"
"  -h, --help     this help\n"
"\n"
"EXAMPLES:\n"
"  ebpf-sockmap stats\n"
"  ebpf-sockmap stats /sys/fs/cgroup/app --json\n";

static const char usage_run[] =
"Usage: ebpf-sockmap run [--ports LIST] [--stats] -- CMD [ARGS]\n"
"\n"
"Creates a cgroup below the caller's own cgroup (ebpf-sockmap-PID), so the\n"
"command stays inside the caller's systemd unit or session; attaches the\n"
"bypass to it; runs CMD in it; when CMD exits, detaches, moves any process\n"
"left behind back to the caller's cgroup, removes the cgroup and exits\n"
"with CMD's status (128+N if a signal N killed it). SIGTERM and SIGHUP are\n"
"passed on to CMD; SIGINT and SIGQUIT reach it from the terminal.\n"
"\n"
"Options:\n"
"  -p, --ports LIST  as for attach\n"
"  -s, --stats       print the counters on stderr when CMD exits\n"
"  -v, --verbose     libbpf and verifier output on stderr\n"
"  -h, --help        this help\n"
"\n"
"EXAMPLES:\n"
"  ebpf-sockmap run -- ./client-server-test\n"
"  ebpf-sockmap run --ports 6379 --stats -- redis-benchmark -q -n 100000\n";

/* ------------------------------------------------------------------ */
/* Arguments                                                           */

struct ports {
	bool only;			/* --ports given */
	unsigned char sel[65536];	/* 1: selected */
};

/* "80,443,8000-8080": numbers 1..65535 and ranges LO-HI. */
static void parse_ports(const char *cmd, const char *arg, struct ports *p)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	uint32_t lo, hi, i;

	if (!copy) {
		ekf_err("out of memory");
		exit(EKF_EXIT_FAIL);
	}
	if (!*arg)
		ekf_usage_error(cmd, "empty --ports list");
	p->only = true;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');

		if (dash && dash != tok) {
			*dash = '\0';
			if (!ekf_parse_u32(tok, &lo) || !ekf_parse_u32(dash + 1, &hi) ||
			    lo < 1 || hi > 65535 || lo > hi) {
				*dash = '-';
				ekf_usage_error(cmd, "invalid port range '%s' in --ports (LO-HI, 1..65535)", tok);
			}
		} else {
			if (!ekf_parse_u32(tok, &lo) || lo < 1 || lo > 65535)
				ekf_usage_error(cmd, "invalid port '%s' in --ports (1..65535)", tok);
			hi = lo;
		}
		for (i = lo; i <= hi; i++)
			p->sel[i] = 1;
	}
	free(copy);
	/* ",," or a trailing comma leaves no token: caught by the check below */
	for (i = 1; i < 65536 && !p->sel[i]; i++)
		;
	if (i == 65536)
		ekf_usage_error(cmd, "invalid --ports list '%s'", arg);
}

/* CGROUP must be a cgroup v2 directory; resolved to an absolute path. */
static void check_cgroup_arg(const char *cmd, const char *arg, char *out, size_t size)
{
	char mnt[PATH_MAX] = "", where[PATH_MAX + 64] = "";
	struct stat st;

	if (ekf_cgroup2_mount(mnt, sizeof(mnt)) == 0)
		snprintf(where, sizeof(where), " (cgroup2 is mounted at %s)", mnt);
	else
		snprintf(where, sizeof(where), " (no cgroup2 file system is mounted)");
	if (stat(arg, &st))
		ekf_usage_error(cmd, "cgroup '%s': %s%s", arg, strerror(errno), where);
	if (!S_ISDIR(st.st_mode) || !ekf_is_cgroup2(arg))
		ekf_usage_error(cmd, "'%s' is not a cgroup v2 directory%s", arg, where);
	if (!realpath(arg, out) || strlen(out) >= size)
		ekf_usage_error(cmd, "cgroup '%s': cannot resolve the path", arg);
}

/* ------------------------------------------------------------------ */
/* Pinned state                                                        */

static void instance_dir(uint64_t cgid, char *buf, size_t size)
{
	snprintf(buf, size, PIN_DIR "/cgroup-%llu", (unsigned long long)cgid);
}

static int pin_get(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

static bool dir_exists(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * bpffs mounted and the lock taken (waiting at most wait_ms); prints the
 * cause and returns -1.
 */
static int take_lock(void)
{
	return ekf_state_lock(TOOL, LOCK_WAIT_MS);
}

/*
 * Stops the instance in dir: new sockets are no longer added, existing
 * ones pass every message from now on (config.draining) and keep reading
 * what was already handed to them. Their psock holds the sk_msg program,
 * which holds the maps, until they close; the pins go now.
 */
static int detach_instance(const char *dir)
{
	struct esm_config cfg = {};
	__u32 zero = 0;
	int fd, map_fd, prog_fd, err = 0;

	fd = pin_get(dir, "config");
	if (fd >= 0) {
		if (bpf_map_lookup_elem(fd, &zero, &cfg) == 0) {
			cfg.draining = 1;
			if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY))
				err = -errno;
		}
		close(fd);
	}
	fd = pin_get(dir, "link_sockops");
	if (fd >= 0) {
		bpf_link_detach(fd);	/* even if someone else holds the link */
		close(fd);
	}
	map_fd = pin_get(dir, "sock_hash");
	prog_fd = pin_get(dir, "esm_redirect");
	if (map_fd >= 0 && prog_fd >= 0)
		bpf_prog_detach2(prog_fd, map_fd, BPF_SK_MSG_VERDICT);
	if (map_fd >= 0)
		close(map_fd);
	if (prog_fd >= 0)
		close(prog_fd);
	if (ekf_remove_tree(dir) && !err)
		err = -errno;
	return err;
}

/* ", which is on here" if the kernel is locked down for confidentiality. */
static const char *lockdown_note(void)
{
	char buf[256] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strstr(buf, "[confidentiality]") ? ", which is on here" : "";
}

/* libbpf's own cause if it left one, else errno text. */
static const char *load_cause(int err)
{
	const char *w = ekf_log_last_warning();

	return w ? w : strerror(err < 0 ? -err : err);
}

/* The n-th number (0-based) of a /proc/sys file, or 0. */
static unsigned long long sysctl_nth(const char *path, int n)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "re");
	int i;

	if (!f)
		return 0;
	for (i = 0; i <= n; i++)
		if (fscanf(f, "%llu", &v) != 1) {
			v = 0;
			break;
		}
	fclose(f);
	return v;
}

/*
 * Flow control limits (see ESM_QUEUE_MAX): a 16th of the TCP memory the
 * kernel allows before it applies pressure (tcp_mem[0], pages), which
 * scales with the machine's memory; tcp_wmem max + tcp_rmem max if that
 * cannot be read.
 */
static void queue_limits(struct esm_config *cfg)
{
	unsigned long long rmem = sysctl_nth("/proc/sys/net/ipv4/tcp_rmem", 2);
	unsigned long long wmem = sysctl_nth("/proc/sys/net/ipv4/tcp_wmem", 2);
	unsigned long long low = sysctl_nth("/proc/sys/net/ipv4/tcp_mem", 0);
	unsigned long long bytes = rmem + wmem;
	long page = sysconf(_SC_PAGESIZE);

	if (low && page > 0)
		bytes = low * (unsigned long long)page / 16;
	if (bytes > ESM_QUEUE_MAX)
		bytes = ESM_QUEUE_MAX;
	if (bytes < ESM_QUEUE_MIN)
		bytes = ESM_QUEUE_MIN;
	cfg->queue_max = (__u32)bytes;
	cfg->queue_max_msgs = cfg->queue_max / (16 * 1024);
	if (cfg->queue_max_msgs < 16)
		cfg->queue_max_msgs = 16;
	if (cfg->queue_max_msgs > ESM_QUEUE_MAX_MSGS)
		cfg->queue_max_msgs = ESM_QUEUE_MAX_MSGS;
}

static int attach_instance(const char *cgroup, uint64_t cgid, const struct ports *p)
{
	struct ebpf_sockmap *skel = NULL;
	struct bpf_link *link = NULL;
	struct esm_config cfg = { .ports_only = p->only };
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct bpf_program *prog;
	struct bpf_map *map;
	int cgfd = -1, err;
	__u32 zero = 0, port;
	__u8 one = 1;

	instance_dir(cgid, dir, sizeof(dir));
	if (dir_exists(dir)) {
		ekf_err("%s: already attached (state in %s); detach it first", cgroup, dir);
		return -1;
	}
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0) {
		ekf_err("cannot open cgroup %s: %s", cgroup, strerror(errno));
		return -1;
	}

	queue_limits(&cfg);
	ekf_log_clear();
	skel = ebpf_sockmap__open();
	if (!skel) {
		ekf_err("cannot open the BPF object: %s", load_cause(errno));
		goto fail;
	}
	err = ebpf_sockmap__load(skel);
	if (err) {
		ekf_err("cannot load the BPF programs: %s", load_cause(err));
		fprintf(stderr, "  the bypass needs sock_ops, sk_msg, SOCKHASH, socket storage, kernel BTF and\n"
			"  bpf_probe_read_kernel() in networking programs (Linux 5.10 or later with\n"
			"  CONFIG_BPF_STREAM_PARSER and CONFIG_DEBUG_INFO_BTF, not under\n"
			"  lockdown=confidentiality%s); nothing was attached\n", lockdown_note());
		goto fail;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &cfg, BPF_ANY)) {
		ekf_err("cannot write the configuration: %s", strerror(errno));
		goto fail;
	}
	for (port = 1; p->only && port < 65536; port++)
		if (p->sel[port] &&
		    bpf_map_update_elem(bpf_map__fd(skel->maps.ports), &port, &one, BPF_ANY)) {
			ekf_err("cannot write the port list: %s", strerror(errno));
			goto fail;
		}

	err = ekf_mkdir_p(dir, 0700);
	if (err) {
		ekf_err("cannot create %s: %s", dir, strerror(-err));
		goto fail;
	}
	bpf_object__for_each_map(map, skel->obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_SK_STORAGE || bpf_map__is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (bpf_map__pin(map, path)) {
			ekf_err("cannot pin %s: %s", path, strerror(errno));
			goto fail_dir;
		}
	}
	bpf_object__for_each_program(prog, skel->obj) {
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_program__name(prog));
		if (bpf_program__pin(prog, path)) {
			ekf_err("cannot pin %s: %s", path, strerror(errno));
			goto fail_dir;
		}
	}

	/* The map's msg verdict first: sockets are added only after this. */
	if (bpf_prog_attach(bpf_program__fd(skel->progs.esm_redirect),
			    bpf_map__fd(skel->maps.sock_hash), BPF_SK_MSG_VERDICT, 0)) {
		ekf_err("cannot attach the sk_msg program to the SOCKHASH: %s", strerror(errno));
		goto fail_dir;
	}
	/* A link, not a bare attachment: unpinning it (or losing bpffs) detaches. */
	link = bpf_program__attach_cgroup(skel->progs.esm_sockops, cgfd);
	if (!link) {
		err = -errno;
		ekf_err("cannot attach the sock_ops program to %s: %s", cgroup, load_cause(err));
		goto fail_dir;
	}
	snprintf(path, sizeof(path), "%s/link_sockops", dir);
	if (bpf_link__pin(link, path)) {
		ekf_err("cannot pin %s: %s", path, strerror(errno));
		goto fail_dir;
	}
	bpf_link__destroy(link);	/* the pin keeps it */
	ebpf_sockmap__destroy(skel);
	close(cgfd);
	return 0;

fail_dir:
	if (link)
		bpf_link__destroy(link);
	detach_instance(dir);
fail:
	ebpf_sockmap__destroy(skel);
	close(cgfd);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Counters                                                            */

static const char *const counter_names[ESM_COUNTER_NR] = {
	[ESM_SOCKETS_ADDED]	= "sockets_added",
	[ESM_SOCKETS_CLOSED]	= "sockets_closed",
	[ESM_ADD_FAILED]	= "add_failed",
	[ESM_MSGS_REDIRECTED]	= "msgs_redirected",
	[ESM_BYTES_REDIRECTED]	= "bytes_redirected",
	[ESM_MSGS_PASSED]	= "msgs_passed",
	[ESM_BYTES_PASSED]	= "bytes_passed",
	[ESM_FALLBACK_NO_PEER]	= "fallback_no_peer",
	[ESM_FALLBACK_STATE]	= "fallback_state",
	[ESM_FALLBACK_DRAINING]	= "fallback_detached",
	[ESM_FALLBACK_QUEUE_FULL] = "fallback_queue_full",
	[ESM_STORAGE_FAILED]	= "storage_failed",
	[ESM_FIN_LEFT]		= "fin_left_map",
	[ESM_FIN_KEPT]		= "fin_kept_in_map",
	[ESM_FIN_KEPT_RECENT]	= "fin_kept_recent_redirect",
	[ESM_TCP_ONLY_LEFT]	= "fallback_left_map",
	[ESM_FALLBACK_SMALL_WRITES] = "fallback_small_writes",
};

static int read_counters(const char *dir, __u64 out[ESM_COUNTER_NR])
{
	int ncpu = libbpf_num_possible_cpus(), fd, i, c;
	__u64 *vals;
	__u32 key;

	if (ncpu < 1)
		return -EINVAL;
	fd = pin_get(dir, "counters");
	if (fd < 0)
		return -errno;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals) {
		close(fd);
		return -ENOMEM;
	}
	for (key = 0; key < ESM_COUNTER_NR; key++) {
		out[key] = 0;
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		for (c = 0; c < ncpu; c++)
			out[key] += vals[c];
	}
	(void)i;
	free(vals);
	close(fd);
	return 0;
}

static void print_counters(FILE *f, const __u64 v[ESM_COUNTER_NR], const char *indent)
{
	__u64 tracked = v[ESM_SOCKETS_ADDED] - v[ESM_SOCKETS_CLOSED];

	fprintf(f, "%ssockets:    %llu tracked (%llu added, %llu closed, %llu not added)\n",
		indent, (unsigned long long)tracked, (unsigned long long)v[ESM_SOCKETS_ADDED],
		(unsigned long long)v[ESM_SOCKETS_CLOSED], (unsigned long long)v[ESM_ADD_FAILED]);
	fprintf(f, "%sredirected: %llu messages, %llu bytes\n", indent,
		(unsigned long long)v[ESM_MSGS_REDIRECTED], (unsigned long long)v[ESM_BYTES_REDIRECTED]);
	fprintf(f, "%snormal:     %llu messages, %llu bytes\n", indent,
		(unsigned long long)v[ESM_MSGS_PASSED], (unsigned long long)v[ESM_BYTES_PASSED]);
	fprintf(f, "%sfallbacks:  %llu peer not in the map, %llu half-close/close/peer left, %llu peer's queue "
		"full, %llu one-way small writes, %llu detached\n", indent,
		(unsigned long long)v[ESM_FALLBACK_NO_PEER], (unsigned long long)v[ESM_FALLBACK_STATE],
		(unsigned long long)v[ESM_FALLBACK_QUEUE_FULL],
		(unsigned long long)v[ESM_FALLBACK_SMALL_WRITES],
		(unsigned long long)v[ESM_FALLBACK_DRAINING]);
	fprintf(f, "%sat FIN:     %llu left the map, %llu stayed (%llu: a redirect to it "
		"may be under way; others: bytes queued or in use)\n", indent,
		(unsigned long long)v[ESM_FIN_LEFT], (unsigned long long)v[ESM_FIN_KEPT],
		(unsigned long long)v[ESM_FIN_KEPT_RECENT]);
	fprintf(f, "%sfallen back: %llu left the map (plain TCP from then on)\n", indent,
		(unsigned long long)v[ESM_TCP_ONLY_LEFT]);
}

/* ------------------------------------------------------------------ */
/* Instances                                                           */

struct instance {
	uint64_t cgid;
	char dir[PATH_MAX];
	char cgroup[PATH_MAX];	/* "" if the cgroup is gone */
};

/* The instances pinned under PIN_DIR; returns how many (at most max). */
static int list_instances(struct instance *out, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(PIN_DIR);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		unsigned long long id;
		char *end;

		if (strncmp(de->d_name, "cgroup-", 7))
			continue;
		id = strtoull(de->d_name + 7, &end, 10);
		if (*end)
			continue;
		out[n].cgid = id;
		snprintf(out[n].dir, sizeof(out[n].dir), PIN_DIR "/%s", de->d_name);
		if (ekf_cgroup_find(id, out[n].cgroup, sizeof(out[n].cgroup)))
			out[n].cgroup[0] = '\0';
		n++;
	}
	closedir(d);
	return n;
}

/* The selected ports of an instance as "80,443,8000-8080" ("" if all). */
static void instance_ports(const char *dir, char *buf, size_t size)
{
	struct esm_config cfg = {};
	__u32 zero = 0, port, lo = 0;
	__u8 sel, prev = 0;
	size_t len = 0;
	int fd;

	buf[0] = '\0';
	fd = pin_get(dir, "config");
	if (fd < 0)
		return;
	if (bpf_map_lookup_elem(fd, &zero, &cfg) || !cfg.ports_only) {
		close(fd);
		return;
	}
	close(fd);
	fd = pin_get(dir, "ports");
	if (fd < 0)
		return;
	for (port = 1; port <= 65536; port++) {
		sel = 0;
		if (port < 65536 && bpf_map_lookup_elem(fd, &port, &sel))
			sel = 0;
		if (sel && !prev)
			lo = port;
		if (!sel && prev && len < size) {
			if (lo == port - 1)
				len += snprintf(buf + len, size - len, "%s%u", len ? "," : "", lo);
			else
				len += snprintf(buf + len, size - len, "%s%u-%u", len ? "," : "", lo, port - 1);
		}
		prev = sel;
	}
	close(fd);
}

#define MAX_INSTANCES 256

static int cmd_status(void)
{
	static struct instance inst[MAX_INSTANCES];
	__u64 v[ESM_COUNTER_NR];
	struct ekf_json j;
	char ports[1024];
	int n, i;

	if (!ekf_have_bpf_caps()) {
		ekf_err("status %s", EKF_NEED_ROOT_MSG);
		return EKF_EXIT_FAIL;
	}
	n = ekf_is_bpffs(EKF_BPFFS) ? list_instances(inst, MAX_INSTANCES) : 0;
	if (opts.json) {
		ekf_json_init(&j, stdout);
		ekf_json_object_begin(&j, NULL);
		ekf_json_array_begin(&j, "attachments");
	} else if (!n) {
		printf("not attached to any cgroup\n");
	}
	for (i = 0; i < n; i++) {
		memset(v, 0, sizeof(v));
		read_counters(inst[i].dir, v);
		instance_ports(inst[i].dir, ports, sizeof(ports));
		if (opts.json) {
			ekf_json_object_begin(&j, NULL);
			ekf_json_string(&j, "cgroup", inst[i].cgroup[0] ? inst[i].cgroup : NULL);
			ekf_json_uint(&j, "cgroup_id", inst[i].cgid);
			ekf_json_string(&j, "ports", ports[0] ? ports : NULL);
			ekf_json_uint(&j, "sockets", v[ESM_SOCKETS_ADDED] - v[ESM_SOCKETS_CLOSED]);
			ekf_json_string(&j, "pinned", inst[i].dir);
			ekf_json_object_end(&j);
		} else {
			printf("%s (cgroup id %llu)\n", inst[i].cgroup[0] ? inst[i].cgroup : "(cgroup removed)",
			       (unsigned long long)inst[i].cgid);
			printf("  ports:   %s\n", ports[0] ? ports : "all");
			printf("  sockets: %llu tracked\n",
			       (unsigned long long)(v[ESM_SOCKETS_ADDED] - v[ESM_SOCKETS_CLOSED]));
			printf("  pinned:  %s\n", inst[i].dir);
		}
	}
	if (opts.json) {
		ekf_json_array_end(&j);
		ekf_json_object_end(&j);
	}
	return EKF_EXIT_OK;
}

static int cmd_stats(const char *cgroup)
{
	static struct instance inst[MAX_INSTANCES];
	__u64 v[ESM_COUNTER_NR];
	struct ekf_json j;
	int n = 0, i, k, err;

	if (!ekf_have_bpf_caps()) {
		ekf_err("stats %s", EKF_NEED_ROOT_MSG);
		return EKF_EXIT_FAIL;
	}
	if (cgroup) {
		if (ekf_cgroup_id(cgroup, &inst[0].cgid)) {
			ekf_err("cgroup %s: %s", cgroup, strerror(errno));
			return EKF_EXIT_FAIL;
		}
		instance_dir(inst[0].cgid, inst[0].dir, sizeof(inst[0].dir));
		snprintf(inst[0].cgroup, sizeof(inst[0].cgroup), "%s", cgroup);
		if (!dir_exists(inst[0].dir)) {
			ekf_err("%s: not attached", cgroup);
			return EKF_EXIT_FAIL;
		}
		n = 1;
	} else if (ekf_is_bpffs(EKF_BPFFS)) {
		n = list_instances(inst, MAX_INSTANCES);
	}
	if (opts.json) {
		ekf_json_init(&j, stdout);
		ekf_json_object_begin(&j, NULL);
		ekf_json_array_begin(&j, "attachments");
	} else if (!n) {
		printf("not attached to any cgroup\n");
	}
	for (i = 0; i < n; i++) {
		err = read_counters(inst[i].dir, v);
		if (err) {
			ekf_err("cannot read the counters in %s: %s", inst[i].dir, strerror(-err));
			return EKF_EXIT_FAIL;
		}
		if (opts.json) {
			ekf_json_object_begin(&j, NULL);
			ekf_json_string(&j, "cgroup", inst[i].cgroup[0] ? inst[i].cgroup : NULL);
			ekf_json_uint(&j, "cgroup_id", inst[i].cgid);
			ekf_json_uint(&j, "sockets", v[ESM_SOCKETS_ADDED] - v[ESM_SOCKETS_CLOSED]);
			for (k = 0; k < ESM_COUNTER_NR; k++)
				ekf_json_uint(&j, counter_names[k], v[k]);
			ekf_json_object_end(&j);
		} else {
			printf("%s (cgroup id %llu)\n", inst[i].cgroup[0] ? inst[i].cgroup : "(cgroup removed)",
			       (unsigned long long)inst[i].cgid);
			print_counters(stdout, v, "  ");
		}
	}
	if (opts.json) {
		ekf_json_array_end(&j);
		ekf_json_object_end(&j);
	}
	return EKF_EXIT_OK;
}

static int cmd_attach(const char *cgroup, const struct ports *p)
{
	uint64_t cgid;
	int lock, ret;

	if (!ekf_have_bpf_caps()) {
		ekf_err("attach %s", EKF_NEED_ROOT_MSG);
		return EKF_EXIT_FAIL;
	}
	if (ekf_cgroup_id(cgroup, &cgid)) {
		ekf_err("cgroup %s: %s", cgroup, strerror(errno));
		return EKF_EXIT_FAIL;
	}
	lock = take_lock();
	if (lock < 0)
		return EKF_EXIT_FAIL;
	ret = attach_instance(cgroup, cgid, p) ? EKF_EXIT_FAIL : EKF_EXIT_OK;
	ekf_unlock(lock);
	return ret;
}

static int cmd_detach(const char *cgroup)
{
	char dir[PATH_MAX];
	uint64_t cgid;
	int lock, ret = EKF_EXIT_OK, err;

	if (!ekf_have_bpf_caps()) {
		ekf_err("detach %s", EKF_NEED_ROOT_MSG);
		return EKF_EXIT_FAIL;
	}
	if (ekf_cgroup_id(cgroup, &cgid)) {
		ekf_err("cgroup %s: %s", cgroup, strerror(errno));
		return EKF_EXIT_FAIL;
	}
	lock = take_lock();
	if (lock < 0)
		return EKF_EXIT_FAIL;
	instance_dir(cgid, dir, sizeof(dir));
	if (!dir_exists(dir)) {
		ekf_err("%s: not attached", cgroup);
		ret = EKF_EXIT_FAIL;
	} else if ((err = detach_instance(dir))) {
		ekf_err("detaching %s: %s", cgroup, strerror(-err));
		ret = EKF_EXIT_FAIL;
	}
	ekf_unlock(lock);
	return ret;
}

/* ------------------------------------------------------------------ */
/* run                                                                 */

static volatile pid_t run_child;

static void forward_signal(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

static int cmd_run(char **argv, const struct ports *p, bool show_stats)
{
	char self[PATH_MAX], cg[PATH_MAX], dir[PATH_MAX];
	struct sigaction sa = {}, old_int, old_quit, old_term, old_hup, old_pipe;
	int lock, status = 0, err, moved, ret, ready[2];
	__u64 v[ESM_COUNTER_NR];
	uint64_t cgid;
	pid_t pid;
	char c;

	if (!ekf_have_bpf_caps()) {
		ekf_err("run %s", EKF_NEED_ROOT_MSG);
		return EKF_EXIT_FAIL;
	}
	err = ekf_cgroup_self(self, sizeof(self));
	if (err) {
		ekf_err("cannot find this process's cgroup v2 (%s): mount cgroup2, e.g. "
			"mount -t cgroup2 none /sys/fs/cgroup", strerror(-err));
		return EKF_EXIT_FAIL;
	}
	if (snprintf(cg, sizeof(cg), "%s/ebpf-sockmap-%d", self, (int)getpid()) >= (int)sizeof(cg)) {
		ekf_err("cgroup path too long under %s", self);
		return EKF_EXIT_FAIL;
	}
	if (mkdir(cg, 0755)) {
		ekf_err("cannot create cgroup %s: %s", cg, strerror(errno));
		return EKF_EXIT_FAIL;
	}
	if (ekf_cgroup_id(cg, &cgid)) {
		ekf_err("cgroup %s: %s", cg, strerror(errno));
		rmdir(cg);
		return EKF_EXIT_FAIL;
	}
	instance_dir(cgid, dir, sizeof(dir));
	lock = take_lock();
	if (lock < 0) {
		rmdir(cg);
		return EKF_EXIT_FAIL;
	}
	ret = attach_instance(cg, cgid, p);
	ekf_unlock(lock);
	if (ret) {
		rmdir(cg);
		return EKF_EXIT_FAIL;
	}

	/* the child enters the cgroup, tells us, then execs */
	if (pipe2(ready, O_CLOEXEC)) {
		ekf_err("pipe: %s", strerror(errno));
		status = -1;
		goto cleanup;
	}
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, &old_int);	/* the terminal sends them to CMD too */
	sigaction(SIGQUIT, &sa, &old_quit);
	sigaction(SIGPIPE, &sa, &old_pipe);	/* a closed stderr must not stop the cleanup */
	sa.sa_handler = forward_signal;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ekf_err("fork: %s", strerror(errno));
		status = -1;
		goto cleanup;
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		sigaction(SIGPIPE, &old_pipe, NULL);
		close(ready[0]);
		err = ekf_cgroup_enter(cg, 0);
		if (err) {
			ekf_err("cannot move into cgroup %s: %s", cg, strerror(-err));
			_exit(126);
		}
		close(ready[1]);
		execvp(argv[0], argv);
		ekf_err("cannot run '%s': %s", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	run_child = pid;
	close(ready[1]);
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ekf_err("waitpid: %s", strerror(errno));
			status = -1;
			break;
		}
	}
	run_child = 0;

cleanup:
	if (show_stats && read_counters(dir, v) == 0) {
		fprintf(stderr, "ebpf-sockmap: counters of %s:\n", cg);
		print_counters(stderr, v, "  ");
	}
	/* the command is done: wait longer rather than leave it attached */
	lock = ekf_state_lock(TOOL, 60 * 1000);
	if (lock >= 0) {
		err = detach_instance(dir);
		if (err)
			ekf_err("detaching %s: %s", cg, strerror(-err));
		ekf_unlock(lock);
	}
	err = ekf_cgroup_remove(cg, self, &moved);
	if (moved)
		ekf_err("moved %d process(es) the command left behind back to %s", moved, self);
	if (err)
		ekf_err("cannot remove cgroup %s: %s", cg, strerror(-err));
	if (status == -1)
		return EKF_EXIT_FAIL;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* ------------------------------------------------------------------ */
/* main                                                                */

struct args {
	const char *cmd;
	char cgroup[PATH_MAX];
	bool have_cgroup;
	struct ports ports;
	bool stats;
	char **run_argv;
};

static void parse_cmd(int argc, char **argv, struct args *a, const char *text,
		      int min_pos, int max_pos, bool want_ports)
{
	static const struct option longopts[] = {
		EKF_COMMON_LONGOPTS,
		{ "ports", required_argument, NULL, 'p' },
		{ "stats", no_argument,       NULL, 's' },
		{ 0 },
	};
	bool is_run = !strcmp(a->cmd, "run");
	int c, npos;

	optind = 0;
	opterr = 0;
	/* run: '+' stops at CMD, so CMD's own options stay its own */
	while ((c = getopt_long(argc, argv, is_run ? "+:jvhp:s" : ":jvhp:s", longopts, NULL)) != -1) {
		if (ekf_common_opt(c, &opts, text))
			continue;
		if (c == 'p' && want_ports) {
			parse_ports(a->cmd, optarg, &a->ports);
			continue;
		}
		if (c == 's' && is_run) {
			a->stats = true;
			continue;
		}
		if (c == 'p')
			ekf_usage_error(a->cmd, "unknown option '--ports' (attach and run only)");
		if (c == 's')
			ekf_usage_error(a->cmd, "unknown option '--stats' (run only)");
		ekf_bad_option(a->cmd, argv, optopt, c);
	}
	if (is_run) {
		if (optind >= argc)
			ekf_usage_error(a->cmd, "missing the command to run (after --)");
		a->run_argv = argv + optind;
		return;
	}
	npos = argc - optind;
	if (npos < min_pos)
		ekf_usage_error(a->cmd, "missing the CGROUP argument");
	if (npos > max_pos)
		ekf_usage_error(a->cmd, "unexpected argument '%s'", argv[optind + max_pos]);
	if (npos) {
		check_cgroup_arg(a->cmd, argv[optind], a->cgroup, sizeof(a->cgroup));
		a->have_cgroup = true;
	}
}

static const char *cmd_usage(const char *cmd)
{
	if (!strcmp(cmd, "attach"))
		return usage_attach;
	if (!strcmp(cmd, "detach"))
		return usage_detach;
	if (!strcmp(cmd, "status"))
		return usage_status;
	if (!strcmp(cmd, "stats"))
		return usage_stats;
	if (!strcmp(cmd, "run"))
		return usage_run;
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		EKF_COMMON_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	static struct args a;
	const char *text;
	int c;

	ekf_prog_name = "ebpf-sockmap";
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jvhV", longopts, NULL)) != -1) {
		if (ekf_common_opt(c, &opts, usage_main))
			continue;
		if (c == 'V') {
			printf("ebpf-sockmap %s\n", EKF_VERSION);
			return EKF_EXIT_OK;
		}
		ekf_bad_option(NULL, argv, optopt, c);
	}
	if (optind >= argc)
		ekf_usage_error(NULL, "missing command: attach, detach, status, stats or run");
	a.cmd = argv[optind];
	argc -= optind;
	argv += optind;

	if (!strcmp(a.cmd, "help")) {
		if (argc > 2)
			ekf_usage_error("help", "unexpected argument '%s'", argv[2]);
		if (argc < 2)
			ekf_help(usage_main);
		text = cmd_usage(argv[1]);
		if (!text)
			ekf_usage_error(NULL, "unknown command '%s': give attach, detach, status, stats or run",
					argv[1]);
		ekf_help(text);
	}
	text = cmd_usage(a.cmd);
	if (!text)
		ekf_usage_error(NULL, "unknown command '%s': give attach, detach, status, stats or run",
				a.cmd);
	if (!strcmp(a.cmd, "attach"))
		parse_cmd(argc, argv, &a, text, 1, 1, true);
	else if (!strcmp(a.cmd, "detach"))
		parse_cmd(argc, argv, &a, text, 1, 1, false);
	else if (!strcmp(a.cmd, "status"))
		parse_cmd(argc, argv, &a, text, 0, 0, false);
	else if (!strcmp(a.cmd, "stats"))
		parse_cmd(argc, argv, &a, text, 0, 1, false);
	else
		parse_cmd(argc, argv, &a, text, 0, 0, true);

	/* Arguments are valid: only now touch anything. */
	ekf_log_setup(opts.verbose);
	if (!strcmp(a.cmd, "attach"))
		return cmd_attach(a.cgroup, &a.ports);
	if (!strcmp(a.cmd, "detach"))
		return cmd_detach(a.cgroup);
	if (!strcmp(a.cmd, "status"))
		return cmd_status();
	if (!strcmp(a.cmd, "stats"))
		return cmd_stats(a.have_cgroup ? a.cgroup : NULL);
	return cmd_run(a.run_argv, &a.ports, a.stats);
}
