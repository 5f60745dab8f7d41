/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-written CO-RE view of the x86-64 kernel types the tracing tools
 * read: only the fields they use, relocated by libbpf against the running
 * kernel's BTF (the ___ekf suffix is ignored when matching names). Never
 * generated from a build machine's vmlinux.
 */
#ifndef EKF_VMLINUX_ARCH_H
#define EKF_VMLINUX_ARCH_H

/*
 * struct pt_regs (arch/x86/include/asm/ptrace.h): the user registers at
 * syscall entry, as the raw tracepoints sys_enter / sys_exit pass them.
 * Syscall arguments are di, si, dx, r10, r8, r9 (the x86-64 syscall ABI);
 * orig_ax keeps the syscall number for sys_exit.
 */
struct pt_regs___ekf {
	unsigned long di;
	unsigned long si;
	unsigned long dx;
	unsigned long r10;
	unsigned long r8;
	unsigned long r9;
	unsigned long orig_ax;
} __attribute__((preserve_access_index));

#define EKF_SYSCALL_ARG0(r)	((r)->di)
#define EKF_SYSCALL_ARG1(r)	((r)->si)
#define EKF_SYSCALL_ARG2(r)	((r)->dx)
#define EKF_SYSCALL_ARG3(r)	((r)->r10)
#define EKF_SYSCALL_NR(r)	((long)(r)->orig_ax)

#endif /* EKF_VMLINUX_ARCH_H */
