// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/lib/ekf_search.c: a table of corner cases, random
 * differential testing against glibc memmem/strstr/strcasestr, and a cost
 * test (built with -DEKF_STEP_COUNT) that fails on any super-linear search.
 *
 * test_search [SEED]   (default: a fixed seed, printed; env EKF_SEED too)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ekf_search.h"
#include "../lib/check.h"

#ifndef EKF_STEP_COUNT
#error "build with -DEKF_STEP_COUNT: the cost test reads ekf_steps"
#endif
unsigned long long ekf_steps;

#define MAXI	EKF_MAX_INPUT

/* Worst-case search steps allowed, per haystack byte and per needle byte. */
#define COST_PER_HAY	2
#define COST_PER_NEEDLE	3

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

static int ref_memmem(const char *h, size_t hn, const char *n, size_t nn)
{
	const char *r = memmem(h, hn, n, nn);

	return r ? (int)(r - h) : -1;
}

/* glibc on NUL-terminated copies of the inputs cut at their size. */
static int ref_cstr(const char *h, size_t hn, const char *n, size_t nn, int fold)
{
	char *hc = malloc(hn + 1), *nc = malloc(nn + 1);
	const char *r;
	int ret;

	memcpy(hc, h, hn);
	hc[hn] = 0;
	memcpy(nc, n, nn);
	nc[nn] = 0;
	r = fold ? strcasestr(hc, nc) : strstr(hc, nc);
	ret = r ? (int)(r - hc) : -1;
	free(hc);
	free(nc);
	return ret;
}

/* The specification itself: a naive scan. */
static int naive(const char *h, uint32_t hn, const char *n, uint32_t nn)
{
	uint32_t i;

	if (nn > hn)
		return -1;
	for (i = 0; i + nn <= hn; i++)
		if (!memcmp(h + i, n, nn))
			return (int)i;
	return -1;
}

struct tcase {
	const char *hay;
	uint32_t hay_sz;
	const char *needle;
	uint32_t needle_sz;
	int memmem, strstr, strcasestr;
};

#define S(s)	s, sizeof(s) - 1

static const struct tcase table[] = {
	/* Empty needle: 0, also on an empty haystack. */
	{ S(""), S(""), 0, 0, 0 },
	{ S("abc"), S(""), 0, 0, 0 },
	{ S(""), S("a"), -1, -1, -1 },
	{ S("a"), S("a"), 0, 0, 0 },
	{ S("a"), S("ab"), -1, -1, -1 },
	{ S("abc"), S("abcd"), -1, -1, -1 },
	{ S("abc"), S("c"), 2, 2, 2 },
	{ S("abc"), S("abc"), 0, 0, 0 },
	{ S("xabcabd"), S("abd"), 4, 4, 4 },
	/* NULs: memmem sees them, the C-string forms stop there. */
	{ S("a\0b"), S("\0b"), 1, 0, 0 },
	{ S("a\0b"), S("b"), 2, -1, -1 },
	{ S("ab\0"), S("b\0"), 1, 1, 1 },
	{ S("\0\0\0"), S("\0"), 0, 0, 0 },
	{ S("abc"), S("c\0zz"), -1, 2, 2 },
	{ S("abc"), S("\0abc"), -1, 0, 0 },
	{ S("ab\0cd"), S("cd"), 3, -1, -1 },
	/* Periodic needles. */
	{ S("aaaaaaaaab"), S("aaab"), 6, 6, 6 },
	{ S("aaaaaaaaaa"), S("aaab"), -1, -1, -1 },
	{ S("abababababc"), S("ababc"), 6, 6, 6 },
	{ S("abaabaabaabb"), S("abaabb"), 6, 6, 6 },
	{ S("aabaabaabaaa"), S("aabaaa"), 6, 6, 6 },
	{ S("abcabcabd"), S("abcabd"), 3, 3, 3 },
	{ S("babbbabbab"), S("abbab"), 5, 5, 5 },
	{ S("zzzbaaaab"), S("baaaab"), 3, 3, 3 },
	{ S("xyzxyzxy"), S("zxyzx"), 2, 2, 2 },
	/* Case folding: ASCII letters only. */
	{ S("Hello World"), S("WORLD"), -1, -1, 6 },
	{ S("Hello World"), S("o w"), -1, -1, 4 },
	{ S("ABABABC"), S("abc"), -1, -1, 4 },
	{ S("AaAaAaB"), S("aAab"), -1, -1, 3 },
	{ S("@[`{"), S("`{"), 2, 2, 2 },
	{ S("@[`{"), S("`["), -1, -1, -1 },
	{ S("\xc9t\xe9"), S("\xe9"), 2, 2, 2 },
	{ S("\xc9t\xe9"), S("\xe9T"), -1, -1, -1 },
	{ S("\xc9t\xe9"), S("T\xe9"), -1, -1, 1 },
	{ S("\xc9T\xe9"), S("\xc9t"), -1, -1, 0 },
};

