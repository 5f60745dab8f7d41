/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The known-answer cases of `ebpf-kfunc selftest`. Plain data, so that the
 * host tests can also check the table against the userspace build of the
 * module's own search and glob code (tests/host/selftest-table.c).
 */
#ifndef EBPF_KFUNC_CASES_H
#define EBPF_KFUNC_CASES_H

#include <errno.h>
#include "../kmod/lib/ekf_limits.h"

enum ekf_kf { EKF_K_MEMMEM, EKF_K_STRSTR, EKF_K_STRCASESTR, EKF_K_GLOB, EKF_K_NR };

/*
 * One input: len bytes of s (NULs included), or, with fill set, len bytes
 * of fill whose last strlen(s) bytes are s.
 */
struct ekf_input {
	const char *s;
	unsigned int len;
	char fill;
};

struct ekf_case {
	const char *name;
	enum ekf_kf kf;
	struct ekf_input a, b;	/* haystack, needle; glob: pattern, string */
	unsigned int flags;	/* glob only */
	int want;
};

#define S(str)			{ str, sizeof(str) - 1, 0 }
#define FILL(c, n, tail)	{ tail, n, c }

static const struct ekf_case ekf_cases[] = {
	{ "memmem: match in the middle", EKF_K_MEMMEM, S("hello world"), S("world"), 0, 6 },
	{ "memmem: match at the start", EKF_K_MEMMEM, S("hello"), S("he"), 0, 0 },
	{ "memmem: match at the end", EKF_K_MEMMEM, S("aaaaaaaab"), S("aab"), 0, 6 },
	{ "memmem: periodic needle", EKF_K_MEMMEM, S("abababc"), S("ababc"), 0, 2 },
	{ "memmem: not found", EKF_K_MEMMEM, S("hello"), S("xyz"), 0, -1 },
	{ "memmem: needle longer than haystack", EKF_K_MEMMEM, S("ab"), S("abc"), 0, -1 },
	{ "memmem: empty needle", EKF_K_MEMMEM, S("hello"), S(""), 0, 0 },
	{ "memmem: empty haystack", EKF_K_MEMMEM, S(""), S("a"), 0, -1 },
	{ "memmem: both empty", EKF_K_MEMMEM, S(""), S(""), 0, 0 },
	{ "memmem: NUL bytes are data", EKF_K_MEMMEM, S("ab\0cd"), S("\0c"), 0, 2 },
	{ "memmem: searches past a NUL", EKF_K_MEMMEM, S("ab\0cd"), S("cd"), 0, 3 },
	{ "memmem: case-sensitive", EKF_K_MEMMEM, S("Hello"), S("hello"), 0, -1 },
	{ "memmem: 64 KiB haystack, match at the end", EKF_K_MEMMEM,
	  FILL('a', EKF_MAX_INPUT, "b"), S("ab"), 0, (int)EKF_MAX_INPUT - 2 },
	{ "memmem: haystack over the limit: -E2BIG", EKF_K_MEMMEM,
	  FILL('a', EKF_MAX_INPUT + 1, ""), S("a"), 0, -E2BIG },
	{ "memmem: needle over the limit: -E2BIG", EKF_K_MEMMEM,
	  S("a"), FILL('a', EKF_MAX_INPUT + 1, ""), 0, -E2BIG },

	{ "strstr: match in the middle", EKF_K_STRSTR, S("hello world"), S("world"), 0, 6 },
	{ "strstr: not found", EKF_K_STRSTR, S("hello"), S("xyz"), 0, -1 },
	{ "strstr: empty needle", EKF_K_STRSTR, S("hello"), S(""), 0, 0 },
	{ "strstr: both empty", EKF_K_STRSTR, S(""), S(""), 0, 0 },
	{ "strstr: haystack ends at its NUL", EKF_K_STRSTR, S("ab\0cd"), S("cd"), 0, -1 },
	{ "strstr: needle ends at its NUL", EKF_K_STRSTR, S("abcd"), S("c\0zz"), 0, 2 },
	{ "strstr: needle of only a NUL is empty", EKF_K_STRSTR, S("abc"), S("\0"), 0, 0 },
	{ "strstr: case-sensitive", EKF_K_STRSTR, S("Hello"), S("hello"), 0, -1 },
	{ "strstr: haystack size over the limit: -E2BIG", EKF_K_STRSTR,
	  FILL('a', EKF_MAX_INPUT + 1, ""), S("a"), 0, -E2BIG },

	{ "strcasestr: folds ASCII case", EKF_K_STRCASESTR, S("Hello World"), S("WORLD"), 0, 6 },
	{ "strcasestr: mixed case", EKF_K_STRCASESTR, S("MiXeD"), S("mixed"), 0, 0 },
	{ "strcasestr: not found", EKF_K_STRCASESTR, S("ABC"), S("abd"), 0, -1 },
	{ "strcasestr: empty needle", EKF_K_STRCASESTR, S("abc"), S(""), 0, 0 },
	{ "strcasestr: haystack ends at its NUL", EKF_K_STRCASESTR, S("ab\0CD"), S("cd"), 0, -1 },
	{ "strcasestr: punctuation is not folded", EKF_K_STRCASESTR, S("a[b"), S("A{B"), 0, -1 },
	{ "strcasestr: no folding above ASCII", EKF_K_STRCASESTR, S("\xc4"), S("\xe4"), 0, -1 },
	{ "strcasestr: haystack size over the limit: -E2BIG", EKF_K_STRCASESTR,
	  FILL('a', EKF_MAX_INPUT + 1, ""), S("A"), 0, -E2BIG },

	{ "glob: star matches", EKF_K_GLOB, S("*.txt"), S("notes.txt"), 0, 1 },
	{ "glob: star does not match", EKF_K_GLOB, S("*.txt"), S("notes.md"), 0, 0 },
	{ "glob: question mark", EKF_K_GLOB, S("a?c"), S("abc"), 0, 1 },
	{ "glob: question mark needs a byte", EKF_K_GLOB, S("a?c"), S("ac"), 0, 0 },
	{ "glob: range", EKF_K_GLOB, S("[a-c]x"), S("bx"), 0, 1 },
	{ "glob: negated range with !", EKF_K_GLOB, S("[!a-c]x"), S("bx"), 0, 0 },
	{ "glob: negated range with ^", EKF_K_GLOB, S("[^a-c]x"), S("dx"), 0, 1 },
	{ "glob: character class", EKF_K_GLOB, S("[[:digit:]]*"), S("7up"), 0, 1 },
	{ "glob: escaped star is literal", EKF_K_GLOB, S("\\*"), S("*"), 0, 1 },
	{ "glob: escaped star does not match others", EKF_K_GLOB, S("\\*"), S("a"), 0, 0 },
	{ "glob: several stars", EKF_K_GLOB, S("a*b*c"), S("aXXbYYc"), 0, 1 },
	{ "glob: empty pattern, empty string", EKF_K_GLOB, S(""), S(""), 0, 1 },
	{ "glob: empty pattern, non-empty string", EKF_K_GLOB, S(""), S("a"), 0, 0 },
	{ "glob: star matches the empty string", EKF_K_GLOB, S("*"), S(""), 0, 1 },
	{ "glob: pattern ends at its NUL", EKF_K_GLOB, S("abc\0zz"), S("abc"), 0, 1 },
	{ "glob: string ends at its NUL", EKF_K_GLOB, S("abc"), S("abc\0zz"), 0, 1 },
	{ "glob: star crosses / without PATHNAME", EKF_K_GLOB, S("*"), S("a/b"), 0, 1 },
	{ "glob: PATHNAME: star stops at /", EKF_K_GLOB, S("*"), S("a/b"), EKF_GLOB_PATHNAME, 0 },
	{ "glob: PATHNAME: literal / matches", EKF_K_GLOB, S("a/*"), S("a/b"), EKF_GLOB_PATHNAME, 1 },
	{ "glob: PATHNAME: ? does not match /", EKF_K_GLOB, S("a?b"), S("a/b"), EKF_GLOB_PATHNAME, 0 },
	{ "glob: PATHNAME: bracket does not match /", EKF_K_GLOB, S("a[/]b"), S("a/b"), EKF_GLOB_PATHNAME, 0 },
	{ "glob: PATHNAME: */*.c", EKF_K_GLOB, S("*/*.c"), S("src/main.c"), EKF_GLOB_PATHNAME, 1 },
	{ "glob: no exponential backtracking", EKF_K_GLOB, S("a*a*a*a*a*a*a*a*b"),
	  FILL('a', 200, ""), 0, 0 },
	{ "glob: unclosed bracket: -EINVAL", EKF_K_GLOB, S("[abc"), S("a"), 0, -EINVAL },
	{ "glob: trailing backslash: -EINVAL", EKF_K_GLOB, S("abc\\"), S("abc"), 0, -EINVAL },
	{ "glob: inverted range: -EINVAL", EKF_K_GLOB, S("[z-a]"), S("a"), 0, -EINVAL },
	{ "glob: unknown class: -EINVAL", EKF_K_GLOB, S("[[:foo:]]"), S("a"), 0, -EINVAL },
	{ "glob: unknown flags: -EINVAL", EKF_K_GLOB, S("*"), S("a"), 0x80, -EINVAL },
	{ "glob: pattern at the limit", EKF_K_GLOB,
	  FILL('a', EKF_MAX_PATTERN, ""), FILL('a', EKF_MAX_PATTERN, ""), 0, 1 },
	{ "glob: pattern over the limit: -E2BIG", EKF_K_GLOB,
	  FILL('a', EKF_MAX_PATTERN + 1, ""), S("a"), 0, -E2BIG },
	{ "glob: string size over the limit: -E2BIG", EKF_K_GLOB,
	  S("*"), FILL('a', EKF_MAX_INPUT + 1, ""), 0, -E2BIG },
};

#undef S
#undef FILL

#define EKF_NCASES (sizeof(ekf_cases) / sizeof(ekf_cases[0]))

/* Writes the bytes of in to buf (at least in->len bytes); returns in->len. */
static inline unsigned int ekf_input_fill(const struct ekf_input *in, char *buf)
{
	unsigned int i, tail;

	if (!in->fill) {
		for (i = 0; i < in->len; i++)
			buf[i] = in->s[i];
		return in->len;
	}
	for (tail = 0; in->s[tail]; tail++)
		;
	for (i = 0; i < in->len; i++)
		buf[i] = i >= in->len - tail ? in->s[i - (in->len - tail)] : in->fill;
	return in->len;
}

#endif /* EBPF_KFUNC_CASES_H */
