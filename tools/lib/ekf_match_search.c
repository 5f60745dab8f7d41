// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/lib/ekf_search.c for userspace: the very source file the module
 * builds, not a copy (see ekf_match.h). One file per translation unit:
 * they share static helper names.
 */
#include "../../kmod/lib/ekf_search.c"
