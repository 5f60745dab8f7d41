// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-unlinksnoop: who deletes what: unlink(2), unlinkat(2), rmdir(2),
 * with the path and the result. --match runs ekf_glob and --contains
 * ekf_strstr on the path in the kernel when the module is there (the
 * tutorial's do_unlinkat + strstr demo as a tool). Attach flavours
 * (tracepoint; fexit, then tp_btf, for an in-kernel match) and missing
 * syscalls (no unlink or rmdir on arm64) as in ebpf-opensnoop.
 */
#include "ekf_trace_path.bpf.h"

const volatile long nr_unlink = -1;
const volatile long nr_unlinkat = -1;
const volatile long nr_rmdir = -1;

EKF_PATH_EXIT(unlink)
EKF_PATH_EXIT(unlinkat)
EKF_PATH_EXIT(rmdir)

SEC("tracepoint/syscalls/sys_enter_unlink")
int tp_enter_unlink(struct ekf_sys_enter_ctx *ctx)
{
	return ekf_path_enter(EKF_SYS_UNLINK, ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int tp_enter_unlinkat(struct ekf_sys_enter_ctx *ctx)
{
	return ekf_path_enter(EKF_SYS_UNLINKAT, ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_enter_rmdir")
int tp_enter_rmdir(struct ekf_sys_enter_ctx *ctx)
{
	return ekf_path_enter(EKF_SYS_RMDIR, ctx->args[0], 0, 0);
}

#ifndef EKF_TRACE_PLAIN
SEC("tp_btf/sys_enter")
int BPF_PROG(btf_sys_enter, struct pt_regs___ekf *regs, long nr)
{
	if (EKF_NR_IS(nr, nr_unlinkat))
		return ekf_path_enter(EKF_SYS_UNLINKAT, EKF_SYSCALL_ARG1(regs),
				      EKF_SYSCALL_ARG2(regs), 0);
	if (EKF_NR_IS(nr, nr_unlink))
		return ekf_path_enter(EKF_SYS_UNLINK, EKF_SYSCALL_ARG0(regs), 0, 0);
	if (EKF_NR_IS(nr, nr_rmdir))
		return ekf_path_enter(EKF_SYS_RMDIR, EKF_SYSCALL_ARG0(regs), 0, 0);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(btf_sys_exit, struct pt_regs___ekf *regs, long ret)
{
	long nr = EKF_SYSCALL_NR(regs);

	if (EKF_NR_IS(nr, nr_unlinkat) || EKF_NR_IS(nr, nr_unlink) || EKF_NR_IS(nr, nr_rmdir))
		return ekf_path_exit(ret);
	return 0;
}

/* fexit flavour, as in ebpf_opensnoop.bpf.c: __x64_sys_unlinkat etc. */
SEC("fexit")
int BPF_PROG(fexit_unlinkat, struct pt_regs___ekf *regs, long ret)
{
	return ekf_path_fexit(EKF_SYS_UNLINKAT, EKF_SYSCALL_ARG1(regs), EKF_SYSCALL_ARG2(regs),
			      0, ret);
}

SEC("fexit")
int BPF_PROG(fexit_unlink, struct pt_regs___ekf *regs, long ret)
{
	return ekf_path_fexit(EKF_SYS_UNLINK, EKF_SYSCALL_ARG0(regs), 0, 0, ret);
}

SEC("fexit")
int BPF_PROG(fexit_rmdir, struct pt_regs___ekf *regs, long ret)
{
	return ekf_path_fexit(EKF_SYS_RMDIR, EKF_SYSCALL_ARG0(regs), 0, 0, ret);
}

#endif /* EKF_TRACE_PLAIN */

char LICENSE[] SEC("license") = "GPL";
