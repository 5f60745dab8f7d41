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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>

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
/* has_fexit: an in-kernel match runs from fexit programs where the kernel allows */
static struct ekf_trace trace = { .tool = "ebpf-unlinksnoop", .o = &opts, .has_fexit = true };

static int on_event(struct ekf_trace *t, const void *data, size_t size)
{
	const struct ekf_path_event *e = data;
	char comm[EKF_TRACE_COMM_LEN + 1];
	const char *path;
	size_t len;

	if (!ekf_trace_path_event(t, data, size, &path, &len))
		return 0;
	if (t->o->json) {
		ekf_trace_json_begin(t, "unlink", &e->hdr);
		ekf_jl_uint(&t->line, "flags", e->flags);
		ekf_jl_bytes(&t->line, "path", path, len);
		ekf_trace_json_end(t);
		return 0;
	}
	ekf_trace_text_begin(t, &e->hdr, comm);
	/* unlinkat(AT_REMOVEDIR) is rmdir: say so */
	printf("%-7u %-16s %-10s %4d %-7s %.*s\n", e->hdr.pid, comm,
	       e->hdr.sys == EKF_SYS_UNLINKAT && (e->flags & AT_REMOVEDIR) ? "unlinkat/d" :
	       ekf_trace_sys_name(e->hdr.sys), e->hdr.ret >= 0 ? e->hdr.ret : -1,
	       e->hdr.ret >= 0 ? "0" : ekf_trace_errno_name(-e->hdr.ret), (int)len, path);
	return 0;
}

/* Two objects, as in ebpf-opensnoop: with and without the kfuncs. */

#define SET_SYSCALL_NRS(skel)	\
do {				\
	(skel)->rodata->nr_unlink = EKF_NR_UNLINK;	\
	(skel)->rodata->nr_unlinkat = __NR_unlinkat;	\
	(skel)->rodata->nr_rmdir = EKF_NR_RMDIR;	\
} while (0)

EKF_TRACE_DEFINE_LOADERS(ebpf_unlinksnoop, SET_SYSCALL_NRS)

static bool tool_opt(int c, const char *arg)
{
	if (c != 's')
		return false;
	ekf_trace_set_contains(&opts, arg);
	return true;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "contains", required_argument, NULL, 's' },
		{ 0 },
	};
	static const struct ekf_trace_tool_opts tool = { "s:", longopts, tool_opt };

	ekf_prog_name = "ebpf-unlinksnoop";
	ekf_trace_parse(&opts, argc, argv, usage, &tool);

	/* Arguments are valid: only now touch anything. */
	trace.need_glob = opts.match != NULL;
	trace.need_strstr = opts.contains != NULL;
	trace.on_event = on_event;
	return ekf_trace_main(&trace, load, "PID     COMM             SYSCALL     RET ERR     PATH");
}
