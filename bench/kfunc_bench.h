/* SPDX-License-Identifier: GPL-2.0 */
/* Sizes shared by the benchmark's BPF programs and its loader. */
#ifndef EKF_KFUNC_BENCH_H
#define EKF_KFUNC_BENCH_H

#define BENCH_HAY_MAX		(64 * 1024)	/* = EKF_MAX_INPUT */
#define BENCH_NEEDLE_MAX	256		/* buffer, NUL-padded */
#define BENCH_LOOP_NEEDLE_MAX	64		/* longest needle the bpf_loop() scan compares */
#define BENCH_FOR_NEEDLE_MAX	8		/* ... and the bounded loops (the verifier walks every iteration) */

#endif
