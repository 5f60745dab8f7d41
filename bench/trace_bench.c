// SPDX-License-Identifier: GPL-2.0
/*
 * trace-bench: what ebpf-opensnoop costs, against no tracer and against
 * bpftrace printing the same, all in one run (the machine is shared and
 * noisy: only ratios within a run mean anything). One JSON object a line
 * on stdout ({"name","value","unit","baseline",...,"goal","met"}),
 * progress on stderr.
 *
 *   --part host   (default) on the running kernel, no module:
 *     open+close loop: none vs `ebpf-opensnoop --json >/dev/null` (every
 *     event delivered?) vs a non-matching --match (userspace here) vs
 *     bpftrace; two producers for --loss-seconds (opened vs printed);
 *     start-up to the first event (median of --starts); max RSS; CPU per
 *     event of userspace filtering; the floor: --pid 1 (every call dropped
 *     at entry) with tracepoint and with tp_btf programs.
 *   --part vm     inside a test VM with ebpf_kfunc loaded: a non-matching
 *     --match in the kernel vs none, its floor (the same with --pid 1),
 *     each with the tool's default attach flavour (fexit) and with
 *     EKF_TRACE_ATTACH=tp_btf, in --rounds interleaved rounds (medians);
 *     start-up and peak RSS of the full object;
 *     CPU per event of in-kernel vs userspace filtering (the module
 *     unloaded with rmmod, then loaded again from /lib/ekf-vm/ebpf_kfunc.ko).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define PRODUCER_COMM	"ekfbench-prod"
#define NOMATCH		"/nonexistent-ekf-bench/*"

static const char *tool = "build/bin/ebpf-opensnoop";
static const char *bpftrace = "/usr/bin/bpftrace";
static const char *label = "host";
static unsigned long loops = 1000000;
static double loss_seconds = 10;
static int starts = 10;
#define VM_MAX_ROUNDS	9
static int rounds = 3;		/* --part vm: rounds of every configuration */
static const char *bufsize;	/* --buffer-size for the tool, NULL: its default */
static char dir[256], file[300];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "trace-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t self_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

/* ------------------------------------------------------------------ */
/* JSON lines                                                          */

static const char *kernel(void)
{
	static struct utsname u;

	if (!u.release[0])
		uname(&u);
	return u.release;
}

/* The 1-minute load average: how busy the (shared) machine was. */
static double loadavg(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "re");

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

/*
 * One result. baseline < 0: none. goal: "" or "<=1.5" / ">=..." applied
 * to ratio (value / baseline) when ratio_goal, else to value.
 */
static void emit(const char *name, double value, const char *unit, double baseline,
		 const char *baseline_name, const char *goal, bool met_known, bool met,
		 const char *note)
{
	printf("{\"name\":\"%s/%s\",\"value\":%.3f,\"unit\":\"%s\",", label, name, value, unit);
	if (baseline >= 0)
		printf("\"baseline\":%.3f,\"baseline_name\":\"%s\",\"ratio\":%.3f,", baseline,
		       baseline_name, baseline > 0 ? value / baseline : 0);
	else
		printf("\"baseline\":null,");
	if (goal && *goal)
		printf("\"goal\":\"%s\",\"met\":%s,", goal, met_known ? (met ? "true" : "false") : "null");
	if (note && *note)
		printf("\"note\":\"%s\",", note);
	printf("\"loadavg\":%.2f,\"kernel\":\"%s\"}\n", loadavg(), kernel());
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* The workload                                                        */

struct loop_result {
	double ns_per_op;	/* wall */
	double cpu_per_op;	/* this process's CPU (user + sys) */
};

static struct loop_result open_loop(const char *path, unsigned long n)
{
	struct loop_result r;
	uint64_t t0 = now_ns(), c0 = self_cpu_ns();
	unsigned long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die("open %s: %s", path, strerror(errno));
		close(fd);
	}
	r.ns_per_op = (double)(now_ns() - t0) / n;
	r.cpu_per_op = (double)(self_cpu_ns() - c0) / n;
	return r;
}

/* ------------------------------------------------------------------ */
/* A tracer process, its stderr (and stdout) drained by threads        */

struct stream {
	int fd;
	char *buf;		/* everything read, for stderr */
	size_t len, cap;
	const char *ready;	/* set ready when this text appears */
	const char *marker;	/* count lines containing it (stdout) */
	uint64_t ready_ns, marker_ns;
	unsigned long lines_marked;
	char carry[8192];
	size_t ncarry;
	pthread_t thr;
	volatile bool is_ready, seen_marker;
};

