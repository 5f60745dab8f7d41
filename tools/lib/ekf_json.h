/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal streaming JSON writer for --json output: one object per run,
 * on one line. Keys are plain ASCII. Strings are byte strings: '"', '\\'
 * and bytes outside printable ASCII are written as \" \\ \n \t or \u00XX,
 * so any input round-trips as Latin-1 and the output is valid JSON.
 */
#ifndef EKF_JSON_H
#define EKF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EKF_JSON_MAX_DEPTH 16

struct ekf_json {
	FILE *out;
	int depth;
	bool need_comma[EKF_JSON_MAX_DEPTH];
};

void ekf_json_init(struct ekf_json *j, FILE *out);
/* key is NULL inside arrays and for the top-level value. */
void ekf_json_object_begin(struct ekf_json *j, const char *key);
void ekf_json_object_end(struct ekf_json *j);	/* the last one ends the line */
void ekf_json_array_begin(struct ekf_json *j, const char *key);
void ekf_json_array_end(struct ekf_json *j);
void ekf_json_string(struct ekf_json *j, const char *key, const char *val); /* NULL: null */
void ekf_json_bytes(struct ekf_json *j, const char *key, const void *val, size_t len);
void ekf_json_int(struct ekf_json *j, const char *key, long long val);
void ekf_json_uint(struct ekf_json *j, const char *key, unsigned long long val);
void ekf_json_bool(struct ekf_json *j, const char *key, bool val);
void ekf_json_null(struct ekf_json *j, const char *key);

#endif /* EKF_JSON_H */
