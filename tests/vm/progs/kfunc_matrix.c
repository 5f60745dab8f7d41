// SPDX-License-Identifier: GPL-2.0
/*
 * ekf-test-matrix: every kfunc of ebpf_kfunc, called from every program
 * type, on known inputs (kfunc_cases.h).
 *
 *   ekf-test-matrix [TYPE...]   test TYPEs (default: all of them)
 *   ekf-test-matrix --hold      load a SYSCALL program that calls the
 *                               kfuncs, run it, print "ready", and keep it
 *                               loaded until killed (for the rmmod test)
 *
 * Whether a type must load is decided by what the running module says the
 * kernel accepted (/sys/module/ebpf_kfunc/parameters/registered: "all" or
 * a list of types), never by the kernel version. A type that is not
 * registered must be refused by the verifier, for the kfunc call.
 * Prints PASS/FAIL/SKIP lines; exits 1 if anything failed.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <linux/if_ether.h>

#include <bpf/bpf.h>

#include "check.h"
#include "ekf_test_util.h"
#include "kfunc_cases.h"
#include "kfunc_matrix.skel.h"

enum run_mode { RUN_TEST, RUN_PACKET, RUN_TRIGGER };

static const struct prog_type {
	const char *name;	/* in test names and on the command line */
	const char *prog;	/* program in kfunc_matrix.bpf.c */
	const char *token;	/* in the registered parameter */
	enum run_mode mode;
} types[] = {
	{ "syscall",	"prog_syscall",		"syscall",	RUN_TEST },
	{ "tracepoint",	"prog_tracepoint",	"tracepoint",	RUN_TRIGGER },
	{ "raw_tp",	"prog_raw_tp",		"raw_tracepoint", RUN_TRIGGER },
	{ "tp_btf",	"prog_tp_btf",		"tracing",	RUN_TRIGGER },
	{ "fentry",	"prog_fentry",		"tracing",	RUN_TRIGGER },
	{ "kprobe",	"prog_kprobe",		"kprobe",	RUN_TRIGGER },
	{ "xdp",	"prog_xdp",		"xdp",		RUN_PACKET },
	{ "tc",		"prog_tc",		"sched_cls",	RUN_PACKET },
};

static const struct ekf_case_info {
	const char *id, *kfunc, *what;
	int expected;
} cases[EKF_NCASES] = {
#define EKF_CASE_INFO(id, kf, exp, what) { #id, kf, what, exp },
	EKF_CASES(EKF_CASE_INFO)
#undef EKF_CASE_INFO
};

static const char *const kfuncs[] = { "ekf_memmem", "ekf_strstr", "ekf_strcasestr", "ekf_glob" };

static char vlog[256 * 1024];

/* fentry targets, in order of preference (see kfunc_matrix.bpf.c). */
static const char *const fentry_targets[] = { "__do_sys_getpid", "__task_pid_nr_ns" };

/* Open the skeleton with only PROG to load (at TARGET if not NULL), and load it. */
static struct kfunc_matrix_bpf *open_load_at(const char *prog, const char *target,
					      struct bpf_program **out, int *err)
{
	struct kfunc_matrix_bpf *skel;
	struct bpf_program *p;

	*out = NULL;
	skel = kfunc_matrix_bpf__open();
	if (!skel) {
		*err = -errno;
		return NULL;
	}
	bpf_object__for_each_program(p, skel->obj) {
		if (!strcmp(bpf_program__name(p), prog)) {
			*out = p;
			bpf_program__set_log_buf(p, vlog, sizeof(vlog));
			if (target)
				bpf_program__set_attach_target(p, 0, target);
		} else {
			bpf_program__set_autoload(p, false);
		}
	}
	vlog[0] = 0;
	*err = kfunc_matrix_bpf__load(skel);
	return skel;
}

static struct kfunc_matrix_bpf *open_load(const char *prog, struct bpf_program **out, int *err)
{
	return open_load_at(prog, NULL, out, err);
}

static void reset_results(struct kfunc_matrix_bpf *skel)
{
	int i;

	for (i = 0; i < EKF_NCASES; i++)
		skel->bss->results[i] = EKF_NOT_RUN;
	skel->bss->ran = 0;
	skel->bss->target_tgid = getpid();
}

