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

/*
 * Helpers that take a constant @fold (or @two) are forced inline, so that
 * each caller gets its own copy without the test in its inner loops.
 */
#define EKF_INLINE	static inline __attribute__((__always_inline__))

/*
 * Word-at-a-time scans ("SWAR"): 8 bytes a step in a 64-bit integer.
 * ekf_has_zero() is non-zero exactly when some byte of v is zero (it may
 * mark the wrong byte, so the byte itself is then found bytewise, which is
 * also what keeps this endian-neutral). Only words fully inside the buffer
 * are loaded; the unaligned load is one instruction where the CPU allows it.
 */
typedef unsigned long long ekf_word;

#define EKF_WSZ		((int)sizeof(ekf_word))
#define EKF_ONES	0x0101010101010101ULL
#define EKF_HIGHS	0x8080808080808080ULL

EKF_INLINE ekf_word ekf_load(const u8 *p)
{
	ekf_word v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

EKF_INLINE ekf_word ekf_has_zero(ekf_word v)
{
	return (v - EKF_ONES) & ~v & EKF_HIGHS;
}

EKF_INLINE u8 ekf_fold(u8 c, int fold)
{
	if (fold && c >= 'A' && c <= 'Z')
		return c + ('a' - 'A');
	return c;
}

EKF_INLINE int ekf_eq(const u8 *a, int i, const u8 *b, int j, int fold)
{
	EKF_STEP();
	return ekf_fold(a[i], fold) == ekf_fold(b[j], fold);
}

/*
 * Length of the C string s, at most max. Not counted in ekf_steps (a
 * separate pass of max / 8 word loads at most, as it was of max bytes).
 */
static u32 ekf_strnlen(const char *s, u32 max)
{
	const u8 *p = (const u8 *)s;
	u32 n = 0;

	while (max - n >= (u32)EKF_WSZ && !ekf_has_zero(ekf_load(p + n)))
		n += EKF_WSZ;
	while (n < max && p[n])
		n++;
	return n;
}

/*
 * First k in [k, n) with y[k] == c1 or (if @two) y[k] == c2; n if none.
 * The first EKF_WSZ bytes are compared one by one, then a word at a time:
 * a scan that stops early costs no more than comparing the bytes, and one
 * that goes on costs one step per 8 bytes (the byte is then found within
 * its word bytewise). One step per word loaded and per byte compared.
 */
EKF_INLINE int ekf_find(const u8 *y, int k, int n, u8 c1, u8 c2, int two)
{
	ekf_word p1 = EKF_ONES * c1, p2 = EKF_ONES * c2;
	int stop = n - k > EKF_WSZ ? k + EKF_WSZ : n;

	for (; k < stop; k++) {
		EKF_STEP();
		if (y[k] == c1 || (two && y[k] == c2))
			return k;
	}
	while (n - k >= EKF_WSZ) {
		ekf_word v = ekf_load(y + k);
		ekf_word t = ekf_has_zero(v ^ p1);

		EKF_STEP();
		if (two)
			t |= ekf_has_zero(v ^ p2);
		if (t)
			break;
		k += EKF_WSZ;
	}
	/* The byte is in this word if one was found, else in the tail. */
	for (; k < n; k++) {
		EKF_STEP();
		if (y[k] == c1 || (two && y[k] == c2))
			return k;
	}
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
 * The needle's critical factorization x = u.v (u = x[0..*ell]) and the shift
 * after a mismatch in u: the needle's period if it is periodic (returns 1),
 * else a safe max(|u|, |v|) + 1 (returns 0).
 */
static int ekf_factorize(const u8 *x, int m, int fold, int *ell, int *per)
{
	int l, p, l2, p2, i;

	l = ekf_max_suffix(x, m, fold, 0, &p);
	l2 = ekf_max_suffix(x, m, fold, 1, &p2);
	if (l2 > l) {
		l = l2;
		p = p2;
	}
	*ell = l;
	/* Is p also the period of the whole needle? x[0..l] == x[p..]. */
	if (p + l < m) {
		for (i = 0; i <= l && ekf_eq(x, i, x, i + p, fold); i++)
			;
		if (i > l) {
			*per = p;
			return 1;
		}
	}
	*per = (l + 1 > m - l - 1 ? l + 1 : m - l - 1) + 1;
	return 0;
}

/*
 * First occurrence of x[0..m) in y[0..n), 2 <= m <= n.
 *
 * Two-Way: the right part v is matched left to right, a mismatch at i
 * shifts the window by i - ell without missing a match; then the left part
 * u right to left, a mismatch there shifts by per, remembering (mem) in the
 * periodic case the prefix x[0..m-per) known to match the new window, which
 * keeps the total linear on inputs like "aaaa" in "aaa...a".
 *
 * Before each window, its last byte is compared with the needle's: a match
 * needs y[j+m-1] == x[m-1]. If it differs, ekf_find() moves the window
 * to the next position where it is equal, a word at a time. Every window it
 * passes over cannot match, so nothing is missed; forgetting mem then is
 * always safe. The scan only moves over bytes that no window end has
 * reached yet, so the whole stays linear: at most one step per window end
 * skipped (plus one word step per 8 bytes), instead of the window attempts
 * Two-Way would have made there. The last byte is then known to match and
 * is not compared again.
 */
EKF_INLINE int ekf_two_way(const u8 *y, int n, const u8 *x, int m, int fold)
{
	int ell, per, periodic, i, i0, j, k, mem, end, last = n - m;
	u8 c1 = ekf_fold(x[m - 1], fold), c2 = c1;
	int skip = 1, cost = 0;

	periodic = ekf_factorize(x, m, fold, &ell, &per);
	if (fold && c1 >= 'a' && c1 <= 'z')
		c2 = c1 - ('a' - 'A');

	mem = -1;
	for (j = 0; j <= last; ) {
		end = m;
		if (skip && cost > j + (j >> 1))
			skip = 0;
		if (skip) {
			k = j + m - 1;
			EKF_STEP();
			cost++;
			if (ekf_fold(y[k], fold) != c1) {
				/* c1 and c2 are the byte's only forms, folded or not. */
				if (c1 != c2)
					j = ekf_find(y, k + 1, n, c1, c2, 1);
				else
					j = ekf_find(y, k + 1, n, c1, c1, 0);
				if (j >= n)
					return -1;
				/* An upper bound of the scan's steps. */
				cost += ((j - k) >> 3) + 2 * EKF_WSZ + 1;
				j -= m - 1;
				mem = -1;
			}
			end = m - 1;
		}
		i0 = (ell > mem ? ell : mem) + 1;
		for (i = i0; i < end && ekf_eq(x, i, y, i + j, fold); i++)
			;
		cost += i - i0 + 1;
		if (i < end) {
			j += i - ell;
			mem = -1;
			continue;
		}
		for (i = ell; i > mem && ekf_eq(x, i, y, i + j, fold); i--)
			;
		cost += ell - i + 1;
		if (i <= mem)
			return j;
		j += per;
		/* x[0..m-per) is known to match the new window. */
		if (periodic)
			mem = m - per - 1;
	}
	return -1;
}

EKF_INLINE int ekf_search(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz,
			  int fold)
{
	const u8 *y = (const u8 *)hay, *x = (const u8 *)needle;
	u8 c1, c2;
	int k;

	if (!needle_sz)
		return 0;
	if (needle_sz > hay_sz)
		return -1;
	if (needle_sz > 1)
		return ekf_two_way(y, (int)hay_sz, x, (int)needle_sz, fold);
	/* One byte: just the scan. */
	c1 = ekf_fold(x[0], fold);
	c2 = c1;
	if (fold && c1 >= 'a' && c1 <= 'z')
		c2 = c1 - ('a' - 'A');
	k = c1 != c2 ? ekf_find(y, 0, (int)hay_sz, c1, c2, 1) :
		       ekf_find(y, 0, (int)hay_sz, c1, c1, 0);
	return k < (int)hay_sz ? k : -1;
}

/* The two specializations: no fold test in the byte-exact one. */
static int ekf_search_exact(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search(hay, hay_sz, needle, needle_sz, 0);
}

static int ekf_search_fold(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search(hay, hay_sz, needle, needle_sz, 1);
}

int ekf_search_memmem(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	if (hay_sz > EKF_MAX_INPUT || needle_sz > EKF_MAX_INPUT)
		return -E2BIG;
	return ekf_search_exact(hay, hay_sz, needle, needle_sz);
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
	hay_sz = ekf_strnlen(hay, hay_sz);
	return fold ? ekf_search_fold(hay, hay_sz, needle, needle_sz) :
		      ekf_search_exact(hay, hay_sz, needle, needle_sz);
}

int ekf_search_strstr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search_cstr(hay, hay_sz, needle, needle_sz, 0);
}

int ekf_search_strcasestr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search_cstr(hay, hay_sz, needle, needle_sz, 1);
}
