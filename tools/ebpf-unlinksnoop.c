// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-unlinksnoop: who deletes what: unlink(2), unlinkat(2) and rmdir(2)
 * system-wide, with the path and the result. --match GLOB and --contains
 * STRING filter the path in the kernel (ekf_glob, ekf_strstr)
 * when the ebpf_kfunc module is loaded, in userspace otherwise.
 *
 * Exit status: 0 success, 1 runtime failure (cause and fix on stderr),
 * 2 bad usage (the bad value named on stderr).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/syscall.h>

#include <bpf/libbpf.h>

#include "lib/ekf_cli.h"
#include "lib/ekf_trace.h"
#include "ebpf_unlinksnoop.skel.h"
#include "ebpf_unlinksnoop_plain.skel.h"

static const char usage[] =
"Usage: ebpf-unlinksnoop [OPTIONS]\n"
"\n"
"Who deletes what: traces unlink(2), unlinkat(2) and rmdir(2) (those this\n"
"kernel has) system-wide, one line per call with the process, the syscall,\n"
"the result and the path as the caller gave it.\n"
"\n"
"Options:\n"
"  -m, --match GLOB       only paths matching the shell GLOB (whole path; '*'\n"
"                         matches '/' too), in the kernel when the ebpf_kfunc\n"
"                         module is loaded, in userspace otherwise\n"
"  -s, --contains STRING  only paths containing STRING (ekf_strstr; the same\n"
"                         rule for where it runs); with --match, both apply\n"
EKF_TRACE_USAGE_COMMON
"\n"
"Exit status: 0 success, 1 failure (cause and fix on stderr), 2 bad usage.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-unlinksnoop                        # every delete, until Ctrl-C\n"
"  ebpf-unlinksnoop -T --uid www-data      # one user, with times\n"
"  ebpf-unlinksnoop --contains .ssh        # who deletes anything .ssh\n"
"  ebpf-unlinksnoop --match '*.log' -x     # failed deletes of logs\n"
"  ebpf-unlinksnoop --json -d 60 > unlink.jsonl\n";

static struct ekf_trace_opts opts;
static struct ekf_trace trace = { .tool = "ebpf-unlinksnoop", .o = &opts };

static int on_event(struct ekf_trace *t, const void *data, size_t size)
{
	const struct ekf_path_event *e = data;
	char comm[EKF_TRACE_COMM_LEN + 1], when[16];
	size_t plen;
	const char *path;

	if (size < offsetof(struct ekf_path_event, path))
		return 0;
	plen = e->path_len;
	if (plen > size - offsetof(struct ekf_path_event, path))
		plen = size - offsetof(struct ekf_path_event, path);
	path = plen ? e->path : "";
	if (!ekf_trace_user_match(t, path, plen ? plen : 1))
		return 0;
	t->events++;
	if (t->o->json) {
		ekf_trace_json_begin(t, "unlink", &e->hdr);
		ekf_jl_uint(&t->line, "flags", e->flags);
		ekf_jl_bytes(&t->line, "path", path, plen ? strnlen(path, plen) : 0);
		ekf_trace_json_end(t);
		return 0;
	}
	ekf_trace_comm(&e->hdr, comm);
	if (t->o->timestamp) {
		ekf_trace_time_text(t, e->hdr.ts_ns, when, sizeof(when));
		printf("%-8s ", when);
	}
	/* unlinkat(AT_REMOVEDIR) is rmdir: say so */
	printf("%-7u %-16s %-10s %4d %-7s %.*s\n", e->hdr.pid, comm,
	       e->hdr.sys == EKF_SYS_UNLINKAT && (e->flags & AT_REMOVEDIR) ? "unlinkat/d" :
	       ekf_trace_sys_name(e->hdr.sys), e->hdr.ret >= 0 ? e->hdr.ret : -1,
	       e->hdr.ret >= 0 ? "0" : ekf_trace_errno_name(-e->hdr.ret),
	       (int)(plen ? strnlen(path, plen) : 0), path);
	return 0;
}

