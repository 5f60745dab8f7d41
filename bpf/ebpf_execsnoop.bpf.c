// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-execsnoop: every execve(2) and execveat(2): the filename and argv
 * read at entry (after a successful exec the old memory is gone), the
 * result and the new comm at exit. Entry and exit meet in a hash map
 * keyed by the process id: a non-leader thread that execs comes back from
 * the syscall as the leader (de_thread), with the process id as its
 * thread id, so a thread-id key would miss it.
 *
 * --match runs ekf_glob on the filename, or with --match-args on the
 * arguments joined by single spaces, at entry, in the kernel when the
 * module is there. --comm applies to the comm shown: the new one.
 */
#include "ekf_trace.bpf.h"

const volatile long nr_execve = -1;
const volatile long nr_execveat = -1;
const volatile __u32 match_args;	/* --match-args: match argv, not the filename */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);			/* process id */
	__type(value, struct ekf_exec_event);
} execs SEC(".maps");

/*
 * The event being built, where each argument ends (the offset of its NUL
 * in the argument area), and the space-joined arguments for --match-args.
 */
struct ekf_exec_scratch {
	struct ekf_exec_event e;
	__u32 ends[EKF_EXEC_ARGS_MAX];
	char joined[EKF_EXEC_ARGS_SIZE];
};

EKF_SCRATCH_MAP(exec_scratch, struct ekf_exec_scratch);

#define LAST_ARG_OFF	(sizeof(((struct ekf_exec_event *)0)->data) - EKF_EXEC_ARG_MAX)

/* --match-args in the kernel: the arguments, NULs made spaces, in s->joined. */
static __always_inline bool args_wanted(struct ekf_exec_scratch *s)
{
	struct ekf_exec_event *e = &s->e;
	__u32 i, start = e->filename_len, argc = e->argc;

	if (!match_glob_on || !have_glob)
		return true;
	if (start > EKF_EXEC_FILENAME_MAX)
		return false;
	/*
	 * The whole area (a constant size: no bounds for the 6.1 verifier to
	 * lose): the last argument's NUL ends the string, bytes past it are
	 * never looked at.
	 */
	bpf_probe_read_kernel(s->joined, sizeof(s->joined), &e->data[start]);
	if (!argc)
		s->joined[0] = '\0';
	for (i = 0; i < EKF_EXEC_ARGS_MAX; i++) {
		if (i + 1 >= argc)
			break;
		s->joined[s->ends[i] & (EKF_EXEC_ARGS_SIZE - 1)] = ' ';
	}
	return ekf_str_wanted(s->joined, sizeof(s->joined));
}

/*
 * argv into e->data after the filename. The running offset lives in the
 * event (e->args_len holds the end offset meanwhile) and is re-read and
 * re-checked each round, as bcc's execsnoop does: a value in a register
 * would carry a different exact range into every iteration and the 6.1
 * verifier would explore them all.
 */
static __always_inline void read_args(struct ekf_exec_scratch *s, const char *const *argv)
{
	struct ekf_exec_event *e = &s->e;
	const char *argp;
	__u32 i, off;
	long n;
	char c;

	for (i = 0; i < EKF_EXEC_ARGS_MAX; i++) {
		if (bpf_probe_read_user(&argp, sizeof(argp), &argv[i]) || !argp)
			return;
		off = *(volatile __u32 *)&e->args_len;
		if (off > LAST_ARG_OFF) {
			e->flags |= EKF_EXEC_ARGS_CUT;
			return;
		}
		n = bpf_probe_read_user_str(&e->data[off], EKF_EXEC_ARG_MAX, argp);
		if (n <= 0)
			return;
		/* a full buffer is cut unless the argument ends right there */
		if (n == EKF_EXEC_ARG_MAX &&
		    (bpf_probe_read_user(&c, 1, argp + EKF_EXEC_ARG_MAX - 1) || c))
			e->flags |= EKF_EXEC_ARGS_CUT;
		*(volatile __u32 *)&e->args_len = off + n;
		s->ends[i] = off + n - 1;
		e->argc = i + 1;
	}
	/* every slot used: are there more? */
	if (!bpf_probe_read_user(&argp, sizeof(argp), &argv[EKF_EXEC_ARGS_MAX]) && argp)
		e->flags |= EKF_EXEC_ARGS_CUT;
}

