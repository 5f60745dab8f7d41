/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscalls that take one path (open*, unlink*, rmdir): the entry
 * applies the in-kernel --match / --contains and keeps the path pointer
 * and flags per thread; the exit applies --failed, reads the path (the
 * caller's memory is still there: the same syscall, not yet returned) and
 * sends an event sized to the path.
 *
 * Include after ekf_trace.bpf.h, from one .bpf.c.
 */
#ifndef EKF_TRACE_PATH_BPF_H
#define EKF_TRACE_PATH_BPF_H

#include "ekf_trace.bpf.h"

struct ekf_pending {
	__u64 path;		/* user pointer */
	__u64 flags;
	__u32 mode;
	__u32 sys;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);			/* thread id */
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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ekf_path_scratch);
} path_scratch SEC(".maps");

static __always_inline int ekf_path_enter(__u32 sys, __u64 path, __u64 flags, __u32 mode)
{
	struct ekf_pending p = { .path = path, .flags = flags, .mode = mode, .sys = sys };
	struct ekf_path_event *e;
	__u32 tid, zero = 0;
	long n;

	if (!ekf_task_wanted(true))
		return 0;
	/*
	 * An in-kernel match runs here, not at exit: a call that does not
	 * match then costs no map update, lookup and delete, only this read
	 * (the path is the same memory at entry and at exit).
	 */
	if (ekf_kernel_match_on()) {
		e = bpf_map_lookup_elem(&path_scratch, &zero);
		if (!e)
			return 0;
		n = bpf_probe_read_user_str(e->path, sizeof(e->path), (const void *)path);
		if (n <= 0)
			e->path[0] = '\0';
		if (!ekf_glob_wanted(e->path, sizeof(e->path)) ||
		    !ekf_contains_wanted(e->path, sizeof(e->path)))
			return 0;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&pending, &tid, &p, BPF_ANY))
		ekf_count_lost();
	return 0;
}

static __always_inline int ekf_path_exit(long ret)
{
	struct ekf_path_event *e;
	struct ekf_pending *pp, p;
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	long n;

	pp = bpf_map_lookup_elem(&pending, &tid);
	if (!pp)
		return 0;
	p = *pp;
	bpf_map_delete_elem(&pending, &tid);
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
		      (n & (2 * EKF_TRACE_PATH_MAX - 1)));
	return 0;
}

#endif /* EKF_TRACE_PATH_BPF_H */
