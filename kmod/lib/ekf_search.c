// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded-cost substring search, shared by the kernel module and the
 * userspace tests and fuzzers (one source, built both ways).
 *
 * These run inside BPF programs with preemption disabled, on inputs an
 * unprivileged producer may choose, so the worst case matters more than the
 * average one: a naive scan costs O(hay x needle) on inputs such as
 * "aaaa...a" / "aaa...ab". Two-Way string matching (Crochemore and Perrin,
 * "Two-way string-matching", JACM 38(3), 1991) is linear in the haystack
 * (at most 2 * hay byte comparisons in the search phase, plus O(needle) to
 * preprocess the needle) and uses constant space, with no table on the
 * stack.
 *
 * Sizes are checked first: any size argument above EKF_MAX_INPUT is -E2BIG,
 * even when a C string ends earlier at a NUL. That bound also keeps every
 * index within an int, so the return value is never ambiguous.
 *
 * No libc (not even memchr/tolower), no recursion, no VLAs: this is built
 * as kernel code. Case folding is ASCII only, as in the C locale.
 *
 * EKF_STEP_COUNT: the cost test builds this file with -DEKF_STEP_COUNT and
 * counts every byte comparison in ekf_steps, to catch a regression to a
 * super-linear algorithm; it is a no-op in the module.
 */
#include "ekf_search.h"

#ifdef EKF_STEP_COUNT
extern unsigned long long ekf_steps;
#define EKF_STEP()	((void)ekf_steps++)
#else
#define EKF_STEP()	((void)0)
#endif

static inline u8 ekf_fold(u8 c, int fold)
{
	if (fold && c >= 'A' && c <= 'Z')
		return c + ('a' - 'A');
	return c;
}

static inline int ekf_eq(const u8 *a, int i, const u8 *b, int j, int fold)
{
	EKF_STEP();
	return ekf_fold(a[i], fold) == ekf_fold(b[j], fold);
}

static inline u32 ekf_strnlen(const char *s, u32 max)
{
	u32 n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/*
 * Maximal suffix of x[0..m) for the byte order (or for the reverse order if
 * @rev): returns the position just before it (-1 for all of x) and stores
 * its period in *period. Linear: every step advances j + k or ms.
 */
static int ekf_max_suffix(const u8 *x, int m, int fold, int rev, int *period)
{
	int ms = -1, j = 0, k = 1, p = 1;

	while (j + k < m) {
		u8 a = ekf_fold(x[j + k], fold);
		u8 b = ekf_fold(x[ms + k], fold);

		EKF_STEP();
		if (a == b) {
			if (k == p) {
				j += p;
				k = 1;
			} else {
				k++;
			}
		} else if ((a < b) != rev) {
			/* x[ms+1..j+k] is still the maximal suffix prefix. */
			j += k;
			k = 1;
			p = j - ms;
		} else {
			/* A larger suffix starts at j + 1. */
			ms = j;
			j = ms + 1;
			k = 1;
			p = 1;
		}
	}
	*period = p;
	return ms;
}

/*
 * First occurrence of x[0..m) in y[0..n), 1 <= m <= n.
 *
 * The needle is cut at a critical factorization x = u.v (u = x[0..ell]),
 * where the local period equals the global period of v. The right part is
 * matched left to right: a mismatch at i shifts the window by i - ell
 * without missing a match. Then the left part is matched right to left:
 * a mismatch there shifts by the needle's period when the needle is
 * periodic (remembering the prefix that is known to match, which keeps the
 * total linear on inputs like "aaaa" in "aaa...a"), and by a safe
 * max(|u|, |v|) + 1 otherwise.
 */
static int ekf_two_way(const u8 *y, int n, const u8 *x, int m, int fold)
{
	int ell, per, ell2, per2, i, j, mem;

	ell = ekf_max_suffix(x, m, fold, 0, &per);
	ell2 = ekf_max_suffix(x, m, fold, 1, &per2);
	if (ell2 > ell) {
		ell = ell2;
		per = per2;
	}

	/* Is per also the period of the whole needle? x[0..ell] == x[per..]. */
	i = 0;
	if (per + ell < m) {
		while (i <= ell && ekf_eq(x, i, x, i + per, fold))
			i++;
	}

	if (per + ell < m && i > ell) {
		mem = -1;
		for (j = 0; j <= n - m; ) {
			i = (ell > mem ? ell : mem) + 1;
			while (i < m && ekf_eq(x, i, y, i + j, fold))
				i++;
			if (i < m) {
				j += i - ell;
				mem = -1;
				continue;
			}
			i = ell;
			while (i > mem && ekf_eq(x, i, y, i + j, fold))
				i--;
			if (i <= mem)
				return j;
			j += per;
			/* x[0..m-per) is known to match the new window. */
			mem = m - per - 1;
		}
		return -1;
	}

	per = (ell + 1 > m - ell - 1 ? ell + 1 : m - ell - 1) + 1;
	for (j = 0; j <= n - m; ) {
		i = ell + 1;
		while (i < m && ekf_eq(x, i, y, i + j, fold))
			i++;
		if (i < m) {
			j += i - ell;
			continue;
		}
		i = ell;
		while (i >= 0 && ekf_eq(x, i, y, i + j, fold))
			i--;
		if (i < 0)
			return j;
		j += per;
	}
	return -1;
}

static int ekf_search(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz, int fold)
{
	if (!needle_sz)
		return 0;
	if (needle_sz > hay_sz)
		return -1;
	return ekf_two_way((const u8 *)hay, (int)hay_sz, (const u8 *)needle, (int)needle_sz,
			   fold);
}

int ekf_search_memmem(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	if (hay_sz > EKF_MAX_INPUT || needle_sz > EKF_MAX_INPUT)
		return -E2BIG;
	return ekf_search(hay, hay_sz, needle, needle_sz, 0);
}

static int ekf_search_cstr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz,
			   int fold)
{
	if (hay_sz > EKF_MAX_INPUT || needle_sz > EKF_MAX_INPUT)
		return -E2BIG;
	/* The needle first: an empty one matches without reading the haystack. */
	needle_sz = ekf_strnlen(needle, needle_sz);
	if (!needle_sz)
		return 0;
	return ekf_search(hay, ekf_strnlen(hay, hay_sz), needle, needle_sz, fold);
}

int ekf_search_strstr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search_cstr(hay, hay_sz, needle, needle_sz, 0);
}

int ekf_search_strcasestr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search_cstr(hay, hay_sz, needle, needle_sz, 1);
}
