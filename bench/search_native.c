// SPDX-License-Identifier: GPL-2.0
/*
 * search-native: userspace microbenchmark of kmod/lib/ekf_search.c (the
 * very file the module builds) against a naive scan (what the BPF loop
 * does) and glibc memmem/strstr, on the inputs of ekf-bench: typical text
 * with the needle at the end or absent, and "aaa...a" / "aa...ab".
 *
 *   search-native [--quick]      prints ns per call, one line per case
 *   search-native --run IMPL SIZE INPUT COUNT
 *                                runs one case COUNT times, for an instruction
 *                                count under e.g. valgrind --tool=callgrind
 *                                (a proxy for the cost under QEMU TCG)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_text.h"
#include "ekf_search.h"

#define HAY_MAX		(64 * 1024)

static char hay[HAY_MAX + 1], needle[64];
static double target_ns = 100e6;

/* The bounded BPF loop of kfunc_bench.bpf.c, in C. */
static int naive(const char *h, uint32_t n, const char *nd, uint32_t m)
{
	uint32_t i = 0, j = 0;

	for (;;) {
		if (j == m)
			return (int)i;
		if (i + m > n)
			return -1;
		if (h[i + j] == nd[j]) {
			j++;
		} else {
			i++;
			j = 0;
		}
	}
}

static int glibc_memmem(const char *h, uint32_t n, const char *nd, uint32_t m)
{
	const char *r = memmem(h, n, nd, m);

	return r ? (int)(r - h) : -1;
}

static int glibc_strstr(const char *h, uint32_t n, const char *nd, uint32_t m)
{
	const char *r = strstr(h, nd);	/* hay[n] is NUL */

	return r ? (int)(r - h) : -1;
}

typedef int (*fn_t)(const char *, uint32_t, const char *, uint32_t);

static const struct {
	const char *name;
	fn_t fn;
} impls[] = {
	{ "ekf_memmem", ekf_search_memmem }, { "ekf_strstr", ekf_search_strstr },
	{ "ekf_strcasestr", ekf_search_strcasestr }, { "naive", naive },
	{ "glibc_memmem", glibc_memmem }, { "glibc_strstr", glibc_strstr },
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile int sink;

static double bench(fn_t fn, uint32_t n, uint32_t m, int want)
{
	double best = 1e30, t0, t;
	unsigned long reps = 1, r;
	int round;

	if (fn(hay, n, needle, m) != want) {
		fprintf(stderr, "wrong answer %d want %d\n", fn(hay, n, needle, m), want);
		exit(1);
	}
	for (;;) {
		t0 = now_ns();
		for (r = 0; r < reps; r++)
			sink = fn(hay, n, needle, m);
		t = now_ns() - t0;
		if (t > target_ns / 10)
			break;
		reps *= 4;
	}
	reps = (unsigned long)(reps * (target_ns / 3) / t) + 1;
	for (round = 0; round < 3; round++) {
		t0 = now_ns();
		for (r = 0; r < reps; r++) {
			__asm__ volatile("" ::: "memory");
			sink = fn(hay, n, needle, m);
		}
		t = (now_ns() - t0) / reps;
		if (t < best)
			best = t;
	}
	return best;
}

/* Fill hay and needle for input IN (0 end, 1 typical, 2 pathological). */
static uint32_t set_input(int in, uint32_t n, int *want)
{
	uint32_t m;

	memset(hay, 0, sizeof(hay));
	memset(needle, 0, sizeof(needle));
	if (in == 2) {
		memset(hay, 'a', n);
		m = 32;
		memset(needle, 'a', m - 1);
		needle[m - 1] = 'b';
		*want = -1;
	} else {
		const char *nd = in == 0 ? "needle!X" : "the quick brown fox jumps over!!";

		make_text(hay, n);
		m = strlen(nd);
		memcpy(needle, nd, m);
		*want = -1;
		if (in == 0) {
			memcpy(hay + n - m, nd, m);
			*want = n - m;
		}
	}
	return m;
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 64, 1024, HAY_MAX };
	static const char *const inputs[] = { "end", "typical", "pathological" };
	size_t s, in, k;

	if (argc == 6 && !strcmp(argv[1], "--run")) {
		uint32_t n = strtoul(argv[3], NULL, 0), m;
		long count = atol(argv[5]);
		int want;

		for (in = 0; in < 3 && strcmp(argv[4], inputs[in]); in++)
			;
		for (k = 0; k < sizeof(impls) / sizeof(impls[0]) &&
			    strcmp(argv[2], impls[k].name); k++)
			;
		if (in == 3 || k == sizeof(impls) / sizeof(impls[0]) || n > HAY_MAX)
			return 2;
		m = set_input(in, n, &want);
		while (count-- > 0)
			sink = impls[k].fn(hay, n, needle, m);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--quick"))
		target_ns = 10e6;
	printf("%-8s %-13s", "size", "input");
	for (k = 0; k < sizeof(impls) / sizeof(impls[0]); k++)
		printf(" %14s", impls[k].name);
	printf("   (ns per call)\n");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (in = 0; in < 3; in++) {
			uint32_t n = sizes[s], m;
			int want;

			m = set_input(in, n, &want);
			printf("%-8u %-13s", n, inputs[in]);
			for (k = 0; k < sizeof(impls) / sizeof(impls[0]); k++)
				printf(" %14.1f", bench(impls[k].fn, n, m, want));
			printf("\n");
			fflush(stdout);
		}
	}
	return 0;
}
