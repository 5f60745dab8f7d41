// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/lib/ekf_glob.c: a table (syntax, FNM_PATHNAME rules,
 * -EINVAL and -E2BIG), random differential testing against glibc fnmatch(3)
 * with flags 0 and FNM_PATHNAME, and a cost test (built with
 * -DEKF_STEP_COUNT) that fails on any backtracking worse than
 * O(pattern x string).
 *
 * test_glob [SEED]   (default: a fixed seed, printed; env EKF_SEED too)
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ekf_glob.h"
#include "../lib/check.h"

#ifndef EKF_STEP_COUNT
#error "build with -DEKF_STEP_COUNT: the cost test reads ekf_steps"
#endif
unsigned long long ekf_steps;

#define MAXI	EKF_MAX_INPUT
#define MAXP	EKF_MAX_PATTERN
#define PATH	EKF_GLOB_PATHNAME

/* Worst-case steps allowed: COST_C * (pattern + 1) * (string + 1). */
#define COST_C	2

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: same sequence everywhere, so a seed reproduces a run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rng() % n) : 0;
}

/* glibc on NUL-terminated copies: 1 match, 0 no match. */
static int ref_fnmatch(const char *pat, size_t pn, const char *str, size_t sn, int flags)
{
	char *pc = strndup(pat, pn), *sc = strndup(str, sn);
	int r = fnmatch(pc, sc, flags ? FNM_PATHNAME : 0);

	free(pc);
	free(sc);
	return r == 0;
}

static int glob(const char *pat, const char *str, uint32_t flags)
{
	return ekf_glob_match(pat, strlen(pat), str, strlen(str), flags);
}

struct tcase {
	const char *pat, *str;
	uint32_t flags;
	int want;
};

