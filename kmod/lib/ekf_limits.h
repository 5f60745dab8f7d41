/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Limits and flags of the ebpf-kfunc kfuncs. Shared by the module, the BPF
 * programs and the userspace tools, so it holds only plain #defines.
 */
#ifndef EKF_LIMITS_H
#define EKF_LIMITS_H

/* Any haystack, needle, pattern or string larger than this: -E2BIG. */
#define EKF_MAX_INPUT		(64u * 1024u)
/* Glob patterns longer than this: -E2BIG (bounds the O(pattern x string) cost). */
#define EKF_MAX_PATTERN		256u

/* ekf_glob() flags */
#define EKF_GLOB_PATHNAME	(1u << 0)	/* '*' and '?' do not match '/' (FNM_PATHNAME) */
#define EKF_GLOB_FLAGS_ALL	(EKF_GLOB_PATHNAME)

#endif /* EKF_LIMITS_H */
