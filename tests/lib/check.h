/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result lines for C tests, the same format as tests/lib/result.sh:
 * "PASS name", "FAIL name: why", "SKIP name: why".
 */
#ifndef EKF_TEST_CHECK_H
#define EKF_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int check_failures;

static inline void check_pass(const char *name)
{
	printf("PASS %s\n", name);
}

static inline void __attribute__((format(printf, 2, 3)))
check_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	check_failures++;
}

static inline void check_skip(const char *name, const char *why)
{
	printf("SKIP %s: %s\n", name, why);
}

/* Exit status for main(): 1 if any check failed. */
static inline int check_exit(void)
{
	fflush(stdout);
	return check_failures ? 1 : 0;
}

#endif /* EKF_TEST_CHECK_H */
