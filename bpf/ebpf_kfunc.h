/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by bpf/ebpf_kfunc.bpf.c and tools/ebpf-kfunc.c: the layout the
 * SYSCALL programs of `ebpf-kfunc selftest|call` expect.
 */
#ifndef EBPF_KFUNC_H
#define EBPF_KFUNC_H

#include "../kmod/lib/ekf_limits.h"

/* Inputs up to one byte over the largest limit, to test -E2BIG. */
#define EKF_BUF_SIZE		(EKF_MAX_INPUT + 1)

/* Return values of the run_* programs (BPF_PROG_TEST_RUN retval). */
#define EKF_RUN_OK		0
#define EKF_RUN_NO_KFUNC	1	/* the kfunc is not in the kernel */
#define EKF_RUN_BAD_SIZE	2	/* len_a/len_b over EKF_BUF_SIZE */

#endif /* EBPF_KFUNC_H */