static int run_test(struct bpf_program *prog, bool packet, char *why, size_t whysz)
{
	unsigned char pkt[EKF_PKT_LEN];
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	if (packet) {
		memset(pkt, 0, sizeof(pkt));
		memset(pkt, 0xff, 6);				/* dst: broadcast */
		memcpy(pkt + 6, "\x02\x00\x00\x00\x00\x01", 6);	/* src: local */
		pkt[12] = 0x88, pkt[13] = 0xb5;			/* local experimental ethertype */
		memcpy(pkt + EKF_PKT_MAGIC_OFF, EKF_PKT_MAGIC, strlen(EKF_PKT_MAGIC));
		opts.data_in = pkt;
		opts.data_size_in = sizeof(pkt);
		opts.repeat = 1;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		snprintf(why, whysz, "bpf_prog_test_run: %s", strerror(errno));
	return err;
}

static int run_trigger(struct bpf_program *prog, char *why, size_t whysz)
{
	struct bpf_link *link;
	int i;

	link = bpf_program__attach(prog);
	if (!link) {
		snprintf(why, whysz, "attach: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 3; i++)
		syscall(SYS_getpid);
	bpf_link__destroy(link);
	return 0;
}

static void check_results(const struct prog_type *t, struct kfunc_matrix_bpf *skel)
{
	char name[128], why[1024];
	size_t k, n;
	int i;

	for (k = 0; k < sizeof(kfuncs) / sizeof(kfuncs[0]) + 1; k++) {
		const char *kf = k < 4 ? kfuncs[k] : "packet";
		int checked = 0;

		if (!strcmp(kf, "packet") && t->mode != RUN_PACKET)
			continue;
		snprintf(name, sizeof(name), "kfunc-matrix/%s/%s", t->name, kf);
		why[0] = 0;
		n = 0;
		for (i = 0; i < EKF_NCASES; i++) {
			int got = skel->bss->results[i];

			if (strcmp(cases[i].kfunc, kf))
				continue;
			checked++;
			if (got == cases[i].expected)
				continue;
			n += snprintf(why + n, n < sizeof(why) ? sizeof(why) - n : 0,
				      "%s%s = %d, want %d", n ? "; " : "", cases[i].what,
				      got, cases[i].expected);
			if (n >= sizeof(why))
				n = sizeof(why) - 1;
		}
		if (!skel->bss->ran)
			check_fail(name, "the program did not run");
		else if (why[0])
			check_fail(name, "%s", why);
		else if (!checked)
			check_fail(name, "no case for %s", kf);
		else
			check_pass(name);
	}
}

/* fentry: the first target in vmlinux BTF whose program loads and runs on getpid. */
static void test_fentry(const struct prog_type *t, const char *registered)
{
	char why[2048] = "", err_why[512];
	struct kfunc_matrix_bpf *skel;
	struct bpf_program *prog;
	size_t i, n = 0;
	int err;

	for (i = 0; i < sizeof(fentry_targets) / sizeof(fentry_targets[0]); i++) {
		const char *target = fentry_targets[i];

		if (n >= sizeof(why) - 1)
			break;
		if (ekf_btf_has_func(NULL, target) != 1) {
			n += snprintf(why + n, sizeof(why) - n, "%s: not in vmlinux BTF; ", target);
			continue;
		}
		skel = open_load_at(t->prog, target, &prog, &err);
		if (!skel || err) {
			n += snprintf(why + n, sizeof(why) - n, "%s: load failed (%d): %s; ", target, err,
				      ekf_log_tail(vlog, 3));
			kfunc_matrix_bpf__destroy(skel);
			continue;
		}
		reset_results(skel);
		if (run_trigger(prog, err_why, sizeof(err_why))) {
			n += snprintf(why + n, sizeof(why) - n, "%s: %s; ", target, err_why);
		} else if (!skel->bss->ran) {
			n += snprintf(why + n, sizeof(why) - n, "%s: attached, never ran on getpid; ", target);
		} else {
			printf("# fentry target: %s\n", target);
			check_pass("kfunc-matrix/fentry/load");
			check_results(t, skel);
			kfunc_matrix_bpf__destroy(skel);
			return;
		}
		kfunc_matrix_bpf__destroy(skel);
	}
	check_fail("kfunc-matrix/fentry/load", "registered \"%s\" covers fentry, but no target worked: %s",
		   registered, why);
}

static void test_type(const struct prog_type *t, const char *registered)
{
	bool want = ekf_accepts(registered, t->token);
	struct kfunc_matrix_bpf *skel;
	struct bpf_program *prog;
	char name[128], why[512];
	int err;

	if (!strcmp(t->name, "fentry") && want) {
		test_fentry(t, registered);
		return;
	}
	snprintf(name, sizeof(name), "kfunc-matrix/%s/load", t->name);
	skel = open_load(t->prog, &prog, &err);
	if (!skel) {
		check_fail(name, "cannot open the BPF object: %s", strerror(-err));
		return;
	}
	if (!want) {
		snprintf(name, sizeof(name), "kfunc-matrix/%s/refused", t->name);
		if (!err)
			check_fail(name, "loaded, but the module registered only \"%s\"", registered);
		else if (!ekf_log_kfunc_not_allowed(vlog))
			check_fail(name, "refused (%d), but not for the kfunc: %s", err,
				   ekf_log_tail(vlog, 3));
		else
			check_pass(name);
		goto out;
	}
	if (err) {
		check_fail(name, "registered \"%s\" covers %s, yet load failed (%d): %s",
			   registered, t->name, err, ekf_log_tail(vlog, 4));
		goto out;
	}
	check_pass(name);

	reset_results(skel);
	why[0] = 0;
	if (t->mode == RUN_TRIGGER)
		err = run_trigger(prog, why, sizeof(why));
	else
		err = run_test(prog, t->mode == RUN_PACKET, why, sizeof(why));
	snprintf(name, sizeof(name), "kfunc-matrix/%s/run", t->name);
	if (err) {
		check_fail(name, "%s", why);
		goto out;
	}
	check_results(t, skel);
out:
	kfunc_matrix_bpf__destroy(skel);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* Keep a program that uses the kfuncs loaded until SIGTERM/SIGINT. */
static int hold(void)
{
	struct kfunc_matrix_bpf *skel;
	struct bpf_program *prog;
	char why[256];
	int err;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	skel = open_load("prog_syscall", &prog, &err);
	if (!skel || err) {
		fprintf(stderr, "hold: load failed (%d): %s\n", err, ekf_log_tail(vlog, 4));
		kfunc_matrix_bpf__destroy(skel);
		return 1;
	}
	reset_results(skel);
	if (run_test(prog, false, why, sizeof(why)) ||
	    skel->bss->results[EKF_C_MEMMEM_FOUND] != 7) {
		fprintf(stderr, "hold: the program did not run right: %s\n", why);
		kfunc_matrix_bpf__destroy(skel);
		return 1;
	}
	printf("ready %d\n", getpid());
	fflush(stdout);
	while (!stop)
		pause();
	kfunc_matrix_bpf__destroy(skel);
	return 0;
}

int main(int argc, char **argv)
{
	const char *registered;
	size_t i;
	int a;

	ekf_test_init();
	if (argc == 2 && !strcmp(argv[1], "--hold"))
		return hold();

	registered = ekf_registered();
	if (!registered[0]) {
		check_fail("kfunc-matrix/module", "%s is missing: ebpf_kfunc is not loaded",
			   EKF_PARAM_REGISTERED);
		return check_exit();
	}
	printf("# ebpf_kfunc registered: %s\n", registered);

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		bool chosen = argc < 2;

		for (a = 1; a < argc; a++)
			chosen |= !strcmp(argv[a], types[i].name);
		if (chosen)
			test_type(&types[i], registered);
	}
	for (a = 1; a < argc; a++) {
		bool known = false;

		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			known |= !strcmp(argv[a], types[i].name);
		if (!known)
			check_fail("kfunc-matrix/usage", "unknown program type %s", argv[a]);
	}
	return check_exit();
}