static const struct tcase table[] = {
	{ "", "", 0, 1 },
	{ "", "a", 0, 0 },
	{ "*", "", 0, 1 },
	{ "**", "", 0, 1 },
	{ "?", "", 0, 0 },
	{ "a", "a", 0, 1 },
	{ "a", "A", 0, 0 },
	{ "a*", "abc", 0, 1 },
	{ "*c", "abc", 0, 1 },
	{ "*b*", "abc", 0, 1 },
	{ "a*b*c", "aXbYbZc", 0, 1 },
	{ "a*b*c", "aXbYbZ", 0, 0 },
	{ "*a*a*b", "aaaaaaab", 0, 1 },
	{ "*ab", "aab", 0, 1 },
	{ "a??d", "abcd", 0, 1 },
	{ "a??d", "abd", 0, 0 },
	{ "*?", "", 0, 0 },
	{ "*?", "a", 0, 1 },
	/* Brackets. */
	{ "[abc]", "b", 0, 1 },
	{ "[abc]", "d", 0, 0 },
	{ "[a-c]x", "bx", 0, 1 },
	{ "[!a-c]", "b", 0, 0 },
	{ "[!a-c]", "d", 0, 1 },
	{ "[^a-c]", "d", 0, 1 },
	{ "[]]", "]", 0, 1 },
	{ "[]a]", "a", 0, 1 },
	{ "[!]]", "]", 0, 0 },
	{ "[!]]", "a", 0, 1 },
	{ "[]-a]", "^", 0, 1 },
	{ "[-a]", "-", 0, 1 },
	{ "[a-]", "-", 0, 1 },
	{ "[a-m-z]", "-", 0, 1 },
	{ "[a-m-z]", "n", 0, 0 },
	{ "[--/]", ".", 0, 1 },
	{ "[a-c--/]", ".", 0, 1 },
	{ "[a-c--/]", "-", 0, 1 },
	{ "[-]", "-", 0, 1 },
	{ "[!-]", "-", 0, 0 },
	{ "[\\]]", "]", 0, 1 },
	{ "[\\!a]", "!", 0, 1 },
	{ "[a\\-z]", "m", 0, 0 },
	{ "[a\\-z]", "-", 0, 1 },
	{ "[\\a-\\c]", "b", 0, 1 },
	{ "[a-\\]]", "a", 0, -EINVAL },
	{ "[A-\\]]", "]", 0, 1 },
	{ "[[]", "[", 0, 1 },
	{ "[a[]", "[", 0, 1 },
	{ "[\\[:]", ":", 0, 1 },
	{ "[a-a]", "a", 0, 1 },
	{ "[\x80-\xff]", "\x90", 0, 1 },
	{ "[!\x80-\xff]", "\x90", 0, 0 },
	{ "\xe9", "\xe9", 0, 1 },
	{ "?", "\xe9", 0, 1 },
	/* Classes (C locale, ASCII only). */
	{ "[[:alpha:]]", "q", 0, 1 },
	{ "[[:alpha:]]", "5", 0, 0 },
	{ "[[:alpha:]]", "\xe9", 0, 0 },
	{ "[![:alpha:]]", "\xe9", 0, 1 },
	{ "[[:digit:][:upper:]]", "Q", 0, 1 },
	{ "[[:digit:]_]", "_", 0, 1 },
	{ "[[:xdigit:]]", "F", 0, 1 },
	{ "[[:xdigit:]]", "g", 0, 0 },
	{ "[[:space:]]", "\v", 0, 1 },
	{ "[[:blank:]]", "\v", 0, 0 },
	{ "[[:punct:]]", "~", 0, 1 },
	{ "[[:cntrl:]]", "\x7f", 0, 1 },
	{ "[[:print:]]", " ", 0, 1 },
	{ "[[:graph:]]", " ", 0, 0 },
	{ "[[:lower:]]", "A", 0, 0 },
	{ "[[:alnum:]-]", "-", 0, 1 },
	{ "[[:alpha:]-z]", "-", 0, 1 },
	/* Escapes. */
	{ "\\*", "*", 0, 1 },
	{ "\\*", "a", 0, 0 },
	{ "\\?", "?", 0, 1 },
	{ "\\[a]", "[a]", 0, 1 },
	{ "\\\\", "\\", 0, 1 },
	{ "\\a", "a", 0, 1 },
	{ "a]", "a]", 0, 1 },
	/* Pathname: '/' only by a literal '/'. */
	{ "*", "a/b", 0, 1 },
	{ "*", "a/b", PATH, 0 },
	{ "*", "/", PATH, 0 },
	{ "?", "/", PATH, 0 },
	{ "[/]", "/", PATH, 0 },
	{ "[!a]", "/", PATH, 0 },
	{ "[!a]", "/", 0, 1 },
	{ "[[:punct:]]", "/", PATH, 0 },
	{ "a*/b", "ax/b", PATH, 1 },
	{ "a*/b", "ax/y/b", PATH, 0 },
	{ "a*/b", "ax/y/b", 0, 1 },
	{ "*/*", "a/b", PATH, 1 },
	{ "*/*", "a/b/c", PATH, 0 },
	{ "*/*/*", "a/b/c", PATH, 1 },
	{ "*a/b*", "xa/bx", PATH, 1 },
	{ "*a/*b", "aa/a/b", PATH, 0 },
	{ "*a/*b", "aa/ab", PATH, 1 },
	{ "*x*/", "axbx/", PATH, 1 },
	{ "a/*/c", "a//c", PATH, 1 },
	{ "a\\/b", "a/b", PATH, 1 },
	/* glibc does not match this one; "\/" is a literal '/' here. */
	{ "a*\\/b", "ax/b", PATH, 1 },
	/* The string and the pattern end at their first NUL. */
	{ "a*", "a", 0, 1 },
	/* Malformed. */
	{ "\\", "", 0, -EINVAL },
	{ "a\\", "a", 0, -EINVAL },
	{ "[", "[", 0, -EINVAL },
	{ "[a", "[a", 0, -EINVAL },
	{ "[]", "]", 0, -EINVAL },
	{ "[!]", "!", 0, -EINVAL },
	{ "[a\\]", "a", 0, -EINVAL },
	{ "[a\\", "a", 0, -EINVAL },
	{ "x*[a", "y", 0, -EINVAL },
	{ "[z-a]", "m", 0, -EINVAL },
	{ "[!b-a]", "m", 0, -EINVAL },
	{ "[[:alpha:]", "a", 0, -EINVAL },
	{ "[[:foo:]]", "a", 0, -EINVAL },
	{ "[[:ALPHA:]]", "a", 0, -EINVAL },
	{ "[[:]", "[", 0, -EINVAL },
	{ "[[:alpha]", "a", 0, -EINVAL },
	{ "[[.a.]]", "a", 0, -EINVAL },
	{ "[[=a=]]", "a", 0, -EINVAL },
	{ "[a-[:alpha:]]", "a", 0, -EINVAL },
	{ "[a-[.z.]]", "a", 0, -EINVAL },
	/* Flags. */
	{ "a", "a", 2, -EINVAL },
	{ "a", "a", 1u << 31, -EINVAL },
	{ "a", "a", PATH | 4, -EINVAL },
};

