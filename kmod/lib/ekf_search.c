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
 * Speed: before a window is compared, its last byte is; when it differs,
 * the window moves to the next place where it is equal with a word-at-a-time
 * scan (see ekf_two_way()). Typical text is then crossed at about 1 step
 * per 8 bytes, and so is "aaa...a" against "aa...ab".
 *
 * EKF_STEP_COUNT: the cost test builds this file with -DEKF_STEP_COUNT and
 * counts every byte comparison and every word the scans examine in
 * ekf_steps, to catch a regression to a super-linear algorithm; it is a
 * no-op in the module. Finding where a C string ends is not counted (it
 * looks at each byte once).
 */
#include "ekf_search.h"

#include "ekf_steps.h"

/*
 * Helpers that take constant flags (@fold, @two, @nul, @cstr) are forced
 * inline, so that each caller gets its own copy without the tests in its
 * inner loops.
 */
#define EKF_INLINE	static inline __attribute__((__always_inline__))

/*
 * Word-at-a-time scans ("SWAR"): 8 bytes a step in a 64-bit integer.
 * ekf_zero_bytes(v) & EKF_HIGHS is non-zero exactly when some byte of v is
 * zero (it may mark more bytes than those, so the byte itself is then found
 * bytewise, which also keeps this endian-neutral). Only words fully inside
 * the buffer are loaded; the unaligned load is one instruction where the
 * CPU allows it.
 */
typedef unsigned long long ekf_word;

#define EKF_WSZ		((int)sizeof(ekf_word))
#define EKF_ONES	0x0101010101010101ULL
#define EKF_HIGHS	0x8080808080808080ULL
#define EKF_BLOCK	(8 * EKF_WSZ)	/* what ekf_find() examines at a time */

