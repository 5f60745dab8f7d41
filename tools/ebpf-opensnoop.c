// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-opensnoop: trace open(2), openat(2) and openat2(2) system-wide:
 * who opened what, with which flags, and the file descriptor or error.
 * --match GLOB filters the path in the kernel (ekf_glob) when the
 * ebpf_kfunc module is loaded, in userspace otherwise.
 *
 * Exit status: 0 success, 1 runtime failure (cause and fix on stderr),
 * 2 bad usage (the bad value named on stderr).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <bpf/libbpf.h>

#include "lib/ekf_cli.h"
#include "lib/ekf_trace.h"
#include "ebpf_opensnoop.skel.h"
#include "ebpf_opensnoop_plain.skel.h"

static const char usage[] =
"Usage: ebpf-opensnoop [OPTIONS]\n"
"\n"
"Traces open(2), openat(2) and openat2(2) (those this kernel has) system-wide:\n"
"one line per call with the process, the flags, the file descriptor or the\n"
"error, and the path as the caller gave it.\n"
"\n"
"Options:\n"
"  -m, --match GLOB       only paths matching the shell GLOB (whole path; '*'\n"
"                         matches '/' too), in the kernel when the ebpf_kfunc\n"
"                         module is loaded, in userspace otherwise\n"
EKF_TRACE_USAGE_COMMON
"\n"
"Exit status: 0 success, 1 failure (cause and fix on stderr), 2 bad usage.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-opensnoop                          # every open, until Ctrl-C\n"
"  ebpf-opensnoop -T -p 1234               # one process, with times\n"
"  ebpf-opensnoop --failed -c nginx        # failed opens of nginx\n"
"  ebpf-opensnoop --match '/etc/*'         # opens under /etc\n"
"  ebpf-opensnoop --json -d 10 > open.jsonl\n";

static struct ekf_trace_opts opts;
static struct ekf_trace trace = { .tool = "ebpf-opensnoop", .o = &opts };

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
		ekf_trace_json_begin(t, "open", &e->hdr);
		if (e->hdr.ret >= 0)
			ekf_jl_int(&t->line, "fd", e->hdr.ret);
		else
			ekf_jl_null(&t->line, "fd");
		ekf_jl_uint(&t->line, "flags", e->flags);
		ekf_jl_uint(&t->line, "mode", e->mode);
		ekf_jl_bytes(&t->line, "path", path, plen ? strnlen(path, plen) : 0);
		ekf_trace_json_end(t);
		return 0;
	}
	ekf_trace_comm(&e->hdr, comm);
	if (t->o->timestamp) {
		ekf_trace_time_text(t, e->hdr.ts_ns, when, sizeof(when));
		printf("%-8s ", when);
	}
	printf("%-7u %-16s %4d %-7s %8llo %.*s\n", e->hdr.pid, comm,
	       e->hdr.ret >= 0 ? e->hdr.ret : -1,
	       e->hdr.ret >= 0 ? "0" : ekf_trace_errno_name(-e->hdr.ret),
	       (unsigned long long)e->flags, (int)(plen ? strnlen(path, plen) : 0), path);
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
#ifdef __NR_open
#define NR_OPEN __NR_open
#else
#define NR_OPEN (-1)
#endif
#define NR_OPENAT __NR_openat
#ifdef __NR_openat2
#define NR_OPENAT2 __NR_openat2
#else
#define NR_OPENAT2 (-1)
#endif

#define SET_SYSCALL_NRS(skel)	\
do {				\
	(skel)->rodata->nr_open = NR_OPEN;	\
	(skel)->rodata->nr_openat = NR_OPENAT;	\
	(skel)->rodata->nr_openat2 = NR_OPENAT2;	\
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

DEFINE_LOADER(ebpf_opensnoop)
DEFINE_LOADER(ebpf_opensnoop_plain)

int main(int argc, char **argv)
{
	static const struct option longopts[] = { EKF_TRACE_LONGOPTS, { 0 } };
	struct loaded l = {};
	int c, err, rc;

	ekf_prog_name = "ebpf-opensnoop";
	ekf_trace_opts_init(&opts);
	opterr = 0;
	while ((c = getopt_long(argc, argv, EKF_TRACE_SHORTOPTS, longopts, NULL)) != -1)
		if (!ekf_trace_opt(&opts, c, optarg, usage))
			ekf_bad_option(NULL, argv, optopt, c);
	ekf_trace_no_args(argc, argv);

	/* Arguments are valid: only now touch anything. */
	trace.need_glob = opts.match != NULL;
	trace.on_event = on_event;
	ekf_trace_preflight(&trace);
	ekf_trace_plan(&trace);
	for (;;) {
		if (!ekf_trace_next_mode(&trace)) {
			ekf_err("no way left to load the BPF programs");
			return EKF_EXIT_FAIL;
		}
		err = ekf_trace_plain(&trace) ? load_ebpf_opensnoop_plain(&l) : load_ebpf_opensnoop(&l);
		if (!err)
			break;
		ekf_trace_load_failed(&trace, err);
	}
	ekf_trace_start(&trace, l.attach, l.skel);
	if (!opts.json) {
		if (opts.timestamp)
			printf("%-8s ", "TIME");
		printf("%-7s %-16s %4s %-7s %8s %s\n", "PID", "COMM", "FD", "ERR", "FLAGS", "PATH");
	}
	rc = ekf_trace_run(&trace);
	l.destroy(l.skel);
	return rc;
}