static void test_table(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct tcase *t = &table[i];
		int got = glob(t->pat, t->str, t->flags);

		if (got != t->want) {
			check_fail("glob-table", "\"%s\" vs \"%s\" flags %u: got %d want %d",
				   t->pat, t->str, t->flags, got, t->want);
			bad++;
		}
	}
	if (!bad)
		check_pass("glob-table");
}

static int one(const char *what, int got, int want)
{
	if (got == want)
		return 0;
	check_fail("glob-sizes", "%s: got %d want %d", what, got, want);
	return 1;
}

/* Sizes, NULs and -E2BIG. */
static void test_sizes(void)
{
	char *big = calloc(MAXI + 2, 1), pat[MAXP + 8];
	int bad = 0;

	memset(big, 'a', MAXI + 1);
	bad += one("NUL ends the string", ekf_glob_match("a", 1, "a\0b", 3, 0), 1);
	bad += one("NUL ends the pattern", ekf_glob_match("a\0b", 3, "a", 1, 0), 1);
	bad += one("NUL ends the pattern, then junk", ekf_glob_match("*\0[", 3, "ab", 2, 0),
		   1);
	bad += one("size ends the string", ekf_glob_match("ab", 2, "abc", 2, 0), 1);
	bad += one("size ends the pattern", ekf_glob_match("a[", 1, "a", 1, 0), 1);
	bad += one("size cuts an escape", ekf_glob_match("a\\*", 2, "a*", 2, 0), -EINVAL);
	bad += one("empty pattern, size 0", ekf_glob_match(NULL, 0, "", 0, 0), 1);
	bad += one("empty string, size 0", ekf_glob_match("*", 1, NULL, 0, 0), 1);

	bad += one("string == max", ekf_glob_match("*a", 2, big, MAXI, 0), 1);
	bad += one("string == max, pathname", ekf_glob_match("a*", 2, big, MAXI, PATH), 1);
	bad += one("string max+1", ekf_glob_match("*", 1, big, MAXI + 1, 0), -E2BIG);
	big[0] = 0;
	bad += one("string max+1, NUL at 0", ekf_glob_match("*", 1, big, MAXI + 1, 0),
		   -E2BIG);
	bad += one("string u32 max", ekf_glob_match("*", 1, "", UINT32_MAX, 0), -E2BIG);

	memset(pat, 'a', sizeof(pat));
	pat[0] = '*';
	bad += one("pattern == max", ekf_glob_match(pat, MAXP, "a", 1, 0), 0);
	bad += one("pattern max+1", ekf_glob_match(pat, MAXP + 1, "a", 1, 0), -E2BIG);
	bad += one("pattern max+1, bad flags", ekf_glob_match(pat, MAXP + 1, "a", 1, 2),
		   -E2BIG);
	pat[MAXP] = 0;
	bad += one("pattern buffer max+1, NUL at max",
		   ekf_glob_match(pat, MAXP + 1, "a", 1, 0), 0);
	pat[MAXP - 1] = '[';
	bad += one("pattern max, malformed", ekf_glob_match(pat, MAXP + 1, "a", 1, 0),
		   -EINVAL);
	pat[MAXP] = 'a';
	pat[MAXP + 1] = 0;
	bad += one("pattern max+1, malformed", ekf_glob_match(pat, MAXP + 8, "a", 1, 0),
		   -E2BIG);
	bad += one("pattern buffer max+1, NUL at 1",
		   ekf_glob_match("*", MAXI + 1, "a", 1, 0), -E2BIG);
	big[0] = '*';
	big[1] = 0;
	bad += one("pattern buffer == max, NUL at 1", ekf_glob_match(big, MAXI, "a", 1, 0),
		   1);
	bad += one("string max+1, bad flags", ekf_glob_match("a", 1, big, MAXI + 1, 2),
		   -E2BIG);
	if (!bad)
		check_pass("glob-sizes");
	free(big);
}