EKF_INLINE ekf_word ekf_load(const u8 *p)
{
	ekf_word v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

EKF_INLINE ekf_word ekf_zero_bytes(ekf_word v)
{
	return (v - EKF_ONES) & ~v;
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

/* Length of the C string s, at most max. */
static u32 ekf_strnlen(const char *s, u32 max)
{
	const u8 *p = (const u8 *)s;
	u32 n = 0;

	while (max - n >= (u32)EKF_WSZ && !(ekf_zero_bytes(ekf_load(p + n)) & EKF_HIGHS))
		n += EKF_WSZ;
	while (n < max && p[n])
		n++;
	return n;
}

/*
 * y[0..lim) holds no NUL: grows lim to at least want, or to the first NUL
 * (or n) if that comes first, looking up to ahead bytes further.
 */
static int ekf_extend(const u8 *y, int lim, int want, int ahead, int n)
{
	int stop = n - want > ahead ? want + ahead : n;

	while (lim < stop && n - lim >= EKF_WSZ &&
	       !(ekf_zero_bytes(ekf_load(y + lim)) & EKF_HIGHS))
		lim += EKF_WSZ;
	while (lim < stop && y[lim])
		lim++;
	return lim;
}

/* Is b one of the bytes ekf_find() looks for? */
EKF_INLINE int ekf_is(u8 b, u8 c1, u8 c2, int two, int nul)
{
	return b == c1 || (two && b == c2) || (nul && !b);
}

/* Non-zero in its high bits (& EKF_HIGHS) where v has such a byte. */
EKF_INLINE ekf_word ekf_hits(ekf_word v, ekf_word p1, ekf_word p2, int two, int nul)
{
	ekf_word t = ekf_zero_bytes(v ^ p1);

	if (two)
		t |= ekf_zero_bytes(v ^ p2);
	if (nul)
		t |= ekf_zero_bytes(v);
	return t;
}

/* First k in [k, stop) with one of the bytes ekf_find() looks for; stop if none. */
EKF_INLINE int ekf_find_bytes(const u8 *y, int k, int stop, u8 c1, u8 c2, int two, int nul)
{
	for (; k < stop; k++) {
		EKF_STEP();
		if (ekf_is(y[k], c1, c2, two, nul))
			break;
	}
	return k;
}

/* Adds the word at q to the block's hits t and to the AND a of its words. */
EKF_INLINE void ekf_hits_acc(const u8 *q, ekf_word *t, ekf_word *a, ekf_word p1, ekf_word p2,
			     int two, int nul)
{
	ekf_word v = ekf_load(q);

	EKF_STEP();
	*t |= ekf_hits(v, p1, p2, two, 0);
	if (!nul)
		return;
	*a &= v;
	/* Word by word: computed all at once, they would not fit in registers. */
	__asm__("" : "+r"(*t), "+r"(*a));
}

/*
 * Non-zero (in its high bits) if the EKF_BLOCK bytes at q may hold one of
 * the bytes ekf_find() looks for, and always if they do. For c1 and c2 it
 * is exact; a NUL is looked for in the bytewise AND of the words, which
 * holds a zero byte if any of them does (and sometimes when none does: the
 * words are then checked one by one). One step per word.
 */
EKF_INLINE ekf_word ekf_hits_block(const u8 *q, ekf_word p1, ekf_word p2, int two, int nul)
{
	ekf_word t = 0, a = ~0ULL;

	ekf_hits_acc(q, &t, &a, p1, p2, two, nul);
	ekf_hits_acc(q + EKF_WSZ, &t, &a, p1, p2, two, nul);
	ekf_hits_acc(q + 2 * EKF_WSZ, &t, &a, p1, p2, two, nul);
	ekf_hits_acc(q + 3 * EKF_WSZ, &t, &a, p1, p2, two, nul);
	ekf_hits_acc(q + 4 * EKF_WSZ, &t, &a, p1, p2, two, nul);
	ekf_hits_acc(q + 5 * EKF_WSZ, &t, &a, p1, p2, two, nul);
	ekf_hits_acc(q + 6 * EKF_WSZ, &t, &a, p1, p2, two, nul);
	ekf_hits_acc(q + 7 * EKF_WSZ, &t, &a, p1, p2, two, nul);
	if (nul)
		t |= ekf_zero_bytes(a);
	return t & EKF_HIGHS;
}

/*
 * First k in [k, n) with y[k] == c1, or y[k] == c2 if @two, or y[k] == 0 if
 * @nul; n if none. The first EKF_WSZ bytes are compared one by one (a scan
 * that stops early costs no more than comparing the bytes), then 64 bytes
 * at a time, then (in a block that may hold the byte, and at the end) a
 * word at a time, and the byte is found bytewise in its word. One step per
 * word examined and per byte compared: at most 2 per 8 bytes, plus 3 * 8.
 */
EKF_INLINE int ekf_find(const u8 *y, int k, int n, u8 c1, u8 c2, int two, int nul)
{
	ekf_word p1 = EKF_ONES * c1, p2 = EKF_ONES * c2;
	int stop = n - k > EKF_WSZ ? k + EKF_WSZ : n;

	k = ekf_find_bytes(y, k, stop, c1, c2, two, nul);
	if (k < stop)
		return k;
	for (;;) {
		while (n - k >= EKF_BLOCK && !ekf_hits_block(y + k, p1, p2, two, nul))
			k += EKF_BLOCK;
		stop = n - k >= EKF_BLOCK ? k + EKF_BLOCK : n;
		for (; stop - k >= EKF_WSZ; k += EKF_WSZ) {
			EKF_STEP();
			if (ekf_hits(ekf_load(y + k), p1, p2, two, nul) & EKF_HIGHS)
				return ekf_find_bytes(y, k, n, c1, c2, two, nul);
		}
		if (stop == n)
			return ekf_find_bytes(y, k, n, c1, c2, two, nul);
		/* Only a NUL looked possible, and there was none. */
	}
}

/*
 * The C-string variants of ekf_find() are functions of their own: inlined
 * in the larger search loop, their loop would have fewer registers.
 */
static __attribute__((__noinline__)) int ekf_find_1_nul(const u8 *y, int k, int n, u8 c)
{
	return ekf_find(y, k, n, c, c, 0, 1);
}

static __attribute__((__noinline__)) int ekf_find_2_nul(const u8 *y, int k, int n, u8 c1, u8 c2)
{
	return ekf_find(y, k, n, c1, c2, 1, 1);
}

/* Where the C string y ends (if @nul), or y[k] == c1 or (if c2 != c1) c2. */
EKF_INLINE int ekf_next(const u8 *y, int k, int n, u8 c1, u8 c2, int nul)
{
	if (!nul)
		return ekf_find(y, k, n, c1, c2, c1 != c2, 0);
	if (c1 != c2)
		return ekf_find_2_nul(y, k, n, c1, c2);
	return ekf_find_1_nul(y, k, n, c1);
}

/*
 * Maximal suffix of x[0..m) for the byte order (or for the reverse order if
 * @rev): returns the position just before it (-1 for all of x) and stores
 * its period in *period. Linear: every step advances j + k or ms.
 */
EKF_INLINE int ekf_max_suffix(const u8 *x, int m, int fold, int rev, int *period)
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
EKF_INLINE int ekf_factorize(const u8 *x, int m, int fold, int *ell, int *per)
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
 * First occurrence of x[0..m) in y[0..n), 2 <= m <= n; if @cstr, y is a C
 * string that ends at its first NUL (or n), and x holds no NUL.
 *
 * Two-Way: the right part v is matched left to right, a mismatch at i
 * shifts the window by i - ell without missing a match; then the left part
 * u right to left, a mismatch there shifts by per, remembering (mem) in the
 * periodic case the prefix x[0..m-per) known to match the new window, which
 * keeps the total linear on inputs like "aaaa" in "aaa...a".
 *
 * Skipping: a match needs y[j+m-1] == x[m-1], so that byte is compared
 * first; when it differs, ekf_find() moves the window to the next place
 * where it is equal, a word at a time. The windows it passes over cannot
 * match, so nothing is missed, and forgetting mem then is always safe. The
 * last byte is then known to match and is not compared again. The scan
 * only crosses window ends no window has reached yet (at most one step a
 * byte, plus one per 8), so this stays linear; yet on some periodic inputs
 * it lands the windows where Two-Way's long shifts would not have, which
 * could add up to more than Two-Way alone (at most 2 steps a byte). So the
 * steps are tallied (an upper bound, cost), and once they pass 1.5 per
 * byte the window has moved, the search goes on as plain Two-Way.
 *
 * C strings: lim is where y is known to hold no NUL up to; a window is
 * only compared once it is inside, growing lim as needed (ekf_extend()),
 * and the scans also stop at a NUL: the string is read once, without a
 * pass of its own to find its length first.
 *
 * The needle is factorized only when needed: not at all when its last byte
 * is not in the haystack. Until then, and as long as the steps stay within
 * 1 per byte the window has moved, a window whose last byte matches is
 * just compared, and moved by one if it differs.
 */
EKF_INLINE int ekf_two_way(const u8 *y, int n, const u8 *x, int m, int fold, int cstr)
{
	int ell = 0, per = 0, periodic = -1, i, i0, j, k, mem, end, last = n - m, lim = 0;
	u8 c1 = ekf_fold(x[m - 1], fold), c2 = c1;
	int skip = 1, cost = 0;

	if (fold && c1 >= 'a' && c1 <= 'z')
		c2 = c1 - ('a' - 'A');

	mem = -1;
	for (j = 0; j <= last; ) {
		if (cstr && j + m > lim) {
			/* No need to look ahead while the scans do it. */
			lim = ekf_extend(y, lim, j + m, skip ? 0 : 64, n);
			if (j + m > lim)
				return -1;
		}
		end = m;
		if (skip && cost > j + (j >> 1))
			skip = 0;
		if (skip) {
			k = j + m - 1;
			EKF_STEP();
			cost++;
			if (ekf_fold(y[k], fold) != c1) {
				/* c1 and c2 are the byte's only forms, folded or not. */
				j = ekf_next(y, k + 1, n, c1, c2, cstr);
				if (j >= n || (cstr && !y[j]))
					return -1;
				if (cstr && j >= lim)
					lim = j + 1;
				/* An upper bound of the scan's steps. */
				cost += ((j - k) >> 2) + 3 * EKF_WSZ + 1;
				j -= m - 1;
				mem = -1;
			}
			end = m - 1;
		}
		if (periodic < 0) {
			/* While it is cheap, a plain comparison of the window. */
			if (cost + m <= j) {
				for (i = 0; i < end && ekf_eq(x, i, y, i + j, fold); i++)
					;
				cost += i + 1;
				if (i >= end)
					return j;
				j++;
				continue;
			}
			periodic = ekf_factorize(x, m, fold, &ell, &per);
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
			  int fold, int cstr)
{
	const u8 *y = (const u8 *)hay, *x = (const u8 *)needle;
	int n = (int)hay_sz, k;
	u8 c1, c2;

	if (!needle_sz)
		return 0;
	if (needle_sz > hay_sz)
		return -1;
	if (needle_sz > 1)
		return ekf_two_way(y, n, x, (int)needle_sz, fold, cstr);
	/* One byte: just the scan. */
	c1 = ekf_fold(x[0], fold);
	c2 = c1;
	if (fold && c1 >= 'a' && c1 <= 'z')
		c2 = c1 - ('a' - 'A');
	k = ekf_next(y, 0, n, c1, c2, cstr);
	return k < n && (!cstr || y[k]) ? k : -1;
}

/* Each variant its own copy, with no test of the flags in its loops. */
static int ekf_search_exact(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search(hay, hay_sz, needle, needle_sz, 0, 0);
}

static int ekf_search_exact_cstr(const char *hay, u32 hay_sz, const char *needle,
				 u32 needle_sz)
{
	return ekf_search(hay, hay_sz, needle, needle_sz, 0, 1);
}

static int ekf_search_fold_cstr(const char *hay, u32 hay_sz, const char *needle,
				u32 needle_sz)
{
	return ekf_search(hay, hay_sz, needle, needle_sz, 1, 1);
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
	/* The haystack's end is found as it is read. */
	return fold ? ekf_search_fold_cstr(hay, hay_sz, needle, needle_sz) :
		      ekf_search_exact_cstr(hay, hay_sz, needle, needle_sz);
}

int ekf_search_strstr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search_cstr(hay, hay_sz, needle, needle_sz, 0);
}

int ekf_search_strcasestr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz)
{
	return ekf_search_cstr(hay, hay_sz, needle, needle_sz, 1);
}
