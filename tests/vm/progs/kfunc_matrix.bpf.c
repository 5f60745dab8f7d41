// SPDX-License-Identifier: GPL-2.0
/*
 * One program per program type, each calling every kfunc of ebpf_kfunc on
 * the known inputs of kfunc_cases.h and storing the answers in results[].
 * The loader loads one program at a time (the others have autoload off), so
 * a type the kernel refuses does not keep the others from being tested.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "ekf_kfuncs.bpf.h"
#include "kfunc_cases.h"

#define NR_getpid_x86_64	39

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader after load, before attaching. */
int target_tgid;
/* How many times a program ran all the cases for target_tgid. */
int ran;
int results[EKF_NCASES];

/* Inputs: .data and .bss are map values, which kfunc memory arguments accept. */
char hello[] = "Hello, world!";
char hello_upper[] = "Hello, WORLD!";
char hello_tail[] = "Hello, world!\0garbage wor world";
char ab_nul_cd[] = "ab\0cd";
char n_wor[] = "wor";
char n_word[] = "word";
char n_ld[] = "ld!";
char n_cd[] = "cd";
char n_world[] = "world";
char n_World[] = "World";
char n_wor_nul[] = "wor\0zz";
char n_xyz[] = "xyz";
char n_hello_mixed[] = "hELLO";
char n_x[] = "x";
char g_star_txt[] = "*.txt";
char g_tmp_star[] = "/tmp/*";
char g_class[] = "f[a-c]?[!x]";
char g_unclosed[] = "[abc";
char g_star[] = "*";
char s_a_txt[] = "/tmp/a.txt";
char s_a_tx[] = "/tmp/a.tx";
char s_a_b[] = "/tmp/a/b";
char s_fbzy[] = "fbzy";
char s_a[] = "a";
char pkt_magic[] = EKF_PKT_MAGIC;
char big[EKF_BIG_SZ];

#define SZ(s)	(sizeof(s) - 1)		/* without the terminating NUL */

static __always_inline void run_cases(void)
{
	results[EKF_C_MEMMEM_FOUND] = ekf_memmem(hello, SZ(hello), n_wor, SZ(n_wor));
	results[EKF_C_MEMMEM_ABSENT] = ekf_memmem(hello, SZ(hello), n_word, SZ(n_word));
	results[EKF_C_MEMMEM_EMPTY] = ekf_memmem(hello, SZ(hello), n_wor, 0);
	results[EKF_C_MEMMEM_PAST_NUL] = ekf_memmem(ab_nul_cd, SZ(ab_nul_cd), n_cd, SZ(n_cd));
	results[EKF_C_MEMMEM_AT_END] = ekf_memmem(hello, SZ(hello), n_ld, SZ(n_ld));
	results[EKF_C_MEMMEM_E2BIG] = ekf_memmem(big, sizeof(big), n_x, SZ(n_x));

	results[EKF_C_STRSTR_FOUND] = ekf_strstr(hello_tail, sizeof(hello_tail), n_world, SZ(n_world));
	results[EKF_C_STRSTR_STOPS_AT_NUL] = ekf_strstr(ab_nul_cd, SZ(ab_nul_cd), n_cd, SZ(n_cd));
	results[EKF_C_STRSTR_NEEDLE_NUL] = ekf_strstr(hello, SZ(hello), n_wor_nul, SZ(n_wor_nul));
	results[EKF_C_STRSTR_ABSENT] = ekf_strstr(hello, SZ(hello), n_World, SZ(n_World));
	results[EKF_C_STRSTR_E2BIG] = ekf_strstr(big, sizeof(big), n_x, SZ(n_x));

	results[EKF_C_STRCASESTR_FOUND] = ekf_strcasestr(hello_upper, SZ(hello_upper), n_world, SZ(n_world));
	results[EKF_C_STRCASESTR_ABSENT] = ekf_strcasestr(hello, SZ(hello), n_xyz, SZ(n_xyz));
	results[EKF_C_STRCASESTR_MIXED] = ekf_strcasestr(hello, SZ(hello), n_hello_mixed, SZ(n_hello_mixed));

	results[EKF_C_GLOB_MATCH] = ekf_glob(g_star_txt, SZ(g_star_txt), s_a_txt, SZ(s_a_txt), 0);
	results[EKF_C_GLOB_NOMATCH] = ekf_glob(g_star_txt, SZ(g_star_txt), s_a_tx, SZ(s_a_tx), 0);
	results[EKF_C_GLOB_PATHNAME] = ekf_glob(g_tmp_star, SZ(g_tmp_star), s_a_b, SZ(s_a_b), EKF_GLOB_PATHNAME);
	results[EKF_C_GLOB_NOPATHNAME] = ekf_glob(g_tmp_star, SZ(g_tmp_star), s_a_b, SZ(s_a_b), 0);
	results[EKF_C_GLOB_CLASS] = ekf_glob(g_class, SZ(g_class), s_fbzy, SZ(s_fbzy), 0);
	results[EKF_C_GLOB_UNCLOSED] = ekf_glob(g_unclosed, SZ(g_unclosed), s_a, SZ(s_a), 0);
	results[EKF_C_GLOB_BADFLAGS] = ekf_glob(g_star, SZ(g_star), s_a, SZ(s_a), 0x80);
	ran++;
}

static __always_inline int mine(void)
{
	return (int)(bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/* The packet programs also search the packet itself (a packet pointer argument). */
static __always_inline void search_packet(void *data, void *data_end)
{
	if (data + EKF_PKT_SCAN > data_end)
		return;
	results[EKF_C_PACKET] = ekf_memmem(data, EKF_PKT_SCAN, pkt_magic, SZ(pkt_magic));
}

SEC("syscall")
int prog_syscall(void *ctx)
{
	run_cases();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int prog_tracepoint(void *ctx)
{
	if (mine())
		run_cases();
	return 0;
}

/* raw_tp/sys_enter: args[0] is struct pt_regs *, args[1] the syscall number. */
SEC("raw_tp/sys_enter")
int prog_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	if (mine() && ctx->args[1] == NR_getpid_x86_64)
		run_cases();
	return 0;
}

SEC("tp_btf/sys_enter")
int prog_tp_btf(__u64 *ctx)
{
	if (mine() && ctx[1] == NR_getpid_x86_64)
		run_cases();
	return 0;
}

/*
 * The syscall wrappers (__x64_sys_*) have no BTF. __do_sys_getpid has, on
 * 6.1 .. 7.2; the loader falls back to __task_pid_nr_ns (which getpid
 * calls) with bpf_program__set_attach_target() if it is missing or never
 * runs.
 */
SEC("fentry/__do_sys_getpid")
int prog_fentry(__u64 *ctx)
{
	if (mine())
		run_cases();
	return 0;
}

SEC("kprobe/__x64_sys_getpid")
int prog_kprobe(void *ctx)
{
	if (mine())
		run_cases();
	return 0;
}

SEC("xdp")
int prog_xdp(struct xdp_md *ctx)
{
	run_cases();
	search_packet((void *)(long)ctx->data, (void *)(long)ctx->data_end);
	return XDP_PASS;
}

SEC("tc")
int prog_tc(struct __sk_buff *skb)
{
	run_cases();
	search_packet((void *)(long)skb->data, (void *)(long)skb->data_end);
	return TC_ACT_OK;
}
