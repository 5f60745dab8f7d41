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
 * scan that filters 128 bytes at a time, at 4 instructions per 8 bytes
 * (see ekf_find()). Typical text is then crossed at about 1 step per 8
 * bytes, and so is "aaa...a" against "aa...ab".
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
 * Helpers that take constant flags (@fold, @fl, @cstr) are forced
 * inline, so that each caller gets its own copy without the tests in its
 * inner loops.
 */
#define EKF_INLINE	static inline __attribute__((__always_inline__))

/*
 * Word-at-a-time scans ("SWAR"): 8 bytes a step in a 64-bit integer.
 * ekf_zero_bytes(v) & EKF_HIGHS is non-zero exactly when some byte of v is
 * zero; it may also mark bytes above the first zero one, never below, so
 * on a little-endian CPU the first marked byte is the first zero byte (on
 * others it is found bytewise). Only words fully inside the buffer are
 * loaded; the unaligned load is one instruction where the CPU allows it.
 */
typedef unsigned long long ekf_word;

#define EKF_WSZ		((int)sizeof(ekf_word))
#define EKF_ONES	0x0101010101010101ULL
#define EKF_HIGHS	0x8080808080808080ULL
#define EKF_CASE	0x2020202020202020ULL	/* 'A' | 0x20 == 'a' */
#define EKF_BLOCK	(16 * EKF_WSZ)	/* what a block filter examines at a time */
#define EKF_HALF	(8 * EKF_WSZ)

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
	(defined(__x86_64__) || defined(__aarch64__))
#define EKF_CTZ		1	/* one instruction, no library call */
#else
#define EKF_CTZ		0
#endif

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
 * Filters for a NUL in the EKF_BLOCK bytes at q: zero if there is none.
 * ekf_and_block() tests the bytewise AND of the words, which has a zero
 * byte if any of them does (and at times when none does, as ' ' & 'A'):
 * one instruction a word where the CPU can AND from memory; when it does
 * not clear a block, ekf_zero_block() is exact, at four a word.
 */
#define EKF_REP16(X)	X(0); X(1); X(2); X(3); X(4); X(5); X(6); X(7); \
			X(8); X(9); X(10); X(11); X(12); X(13); X(14); X(15)

EKF_INLINE ekf_word ekf_and_block(const u8 *q)
{
	ekf_word a = ~0ULL;

#define EKF_AND(w)	(a &= ekf_load(q + (w) * EKF_WSZ))
	EKF_REP16(EKF_AND);
#undef EKF_AND
	return ekf_zero_bytes(a) & EKF_HIGHS;
}

EKF_INLINE ekf_word ekf_zero_block(const u8 *q)
{
	ekf_word t = 0;

	/* Loads of their own: not the AND's words kept in (too few) registers. */
	__asm__("" : "+r"(q));
#define EKF_ZERO(w)	(t |= ekf_zero_bytes(ekf_load(q + (w) * EKF_WSZ)))
	EKF_REP16(EKF_ZERO);
#undef EKF_ZERO
	return t & EKF_HIGHS;
}

EKF_INLINE int ekf_nul_block(const u8 *q)
{
	return ekf_and_block(q) && ekf_zero_block(q);
}

/*
 * First NUL in y[k..stop), or stop: blocks the filters clear are skipped,
 * the rest is tested a word at a time. Finding where a C string ends is not
 * counted in steps: each byte is read once (or twice).
 */
static int ekf_nul(const u8 *y, int k, int stop)
{
	const u8 *q, *e;
	int i;

	for (;;) {
		if (stop - k >= EKF_BLOCK) {
			q = y + k;
			e = y + stop - EKF_BLOCK;
			while (q <= e && !ekf_nul_block(q))
				q += EKF_BLOCK;
			k = (int)(q - y);
			/* The rest, as a block that overlaps the previous one. */
			if (stop - k < EKF_BLOCK && stop - k > 2 * EKF_WSZ && !ekf_nul_block(e))
				return stop;
		}
		i = stop - k >= EKF_BLOCK ? k + EKF_BLOCK : stop;
		for (; i - k >= EKF_WSZ; k += EKF_WSZ)
			if (ekf_zero_bytes(ekf_load(y + k)) & EKF_HIGHS)
				break;
		if (i - k >= EKF_WSZ || i == stop)
			break;
		/* Cannot happen: ekf_zero_block() is exact. */
	}
	while (k < stop && y[k])
		k++;
	return k;
}

/*
 * The byte the scans look for: c, or if @fl (c is then a lower-case
 * letter) both c and its upper-case form, which are the bytes b with
 * (b | 0x20) == c.
 */
EKF_INLINE ekf_word ekf_key(ekf_word v, ekf_word p, int fl)
{
	return (fl ? v | EKF_CASE : v) ^ p;
}

