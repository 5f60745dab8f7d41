/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's own glob and substring search (kmod/lib), compiled into
 * the tools, so that a filter run in userspace (the module not loaded)
 * gives exactly the results the kfuncs give in the kernel.
 */
#ifndef EKF_MATCH_H
#define EKF_MATCH_H

#include "../../kmod/lib/ekf_glob.h"
#include "../../kmod/lib/ekf_search.h"

#endif /* EKF_MATCH_H */
