/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ebpf-execsnoop, ebpf-opensnoop and ebpf-unlinksnoop share: their
 * common options and filters, the checks before loading (root, BTF,
 * tracefs), where --match / --contains run (in the kernel through the
 * module's kfuncs, or in userspace with the same kmod/lib code), program
 * selection (attach flavour, syscalls this kernel lacks), the ring buffer
 * loop (signals, --duration), lost-event accounting and the summary.
 */
#ifndef EKF_TRACE_H
#define EKF_TRACE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ekf_json.h"
#include "ekf_jline.h"
#include "../../bpf/ebpf_trace.h"
#include "../../kmod/lib/ekf_limits.h"

struct bpf_object;
struct bpf_program;

/*
 * Bytes of ring buffer: 0 events lost with two producers opening as fast
 * as they can for 10 s on the 2-CPU build machine (1 MiB lost some), and
 * the tool's RSS stays under 8 MiB (the data pages are mapped twice).
 */
#define EKF_TRACE_BUFFER_DEFAULT	(2u << 20)

struct ekf_trace_opts {
	bool have_pid, have_uid, have_comm;
	uint32_t pid, uid;
	char comm[EKF_TRACE_COMM_LEN];
	const char *cgroup;		/* --cgroup PATH */
	bool failed;			/* --failed */
	bool json, timestamp, verbose;
	double duration;		/* seconds, 0: until a signal */
	uint64_t buffer_size;
	const char *match;		/* --match GLOB */
	const char *contains;		/* --contains STRING (unlinksnoop) */
};

/* Options every tool takes; the tool adds its own (values >= 0x100). */
#define EKF_TRACE_SHORTOPTS	":p:u:c:xjTd:b:m:vhV"
#define EKF_TRACE_LONGOPTS						\
	{ "pid",         required_argument, NULL, 'p' },		\
	{ "uid",         required_argument, NULL, 'u' },		\
	{ "comm",        required_argument, NULL, 'c' },		\
	{ "cgroup",      required_argument, NULL, 'C' },		\
	{ "failed",      no_argument,       NULL, 'x' },		\
	{ "json",        no_argument,       NULL, 'j' },		\
	{ "timestamp",   no_argument,       NULL, 'T' },		\
	{ "duration",    required_argument, NULL, 'd' },		\
	{ "buffer-size", required_argument, NULL, 'b' },		\
	{ "match",       required_argument, NULL, 'm' },		\
	{ "verbose",     no_argument,       NULL, 'v' },		\
	{ "help",        no_argument,       NULL, 'h' },		\
	{ "version",     no_argument,       NULL, 'V' }

/* Help text of the common options, for the tools' usage. */
#define EKF_TRACE_USAGE_COMMON						\
"  -p, --pid PID          only this process\n"				\
"  -u, --uid UID          only this user (number or name)\n"		\
"  -c, --comm COMM        only tasks with this command name (exact)\n"	\
"      --cgroup PATH      only tasks in this cgroup v2 directory or below\n" \
"  -x, --failed           only failed calls\n"				\
"  -j, --json             one JSON object a line (fields: the man page)\n" \
"  -T, --timestamp        a TIME column (HH:MM:SS)\n"			\
"  -d, --duration SECS    stop after SECS seconds (decimals allowed)\n"	\
"  -b, --buffer-size SIZE ring buffer bytes, a power of two (K, M suffixes;\n" \
"                         default 2M)\n"					\
"  -v, --verbose          libbpf debug output, and where --match runs\n"	\
"  -h, --help             this help\n"					\
"  -V, --version          the version\n"

void ekf_trace_opts_init(struct ekf_trace_opts *o);

/*
 * Handles a common option c (from getopt_long) with argument arg: validates
 * it and exits 2 naming a bad value. usage is printed by -h. Returns false
 * for an option it does not know.
 */
bool ekf_trace_opt(struct ekf_trace_opts *o, int c, const char *arg, const char *usage);

/* After getopt: anything left over is an unexpected argument (exit 2). */
void ekf_trace_no_args(int argc, char **argv);

/* --contains: validates STRING (exit 2). */
void ekf_trace_set_contains(struct ekf_trace_opts *o, const char *arg);

/* Where --match / --contains run. */
enum ekf_match_mode {
	EKF_MATCH_OFF,		/* nothing to match */
	EKF_MATCH_KERNEL_TP,	/* kfuncs from the syscall tracepoint programs */
	EKF_MATCH_KERNEL_BTF,	/* kfuncs from tp_btf/sys_{enter,exit} (6.1) */
	EKF_MATCH_USER,		/* in userspace, kmod/lib code */
};

struct ekf_trace;

/* A tool's callbacks: print one event (text or JSON) if it passes the userspace match. */
typedef int (*ekf_trace_event_fn)(struct ekf_trace *t, const void *data, size_t size);

struct ekf_trace {
	const char *tool;		/* "ebpf-opensnoop" */
	struct ekf_trace_opts *o;
	bool need_glob, need_strstr;	/* what the tool's filters need */
	bool needs_btf;			/* CO-RE even without kfuncs (execsnoop) */
	bool have_btf;			/* /sys/kernel/btf/vmlinux */

	/* the plan: attempts in order, and why the earlier ones were not taken */
	enum ekf_match_mode attempts[4];
	int nattempts, attempt;
	enum ekf_match_mode mode;
	char why[512];			/* why this mode (for -v) */

	struct bpf_object *obj;
	struct ring_buffer *rb;
	ekf_trace_event_fn on_event;
	struct ekf_json json;		/* the summary */
	struct ekf_jline line;		/* an event, with --json */
	long long time_sec;		/* the second time_text shows */
	char time_text[32];
	uint64_t events;		/* printed */
	uint64_t lost;			/* at exit */
	int64_t realtime_off_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	int cgroup_fd;
};

/*
 * Before anything is loaded: root, kernel BTF (if t->needs_btf; otherwise
 * only the in-kernel match needs it), tracefs (mounted here when missing
 * and possible). Exits 1 with the cause and the fix.
 */
void ekf_trace_preflight(struct ekf_trace *t);

/* Decides the match attempts (probing the module); call once. */
void ekf_trace_plan(struct ekf_trace *t);

/* The next attempt into t->mode; false when none is left. */
bool ekf_trace_next_mode(struct ekf_trace *t);

/*
 * Nothing runs in the kernel's tp_btf or kfunc path: the tool may load its
 * plain object (no kfuncs, no tp_btf programs, so no kernel BTF to read).
 */
bool ekf_trace_plain(const struct ekf_trace *t);

/*
 * Autoload: tracepoint programs ("tp_*") whose syscall this kernel has,
 * or the tp_btf ones ("btf_*") in EKF_MATCH_KERNEL_BTF. Sets the ring
 * buffer's size. Returns the number of syscalls left to trace.
 */
int ekf_trace_prepare(struct ekf_trace *t, struct bpf_object *obj);

/*
 * A failed load in a kernel-match mode: records why (for -v) and returns
 * true if another attempt is left; otherwise prints the cause and the fix.
 */
bool ekf_trace_load_failed(struct ekf_trace *t, int err);

/* After load: the cgroup filter, attach (attach_fn on skel), ring buffer. Exits 1 on failure. */
void ekf_trace_start(struct ekf_trace *t, int (*attach_fn)(void *skel), void *skel);

/* The event loop until a signal or --duration; then the summary. Returns the exit status. */
int ekf_trace_run(struct ekf_trace *t);

/* Userspace side of --match / --contains, when they did not run in the kernel. */
bool ekf_trace_user_match(const struct ekf_trace *t, const char *str, size_t size);

/* Event helpers */
void ekf_trace_time_text(const struct ekf_trace *t, uint64_t ts_ns, char *buf, size_t size);
/* --json: starts t->line with the header's fields; the tool adds its own (ekf_jl_*) */
void ekf_trace_json_begin(struct ekf_trace *t, const char *type, const struct ekf_trace_hdr *h);
void ekf_trace_json_end(struct ekf_trace *t);
const char *ekf_trace_sys_name(uint32_t sys);
const char *ekf_trace_errno_name(int err);	/* "ENOENT", or a number as text */
/* The comm as a C string (it may fill all 16 bytes). */
void ekf_trace_comm(const struct ekf_trace_hdr *h, char out[EKF_TRACE_COMM_LEN + 1]);

/*
 * Sets the filters in a skeleton's .rodata/.bss (fields of ekf_trace.bpf.h).
 * A macro: each tool's skeleton has its own types.
 */
#define EKF_TRACE_SET_GLOBALS(t, skel)						\
do {										\
	const struct ekf_trace_opts *o_ = (t)->o;				\
	bool k_ = (t)->mode == EKF_MATCH_KERNEL_TP ||				\
		  (t)->mode == EKF_MATCH_KERNEL_BTF;				\
	(skel)->rodata->filter_pid_on = o_->have_pid;				\
	(skel)->rodata->filter_pid = o_->pid;					\
	(skel)->rodata->filter_uid_on = o_->have_uid;				\
	(skel)->rodata->filter_uid = o_->uid;					\
	(skel)->rodata->filter_comm_on = o_->have_comm;			\
	memcpy((void *)(skel)->rodata->filter_comm, o_->comm,			\
	       sizeof((skel)->rodata->filter_comm));				\
	(skel)->rodata->filter_cgroup_on = o_->cgroup != NULL;			\
	(skel)->rodata->only_failed = o_->failed;				\
	(skel)->rodata->have_glob = k_ && (t)->need_glob;			\
	(skel)->rodata->have_strstr = k_ && (t)->need_strstr;			\
	(skel)->rodata->match_glob_on = k_ && (t)->need_glob;			\
	(skel)->rodata->match_glob_flags = 0;					\
	(skel)->rodata->match_contains_on = k_ && (t)->need_strstr;		\
	if (o_->match)								\
		snprintf((skel)->bss->match_pattern,				\
			 sizeof((skel)->bss->match_pattern), "%s", o_->match);	\
	if (o_->contains)							\
		snprintf((skel)->bss->match_needle,				\
			 sizeof((skel)->bss->match_needle), "%s", o_->contains);	\
} while (0)

#endif /* EKF_TRACE_H */
