// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-opensnoop without the kfuncs and the tp_btf programs: the object the tool
 * loads when nothing is matched in the kernel (no kernel BTF to read; see
 * ekf_trace.bpf.h).
 */
#define EKF_TRACE_PLAIN
#include "ebpf_opensnoop.bpf.c"
