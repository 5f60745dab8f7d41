// SPDX-License-Identifier: GPL-2.0
/*
 * Shell-style glob matching, shared by the kernel module and the userspace
 * tests and fuzzers (one source, built both ways).
 *
 * Semantics are those of glibc fnmatch(3) in the C locale with flags 0 or
 * FNM_PATHNAME (EKF_GLOB_PATHNAME), except where fnmatch silently guesses
 * at a pattern that is almost certainly a mistake; we reject those instead,
 * so a BPF program learns about its bad pattern rather than matching
 * something else than it meant.
 *
 * Syntax:
 *   *            any run of bytes (not '/' with EKF_GLOB_PATHNAME)
 *   ?            any one byte (not '/' with EKF_GLOB_PATHNAME)
 *   \c           the byte c, for any c, also inside brackets
 *   [...]        one byte from the set; "[!...]" and "[^...]" negate it; a ']'
 *                first in the set (after any '!' or '^') is literal; "x-y" is
 *                the inclusive range of byte values x..y (x and y may be
 *                escaped); a '-' that cannot end a range (first, last, or
 *                right after a range or a class) is literal unless it starts
 *                one itself ("[a-c--/]"), as in fnmatch
 *   [:name:]     inside a bracket: one of the 12 POSIX classes alnum alpha
 *                blank cntrl digit graph lower print punct space upper xdigit,
 *                with their C-locale (ASCII only) meaning
 *   anything else matches itself ('/' included; ']' outside a bracket too).
 * With EKF_GLOB_PATHNAME, a '/' in the string is matched only by a literal
 * '/' (or "\/") in the pattern, never by '*', '?' or a bracket expression,
 * negated or not; there is no special rule for a leading '.'.
 *
 * Errors (the whole pattern is checked before matching, so the result never
 * depends on the string):
 *   -E2BIG   str_sz or pattern_sz (the size arguments) above EKF_MAX_INPUT,
 *            or the pattern's effective length (up to its first NUL) above
 *            EKF_MAX_PATTERN. The string's size argument is what is checked,
 *            not its length, like the search kfuncs: the module passes the
 *            BPF buffer size. -E2BIG takes precedence over -EINVAL.
 *   -EINVAL  unknown flag bits, or a malformed pattern:
 *            - a trailing unescaped '\' (fnmatch: never matches);
 *            - a '[' without its closing ']' (fnmatch: a literal '[');
 *            - an inverted range such as "[z-a]" (fnmatch: matches nothing);
 *            - inside a bracket, "[:" not followed by a known class name and
 *              ":]", a class used as the end of a range, and the unsupported
 *              collating symbols "[." and equivalence classes "[=" (fnmatch
 *              reads "[[:]" as the set of '[' and ':'; write "[\[:]").
 *
 * Known difference with glibc: glibc does not match an escaped slash "\/"
 * right after a '*' with FNM_PATHNAME ("a*\/b" vs "ax/b"); here "\/" is a
 * literal '/' everywhere.
 *
 * Cost: the single-backtrack-point star algorithm, O(pattern x string) and
 * no recursion: when a match fails after a '*', only the last '*' needs to
 * absorb one more byte, because any match an earlier '*' could give the
 * later one can give too. With EKF_GLOB_PATHNAME a '*' cannot cross a '/',
 * so when a literal '/' matches, the string position of that '/' is forced
 * and no earlier choice can change what follows: the backtrack point is
 * dropped there, and a '*' that would have to absorb a '/' fails outright.
 *
 * EKF_STEP_COUNT: the cost test builds this file with -DEKF_STEP_COUNT and
 * counts every pattern-element test in ekf_steps; a no-op in the module.
 */
#include "ekf_glob.h"

#include "ekf_steps.h"

/* No character can compare equal to this: used to only validate a bracket. */
#define EKF_NO_CHAR	(-1)

enum ekf_class {
	EKF_ALNUM, EKF_ALPHA, EKF_BLANK, EKF_CNTRL, EKF_DIGIT, EKF_GRAPH,
	EKF_LOWER, EKF_PRINT, EKF_PUNCT, EKF_SPACE, EKF_UPPER, EKF_XDIGIT,
	EKF_NR_CLASSES,
};

