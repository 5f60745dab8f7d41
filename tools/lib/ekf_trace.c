// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ekf_cli.h"
#include "ekf_kmod.h"
#include "ekf_log.h"
#include "ekf_match.h"
#include "ekf_trace.h"

#ifndef EKF_VERSION
#define EKF_VERSION "unknown"
#endif

#define MODULE_NAME	"ebpf_kfunc"
#define DKMS_NAME	"ebpf-kfunc"
#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* The consumer's poll timeout: the bound on latency when no wake-up comes. */
#define POLL_MS		50

static void __attribute__((noreturn)) fail(const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(const char *fix, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ekf_err("%s", msg);
	if (fix)
		fprintf(stderr, "  fix: %s\n", fix);
	exit(EKF_EXIT_FAIL);
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

void ekf_trace_opts_init(struct ekf_trace_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->buffer_size = EKF_TRACE_BUFFER_DEFAULT;
}

/* SIZE: a number with an optional K, M or G suffix (powers of 1024). */
static bool parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end == 'i' || *end == 'B')	/* KiB, MB */
		end += *end == 'i' ? (end[1] == 'B' ? 2 : 1) : 1;
	if (*end)
		return false;
	*out = v;
	return true;
}

bool ekf_trace_opt(struct ekf_trace_opts *o, int c, const char *arg, const char *usage)
{
	struct passwd *pw;
	uint64_t size;
	char *end;
	double d;
	int r;

	switch (c) {
	case 'p':
		if (!ekf_parse_u32(arg, &o->pid) || o->pid == 0 || o->pid > 4194304)
			ekf_usage_error(NULL, "invalid --pid '%s': give a process id (1 to 4194304)", arg);
		o->have_pid = true;
		return true;
	case 'u':
		if (ekf_parse_u32(arg, &o->uid) && o->uid != UINT32_MAX) {
			o->have_uid = true;
			return true;
		}
		pw = *arg ? getpwnam(arg) : NULL;
		if (!pw)
			ekf_usage_error(NULL, "invalid --uid '%s': not a user id or a known user name", arg);
		o->uid = pw->pw_uid;
		o->have_uid = true;
		return true;
	case 'c':
		if (!*arg || strlen(arg) >= EKF_TRACE_COMM_LEN)
			ekf_usage_error(NULL, "invalid --comm '%s': give 1 to %d bytes (the kernel keeps %d of a command name)",
					arg, EKF_TRACE_COMM_LEN - 1, EKF_TRACE_COMM_LEN - 1);
		memset(o->comm, 0, sizeof(o->comm));
		memcpy(o->comm, arg, strlen(arg));
		o->have_comm = true;
		return true;
	case 'C': {
		struct statfs sfs;
		struct stat st;

		if (stat(arg, &st))
			ekf_usage_error(NULL, "invalid --cgroup '%s': %s", arg, strerror(errno));
		if (!S_ISDIR(st.st_mode))
			ekf_usage_error(NULL, "invalid --cgroup '%s': not a directory", arg);
		if (statfs(arg, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
			ekf_usage_error(NULL, "invalid --cgroup '%s': not a cgroup v2 directory (cgroup2 is usually at /sys/fs/cgroup)",
					arg);
		o->cgroup = arg;
		return true;
	}
	case 'x':
		o->failed = true;
		return true;
	case 'j':
		o->json = true;
		return true;
	case 'T':
		o->timestamp = true;
		return true;
	case 'd':
		errno = 0;
		d = strtod(arg, &end);
		if (!*arg || *end || errno || !isfinite(d) || d <= 0 || d > 31536000 || isspace((unsigned char)*arg))
			ekf_usage_error(NULL, "invalid --duration '%s': give seconds, more than 0 (e.g. 5 or 0.5)", arg);
		o->duration = d;
		return true;
	case 'b':
		if (!parse_size(arg, &size) || size < 4096 || size > (1ull << 30) || (size & (size - 1)))
			ekf_usage_error(NULL, "invalid --buffer-size '%s': give a power of two from 4K to 1G (e.g. 256K, 16M)",
					arg);
		o->buffer_size = size;
		return true;
	case 'm':
		/* the same check the kfunc does: bad patterns fail here, never per event */
		r = ekf_glob_match(arg, strlen(arg) + 1, "", 1, 0);
		if (r == -E2BIG)
			ekf_usage_error(NULL, "invalid --match '%.40s...': a pattern has at most %u bytes",
					arg, EKF_MAX_PATTERN);
		if (r < 0)
			ekf_usage_error(NULL, "invalid --match '%s': malformed glob (an unclosed '[', a trailing '\\', an inverted range or an unknown [:class:])",
					arg);
		o->match = arg;
		return true;
	case 'v':
		o->verbose = true;
		return true;
	case 'h':
		fputs(usage, stdout);
		exit(EKF_EXIT_OK);
	case 'V':
		printf("%s %s\n", ekf_prog_name, EKF_VERSION);
		exit(EKF_EXIT_OK);
	}
	return false;
}

void ekf_trace_set_contains(struct ekf_trace_opts *o, const char *arg)
{
	if (strlen(arg) > EKF_MAX_PATTERN)
		ekf_usage_error(NULL, "invalid --contains '%.40s...': at most %u bytes", arg, EKF_MAX_PATTERN);
	o->contains = arg;
}

void ekf_trace_parse(struct ekf_trace_opts *o, int argc, char **argv, const char *usage,
		     const struct ekf_trace_tool_opts *tool)
{
	static const struct option common[] = { EKF_TRACE_LONGOPTS };
	enum { ncommon = sizeof(common) / sizeof(common[0]) };
	struct option longopts[ncommon + 8];
	char shortopts[64];
	size_t n = ncommon;
	int c;

	memcpy(longopts, common, sizeof(common));
	for (; tool && tool->longopts[n - ncommon].name && n + 1 < ncommon + 8; n++)
		longopts[n] = tool->longopts[n - ncommon];
	memset(&longopts[n], 0, sizeof(longopts[n]));
	snprintf(shortopts, sizeof(shortopts), "%s%s", EKF_TRACE_SHORTOPTS,
		 tool ? tool->shortopts : "");
	ekf_trace_opts_init(o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ekf_trace_opt(o, c, optarg, usage))
			continue;
		if (!tool || !tool->handle(c, optarg))
			ekf_bad_option(NULL, argv, optopt, c);
	}
	if (optind < argc)
		ekf_usage_error(NULL, "unexpected argument '%s'", argv[optind]);
}

/* ------------------------------------------------------------------ */
/* Before loading                                                      */

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* libbpf 1.1 reads tracepoint ids from debugfs's tracing dir if it can, else tracefs. */
static const char *tracing_root(void)
{
	return access(DEBUGFS_TRACING, F_OK) == 0 ? DEBUGFS_TRACING : TRACEFS;
}

static char syscalls_dir[256];

void ekf_trace_preflight(struct ekf_trace *t)
{
	struct timespec rt, mono;

	ekf_log_setup(t->o->verbose);
	if (!ekf_have_bpf_caps())
		fail("run it as root, e.g. with sudo", "%s", EKF_NEED_ROOT_MSG);
	t->have_btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	if (!t->have_btf && t->needs_btf)
		fail("use a kernel built with CONFIG_DEBUG_INFO_BTF=y (every Debian kernel since 11 is)",
		     "this kernel has no BTF (/sys/kernel/btf/vmlinux: %s): CO-RE programs cannot be relocated",
		     strerror(errno));
	snprintf(syscalls_dir, sizeof(syscalls_dir), "%s/events/syscalls", tracing_root());
	if (!is_dir(syscalls_dir) && !is_dir(TRACEFS "/events")) {
		/* tracefs not mounted (this happens on minimal systems): mount it */
		if (mount("nodev", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
			fail("mount it: mount -t tracefs nodev " TRACEFS,
			     "tracefs is not mounted on " TRACEFS " and mounting it failed: %s",
			     strerror(errno));
		if (t->o->verbose)
			fprintf(stderr, "%s: mounted tracefs on " TRACEFS "\n", t->tool);
		snprintf(syscalls_dir, sizeof(syscalls_dir), "%s/events/syscalls", tracing_root());
	}
	if (!is_dir(syscalls_dir))
		fail("use a kernel built with CONFIG_FTRACE_SYSCALLS=y (Debian kernels are)",
		     "this kernel has no syscall tracepoints (%s is missing)", syscalls_dir);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	t->realtime_off_ns = (rt.tv_sec - mono.tv_sec) * 1000000000ll + (rt.tv_nsec - mono.tv_nsec);
	t->cgroup_fd = -1;
	t->time_sec = -1;
}

/* ------------------------------------------------------------------ */
/* Where the match runs                                                */

static void set_why(struct ekf_trace *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_why(struct ekf_trace *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
}

/* Is tok one of the comma-separated words of list ("syscall,tracing")? */
static bool has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	const char *p = list;

	while ((p = strstr(p, tok))) {
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

/*
 * The fexit targets: the syscall functions, named by the architecture's
 * syscall wrappers (arch/x86/include/asm/syscall_wrapper.h,
 * arch/arm64/include/asm/syscall_wrapper.h). Elsewhere: no fexit flavour.
 */
#if defined(__x86_64__)
#define SYSCALL_FN_PREFIX	"__x64_sys_"
#elif defined(__aarch64__)
#define SYSCALL_FN_PREFIX	"__arm64_sys_"
#endif

static bool is_kernel_mode(enum ekf_match_mode m)
{
	return m == EKF_MATCH_KERNEL_FEXIT || m == EKF_MATCH_KERNEL_BTF ||
	       m == EKF_MATCH_KERNEL_TP;
}

/* EKF_TRACE_ATTACH (tests): "fexit", "tp_btf" or "tracepoint" forces that flavour. */
static bool forced(const char *flavour)
{
	const char *force = getenv("EKF_TRACE_ATTACH");

	return force && !strcmp(force, flavour);
}

static enum ekf_match_mode forced_mode(void)
{
	if (forced("fexit"))
		return EKF_MATCH_KERNEL_FEXIT;
	if (forced("tp_btf"))
		return EKF_MATCH_KERNEL_BTF;
	if (forced("tracepoint"))
		return EKF_MATCH_KERNEL_TP;
	return EKF_MATCH_OFF;
}

/*
 * A kernel match through fexit: the tool has fexit programs and this
 * architecture a syscall function prefix. Whether the kernel allows
 * trampolines is only known by trying (the load fails otherwise).
 */
static void add_fexit_attempt(struct ekf_trace *t)
{
#ifdef SYSCALL_FN_PREFIX
	if (t->has_fexit)
		t->attempts[t->nattempts++] = EKF_MATCH_KERNEL_FEXIT;
#endif
}

/*
 * EKF_TRACE_ATTACH: the forced flavour's kernel attempt alone, when the
 * plan has it (the kernel allows it); otherwise the plan as it is.
 */
static void apply_forced_flavour(struct ekf_trace *t)
{
	enum ekf_match_mode want = forced_mode();
	int i, n = 0;
	bool found = false;

	for (i = 0; i < t->nattempts; i++)
		found |= t->attempts[i] == want;
	if (want == EKF_MATCH_OFF || !found)
		return;
	for (i = 0; i < t->nattempts; i++)
		if (!is_kernel_mode(t->attempts[i]) || t->attempts[i] == want)
			t->attempts[n++] = t->attempts[i];
	t->nattempts = n;
}

void ekf_trace_plan(struct ekf_trace *t)
{
	const char *missing = NULL;
	struct ekf_kmod km;
	struct btf *btf;
	char decl[256];

	t->nattempts = 0;
	t->attempt = 0;
	if (!t->need_glob && !t->need_strstr) {
		t->attempts[t->nattempts++] = EKF_MATCH_OFF;
		return;
	}
	ekf_kmod_probe(MODULE_NAME, &km);
	if (!t->have_btf) {
		set_why(t, "this kernel has no BTF (/sys/kernel/btf/vmlinux): kfuncs need it");
	} else if (!km.loaded) {
		set_why(t, "the %s module is not loaded", MODULE_NAME);
	} else if (!km.module_btf) {
		set_why(t, "the kernel did not accept the %s module's BTF", MODULE_NAME);
	} else if (!(btf = ekf_kmod_btf_load(MODULE_NAME))) {
		set_why(t, "cannot read the %s module's BTF: %s", MODULE_NAME, strerror(errno));
	} else {
		if (t->need_glob && !ekf_btf_func_decl(btf, "ekf_glob", decl, sizeof(decl)))
			missing = "ekf_glob";
		else if (t->need_strstr && !ekf_btf_func_decl(btf, "ekf_strstr", decl, sizeof(decl)))
			missing = "ekf_strstr";
		ekf_kmod_btf_free(btf);
		if (missing) {
			set_why(t, "the loaded %s module has no %s", MODULE_NAME, missing);
		} else if (!km.have_registered || has_token(km.registered, "all")) {
			/*
			 * 6.2+: registered for every program type. fexit first:
			 * only the traced calls pay, where any syscall tracepoint
			 * sends every syscall through the slow path. A
			 * non-matching --match costs open+close 1.21x/1.29x with
			 * fexit against 1.32x/1.51x with tp_btf on 7.2, 1.22x
			 * against 1.32x on 6.12 (bench-tracing, TCG, two runs).
			 * Then tp_btf: its floor (every call dropped at entry)
			 * costs 1.22x against 1.71x with tracepoint programs on
			 * 7.2, 1.12x against 1.17x on 6.18. The full object reads
			 * the kernel's BTF for the kfuncs anyway.
			 */
			add_fexit_attempt(t);
			t->attempts[t->nattempts++] = EKF_MATCH_KERNEL_BTF;
			t->attempts[t->nattempts++] = EKF_MATCH_KERNEL_TP;
		} else if (has_token(km.registered, "tracing")) {
			/*
			 * 6.1: TRACING yes, TRACEPOINT no: fexit and tp_btf are
			 * TRACING programs. Here the two cost about the same
			 * (1.19x/1.22x against 1.14x/1.26x, within the noise of
			 * two runs): fexit first, as everywhere.
			 */
			add_fexit_attempt(t);
			t->attempts[t->nattempts++] = EKF_MATCH_KERNEL_BTF;
		} else {
			set_why(t, "the %s module registered its kfuncs for %s programs only",
				MODULE_NAME, km.registered);
		}
	}
	t->attempts[t->nattempts++] = EKF_MATCH_USER;
	apply_forced_flavour(t);
}

bool ekf_trace_next_mode(struct ekf_trace *t)
{
	if (t->attempt >= t->nattempts)
		return false;
	t->mode = t->attempts[t->attempt++];
	return true;
}

static const char *mode_text(enum ekf_match_mode m)
{
	switch (m) {
	case EKF_MATCH_KERNEL_FEXIT:
		return "in the kernel (kfuncs called from fexit programs on the syscall functions)";
	case EKF_MATCH_KERNEL_TP:
		return "in the kernel (kfuncs called from the syscall tracepoint programs)";
	case EKF_MATCH_KERNEL_BTF:
		return "in the kernel (kfuncs called from tp_btf/sys_enter and sys_exit programs)";
	case EKF_MATCH_USER:
		return "in userspace";
	default:
		return "nowhere (no --match)";
	}
}

/* ------------------------------------------------------------------ */
/* Programs                                                            */

static char load_log[256 * 1024];
/* Why ekf_trace_prepare() refused an attempt before loading ("" if it did not). */
static char prepare_reason[256];

/* The attach flavour of t->mode; forced (tests) when nothing is matched in the kernel. */
static enum ekf_match_mode flavour(const struct ekf_trace *t)
{
	if (is_kernel_mode(t->mode))
		return t->mode;
	if (t->has_fexit && forced("fexit"))
		return EKF_MATCH_KERNEL_FEXIT;
	if (forced("tp_btf"))
		return EKF_MATCH_KERNEL_BTF;
	return EKF_MATCH_KERNEL_TP;
}

bool ekf_trace_plain(const struct ekf_trace *t)
{
	/* the plain object has the tracepoint programs only */
	return !is_kernel_mode(t->mode) && flavour(t) == EKF_MATCH_KERNEL_TP;
}

/*
 * "fexit_openat": aims it at the syscall function (__x64_sys_openat). The
 * kernel's BTF lookup (libbpf keeps the parsed BTF for the load) tells
 * whether this kernel has it. Returns 0, or why not in why.
 */
static int set_fexit_target(struct bpf_program *prog, char *fn, size_t size)
{
#ifdef SYSCALL_FN_PREFIX
	snprintf(fn, size, SYSCALL_FN_PREFIX "%s", bpf_program__name(prog) + strlen("fexit_"));
	return bpf_program__set_attach_target(prog, 0, fn);
#else
	snprintf(fn, size, "%s", bpf_program__name(prog));
	return -EOPNOTSUPP;
#endif
}

int ekf_trace_prepare(struct ekf_trace *t, struct bpf_object *obj)
{
	enum ekf_match_mode fl = flavour(t);
	struct bpf_program *prog;
	struct bpf_map *rb;
	char path[PATH_MAX], fn[128], targets[256] = "";
	const char *sec, *ev;
	int n = 0, err;

	t->obj = obj;
	load_log[0] = '\0';
	prepare_reason[0] = '\0';
	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);
		bool on;

		sec = bpf_program__section_name(prog);
		if (!strncmp(name, "btf_", 4)) {
			on = fl == EKF_MATCH_KERNEL_BTF;
		} else if (!strncmp(name, "fexit_", 6)) {
			on = false;
			if (fl == EKF_MATCH_KERNEL_FEXIT) {
				err = set_fexit_target(prog, fn, sizeof(fn));
				on = !err;
				if (on) {
					n++;
					snprintf(targets + strlen(targets), sizeof(targets) - strlen(targets),
						 "%s%s", targets[0] ? ", " : "", fn);
				} else if (t->o->verbose) {
					/* libbpf: -ESRCH for a name in no BTF, vmlinux or module */
					fprintf(stderr, "%s: no %s in the kernel's BTF%s%s%s: not traced\n",
						t->tool, fn, err == -ESRCH ? "" : " (",
						err == -ESRCH ? "" : strerror(-err), err == -ESRCH ? "" : ")");
				}
			}
		} else {
			/* "tracepoint/syscalls/sys_enter_openat": does this kernel have it? */
			ev = strrchr(sec, '/');
			snprintf(path, sizeof(path), "%s/%s", syscalls_dir, ev ? ev + 1 : sec);
			on = fl == EKF_MATCH_KERNEL_TP && is_dir(path);
			if (fl == EKF_MATCH_KERNEL_TP && !on && t->o->verbose)
				fprintf(stderr, "%s: no %s here: not traced\n", t->tool, ev ? ev + 1 : sec);
			if (on && strstr(sec, "sys_enter_"))
				n++;
		}
		bpf_program__set_autoload(prog, on);
		if (on)
			bpf_program__set_log_buf(prog, load_log, sizeof(load_log));
	}
	switch (fl) {
	case EKF_MATCH_KERNEL_FEXIT:
		if (!n) {
			snprintf(prepare_reason, sizeof(prepare_reason),
				 "none of the syscall functions %s traces is in the kernel's BTF",
				 t->tool);
			return -ENOENT;
		}
		if (t->o->verbose)
			fprintf(stderr, "%s: attaching fexit programs to %s\n", t->tool, targets);
		break;
	case EKF_MATCH_KERNEL_BTF:
		n = 1;
		if (t->o->verbose)
			fprintf(stderr, "%s: attaching to tp_btf/sys_enter and sys_exit\n", t->tool);
		break;
	default:
		if (!n)
			fail("use a kernel with syscall tracepoints for them (CONFIG_FTRACE_SYSCALLS=y)",
			     "none of the syscalls %s traces has a tracepoint in %s", t->tool,
			     syscalls_dir);
		break;
	}
	rb = bpf_object__find_map_by_name(obj, "events");
	if (rb)
		bpf_map__set_max_entries(rb, t->o->buffer_size);
	ekf_log_clear();
	return n;
}

/*
 * A kernel-match attempt failed (what: "load", "attach"): keeps why for -v
 * and returns true when another attempt is left.
 */
static bool attempt_failed(struct ekf_trace *t, const char *what, const char *reason)
{
	size_t n = strlen(t->why);

	if (!is_kernel_mode(t->mode) || t->attempt >= t->nattempts)
		return false;
	/* keep every reason: "A failed to load: X; B failed to attach: Y" */
	snprintf(t->why + n, sizeof(t->why) - n, "%smatching %s failed to %s: %s",
		 n ? "; " : "", mode_text(t->mode), what, reason);
	return true;
}

/* "libbpf's last warning: the errno text" of a failed load or attach */
static void libbpf_reason(int err, char *buf, size_t size)
{
	const char *warn = ekf_log_last_warning();

	snprintf(buf, size, "%s%s%s", warn ? warn : "", warn ? ": " : "", strerror(-err));
}

bool ekf_trace_load_failed(struct ekf_trace *t, int err)
{
	char reason[512];

	if (load_log[0] && t->o->verbose)
		fprintf(stderr, "verifier log:\n%s\n", load_log);
	if (prepare_reason[0])
		snprintf(reason, sizeof(reason), "%s", prepare_reason);
	else if (load_log[0])
		ekf_verifier_reason(load_log, reason, sizeof(reason));
	else
		libbpf_reason(err, reason, sizeof(reason));
	if (attempt_failed(t, "load", reason))
		return true;
	fail("run with -v for libbpf's and the verifier's output",
	     "the kernel refused the BPF programs: %s", reason);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct ekf_trace *t = ctx;

	return t->on_event(t, data, size);
}

static void detach_all(struct ekf_trace *t)
{
	while (t->nlinks > 0)
		bpf_link__destroy(t->links[--t->nlinks]);
}

/*
 * EKF_TRACE_TEST_FAIL_ATTACH=fexit (tests only): the last fexit program's
 * attach fails with EBUSY, the others attached: the fallback to the next
 * flavour, partial detach included, is tested without a kernel that
 * refuses the attach.
 */
static bool test_fail_attach(const struct bpf_program *prog, const struct bpf_program *last)
{
	const char *what = getenv("EKF_TRACE_TEST_FAIL_ATTACH");

	return what && !strcmp(what, "fexit") && prog == last &&
	       !strncmp(bpf_program__name(prog), "fexit_", 6);
}

/*
 * Every loaded program, the exit ones first: an entry then always has its
 * exit attached (ekf_trace_path.bpf.h releases a thread's slot there).
 * On failure the programs attached so far are detached.
 */
static int attach_all(struct ekf_trace *t)
{
	struct bpf_program *prog, *last = NULL;
	struct bpf_link *link;
	int pass, err;

	bpf_object__for_each_program(prog, t->obj)
		if (bpf_program__autoload(prog))
			last = prog;
	for (pass = 0; pass < 2; pass++) {
		bpf_object__for_each_program(prog, t->obj) {
			bool is_exit = strstr(bpf_program__name(prog), "exit") != NULL;

			if (!bpf_program__autoload(prog) || is_exit != (pass == 0))
				continue;
			if (t->nlinks == (int)(sizeof(t->links) / sizeof(t->links[0]))) {
				err = -E2BIG;
				goto fail;
			}
			if (test_fail_attach(prog, last)) {
				ekf_log_clear();
				err = -EBUSY;
				goto fail;
			}
			link = bpf_program__attach(prog);
			if (!link) {
				err = -errno;
				goto fail;
			}
			t->links[t->nlinks++] = link;
		}
	}
	return 0;
fail:
	detach_all(t);
	return err;
}

int ekf_trace_attach(struct ekf_trace *t)
{
	struct bpf_map *map;
	int zero = 0;

	if (t->o->cgroup) {
		if (t->cgroup_fd < 0)
			t->cgroup_fd = open(t->o->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		map = bpf_object__find_map_by_name(t->obj, "cgroup_filter");
		if (t->cgroup_fd < 0 || !map ||
		    bpf_map_update_elem(bpf_map__fd(map), &zero, &t->cgroup_fd, BPF_ANY))
			fail(NULL, "cannot set the --cgroup filter on %s: %s", t->o->cgroup,
			     strerror(errno));
	}
	ekf_log_clear();
	return attach_all(t);
}

bool ekf_trace_attach_failed(struct ekf_trace *t, int err)
{
	char reason[512];

	libbpf_reason(err, reason, sizeof(reason));
	if (attempt_failed(t, "attach", reason))
		return true;
	fail("run with -v for libbpf's output; the syscall tracepoints need tracefs (mount -t tracefs nodev " TRACEFS ")",
	     "attaching the BPF programs failed: %s", reason);
}

void ekf_trace_start(struct ekf_trace *t)
{
	struct bpf_map *map;
	struct sigaction sa = { .sa_handler = on_signal };
	int fd, err;

	map = bpf_object__find_map_by_name(t->obj, "events");
	fd = map ? bpf_map__fd(map) : -1;
	err = ekf_ring_open(&t->ring, fd, handle_event, t);
	if (err)
		fail(NULL, "cannot map the ring buffer: %s", strerror(-err));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (t->o->verbose) {
		fprintf(stderr, "%s: --match runs %s\n", t->tool, mode_text(t->mode));
		if (t->why[0])
			fprintf(stderr, "%s: because %s\n", t->tool, t->why);
	}
}

static uint64_t lost_count(struct ekf_trace *t)
{
	struct bpf_map *map = bpf_object__find_map_by_name(t->obj, "lost");
	int ncpu = libbpf_num_possible_cpus(), i, zero = 0;
	uint64_t *v, sum = 0;

	if (!map || ncpu <= 0)
		return 0;
	v = calloc(ncpu, sizeof(*v));
	if (v && !bpf_map_lookup_elem(bpf_map__fd(map), &zero, v))
		for (i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

int ekf_trace_run(struct ekf_trace *t)
{
	int64_t deadline = t->o->duration > 0 ? now_ms() + (int64_t)(t->o->duration * 1000 + 0.5) : 0;
	int err = 0, timeout;

	/* a pipe or a file: large writes; flushed after every batch anyway */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 256 * 1024);
	fprintf(stderr, "%s: attached, tracing... (Ctrl-C to stop)\n", t->tool);
	fflush(stderr);
	while (!stop) {
		timeout = POLL_MS;
		if (deadline) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			if (left < timeout)
				timeout = (int)left;
		}
		err = ekf_ring_poll(&t->ring, timeout);
		fflush(stdout);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0)
			break;
		err = 0;
	}
	/* what is still in the ring was traced: print it */
	if (err >= 0)
		ekf_ring_consume(&t->ring);
	t->lost = lost_count(t);
	if (t->o->json) {
		ekf_json_init(&t->json, stdout);
		ekf_json_object_begin(&t->json, NULL);
		ekf_json_string(&t->json, "type", "summary");
		ekf_json_uint(&t->json, "events", t->events);
		ekf_json_uint(&t->json, "lost", t->lost);
		ekf_json_string(&t->json, "match",
				t->mode == EKF_MATCH_OFF ? NULL :
				t->mode == EKF_MATCH_USER ? "userspace" : "kernel");
		ekf_json_object_end(&t->json);
	}
	fflush(stdout);
	fprintf(stderr, "%s: %llu events, %llu lost%s\n", t->tool, (unsigned long long)t->events,
		(unsigned long long)t->lost,
		t->lost ? " (the ring buffer was full: try a larger --buffer-size)" : "");
	detach_all(t);
	ekf_ring_close(&t->ring);
	if (t->cgroup_fd >= 0)
		close(t->cgroup_fd);
	if (err < 0) {
		ekf_err("reading the ring buffer failed: %s", strerror(-err));
		return EKF_EXIT_FAIL;
	}
	return EKF_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

bool ekf_trace_user_match(const struct ekf_trace *t, const char *str, size_t size)
{
	if (t->mode != EKF_MATCH_USER)
		return true;
	if (t->o->match && ekf_glob_match(t->o->match, strlen(t->o->match) + 1, str, size, 0) != 1)
		return false;
	if (t->o->contains && ekf_search_strstr(str, size, t->o->contains,
						strlen(t->o->contains) + 1) < 0)
		return false;
	return true;
}

int ekf_trace_main(struct ekf_trace *t, ekf_trace_load_fn load, const char *header)
{
	struct ekf_trace_skel sk = {};
	int rc;

	ekf_trace_preflight(t);
	ekf_trace_plan(t);
	for (;;) {
		if (!ekf_trace_next_mode(t)) {
			ekf_err("no way left to load the BPF programs");
			return EKF_EXIT_FAIL;
		}
		rc = load(t, ekf_trace_plain(t), &sk);
		if (rc) {
			ekf_trace_load_failed(t, rc);
			continue;
		}
		/* an attach refused (no trampoline for this function...): the next attempt */
		rc = ekf_trace_attach(t);
		if (!rc)
			break;
		ekf_trace_attach_failed(t, rc);
		sk.destroy(sk.skel);
		t->obj = NULL;
	}
	ekf_trace_start(t);
	if (!t->o->json)
		printf("%s%s\n", t->o->timestamp ? "TIME     " : "", header);
	rc = ekf_trace_run(t);
	sk.destroy(sk.skel);
	return rc;
}

bool ekf_trace_path_event(struct ekf_trace *t, const void *data, size_t size,
			  const char **path, size_t *len)
{
	const size_t off = offsetof(struct ekf_path_event, path);
	const struct ekf_path_event *e = data;
	size_t n;

	if (size < off)
		return false;
	/* path_len counts the NUL; the record may be shorter than it says */
	n = e->path_len;
	if (n > size - off)
		n = size - off;
	*path = n ? e->path : "";
	if (!ekf_trace_user_match(t, *path, n ? n : 1))
		return false;
	*len = n ? strnlen(*path, n) : 0;
	t->events++;
	return true;
}

void ekf_trace_text_begin(const struct ekf_trace *t, const struct ekf_trace_hdr *h,
			  char comm[EKF_TRACE_COMM_LEN + 1])
{
	char when[16];

	ekf_trace_comm(h, comm);
	if (t->o->timestamp) {
		ekf_trace_time_text(t, h->ts_ns, when, sizeof(when));
		printf("%-8s ", when);
	}
}

void ekf_trace_time_text(const struct ekf_trace *t, uint64_t ts_ns, char *buf, size_t size)
{
	time_t s = (time_t)((ts_ns + t->realtime_off_ns) / 1000000000ull);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

void ekf_trace_comm(const struct ekf_trace_hdr *h, char out[EKF_TRACE_COMM_LEN + 1])
{
	memcpy(out, h->comm, EKF_TRACE_COMM_LEN);
	out[EKF_TRACE_COMM_LEN] = '\0';
}

void ekf_trace_json_begin(struct ekf_trace *t, const char *type, const struct ekf_trace_hdr *h)
{
	uint64_t ns = h->ts_ns + t->realtime_off_ns;
	time_t s = (time_t)(ns / 1000000000ull);
	unsigned int us = ns % 1000000000ull / 1000;
	char comm[EKF_TRACE_COMM_LEN + 1], when[48];
	struct ekf_jline *l = &t->line;
	size_t n;
	int i;

	/* "2026-11-22T07:10:00": formatted once a second, not per event */
	if (s != t->time_sec) {
		struct tm tm;

		gmtime_r(&s, &tm);
		t->time_len = strftime(t->time_text, sizeof(t->time_text), "%Y-%m-%dT%H:%M:%S", &tm);
		t->time_sec = s;
	}
	/* then ".123456Z", without printf: this runs for every event */
	n = t->time_len;
	memcpy(when, t->time_text, n);
	when[n] = '.';
	for (i = 6; i > 0; i--, us /= 10)
		when[n + i] = '0' + us % 10;
	when[n + 7] = 'Z';
	ekf_trace_comm(h, comm);
	ekf_jl_begin(l);
	ekf_jl_str(l, "type", type);
	ekf_jl_bytes(l, "time", when, n + 8);
	ekf_jl_uint(l, "pid", h->pid);
	ekf_jl_uint(l, "tid", h->tid);
	ekf_jl_uint(l, "uid", h->uid);
	ekf_jl_str(l, "comm", comm);
	ekf_jl_str(l, "syscall", ekf_trace_sys_name(h->sys));
	ekf_jl_int(l, "ret", h->ret);
	if (h->ret < 0) {
		ekf_jl_int(l, "errno", -h->ret);
		ekf_jl_str(l, "error", ekf_trace_errno_name(-h->ret));
	} else {
		ekf_jl_null(l, "errno");
		ekf_jl_null(l, "error");
	}
}

void ekf_trace_json_end(struct ekf_trace *t)
{
	ekf_jl_end(&t->line, stdout);
}

const char *ekf_trace_sys_name(uint32_t sys)
{
	switch (sys) {
	case EKF_SYS_OPEN:	return "open";
	case EKF_SYS_OPENAT:	return "openat";
	case EKF_SYS_OPENAT2:	return "openat2";
	case EKF_SYS_UNLINK:	return "unlink";
	case EKF_SYS_UNLINKAT:	return "unlinkat";
	case EKF_SYS_RMDIR:	return "rmdir";
	case EKF_SYS_EXECVE:	return "execve";
	case EKF_SYS_EXECVEAT:	return "execveat";
	default:		return "?";
	}
}

const char *ekf_trace_errno_name(int err)
{
	static char buf[16];
	const char *n = strerrorname_np(err);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}