struct tracer {
	pid_t pid;
	uint64_t spawn_ns;
	struct stream err, out;
	bool out_piped;
	struct rusage ru;
	int status;
	long rss_kb;		/* VmRSS while tracing */
};

static void scan_lines(struct stream *s, const char *data, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (data[i] != '\n')
			continue;
		if (s->ncarry + (i - start) < sizeof(s->carry)) {
			memcpy(s->carry + s->ncarry, data + start, i - start);
			s->ncarry += i - start;
		}
		s->carry[s->ncarry] = '\0';
		if (s->marker && strstr(s->carry, s->marker)) {
			s->lines_marked++;
			if (!s->seen_marker) {
				s->marker_ns = now_ns();
				s->seen_marker = true;
			}
		}
		if (s->ready && !s->is_ready && strstr(s->carry, s->ready)) {
			s->ready_ns = now_ns();
			s->is_ready = true;
		}
		s->ncarry = 0;
		start = i + 1;
	}
	if (start < n && s->ncarry + (n - start) < sizeof(s->carry)) {
		memcpy(s->carry + s->ncarry, data + start, n - start);
		s->ncarry += n - start;
	}
}

static void *drain(void *arg)
{
	struct stream *s = arg;
	char chunk[65536];
	ssize_t n;

	while ((n = read(s->fd, chunk, sizeof(chunk))) > 0) {
		if (s->buf && s->len + n < s->cap) {
			memcpy(s->buf + s->len, chunk, n);
			s->len += n;
			s->buf[s->len] = '\0';
		}
		scan_lines(s, chunk, n);
	}
	return NULL;
}

/*
 * Starts argv with stdout to /dev/null (out_marker NULL) or to a pipe whose
 * lines with out_marker are counted; waits for ready_text on stderr (or on
 * stdout if ready_on_out; not at all if NULL). Returns false if it died or
 * did not get ready.
 */
