// SPDX-License-Identifier: GPL-2.0
/*
 * XDP programs for `make bench`, run with bpf_prog_test_run repeat: each
 * run does one search of needle[0..needle_len) in hay[0..hay_len) and
 * stores the answer in result. The loader loads one program at a time, so
 * a variant the verifier refuses (a long bounded loop) is recorded, not
 * fatal.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "ekf_kfuncs.bpf.h"
#include "kfunc_bench.h"

char LICENSE[] SEC("license") = "GPL";

char hay[BENCH_HAY_MAX];
char needle[BENCH_NEEDLE_MAX];
__u32 hay_len;
__u32 needle_len;
int result;

SEC("xdp")
int bench_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int bench_memmem(struct xdp_md *ctx)
{
	__u32 n = hay_len, m = needle_len;

	if (n > BENCH_HAY_MAX || m > BENCH_NEEDLE_MAX)
		return XDP_ABORTED;
	result = ekf_memmem(hay, n, needle, m);
	return XDP_PASS;
}

SEC("xdp")
int bench_strstr(struct xdp_md *ctx)
{
	__u32 n = hay_len, m = needle_len;

	if (n > BENCH_HAY_MAX || m > BENCH_NEEDLE_MAX)
		return XDP_ABORTED;
	result = ekf_strstr(hay, n, needle, m);
	return XDP_PASS;
}

/*
 * The same search as a BPF program would do it without the module: the
 * naive scan, one bpf_loop() iteration per haystack position.
 */
struct scan {
	__u32 m;
	int found;
};

static long scan_at(__u32 i, struct scan *s)
{
	__u32 j;

	for (j = 0; j < BENCH_LOOP_NEEDLE_MAX; j++) {
		__u32 k = i + j;

		if (j >= s->m)
			break;
		/* keep clang from folding the bounds check into hay + i */
		asm volatile("" : "+r"(k));
		if (k >= BENCH_HAY_MAX)
			return 1;
		if (hay[k] != needle[j])
			return 0;	/* next position */
	}
	s->found = i;
	return 1;			/* stop */
}

SEC("xdp")
int bench_bpf_loop(struct xdp_md *ctx)
{
	struct scan s = { .m = needle_len, .found = -1 };
	__u32 n = hay_len;

	if (n > BENCH_HAY_MAX || s.m > BENCH_LOOP_NEEDLE_MAX)
		return XDP_ABORTED;
	if (!s.m) {
		result = 0;
		return XDP_PASS;
	}
	if (s.m <= n)
		bpf_loop(n - s.m + 1, scan_at, &s, 0);
	result = s.found;
	return XDP_PASS;
}

/*
 * The naive scan as a plain bounded loop, which the verifier walks step by
 * step: one step compares one byte (i: position, j: bytes matched there).
 * Sizes are compile-time constants (the haystack size and an 8-byte
 * needle, the "end" input); with cstr, as C strings (strstr's search,
 * which must also stop at the haystack's NUL). With sizes from a map, every check refines
 * their ranges, no two states are alike and even 64 bytes exceed the
 * verifier's 1M instructions, nested loop or not.
 */
#define BOUNDED_SCAN(name, max, cstr)						\
SEC("xdp")									\
int name(struct xdp_md *ctx)							\
{										\
	const __u32 n = (max), m = BENCH_FOR_NEEDLE_MAX;			\
	__u32 i = 0, j = 0;							\
										\
	if (hay_len != n || needle_len != m)					\
		return XDP_ABORTED;						\
	result = -1;								\
	/* no step counter: it would make every state unlike every other */	\
	for (;;) {								\
		if (j == m) {							\
			result = i;						\
			break;							\
		}								\
		if (i + m > n || i >= (max))					\
			break;							\
		/* strstr's haystack also ends at its first NUL */		\
		if ((cstr) && !hay[(i + j) & (BENCH_HAY_MAX - 1)])		\
			break;							\
		if (hay[(i + j) & (BENCH_HAY_MAX - 1)] ==			\
		    needle[j & (BENCH_NEEDLE_MAX - 1)]) {			\
			j++;							\
		} else {							\
			i++;							\
			j = 0;							\
		}								\
	}									\
	return XDP_PASS;							\
}

BOUNDED_SCAN(bench_for_64, 64, 0)
BOUNDED_SCAN(bench_for_1k, 1024, 0)
BOUNDED_SCAN(bench_for_64k, BENCH_HAY_MAX, 0)
BOUNDED_SCAN(bench_forc_64, 64, 1)
BOUNDED_SCAN(bench_forc_1k, 1024, 1)
BOUNDED_SCAN(bench_forc_64k, BENCH_HAY_MAX, 1)