static void test_table(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct tcase *t = &table[i];
		int r[3] = {
			ekf_search_memmem(t->hay, t->hay_sz, t->needle, t->needle_sz),
			ekf_search_strstr(t->hay, t->hay_sz, t->needle, t->needle_sz),
			ekf_search_strcasestr(t->hay, t->hay_sz, t->needle, t->needle_sz),
		};
		int want[3] = { t->memmem, t->strstr, t->strcasestr };
		int k;

		for (k = 0; k < 3; k++) {
			if (r[k] != want[k]) {
				check_fail("search-table", "case %u fn %d: got %d want %d",
					   i, k, r[k], want[k]);
				bad++;
			}
		}
	}
	if (!bad)
		check_pass("search-table");
}

static int e2big_one(const char *what, int got, int want)
{
	if (got == want)
		return 0;
	check_fail("search-e2big", "%s: got %d want %d", what, got, want);
	return 1;
}

static void test_e2big(void)
{
	char *big = calloc(MAXI + 2, 1);
	int bad = 0;

	memset(big, 'a', MAXI + 1);
	big[MAXI - 1] = 'b';
	bad += e2big_one("memmem hay == max", ekf_search_memmem(big, MAXI, "ab", 2),
			 MAXI - 2);
	bad += e2big_one("memmem hay max+1", ekf_search_memmem(big, MAXI + 1, "ab", 2),
			 -E2BIG);
	bad += e2big_one("memmem needle == max",
			 ekf_search_memmem(big, MAXI, big, MAXI), 0);
	bad += e2big_one("memmem needle max+1",
			 ekf_search_memmem("a", 1, big, MAXI + 1), -E2BIG);
	bad += e2big_one("memmem empty needle, hay max+1",
			 ekf_search_memmem(big, MAXI + 1, "", 0), -E2BIG);
	bad += e2big_one("memmem needle max+1 > hay",
			 ekf_search_memmem(big, 3, big, MAXI + 1), -E2BIG);
	bad += e2big_one("strstr hay == max", ekf_search_strstr(big, MAXI, "ab", 2),
			 MAXI - 2);
	bad += e2big_one("strstr hay max+1", ekf_search_strstr(big, MAXI + 1, "ab", 2),
			 -E2BIG);
	bad += e2big_one("strcasestr hay == max",
			 ekf_search_strcasestr(big, MAXI, "AB", 2), MAXI - 2);
	bad += e2big_one("strcasestr needle max+1",
			 ekf_search_strcasestr("ab", 2, big, MAXI + 1), -E2BIG);
	/* The size argument is checked, not the C string's length. */
	big[0] = 0;
	bad += e2big_one("strstr hay max+1, NUL at 0",
			 ekf_search_strstr(big, MAXI + 1, "", 0), -E2BIG);
	bad += e2big_one("strstr needle max+1, NUL at 0",
			 ekf_search_strstr("a", 1, big, MAXI + 1), -E2BIG);
	bad += e2big_one("strcasestr needle max+1, NUL at 0",
			 ekf_search_strcasestr("a", 1, big, MAXI + 1), -E2BIG);
	bad += e2big_one("strstr needle == max, NUL at 0",
			 ekf_search_strstr("a", 1, big, MAXI), 0);
	bad += e2big_one("memmem u32 max", ekf_search_memmem("a", UINT32_MAX, "a", 1),
			 -E2BIG);
	if (!bad)
		check_pass("search-e2big");
	free(big);
}

