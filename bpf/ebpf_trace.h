/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Events of the tracing tools (ebpf-execsnoop, ebpf-opensnoop,
 * ebpf-unlinksnoop), shared by their BPF programs and userspace.
 *
 * Records are sized to their content: the BPF side sends the header and
 * only the used part of the string area (bpf_ringbuf_output of a trimmed
 * length), so a 12-byte path costs a 12-byte tail, not PATH_MAX.
 */
#ifndef EBPF_TRACE_H
#define EBPF_TRACE_H

#include <linux/types.h>

#define EKF_TRACE_COMM_LEN	16
#define EKF_TRACE_PATH_MAX	4096	/* PATH_MAX, with its NUL */

/* execsnoop: filename and argv, each argument at most ARG_MAX bytes */
#define EKF_EXEC_FILENAME_MAX	512
#define EKF_EXEC_ARG_MAX	256
#define EKF_EXEC_ARGS_MAX	32	/* arguments kept */
#define EKF_EXEC_ARGS_SIZE	4096	/* bytes of arguments kept */

/* Which syscall an event comes from. */
enum ekf_trace_sys {
	EKF_SYS_OPEN = 1,
	EKF_SYS_OPENAT,
	EKF_SYS_OPENAT2,
	EKF_SYS_UNLINK,
	EKF_SYS_UNLINKAT,
	EKF_SYS_RMDIR,
	EKF_SYS_EXECVE,
	EKF_SYS_EXECVEAT,
};

/* Where --match / --contains run (the BPF side's match_mode). */
enum ekf_match_where {
	EKF_MATCH_NONE = 0,	/* no filter, or filtered in userspace */
	EKF_MATCH_KERNEL = 1,	/* the ekf_glob / ekf_strstr kfuncs */
};

struct ekf_trace_hdr {
	__u64 ts_ns;		/* bpf_ktime_get_ns() at the syscall's exit */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 uid;
	__s32 ret;		/* syscall return value */
	__u32 sys;		/* enum ekf_trace_sys */
	__u32 pad;
	char comm[EKF_TRACE_COMM_LEN];
};

/* opensnoop and unlinksnoop */
struct ekf_path_event {
	struct ekf_trace_hdr hdr;
	__u64 flags;		/* open flags, unlinkat flags */
	__u32 mode;		/* open mode */
	__u32 path_len;		/* bytes of path, its NUL included; 0: unreadable */
	char path[EKF_TRACE_PATH_MAX];
};

/* Flags of an exec event. */
#define EKF_EXEC_ARGS_CUT	(1u << 0)	/* more arguments, or longer ones, than kept */
#define EKF_EXEC_FILENAME_CUT	(1u << 1)

/*
 * execsnoop: data holds the filename (filename_len bytes, NUL included),
 * then argc NUL-terminated arguments (args_len bytes in all).
 */
struct ekf_exec_event {
	struct ekf_trace_hdr hdr;
	__u32 ppid;
	__u32 flags;		/* EKF_EXEC_* */
	__u32 filename_len;
	__u32 args_len;
	__u32 argc;
	__u32 pad;
	char data[EKF_EXEC_FILENAME_MAX + EKF_EXEC_ARGS_SIZE];
};

#endif /* EBPF_TRACE_H */
