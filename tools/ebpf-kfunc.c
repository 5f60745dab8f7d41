// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-kfunc: status, self-test and direct calls of the kfuncs of the
 * ebpf_kfunc kernel module.
 *
 *   ebpf-kfunc status      is the module usable, and from which programs
 *   ebpf-kfunc selftest    run every kfunc in the kernel on known answers
 *   ebpf-kfunc call ...    run one kfunc in the kernel on given strings
 *
 * Exit status: 0 success, 1 runtime failure (cause and fix on stderr),
 * 2 bad usage (the bad value named on stderr).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lib/ekf_cli.h"
#include "lib/ekf_json.h"
#include "lib/ekf_kmod.h"
#include "lib/ekf_log.h"
#include "lib/ekf_subcmd.h"
#include "ebpf-kfunc-cases.h"
#include "../bpf/ebpf_kfunc.h"
#include "ebpf_kfunc.skel.h"
#include "ebpf_kfunc_probe.skel.h"

#ifndef EKF_VERSION
#define EKF_VERSION "unknown"
#endif

#define MODULE_NAME	"ebpf_kfunc"
#define DKMS_NAME	"ebpf-kfunc"

/* -j/--json and -v/--verbose, given before or after the command */
static struct ekf_common_opts opts;

/* ------------------------------------------------------------------ */
/* The kfuncs                                                          */

static const struct kfunc {
	const char *cmd;	/* name on the command line */
	const char *name;	/* BTF name */
	const char *prog;	/* run_* program of ebpf_kfunc.bpf.c */
} kfuncs[EKF_K_NR] = {
	[EKF_K_MEMMEM]		= { "memmem",     "ekf_memmem",     "run_memmem" },
	[EKF_K_STRSTR]		= { "strstr",     "ekf_strstr",     "run_strstr" },
	[EKF_K_STRCASESTR]	= { "strcasestr", "ekf_strcasestr", "run_strcasestr" },
	[EKF_K_GLOB]		= { "glob",       "ekf_glob",       "run_glob" },
};

/* The tutorial-compatible kfunc the module has where the kernel has none. */
#define COMPAT_KFUNC	"bpf_strstr"

static const struct {
	const char *name;
	unsigned int value;
} glob_flag_names[] = {
	{ "pathname", EKF_GLOB_PATHNAME },
};

/* ------------------------------------------------------------------ */
/* Usage                                                               */

static const char usage_main[] =
"Usage: ebpf-kfunc [-v] [--json] COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Status, self-test and direct calls of the BPF kfuncs of the ebpf_kfunc\n"
"kernel module.\n"
"\n"
"Commands:\n"
"  status      is the module usable; kfunc signatures and program types\n"
"  selftest    run every kfunc in the kernel on built-in known answers\n"
"  call        run one kfunc in the kernel on the given strings\n"
"  help [CMD]  this help, or a command's\n"
"\n"
"Options (also accepted after COMMAND):\n"
"  -j, --json     one JSON object on stdout (fields: ebpf-kfunc(8))\n"
"  -v, --verbose  libbpf and verifier debug output on stderr\n"
"  -h, --help     this help; 'ebpf-kfunc COMMAND --help' for a command\n"
"  -V, --version  the version\n"
"\n"
"Exit status: 0 success, 1 failure (cause and fix on stderr), 2 bad usage.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-kfunc status                     # is the module usable?\n"
"  ebpf-kfunc selftest                   # run every kfunc on known answers\n"
"  ebpf-kfunc call memmem 'hello world' world\n"
"  ebpf-kfunc call glob --flags pathname '/tmp/*' /tmp/a/b\n"
"  ebpf-kfunc --json status\n";

static const char usage_status[] =
"Usage: ebpf-kfunc status [-v] [--json]\n"
"\n"
"Reports whether the ebpf_kfunc module is usable: module support in this\n"
"kernel, the module loaded and its version, its BTF accepted by the kernel,\n"
"the program types it registered its kfuncs for, each kfunc's signature\n"
"from the module's BTF, and which program types can call it (found by\n"
"loading, never attaching, a tiny program of each type). Needs root for\n"
"the program-type probes.\n"
"\n"
"Exits 0 if the kfuncs are callable (at least from SYSCALL programs), 1\n"
"otherwise, with the cause and the fix.\n"
"\n"
"Options:\n"
"  -j, --json     one JSON object on stdout\n"
"  -v, --verbose  libbpf and verifier output on stderr\n"
"  -h, --help     this help\n"
"\n"
"EXAMPLES:\n"
"  ebpf-kfunc status\n"
"  ebpf-kfunc status --json\n";

static const char usage_selftest[] =
"Usage: ebpf-kfunc selftest [-v] [--json]\n"
"\n"
"Runs every kfunc in the kernel, from a SYSCALL program run with\n"
"BPF_PROG_TEST_RUN, over a built-in table of cases with known answers\n"
"(matches, misses, empty inputs, NUL bytes, case folding, glob syntax and\n"
"flags, malformed patterns, inputs over the limits), one line per case:\n"
"\"ok\" or \"FAIL\" with the expected and the actual result.\n"
"\n"
"Exits 0 if every case passes, 1 if one fails or the module is not usable.\n"
"\n"
"Options:\n"
"  -j, --json     one JSON object on stdout\n"
"  -v, --verbose  libbpf and verifier output on stderr\n"
"  -h, --help     this help\n"
"\n"
"EXAMPLES:\n"
"  ebpf-kfunc selftest\n"
"  ebpf-kfunc selftest --json\n";

