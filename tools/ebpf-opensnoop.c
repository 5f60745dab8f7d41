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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
/* has_fexit: an in-kernel --match runs from fexit programs where the kernel allows */
static struct ekf_trace trace = { .tool = "ebpf-opensnoop", .o = &opts, .has_fexit = true };

static int on_event(struct ekf_trace *t, const void *data, size_t size)
{
	const struct ekf_path_event *e = data;
	char comm[EKF_TRACE_COMM_LEN + 1];
	const char *path;
	size_t len;

	if (!ekf_trace_path_event(t, data, size, &path, &len))
		return 0;
	if (t->o->json) {
		ekf_trace_json_begin(t, "open", &e->hdr);
		if (e->hdr.ret >= 0)
			ekf_jl_int(&t->line, "fd", e->hdr.ret);
		else
			ekf_jl_null(&t->line, "fd");
		ekf_jl_uint(&t->line, "flags", e->flags);
		ekf_jl_uint(&t->line, "mode", e->mode);
		ekf_jl_bytes(&t->line, "path", path, len);
		ekf_trace_json_end(t);
		return 0;
	}
	ekf_trace_text_begin(t, &e->hdr, comm);
	printf("%-7u %-16s %4d %-7s %8llo %.*s\n", e->hdr.pid, comm,
	       e->hdr.ret >= 0 ? e->hdr.ret : -1,
	       e->hdr.ret >= 0 ? "0" : ekf_trace_errno_name(-e->hdr.ret),
	       (unsigned long long)e->flags, (int)len, path);
	return 0;
}

/*
 * Two objects: the full one (kfuncs, tp_btf and fexit programs) when the match runs
 * in the kernel, the plain one otherwise (no kernel BTF to read: faster
 * start, less memory). Both have the same maps, globals and programs.
 */

#define SET_SYSCALL_NRS(skel)	\
do {				\
	(skel)->rodata->nr_open = EKF_NR_OPEN;		\
	(skel)->rodata->nr_openat = __NR_openat;	\
	(skel)->rodata->nr_openat2 = EKF_NR_OPENAT2;	\
} while (0)

EKF_TRACE_DEFINE_LOADERS(ebpf_opensnoop, SET_SYSCALL_NRS)

int main(int argc, char **argv)
{
	ekf_prog_name = "ebpf-opensnoop";
	ekf_trace_parse(&opts, argc, argv, usage, NULL);

	/* Arguments are valid: only now touch anything. */
	trace.need_glob = opts.match != NULL;
	trace.on_event = on_event;
	return ekf_trace_main(&trace, load, "PID     COMM               FD ERR        FLAGS PATH");
}
