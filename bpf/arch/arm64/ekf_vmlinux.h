/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-written CO-RE view of the arm64 kernel types the tracing tools
 * read: only the fields they use, relocated by libbpf against the running
 * kernel's BTF (the ___ekf suffix is ignored when matching names).
 */
#ifndef EKF_VMLINUX_ARCH_H
#define EKF_VMLINUX_ARCH_H

/*
 * struct pt_regs (arch/arm64/include/asm/ptrace.h): syscall arguments in
 * regs[0..5] at entry (x0 is overwritten by the return value at exit;
 * orig_x0 keeps it), the syscall number in syscallno.
 */
struct pt_regs___ekf {
	unsigned long long regs[31];
	unsigned long long orig_x0;
	int syscallno;
} __attribute__((preserve_access_index));

#define EKF_SYSCALL_ARG0(r)	((r)->orig_x0)
#define EKF_SYSCALL_ARG1(r)	((r)->regs[1])
#define EKF_SYSCALL_ARG2(r)	((r)->regs[2])
#define EKF_SYSCALL_ARG3(r)	((r)->regs[3])
#define EKF_SYSCALL_NR(r)	((long)(r)->syscallno)

#endif /* EKF_VMLINUX_ARCH_H */
