// SPDX-License-Identifier: GPL-2.0
/*
 * Messages: the last failure's detail, and what goes to stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "ekf_btf.h"

int ekf_verbose;

static char why[512];

/* Record why ERR happened; returns ERR for "return ekf_fail(...)". */
int ekf_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err;
}

const char *ekf_why(int err)
{
	if (why[0])
		return why;
	return strerror(err < 0 ? -err : err);
}

void ekf_clear_why(void)
{
	why[0] = '\0';
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, EKF_PROG ": %s", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ekf_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void ekf_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void ekf_info(const char *fmt, ...)
{
	va_list ap;

	if (ekf_verbose < 1)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void ekf_debug(const char *fmt, ...)
{
	va_list ap;

	if (ekf_verbose < 2)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/*
 * libbpf's own messages: our errors say what failed and why, so its
 * warnings only with -v, everything with -vv.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (ekf_verbose >= 2 || (level == LIBBPF_WARN && ekf_verbose >= 1))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

void ekf_libbpf_setup(void)
{
	libbpf_set_print(libbpf_print);
}
