// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own string search kfunc (about 6.17+), for comparison: a
 * separate object, loaded only where vmlinux BTF has bpf_strnstr.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "kfunc_bench.h"

char LICENSE[] SEC("license") = "GPL";

extern int bpf_strnstr(const char *s1__ign, const char *s2__ign, unsigned long len) __ksym;

char hay[BENCH_HAY_MAX];
char needle[BENCH_NEEDLE_MAX];	/* NUL-terminated */
__u32 hay_len;
__u32 needle_len;
int result;

SEC("xdp")
int bench_kernel_strnstr(struct xdp_md *ctx)
{
	result = bpf_strnstr(hay, needle, hay_len);
	return XDP_PASS;
}