/* Haystack and needle bytes: from a small alphabet, or any byte (NULL). */
static const struct {
	const char *c;
	uint32_t n;
} alphabets[] = {
	{ "ab", 2 }, { "aB\0", 3 }, { "aAbB", 4 }, { "abc", 3 }, { "a\0", 2 }, { NULL, 0 },
};

static void fill(char *buf, uint32_t n, const char *alpha, uint32_t alen)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		buf[i] = alpha ? alpha[rnd(alen)] : (char)rnd(256);
}

/* A needle: random, cut from the haystack, periodic, or one of those mutated. */
static uint32_t make_needle(char *nd, const char *hay, uint32_t hn, const char *alpha,
			    uint32_t alen)
{
	uint32_t nn, i, per;

	switch (rnd(5)) {
	case 0:
		nn = rnd(8);
		fill(nd, nn, alpha, alen);
		break;
	case 1:
		nn = rnd(301);
		fill(nd, nn, alpha, alen);
		break;
	case 2:
		if (!hn)
			return 0;
		i = rnd(hn);
		nn = rnd(hn - i + 1);
		memcpy(nd, hay + i, nn);
		break;
	default:
		per = 1 + rnd(6);
		nn = rnd(301);
		fill(nd, per, alpha, alen);
		for (i = per; i < nn; i++)
			nd[i] = nd[i - per];
		break;
	}
	if (nn && rnd(3) == 0)
		nd[rnd(nn)] = alpha ? alpha[rnd(alen)] : (char)rnd(256);
	return nn;
}

static uint32_t make_hay(char *hay, const char *alpha, uint32_t alen)
{
	uint32_t hn = rnd(301), per, i;

	fill(hay, hn, alpha, alen);
	if (rnd(2)) {
		/* Periodic haystacks make the periodic needle shifts matter. */
		per = 1 + rnd(6);
		for (i = per; i < hn; i++)
			hay[i] = hay[i - per];
		if (hn && rnd(2))
			hay[rnd(hn)] = alpha ? alpha[rnd(alen)] : (char)rnd(256);
	}
	return hn;
}

static void test_random(uint64_t seed, unsigned int rounds)
{
	char hay[400], nd[400];
	unsigned int round, bad = 0, a;

	rng_state = seed;
	for (round = 0; round < rounds && bad < 10; round++) {
		const char *alpha;
		uint32_t alen, hn, nn;
		int got, want;

		a = rnd(sizeof(alphabets) / sizeof(alphabets[0]));
		alpha = alphabets[a].c;
		alen = alphabets[a].n;
		hn = make_hay(hay, alpha, alen);
		nn = make_needle(nd, hay, hn, alpha, alen);

		ekf_steps = 0;
		got = ekf_search_memmem(hay, hn, nd, nn);
		want = ref_memmem(hay, hn, nd, nn);
		if (got != want || got != naive(hay, hn, nd, nn)) {
			check_fail("search-random-memmem",
				   "round %u: hay_sz %u needle_sz %u got %d want %d", round,
				   hn, nn, got, want);
			bad++;
		}
		/* The cost bound holds on these small inputs too. */
		if (ekf_steps > (unsigned long long)COST_PER_HAY * hn + COST_PER_NEEDLE * nn) {
			check_fail("search-random-cost",
				   "round %u: hay_sz %u needle_sz %u: %llu steps", round, hn,
				   nn, ekf_steps);
			bad++;
		}
		got = ekf_search_strstr(hay, hn, nd, nn);
		want = ref_cstr(hay, hn, nd, nn, 0);
		if (got != want) {
			check_fail("search-random-strstr",
				   "round %u: hay_sz %u needle_sz %u got %d want %d", round,
				   hn, nn, got, want);
			bad++;
		}
		got = ekf_search_strcasestr(hay, hn, nd, nn);
		want = ref_cstr(hay, hn, nd, nn, 1);
		if (got != want) {
			check_fail("search-random-strcasestr",
				   "round %u: hay_sz %u needle_sz %u got %d want %d", round,
				   hn, nn, got, want);
			bad++;
		}
	}
	if (!bad)
		check_pass("search-random");
	else
		printf("# reproduce with: test_search %llu\n", (unsigned long long)seed);
}

