/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded-cost substring search, shared by the module and userspace.
 *
 * All functions return the index of the first match, -1 when there is none,
 * 0 for an empty needle, and -E2BIG when any input is larger than
 * EKF_MAX_INPUT. Cost is linear in the haystack in the worst case and they
 * use constant space (Two-Way string matching), because they run inside BPF
 * programs with preemption disabled.
 */
#ifndef EKF_SEARCH_H
#define EKF_SEARCH_H

#include "ekf_types.h"
#include "ekf_limits.h"

/* Byte search: both inputs are exactly their sizes, NULs included. */
int ekf_search_memmem(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz);

/* C-string search: each input ends at its first NUL or at its size. */
int ekf_search_strstr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz);

/* As ekf_search_strstr(), ASCII case-insensitive. */
int ekf_search_strcasestr(const char *hay, u32 hay_sz, const char *needle, u32 needle_sz);

#endif /* EKF_SEARCH_H */
