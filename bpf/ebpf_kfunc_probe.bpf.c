// SPDX-License-Identifier: GPL-2.0
/*
 * `ebpf-kfunc status`: which program types may call the kfuncs. One tiny
 * program per program type calls every kfunc the module has; userspace
 * loads them one at a time (bpf_program__set_autoload) and never attaches
 * them. A refusal names the kfunc ("calling kernel function X is not
 * allowed"). have_<kfunc> guards as in ebpf_kfunc.bpf.c.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "ekf_kfuncs.bpf.h"

const volatile __u32 have_memmem;
const volatile __u32 have_strstr;
const volatile __u32 have_strcasestr;
const volatile __u32 have_glob;

static __always_inline void call_all(void)
{
	char s[4] = "abc";

	if (have_memmem)
		ekf_memmem(s, 3, s, 1);
	if (have_strstr)
		ekf_strstr(s, 3, s, 1);
	if (have_strcasestr)
		ekf_strcasestr(s, 3, s, 1);
	if (have_glob)
		ekf_glob(s, 3, s, 3, 0);
}

/* Tracing programs must return 0; the others do not care. */
#define EKF_PROBE(sec, name)						\
SEC(sec)								\
int probe_##name(void *ctx)						\
{									\
	call_all();							\
	return 0;							\
}

EKF_PROBE("syscall", syscall)
EKF_PROBE("fentry/bpf_fentry_test1", fentry)
EKF_PROBE("tp_btf/sched_switch", tp_btf)
EKF_PROBE("tracepoint/sched/sched_switch", tracepoint)
EKF_PROBE("kprobe/do_nanosleep", kprobe)
EKF_PROBE("xdp", xdp)
EKF_PROBE("tc", sched_cls)

char LICENSE[] SEC("license") = "GPL";
