// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ekf_jline.h"

/* Bytes left, keeping room for the closing brackets and the newline. */
static size_t room(const struct ekf_jline *l)
{
	return sizeof(l->buf) - l->n - (EKF_JLINE_DEPTH + 2);
}

static void put(struct ekf_jline *l, const char *s, size_t len)
{
	if (len > room(l))
		len = room(l);
	memcpy(l->buf + l->n, s, len);
	l->n += len;
}

static void putc_(struct ekf_jline *l, char c)
{
	if (room(l))
		l->buf[l->n++] = c;
}

/* The escaped form of s, quoted; cut (still valid JSON) if the line is full. */
static void quoted(struct ekf_jline *l, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	char *o;

	putc_(l, '"');
	o = l->buf + l->n;
	for (; p < end && (size_t)(o - l->buf) + 8 < sizeof(l->buf) - EKF_JLINE_DEPTH - 2; p++) {
		unsigned char c = *p;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			*o++ = c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"':  *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\t': *o++ = 't'; break;
		case '\r': *o++ = 'r'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	l->n = o - l->buf;
	putc_(l, '"');
}

static void member(struct ekf_jline *l, const char *key)
{
	if (l->comma[l->depth])
		putc_(l, ',');
	l->comma[l->depth] = true;
	if (key) {
		quoted(l, key, strlen(key));
		putc_(l, ':');
	}
}

void ekf_jl_begin(struct ekf_jline *l)
{
	l->n = 0;
	l->depth = 0;
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
	member(l, key);
	putc_(l, '[');
	if (l->depth < EKF_JLINE_DEPTH - 1)
		l->depth++;
	l->comma[l->depth] = false;
}

void ekf_jl_array_end(struct ekf_jline *l)
{
	l->buf[l->n++] = ']';	/* room() always keeps space for it */
	if (l->depth > 0)
		l->depth--;
}

void ekf_jl_bytes(struct ekf_jline *l, const char *key, const char *s, size_t len)
{
	member(l, key);
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

	member(l, key);
	put(l, p, tmp + sizeof(tmp) - p);
}

void ekf_jl_int(struct ekf_jline *l, const char *key, long long v)
{
	char tmp[24], *p;

	p = digits(v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, tmp + sizeof(tmp));
	if (v < 0)
		*--p = '-';
	member(l, key);
	put(l, p, tmp + sizeof(tmp) - p);
}

void ekf_jl_bool(struct ekf_jline *l, const char *key, bool v)
{
	member(l, key);
	put(l, v ? "true" : "false", v ? 4 : 5);
}

void ekf_jl_null(struct ekf_jline *l, const char *key)
{
	member(l, key);
	put(l, "null", 4);
}

void ekf_jl_raw(struct ekf_jline *l, const char *key, const char *json, size_t len)
{
	member(l, key);
	put(l, json, len);
}