static __always_inline int exec_enter(__u32 sys, const char *filename, const char *const *argv)
{
	struct task_struct___ekf *task;
	struct ekf_exec_scratch *s;
	struct ekf_exec_event *e;
	__u32 zero = 0, i;
	long n;

	if (!ekf_task_wanted(false))
		return 0;
	s = bpf_map_lookup_elem(&exec_scratch, &zero);
	if (!s)
		return 0;
	e = &s->e;
	e->flags = 0;
	e->argc = 0;
	task = (struct task_struct___ekf *)bpf_get_current_task();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->hdr.sys = sys;

	n = bpf_probe_read_user_str(e->data, EKF_EXEC_FILENAME_MAX, filename);
	if (n <= 0) {
		e->data[0] = '\0';
		n = 1;
	} else if (n == EKF_EXEC_FILENAME_MAX) {
		e->flags |= EKF_EXEC_FILENAME_CUT;
	}
	e->filename_len = n;
	e->args_len = n;
	read_args(s, argv);
	/* args_len held the end offset: make it the length */
	e->args_len -= e->filename_len;
	for (i = 0; i < EKF_EXEC_ARGS_MAX; i++)
		s->ends[i] -= e->filename_len;

	if (match_args) {
		if (!args_wanted(s))
			return 0;
	} else if (!ekf_str_wanted(e->data, EKF_EXEC_FILENAME_MAX)) {
		return 0;
	}
	zero = bpf_get_current_pid_tgid() >> 32;
	if (bpf_map_update_elem(&execs, &zero, e, BPF_ANY))
		ekf_count_lost();
	return 0;
}

static __always_inline int exec_exit(long ret)
{
	struct ekf_exec_event *e;
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 size;

	e = bpf_map_lookup_elem(&execs, &pid);
	if (!e)
		return 0;
	if ((only_failed && ret >= 0) || !ekf_comm_wanted())
		goto out;
	ekf_fill_hdr(&e->hdr, e->hdr.sys, ret);
	size = __builtin_offsetof(struct ekf_exec_event, data) +
	       (__u64)e->filename_len + e->args_len;
	if (size > sizeof(*e))
		size = sizeof(*e);
	ekf_submit(e, size, e->hdr.ts_ns);
out:
	bpf_map_delete_elem(&execs, &pid);
	return 0;
}

EKF_TP_EXIT(execve, exec_exit)
EKF_TP_EXIT(execveat, exec_exit)

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_enter_execve(struct ekf_sys_enter_ctx *ctx)
{
	return exec_enter(EKF_SYS_EXECVE, (const char *)ctx->args[0],
			  (const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_enter_execveat(struct ekf_sys_enter_ctx *ctx)
{
	return exec_enter(EKF_SYS_EXECVEAT, (const char *)ctx->args[1],
			  (const char *const *)ctx->args[2]);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_sys_enter, struct pt_regs___ekf *regs, long nr)
{
	if (EKF_NR_IS(nr, nr_execve))
		return exec_enter(EKF_SYS_EXECVE, (const char *)EKF_SYSCALL_ARG0(regs),
				  (const char *const *)EKF_SYSCALL_ARG1(regs));
	if (EKF_NR_IS(nr, nr_execveat))
		return exec_enter(EKF_SYS_EXECVEAT, (const char *)EKF_SYSCALL_ARG1(regs),
				  (const char *const *)EKF_SYSCALL_ARG2(regs));
	return 0;
}

/* orig_ax / syscallno survive a successful exec: the number is still there. */
SEC("tp_btf/sys_exit")
int BPF_PROG(btf_sys_exit, struct pt_regs___ekf *regs, long ret)
{
	long nr = EKF_SYSCALL_NR(regs);

	if (EKF_NR_IS(nr, nr_execve) || EKF_NR_IS(nr, nr_execveat))
		return exec_exit(ret);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
