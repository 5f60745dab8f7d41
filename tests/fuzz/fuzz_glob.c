// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: ekf_glob_match against glibc fnmatch(3), flags 0 and
 * FNM_PATHNAME, and the O(pattern x string) cost bound (built with
 * -DEKF_STEP_COUNT) on every input.
 *
 * Input: byte 0 picks the mode, byte 1 how many of the next bytes make the
 * pattern; the rest is the string.
 *   bit 0   EKF_GLOB_PATHNAME / FNM_PATHNAME
 *   bit 1   pattern bytes are syntax tokens that always make a valid pattern:
 *           the library must accept it and agree with fnmatch. Otherwise
 *           bytes map onto the syntax characters (or stay raw, bit 2) and
 *           wherever the library accepts the pattern it must agree.
 *   bit 3   string bytes stay raw (else mapped onto a small alphabet)
 *
 * Escaped '/' is never generated in token mode, and not compared in raw
 * mode with FNM_PATHNAME: glibc does not match "*\/" the way it matches
 * "* /" (a documented difference, see kmod/lib/ekf_glob.c).
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekf_glob.h"

unsigned long long ekf_steps;

static const char *const classes[] = {
	"alnum", "alpha", "blank", "cntrl", "digit", "graph",
	"lower", "print", "punct", "space", "upper", "xdigit",
};

struct src {
	const uint8_t *p;
	size_t n;
};

static unsigned int take(struct src *s)
{
	if (!s->n)
		return 0;
	s->n--;
	return *s->p++;
}

static int needs_escape(char c)
{
	return c == ']' || c == '\\' || c == '[' || c == '-' || c == '^' || c == '!';
}

/* One valid bracket element; first/last: position in the bracket. */
static char *bracket_elem(char *o, struct src *s, int first, int last)
{
	static const char plain[] = "ab./c:=";
	/* Range ends, in byte order. */
	static const char ends[] = "!-./:=[\\]^abc";
	unsigned int b = take(s), lo, hi;

	switch (b % 8) {
	case 0:
		if (first) {
			*o++ = ']';
			return o;
		}
		if (last) {
			*o++ = '-';
			return o;
		}
		break;
	case 1:
		o += sprintf(o, "[:%s:]", classes[(b >> 3) % 12]);
		return o;
	case 2:
	case 3:
		lo = (b >> 3) % (sizeof(ends) - 1);
		hi = lo + take(s) % (sizeof(ends) - 1 - lo);
		if (needs_escape(ends[lo]))
			*o++ = '\\';
		*o++ = ends[lo];
		*o++ = '-';
		if (needs_escape(ends[hi]))
			*o++ = '\\';
		*o++ = ends[hi];
		return o;
	case 4:
		*o++ = '\\';
		*o++ = "]\\[-^!ab:"[(b >> 3) % 9];
		return o;
	case 5:
		*o++ = (char)(0x80 | take(s));
		return o;
	}
	/* A plain byte, but never "[:" / "[." / "[=" by accident: no '['. */
	*o++ = plain[(b >> 3) % (sizeof(plain) - 1)];
	return o;
}

/* A valid pattern, at most about 16 bytes per input byte. */
static size_t gen_tokens(char *out, struct src *s)
{
	static const char lit[] = "ab/.c-]!^:=";
	char *o = out;
	unsigned int b, k, e;

	while (s->n) {
		b = take(s);
		switch (b % 10) {
		case 0:
		case 1:
			*o++ = '*';
			break;
		case 2:
			*o++ = '?';
			break;
		case 3:
			*o++ = '\\';
			*o++ = "*?[]\\ab!"[(b >> 4) % 8];
			break;
		case 4:
		case 5:
			*o++ = '[';
			if (b & 16)
				*o++ = b & 32 ? '!' : '^';
			e = 1 + (b >> 6);
			for (k = 0; k < e; k++)
				o = bracket_elem(o, s, k == 0, k == e - 1);
			*o++ = ']';
			break;
		case 6:
			*o++ = (char)(0x80 | (b >> 1));
			break;
		default:
			*o++ = lit[(b >> 4) % (sizeof(lit) - 1)];
			break;
		}
	}
	*o = 0;
	return o - out;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* glibc reads it once: with it, '^' would not negate a bracket. */
	unsetenv("POSIXLY_CORRECT");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char syntax[] = "ab/*?[]!^-\\:.=";
	static const char salpha[] = "ab/.c-]![*?\\:";
	char pat[EKF_MAX_PATTERN * 16 + 64], *str;
	unsigned int ctl, flags;
	size_t pn, sn, i;
	struct src s;
	unsigned long long limit;
	int got, want, tokens;

	if (size < 2)
		return 0;
	ctl = data[0];
	pn = data[1];
	data += 2;
	size -= 2;
	if (pn > size)
		pn = size;
	flags = ctl & 1 ? EKF_GLOB_PATHNAME : 0;
	tokens = ctl & 2;

	if (tokens) {
		s.p = data;
		s.n = pn;
		pn = gen_tokens(pat, &s);
		/* Too long is -E2BIG, as checked by the unit test: not interesting. */
		if (pn > EKF_MAX_PATTERN)
			return 0;
	} else {
		for (i = 0; i < pn; i++)
			pat[i] = ctl & 4 ? (char)data[i] : syntax[data[i] % (sizeof(syntax) - 1)];
		pat[pn] = 0;
	}
	sn = size - (tokens ? s.p - data : pn);
	data += size - sn;
	str = malloc(sn + 1);
	for (i = 0; i < sn; i++)
		str[i] = ctl & 8 ? (char)data[i] : salpha[data[i] % (sizeof(salpha) - 1)];
	str[sn] = 0;

	ekf_steps = 0;
	got = ekf_glob_match(pat, pn, str, sn, flags);
	limit = 2ull * (pn + 1) * (sn + 1);
	if (ekf_steps > limit) {
		fprintf(stderr, "\"%s\": %llu steps > %llu\n", pat, ekf_steps, limit);
		abort();
	}
	if (got == -E2BIG && strnlen(pat, pn) > EKF_MAX_PATTERN)
		goto out;
	if (tokens && got < 0) {
		fprintf(stderr, "valid pattern \"%s\" rejected: %d\n", pat, got);
		abort();
	}
	if (got == -EINVAL || (flags && memmem(pat, pn, "\\/", 2)))
		goto out;
	if (got != 0 && got != 1) {
		fprintf(stderr, "\"%s\": returned %d\n", pat, got);
		abort();
	}
	/* fnmatch sees the same NUL-terminated pattern and string. */
	want = fnmatch(pat, str, flags ? FNM_PATHNAME : 0) == 0;
	if (got != want) {
		fprintf(stderr, "\"%s\" vs \"%s\" flags %u: got %d, fnmatch %d\n", pat, str,
			flags, got, want);
		abort();
	}
out:
	free(str);
	return 0;
}
