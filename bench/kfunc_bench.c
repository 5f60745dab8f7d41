// SPDX-License-Identifier: GPL-2.0
/*
 * ekf-bench: speed of the ebpf_kfunc search kfuncs against the same search
 * done in BPF (a bpf_loop() scan, a bounded loop) and, where the kernel
 * has it, its own bpf_strnstr kfunc. Each variant is an XDP program run
 * with bpf_prog_test_run(repeat); the kernel reports the mean time per run,
 * from which the time of an empty XDP program, measured in the same run,
 * is subtracted.
 *
 *   ekf-bench [--label NAME] [--quick]
 *
 * Prints one JSON object a line ({"name", "value", "unit", "baseline", ...})
 * and "# " comment lines. Run it inside the VM (bench/bench.mk does).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kfunc_bench.h"
#include "bench_text.h"
#include "kfunc_bench.skel.h"
#include "kfunc_bench_strnstr.skel.h"

static const char *label;
static struct utsname uts;

static const char *utsname_release(void)
{
	return uts.release;
}
static double target_ns = 250e6;	/* time per measurement */
static int rounds = 3;			/* best of */
static char vlog[128 * 1024];

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return getenv("EKF_BENCH_VERBOSE") ? vfprintf(stderr, fmt, ap) : 0;
}

/* The shared globals of either object, once loaded. */
struct vars {
	char *hay, *needle;
	__u32 *hay_len, *needle_len;
	int *result;
};

struct variant {
	struct kfunc_bench_bpf *skel;
	struct kfunc_bench_strnstr_bpf *kskel;
	struct bpf_program *prog;
	struct vars v;
	char err[512];
};

static void variant_close(struct variant *x)
{
	kfunc_bench_bpf__destroy(x->skel);
	kfunc_bench_strnstr_bpf__destroy(x->kskel);
	memset(x, 0, sizeof(*x));
}

/* The verifier's last words: its last two lines before "processed N insns". */
static const char *log_tail(void)
{
	static char out[300];
	size_t n = strlen(vlog), i;
	char *p, *last;
	int lines = 0;

	while (n && vlog[n - 1] == '\n')
		vlog[--n] = 0;
	last = strrchr(vlog, '\n');
	if (last && !strncmp(last + 1, "processed ", 10))
		*last = 0;
	p = vlog + strlen(vlog);
	while (p > vlog && lines < 2)
		if (*--p == '\n')
			lines++;
	if (*p == '\n')
		p++;
	snprintf(out, sizeof(out), "%s", p);
	for (i = 0; out[i]; i++)
		if (out[i] == '\n' || out[i] == '"' || out[i] == '\\' || out[i] == '\t')
			out[i] = out[i] == '\n' ? '|' : ' ';
	return out;
}

/* Load program PROG of kfunc_bench.bpf.c, or the kernel's bpf_strnstr one. */
static int variant_open(struct variant *x, const char *prog)
{
	struct bpf_program *p;
	struct bpf_object *obj;
	int err;

	memset(x, 0, sizeof(*x));
	vlog[0] = 0;
	if (!strcmp(prog, "bench_kernel_strnstr")) {
		x->kskel = kfunc_bench_strnstr_bpf__open();
		if (!x->kskel)
			goto open_fail;
		obj = x->kskel->obj;
	} else {
		x->skel = kfunc_bench_bpf__open();
		if (!x->skel)
			goto open_fail;
		obj = x->skel->obj;
	}
	bpf_object__for_each_program(p, obj) {
		if (strcmp(bpf_program__name(p), prog)) {
			bpf_program__set_autoload(p, false);
			continue;
		}
		x->prog = p;
		bpf_program__set_log_buf(p, vlog, sizeof(vlog));
	}
	err = x->kskel ? kfunc_bench_strnstr_bpf__load(x->kskel) : kfunc_bench_bpf__load(x->skel);
	if (err) {
		snprintf(x->err, sizeof(x->err), "load failed (%d): %s", err, log_tail());
		return err;
	}
	if (x->kskel) {
		x->v = (struct vars){ x->kskel->bss->hay, x->kskel->bss->needle,
				      &x->kskel->bss->hay_len, &x->kskel->bss->needle_len,
				      &x->kskel->bss->result };
	} else {
		x->v = (struct vars){ x->skel->bss->hay, x->skel->bss->needle,
				      &x->skel->bss->hay_len, &x->skel->bss->needle_len,
				      &x->skel->bss->result };
	}
	return 0;
open_fail:
	snprintf(x->err, sizeof(x->err), "open failed: %s", strerror(errno));
	return -1;
}