static const char usage_call[] =
"Usage: ebpf-kfunc call memmem|strstr|strcasestr HAYSTACK NEEDLE [--hex]\n"
"       ebpf-kfunc call glob PATTERN STRING [--flags FLAGS] [--hex]\n"
"\n"
"Calls one kfunc in the kernel, from a SYSCALL program run with\n"
"BPF_PROG_TEST_RUN, on the two arguments (as bytes, without a trailing NUL)\n"
"and prints its result:\n"
"  memmem      byte offset of the first match of NEEDLE, -1 if none\n"
"  strstr      the same, each argument ending at its first NUL\n"
"  strcasestr  as strstr, ASCII case-insensitive\n"
"  glob        1 if STRING matches the shell PATTERN, 0 if not\n"
"Errors are negative: -7 (E2BIG) for an input over the limits (65536\n"
"bytes; glob patterns 256), -22 (EINVAL) for a malformed glob pattern or\n"
"unknown flags. Exits 0 whenever the kfunc ran, whatever it returned.\n"
"\n"
"Options:\n"
"  -f, --flags FLAGS  glob flags: a number (0x1) or names joined by ',' or\n"
"                     '|': pathname ('*', '?' and [...] do not match '/')\n"
"  -x, --hex          both arguments are hex bytes (\"68:69\" or \"6869\")\n"
"  -j, --json         one JSON object on stdout\n"
"  -v, --verbose      libbpf and verifier output on stderr\n"
"  -h, --help         this help\n"
"Put '--' before an argument that starts with '-'.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-kfunc call memmem 'hello world' world          # 6\n"
"  ebpf-kfunc call strcasestr 'Hello World' WORLD      # 6\n"
"  ebpf-kfunc call glob '*.txt' notes.txt              # 1\n"
"  ebpf-kfunc call glob --flags pathname '*' a/b       # 0\n"
"  ebpf-kfunc call memmem --hex 610062 0062            # 1\n"
"  ebpf-kfunc call strstr -- '-x' x                    # 1\n";

/* ------------------------------------------------------------------ */
/* Failure reporting                                                   */

/* A runtime failure: message on stderr, and with --json, an object on stdout. */
struct failure {
	char cause[1024];
	char fix[1024];
};

static void print_failure(const struct failure *f)
{
	ekf_err("%s", f->cause);
	if (f->fix[0])
		fprintf(stderr, "  fix: %s\n", f->fix);
}

static void json_failure(struct ekf_json *j, const struct failure *f)
{
	ekf_json_string(j, "error", f && f->cause[0] ? f->cause : NULL);
	ekf_json_string(j, "fix", f && f->fix[0] ? f->fix : NULL);
}

static void __attribute__((format(printf, 3, 4)))
set_failure(struct failure *f, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->cause, sizeof(f->cause), fmt, ap);
	va_end(ap);
	snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
}

static void need_root_failure(struct failure *f, const char *cmd)
{
	set_failure(f, NULL, "%s %s", cmd, EKF_NEED_ROOT_MSG);
	snprintf(f->fix, sizeof(f->fix), "run it as root, e.g. with sudo");
}

/* ------------------------------------------------------------------ */
/* Module state                                                        */

struct state {
	struct ekf_kmod kmod;
	struct btf *btf;		/* module BTF, NULL if none */
	bool have[EKF_K_NR];		/* kfunc in module BTF */
	char sig[EKF_K_NR][256];
	bool have_compat;
	char compat_sig[256];
	bool root;
};

static void state_probe(struct state *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	ekf_kmod_probe(MODULE_NAME, &st->kmod);
	st->root = ekf_have_bpf_caps();
	if (!st->kmod.module_btf)
		return;
	st->btf = ekf_kmod_btf_load(MODULE_NAME);
	if (!st->btf)
		return;
	for (i = 0; i < EKF_K_NR; i++)
		st->have[i] = ekf_btf_func_decl(st->btf, kfuncs[i].name,
						st->sig[i], sizeof(st->sig[i]));
	st->have_compat = ekf_btf_func_decl(st->btf, COMPAT_KFUNC, st->compat_sig,
					    sizeof(st->compat_sig));
}

static void state_free(struct state *st)
{
	ekf_kmod_btf_free(st->btf);
	st->btf = NULL;
}

/*
 * Why the kfuncs cannot be used, before loading anything: false if no
 * reason is known yet. need_root: the caller is about to load programs.
 */
static bool state_problem(const struct state *st, const char *cmd, bool need_root,
			  struct failure *f)
{
	char missing[128] = "";
	int i;