/* Appends one random valid element of a bracket expression. */
static char *gen_bracket_elem(char *p, int first, int last)
{
	static const char plain[] = "ab./c";
	static const char esc[] = "]\\[-^!ab/";
	static const char *const classes[] = {
		"alnum", "alpha", "blank", "cntrl", "digit", "graph",
		"lower", "print", "punct", "space", "upper", "xdigit",
	};
	/* Range endpoints in byte order; each escaped when it must be. */
	static const char ends[] = "!-./[\\]^abc";
	int k = rnd(10), lo, hi;

	if (first && k == 0) {
		*p++ = ']';
		return p;
	}
	if ((first || last) && k == 1) {
		*p++ = '-';
		return p;
	}
	switch (k) {
	case 2:
		p += sprintf(p, "[:%s:]", classes[rnd(12)]);
		return p;
	case 3:
	case 4:
		lo = rnd(sizeof(ends) - 1);
		hi = lo + rnd(sizeof(ends) - 1 - lo);
		if (strchr("-[\\]^!", ends[lo]))
			*p++ = '\\';
		*p++ = ends[lo];
		*p++ = '-';
		if (strchr("-[\\]^!", ends[hi]))
			*p++ = '\\';
		*p++ = ends[hi];
		return p;
	case 5:
		*p++ = '\\';
		*p++ = esc[rnd(sizeof(esc) - 1)];
		return p;
	default:
		*p++ = plain[rnd(sizeof(plain) - 1)];
		return p;
	}
}

/*
 * A random pattern of the supported syntax, valid by construction. Escaped
 * '/' is left out: glibc does not match "*\/" as "* /" (see the table).
 */
static uint32_t gen_pattern(char *buf, uint32_t max_elems)
{
	static const char lit[] = "ab/.c-]!^";
	static const char esc[] = "*?[]\\ab!";
	uint32_t n = rnd(max_elems + 1), i, k, e;
	char *p = buf;

	for (i = 0; i < n; i++) {
		switch (rnd(10)) {
		case 0:
		case 1:
			*p++ = '*';
			break;
		case 2:
			*p++ = '?';
			break;
		case 3:
			*p++ = '\\';
			*p++ = esc[rnd(sizeof(esc) - 1)];
			break;
		case 4:
			*p++ = '[';
			if (rnd(3) == 0)
				*p++ = rnd(2) ? '!' : '^';
			e = 1 + rnd(3);
			for (k = 0; k < e; k++)
				p = gen_bracket_elem(p, k == 0, k == e - 1);
			*p++ = ']';
			break;
		default:
			*p++ = lit[rnd(sizeof(lit) - 1)];
			break;
		}
	}
	*p = 0;
	return p - buf;
}