/* Mean ns per run over REPEAT runs, as the kernel measured it. */
static int run(int fd, __u32 repeat, double *ns)
{
	unsigned char pkt[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb5 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = repeat);

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	if (opts.retval != XDP_PASS)
		return -EINVAL;
	*ns = opts.duration;
	return 0;
}

/* Best-of-rounds mean ns per run, each round about target_ns long. */
static int measure(struct bpf_program *prog, double *best)
{
	int fd = bpf_program__fd(prog), err, r;
	double ns, total;
	__u32 repeat = 1;

	for (;;) {		/* calibrate */
		err = run(fd, repeat, &ns);
		if (err)
			return err;
		total = ns * repeat;
		if (total >= target_ns / 10 || repeat >= (1u << 24))
			break;
		repeat *= total < target_ns / 1000 ? 100 : 4;
	}
	if (ns > 0) {
		double want = target_ns / ns;

		repeat = want < 1 ? 1 : want > (1u << 26) ? (1u << 26) : (__u32)want;
	}
	*best = INFINITY;
	for (r = 0; r < rounds; r++) {
		err = run(fd, repeat, &ns);
		if (err)
			return err;
		if (ns < *best)
			*best = ns;
	}
	return 0;
}

/* ---- inputs ---- */

enum input { IN_END, IN_ABSENT, IN_PATHOLOGICAL };
static const char *const input_names[] = { "end", "typical", "pathological" };

#define NEEDLE_END	"needle!X"			/* 8 bytes, never in the text */
#define NEEDLE_LONG	"the quick brown fox jumps over!!"	/* 32 bytes, absent */

/* Fill the globals; returns the answer every search should give. */
static int set_input(struct vars *v, enum input in, __u32 n, bool kernel_strnstr)
{
	const char *nd;
	__u32 m;

	memset(v->needle, 0, BENCH_NEEDLE_MAX);
	if (in == IN_PATHOLOGICAL) {
		memset(v->hay, 'a', n);
		m = 32;
		memset(v->needle, 'a', m - 1);
		v->needle[m - 1] = 'b';
	} else {
		make_text(v->hay, n);
		nd = in == IN_END ? NEEDLE_END : NEEDLE_LONG;
		m = strlen(nd);
		memcpy(v->needle, nd, m);
		if (in == IN_END)
			memcpy(v->hay + n - m, nd, m);
	}
	*v->hay_len = n;
	*v->needle_len = m;
	*v->result = -12345;
	if (in == IN_END)
		return n - m;
	return kernel_strnstr ? -ENOENT : -1;
}

/* ---- results ---- */

struct figure {
	bool ok;
	double per_s;		/* calls per second, overhead subtracted */
	double ns;		/* ns per call */
	int answer;
	char note[600];
};

static double overhead_ns;

