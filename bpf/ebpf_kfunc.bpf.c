// SPDX-License-Identifier: GPL-2.0
/*
 * `ebpf-kfunc selftest` and `ebpf-kfunc call`: one SYSCALL program per
 * kfunc, run with BPF_PROG_TEST_RUN. Userspace writes the two inputs and
 * their sizes into .bss (a writable, mmap-able ARRAY map value: the
 * verifier checks kfunc (pointer, __sz) pairs for reading and writing, so
 * .rodata would not do), runs the program and reads `result` back.
 *
 * The externs are weak, and userspace sets have_<kfunc> in .rodata from the
 * module's BTF before loading: the verifier drops a call behind a false
 * flag as dead code. bpf_ksym_exists() would be the obvious guard, but on
 * 6.1 the verifier rejects an ld_imm64 of a resolved kfunc ("isn't
 * KIND_VAR", fixed in 6.4), so it cannot be used on bookworm's kernel.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "ekf_kfuncs.bpf.h"
#include "ebpf_kfunc.h"

const volatile __u32 have_memmem;
const volatile __u32 have_strstr;
const volatile __u32 have_strcasestr;
const volatile __u32 have_glob;

/* One byte over every limit, so that -E2BIG is testable. */
char in_a[EKF_BUF_SIZE];
char in_b[EKF_BUF_SIZE];
__u32 len_a;
__u32 len_b;
__u32 glob_flags;
int result;

/*
 * The verifier needs each size register bounded by the buffer: compare the
 * very register that is passed (a zero-extended 32-bit load, compared as
 * 64 bits, so that clang adds no shifts that would lose the bound).
 */
#define EKF_LOAD_SIZES(a, b)						\
	__u64 a = len_a, b = len_b;					\
	if (a > EKF_BUF_SIZE || b > EKF_BUF_SIZE)			\
		return EKF_RUN_BAD_SIZE;

#define EKF_SEARCH_PROG(fn)						\
SEC("syscall")								\
int run_##fn(void *ctx)							\
{									\
	EKF_LOAD_SIZES(a, b);						\
	if (!have_##fn)							\
		return EKF_RUN_NO_KFUNC;				\
	result = ekf_##fn(in_a, a, in_b, b);				\
	return EKF_RUN_OK;						\
}

EKF_SEARCH_PROG(memmem)
EKF_SEARCH_PROG(strstr)
EKF_SEARCH_PROG(strcasestr)

SEC("syscall")
int run_glob(void *ctx)
{
	EKF_LOAD_SIZES(a, b);
	if (!have_glob)
		return EKF_RUN_NO_KFUNC;
	result = ekf_glob(in_a, a, in_b, b, glob_flags);
	return EKF_RUN_OK;
}

char LICENSE[] SEC("license") = "GPL";
