/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kfuncs of the ebpf_kfunc module, for BPF programs. Kfuncs are only
 * callable from GPL-compatible programs.
 *
 * They are weak, so a program that also works without the module loads
 * whether it is there or not. Guard each call with a `const volatile`
 * flag that userspace sets in .rodata before loading, from the module's
 * BTF (tools/lib/ekf_kmod.h), and let the verifier drop the dead branch:
 *
 *	const volatile __u32 have_strstr;
 *	...
 *	if (have_strstr)
 *		r = ekf_strstr(buf, n, needle, len);
 *
 * Not bpf_ksym_exists(): with libbpf 1.1 (Debian 12) a program using it is
 * rejected once the module is loaded ("ldimm64 insn specifies invalid
 * btf_id"), on every kernel.
 *
 * The verifier checks every (pointer, __sz) pair for reading and writing,
 * so inputs must be writable memory (stack, map values, .bss, .data), not
 * .rodata. Sizes must be bounded by the buffer's size in the register
 * passed: compare the very register you pass.
 */
#ifndef EKF_KFUNCS_BPF_H
#define EKF_KFUNCS_BPF_H

#include "../kmod/lib/ekf_limits.h"

extern int ekf_memmem(const char *hay, __u32 hay__sz,
		      const char *needle, __u32 needle__sz) __ksym __weak;
extern int ekf_strstr(const char *hay, __u32 hay__sz,
		      const char *needle, __u32 needle__sz) __ksym __weak;
extern int ekf_strcasestr(const char *hay, __u32 hay__sz,
			  const char *needle, __u32 needle__sz) __ksym __weak;
extern int ekf_glob(const char *pattern, __u32 pattern__sz,
		    const char *str, __u32 str__sz, __u32 flags) __ksym __weak;

#endif /* EKF_KFUNCS_BPF_H */
