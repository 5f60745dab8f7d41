/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kfuncs of the ebpf_kfunc module, for BPF programs. They are weak: a
 * program that also works without the module tests bpf_ksym_exists(kfunc)
 * and libbpf loads it whether the module is there or not. Kfuncs are only
 * callable from GPL-compatible programs.
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

#ifndef bpf_ksym_exists
/* libbpf 1.2+ has this in bpf_helpers.h; bookworm's 1.1 does not. */
#define bpf_ksym_exists(sym) ({						\
	_Static_assert(!__builtin_constant_p(!!sym),			\
		       #sym " should be marked as __weak");		\
	!!sym;								\
})
#endif

#endif /* EKF_KFUNCS_BPF_H */