/* All needles of sizes 1..10 over "ab" against every hay of size 0..12 over "ab". */
static void test_exhaustive(void)
{
	char hay[16], nd[16];
	uint32_t hn, nn, h, n, i;
	int bad = 0;

	for (nn = 1; nn <= 10 && !bad; nn++) {
		for (n = 0; n < (1u << nn) && !bad; n++) {
			for (i = 0; i < nn; i++)
				nd[i] = "ab"[(n >> i) & 1];
			for (hn = 0; hn <= 12 && !bad; hn++) {
				for (h = 0; h < (1u << hn); h++) {
					for (i = 0; i < hn; i++)
						hay[i] = "ab"[(h >> i) & 1];
					if (ekf_search_memmem(hay, hn, nd, nn) !=
					    naive(hay, hn, nd, nn)) {
						check_fail("search-exhaustive-ab",
							   "hay %.*s needle %.*s", (int)hn, hay,
							   (int)nn, nd);
						bad = 1;
						break;
					}
				}
			}
		}
	}
	if (!bad)
		check_pass("search-exhaustive-ab");
}

struct cost_worst {
	double ratio;
	unsigned long long steps;
	uint32_t hn, nn;
	const char *what;
};

/* Runs all three functions and checks steps <= 2 * hay + 3 * needle. */
static int cost_one(const char *what, const char *hay, uint32_t hn, const char *nd,
		    uint32_t nn, struct cost_worst *w)
{
	int (*const fns[3])(const char *, u32, const char *, u32) = {
		ekf_search_memmem, ekf_search_strstr, ekf_search_strcasestr
	};
	unsigned long long limit = (unsigned long long)COST_PER_HAY * hn +
				   (unsigned long long)COST_PER_NEEDLE * nn;
	int k, bad = 0;

	for (k = 0; k < 3; k++) {
		double r;

		ekf_steps = 0;
		fns[k](hay, hn, nd, nn);
		r = hn ? (double)ekf_steps / hn : 0;
		/* w[1]: needles up to hay / 8, where the search phase dominates. */
		for (int x = 0; x < 2; x++) {
			if (r > w[x].ratio && (!x || (uint64_t)nn * 8 <= hn)) {
				w[x].ratio = r;
				w[x].steps = ekf_steps;
				w[x].hn = hn;
				w[x].nn = nn;
				w[x].what = what;
			}
		}
		if (ekf_steps > limit) {
			check_fail("search-cost", "%s fn %d: hay %u needle %u: %llu steps > %llu",
				   what, k, hn, nn, ekf_steps, limit);
			bad = 1;
		}
	}
	return bad;
}

