/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libbpf output: silent unless -v, and the last warnings kept so that an
 * error message can quote libbpf's own cause. libbpf 1.1 blames
 * RLIMIT_MEMLOCK ("try raising 'ulimit -l'") for any EPERM; those hints
 * are dropped because they are wrong on memcg-accounting kernels (5.11+).
 */
#ifndef EKF_LOG_H
#define EKF_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Installs the libbpf print callback; verbose: copy libbpf DEBUG+ to stderr. */
void ekf_log_setup(bool verbose);
bool ekf_log_verbose(void);

/* Forget the kept warnings (call before an operation whose failure you report). */
void ekf_log_clear(void);

/*
 * The most recent libbpf warning (one line, "libbpf: " prefix and trailing
 * newline removed), or NULL. Useful lines only: the generic
 * "failed to load object" summary is skipped in favour of its cause.
 */
const char *ekf_log_last_warning(void);

/* The most recent kept warning containing needle, or NULL. */
const char *ekf_log_find(const char *needle);

/*
 * From a verifier log, the line that says why: the last non-empty line
 * that is not a "processed N insns" statistic. Copies into buf.
 */
const char *ekf_verifier_reason(const char *log, char *buf, size_t size);

#endif /* EKF_LOG_H */
