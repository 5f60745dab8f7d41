// SPDX-License-Identifier: GPL-2.0
/*
 * ekf-test-tutorial: the kfunc tutorial's program (tutorial_strstr.bpf.c)
 * against the running kernel and module.
 *
 * - Kernel without its own bpf_strstr: the module must export bpf_strstr.
 *   If the module's registration covers kprobe programs, the program must
 *   load, and unlinking a file must print "... at index 7" to trace_pipe;
 *   if it does not, the load must fail for the kfunc.
 * - Kernel with its own bpf_strstr (about 6.17+, another signature): the
 *   module must not export one (two FUNCs of one name break registration),
 *   must still be loaded with its kfuncs registered, and the tutorial
 *   program, bound by libbpf to the kernel's bpf_strstr, must be refused.
 */
#include <fcntl.h>
#include <poll.h>
#include <time.h>

#include "check.h"
#include "ekf_test_util.h"
#include "tutorial_strstr.skel.h"

#define T "tutorial"

static char vlog[64 * 1024];

static struct tutorial_strstr_bpf *open_load(int *err)
{
	struct tutorial_strstr_bpf *skel = tutorial_strstr_bpf__open();

	if (!skel) {
		*err = -errno;
		return NULL;
	}
	vlog[0] = 0;
	bpf_program__set_log_buf(skel->progs.handle_kprobe, vlog, sizeof(vlog));
	*err = tutorial_strstr_bpf__load(skel);
	return skel;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Unlink a file, then wait up to 10 s for both trace lines of this process. */
static void check_trace(void)
{
	char want1[] = "'wor' found in 'Hello, world!' at index 7";
	char want2[128], buf[8192], path[64];
	size_t len = 0;
	int fd, tmp, got1 = 0, got2 = 0;
	double end;

	snprintf(want2, sizeof(want2), "Hello, world! (pid: %d) bpf_strstr 7", getpid());
	fd = open(EKF_TRACEFS "/trace_pipe", O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		check_fail(T "/trace", "open trace_pipe: %s", strerror(errno));
		return;
	}
	/* Drain what earlier tests left. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	snprintf(path, sizeof(path), "/tmp/ekf-tutorial-%d", getpid());
	tmp = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (tmp < 0 || close(tmp) || unlink(path)) {
		check_fail(T "/trace", "create and unlink %s: %s", path, strerror(errno));
		close(fd);
		return;
	}
	end = now() + 10;
	while (!(got1 && got2) && now() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char *nl, *line;
		ssize_t n;

		poll(&pfd, 1, 200);
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			continue;
		len += n;
		buf[len] = 0;
		line = buf;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			if (strstr(line, want1))
				got1 = 1;
			if (strstr(line, want2))
				got2 = 1;
			if (ekf_verbose)
				fprintf(stderr, "trace: %s\n", line);
			line = nl + 1;
		}
		len = strlen(line);
		memmove(buf, line, len + 1);
		if (len == sizeof(buf) - 1)
			len = 0;
	}
	close(fd);
	if (got1 && got2)
		check_pass(T "/trace");
	else
		check_fail(T "/trace", "no %s%s%s in trace_pipe within 10 s of unlink",
			   got1 ? "" : want1, got1 || got2 ? "" : " and no ", got2 ? "" : want2);
}

int main(void)
{
	struct tutorial_strstr_bpf *skel;
	const char *registered;
	int kernel_has, module_has, err;

	ekf_test_init();
	registered = ekf_registered();
	if (!registered[0]) {
		check_fail(T "/module", "%s is missing: ebpf_kfunc is not loaded",
			   EKF_PARAM_REGISTERED);
		return check_exit();
	}
	kernel_has = ekf_btf_has_func(NULL, "bpf_strstr");
	module_has = ekf_btf_has_func("ebpf_kfunc", "bpf_strstr");
	if (kernel_has < 0 || module_has < 0) {
		check_fail(T "/btf", "cannot read %s BTF: %s", kernel_has < 0 ? "vmlinux" : "ebpf_kfunc",
			   strerror(-(kernel_has < 0 ? kernel_has : module_has)));
		return check_exit();
	}
	printf("# kernel bpf_strstr: %s; module bpf_strstr: %s; registered: %s\n",
	       kernel_has ? "yes" : "no", module_has ? "yes" : "no", registered);

	if (kernel_has) {
		if (module_has)
			check_fail(T "/module-omits-bpf_strstr",
				   "the kernel has bpf_strstr and /sys/kernel/btf/ebpf_kfunc has one too");
		else
			check_pass(T "/module-omits-bpf_strstr");
		if (!strcmp(registered, "none") || !ekf_accepts(registered, "syscall"))
			check_fail(T "/module-registered", "registered = \"%s\"", registered);
		else
			check_pass(T "/module-registered");
		ekf_libbpf_log[0] = 0;
		skel = open_load(&err);
		if (skel && !err)
			check_fail(T "/load-refused", "the tutorial's 4-argument bpf_strstr loaded against the kernel's own bpf_strstr");
		else if (!strstr(ekf_libbpf_log, "bpf_strstr") || !strstr(ekf_libbpf_log, "incompatible"))
			check_fail(T "/load-refused", "refused (%d), but not for bpf_strstr's prototype: %s",
				   err, ekf_log_tail(ekf_libbpf_log, 3));
		else
			check_pass(T "/load-refused");
		tutorial_strstr_bpf__destroy(skel);
		check_skip(T "/trace", "the kernel's own bpf_strstr(s1, s2) replaces the tutorial's kfunc");
		return check_exit();
	}

	if (!module_has) {
		check_fail(T "/module-exports-bpf_strstr",
			   "the kernel has no bpf_strstr and /sys/kernel/btf/ebpf_kfunc has none either");
		return check_exit();
	}
	check_pass(T "/module-exports-bpf_strstr");

	skel = open_load(&err);
	if (!skel) {
		check_fail(T "/load", "cannot open the BPF object: %s", strerror(-err));
		return check_exit();
	}
	if (!ekf_accepts(registered, "kprobe")) {
		if (!err)
			check_fail(T "/load-refused", "kprobe program loaded, but the module registered only \"%s\"",
				   registered);
		else if (!ekf_log_kfunc_not_allowed(vlog))
			check_fail(T "/load-refused", "refused (%d), but not for the kfunc: %s", err,
				   ekf_log_tail(vlog, 3));
		else
			check_pass(T "/load-refused");
		snprintf(vlog, sizeof(vlog),
			 "kprobe programs cannot call module kfuncs here (registered: %s)", registered);
		check_skip(T "/trace", vlog);
		tutorial_strstr_bpf__destroy(skel);
		return check_exit();
	}
	if (err) {
		check_fail(T "/load", "registered \"%s\" covers kprobe, yet load failed (%d): %s",
			   registered, err, ekf_log_tail(vlog, 4));
		tutorial_strstr_bpf__destroy(skel);
		return check_exit();
	}
	check_pass(T "/load");
	err = ekf_mount_tracefs();
	if (err) {
		check_fail(T "/trace", "mount tracefs: %s", strerror(-err));
	} else if (tutorial_strstr_bpf__attach(skel)) {
		check_fail(T "/attach", "kprobe on do_unlinkat: %s", strerror(errno));
	} else {
		check_pass(T "/attach");
		check_trace();
	}
	tutorial_strstr_bpf__destroy(skel);
	return check_exit();
}