static void test_cost(void)
{
	static const uint32_t nsizes[] = { 1, 2, 3, 7, 64, 1000, 32768, 65535, 65536 };
	struct cost_worst w[2] = { { 0 } };
	char *hay = malloc(MAXI), *nd = malloc(MAXI);
	uint32_t n = MAXI, i, k, per;
	int bad = 0;

	memset(hay, 'a', n);
	for (k = 0; k < sizeof(nsizes) / sizeof(nsizes[0]); k++) {
		uint32_t nn = nsizes[k];

		if (!nn)
			continue;
		/* "aaa...ab": the input a naive scan is quadratic on. */
		memset(nd, 'a', nn);
		nd[nn - 1] = 'b';
		bad |= cost_one("a^n vs a^k b", hay, n, nd, nn, w);
		/* "baaa...a": right-to-left scans' worst case. */
		memset(nd, 'a', nn);
		nd[0] = 'b';
		bad |= cost_one("a^n vs b a^k", hay, n, nd, nn, w);
		/* "aa..abaa..a": the break in the middle. */
		memset(nd, 'a', nn);
		nd[nn / 2] = 'b';
		bad |= cost_one("a^n vs a^k b a^k", hay, n, nd, nn, w);
		memset(nd, 'a', nn);
		bad |= cost_one("a^n vs a^k", hay, n, nd, nn, w);
	}
	/* Periodic haystacks and needles that almost match. */
	for (per = 2; per <= 5; per++) {
		for (i = 0; i < n; i++)
			hay[i] = (i % per) ? 'a' : 'b';
		for (k = 0; k < sizeof(nsizes) / sizeof(nsizes[0]); k++) {
			uint32_t nn = nsizes[k];

			if (!nn)
				continue;
			for (i = 0; i < nn; i++)
				nd[i] = (i % per) ? 'a' : 'b';
			nd[nn - 1] = 'c';
			bad |= cost_one("periodic, last byte off", hay, n, nd, nn, w);
			for (i = 0; i < nn; i++)
				nd[i] = ((i + 1) % per) ? 'a' : 'B';
			nd[nn / 2] ^= 1;
			bad |= cost_one("periodic, middle byte off", hay, n, nd, nn, w);
		}
	}
	/* Random ones over "ab". */
	rng_state = 42;
	for (k = 0; k < 60; k++) {
		uint32_t hn = 1 + rnd(n), nn = 1 + rnd(k < 30 ? 40 : hn);

		fill(hay, hn, "ab", 2);
		fill(nd, nn, "ab", 2);
		bad |= cost_one("random ab", hay, hn, nd, nn, w);
	}
	for (i = 0; i < 2; i++)
		printf("# search-cost: worst %s: %.3f steps per haystack byte "
		       "(%llu steps, %s, hay %u needle %u); limit %d*hay + %d*needle\n",
		       i ? "needle <= hay/8" : "overall", w[i].ratio, w[i].steps, w[i].what,
		       w[i].hn, w[i].nn, COST_PER_HAY, COST_PER_NEEDLE);
	if (!bad)
		check_pass("search-cost");
	free(hay);
	free(nd);
}

/*
 * The scans for the needle's last byte: "aa...ab" over "aaa...a" (64 KiB)
 * is crossed a word at a time, in far fewer steps than haystack bytes, and
 * so is a haystack the needle's last byte is not in at all.
 */
static void test_skip(void)
{
	static const uint32_t nsizes[] = { 1, 2, 32, 1000 };
	int (*const fns[3])(const char *, u32, const char *, u32) = {
		ekf_search_memmem, ekf_search_strstr, ekf_search_strcasestr
	};
	char *hay = malloc(MAXI), *nd = malloc(MAXI);
	unsigned long long worst = 0;
	uint32_t k, i;
	int f, bad = 0;

	for (k = 0; k < sizeof(nsizes) / sizeof(nsizes[0]); k++) {
		uint32_t nn = nsizes[k];

		for (i = 0; i < 2; i++) {
			memset(hay, 'a', MAXI);
			if (i) {	/* text without the last byte */
				for (uint32_t x = 0; x < MAXI; x++)
					hay[x] = "lorem ipsum dolor sit amet "[x % 27];
			}
			memset(nd, 'a', nn);
			nd[nn - 1] = i ? 'Q' : 'b';
			for (f = 0; f < 3; f++) {
				int r;

				/* strcasestr: 'Q' and 'q' are both looked for */
				ekf_steps = 0;
				r = fns[f](hay, MAXI, nd, nn);
				if (ekf_steps > worst)
					worst = ekf_steps;
				if (r != -1 || ekf_steps > MAXI / 4 + 3ull * nn) {
					check_fail("search-skip", "%s needle %u fn %d: got %d, %llu steps",
						   i ? "text" : "a^n vs a^k b", nn, f, r, ekf_steps);
					bad = 1;
				}
			}
		}
	}
	printf("# search-skip: at most %llu steps on a %u-byte haystack\n", worst, MAXI);
	if (!bad)
		check_pass("search-skip");
	free(hay);
	free(nd);
}