EKF_INLINE int ekf_is(u8 b, u8 c, int fl)
{
	EKF_STEP();
	return (fl ? b | 0x20 : b) == c;
}

/* Non-zero (in its high bits) where the word at q holds the byte. */
EKF_INLINE ekf_word ekf_hits(const u8 *q, ekf_word p, int fl)
{
	EKF_STEP();
	return ekf_zero_bytes(ekf_key(ekf_load(q), p, fl)) & EKF_HIGHS;
}

/*
 * A filter of the EKF_BLOCK bytes at q, one step per word: zero if none of
 * them is the byte. (x - EKF_ONES) marks every zero byte of x that the byte
 * below does not borrow from, and x's first zero byte always; it may also
 * mark bytes of 0x81 and above, so when x = b ^ c the filter is exact for
 * ASCII b and c (and when it is not, the words are then tested one by one).
 * Three instructions a word where ekf_hits() needs four or five.
 */
#define EKF_ACC(w)	do { EKF_STEP(); t |= ekf_key(ekf_load(q + (w) * EKF_WSZ), p, fl) - EKF_ONES; } while (0)

/* The same for the first 8 words only. */
EKF_INLINE ekf_word ekf_hits_half(const u8 *q, ekf_word p, int fl)
{
	ekf_word t = 0;

	EKF_ACC(0); EKF_ACC(1); EKF_ACC(2); EKF_ACC(3);
	EKF_ACC(4); EKF_ACC(5); EKF_ACC(6); EKF_ACC(7);
	return t & EKF_HIGHS;
}

/* If @exact, with no false positive, at four or five instructions a word. */
EKF_INLINE ekf_word ekf_hits_block(const u8 *q, ekf_word p, int fl, int exact)
{
	ekf_word t = 0;

	if (exact) {
#define EKF_EXACT(w)	do { EKF_STEP(); t |= ekf_zero_bytes(ekf_key(ekf_load(q + (w) * EKF_WSZ), p, fl)); } while (0)
		EKF_REP16(EKF_EXACT);
#undef EKF_EXACT
		return t & EKF_HIGHS;
	}
	EKF_REP16(EKF_ACC);
	return t & EKF_HIGHS;
}
#undef EKF_ACC

/* The first block from k on that may hold the byte, or the last full one. */
EKF_INLINE int ekf_skip_blocks(const u8 *y, int k, int n, ekf_word p, int fl, int exact)
{
	const u8 *q, *e;

	if (n - k < EKF_BLOCK)
		return k;
	q = y + k;
	e = y + n - EKF_BLOCK;
	while (q <= e && !ekf_hits_block(q, p, fl, exact))
		q += EKF_BLOCK;
	return (int)(q - y);
}

/* Where in the word at k is the first byte that ekf_hits() marked in t. */
EKF_INLINE int ekf_locate(const u8 *y, int k, ekf_word t, u8 c, int fl)
{
	if (EKF_CTZ) {
		EKF_STEP();
		return k + (__builtin_ctzll(t) >> 3);
	}
	while (!ekf_is(y[k], c, fl))
		k++;
	return k;
}

/*
 * First k in [k, n) with y[k] == c (or, if @fl, the upper-case form of c);
 * n if none. Blocks of EKF_BLOCK bytes the filter clears are skipped; in
 * one it does not clear, its first half is filtered again, then the words
 * are tested one at a time; the rest of y, after the last full block, a
 * word at a time too, the last one overlapping the one before. Adds to
 * *cost (at least) the steps it takes: one per word examined by a filter or
 * tested, and per byte compared: at most 5 per 16 bytes, plus 32.
 */
EKF_INLINE int ekf_find(const u8 *y, int k, int n, u8 c, int fl, int *cost)
{
	ekf_word p = EKF_ONES * c, t;
	int stop, k0, exact = 0;

	if (n - k < EKF_WSZ) {
		k0 = k;
		while (k < n && !ekf_is(y[k], c, fl))
			k++;
		*cost += k - k0 + 1;
		return k;
	}
	for (;;) {
		if (n - k >= EKF_BLOCK) {
			k0 = k;
			k = exact ? ekf_skip_blocks(y, k, n, p, fl, 1) :
				    ekf_skip_blocks(y, k, n, p, fl, 0);
			/* 16 steps per block, the last one included */
			*cost += ((k - k0) >> 3) + 16;
		}
		stop = n - k >= EKF_BLOCK ? k + EKF_BLOCK : n;
		if (!exact && stop - k >= EKF_HALF + EKF_WSZ) {
			*cost += 8;
			if (!ekf_hits_half(y + k, p, fl))
				k += EKF_HALF;
		}
		k0 = k;
		for (; stop - k >= EKF_WSZ; k += EKF_WSZ) {
			t = ekf_hits(y + k, p, fl);
			if (t) {
				*cost += ((k - k0) >> 3) + 1 + (EKF_CTZ ? 1 : EKF_WSZ);
				return ekf_locate(y, k, t, c, fl);
			}
		}
		*cost += (k - k0) >> 3;
		if (stop == n)
			break;
		/* Only bytes of 0x81 and above passed the filter: not ASCII text. */
		exact = 1;
	}
	if (k == n)
		return n;
	/* The last word, overlapping: its bytes before k are known not to match. */
	*cost += 1 + (EKF_CTZ ? 1 : EKF_WSZ);
	t = ekf_hits(y + n - EKF_WSZ, p, fl);
	if (!t)
		return n;
	if (EKF_CTZ)
		return ekf_locate(y, n - EKF_WSZ, t, c, fl);
	return ekf_locate(y, k, t, c, fl);
}

