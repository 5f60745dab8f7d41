/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tracing tools' BPF programs share: the filters userspace sets
 * in .rodata before loading (--pid, --uid, --comm, --cgroup, --failed),
 * the in-kernel --match / --contains through the module's kfuncs, the
 * ring buffer with batched wake-ups, the lost-event counter, and the
 * contexts of the attach flavours:
 *
 *   tracepoint/syscalls/sys_{enter,exit}_NAME   the default, every kernel
 *   fexit on the syscall function (__x64_sys_NAME, __arm64_sys_NAME; bare
 *       SEC("fexit"), userspace sets the target): a TRACING program, the
 *       kind every kernel from 6.1 on lets call module kfuncs, so userspace
 *       tries it first when the match runs in the kernel. It fires for its
 *       own syscall only, once, with the arguments (the syscall's pt_regs)
 *       and the result. Any syscall tracepoint, raw or not, sets
 *       TIF_SYSCALL_TRACEPOINT on every task: every syscall of the system
 *       (close too) then takes the slow path into the tracepoint.
 *       A fexit trampoline costs only the calls it is attached to.
 *   tp_btf/sys_{enter,exit}                     a TRACING program too: the
 *       fallback where fexit is refused (no BPF trampolines: this build
 *       machine's 6.18 fails the load with EPERM, for one).
 *       It fires for every syscall: the programs test the number first.
 *
 * ebpf-execsnoop has no fexit flavour: after a successful exec the caller's
 * argv and filename are gone, so they must be read at entry anyway.
 *
 * Include it from exactly one .bpf.c (it defines maps and globals).
 *
 * EKF_TRACE_PLAIN builds the same programs without the kfunc externs and
 * without the tp_btf and fexit programs (bpf/NAME_plain.bpf.c): an object
 * with no CO-RE relocation and no ksym, which libbpf loads without reading
 * the kernel's BTF (5+ MB parsed, most of a tool's start-up time and peak
 * memory). The tools load it whenever nothing is matched in the kernel.
 */
#ifndef EKF_TRACE_BPF_H
#define EKF_TRACE_BPF_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "ekf_vmlinux.h"	/* bpf/arch/ARCH: struct pt_regs___ekf */
#include "ebpf_trace.h"
#ifndef EKF_TRACE_PLAIN
#include "ekf_kfuncs.bpf.h"
#else
#include "../kmod/lib/ekf_limits.h"
#endif

/*
 * struct task_struct (include/linux/sched.h): real_parent and tgid have
 * been there, with these types, since long before 6.1.
 */
struct task_struct___ekf {
	struct task_struct___ekf *real_parent;
	int tgid;
} __attribute__((preserve_access_index));

/*
 * Context of tracepoint/syscalls/sys_enter_* and sys_exit_*
 * (kernel/trace/trace_syscalls.c): the 8-byte common header, the syscall
 * number, then the arguments as longs from offset 16 (or the return
 * value). A stable layout: tracefs shows it in each event's format file.
 */
struct ekf_sys_enter_ctx {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[6];
};

struct ekf_sys_exit_ctx {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

/* tp_btf flavour: is syscall nr the one wanted (-1: not on this architecture) */
#define EKF_NR_IS(nr, want)	((want) >= 0 && (nr) == (want))

/* --- Filters, set by userspace before loading ---------------------------- */

const volatile __u32 filter_pid_on;
const volatile __u32 filter_pid;
const volatile __u32 filter_uid_on;
const volatile __u32 filter_uid;
const volatile __u32 filter_comm_on;
const volatile char filter_comm[EKF_TRACE_COMM_LEN];
const volatile __u32 filter_cgroup_on;
const volatile __u32 only_failed;

/* In-kernel matching: on only when userspace found the kfunc callable. */
const volatile __u32 have_glob;
const volatile __u32 have_strstr;
const volatile __u32 match_glob_on;
const volatile __u32 match_glob_flags;
const volatile __u32 match_contains_on;

/* kfunc inputs must be writable memory, not .rodata: .bss */
char match_pattern[EKF_MAX_PATTERN + 1];
char match_needle[EKF_MAX_PATTERN + 1];

/* Batched wake-ups: at most one forced wake-up per interval. */
const volatile __u64 wakeup_interval_ns = 10000000;
__u64 last_wakeup_ns;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 2 * 1024 * 1024);	/* --buffer-size sets it */
} events SEC(".maps");

