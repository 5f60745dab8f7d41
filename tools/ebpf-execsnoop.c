// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-execsnoop: trace every execve(2) and execveat(2) system-wide: who
 * ran what, with its arguments and the result. --match GLOB filters the
 * filename (or, with --match-args, the arguments joined by spaces) in the
 * kernel (ekf_glob) when the ebpf_kfunc module is loaded, in userspace
 * otherwise.
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
#include "ebpf_execsnoop.skel.h"

static const char usage[] =
"Usage: ebpf-execsnoop [OPTIONS]\n"
"\n"
"Traces every execve(2) and execveat(2) system-wide: one line per exec with\n"
"the new command name, the process and parent ids, the user, the result, the\n"
"filename and the arguments (at most 32 arguments, 256 bytes each, 4096 in\n"
"all: a cut list ends with \"...\").\n"
"\n"
"Options:\n"
"  -m, --match GLOB       only execs whose filename matches the shell GLOB\n"
"                         (whole filename; '*' matches '/' too), in the kernel\n"
"                         when the ebpf_kfunc module is loaded, else in userspace\n"
"  -a, --match-args       --match applies to the arguments joined by single\n"
"                         spaces (\"ls -l /tmp\"), not to the filename\n"
EKF_TRACE_USAGE_COMMON
"  (--comm is the command name after the exec: the one shown)\n"
"\n"
"Exit status: 0 success, 1 failure (cause and fix on stderr), 2 bad usage.\n"
"\n"
"EXAMPLES:\n"
"  ebpf-execsnoop                          # every exec, until Ctrl-C\n"
"  ebpf-execsnoop -T -u 1000               # one user's, with times\n"
"  ebpf-execsnoop --failed                 # execs that failed\n"
"  ebpf-execsnoop --match '*/curl'         # only curl\n"
"  ebpf-execsnoop -a --match '*--password*'\n"
"  ebpf-execsnoop --json -d 60 > exec.jsonl\n";

static struct ekf_trace_opts opts;
/* ppid is a CO-RE read of task_struct: the kernel's BTF is needed */
/*
 * No fexit flavour (has_fexit): after a successful exec the caller's
 * argv and filename are gone, so an exit-only program could not read them.
 */
static struct ekf_trace trace = { .tool = "ebpf-execsnoop", .o = &opts, .needs_btf = true };
static bool opt_match_args;

/* The arguments joined by single spaces, as --match-args sees them. */
static size_t join_args(const char *args, size_t len, char *out, size_t size)
{
	size_t i, n = len < size ? len : size - 1;

	memcpy(out, args, n);
	out[n] = '\0';
	/* every NUL but the last ends an argument */
	for (i = 0; n && i + 1 < n; i++)
		if (!out[i])
			out[i] = ' ';
	return n ? n : 1;
}

static int on_event(struct ekf_trace *t, const void *data, size_t size)
{
	const struct ekf_exec_event *e = data;
	char comm[EKF_TRACE_COMM_LEN + 1], joined[EKF_EXEC_ARGS_SIZE + 1];
	const size_t off = offsetof(struct ekf_exec_event, data);
	size_t flen, alen, jlen, i;
	const char *fname, *args, *a;
	bool cut;

	if (size < off)
		return 0;
	flen = e->filename_len;
	if (flen > size - off)
		flen = size - off;
	alen = e->args_len;
	if (alen > size - off - flen)
		alen = size - off - flen;
	fname = flen ? e->data : "";
	args = e->data + flen;
	cut = e->flags & EKF_EXEC_ARGS_CUT;
	jlen = join_args(args, alen, joined, sizeof(joined));
	if (opt_match_args ? !ekf_trace_user_match(t, joined, jlen) :
	    !ekf_trace_user_match(t, fname, flen ? flen : 1))
		return 0;
	t->events++;
	if (t->o->json) {
		ekf_trace_json_begin(t, "exec", &e->hdr);
		ekf_jl_uint(&t->line, "ppid", e->ppid);
		ekf_jl_bytes(&t->line, "filename", fname, flen ? strnlen(fname, flen) : 0);
		ekf_jl_array_begin(&t->line, "args");
		for (i = 0, a = args; i < e->argc && a < args + alen; i++) {
			size_t n = strnlen(a, args + alen - a);

			ekf_jl_bytes(&t->line, NULL, a, n);
			a += n + 1;
		}
		ekf_jl_array_end(&t->line);
		ekf_jl_bool(&t->line, "args_truncated", cut);
		ekf_jl_bool(&t->line, "filename_truncated", e->flags & EKF_EXEC_FILENAME_CUT);
		ekf_trace_json_end(t);
		return 0;
	}
	ekf_trace_text_begin(t, &e->hdr, comm);
	printf("%-16s %-7u %-7u %-6u %4d %-7s %.*s%s %s%s\n", comm, e->hdr.pid, e->ppid, e->hdr.uid,
	       e->hdr.ret, e->hdr.ret >= 0 ? "0" : ekf_trace_errno_name(-e->hdr.ret),
	       (int)(flen ? strnlen(fname, flen) : 0), fname,
	       e->flags & EKF_EXEC_FILENAME_CUT ? "..." : "", joined, cut ? " ..." : "");
	return 0;
}

static void set_globals(struct ebpf_execsnoop *skel)
{
	skel->rodata->nr_execve = __NR_execve;
	skel->rodata->nr_execveat = EKF_NR_EXECVEAT;
	skel->rodata->match_args = opt_match_args;
}

EKF_TRACE_DEFINE_LOADER(ebpf_execsnoop, set_globals)

/* One object: the ppid needs CO-RE (and so the kernel's BTF) anyway. */
static int load(struct ekf_trace *t, bool plain, struct ekf_trace_skel *out)
{
	return load_ebpf_execsnoop(t, out);
}

static bool tool_opt(int c, const char *arg)
{
	if (c != 'a')
		return false;
	opt_match_args = true;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "match-args", no_argument, NULL, 'a' },
		{ 0 },
	};
	static const struct ekf_trace_tool_opts tool = { "a", longopts, tool_opt };

	ekf_prog_name = "ebpf-execsnoop";
	ekf_trace_parse(&opts, argc, argv, usage, &tool);
	if (opt_match_args && !opts.match)
		ekf_usage_error(NULL, "--match-args needs --match GLOB");

	/* Arguments are valid: only now touch anything. */
	trace.need_glob = opts.match != NULL;
	trace.on_event = on_event;
	return ekf_trace_main(&trace, load, "PCOMM            PID     PPID    UID     RET ERR     FILENAME ARGS");
}