/*
 * Two objects: the full one (kfuncs, tp_btf programs) when the match runs
 * in the kernel, the plain one otherwise (no kernel BTF to read: faster
 * start, less memory). Both have the same maps, globals and programs.
 */
struct loaded {
	void *skel;
	int (*attach)(void *skel);
	void (*destroy)(void *skel);
};

/* The syscall numbers for the tp_btf programs; -1: not on this architecture */
#ifdef __NR_unlink
#define NR_UNLINK __NR_unlink
#else
#define NR_UNLINK (-1)
#endif
#define NR_UNLINKAT __NR_unlinkat
#ifdef __NR_rmdir
#define NR_RMDIR __NR_rmdir
#else
#define NR_RMDIR (-1)
#endif

#define SET_SYSCALL_NRS(skel)	\
do {				\
	(skel)->rodata->nr_unlink = NR_UNLINK;	\
	(skel)->rodata->nr_unlinkat = NR_UNLINKAT;	\
	(skel)->rodata->nr_rmdir = NR_RMDIR;	\
} while (0)

#define DEFINE_LOADER(T)							\
static int attach_##T(void *skel) { return T##__attach(skel); }		\
static void destroy_##T(void *skel) { T##__destroy(skel); }			\
static int load_##T(struct loaded *l)						\
{										\
	struct T *skel = T##__open();						\
	int err;								\
										\
	if (!skel) {								\
		ekf_err("cannot open the BPF object: %s", strerror(errno));	\
		exit(EKF_EXIT_FAIL);						\
	}									\
	EKF_TRACE_SET_GLOBALS(&trace, skel);					\
	SET_SYSCALL_NRS(skel);							\
	ekf_trace_prepare(&trace, skel->obj);					\
	err = T##__load(skel);							\
	if (err) {								\
		T##__destroy(skel);						\
		return err;							\
	}									\
	l->skel = skel;								\
	l->attach = attach_##T;							\
	l->destroy = destroy_##T;						\
	return 0;								\
}

DEFINE_LOADER(ebpf_unlinksnoop)
DEFINE_LOADER(ebpf_unlinksnoop_plain)

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		EKF_TRACE_LONGOPTS,
		{ "contains", required_argument, NULL, 's' },
		{ 0 },
	};
	struct loaded l = {};
	int c, err, rc;

	ekf_prog_name = "ebpf-unlinksnoop";
	ekf_trace_opts_init(&opts);
	opterr = 0;
	while ((c = getopt_long(argc, argv, EKF_TRACE_SHORTOPTS "s:", longopts, NULL)) != -1) {
		if (ekf_trace_opt(&opts, c, optarg, usage))
			continue;
		if (c == 's')
			ekf_trace_set_contains(&opts, optarg);
		else
			ekf_bad_option(NULL, argv, optopt, c);
	}
	ekf_trace_no_args(argc, argv);

	/* Arguments are valid: only now touch anything. */
	trace.need_glob = opts.match != NULL;
	trace.need_strstr = opts.contains != NULL;
	trace.on_event = on_event;
	ekf_trace_preflight(&trace);
	ekf_trace_plan(&trace);
	for (;;) {
		if (!ekf_trace_next_mode(&trace)) {
			ekf_err("no way left to load the BPF programs");
			return EKF_EXIT_FAIL;
		}
		err = ekf_trace_plain(&trace) ? load_ebpf_unlinksnoop_plain(&l) : load_ebpf_unlinksnoop(&l);
		if (!err)
			break;
		ekf_trace_load_failed(&trace, err);
	}
	ekf_trace_start(&trace, l.attach, l.skel);
	if (!opts.json) {
		if (opts.timestamp)
			printf("%-8s ", "TIME");
		printf("%-7s %-16s %-10s %4s %-7s %s\n", "PID", "COMM", "SYSCALL", "RET", "ERR", "PATH");
	}
	rc = ekf_trace_run(&trace);
	l.destroy(l.skel);
	return rc;
}
