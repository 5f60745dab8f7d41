/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One JSON object a line, built in memory and written with one fwrite:
 * for the tracing tools' --json, which may print hundreds of thousands of
 * events a second (ekf_json streams to a FILE: fine for one object per
 * run). Both write strings with ekf_json_escape() below: byte strings,
 * '"' '\\' \n \t \r escaped, other bytes outside printable ASCII as
 * \u00XX, so the output is valid JSON whatever the input.
 */
#ifndef EKF_JLINE_H
#define EKF_JLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Room for the largest event: 4096 + 4608 bytes of strings, 6x escaped, and the rest. */
#define EKF_JLINE_MAX	(64 * 1024)
#define EKF_JLINE_DEPTH	4

/*
 * The JSON string escaper both writers use: escapes s[0..len) into out,
 * whole escapes only, until out's size bytes are used. Returns the bytes
 * of s consumed; *written gets the bytes put in out. No quotes added.
 */
size_t ekf_json_escape(char *out, size_t size, const char *s, size_t len, size_t *written);

struct ekf_jline {
	size_t n;
	int depth;
	bool full;			/* a value was cut: nothing more is added */
	bool comma[EKF_JLINE_DEPTH];
	char buf[EKF_JLINE_MAX];
};

void ekf_jl_begin(struct ekf_jline *l);				/* { */
void ekf_jl_end(struct ekf_jline *l, FILE *out);		/* }\n, written */
void ekf_jl_array_begin(struct ekf_jline *l, const char *key);
void ekf_jl_array_end(struct ekf_jline *l);
/* key: plain ASCII, written as is; NULL inside arrays */
void ekf_jl_bytes(struct ekf_jline *l, const char *key, const char *s, size_t len);
void ekf_jl_str(struct ekf_jline *l, const char *key, const char *s);	/* NULL: null */
void ekf_jl_int(struct ekf_jline *l, const char *key, long long v);
void ekf_jl_uint(struct ekf_jline *l, const char *key, unsigned long long v);
void ekf_jl_bool(struct ekf_jline *l, const char *key, bool v);
void ekf_jl_null(struct ekf_jline *l, const char *key);
/* a value already in JSON form (a number, a quoted string), copied as is */
void ekf_jl_raw(struct ekf_jline *l, const char *key, const char *json, size_t len);

#endif /* EKF_JLINE_H */
