/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types and error numbers for the search and glob code, which is compiled
 * both into the kernel module and into userspace tests, fuzzers and tools.
 */
#ifndef EKF_TYPES_H
#define EKF_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#else
#include <stdint.h>
#include <stddef.h>
#include <errno.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef int32_t s32;
#endif

#endif /* EKF_TYPES_H */
