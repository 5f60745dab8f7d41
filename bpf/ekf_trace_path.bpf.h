/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscalls that take one path (open*, unlink*, rmdir): the entry
 * applies the in-kernel --match / --contains and keeps the path pointer
 * and flags per thread; the exit applies --failed, reads the path (the
 * caller's memory is still there: the same syscall, not yet returned) and
 * sends an event sized to the path.
 *
 * The fexit flavour (ekf_path_fexit) needs none of that: one program on
 * the syscall function's return sees its arguments and its result, so it
 * filters, reads the path and sends the event in one go.
 *
 * Include after ekf_trace.bpf.h, from one .bpf.c.
 */
#ifndef EKF_TRACE_PATH_BPF_H
#define EKF_TRACE_PATH_BPF_H

#include "ekf_trace.bpf.h"

/*
 * Entry to exit, per thread: a slot in an array indexed by the thread id's
 * low bits, claimed with a compare-and-swap of its tid. An array lookup is
 * inlined by the verifier; a hash map's update and delete on every call
 * were a fifth of the tracer's cost per open. Two threads in a traced
 * syscall at once whose ids share the low 14 bits (rare: the slot is held
 * only during the call): the second's event is counted lost, never
 * silently dropped. A slot is released at the exit; userspace attaches the
 * exit programs before the entry ones, so every claim sees its exit.
 */
#define EKF_PENDING_SLOTS	16384

struct ekf_pending {
	__u32 tid;		/* the owner; 0: free */
	__u32 sys;
	__u64 path;		/* user pointer */
	__u64 flags;
	__u32 mode;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EKF_PENDING_SLOTS);
	__type(key, __u32);			/* thread id % EKF_PENDING_SLOTS */
	__type(value, struct ekf_pending);
} pending SEC(".maps");

/*
 * One event per CPU to build in. The slack keeps header + (length masked
 * to 2 * PATH_MAX - 1) inside the value, a bound the verifier can see.
 */
struct ekf_path_scratch {
	struct ekf_path_event e;
	char slack[EKF_TRACE_PATH_MAX];
};

EKF_SCRATCH_MAP(path_scratch, struct ekf_path_scratch);

static __always_inline int ekf_path_enter(__u32 sys, __u64 path, __u64 flags, __u32 mode)
{
	struct ekf_path_event *e;
	struct ekf_pending *p;
	__u32 tid, idx, owner, zero = 0;
	long n;

	if (!ekf_task_wanted(true))
		return 0;
	/*
	 * An in-kernel match runs here, not at exit: a call that does not
	 * match then claims no slot, only this read (the path is the same
	 * memory at entry and at exit).
	 */
	if (ekf_kernel_match_on()) {
		e = bpf_map_lookup_elem(&path_scratch, &zero);
		if (!e)
			return 0;
		n = bpf_probe_read_user_str(e->path, sizeof(e->path), (const void *)path);
		if (n <= 0)
			e->path[0] = '\0';
		if (!ekf_str_wanted(e->path, sizeof(e->path)))
			return 0;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	idx = tid & (EKF_PENDING_SLOTS - 1);
	p = bpf_map_lookup_elem(&pending, &idx);
	if (!p)
		return 0;
	owner = __sync_val_compare_and_swap(&p->tid, 0, tid);
	if (owner && owner != tid) {
		ekf_count_lost();	/* another thread's call holds the slot */
		return 0;
	}
	p->sys = sys;
	p->path = path;
	p->flags = flags;
	p->mode = mode;
	return 0;
}

static __always_inline int ekf_path_exit(long ret)
{
	struct ekf_path_event *e;
	struct ekf_pending *pp, p;
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), idx, zero = 0;
	long n;

	idx = tid & (EKF_PENDING_SLOTS - 1);
	pp = bpf_map_lookup_elem(&pending, &idx);
	if (!pp || pp->tid != tid)
		return 0;
	p = *pp;
	/* released only once the copy above is complete */
	asm volatile("" ::: "memory");
	*(volatile __u32 *)&pp->tid = 0;
	if (only_failed && ret >= 0)
		return 0;
	e = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!e)
		return 0;
	n = bpf_probe_read_user_str(e->path, sizeof(e->path), (const void *)p.path);
	if (n <= 0) {
		e->path[0] = '\0';
		n = 0;
	}
	ekf_fill_hdr(&e->hdr, p.sys, ret);
	e->flags = p.flags;
	e->mode = p.mode;
	e->path_len = n;
	ekf_submit(e, __builtin_offsetof(struct ekf_path_event, path) +
		      (n & (2 * EKF_TRACE_PATH_MAX - 1)), e->hdr.ts_ns);
	return 0;
}

/*
 * fexit/__x64_sys_NAME (or __arm64_sys_NAME): the syscall has returned
 * ret; path, flags and mode come from its saved user registers. The path
 * is still readable: the caller's memory, the caller not yet resumed.
 * Cheapest checks first: task, --failed, then the path read and the match.
 */
static __always_inline int ekf_path_fexit(__u32 sys, __u64 path, __u64 flags, __u32 mode,
					  long ret)
{
	struct ekf_path_event *e;
	__u32 zero = 0;
	long n;

	if (!ekf_task_wanted(true))
		return 0;
	if (only_failed && ret >= 0)
		return 0;
	e = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!e)
		return 0;
	n = bpf_probe_read_user_str(e->path, sizeof(e->path), (const void *)path);
	if (n <= 0) {
		e->path[0] = '\0';
		n = 0;
	}
	if (!ekf_str_wanted(e->path, sizeof(e->path)))
		return 0;
	ekf_fill_hdr(&e->hdr, sys, ret);
	e->flags = flags;
	e->mode = mode;
	e->path_len = n;
	ekf_submit(e, __builtin_offsetof(struct ekf_path_event, path) +
		      (n & (2 * EKF_TRACE_PATH_MAX - 1)), e->hdr.ts_ns);
	return 0;
}

/* The exit programs: the same for every syscall of a path tool. */
#define EKF_PATH_EXIT(name)	EKF_TP_EXIT(name, ekf_path_exit)

#endif /* EKF_TRACE_PATH_BPF_H */