/* Events that could not be delivered (ring full, entry state full or taken). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* --cgroup: the cgroup's descriptor at index 0. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_filter SEC(".maps");

/* --- Helpers ------------------------------------------------------------- */

static __always_inline void ekf_count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost, &zero);

	if (n)
		(*n)++;
}

/*
 * The consumer sleeps in epoll and polls on a timeout anyway: wake it for
 * the first event after a quiet interval (low latency when idle), then at
 * most once an interval, not for every event (the wake-up is most of the
 * cost of a busy tracer). No look at the ring's fill level: that reads the
 * consumer's position, a cache line the consumer writes after every
 * record; at one wake-up every 10 ms a 4 MiB ring would need 4 million
 * events a second to fill in between. Racy across CPUs on purpose: an
 * extra or a missed wake-up is harmless.
 */
static __always_inline __u64 ekf_wakeup_flags(__u64 now)
{
	if (now - last_wakeup_ns >= wakeup_interval_ns) {
		last_wakeup_ns = now;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/*
 * Sends size bytes of e, counting a failure as a lost event. now: the
 * event's bpf_ktime_get_ns(), reused for the wake-up decision.
 */
static __always_inline void ekf_submit(void *e, __u64 size, __u64 now)
{
	if (bpf_ringbuf_output(&events, e, size, ekf_wakeup_flags(now)))
		ekf_count_lost();
}

static __always_inline bool ekf_comm_wanted(void)
{
	char comm[EKF_TRACE_COMM_LEN];
	int i;

	if (!filter_comm_on)
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
#pragma unroll
	for (i = 0; i < EKF_TRACE_COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* --pid, --uid, --cgroup (and --comm if with_comm) of the current task. */
static __always_inline bool ekf_task_wanted(bool with_comm)
{
	__u64 id;

	if (filter_pid_on) {
		id = bpf_get_current_pid_tgid();
		if ((__u32)(id >> 32) != filter_pid)
			return false;
	}
	if (filter_uid_on && (__u32)bpf_get_current_uid_gid() != filter_uid)
		return false;
	if (filter_cgroup_on && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return false;
	if (with_comm && !ekf_comm_wanted())
		return false;
	return true;
}

static __always_inline void ekf_fill_hdr(struct ekf_trace_hdr *h, __u32 sys, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();

	h->ts_ns = bpf_ktime_get_ns();
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->uid = (__u32)bpf_get_current_uid_gid();
	h->ret = ret;
	h->sys = sys;
	h->pad = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Is there a match to run in the kernel (known at load time)? */
static __always_inline bool ekf_kernel_match_on(void)
{
#ifndef EKF_TRACE_PLAIN
	return (match_glob_on && have_glob) || (match_contains_on && have_strstr);
#else
	return false;
#endif
}

/*
 * --match (ekf_glob) and --contains (ekf_strstr) on str, NUL-terminated
 * within size, in the kernel. True when there is nothing to match in the
 * kernel; userspace then does it with the same code (kmod/lib/).
 */
static __always_inline bool ekf_str_wanted(const char *str, __u32 size)
{
#ifndef EKF_TRACE_PLAIN
	if (match_glob_on && have_glob &&
	    ekf_glob(match_pattern, sizeof(match_pattern), str, size, match_glob_flags) != 1)
		return false;
	if (match_contains_on && have_strstr &&
	    ekf_strstr(str, size, match_needle, sizeof(match_needle)) < 0)
		return false;
#endif
	return true;
}

/* A per-CPU scratch value of type vtype, to build an event in. */
#define EKF_SCRATCH_MAP(name, vtype)					\
struct {								\
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);			\
	__uint(max_entries, 1);						\
	__type(key, __u32);						\
	__type(value, vtype);						\
} name SEC(".maps")

/* tracepoint/syscalls/sys_exit_NAME calling fn(return value) */
#define EKF_TP_EXIT(name, fn)						\
SEC("tracepoint/syscalls/sys_exit_" #name)				\
int tp_exit_##name(struct ekf_sys_exit_ctx *ctx)			\
{									\
	return fn(ctx->ret);						\
}

#endif /* EKF_TRACE_BPF_H */
