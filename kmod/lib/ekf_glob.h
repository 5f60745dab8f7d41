/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shell-style glob matching, shared by the module and userspace.
 *
 * Pattern and string each end at their first NUL or at their size.
 * Supports '*', '?', '[a-z]', '[!...]' (and '[^...]'), '\' escape.
 * EKF_GLOB_PATHNAME: '*', '?' and bracket expressions do not match '/'.
 * Returns 1 on match, 0 on no match, -EINVAL for a malformed pattern or
 * unknown flags, -E2BIG for a pattern longer than EKF_MAX_PATTERN or a
 * string larger than EKF_MAX_INPUT. Cost is O(pattern x string), never
 * exponential.
 */
#ifndef EKF_GLOB_H
#define EKF_GLOB_H

#include "ekf_types.h"
#include "ekf_limits.h"

int ekf_glob_match(const char *pattern, u32 pattern_sz, const char *str, u32 str_sz, u32 flags);

#endif /* EKF_GLOB_H */