	if (ekf_kmod_problem(&st->kmod, DKMS_NAME, f->cause, sizeof(f->cause),
			     f->fix, sizeof(f->fix)))
		return true;
	if (!st->btf) {
		set_failure(f, "run with -v for libbpf's messages",
			    "cannot read the module's BTF (/sys/kernel/btf/%s): %s",
			    MODULE_NAME, strerror(errno));
		return true;
	}
	for (i = 0; i < EKF_K_NR; i++)
		if (!st->have[i])
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s", missing[0] ? ", " : "", kfuncs[i].name);
	if (missing[0]) {
		set_failure(f, NULL, "the loaded %s module (version %s) lacks %s in its BTF",
			    MODULE_NAME, st->kmod.version[0] ? st->kmod.version : "unknown", missing);
		snprintf(f->fix, sizeof(f->fix),
			 "install the %s version that matches this tool (%s), then: rmmod %s; modprobe %s",
			 DKMS_NAME, EKF_VERSION, MODULE_NAME, MODULE_NAME);
		return true;
	}
	if (need_root && !st->root) {
		need_root_failure(f, cmd);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Program-type probes (status)                                        */

enum probe_result { PROBE_UNKNOWN = -1, PROBE_NO = 0, PROBE_YES = 1 };

static const struct prog_probe {
	const char *name;	/* shown */
	const char *prog_type;	/* BPF_PROG_TYPE_*, lower case */
	const char *prog;	/* program of ebpf_kfunc_probe.bpf.c */
} probes[] = {
	{ "syscall",    "syscall",    "probe_syscall" },
	{ "fentry",     "tracing",    "probe_fentry" },
	{ "tp_btf",     "tracing",    "probe_tp_btf" },
	{ "tracepoint", "tracepoint", "probe_tracepoint" },
	{ "kprobe",     "kprobe",     "probe_kprobe" },
	{ "xdp",        "xdp",        "probe_xdp" },
	{ "sched_cls",  "sched_cls",  "probe_sched_cls" },
};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

struct probe_out {
	enum probe_result res;
	char reason[256];
};

static void set_have(struct ebpf_kfunc_probe *skel, const bool have[EKF_K_NR])
{
	skel->rodata->have_memmem = have[EKF_K_MEMMEM];
	skel->rodata->have_strstr = have[EKF_K_STRSTR];
	skel->rodata->have_strcasestr = have[EKF_K_STRCASESTR];
	skel->rodata->have_glob = have[EKF_K_GLOB];
}

/*
 * Loads (never attaches) one probe program that calls the kfuncs in have[].
 * YES: loaded. NO: the verifier refused it (reason: its last line).
 * UNKNOWN: it failed before or outside the verifier, e.g. the kernel lacks
 * the program type or the attach target.
 */
static void probe_load(const struct prog_probe *p, const bool have[EKF_K_NR],
		       struct probe_out *out)
{
	static char log[64 * 1024];
	struct ebpf_kfunc_probe *skel;
	struct bpf_program *prog, *it;
	const char *warn;
	int err;

	memset(out, 0, sizeof(*out));
	out->res = PROBE_UNKNOWN;
	log[0] = '\0';
	ekf_log_clear();
	skel = ebpf_kfunc_probe__open();
	if (!skel) {
		snprintf(out->reason, sizeof(out->reason), "cannot open the probe object: %s",
			 strerror(errno));
		return;
	}
	set_have(skel, have);
	prog = bpf_object__find_program_by_name(skel->obj, p->prog);
	bpf_object__for_each_program(it, skel->obj)
		bpf_program__set_autoload(it, it == prog);
	if (prog)
		bpf_program__set_log_buf(prog, log, sizeof(log));
	err = ebpf_kfunc_probe__load(skel);
	if (!err) {
		out->res = PROBE_YES;
	} else if (log[0]) {
		if (ekf_log_verbose())
			fprintf(stderr, "verifier log of %s:\n%s\n", p->prog, log);
		out->res = PROBE_NO;
		ekf_verifier_reason(log, out->reason, sizeof(out->reason));
	} else {
		warn = ekf_log_last_warning();
		if (warn)
			snprintf(out->reason, sizeof(out->reason), "%s", warn);
		else
			snprintf(out->reason, sizeof(out->reason),
				 "the kernel refused to load a %s program: %s",
				 p->name, strerror(-err));
	}
	ebpf_kfunc_probe__destroy(skel);
}

/*
 * per_kf[k][i]: can kfunc k be called from probe i. One load per program
 * type with every kfunc; only if the verifier refuses it, one load per
 * kfunc, to tell which.
 */
static void probe_all(const struct state *st, struct probe_out *per_type,
		      struct probe_out per_kf[EKF_K_NR][NPROBES])
{
	bool one[EKF_K_NR];
	size_t i;
	int k;

	for (i = 0; i < NPROBES; i++) {
		probe_load(&probes[i], st->have, &per_type[i]);
		for (k = 0; k < EKF_K_NR; k++) {
			per_kf[k][i] = per_type[i];
			if (!st->have[k])
				per_kf[k][i].res = PROBE_UNKNOWN;
		}
		if (per_type[i].res != PROBE_NO)
			continue;
		for (k = 0; k < EKF_K_NR; k++) {
			if (!st->have[k])
				continue;
			memset(one, 0, sizeof(one));
			one[k] = true;
			probe_load(&probes[i], one, &per_kf[k][i]);
		}
	}
}

/* ------------------------------------------------------------------ */
/* status                                                              */

static const char *tristate(enum ekf_tristate t)
{
	return t == EKF_YES ? "yes" : t == EKF_NO ? "no" : "unknown";
}

static int cmd_status(void)
{
	static struct probe_out per_type[NPROBES], per_kf[EKF_K_NR][NPROBES];
	const struct ekf_kmod *km;
	struct failure f = {};
	struct state st;
	bool problem, probed = false, usable = false;
	struct ekf_json j;
	size_t i;
	int k;

	state_probe(&st);
	km = &st.kmod;
	problem = state_problem(&st, "status", true, &f);
	if (!problem) {
		probe_all(&st, per_type, per_kf);
		probed = true;
		usable = true;
		for (k = 0; k < EKF_K_NR; k++) {
			if (per_kf[k][0].res == PROBE_YES)
				continue;
			usable = false;
			set_failure(&f, NULL, "SYSCALL programs cannot call %s: %s",
				    kfuncs[k].name, per_kf[k][0].reason);
			snprintf(f.fix, sizeof(f.fix),
				 "reload the module (rmmod %s; modprobe %s) and check the kernel log (dmesg | grep %s); run with -v for the verifier's output",
				 MODULE_NAME, MODULE_NAME, MODULE_NAME);
			break;
		}
	}

	if (opts.json) {
		ekf_json_init(&j, stdout);
		ekf_json_object_begin(&j, NULL);
		ekf_json_string(&j, "kernel", km->release);
		if (km->modules == EKF_UNKNOWN)
			ekf_json_null(&j, "modules_supported");
		else
			ekf_json_bool(&j, "modules_supported", km->modules == EKF_YES);
		ekf_json_bool(&j, "vmlinux_btf", km->vmlinux_btf);
		ekf_json_object_begin(&j, "module");
		ekf_json_string(&j, "name", km->name);
		ekf_json_bool(&j, "loaded", km->loaded);
		ekf_json_string(&j, "initstate", km->initstate[0] ? km->initstate : NULL);
		ekf_json_string(&j, "version", km->version[0] ? km->version : NULL);
		ekf_json_bool(&j, "installed", km->installed);
		ekf_json_string(&j, "path", km->installed ? km->ko_path : NULL);
		ekf_json_bool(&j, "btf", km->module_btf);
		ekf_json_string(&j, "registered", km->have_registered ? km->registered : NULL);
		ekf_json_object_end(&j);
		ekf_json_bool(&j, "root", st.root);
		ekf_json_array_begin(&j, "kfuncs");
		for (k = 0; k < EKF_K_NR; k++) {
			if (!st.have[k])
				continue;
			ekf_json_object_begin(&j, NULL);
			ekf_json_string(&j, "name", kfuncs[k].name);
			ekf_json_string(&j, "signature", st.sig[k]);
			if (probed) {
				ekf_json_array_begin(&j, "callable_from");
				for (i = 0; i < NPROBES; i++)
					if (per_kf[k][i].res == PROBE_YES)
						ekf_json_string(&j, NULL, probes[i].name);
				ekf_json_array_end(&j);
			} else {
				ekf_json_null(&j, "callable_from");
			}
			ekf_json_object_end(&j);
		}
		if (st.have_compat) {
			ekf_json_object_begin(&j, NULL);
			ekf_json_string(&j, "name", COMPAT_KFUNC);
			ekf_json_string(&j, "signature", st.compat_sig);
			ekf_json_null(&j, "callable_from");
			ekf_json_object_end(&j);
		}
		ekf_json_array_end(&j);
		ekf_json_array_begin(&j, "prog_types");
		for (i = 0; probed && i < NPROBES; i++) {
			ekf_json_object_begin(&j, NULL);
			ekf_json_string(&j, "name", probes[i].name);
			ekf_json_string(&j, "prog_type", probes[i].prog_type);
			if (per_type[i].res == PROBE_UNKNOWN)
				ekf_json_null(&j, "callable");
			else
				ekf_json_bool(&j, "callable", per_type[i].res == PROBE_YES);
			ekf_json_string(&j, "reason", per_type[i].reason[0] ? per_type[i].reason : NULL);
			ekf_json_object_end(&j);
		}
		ekf_json_array_end(&j);
		ekf_json_bool(&j, "usable", usable);
		json_failure(&j, usable ? NULL : &f);
		ekf_json_object_end(&j);
	} else {
		printf("kernel:       %s\n", km->release);
		printf("modules:      %s\n", km->modules == EKF_NO ?
		       "not supported (CONFIG_MODULES is not set)" : tristate(km->modules));
		printf("kernel BTF:   %s\n", km->vmlinux_btf ? "yes" : "no (no /sys/kernel/btf/vmlinux)");
		if (km->loaded)
			printf("module:       %s loaded%s%s%s%s\n", km->name,
			       km->version[0] ? ", version " : "", km->version,
			       km->initstate[0] && strcmp(km->initstate, "live") ? ", " : "",
			       km->initstate[0] && strcmp(km->initstate, "live") ? km->initstate : "");
		else
			printf("module:       not loaded\n");
		if (km->installed)
			printf("installed:    %s\n", km->ko_path);
		else if (km->modules != EKF_NO)
			printf("installed:    no (no %s.ko under /lib/modules/%s%s)\n", km->name,
			       km->release, km->loaded ? "; the loaded one came from elsewhere" : "");
		if (km->loaded) {
			printf("module BTF:   %s\n", km->module_btf ? "accepted" : "missing (rejected by the kernel)");
			printf("registered:   %s\n", km->have_registered ? km->registered : "unknown");
		}
		if (st.btf) {
			printf("kfuncs:\n");
			for (k = 0; k < EKF_K_NR; k++) {
				if (!st.have[k]) {
					printf("  %s: missing from the module's BTF\n", kfuncs[k].name);
					continue;
				}
				printf("  %s\n", st.sig[k]);
				if (!probed)
					continue;
				printf("      callable from:");
				for (i = 0; i < NPROBES; i++)
					if (per_kf[k][i].res == PROBE_YES)
						printf(" %s", probes[i].name);
				printf("\n");
			}
			if (st.have_compat)
				printf("  %s  (tutorial-compatible alias of ekf_memmem)\n", st.compat_sig);
		}
		if (probed) {
			printf("program types:\n");
			for (i = 0; i < NPROBES; i++) {
				printf("  %-11s %s", probes[i].name,
				       per_type[i].res == PROBE_YES ? "yes" :
				       per_type[i].res == PROBE_NO ? "no" : "unknown");
				if (per_type[i].res != PROBE_YES && per_type[i].reason[0])
					printf(" (%s)", per_type[i].reason);
				printf("\n");
			}
		}
		if (!st.root)
			printf("root:         no (the program-type probes need root)\n");
		printf("status:       %s\n", usable ? "usable" : "NOT usable");
	}
	if (!usable)
		print_failure(&f);
	state_free(&st);
	return usable ? EKF_EXIT_OK : EKF_EXIT_FAIL;
}

/* ------------------------------------------------------------------ */
/* Running kfuncs in the kernel (selftest, call)                       */

struct runner {
	struct ebpf_kfunc *skel;
	int prog_fd[EKF_K_NR];
};

/*
 * Opens and loads ebpf_kfunc.bpf.o with the run_* programs of the kfuncs
 * in want[] (all present in the module's BTF).
 */
static int runner_open(struct runner *r, const struct state *st, const bool want[EKF_K_NR],
		       struct failure *f)
{
	static char log[256 * 1024];
	struct bpf_program *prog;
	char reason[512], failed[64] = "";
	const char *warn, *p;
	int k, err;

	memset(r, 0, sizeof(*r));
	ekf_log_clear();
	r->skel = ebpf_kfunc__open();
	if (!r->skel) {
		set_failure(f, "run with -v for libbpf's messages",
			    "cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	r->skel->rodata->have_memmem = st->have[EKF_K_MEMMEM];
	r->skel->rodata->have_strstr = st->have[EKF_K_STRSTR];
	r->skel->rodata->have_strcasestr = st->have[EKF_K_STRCASESTR];
	r->skel->rodata->have_glob = st->have[EKF_K_GLOB];
	log[0] = '\0';
	for (k = 0; k < EKF_K_NR; k++) {
		prog = bpf_object__find_program_by_name(r->skel->obj, kfuncs[k].prog);
		bpf_program__set_autoload(prog, want[k]);
		/* one log buffer: libbpf stops at the first program that fails */
		if (want[k])
			bpf_program__set_log_buf(prog, log, sizeof(log));
	}
	err = ebpf_kfunc__load(r->skel);
	if (err) {
		/* libbpf: "prog 'run_glob': BPF program load failed: ..." */
		p = ekf_log_find("prog '");
		if (p)
			sscanf(strstr(p, "prog '") + 6, "%63[^']", failed);
		warn = ekf_log_last_warning();
		if (log[0] && ekf_log_verbose())
			fprintf(stderr, "verifier log of %s:\n%s\n", failed[0] ? failed : "the program", log);
		if (log[0])
			ekf_verifier_reason(log, reason, sizeof(reason));
		else
			snprintf(reason, sizeof(reason), "%s%s%s", warn ? warn : "",
				 warn ? ": " : "", strerror(-err));
		set_failure(f, NULL, "the kernel refused the SYSCALL program%s%s: %s",
			    failed[0] ? " " : "", failed, reason);
		snprintf(f->fix, sizeof(f->fix),
			 "check 'ebpf-kfunc status' (which program types may call the kfuncs) and the kernel log (dmesg | grep %s); run with -v for the verifier's output",
			 MODULE_NAME);
		ebpf_kfunc__destroy(r->skel);
		r->skel = NULL;
		return -1;
	}
	for (k = 0; k < EKF_K_NR; k++) {
		prog = bpf_object__find_program_by_name(r->skel->obj, kfuncs[k].prog);
		r->prog_fd[k] = want[k] ? bpf_program__fd(prog) : -1;
	}
	return 0;
}

static void runner_close(struct runner *r)
{
	ebpf_kfunc__destroy(r->skel);
	r->skel = NULL;
}

/* Runs kfunc k on the inputs already in .bss; *result gets its return value. */
static int runner_run(struct runner *r, int k, unsigned int la, unsigned int lb,
		      unsigned int flags, int *result, struct failure *f)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	r->skel->bss->len_a = la;
	r->skel->bss->len_b = lb;
	r->skel->bss->glob_flags = flags;
	r->skel->bss->result = -12345;
	err = bpf_prog_test_run_opts(r->prog_fd[k], &opts);
	if (err) {
		set_failure(f, "run with -v; SYSCALL programs need BPF_PROG_TEST_RUN (Linux 5.14+)",
			    "running the SYSCALL program for %s failed: %s", kfuncs[k].name,
			    strerror(errno));
		return -1;
	}
	if (opts.retval != EKF_RUN_OK) {
		set_failure(f, "this is a bug in ebpf-kfunc: please report it",
			    "the SYSCALL program for %s answered %u (%s)", kfuncs[k].name,
			    opts.retval, opts.retval == EKF_RUN_NO_KFUNC ?
			    "kfunc missing" : "bad input size");
		return -1;
	}
	*result = r->skel->bss->result;
	return 0;
}

static const char *errno_name(int e)
{
	switch (e) {
	case E2BIG: return "E2BIG";
	case EINVAL: return "EINVAL";
	default: return NULL;
	}
}

/* "6", "-1", "-7 (-E2BIG)" */
static void result_str(int v, char *buf, size_t size)
{
	const char *n = v < -1 ? errno_name(-v) : NULL;

	if (n)
		snprintf(buf, size, "%d (-%s)", v, n);
	else
		snprintf(buf, size, "%d", v);
}

/* ------------------------------------------------------------------ */
/* selftest                                                            */

static int cmd_selftest(void)
{
	bool want[EKF_K_NR] = { true, true, true, true };
	struct failure f = {}, rf;
	struct runner r = {};
	struct ekf_json j;
	struct state st;
	char want_s[32], got_s[32];
	unsigned int la, lb, passed = 0, failed = 0;
	size_t i;
	int got, rc = EKF_EXIT_FAIL;
	bool ok;

	state_probe(&st);
	/* root first: without it nothing below can work, whatever else is wrong */
	if (!st.root)
		need_root_failure(&f, "selftest");
	else if (!state_problem(&st, "selftest", true, &f))
		runner_open(&r, &st, want, &f);

	if (opts.json) {
		ekf_json_init(&j, stdout);
		ekf_json_object_begin(&j, NULL);
		ekf_json_array_begin(&j, "cases");
	}
	for (i = 0; r.skel && i < EKF_NCASES; i++) {
		const struct ekf_case *c = &ekf_cases[i];

		la = ekf_input_fill(&c->a, r.skel->bss->in_a);
		lb = ekf_input_fill(&c->b, r.skel->bss->in_b);
		got = 0;
		memset(&rf, 0, sizeof(rf));
		ok = runner_run(&r, c->kf, la, lb, c->flags, &got, &rf) == 0 && got == c->want;
		ok ? passed++ : failed++;
		result_str(c->want, want_s, sizeof(want_s));
		if (rf.cause[0])
			snprintf(got_s, sizeof(got_s), "no result");
		else
			result_str(got, got_s, sizeof(got_s));
		if (opts.json) {
			ekf_json_object_begin(&j, NULL);
			ekf_json_string(&j, "name", c->name);
			ekf_json_string(&j, "kfunc", kfuncs[c->kf].name);
			ekf_json_int(&j, "expected", c->want);
			if (rf.cause[0])
				ekf_json_null(&j, "got");
			else
				ekf_json_int(&j, "got", got);
			ekf_json_bool(&j, "ok", ok);
			ekf_json_string(&j, "error", rf.cause[0] ? rf.cause : NULL);
			ekf_json_object_end(&j);
		} else if (ok) {
			printf("ok   %s\n", c->name);
		} else {
			printf("FAIL %s: expected %s, got %s%s%s\n", c->name, want_s, got_s,
			       rf.cause[0] ? ": " : "", rf.cause);
		}
	}
	if (r.skel && !failed)
		rc = EKF_EXIT_OK;
	if (r.skel && failed)
		set_failure(&f, "the module's kfuncs answer differently from the built-in table: check that the module and this tool are the same version",
			    "%u of %zu selftest cases failed", failed, EKF_NCASES);
	if (opts.json) {
		ekf_json_array_end(&j);
		ekf_json_uint(&j, "passed", passed);
		ekf_json_uint(&j, "failed", failed);
		ekf_json_bool(&j, "ok", rc == EKF_EXIT_OK);
		json_failure(&j, rc == EKF_EXIT_OK ? NULL : &f);
		ekf_json_object_end(&j);
	} else if (r.skel) {
		printf("selftest: %u passed, %u failed\n", passed, failed);
	}
	if (rc != EKF_EXIT_OK)
		print_failure(&f);
	if (r.skel)
		runner_close(&r);
	state_free(&st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* call                                                                */

struct call_args {
	int kf;
	unsigned char *a, *b;
	size_t la, lb;
	unsigned int flags;
	bool have_flags;
};

/* A printable C-like rendering of at most 64 bytes, for the text output. */
static void quote(const unsigned char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = 0, shown = len > 64 ? 64 : len;

	n += snprintf(buf + n, size - n, "\"");
	for (i = 0; i < shown && n + 8 < size; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			n += snprintf(buf + n, size - n, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			n += snprintf(buf + n, size - n, "%c", c);
		else if (c == 0)
			n += snprintf(buf + n, size - n, "\\0");
		else
			n += snprintf(buf + n, size - n, "\\x%02x", c);
	}
	n += snprintf(buf + n, size - n, "\"");
	if (shown < len)
		snprintf(buf + n, size - n, "... (%zu bytes)", len);
}

static const char *meaning(int kf, int v)
{
	if (v == -E2BIG)
		return kf == EKF_K_GLOB ?
			"E2BIG: pattern longer than 256 bytes or an input larger than 65536 bytes" :
			"E2BIG: an input is larger than 65536 bytes";
	if (v == -EINVAL)
		return "EINVAL: malformed pattern or unknown flags";
	if (kf == EKF_K_GLOB)
		return v == 1 ? "match" : v == 0 ? "no match" : "error";
	if (v == -1)
		return "not found";
	return v >= 0 ? "found" : "error";
}

static int cmd_call(struct call_args *ca)
{
	bool want[EKF_K_NR] = {};
	struct failure f = {};
	struct runner r = {};
	struct ekf_json j;
	struct state st;
	char qa[320], qb[320];
	int got = 0, rc = EKF_EXIT_FAIL;

	want[ca->kf] = true;
	state_probe(&st);
	if (!st.root) {
		need_root_failure(&f, "call");
	} else if (!state_problem(&st, "call", true, &f) &&
		   runner_open(&r, &st, want, &f) == 0) {
		memcpy(r.skel->bss->in_a, ca->a, ca->la);
		memcpy(r.skel->bss->in_b, ca->b, ca->lb);
		if (runner_run(&r, ca->kf, ca->la, ca->lb, ca->flags, &got, &f) == 0)
			rc = EKF_EXIT_OK;
	}

	if (opts.json) {
		ekf_json_init(&j, stdout);
		ekf_json_object_begin(&j, NULL);
		ekf_json_string(&j, "kfunc", kfuncs[ca->kf].name);
		ekf_json_bytes(&j, "arg1", ca->a, ca->la);
		ekf_json_bytes(&j, "arg2", ca->b, ca->lb);
		ekf_json_uint(&j, "arg1_len", ca->la);
		ekf_json_uint(&j, "arg2_len", ca->lb);
		if (ca->kf == EKF_K_GLOB)
			ekf_json_uint(&j, "flags", ca->flags);
		else
			ekf_json_null(&j, "flags");
		if (rc == EKF_EXIT_OK) {
			ekf_json_int(&j, "result", got);
			ekf_json_string(&j, "meaning", meaning(ca->kf, got));
		} else {
			ekf_json_null(&j, "result");
			ekf_json_null(&j, "meaning");
		}
		json_failure(&j, rc == EKF_EXIT_OK ? NULL : &f);
		ekf_json_object_end(&j);
	} else if (rc == EKF_EXIT_OK) {
		quote(ca->a, ca->la, qa, sizeof(qa));
		quote(ca->b, ca->lb, qb, sizeof(qb));
		if (ca->kf == EKF_K_GLOB)
			printf("%s(%s, %s, 0x%x) = %d (%s)\n", kfuncs[ca->kf].name, qa, qb,
			       ca->flags, got, meaning(ca->kf, got));
		else
			printf("%s(%s, %s) = %d (%s)\n", kfuncs[ca->kf].name, qa, qb, got,
			       meaning(ca->kf, got));
	}
	if (rc != EKF_EXIT_OK)
		print_failure(&f);
	if (r.skel)
		runner_close(&r);
	state_free(&st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Argument parsing                                                    */

/* -f/--flags: a number, or names joined by ',' or '|'. */
static unsigned int parse_glob_flags(const char *s)
{
	char buf[256], *tok, *save = NULL;
	unsigned int flags = 0;
	uint32_t v;
	size_t i;

	if (ekf_parse_u32(s, &v))
		return v;
	if (!*s || strlen(s) >= sizeof(buf))
		ekf_usage_error("call", "invalid --flags value '%s': give a number or 'pathname'", s);
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",|", &save); tok; tok = strtok_r(NULL, ",|", &save)) {
		for (i = 0; i < sizeof(glob_flag_names) / sizeof(glob_flag_names[0]); i++)
			if (!strcasecmp(tok, glob_flag_names[i].name))
				break;
		if (i < sizeof(glob_flag_names) / sizeof(glob_flag_names[0]))
			flags |= glob_flag_names[i].value;
		else if (ekf_parse_u32(tok, &v))
			flags |= v;
		else
			ekf_usage_error("call", "invalid --flags value '%s': unknown flag '%s' (known: pathname, or a number)",
					s, tok);
	}
	return flags;
}

/* status and selftest: options only. */
static void parse_noargs(const char *cmd, const char *text, int argc, char **argv)
{
	static const struct option longopts[] = { EKF_COMMON_LONGOPTS, { 0 } };
	int c;

	optind = 0;	/* GNU: full re-initialisation, drops main()'s "+" */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jvh", longopts, NULL)) != -1)
		if (!ekf_common_opt(c, &opts, text))
			ekf_bad_option(cmd, argv, optopt, c);
	if (optind < argc)
		ekf_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
}

static void parse_call(int argc, char **argv, struct call_args *ca)
{
	static const struct option longopts[] = {
		EKF_COMMON_LONGOPTS,
		{ "flags", required_argument, NULL, 'f' },
		{ "hex",   no_argument,       NULL, 'x' },
		{ 0 },
	};
	const char *flags_arg = NULL, *arg[2], *why;
	bool hex = false;
	size_t len[2];
	unsigned char *buf[2];
	int c, i, k;

	optind = 0;	/* GNU: full re-initialisation, drops main()'s "+" */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jvhf:x", longopts, NULL)) != -1) {
		if (ekf_common_opt(c, &opts, usage_call))
			continue;
		switch (c) {
		case 'f':
			flags_arg = optarg;
			break;
		case 'x':
			hex = true;
			break;
		default:
			ekf_bad_option("call", argv, optopt, c);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		ekf_usage_error("call", "missing the kfunc: memmem, strstr, strcasestr or glob");
	for (k = 0; k < EKF_K_NR; k++)
		if (!strcmp(argv[0], kfuncs[k].cmd) || !strcmp(argv[0], kfuncs[k].name))
			break;
	if (k == EKF_K_NR)
		ekf_usage_error("call", "unknown kfunc '%s': give memmem, strstr, strcasestr or glob",
				argv[0]);
	ca->kf = k;
	if (argc < 3)
		ekf_usage_error("call", "%s needs two arguments (%s), got %d", argv[0],
				k == EKF_K_GLOB ? "PATTERN STRING" : "HAYSTACK NEEDLE", argc - 1);
	if (argc > 3)
		ekf_usage_error("call", "unexpected argument '%s' (%s takes two)", argv[3], argv[0]);
	if (flags_arg && k != EKF_K_GLOB)
		ekf_usage_error("call", "--flags '%s' applies only to glob, not to %s", flags_arg, argv[0]);
	if (flags_arg) {
		ca->flags = parse_glob_flags(flags_arg);
		ca->have_flags = true;
	}
	arg[0] = argv[1];
	arg[1] = argv[2];
	for (i = 0; i < 2; i++) {
		buf[i] = malloc(EKF_BUF_SIZE);
		if (!buf[i]) {
			ekf_err("out of memory");
			exit(EKF_EXIT_FAIL);
		}
		if (hex) {
			if (!ekf_parse_hex(arg[i], buf[i], EKF_BUF_SIZE, &len[i], &why)) {
				if (!strcmp(why, "too many bytes"))
					ekf_usage_error("call", "ARG%d is over %u bytes: the kfuncs take at most %u (one more gives -E2BIG)",
							i + 1, EKF_BUF_SIZE, EKF_MAX_INPUT);
				ekf_usage_error("call", "invalid --hex ARG%d '%.64s%s': %s", i + 1, arg[i],
						strlen(arg[i]) > 64 ? "..." : "", why);
			}
		} else {
			len[i] = strlen(arg[i]);
			if (len[i] > EKF_BUF_SIZE)
				ekf_usage_error("call", "ARG%d is %zu bytes: the kfuncs take at most %u (one more gives -E2BIG)",
						i + 1, len[i], EKF_MAX_INPUT);
			memcpy(buf[i], arg[i], len[i]);
		}
	}
	ca->a = buf[0];
	ca->b = buf[1];
	ca->la = len[0];
	ca->lb = len[1];
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		EKF_COMMON_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct call_args ca = {};
	const char *cmd;
	int c;

	opterr = 0;
	/* '+': stop at the command; its own options are parsed below */
	while ((c = getopt_long(argc, argv, "+:jvhV", longopts, NULL)) != -1) {
		if (ekf_common_opt(c, &opts, usage_main))
			continue;
		if (c == 'V') {
			printf("ebpf-kfunc %s\n", EKF_VERSION);
			return EKF_EXIT_OK;
		}
		ekf_bad_option(NULL, argv, optopt, c);
	}
	if (optind >= argc)
		ekf_usage_error(NULL, "missing command: status, selftest or call");
	cmd = argv[optind];
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "help")) {
		if (argc > 2)
			ekf_usage_error("help", "unexpected argument '%s'", argv[2]);
		if (argc < 2)
			ekf_help(usage_main);
		cmd = argv[1];
		if (!strcmp(cmd, "status"))
			ekf_help(usage_status);
		if (!strcmp(cmd, "selftest"))
			ekf_help(usage_selftest);
		if (!strcmp(cmd, "call"))
			ekf_help(usage_call);
		ekf_usage_error(NULL, "unknown command '%s': give status, selftest or call", cmd);
	} else if (!strcmp(cmd, "status")) {
		parse_noargs(cmd, usage_status, argc, argv);
	} else if (!strcmp(cmd, "selftest")) {
		parse_noargs(cmd, usage_selftest, argc, argv);
	} else if (!strcmp(cmd, "call")) {
		parse_call(argc, argv, &ca);
	} else {
		ekf_usage_error(NULL, "unknown command '%s': give status, selftest or call", cmd);
	}

	/* Arguments are valid: only now touch anything. */
	ekf_log_setup(opts.verbose);
	if (!strcmp(cmd, "status"))
		return cmd_status();
	if (!strcmp(cmd, "selftest"))
		return cmd_selftest();
	return cmd_call(&ca);
}
