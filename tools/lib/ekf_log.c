// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ekf_log.h"

#define KEEP 8
#define LINE 512

static bool verbose;
static char kept[KEEP][LINE];
static int nkept;

static bool misleading(const char *line)
{
	return strstr(line, "ulimit -l") || strstr(line, "RLIMIT_MEMLOCK");
}

/* Summaries that only repeat what an earlier line said. */
static bool summary(const char *line)
{
	return strstr(line, "failed to load object") ||
	       strstr(line, "failed to load: -") ||
	       strstr(line, "failed to load BPF skeleton") ||
	       strncmp(line, "-- BEGIN", 8) == 0 || strncmp(line, "-- END", 6) == 0;
}

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[LINE];
	char *line = buf;
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (misleading(buf))
		return 0;
	if (verbose)
		fputs(buf, stderr);
	if (level != LIBBPF_WARN)
		return 0;
	if (strncmp(line, "libbpf: ", 8) == 0)
		line += 8;
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
		line[--n] = '\0';
	if (!n || summary(line))
		return 0;
	if (nkept == KEEP) {
		memmove(kept[0], kept[1], sizeof(kept[0]) * (KEEP - 1));
		nkept--;
	}
	snprintf(kept[nkept++], LINE, "%s", line);
	return 0;
}

void ekf_log_setup(bool v)
{
	verbose = v;
	libbpf_set_print(print_fn);
}

bool ekf_log_verbose(void)
{
	return verbose;
}

void ekf_log_clear(void)
{
	nkept = 0;
}

const char *ekf_log_last_warning(void)
{
	return nkept ? kept[nkept - 1] : NULL;
}

const char *ekf_log_find(const char *needle)
{
	int i;

	for (i = nkept - 1; i >= 0; i--)
		if (strstr(kept[i], needle))
			return kept[i];
	return NULL;
}

const char *ekf_verifier_reason(const char *log, char *buf, size_t size)
{
	const char *p = log, *best = NULL, *eol;
	size_t best_len = 0;

	buf[0] = '\0';
	if (!log)
		return buf;
	while (*p) {
		eol = strchrnul(p, '\n');
		if (eol > p && strncmp(p, "processed ", 10) != 0 &&
		    strncmp(p, "verification time", 17) != 0 &&
		    strncmp(p, "stack depth", 11) != 0) {
			best = p;
			best_len = eol - p;
		}
		p = *eol ? eol + 1 : eol;
	}
	if (best)
		snprintf(buf, size, "%.*s", (int)best_len, best);
	return buf;
}