/*
 * Against the scans' filters: haystacks of bytes 0x81 and above (the block
 * filters' false positives, every block) with ' ' and 'A' (whose AND is
 * zero, the NUL filter's), needles at and around block and word ends, NULs
 * around the pieces the C-string search reads ahead: exact answers, within
 * the cost bound, and a scan that still crosses the haystack in at most
 * 5 steps per 16 bytes.
 */
static void test_adversarial(void)
{
	static const uint32_t offs[] = { 0, 1, 7, 8, 9, 63, 64, 65, 119, 120, 127, 128, 129,
					 255, 256, 4095, 4096, 4097, 8191, 8200 };
	int (*const fns[3])(const char *, u32, const char *, u32) = {
		ekf_search_memmem, ekf_search_strstr, ekf_search_strcasestr
	};
	const uint32_t hn = 16384;
	char *hay = malloc(MAXI), *nd = malloc(64);
	unsigned long long worst = 0;
	uint32_t i, o, nn;
	int f, bad = 0, got, want;

	for (i = 0; i < MAXI; i++)
		hay[i] = (i % 5 == 0) ? ' ' : (i % 5 == 1) ? 'A' : (char)(0x81 + i % 127);
	/* Absent needles: the whole haystack is scanned. */
	for (nn = 1; nn <= 33; nn += 8) {
		memset(nd, 'z', nn);
		nd[nn - 1] = 'Q';
		for (f = 0; f < 3; f++) {
			ekf_steps = 0;
			got = fns[f](hay, MAXI, nd, nn);
			if (ekf_steps > worst)
				worst = ekf_steps;
			if (got != -1 || ekf_steps > MAXI / 16 * 5 + 32 + 3ull * nn) {
				check_fail("search-adversarial", "absent needle %u fn %d: got %d, %llu steps",
					   nn, f, got, ekf_steps);
				bad = 1;
			}
		}
	}
	/* A needle at each offset, its last byte also in the haystack. */
	memcpy(nd, "\xc3\xa9t\xc3\xa9 Q", 7);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]) && !bad; i++) {
		for (nn = 1; nn <= 7; nn += 3) {
			for (o = 0; o < 3; o++) {
				uint32_t at = offs[i] + o;
				char save[8];

				if (at + nn > hn)
					continue;
				memcpy(save, hay + at, nn);
				memcpy(hay + at, nd + 7 - nn, nn);
				for (f = 0; f < 3; f++) {
					want = f == 0 ? ref_memmem(hay, hn, nd + 7 - nn, nn) :
							ref_cstr(hay, hn, nd + 7 - nn, nn, f == 2);
					ekf_steps = 0;
					got = fns[f](hay, hn, nd + 7 - nn, nn);
					if (got != want || ekf_steps > 2ull * hn + 3ull * nn) {
						check_fail("search-adversarial",
							   "needle %u at %u fn %d: got %d want %d, %llu steps",
							   nn, at, f, got, want, ekf_steps);
						bad = 1;
					}
				}
				/* A NUL just before it: the C-string forms do not find it. */
				if (at) {
					char c = hay[at - 1];

					hay[at - 1] = 0;
					for (f = 1; f < 3; f++) {
						want = ref_cstr(hay, hn, nd + 7 - nn, nn, f == 2);
						got = fns[f](hay, hn, nd + 7 - nn, nn);
						if (got != want) {
							check_fail("search-adversarial",
								   "NUL at %u, needle %u fn %d: got %d want %d",
								   at - 1, nn, f, got, want);
							bad = 1;
						}
					}
					hay[at - 1] = c;
				}
				memcpy(hay + at, save, nn);
			}
		}
	}
	printf("# search-adversarial: at most %llu steps on a %u-byte haystack\n", worst, MAXI);
	if (!bad)
		check_pass("search-adversarial");
	free(hay);
	free(nd);
}

int main(int argc, char **argv)
{
	const char *env = getenv("EKF_SEED");
	uint64_t seed = 0x5eed5eedull;

	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0);
	else if (env)
		seed = strtoull(env, NULL, 0);
	printf("# test_search seed %llu\n", (unsigned long long)seed);

	test_table();
	test_e2big();
	test_exhaustive();
	test_random(seed, 200000);
	test_cost();
	test_skip();
	test_adversarial();
	return check_exit();
}
