// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ekf_jline.h"

/*
 * Bytes left for values, keeping room for what closes the line: a ']' per
 * open array, '}' and the newline. 0 once a value had to be cut: nothing
 * more is added then, so a cut line is still valid JSON.
 */
static size_t room(const struct ekf_jline *l)
{
	size_t keep = l->depth + 2;

	if (l->full || l->n + keep >= sizeof(l->buf))
		return 0;
	return sizeof(l->buf) - l->n - keep;
}

static void put(struct ekf_jline *l, const char *s, size_t len)
{
	if (len > room(l))
		return;
	memcpy(l->buf + l->n, s, len);
	l->n += len;
}

static void putc_(struct ekf_jline *l, char c)
{
	if (room(l))
		l->buf[l->n++] = c;
}

/* Printable ASCII but '"' and '\\': copied as is. */
static inline int plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

size_t ekf_json_escape(char *out, size_t size, const char *s, size_t len, size_t *written)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *stop;
	char *o = out, *oend = out + size;
	size_t n;

	while (p < end) {
		/* plain bytes (usually all of s), copied while scanning */
		n = end - p;
		if (n > (size_t)(oend - o))
			n = oend - o;
		for (stop = p + n; p < stop && plain(*p); )
			*o++ = *p++;
		if (p == stop)
			break;		/* all of s, or out is full */
		n = *p == '"' || *p == '\\' || *p == '\n' || *p == '\t' || *p == '\r' ? 2 : 6;
		if ((size_t)(oend - o) < n)
			break;
		*o++ = '\\';
		switch (*p) {
		case '"':  *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\t': *o++ = 't'; break;
		case '\r': *o++ = 'r'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
		p++;
	}
	*written = o - out;
	return p - (const unsigned char *)s;
}

/* The escaped form of s, quoted; cut (the line then full) if it does not fit. */
static void quoted(struct ekf_jline *l, const char *s, size_t len)
{
	size_t left, w = 0, n = 0;

	putc_(l, '"');
	left = room(l);
	/* keep a byte for the closing quote */
	if (left > 1)
		n = ekf_json_escape(l->buf + l->n, left - 1, s, len, &w);
	l->n += w;
	l->buf[l->n++] = '"';
	if (n < len)
		l->full = true;
}

/*
 * Comma and key before a value, if they and the shortest value (a number,
 * a bool, null, an opening quote or bracket) fit; else the line is full.
 * Keys are the tools' own plain ASCII names: copied, not escaped.
 */
static bool member(struct ekf_jline *l, const char *key)
{
	size_t klen = key ? strlen(key) : 0;
	char *o;

	if (room(l) < klen + 4 + 24) {
		l->full = true;
		return false;
	}
	o = l->buf + l->n;
	if (l->comma[l->depth])
		*o++ = ',';
	l->comma[l->depth] = true;
	if (key) {
		*o++ = '"';
		memcpy(o, key, klen);
		o += klen;
		*o++ = '"';
		*o++ = ':';
	}
	l->n = o - l->buf;
	return true;
}

void ekf_jl_begin(struct ekf_jline *l)
{
	l->n = 0;
	l->depth = 0;
	l->full = false;
	l->comma[0] = false;
	l->buf[l->n++] = '{';
}

void ekf_jl_end(struct ekf_jline *l, FILE *out)
{
	while (l->depth > 0) {
		l->buf[l->n++] = ']';
		l->depth--;
	}
	l->buf[l->n++] = '}';
	l->buf[l->n++] = '\n';
	fwrite_unlocked(l->buf, 1, l->n, out);
}

void ekf_jl_array_begin(struct ekf_jline *l, const char *key)
{
	if (!member(l, key) || l->depth >= EKF_JLINE_DEPTH - 1)
		return;
	l->buf[l->n++] = '[';
	l->depth++;
	l->comma[l->depth] = false;
}

void ekf_jl_array_end(struct ekf_jline *l)
{
	if (l->depth > 0) {
		l->buf[l->n++] = ']';	/* room() kept space for it */
		l->depth--;
	}
}

void ekf_jl_bytes(struct ekf_jline *l, const char *key, const char *s, size_t len)
{
	if (member(l, key))
		quoted(l, s, len);
}

void ekf_jl_str(struct ekf_jline *l, const char *key, const char *s)
{
	if (!s) {
		ekf_jl_null(l, key);
		return;
	}
	ekf_jl_bytes(l, key, s, strlen(s));
}

/* Digits of v, backwards into the end of tmp; returns the first. */
static char *digits(unsigned long long v, char *end)
{
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

void ekf_jl_uint(struct ekf_jline *l, const char *key, unsigned long long v)
{
	char tmp[24], *p = digits(v, tmp + sizeof(tmp));

	if (member(l, key))
		put(l, p, tmp + sizeof(tmp) - p);
}

void ekf_jl_int(struct ekf_jline *l, const char *key, long long v)
{
	char tmp[24], *p;

	p = digits(v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, tmp + sizeof(tmp));
	if (v < 0)
		*--p = '-';
	if (member(l, key))
		put(l, p, tmp + sizeof(tmp) - p);
}

void ekf_jl_bool(struct ekf_jline *l, const char *key, bool v)
{
	if (member(l, key))
		put(l, v ? "true" : "false", v ? 4 : 5);
}

void ekf_jl_null(struct ekf_jline *l, const char *key)
{
	if (member(l, key))
		put(l, "null", 4);
}

void ekf_jl_raw(struct ekf_jline *l, const char *key, const char *json, size_t len)
{
	if (member(l, key))
		put(l, json, len);
}