static uint32_t gen_string(char *buf, const char *pat, uint32_t plen)
{
	static const char alpha[] = "ab/.c-]!^[*?\\";
	uint32_t n, i;

	/* Often a mutated copy of the pattern's literal bytes, to get matches. */
	if (rnd(3) == 0) {
		for (i = n = 0; i < plen; i++)
			if (!strchr("*?[]\\!^", pat[i]) || rnd(4) == 0)
				buf[n++] = pat[i];
		if (n && rnd(2))
			buf[rnd(n)] = alpha[rnd(sizeof(alpha) - 1)];
		return n;
	}
	n = rnd(rnd(4) ? 10 : 40);
	for (i = 0; i < n; i++)
		buf[i] = rnd(50) ? alpha[rnd(4)] : alpha[rnd(sizeof(alpha) - 1)];
	if (n && rnd(20) == 0)
		buf[rnd(n)] = (char)(0x80 + rnd(128));
	return n;
}

static void test_random(uint64_t seed, unsigned int rounds)
{
	char pat[512], str[512];
	unsigned int round, bad = 0, matched = 0;

	rng_state = seed;
	for (round = 0; round < rounds && bad < 10; round++) {
		uint32_t pn = gen_pattern(pat, 1 + rnd(12));
		uint32_t sn = gen_string(str, pat, pn);
		uint32_t flags = rnd(2) ? PATH : 0;
		int got, want;

		/* Trailing bytes past the NUL must not matter. */
		pat[pn + 1] = '[';
		got = ekf_glob_match(pat, pn + (rnd(2) ? 2 : 0), str, sn, flags);
		want = ref_fnmatch(pat, pn, str, sn, flags);
		matched += want;
		if (got != want) {
			check_fail("glob-random", "round %u: \"%s\" vs \"%.*s\" flags %u: got %d want %d",
				   round, pat, (int)sn, str, flags, got, want);
			bad++;
		}
	}
	printf("# glob-random: %u rounds, %u matches\n", round, matched);
	if (!bad)
		check_pass("glob-random");
	else
		printf("# reproduce with: test_glob %llu\n", (unsigned long long)seed);
}

/*
 * Random bytes over the syntax characters: where the library accepts the
 * pattern it must agree with fnmatch; count how many it rejects.
 */
static void test_random_raw(uint64_t seed, unsigned int rounds)
{
	static const char alpha[] = "ab/*?[]!^-\\:.=";
	char pat[32], str[512];
	unsigned int round, bad = 0, rejected = 0;

	rng_state = seed ^ 0xa5a5a5a5;
	for (round = 0; round < rounds && bad < 10; round++) {
		uint32_t pn = rnd(12), sn, i;
		uint32_t flags = rnd(2) ? PATH : 0;
		int got, want;

		for (i = 0; i < pn; i++)
			pat[i] = alpha[rnd(sizeof(alpha) - 1)];
		pat[pn] = 0;
		sn = gen_string(str, pat, pn);
		got = ekf_glob_match(pat, pn, str, sn, flags);
		if (got == -EINVAL) {
			rejected++;
			continue;
		}
		if (flags && strstr(pat, "\\/"))
			continue;
		want = ref_fnmatch(pat, pn, str, sn, flags);
		if (got != want) {
			check_fail("glob-random-raw", "round %u: \"%s\" vs \"%.*s\" flags %u: got %d want %d",
				   round, pat, (int)sn, str, flags, got, want);
			bad++;
		}
	}
	printf("# glob-random-raw: %u rounds, %u patterns rejected as malformed\n", round,
	       rejected);
	if (!bad)
		check_pass("glob-random-raw");
}