static bool tracer_start(struct tracer *t, char *const args[], const char *out_marker,
			 const char *ready_text, bool ready_on_out)
{
	int errp[2], outp[2] = { -1, -1 }, i, n = 0;
	char *argv[32];
	uint64_t deadline;

	/* "-b" with no --buffer-size given (NULL after it) ends the list */
	for (i = 0; args[i] && n < 31; i++) {
		if (!strcmp(args[i], "-b") && !args[i + 1])
			break;
		argv[n++] = args[i];
	}
	argv[n] = NULL;

	memset(t, 0, sizeof(*t));
	if (pipe2(errp, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	t->out_piped = out_marker || ready_on_out;
	if (t->out_piped && pipe2(outp, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	t->spawn_ns = now_ns();
	t->pid = fork();
	if (t->pid < 0)
		die("fork: %s", strerror(errno));
	if (!t->pid) {
		int null = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(t->out_piped ? outp[1] : null, 1);
		dup2(errp[1], 2);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(errp[1]);
	t->err.fd = errp[0];
	t->err.cap = 1 << 20;
	t->err.buf = calloc(1, t->err.cap + 1);
	t->err.ready = ready_on_out ? NULL : ready_text;
	pthread_create(&t->err.thr, NULL, drain, &t->err);
	if (t->out_piped) {
		close(outp[1]);
		t->out.fd = outp[0];
		t->out.marker = out_marker;
		t->out.ready = ready_on_out ? ready_text : NULL;
		pthread_create(&t->out.thr, NULL, drain, &t->out);
	}
	if (!ready_text)
		return true;
	deadline = now_ns() + 60000000000ull;
	while (!(ready_on_out ? t->out.is_ready : t->err.is_ready)) {
		if (now_ns() > deadline || waitpid(t->pid, &t->status, WNOHANG) == t->pid)
			return false;
		usleep(200);
	}
	return true;
}

static long vm_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void tracer_stop(struct tracer *t)
{
	t->rss_kb = vm_rss_kb(t->pid);
	kill(t->pid, SIGINT);
	wait4(t->pid, &t->status, 0, &t->ru);
	pthread_join(t->err.thr, NULL);
	close(t->err.fd);
	if (t->out_piped) {
		pthread_join(t->out.thr, NULL);
		close(t->out.fd);
	}
}

static double tracer_cpu_ns(const struct tracer *t)
{
	return (t->ru.ru_utime.tv_sec + t->ru.ru_stime.tv_sec) * 1e9 +
	       (t->ru.ru_utime.tv_usec + t->ru.ru_stime.tv_usec) * 1e3;
}

/* "ebpf-opensnoop: N events, M lost" */
static bool summary(const struct tracer *t, unsigned long long *events, unsigned long long *lost)
{
	const char *p = t->err.buf ? strstr(t->err.buf, " events, ") : NULL;

	if (!p)
		return false;
	while (p > t->err.buf && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return sscanf(p, "%llu events, %llu lost", events, lost) == 2;
}

/* Where -v said --match runs: "kernel", "userspace" or "?" */
static const char *match_where(const struct tracer *t)
{
	const char *p = t->err.buf ? strstr(t->err.buf, "--match runs ") : NULL;

	if (!p)
		return "?";
	p += strlen("--match runs ");
	return !strncmp(p, "in the kernel", 13) ? "kernel" :
	       !strncmp(p, "in userspace", 12) ? "userspace" : "?";
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------------ */
/* host part                                                           */

static const char bt_script[] =
	"BEGIN { printf(\"EKFREADY\\n\"); }\n"
	"tracepoint:syscalls:sys_enter_openat { @fn[tid] = args->filename; @fl[tid] = args->flags; }\n"
	"tracepoint:syscalls:sys_exit_openat /@fn[tid]/ { printf(\"{\\\"pid\\\":%d,\\\"comm\\\":\\\"%s\\\",\\\"ret\\\":%d,\\\"flags\\\":%d,\\\"path\\\":\\\"%s\\\"}\\n\", pid, comm, args->ret, @fl[tid], str(@fn[tid])); delete(@fn[tid]); delete(@fl[tid]); }\n";

/* The producers of the loss test: each opens and closes as fast as it can. */
static unsigned long long run_producers(int n, double seconds, int go_fd)
{
	unsigned long long total = 0, count;
	int results[2], i;
	pid_t pids[8];

	if (pipe(results))
		die("pipe: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			char path[400], c;
			uint64_t end;
			unsigned long long k = 0;
			int fd;

			snprintf(path, sizeof(path), "%s.p%d", file, i);
			close(open(path, O_CREAT | O_WRONLY, 0644));
			/* only now the name the tracer filters on: it sees only the loop */
			prctl(PR_SET_NAME, PRODUCER_COMM);
			if (read(go_fd, &c, 1) != 1)
				_exit(1);
			end = now_ns() + (uint64_t)(seconds * 1e9);
			while (now_ns() < end) {
				int j;

				for (j = 0; j < 64; j++) {
					fd = open(path, O_RDONLY);
					if (fd >= 0)
						close(fd);
					k++;
				}
			}
			if (write(results[1], &k, sizeof(k)) != sizeof(k))
				_exit(1);
			_exit(0);
		}
	}
	close(results[1]);
	for (i = 0; i < n; i++)
		if (read(results[0], &count, sizeof(count)) == sizeof(count))
			total += count;
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	close(results[0]);
	return total;
}

static void part_host(void)
{
	char *ours[] = { (char *)tool, "--json", "-b", (char *)bufsize, NULL };
	char *ours_nm[] = { (char *)tool, "--json", "-v", "--match", NOMATCH, "-b", (char *)bufsize, NULL };
	char *bt[] = { (char *)bpftrace, "-e", (char *)bt_script, NULL };
	struct loop_result b1, b2, r, r2, rnm, rbt;
	struct tracer t;
	unsigned long long ev = 0, lost = 0;
	double base, v[64], ratio, cpu;
	char note[512], name[96];
	bool have_bt = access(bpftrace, X_OK) == 0;
	int i, ok;

	/* --- overhead on open+close ---------------------------------------- */
	open_loop(file, loops / 10);	/* warm up */
	b1 = open_loop(file, loops);
	fprintf(stderr, "no tracer: %.0f ns per open+close\n", b1.ns_per_op);

	if (!tracer_start(&t, ours, NULL, "attached, tracing", false))
		die("%s did not start: %s", tool, t.err.buf);
	r = open_loop(file, loops);
	tracer_stop(&t);
	ok = summary(&t, &ev, &lost);
	fprintf(stderr, "ebpf-opensnoop --json: %.0f ns; %llu events, %llu lost; max RSS %ld kB\n",
		r.ns_per_op, ev, lost, t.ru.ru_maxrss);

	b2 = open_loop(file, loops);
	base = b1.ns_per_op < b2.ns_per_op ? b1.ns_per_op : b2.ns_per_op;
	fprintf(stderr, "no tracer again: %.0f ns\n", b2.ns_per_op);
	ratio = r.ns_per_op / base;
	snprintf(note, sizeof(note), "%llu events printed (system-wide), %llu lost, %lu opens", ev, lost, loops);
	emit("open-close/opensnoop-json", r.ns_per_op, "ns/op", base, "no-tracer", "<=1.5x, 0 lost",
	     ok, ok && ratio <= 1.5 && lost == 0 && ev >= loops, note);
	emit("opensnoop/lost-events-1-producer", lost, "events", -1, NULL, "0", ok, ok && lost == 0, NULL);
	emit("opensnoop/max-rss", t.ru.ru_maxrss / 1024.0, "MiB", -1, NULL, "<=8", true,
	     t.ru.ru_maxrss <= 8 * 1024, "ru_maxrss: the peak, during load (libbpf parses the kernel BTF)");
	emit("opensnoop/rss-while-tracing", t.rss_kb / 1024.0, "MiB", -1, NULL, "<=8", t.rss_kb >= 0,
	     t.rss_kb <= 8 * 1024, "VmRSS after the 1e6-open run, ring buffer pages included");

	snprintf(note, sizeof(note), "CPU per open+close: producer %.0f + tracer %.0f ns, no tracer %.0f ns (less noisy than wall under load)",
		 r.cpu_per_op, tracer_cpu_ns(&t) / loops, b1.cpu_per_op);
	emit("open-close/opensnoop-json-cpu", r.cpu_per_op + tracer_cpu_ns(&t) / loops, "ns/op",
	     b1.cpu_per_op, "no-tracer-cpu", "", false, false, note);

	/*
	 * --- the floor: a tracer that drops everything at entry (--pid 1):
	 * the syscall tracepoints' own cost (every syscall takes the slow
	 * path) and two program runs; nothing an in-kernel filter can go below.
	 */
	for (i = 0; i < 2; i++) {
		char *floor_args[] = { (char *)tool, "--json", "--pid", "1", NULL };
		const char *flavour = i ? "tp_btf" : "tracepoint";

		if (i)
			setenv("EKF_TRACE_ATTACH", "tp_btf", 1);
		ok = tracer_start(&t, floor_args, NULL, "attached, tracing", false);
		unsetenv("EKF_TRACE_ATTACH");
		if (!ok)
			die("%s did not start: %s", tool, t.err.buf);
		r2 = open_loop(file, loops);
		tracer_stop(&t);
		snprintf(note, sizeof(note), "--pid 1, %s programs: everything dropped at entry; producer CPU %.0f ns vs %.0f ns (%.2fx)",
			 flavour, r2.cpu_per_op, b1.cpu_per_op, r2.cpu_per_op / b1.cpu_per_op);
		fprintf(stderr, "floor (%s): %.0f ns, producer CPU %.0f ns\n", flavour, r2.ns_per_op,
			r2.cpu_per_op);
		snprintf(name, sizeof(name), "open-close/opensnoop-floor-%s", flavour);
		emit(name, r2.ns_per_op, "ns/op", base, "no-tracer", "", false, false, note);
	}

	/* --- a non-matching --match: userspace here (no module on the host) */
	if (!tracer_start(&t, ours_nm, NULL, "attached, tracing", false))
		die("%s did not start: %s", tool, t.err.buf);
	rnm = open_loop(file, loops);
	tracer_stop(&t);
	summary(&t, &ev, &lost);
	cpu = (rnm.cpu_per_op - b1.cpu_per_op) + tracer_cpu_ns(&t) / loops;
	snprintf(note, sizeof(note), "--match ran in %s (the in-kernel figure comes from the VM part)",
		 match_where(&t));
	fprintf(stderr, "--match non-matching (%s): %.0f ns, tracer CPU %.0f ns/event\n",
		match_where(&t), rnm.ns_per_op, tracer_cpu_ns(&t) / loops);
	emit(!strcmp(match_where(&t), "kernel") ? "open-close/opensnoop-nomatch-kernel" :
	     "open-close/opensnoop-nomatch-userspace", rnm.ns_per_op, "ns/op", base, "no-tracer",
	     !strcmp(match_where(&t), "kernel") ? "<=1.15x" : "", !strcmp(match_where(&t), "kernel"),
	     rnm.ns_per_op / base <= 1.15, note);
	emit("filter-cpu-per-event/userspace", cpu, "ns/event", -1, NULL, "", false, false,
	     "producer CPU over no-tracer + tracer CPU, per open, non-matching --match in userspace");

	/* --- bpftrace printing the same ----------------------------------- */
	if (have_bt) {
		if (!tracer_start(&t, bt, NULL, "EKFREADY", true)) {
			emit("open-close/bpftrace", 0, "ns/op", -1, NULL, "", false, false,
			     "bpftrace did not start");
		} else {
			rbt = open_loop(file, loops);
			tracer_stop(&t);
			fprintf(stderr, "bpftrace: %.0f ns; max RSS %ld kB\n", rbt.ns_per_op, t.ru.ru_maxrss);
			emit("open-close/bpftrace", rbt.ns_per_op, "ns/op", base, "no-tracer", "", false,
			     false, "bpftrace 0.17 printing one JSON-like line per open, stdout to a pipe drained by the bench");
			emit("open-close/opensnoop-vs-bpftrace", r.ns_per_op, "ns/op", rbt.ns_per_op,
			     "bpftrace", "<1x", true, r.ns_per_op < rbt.ns_per_op, NULL);
			emit("bpftrace/max-rss", t.ru.ru_maxrss / 1024.0, "MiB", -1, NULL, "", false, false, NULL);
		}
	} else {
		emit("open-close/bpftrace", 0, "ns/op", -1, NULL, "", false, false,
		     "bpftrace is not installed (apt install bpftrace)");
	}

	/* --- start-up to the first event ---------------------------------- */
	for (i = 0; i < starts && i < 64; i++) {
		char marker[64], mpath[400], *args[] = { (char *)tool, NULL };
		int fd;

		snprintf(marker, sizeof(marker), "ekf-start-%d-%d", getpid(), i);
		snprintf(mpath, sizeof(mpath), "%s/%s", dir, marker);
		close(open(mpath, O_CREAT | O_WRONLY, 0644));
		/* ready as soon as our marker is printed: keep opening it */
		tracer_start(&t, args, marker, NULL, false);
		while (!t.out.seen_marker && now_ns() - t.spawn_ns < 30000000000ull) {
			fd = open(mpath, O_RDONLY);
			if (fd >= 0)
				close(fd);
			usleep(500);
		}
		tracer_stop(&t);
		v[i] = t.out.seen_marker ? (t.out.marker_ns - t.spawn_ns) / 1e6 : 30000;
		free(t.err.buf);
	}
	if (starts > 0) {
		double med = median(v, i);

		snprintf(note, sizeof(note), "exec to the first event printed, median of %d (min %.1f, max %.1f)",
			 i, v[0], v[i - 1]);
		fprintf(stderr, "start-up to first event: median %.1f ms\n", med);
		emit("opensnoop/startup-to-first-event", med, "ms", -1, NULL, "<=25", true, med <= 25, note);
	}
	if (have_bt) {
		int n = 0;

		for (i = 0; i < 3; i++) {
			if (!tracer_start(&t, bt, NULL, "EKFREADY", true))
				continue;
			v[n++] = (t.out.ready_ns - t.spawn_ns) / 1e6;
			tracer_stop(&t);
		}
		if (n)
			emit("bpftrace/startup-to-ready", median(v, n), "ms", -1, NULL, "", false, false,
			     "exec to its BEGIN probe's output, median of 3");
	}

	/* --- loss: two producers ------------------------------------------- */
	{
		char *args[] = { (char *)tool, "--json", "--comm", PRODUCER_COMM, "-b", (char *)bufsize, NULL };
		unsigned long long opened;
		int go[2];

		if (pipe(go))
			die("pipe: %s", strerror(errno));
		if (!tracer_start(&t, args, NULL, "attached, tracing", false))
			die("%s did not start: %s", tool, t.err.buf);
		/* the producers block on go[0] until both exist */
		{
			pid_t feeder = fork();

			if (!feeder) {
				usleep(100000);
				if (write(go[1], "xx", 2) != 2)
					_exit(1);
				_exit(0);
			}
			opened = run_producers(2, loss_seconds, go[0]);
			waitpid(feeder, NULL, 0);
		}
		close(go[0]);
		close(go[1]);
		usleep(200000);
		tracer_stop(&t);
		ev = lost = 0;
		ok = summary(&t, &ev, &lost);
		snprintf(note, sizeof(note), "2 producers x %.0f s: %llu opened, %llu printed, %llu lost (JSON, --comm filter)",
			 loss_seconds, opened, ev, lost);
		fprintf(stderr, "loss: %s\n", note);
		emit("opensnoop/loss-2-producers", opened >= ev ? (double)(opened - ev) : 0, "events",
		     -1, NULL, "0", ok, ok && ev == opened && lost == 0, note);
		emit("opensnoop/events-per-second-2-producers", ev / loss_seconds, "events/s", -1, NULL,
		     "", false, false, NULL);
	}
}

/* ------------------------------------------------------------------ */
/* vm part: in-kernel vs userspace filtering                           */

static int run_cmd(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The attach flavour -v said the in-kernel match ran from ("fexit", "tp_btf", ...) */
static const char *match_flavour(const struct tracer *t)
{
	static const struct { const char *text, *name; } known[] = {
		{ "in the kernel (kfuncs called from fexit", "fexit" },
		{ "in the kernel (kfuncs called from tp_btf", "tp_btf" },
		{ "in the kernel (kfuncs called from the syscall tracepoint", "tracepoint" },
		{ "in userspace", "userspace" },
	};
	const char *p = t->err.buf ? strstr(t->err.buf, "--match runs ") : NULL;
	size_t i;

	if (!p)
		return "?";
	p += strlen("--match runs ");
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strncmp(p, known[i].text, strlen(known[i].text)))
			return known[i].name;
	return "?";
}

/* One tracer run over the open loop, in the VM. */
struct vm_run {
	struct loop_result r;
	char flavour[16];	/* match_flavour() */
	bool kernel;		/* the match ran in the kernel */
	double start_ms;	/* spawn to "attached, tracing" */
	long maxrss_kb;		/* ru_maxrss: the peak (during load) */
	double cpu_ns;		/* the tracer's CPU time */
};

/* args under EKF_TRACE_ATTACH=attach (NULL: the tool's own choice) */
static void vm_tracer_run(char *const args[], const char *attach, struct vm_run *out)
{
	struct tracer t;
	bool ok;

	if (attach)
		setenv("EKF_TRACE_ATTACH", attach, 1);
	ok = tracer_start(&t, args, NULL, "attached, tracing", false);
	unsetenv("EKF_TRACE_ATTACH");
	if (!ok)
		die("%s did not start: %s", tool, t.err.buf);
	out->start_ms = (t.err.ready_ns - t.spawn_ns) / 1e6;
	out->r = open_loop(file, loops);
	tracer_stop(&t);
	out->maxrss_kb = t.ru.ru_maxrss;
	out->cpu_ns = tracer_cpu_ns(&t);
	out->kernel = !strcmp(match_where(&t), "kernel");
	snprintf(out->flavour, sizeof(out->flavour), "%s", match_flavour(&t));
	if (!out->kernel)
		fprintf(stderr, "warning: --match did not run in the kernel: %s\n", t.err.buf);
	fprintf(stderr, "%s%s: %.0f ns/op, start %.0f ms, max RSS %ld kB, flavour %s\n",
		attach ? "EKF_TRACE_ATTACH=" : "default", attach ? attach : "", out->r.ns_per_op,
		out->start_ms, out->maxrss_kb, out->flavour);
}

/*
 * One configuration over the rounds: the round of the median ratio (its
 * ns_per_op and base_ns, so that value / baseline is that ratio), and the
 * medians of the rest.
 */
struct vm_summary {
	double ns_per_op, base_ns, start_ms, maxrss_mib, cpu_ns, producer_cpu;
	char flavour[16];	/* the first round's; every round must agree */
	bool kernel;		/* in the kernel in every round */
	char ratios[64];	/* each round's ratio to its baselines, "1.12 1.18 1.15" */
};

/*
 * runs[r] ran between baselines base[r] and base[r + 1]; each round's
 * ratio is to the lower of the two (the quieter moment).
 */
static void vm_summarize(const struct vm_run *runs, const struct loop_result *base, int n,
			 struct vm_summary *s)
{
	double ratio[VM_MAX_ROUNDS], sorted[VM_MAX_ROUNDS], bases[VM_MAX_ROUNDS];
	double st[VM_MAX_ROUNDS], rss[VM_MAX_ROUNDS], cpu[VM_MAX_ROUNDS], pc[VM_MAX_ROUNDS];
	size_t len = 0;
	int r, mid;

	s->kernel = true;
	s->ratios[0] = '\0';
	snprintf(s->flavour, sizeof(s->flavour), "%s", runs[0].flavour);
	for (r = 0; r < n; r++) {
		bases[r] = base[r].ns_per_op < base[r + 1].ns_per_op ? base[r].ns_per_op :
								       base[r + 1].ns_per_op;
		ratio[r] = sorted[r] = runs[r].r.ns_per_op / bases[r];
		st[r] = runs[r].start_ms;
		rss[r] = runs[r].maxrss_kb / 1024.0;
		cpu[r] = (runs[r].r.cpu_per_op - base[r].cpu_per_op) + runs[r].cpu_ns / loops;
		pc[r] = runs[r].r.cpu_per_op / base[r].cpu_per_op;
		s->kernel &= runs[r].kernel && !strcmp(runs[r].flavour, s->flavour);
		if (len < sizeof(s->ratios))
			len += snprintf(s->ratios + len, sizeof(s->ratios) - len, "%s%.2f",
					r ? " " : "", ratio[r]);
	}
	/* the lower middle for an even n: a round's own ratio, not a mean of two */
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	for (mid = 0; ratio[mid] != sorted[(n - 1) / 2]; mid++)
		;
	s->ns_per_op = runs[mid].r.ns_per_op;
	s->base_ns = bases[mid];
	s->start_ms = median(st, n);
	s->maxrss_mib = median(rss, n);
	s->cpu_ns = median(cpu, n);
	s->producer_cpu = median(pc, n);
}

static void part_vm(void)
{
	char *nm[] = { (char *)tool, "--json", "-v", "--match", NOMATCH, "-b", (char *)bufsize, NULL };
	char *floor_args[] = { (char *)tool, "--json", "-v", "--pid", "1", "--match", NOMATCH,
			       "-b", (char *)bufsize, NULL };
	struct vm_run k[VM_MAX_ROUNDS], kf[VM_MAX_ROUNDS], b[VM_MAX_ROUNDS], bf[VM_MAX_ROUNDS];
	struct loop_result base[VM_MAX_ROUNDS + 1], ru;
	struct vm_summary sk, sb, skf, sbf;
	double cpu_u = -1;
	struct tracer t;
	char note[256];
	int i, r;

	open_loop(file, loops / 10);
	/*
	 * Rounds of: no tracer, then each configuration once. Under TCG one
	 * loop's ratio moved by up to 0.4x from round to round; the median
	 * round, each against the baselines around it, by 0.01x between two
	 * runs of this bench.
	 */
	for (r = 0; r < rounds; r++) {
		fprintf(stderr, "round %d of %d\n", r + 1, rounds);
		base[r] = open_loop(file, loops);
		/* the tool's default flavour (fexit where the kernel allows it) */
		vm_tracer_run(nm, NULL, &k[r]);
		/* tp_btf, the flavour before fexit, for comparison */
		vm_tracer_run(nm, "tp_btf", &b[r]);
		/* the floors: the same programs, every call dropped at entry (--pid 1) */
		vm_tracer_run(floor_args, NULL, &kf[r]);
		vm_tracer_run(floor_args, "tp_btf", &bf[r]);
	}
	base[rounds] = open_loop(file, loops);
	vm_summarize(k, base, rounds, &sk);
	vm_summarize(b, base, rounds, &sb);
	vm_summarize(kf, base, rounds, &skf);
	vm_summarize(bf, base, rounds, &sbf);

	snprintf(note, sizeof(note), "default flavour: %s; the median of %d rounds (each round: %s); VM under TCG, 1 CPU",
		 sk.flavour, rounds, sk.ratios);
	emit("open-close/opensnoop-nomatch-kernel", sk.ns_per_op, "ns/op", sk.base_ns, "no-tracer",
	     "<=1.15x", sk.kernel, sk.ns_per_op / sk.base_ns <= 1.15, note);
	snprintf(note, sizeof(note), "EKF_TRACE_ATTACH=tp_btf: flavour %s, for comparison; rounds: %s; VM under TCG, 1 CPU",
		 sb.flavour, sb.ratios);
	emit("open-close/opensnoop-nomatch-kernel-tp_btf", sb.ns_per_op, "ns/op", sb.base_ns, "no-tracer",
	     "", false, false, note);
	snprintf(note, sizeof(note), "--pid 1 and the same --match (flavour %s): everything dropped at entry; rounds: %s; producer CPU %.2fx",
		 skf.flavour, skf.ratios, skf.producer_cpu);
	emit("open-close/opensnoop-floor-kernel", skf.ns_per_op, "ns/op", skf.base_ns, "no-tracer", "",
	     false, false, note);
	snprintf(note, sizeof(note), "EKF_TRACE_ATTACH=tp_btf, --pid 1 (flavour %s); rounds: %s; producer CPU %.2fx",
		 sbf.flavour, sbf.ratios, sbf.producer_cpu);
	emit("open-close/opensnoop-floor-kernel-tp_btf", sbf.ns_per_op, "ns/op", sbf.base_ns, "no-tracer",
	     "", false, false, note);

	/* the full object's cost: kernel BTF read for the kfuncs and the targets */
	snprintf(note, sizeof(note), "flavour %s; tp_btf %.0f ms; under TCG (~10x): the 25 ms goal is the host's",
		 sk.flavour, sb.start_ms);
	emit("opensnoop/start-to-attached-kernel-match", sk.start_ms, "ms", -1, NULL, "", false, false,
	     note);
	snprintf(note, sizeof(note), "ru_maxrss, flavour %s; tp_btf %.2f MiB", sk.flavour, sb.maxrss_mib);
	emit("opensnoop/max-rss-kernel-match", sk.maxrss_mib, "MiB", -1, NULL, "<=8", true,
	     sk.maxrss_mib <= 8, note);

	/* the same with the module gone: userspace */
	for (i = 0; i < 40 && run_cmd("rmmod ebpf_kfunc 2>/dev/null") != 0; i++)
		usleep(500000);
	if (access("/sys/module/ebpf_kfunc", F_OK) == 0) {
		fprintf(stderr, "cannot unload ebpf_kfunc: no userspace comparison\n");
	} else {
		if (!tracer_start(&t, nm, NULL, "attached, tracing", false))
			die("%s did not start: %s", tool, t.err.buf);
		ru = open_loop(file, loops);
		tracer_stop(&t);
		cpu_u = (ru.cpu_per_op - base[rounds].cpu_per_op) + tracer_cpu_ns(&t) / loops;
		snprintf(note, sizeof(note), "--match ran in %s; VM under TCG, 1 CPU", match_where(&t));
		emit("open-close/opensnoop-nomatch-userspace", ru.ns_per_op, "ns/op",
		     base[rounds].ns_per_op, "no-tracer", "", false, false, note);
		if (run_cmd("insmod /lib/ekf-vm/ebpf_kfunc.ko") != 0)
			fprintf(stderr, "insmod failed\n");
	}
	snprintf(note, sizeof(note), "producer CPU over no-tracer + tracer CPU, per open, non-matching --match (flavour %s)",
		 sk.flavour);
	emit("filter-cpu-per-event/kernel", sk.cpu_ns, "ns/event", cpu_u, "userspace", "<1x",
	     cpu_u > 0, sk.cpu_ns < cpu_u, note);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tool", required_argument, NULL, 't' },
		{ "bpftrace", required_argument, NULL, 'b' },
		{ "loops", required_argument, NULL, 'n' },
		{ "loss-seconds", required_argument, NULL, 's' },
		{ "starts", required_argument, NULL, 'S' },
		{ "label", required_argument, NULL, 'l' },
		{ "part", required_argument, NULL, 'p' },
		{ "quick", no_argument, NULL, 'q' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "rounds", required_argument, NULL, 'R' },
		{ 0 },
	};
	const char *part = "host";
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't': tool = optarg; break;
		case 'b': bpftrace = optarg; break;
		case 'n': loops = strtoul(optarg, NULL, 0); break;
		case 's': loss_seconds = strtod(optarg, NULL); break;
		case 'S': starts = atoi(optarg); break;
		case 'l': label = optarg; break;
		case 'p': part = optarg; break;
		case 'B': bufsize = optarg; break;
		case 'R': rounds = atoi(optarg); break;
		case 'q': loops = 100000; loss_seconds = 2; starts = 3; rounds = 1; break;
		default:
			fprintf(stderr, "usage: trace-bench [--part host|vm] [--tool PATH] [--bpftrace PATH] [--loops N] [--loss-seconds S] [--starts N] [--rounds N] [--label L] [--quick]\n");
			return 2;
		}
	}
	/* no --buffer-size: "-b" ends the argument lists (NULL) */
	if (!loops || loss_seconds <= 0 || starts < 0 || starts > 64 || rounds < 1 ||
	    rounds > VM_MAX_ROUNDS)
		die("bad --loops, --loss-seconds, --starts or --rounds (1 to %d)", VM_MAX_ROUNDS);
	if (access(tool, X_OK))
		die("%s: %s (make tools)", tool, strerror(errno));
	snprintf(dir, sizeof(dir), "/tmp/ekf-trace-bench.%d", getpid());
	mkdir(dir, 0755);
	snprintf(file, sizeof(file), "%s/bench-file", dir);
	close(open(file, O_CREAT | O_WRONLY, 0644));
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(part, "vm"))
		part_vm();
	else
		part_host();
	run_cmd("true");
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		run_cmd(cmd);
	}
	return 0;
}