static void bench_one(const char *prog, enum input in, __u32 n, struct figure *f)
{
	bool kernel = !strcmp(prog, "bench_kernel_strnstr");
	struct variant x;
	double ns;
	int want, err;

	memset(f, 0, sizeof(*f));
	if (variant_open(&x, prog)) {
		snprintf(f->note, sizeof(f->note), "%s", x.err);
		variant_close(&x);
		return;
	}
	want = set_input(&x.v, in, n, kernel);
	err = measure(x.prog, &ns);
	f->answer = *x.v.result;
	/* The kernel's search gives up at 64 KiB - 1 bytes without a match. */
	if (kernel && n >= BENCH_HAY_MAX && f->answer == -E2BIG && want == -ENOENT)
		want = -E2BIG;
	if (err) {
		snprintf(f->note, sizeof(f->note), "bpf_prog_test_run: %s", strerror(-err));
	} else if (strcmp(prog, "bench_empty") && *x.v.result != want) {
		snprintf(f->note, sizeof(f->note), "wrong answer %d, want %d", *x.v.result, want);
	} else {
		f->ok = true;
		f->ns = ns - overhead_ns;
		if (f->ns < 0.5)
			f->ns = 0.5;
		f->per_s = 1e9 / f->ns;
	}
	variant_close(&x);
}

static const char *size_name(__u32 n)
{
	static char buf[16];

	if (n >= 1024)
		snprintf(buf, sizeof(buf), "%uKiB", n / 1024);
	else
		snprintf(buf, sizeof(buf), "%uB", n);
	return buf;
}

/* One JSON line. BASE may be NULL; GOAL is "" or e.g. ">=10". */
static void emit(const char *what, __u32 n, enum input in, const struct figure *f,
		 const char *base_name, const struct figure *base, const char *goal, double goal_ratio)
{
	char name[160];

	snprintf(name, sizeof(name), "%s/%s/%s/%s", label, what, size_name(n), input_names[in]);
	if (base_name)
		snprintf(name + strlen(name), sizeof(name) - strlen(name), ":vs-%s", base_name);
	printf("{\"name\":\"%s\",", name);
	if (f->ok)
		printf("\"value\":%.0f,", f->per_s);
	else
		printf("\"value\":null,");
	printf("\"unit\":\"calls/s\",");
	if (base && base->ok)
		printf("\"baseline\":%.0f,", base->per_s);
	else
		printf("\"baseline\":null,");
	if (base_name)
		printf("\"baseline_name\":\"%s\",", base_name);
	if (f->ok)
		printf("\"ns_per_call\":%.1f,\"answer\":%d,", f->ns, f->answer);
	if (f->ok && base && base->ok) {
		double ratio = f->per_s / base->per_s;

		printf("\"ratio\":%.3f,", ratio);
		if (*goal)
			printf("\"goal\":\"%s\",\"met\":%s,", goal, ratio >= goal_ratio ? "true" : "false");
	} else if (*goal) {
		printf("\"goal\":\"%s\",\"met\":null,", goal);
	}
	if (!f->ok)
		printf("\"note\":\"%s\",", f->note);
	else if (base && !base->ok)
		printf("\"note\":\"baseline: %s\",", base->note);
	printf("\"kernel\":\"%s\"}\n", utsname_release());
	fflush(stdout);
}

static int vmlinux_has_func(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int id;

	if (!btf)
		return 0;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	btf__free(btf);
	return id > 0;
}

static const char *const impls[] = { "bench_memmem", "bench_strstr", "bench_bpf_loop",
				     "bench_kernel_strnstr" };
static const char *const impl_names[] = { "ekf_memmem", "ekf_strstr", "bpf_loop", "bpf_strnstr" };

