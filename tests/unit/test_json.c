// SPDX-License-Identifier: GPL-2.0
/*
 * The two JSON writers (tools/lib/ekf_json.c, streaming; ekf_jline.c, one
 * line in memory) share one escaper: every byte value, a key, a string cut
 * by a full output buffer, and a full line must come out the same and valid.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/check.h"
#include "../../tools/lib/ekf_json.h"
#include "../../tools/lib/ekf_jline.h"

/* What a byte must become: the rules written out once more, by hand. */
static size_t expect(unsigned char c, char *out)
{
	switch (c) {
	case '"':  return (size_t)sprintf(out, "\\\"");
	case '\\': return (size_t)sprintf(out, "\\\\");
	case '\n': return (size_t)sprintf(out, "\\n");
	case '\t': return (size_t)sprintf(out, "\\t");
	case '\r': return (size_t)sprintf(out, "\\r");
	}
	if (c < 0x20 || c >= 0x7f)
		return (size_t)sprintf(out, "\\u%04x", c);
	out[0] = c;
	out[1] = '\0';
	return 1;
}

static void every_byte(void)
{
	char in[256], want[256 * 6 + 3], *w = want, *got;
	struct ekf_jline *l = malloc(sizeof(*l));
	struct ekf_json j;
	size_t len;
	FILE *f;
	int c;

	for (c = 0; c < 256; c++)
		in[c] = (char)c;
	*w++ = '"';
	for (c = 0; c < 256; c++)
		w += expect((unsigned char)c, w);
	*w++ = '"';
	*w = '\0';

	f = open_memstream(&got, &len);
	ekf_json_init(&j, f);
	ekf_json_bytes(&j, NULL, in, sizeof(in));
	fclose(f);
	if (strcmp(got, want))
		check_fail("json-every-byte", "ekf_json wrote %s", got);
	else
		check_pass("json-every-byte");
	free(got);

	ekf_jl_begin(l);
	ekf_jl_bytes(l, "k", in, sizeof(in));
	l->buf[l->n] = '\0';
	if (strncmp(l->buf, "{\"k\":", 5) || strcmp(l->buf + 5, want))
		check_fail("jline-every-byte", "ekf_jline wrote %s", l->buf);
	else
		check_pass("jline-every-byte");
	free(l);
}

/* The escaper alone: whole escapes only when the output is short. */
static void cut(void)
{
	char out[8];
	size_t n, w;

	n = ekf_json_escape(out, 7, "abcd\x01z", 6, &w);
	if (n != 4 || w != 4 || memcmp(out, "abcd", 4))
		check_fail("escape-cut-before-escape", "consumed %zu wrote %zu", n, w);
	else
		check_pass("escape-cut-before-escape");
	n = ekf_json_escape(out, 8, "a\"b", 3, &w);
	if (n != 3 || w != 4 || memcmp(out, "a\\\"b", 4))
		check_fail("escape-short", "consumed %zu wrote %zu", n, w);
	else
		check_pass("escape-short");
	n = ekf_json_escape(out, 3, "abcdef", 6, &w);
	if (n != 3 || w != 3)
		check_fail("escape-cut-plain", "consumed %zu wrote %zu", n, w);
	else
		check_pass("escape-cut-plain");
}

/* A line fuller than the buffer: cut, still one valid line ending in "}\n". */
static void full_line(void)
{
	struct ekf_jline *l = malloc(sizeof(*l));
	size_t big = EKF_JLINE_MAX, i, n, quotes = 0;
	char *s = malloc(big), *got;
	FILE *f;

	memset(s, 0x01, big);
	ekf_jl_begin(l);
	ekf_jl_array_begin(l, "a");
	ekf_jl_bytes(l, NULL, s, big);
	ekf_jl_array_end(l);
	ekf_jl_bytes(l, "after", "x", 1);
	f = open_memstream(&got, &n);
	ekf_jl_end(l, f);
	fclose(f);
	for (i = 0; i < n; i++)
		quotes += got[i] == '"';
	if (n > EKF_JLINE_MAX || n < 5 || quotes % 2 || strcmp(got + n - 5, "1\"]}\n") ||
	    strstr(got, "after"))
		check_fail("jline-full-line", "bad end: ...%s", got + (n > 40 ? n - 40 : 0));
	else
		check_pass("jline-full-line");
	free(got);
	free(s);
	free(l);
}

int main(void)
{
	every_byte();
	cut();
	full_line();
	return check_exit();
}
