// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-opensnoop: open(2), openat(2), openat2(2) with their path, flags
 * and result. Userspace turns off (bpf_program__set_autoload) the
 * programs of syscalls this kernel or architecture lacks (no open on
 * arm64, no openat2 before 5.6), and chooses one attach flavour:
 * tracepoint/syscalls/sys_* by default (no --match in the kernel); when
 * --match runs in the kernel, fexit on the syscall functions first (only
 * the traced calls pay: no syscall-wide slow path), then
 * tp_btf/sys_{enter,exit} where the kernel refuses fexit (6.1's tracepoint
 * programs may not call kfuncs; both of these are TRACING programs).
 */
#include "ekf_trace_path.bpf.h"

/* syscall numbers for the tp_btf flavour; -1: not on this architecture */
const volatile long nr_open = -1;
const volatile long nr_openat = -1;
const volatile long nr_openat2 = -1;

/* struct open_how (include/uapi/linux/openat2.h, 5.6+): flags come first */
static __always_inline __u64 openat2_flags(__u64 how)
{
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (const void *)how);
	return flags;
}

static __always_inline __u32 openat2_mode(__u64 how)
{
	__u64 mode = 0;

	bpf_probe_read_user(&mode, sizeof(mode), (const void *)(how + 8));
	return mode;
}

EKF_PATH_EXIT(open)
EKF_PATH_EXIT(openat)
EKF_PATH_EXIT(openat2)

SEC("tracepoint/syscalls/sys_enter_open")
int tp_enter_open(struct ekf_sys_enter_ctx *ctx)
{
	return ekf_path_enter(EKF_SYS_OPEN, ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_enter_openat(struct ekf_sys_enter_ctx *ctx)
{
	return ekf_path_enter(EKF_SYS_OPENAT, ctx->args[1], ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int tp_enter_openat2(struct ekf_sys_enter_ctx *ctx)
{
	return ekf_path_enter(EKF_SYS_OPENAT2, ctx->args[1], openat2_flags(ctx->args[2]),
			      openat2_mode(ctx->args[2]));
}

#ifndef EKF_TRACE_PLAIN
SEC("tp_btf/sys_enter")
int BPF_PROG(btf_sys_enter, struct pt_regs___ekf *regs, long nr)
{
	if (EKF_NR_IS(nr, nr_openat))
		return ekf_path_enter(EKF_SYS_OPENAT, EKF_SYSCALL_ARG1(regs),
				      EKF_SYSCALL_ARG2(regs), EKF_SYSCALL_ARG3(regs));
	if (EKF_NR_IS(nr, nr_open))
		return ekf_path_enter(EKF_SYS_OPEN, EKF_SYSCALL_ARG0(regs),
				      EKF_SYSCALL_ARG1(regs), EKF_SYSCALL_ARG2(regs));
	if (EKF_NR_IS(nr, nr_openat2))
		return ekf_path_enter(EKF_SYS_OPENAT2, EKF_SYSCALL_ARG1(regs),
				      openat2_flags(EKF_SYSCALL_ARG2(regs)),
				      openat2_mode(EKF_SYSCALL_ARG2(regs)));
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(btf_sys_exit, struct pt_regs___ekf *regs, long ret)
{
	long nr = EKF_SYSCALL_NR(regs);

	if (EKF_NR_IS(nr, nr_openat) || EKF_NR_IS(nr, nr_open) || EKF_NR_IS(nr, nr_openat2))
		return ekf_path_exit(ret);
	return 0;
}

/*
 * fexit flavour: bare SEC("fexit"), the target set by userspace
 * (bpf_program__set_attach_target) to the architecture's syscall function,
 * "fexit_openat" -> __x64_sys_openat or __arm64_sys_openat; a kernel
 * without it (open on arm64) leaves the program out. The syscall functions
 * take the user registers, const struct pt_regs *regs, since the syscall
 * wrappers (x86-64: fa697140f9a2 "syscalls/x86: Use 'struct pt_regs' based
 * syscall calling convention for 64-bit syscalls", 4.17; arm64:
 * 4378a7d4be30 "arm64: implement syscall wrappers", 4.19).
 */
SEC("fexit")
int BPF_PROG(fexit_openat, struct pt_regs___ekf *regs, long ret)
{
	return ekf_path_fexit(EKF_SYS_OPENAT, EKF_SYSCALL_ARG1(regs), EKF_SYSCALL_ARG2(regs),
			      EKF_SYSCALL_ARG3(regs), ret);
}

SEC("fexit")
int BPF_PROG(fexit_open, struct pt_regs___ekf *regs, long ret)
{
	return ekf_path_fexit(EKF_SYS_OPEN, EKF_SYSCALL_ARG0(regs), EKF_SYSCALL_ARG1(regs),
			      EKF_SYSCALL_ARG2(regs), ret);
}

SEC("fexit")
int BPF_PROG(fexit_openat2, struct pt_regs___ekf *regs, long ret)
{
	return ekf_path_fexit(EKF_SYS_OPENAT2, EKF_SYSCALL_ARG1(regs),
			      openat2_flags(EKF_SYSCALL_ARG2(regs)),
			      openat2_mode(EKF_SYSCALL_ARG2(regs)), ret);
}

#endif /* EKF_TRACE_PLAIN */

char LICENSE[] SEC("license") = "GPL";
