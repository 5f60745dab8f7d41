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
#include <sys/syscall.h>

#include "ekf_json.h"
#include "ekf_jline.h"
#include "ekf_ring.h"
#include "../../bpf/ebpf_trace.h"
#include "../../kmod/lib/ekf_limits.h"

struct bpf_object;
struct bpf_program;

/*
 * Bytes of ring buffer: what two producers opening as fast as they can
 * send in about 90 ms on the 2-CPU build machine (450k events a second),
 * for a consumer kept off the CPU that long. 2 MiB lost events, now and
 * then, on the shared machine. Mapped once (ekf_ring.h), it keeps the
 * tool's RSS under 8 MiB.
 */
#define EKF_TRACE_BUFFER_DEFAULT	(4u << 20)

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

/*
 * A tool's own options: its short options, long options ({ 0 }-ended, at
 * most 7) and handler (false: not its option). ekf_trace_parse() takes the common ones
 * first.
 */
struct ekf_trace_tool_opts {
	const char *shortopts;
	const struct option *longopts;
	bool (*handle)(int c, const char *arg);
};

/*
 * getopt_long over the common options and the tool's (tool may be NULL):
 * any bad option, value or left-over argument exits 2 naming it.
 */
void ekf_trace_parse(struct ekf_trace_opts *o, int argc, char **argv, const char *usage,
		     const struct ekf_trace_tool_opts *tool);

/* Options every tool takes. */
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
"                         default 4M)\n"					\
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

/* --contains: validates STRING (exit 2). */
void ekf_trace_set_contains(struct ekf_trace_opts *o, const char *arg);

/* Where --match / --contains run. */
enum ekf_match_mode {
	EKF_MATCH_OFF,		/* nothing to match */
	EKF_MATCH_KERNEL_FEXIT,	/* kfuncs from fexit programs on the syscall functions */
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
	bool has_fexit;			/* fexit_NAME programs (opensnoop, unlinksnoop) */
	bool have_btf;			/* /sys/kernel/btf/vmlinux */

	/* the plan: attempts in order, and why the earlier ones were not taken */
	enum ekf_match_mode attempts[5];
	int nattempts, attempt;
	enum ekf_match_mode mode;
	char why[512];			/* why this mode (for -v) */