/*
 * A C string y: it is known to hold no NUL before *lim, and to end at *n
 * when *lim == *n. Grows *lim to at least want (if the string is that
 * long), looking further ahead as it grows, so that a long string is read
 * in a few large pieces and a short match in a long string is found without
 * reading all of it. Finding the end is not counted in steps: it reads each
 * byte once.
 */
#define EKF_AHEAD	4096

EKF_INLINE void ekf_grow(const u8 *y, int *n, int *lim, int want)
{
	int ahead = *lim > EKF_AHEAD ? *lim : EKF_AHEAD;
	int stop = *n - want > ahead ? want + ahead : *n;
	int z = ekf_nul(y, *lim, stop);

	if (z < stop)
		*n = z;
	*lim = z;
}

/*
 * First k' in [k, n) with y[k'] == c (see ekf_find()), or n if none; if
 * @cstr, y ends at its first NUL, and *n and *lim are as ekf_grow() keeps
 * them (the answer is then below *lim, or *n).
 */
EKF_INLINE int ekf_next(const u8 *y, int k, int *n, int *lim, u8 c, int fl, int cstr,
			int *cost)
{
	int r;

	for (;;) {
		r = ekf_find(y, k, cstr ? *lim : *n, c, fl, cost);
		if (!cstr || r < *lim || *lim == *n)
			return r;
		k = *lim;
		ekf_grow(y, n, lim, k + 1);
	}
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
 * only crosses window ends no window has reached yet (at most 5 steps per
 * 16 bytes, plus 32), so this stays linear; yet on some periodic inputs
 * it lands the windows where Two-Way's long shifts would not have, which
 * could add up to more than Two-Way alone (at most 2 steps a byte). So the
 * steps are tallied (an upper bound, cost), and once they pass 1.5 per
 * byte the window has moved, the search goes on as plain Two-Way.
 *
 * C strings: lim is where y is known to hold no NUL up to; a window is
 * only compared, and a scan only run, inside it. lim grows ahead of the
 * window in pieces of at least 4 KiB (ekf_grow()), each searched for a NUL
 * at about 1 instruction per 8 bytes: cheaper than looking for the NUL in
 * the scans themselves, and a match early in a long string is found
 * without reading all of it. Once the NUL is found, n is where it is.
 *
 * The needle is factorized only when needed: not at all when its last byte
 * is not in the haystack. Until then, and as long as the steps stay within
 * 1 per byte the window has moved, a window whose last byte matches is
 * just compared, and moved by one if it differs.
 */
EKF_INLINE int ekf_two_way(const u8 *y, int n, const u8 *x, int m, int fold, int cstr)
{
	int ell = 0, per = 0, periodic = -1, i, i0, j, k, mem, end, lim = 0;
	u8 c = ekf_fold(x[m - 1], fold);
	int fl = fold && c >= 'a' && c <= 'z';
	int skip = 1, cost = 0;

	mem = -1;
	for (j = 0; j <= n - m; ) {
		if (cstr && j + m > lim) {
			ekf_grow(y, &n, &lim, j + m);
			if (j + m > n)
				return -1;
		}
		end = m;
		if (skip && cost > j + (j >> 1))
			skip = 0;
		if (skip) {
			k = j + m - 1;
			EKF_STEP();
			cost++;
			if (ekf_fold(y[k], fold) != c) {
				j = ekf_next(y, k + 1, &n, &lim, c, fl, cstr, &cost);
				if (j >= n)
					return -1;
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
	int n = (int)hay_sz, k, lim = 0, cost = 0;
	u8 c;

	if (!needle_sz)
		return 0;
	if (needle_sz > hay_sz)
		return -1;
	if (needle_sz > 1)
		return ekf_two_way(y, n, x, (int)needle_sz, fold, cstr);
	/* One byte: just the scan. */
	c = ekf_fold(x[0], fold);
	k = ekf_next(y, 0, &n, &lim, c, fold && c >= 'a' && c <= 'z', cstr, &cost);
	return k < n ? k : -1;
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