/* Every class and every single byte, and ranges over all pairs of bytes. */
static void test_bytes(void)
{
	static const char *const classes[] = {
		"alnum", "alpha", "blank", "cntrl", "digit", "graph",
		"lower", "print", "punct", "space", "upper", "xdigit",
	};
	char pat[32], str[2] = { 0, 0 };
	unsigned int k, c, lo, bad = 0;

	for (k = 0; k < 12 && bad < 5; k++) {
		for (c = 1; c < 256; c++) {
			int len = sprintf(pat, "[[:%s:]]", classes[k]);

			str[0] = (char)c;
			if (ekf_glob_match(pat, len, str, 1, 0) != ref_fnmatch(pat, len, str, 1, 0)) {
				check_fail("glob-bytes", "%s vs byte 0x%02x", pat, c);
				bad++;
			}
		}
	}
	/* "[\lo-\hi]" for lo <= hi, tried on the bytes around them. */
	for (lo = 1; lo < 256 && bad < 5; lo += 3) {
		for (k = lo; k < 256 && bad < 5; k += 5) {
			int len = sprintf(pat, "[\\%c-\\%c]", lo, k);

			for (c = lo > 1 ? lo - 1 : 1; c <= k + 1 && c < 256; c += (k - lo) / 4 + 1) {
				str[0] = (char)c;
				if (ekf_glob_match(pat, len, str, 1, 0) !=
				    ref_fnmatch(pat, len, str, 1, 0)) {
					check_fail("glob-bytes", "range 0x%02x-0x%02x vs 0x%02x",
						   lo, k, c);
					bad++;
				}
			}
		}
	}
	if (!bad)
		check_pass("glob-bytes");
}

/* All patterns of up to 4 syntax bytes against all strings of up to 3 bytes. */
static void test_exhaustive(void)
{
	static const char palpha[] = "a/*?[]!-\\";
	static const char salpha[] = "a/]";
	const unsigned int pa = sizeof(palpha) - 1, sa = sizeof(salpha) - 1;
	char pat[8], str[8];
	unsigned int pn, sn, pi, si, i, x, flags, bad = 0, compared = 0;

	for (pn = 0; pn <= 4; pn++) {
		unsigned int pcount = 1;

		for (i = 0; i < pn; i++)
			pcount *= pa;
		for (pi = 0; pi < pcount && bad < 10; pi++) {
			for (i = 0, x = pi; i < pn; i++, x /= pa)
				pat[i] = palpha[x % pa];
			pat[pn] = 0;
			for (sn = 0; sn <= 3; sn++) {
				unsigned int scount = 1;

				for (i = 0; i < sn; i++)
					scount *= sa;
				for (si = 0; si < scount; si++) {
					for (i = 0, x = si; i < sn; i++, x /= sa)
						str[i] = salpha[x % sa];
					str[sn] = 0;
					for (flags = 0; flags <= PATH; flags++) {
						int got = ekf_glob_match(pat, pn, str, sn, flags);

						/* Malformed, or glibc's "*\/" (see the table). */
						if (got == -EINVAL || (flags && strstr(pat, "\\/")))
							continue;
						compared++;
						if (got != ref_fnmatch(pat, pn, str, sn, flags)) {
							check_fail("glob-exhaustive",
								   "\"%s\" vs \"%s\" flags %u: got %d",
								   pat, str, flags, got);
							bad++;
						}
					}
				}
			}
		}
	}
	printf("# glob-exhaustive: %u comparisons with fnmatch\n", compared);
	if (!bad)
		check_pass("glob-exhaustive");
}

struct cost_case {
	const char *what;
	const char *pat;	/* NULL: built by the test, see gen */
	char fill;		/* the string: this byte repeated ... */
	char slash_every;	/* ... with a '/' every that many bytes, if not 0 */
	uint32_t flags;
	int gen;		/* 1: "*a...ab", 2: "*[a-a]...[a-a]b", as long as allowed */
};