	struct bpf_object *obj;
	struct bpf_link *links[16];	/* attached programs */
	int nlinks;
	struct ekf_ring ring;		/* the events map, mapped once */
	ekf_trace_event_fn on_event;
	struct ekf_json json;		/* the summary */
	struct ekf_jline line;		/* an event, with --json */
	long long time_sec;		/* the second time_text shows */
	char time_text[32];
	size_t time_len;
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
 * Nothing runs in the kernel's tp_btf, fexit or kfunc path: the tool may load
 * its plain object (no kfuncs, no tp_btf or fexit programs, so no kernel BTF
 * to read).
 */
bool ekf_trace_plain(const struct ekf_trace *t);

/*
 * Autoload: tracepoint programs ("tp_*") whose syscall this kernel has,
 * the tp_btf ones ("btf_*") in EKF_MATCH_KERNEL_BTF, or in
 * EKF_MATCH_KERNEL_FEXIT the fexit ones ("fexit_NAME", aimed at the
 * syscall function of NAME) whose function the kernel's BTF has. Sets
 * the ring buffer's size. Returns the number of syscalls left to trace,
 * or a negative errno when this attempt cannot load (no fexit target):
 * give it to ekf_trace_load_failed().
 */
int ekf_trace_prepare(struct ekf_trace *t, struct bpf_object *obj);

/*
 * A failed load in a kernel-match mode: records why (for -v) and returns
 * true if another attempt is left; otherwise prints the cause and the fix.
 */
bool ekf_trace_load_failed(struct ekf_trace *t, int err);

/*
 * After load: the cgroup filter (exits 1 if it cannot be set), then every
 * loaded program attached. 0, or the error (nothing left attached).
 */
int ekf_trace_attach(struct ekf_trace *t);

/*
 * A failed attach in a kernel-match mode: records why (for -v) and returns
 * true if another attempt is left (destroy the object, load the next);
 * otherwise prints the cause and the fix and exits 1.
 */
bool ekf_trace_attach_failed(struct ekf_trace *t, int err);

/* After attach: the ring buffer, signals, -v's report. Exits 1 on failure. */
void ekf_trace_start(struct ekf_trace *t);

/* The event loop until a signal or --duration; then the summary, detach. Returns the exit status. */
int ekf_trace_run(struct ekf_trace *t);

/* A loaded skeleton, whichever of the tool's objects it is. */
struct ekf_trace_skel {
	void *skel;
	void (*destroy)(void *skel);
};

/*
 * Opens, sets up and loads the tool's object: the plain one if plain (see
 * ekf_trace_plain()). 0, or the error of the load (the object destroyed).
 */
typedef int (*ekf_trace_load_fn)(struct ekf_trace *t, bool plain, struct ekf_trace_skel *out);

/*
 * A tool's whole run once its options are parsed: checks, plan, load
 * (trying each place --match may run), attach, the text header (header,
 * after a TIME column with -T; none with --json), the event loop, detach.
 * Returns the exit status.
 */
int ekf_trace_main(struct ekf_trace *t, ekf_trace_load_fn load, const char *header);

/* Syscall numbers for the tp_btf programs; -1: not on this architecture */
#ifdef __NR_open
#define EKF_NR_OPEN	__NR_open
#else
#define EKF_NR_OPEN	(-1)
#endif
#ifdef __NR_openat2
#define EKF_NR_OPENAT2	__NR_openat2
#else
#define EKF_NR_OPENAT2	(-1)
#endif
#ifdef __NR_unlink
#define EKF_NR_UNLINK	__NR_unlink
#else
#define EKF_NR_UNLINK	(-1)
#endif
#ifdef __NR_rmdir
#define EKF_NR_RMDIR	__NR_rmdir
#else
#define EKF_NR_RMDIR	(-1)
#endif
#ifdef __NR_execveat
#define EKF_NR_EXECVEAT	__NR_execveat
#else
#define EKF_NR_EXECVEAT	(-1)
#endif

/*
 * Defines load_T(t, out) for skeleton T: open, the common filters, the
 * tool's own globals (setup(skel), a macro or function), autoload
 * selection and ring buffer size, load.
 */
#define EKF_TRACE_DEFINE_LOADER(T, setup)					\
static void destroy_##T(void *skel) { T##__destroy(skel); }			\
static int load_##T(struct ekf_trace *t, struct ekf_trace_skel *out)		\
{										\
	struct T *skel = T##__open();						\
	int err;								\
										\
	if (!skel) {								\
		ekf_err("cannot open the BPF object: %s", strerror(errno));	\
		exit(EKF_EXIT_FAIL);						\
	}									\
	EKF_TRACE_SET_GLOBALS(t, skel);						\
	setup(skel);								\
	err = ekf_trace_prepare(t, skel->obj);					\
	if (err >= 0)								\
		err = T##__load(skel);						\
	if (err) {								\
		T##__destroy(skel);						\
		return err;							\
	}									\
	out->skel = skel;							\
	out->destroy = destroy_##T;						\
	return 0;								\
}

/*
 * The loaders of a tool with two objects, T (kfuncs, tp_btf and fexit programs) and
 * T_plain (neither), and load(), which picks one (ekf_trace_load_fn).
 */
#define EKF_TRACE_DEFINE_LOADERS(T, setup)					\
EKF_TRACE_DEFINE_LOADER(T, setup)						\
EKF_TRACE_DEFINE_LOADER(T##_plain, setup)					\
static int load(struct ekf_trace *t, bool plain, struct ekf_trace_skel *out)	\
{										\
	return plain ? load_##T##_plain(t, out) : load_##T(t, out);		\
}

/* Userspace side of --match / --contains, when they did not run in the kernel. */
bool ekf_trace_user_match(const struct ekf_trace *t, const char *str, size_t size);

/* Event helpers */

/*
 * The path of an opensnoop or unlinksnoop event: false for a short record
 * or one the userspace --match / --contains rejects; else *path ("" when
 * unreadable) and *len (bytes before its NUL), the event counted.
 */
bool ekf_trace_path_event(struct ekf_trace *t, const void *data, size_t size,
			  const char **path, size_t *len);
/* A text line's start: the TIME column with -T; comm gets the comm as a C string. */
void ekf_trace_text_begin(const struct ekf_trace *t, const struct ekf_trace_hdr *h,
			  char comm[EKF_TRACE_COMM_LEN + 1]);
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
		  (t)->mode == EKF_MATCH_KERNEL_BTF ||				\
		  (t)->mode == EKF_MATCH_KERNEL_FEXIT;				\
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
