/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line helpers shared by the ebpf-kfunc tools.
 *
 * Conventions (bcc libbpf-tools, xdp-tools): every argument is validated
 * before any state is touched; bad input prints a message naming the bad
 * value and exits 2 (EKF_EXIT_USAGE); a runtime failure prints the cause
 * and the fix and exits 1 (EKF_EXIT_FAIL).
 */
#ifndef EKF_CLI_H
#define EKF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EKF_EXIT_OK	0
#define EKF_EXIT_FAIL	1
#define EKF_EXIT_USAGE	2

/* Program name used in messages ("ebpf-kfunc"), set once by main(). */
extern const char *ekf_prog_name;

/*
 * Prints "PROG: MSG" and "Try 'PROG [CMD] --help' for more information."
 * to stderr and exits 2. cmd may be NULL.
 */
void ekf_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Prints "PROG: MSG" to stderr. */
void ekf_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Reports an option getopt_long() refused (it returned '?' or ':'), naming
 * it, and exits 2. Call with opterr = 0.
 */
void ekf_bad_option(const char *cmd, char **argv, int optopt_val, int ret)
	__attribute__((noreturn));

/* Whole-string unsigned parse (decimal, 0x hex, 0 octal); false if invalid. */
bool ekf_parse_u32(const char *s, uint32_t *out);

/*
 * Hex bytes: an even number of hex digits, optionally "0x"-prefixed, with
 * optional ':', '-', '_' or blank separators between bytes. On error returns
 * false and sets *why to a static description ("odd number of hex
 * digits", ...). *len gets the byte count; at most max bytes.
 */
bool ekf_parse_hex(const char *s, unsigned char *buf, size_t max, size_t *len,
		   const char **why);

/*
 * True if this process may load every BPF program type the tools use:
 * CAP_SYS_ADMIN, or CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN (5.8+).
 */
bool ekf_have_bpf_caps(void);

/* The message for !ekf_have_bpf_caps(), with the fix. */
#define EKF_NEED_ROOT_MSG \
	"needs root (CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN, or CAP_SYS_ADMIN) to load BPF programs"

#endif /* EKF_CLI_H */