static void test_cost(void)
{
	static const struct cost_case cases[] = {
		{ "*a*a*a*a*a*a*b", "*a*a*a*a*a*a*b", 'a', 0, 0, 0 },
		{ "*a*a*a*a*a*a*b pathname", "*a*a*a*a*a*a*b", 'a', 0, PATH, 0 },
		{ "*a^30 b", "*aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 'a', 0, 0, 0 },
		{ "*?^20 b", "*????????????????????b", 'a', 0, 0, 0 },
		{ "*[a]^10 b", "*[a][a][a][a][a][a][a][a][a][a]b", 'a', 0, 0, 0 },
		{ "*[!b-z[:digit:]]^4 b", "*[!b-z[:digit:]][!b-z[:digit:]][!b-z[:digit:]][!b-z[:digit:]]b",
		  'a', 0, 0, 0 },
		{ "*/*/*b pathname", "*/*/*b", 'a', 7, PATH, 0 },
		{ "*a*/*a*b pathname", "*a*/*a*b", 'a', 100, PATH, 0 },
		{ "*a^n b, n max", NULL, 'a', 0, 0, 1 },
		{ "*a^n b, n max, pathname", NULL, 'a', 0, PATH, 1 },
		{ "*[a-a]^n b, n max", NULL, 'a', 0, 0, 2 },
	};
	char *str = malloc(MAXI), pat[MAXP + 1];
	unsigned int c, i, bad = 0;
	double worst = 0;
	const char *worst_what = "";
	unsigned long long worst_steps = 0;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct cost_case *t = &cases[c];
		uint32_t pn, sn = MAXI;
		unsigned long long limit;
		double r;
		int got;

		if (t->pat) {
			pn = strlen(t->pat);
			memcpy(pat, t->pat, pn + 1);
		} else if (t->gen == 2) {
			pat[0] = '*';
			for (pn = 1; pn + 5 <= MAXP - 1; pn += 5)
				memcpy(pat + pn, "[a-a]", 5);
			pat[pn++] = 'b';
			pat[pn] = 0;
		} else {
			memset(pat, 'a', MAXP);
			pat[0] = '*';
			pat[MAXP - 1] = 'b';
			pat[MAXP] = 0;
			pn = MAXP;
		}
		memset(str, t->fill, sn);
		if (t->slash_every)
			for (i = t->slash_every; i < sn; i += t->slash_every)
				str[i] = '/';
		ekf_steps = 0;
		got = ekf_glob_match(pat, pn, str, sn, t->flags);
		limit = (unsigned long long)COST_C * (pn + 1) * (sn + 1);
		r = (double)ekf_steps / ((double)(pn + 1) * (sn + 1));
		if (r > worst) {
			worst = r;
			worst_what = t->what;
			worst_steps = ekf_steps;
		}
		printf("# glob-cost: %-28s p %3u s %u: %10llu steps, %.4f per p*s, %.2f per s\n",
		       t->what, pn, sn, ekf_steps, r, (double)ekf_steps / sn);
		if (got != 0 && got != 1) {
			check_fail("glob-cost", "%s: returned %d", t->what, got);
			bad++;
		} else if (ekf_steps > limit) {
			check_fail("glob-cost", "%s: %llu steps > %llu", t->what, ekf_steps, limit);
			bad++;
		}
	}
	printf("# glob-cost: worst %.4f steps per (p+1)*(s+1) (%s, %llu steps); limit %d\n",
	       worst, worst_what, worst_steps, COST_C);
	if (!bad)
		check_pass("glob-cost");
	free(str);
}

int main(int argc, char **argv)
{
	const char *env = getenv("EKF_SEED");
	uint64_t seed = 0x5eed5eedull;

	/* glibc reads it once: with it, '^' would not negate a bracket. */
	unsetenv("POSIXLY_CORRECT");
	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0);
	else if (env)
		seed = strtoull(env, NULL, 0);
	printf("# test_glob seed %llu\n", (unsigned long long)seed);

	test_table();
	test_sizes();
	test_bytes();
	test_exhaustive();
	test_random(seed, 200000);
	test_random_raw(seed, 200000);
	test_cost();
	return check_exit();
}
