/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences, decided by what the target kernel's headers
 * define rather than by its version number: distribution kernels (RHEL's
 * 5.14-numbered ones in particular) carry BPF backports.
 */
#ifndef EKF_COMPAT_H
#define EKF_COMPAT_H

#include <linux/btf.h>
#include <linux/btf_ids.h>

/* Kfunc id sets with flags: BTF_SET8 appeared in 6.0 (ab21d6063c01). */
#ifndef BTF_SET8_START
#error "the kernel headers lack BTF_SET8_START: kernels older than 6.0 cannot carry module kfuncs with flags"
#endif

/* __bpf_kfunc: 6.2 (98e6ab7a0b3f "bpf: Add __bpf_kfunc tag for marking kernel functions as kfuncs") */
#ifndef __bpf_kfunc
#define __bpf_kfunc __used noinline
#endif

/* 6.7 (391145ba2acc "bpf: Add __bpf_kfunc_{start,end}_defs macros") */
#ifndef __bpf_kfunc_start_defs
#define __bpf_kfunc_start_defs()					\
	__diag_push();							\
	__diag_ignore_all("-Wmissing-prototypes",			\
			  "Global kfuncs as their definitions will be in BTF")
#define __bpf_kfunc_end_defs() __diag_pop()
#endif

/*
 * 6.9 (a05e90427ef6 "bpf: Add BTF_KFUNCS_START/END macro pair") marks kfunc
 * sets with BTF_SET8_KFUNCS, and from then on registration requires it.
 */
#ifndef BTF_KFUNCS_START
#define BTF_KFUNCS_START(name) BTF_SET8_START(name)
#define BTF_KFUNCS_END(name) BTF_SET8_END(name)
#endif

#endif /* EKF_COMPAT_H */
