// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: ekf_search_memmem/strstr/strcasestr against glibc, and
 * the linear cost bound (built with -DEKF_STEP_COUNT) on every input.
 *
 * Input: byte 0 picks how the rest is used, byte 1 where it splits into
 * haystack and needle:
 *   bits 0-1  alphabet: raw bytes, "ab", "aAbB\0", "aB"
 *   bit 2     haystack: its bytes repeated up to 2 KiB (periodic haystacks)
 *   bit 3     needle: its bytes repeated up to 3 times their size plus the
 *             last byte changed (periodic needles that almost match)
 *   bit 4     needle: a copy of part of the haystack (a match exists)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekf_search.h"

unsigned long long ekf_steps;

#define HAY_MAX		2048

static const struct {
	const char *c;
	unsigned int n;
} alphabets[] = { { NULL, 0 }, { "ab", 2 }, { "aAbB\0", 5 }, { "aB", 2 } };

static char hay[HAY_MAX + 1], needle[3 * HAY_MAX + 2];

static void fail(const char *fn, int got, int want, size_t hn, size_t nn)
{
	fprintf(stderr, "%s: got %d want %d (hay_sz %zu needle_sz %zu)\n", fn, got, want, hn,
		nn);
	abort();
}

static int ref_cstr(const char *h, size_t hn, const char *n, size_t nn, int fold)
{
	char *hc = strndup(h, hn), *nc = strndup(n, nn);
	const char *r = fold ? strcasestr(hc, nc) : strstr(hc, nc);
	int ret = r ? (int)(r - hc) : -1;

	free(hc);
	free(nc);
	return ret;
}

typedef int (*search_fn)(const char *, u32, const char *, u32);

static int run(search_fn fn, const char *name, size_t hn, size_t nn, int want)
{
	unsigned long long limit = 2ull * hn + 3ull * nn;
	int got;

	ekf_steps = 0;
	got = fn(hay, hn, needle, nn);
	if (got != want)
		fail(name, got, want, hn, nn);
	if (ekf_steps > limit) {
		fprintf(stderr, "%s: %llu steps > %llu (hay_sz %zu needle_sz %zu)\n", name,
			ekf_steps, limit, hn, nn);
		abort();
	}
	return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t hn, nn, split, i;
	unsigned int ctl, an;
	const char *alpha;
	const char *r;

	if (size < 2)
		return 0;
	ctl = data[0];
	split = data[1];
	data += 2;
	size -= 2;
	alpha = alphabets[ctl & 3].c;
	an = alphabets[ctl & 3].n;

	/* The needle is the first min(split, size / 2) bytes, the rest the haystack. */
	nn = split < size / 2 ? split : size / 2;
	hn = size - nn;
	if (hn > HAY_MAX)
		hn = HAY_MAX;
	for (i = 0; i < nn; i++)
		needle[i] = alpha ? alpha[data[i] % an] : (char)data[i];
	for (i = 0; i < hn; i++)
		hay[i] = alpha ? alpha[data[nn + i] % an] : (char)data[nn + i];

	if ((ctl & 4) && hn) {
		for (i = hn; i < HAY_MAX; i++)
			hay[i] = hay[i - hn];
		hn = HAY_MAX - (ctl >> 5) * 7;
	}
	if ((ctl & 8) && nn) {
		size_t reps = 1 + (ctl >> 5) % 3;

		for (i = nn; i < nn * reps; i++)
			needle[i] = needle[i - nn];
		nn *= reps;
		needle[nn - 1] ^= 1;
	}
	if ((ctl & 16) && hn) {
		size_t from = (split * 31) % hn;

		nn = (ctl >> 5) * (hn / 7 + 1);
		if (nn > hn - from)
			nn = hn - from;
		memcpy(needle, hay + from, nn);
	}

	r = memmem(hay, hn, needle, nn);
	run(ekf_search_memmem, "memmem", hn, nn, r ? (int)(r - hay) : -1);
	run(ekf_search_strstr, "strstr", hn, nn, ref_cstr(hay, hn, needle, nn, 0));
	run(ekf_search_strcasestr, "strcasestr", hn, nn, ref_cstr(hay, hn, needle, nn, 1));
	return 0;
}