static const char * const ekf_class_names[EKF_NR_CLASSES] = {
	"alnum", "alpha", "blank", "cntrl", "digit", "graph",
	"lower", "print", "punct", "space", "upper", "xdigit",
};

static inline u32 ekf_strnlen(const char *s, u32 max)
{
	u32 n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static inline int ekf_in(int c, int lo, int hi)
{
	return c >= lo && c <= hi;
}

/* The C locale's <ctype.h> classes: bytes above 0x7f are in none of them. */
static int ekf_class_has(int cls, int c)
{
	int lower = ekf_in(c, 'a', 'z'), upper = ekf_in(c, 'A', 'Z');
	int digit = ekf_in(c, '0', '9'), graph = ekf_in(c, 0x21, 0x7e);

	switch (cls) {
	case EKF_ALNUM:
		return lower || upper || digit;
	case EKF_ALPHA:
		return lower || upper;
	case EKF_BLANK:
		return c == ' ' || c == '\t';
	case EKF_CNTRL:
		return ekf_in(c, 0, 0x1f) || c == 0x7f;
	case EKF_DIGIT:
		return digit;
	case EKF_GRAPH:
		return graph;
	case EKF_LOWER:
		return lower;
	case EKF_PRINT:
		return graph || c == ' ';
	case EKF_PUNCT:
		return graph && !lower && !upper && !digit;
	case EKF_SPACE:
		return c == ' ' || ekf_in(c, '\t', '\r');
	case EKF_UPPER:
		return upper;
	case EKF_XDIGIT:
		return digit || ekf_in(c, 'a', 'f') || ekf_in(c, 'A', 'F');
	}
	return 0;
}

/*
 * "[:name:]" at pat[i] ("[:" already seen): returns the class and moves *pi
 * past the ":]", or -EINVAL.
 */
static int ekf_parse_class(const u8 *pat, u32 plen, u32 *pi)
{
	u32 start = *pi + 2, end = start, k;
	int cls;

	while (end < plen && ekf_in(pat[end], 'a', 'z'))
		end++;
	if (end + 1 >= plen || pat[end] != ':' || pat[end + 1] != ']')
		return -EINVAL;
	for (cls = 0; cls < EKF_NR_CLASSES; cls++) {
		const char *name = ekf_class_names[cls];

		k = 0;
		while (start + k < end && name[k] == pat[start + k])
			k++;
		if (start + k == end && !name[k]) {
			*pi = end + 2;
			return cls;
		}
	}
	return -EINVAL;
}

/* "[:", "[." or "[=" at pat[i]: a class or an unsupported bracket form. */
static inline int ekf_bracket_special(const u8 *pat, u32 plen, u32 i)
{
	return pat[i] == '[' && i + 1 < plen &&
	       (pat[i + 1] == ':' || pat[i + 1] == '.' || pat[i + 1] == '=');
}

/* One possibly escaped byte of a bracket at pat[*pi]; -EINVAL for a trailing '\'. */
static inline int ekf_bracket_char(const u8 *pat, u32 plen, u32 *pi)
{
	u32 i = *pi;

	if (pat[i] == '\\') {
		if (++i >= plen)
			return -EINVAL;
	}
	*pi = i + 1;
	return pat[i];
}

/*
 * The bracket expression whose '[' is at pat[*pi - 1]: returns 1 if c (a
 * byte, or EKF_NO_CHAR to only check the syntax) is in it, 0 if not, or
 * -EINVAL; moves *pi past the closing ']'. Linear in the bracket's length.
 */
static int ekf_bracket(const u8 *pat, u32 plen, u32 *pi, int c)
{
	u32 i = *pi;
	int neg = 0, hit = 0, first = 1;
	int lo, hi;

	if (i < plen && (pat[i] == '!' || pat[i] == '^')) {
		neg = 1;
		i++;
	}
	for (;; first = 0) {
		EKF_STEP();
		if (i >= plen)
			return -EINVAL;
		if (pat[i] == ']' && !first)
			break;
		if (ekf_bracket_special(pat, plen, i)) {
			if (pat[i + 1] != ':')
				return -EINVAL;
			lo = ekf_parse_class(pat, plen, &i);
			if (lo < 0)
				return lo;
			if (c != EKF_NO_CHAR && ekf_class_has(lo, c))
				hit = 1;
			continue;
		}
		lo = ekf_bracket_char(pat, plen, &i);
		if (lo < 0)
			return lo;
		/* "x-]": the '-' is the set's last byte, not a range. */
		if (i + 1 < plen && pat[i] == '-' && pat[i + 1] != ']') {
			i++;
			if (ekf_bracket_special(pat, plen, i))
				return -EINVAL;
			hi = ekf_bracket_char(pat, plen, &i);
			if (hi < 0)
				return hi;
			if (lo > hi)
				return -EINVAL;
			if (c >= lo && c <= hi)
				hit = 1;
		} else if (c == lo) {
			hit = 1;
		}
	}
	*pi = i + 1;
	return hit != neg;
}

/* Checks the whole pattern once, so errors never depend on the string. */
static int ekf_glob_check(const u8 *pat, u32 plen)
{
	u32 i = 0;
	int ret;

	while (i < plen) {
		switch (pat[i++]) {
		case '\\':
			if (i >= plen)
				return -EINVAL;
			i++;
			break;
		case '[':
			ret = ekf_bracket(pat, plen, &i, EKF_NO_CHAR);
			if (ret < 0)
				return ret;
			break;
		}
	}
	return 0;
}

/*
 * Does the single-byte element at pat[*pi] (not '*') match c? Moves *pi past
 * it. The pattern is already checked, so this cannot fail.
 */
static int ekf_glob_one(const u8 *pat, u32 plen, u32 *pi, u8 c, int pathname)
{
	u32 i = *pi;
	int ret;

	EKF_STEP();
	switch (pat[i]) {
	case '?':
		*pi = i + 1;
		return !(pathname && c == '/');
	case '[':
		*pi = i + 1;
		ret = ekf_bracket(pat, plen, pi, c);
		return ret > 0 && !(pathname && c == '/');
	case '\\':
		i++;
		break;
	}
	*pi = i + 1;
	return pat[i] == c;
}

static int ekf_glob_run(const u8 *pat, u32 plen, const u8 *str, u32 slen, int pathname)
{
	u32 p = 0, s = 0, star_p = 0, star_s = 0, q;
	int star = 0;

	while (s < slen) {
		if (p < plen && pat[p] == '*') {
			while (p < plen && pat[p] == '*')
				p++;
			star = 1;
			star_p = p;
			star_s = s;
			continue;
		}
		q = p;
		if (p < plen && ekf_glob_one(pat, plen, &q, str[s], pathname)) {
			/*
			 * With pathname only a literal '/' matches a '/', and
			 * its place in the string is forced: see the top.
			 */
			if (pathname && str[s] == '/')
				star = 0;
			p = q;
			s++;
			continue;
		}
		/* Let the last '*' absorb one more byte, if it may. */
		if (!star || (pathname && str[star_s] == '/'))
			return 0;
		p = star_p;
		s = ++star_s;
	}
	while (p < plen && pat[p] == '*')
		p++;
	return p == plen;
}

int ekf_glob_match(const char *pattern, u32 pattern_sz, const char *str, u32 str_sz, u32 flags)
{
	u32 plen;
	int ret;

	if (pattern_sz > EKF_MAX_INPUT || str_sz > EKF_MAX_INPUT)
		return -E2BIG;
	/* Reads at most EKF_MAX_PATTERN + 1 bytes of a larger buffer. */
	plen = ekf_strnlen(pattern, pattern_sz < EKF_MAX_PATTERN + 1 ?
				    pattern_sz : EKF_MAX_PATTERN + 1);
	if (plen > EKF_MAX_PATTERN)
		return -E2BIG;
	if (flags & ~EKF_GLOB_FLAGS_ALL)
		return -EINVAL;
	ret = ekf_glob_check((const u8 *)pattern, plen);
	if (ret < 0)
		return ret;
	return ekf_glob_run((const u8 *)pattern, plen, (const u8 *)str,
			    ekf_strnlen(str, str_sz), !!(flags & EKF_GLOB_PATHNAME));
}
