// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ekf_json.h"
#include "ekf_jline.h"

void ekf_json_init(struct ekf_json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* A quoted JSON string, escaped by the same code as ekf_jline's. */
static void put_bytes(FILE *f, const char *s, size_t len)
{
	char buf[512];
	size_t n, w;

	fputc('"', f);
	while (len) {
		n = ekf_json_escape(buf, sizeof(buf), s, len, &w);
		fwrite(buf, 1, w, f);
		s += n;
		len -= n;
	}
	fputc('"', f);
}

/* Comma and key before a value. */
static void member(struct ekf_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
	if (key) {
		put_bytes(j->out, key, strlen(key));
		fputc(':', j->out);
	}
}

static void open_(struct ekf_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->out);
	if (j->depth < EKF_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct ekf_json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0) {
		fputc('\n', j->out);
		fflush(j->out);
	}
}

void ekf_json_object_begin(struct ekf_json *j, const char *key) { open_(j, key, '{'); }
void ekf_json_object_end(struct ekf_json *j) { close_(j, '}'); }
void ekf_json_array_begin(struct ekf_json *j, const char *key) { open_(j, key, '['); }
void ekf_json_array_end(struct ekf_json *j) { close_(j, ']'); }

void ekf_json_string(struct ekf_json *j, const char *key, const char *val)
{
	if (!val) {
		ekf_json_null(j, key);
		return;
	}
	ekf_json_bytes(j, key, val, strlen(val));
}

void ekf_json_bytes(struct ekf_json *j, const char *key, const void *val, size_t len)
{
	member(j, key);
	put_bytes(j->out, val, len);
}

void ekf_json_int(struct ekf_json *j, const char *key, long long val)
{
	member(j, key);
	fprintf(j->out, "%lld", val);
}

void ekf_json_uint(struct ekf_json *j, const char *key, unsigned long long val)
{
	member(j, key);
	fprintf(j->out, "%llu", val);
}

void ekf_json_bool(struct ekf_json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->out);
}

void ekf_json_null(struct ekf_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}