int main(int argc, char **argv)
{
	static const __u32 sizes[] = { 64, 1024, BENCH_HAY_MAX };
	struct figure empty, loop, bfor, bforc, mm, ss, ks, typ, pat, *best, *best_c;
	const char *best_c_name;
	const char *best_name;
	bool has_strnstr;
	size_t s, i;
	int a;

	uname(&uts);
	label = uts.release;
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--label") && a + 1 < argc) {
			label = argv[++a];
		} else if (!strcmp(argv[a], "--quick")) {
			target_ns = 40e6;
			rounds = 1;
		} else {
			fprintf(stderr, "usage: %s [--label NAME] [--quick]\n", argv[0]);
			return 2;
		}
	}
	libbpf_set_print(quiet_print);
	setvbuf(stdout, NULL, _IOLBF, 0);

	has_strnstr = vmlinux_has_func("bpf_strnstr");
	printf("# ekf-bench on %s (%s): kernel bpf_strnstr %s; module registered: ", label,
	       uts.release, has_strnstr ? "yes" : "no");
	fflush(stdout);
	if (system("cat /sys/module/ebpf_kfunc/parameters/registered 2>/dev/null || echo 'not loaded'")) {
		/* only informative */
	}

	bench_one("bench_empty", IN_END, 64, &empty);
	if (!empty.ok) {
		printf("# the empty XDP program cannot be measured: %s\n", empty.note);
		return 1;
	}
	overhead_ns = empty.ns;
	printf("{\"name\":\"%s/xdp_empty/overhead\",\"value\":%.1f,\"unit\":\"ns/run\",\"baseline\":null,"
	       "\"note\":\"subtracted from every other figure\",\"kernel\":\"%s\"}\n",
	       label, overhead_ns, uts.release);

	/* Needle at the end of the haystack: every byte is looked at. */
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		__u32 n = sizes[s];
		const char *goal = n == 1024 ? ">=10" : "";

		bench_one("bench_bpf_loop", IN_END, n, &loop);
		emit("bpf_loop", n, IN_END, &loop, NULL, NULL, "", 0);
		bench_one(n == 64 ? "bench_for_64" : n == 1024 ? "bench_for_1k" : "bench_for_64k",
			  IN_END, n, &bfor);
		emit("bpf_for", n, IN_END, &bfor, NULL, NULL, "", 0);
		/* against the faster of the two BPF scans the verifier accepted */
		best = &loop;
		best_name = "bpf_loop";
		if (bfor.ok && (!loop.ok || bfor.per_s > loop.per_s)) {
			best = &bfor;
			best_name = "bpf_for";
		}
		bench_one("bench_memmem", IN_END, n, &mm);
		emit("ekf_memmem", n, IN_END, &mm, best_name, best, goal, 10);
		/* strstr against the C-string scan (it also stops at a NUL) */
		bench_one(n == 64 ? "bench_forc_64" : n == 1024 ? "bench_forc_1k" : "bench_forc_64k",
			  IN_END, n, &bforc);
		emit("bpf_for_cstr", n, IN_END, &bforc, NULL, NULL, "", 0);
		best_c = &loop;
		best_c_name = "bpf_loop";
		if (bforc.ok && (!loop.ok || bforc.per_s > loop.per_s)) {
			best_c = &bforc;
			best_c_name = "bpf_for_cstr";
		}
		bench_one("bench_strstr", IN_END, n, &ss);
		emit("ekf_strstr", n, IN_END, &ss, best_c_name, best_c, goal, 10);
		if (has_strnstr) {
			bench_one("bench_kernel_strnstr", IN_END, n, &ks);
			emit("bpf_strnstr", n, IN_END, &ks, NULL, NULL, "", 0);
			emit("ekf_strstr", n, IN_END, &ss, "bpf_strnstr", &ks, ">=1", 1);
			emit("ekf_memmem", n, IN_END, &mm, "bpf_strnstr", &ks, ">=1", 1);
		}
	}

	/* Pathological ("aaa...a" / "aa...ab") against typical text, both absent. */
	for (s = 1; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		__u32 n = sizes[s];

		for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
			bool ekf = i < 2;

			if (!strcmp(impls[i], "bench_kernel_strnstr") && !has_strnstr)
				continue;
			bench_one(impls[i], IN_ABSENT, n, &typ);
			emit(impl_names[i], n, IN_ABSENT, &typ, NULL, NULL, "", 0);
			bench_one(impls[i], IN_PATHOLOGICAL, n, &pat);
			emit(impl_names[i], n, IN_PATHOLOGICAL, &pat, "typical", &typ,
			     ekf ? ">=0.333" : "", 1.0 / 3);
		}
	}
	return 0;
}
