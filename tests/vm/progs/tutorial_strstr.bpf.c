// SPDX-License-Identifier: GPL-2.0
/*
 * The program of the kfunc tutorial this project grew from, in its shape:
 * a kprobe on do_unlinkat that calls the module's bpf_strstr kfunc on
 * "Hello, world!" / "wor" and prints the answer with bpf_printk.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

typedef unsigned int u32;
typedef int pid_t;

/* The tutorial's kfunc, exported by ebpf_kfunc where the kernel has no bpf_strstr. */
extern int bpf_strstr(const char *str, u32 str__sz, const char *substr, u32 substr__sz) __ksym;

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("kprobe/do_unlinkat")
int handle_kprobe(void *ctx)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;
	char str[] = "Hello, world!";
	char substr[] = "wor";
	int result = bpf_strstr(str, sizeof(str) - 1, substr, sizeof(substr) - 1);

	if (result != -1)
		bpf_printk("'%s' found in '%s' at index %d\n", substr, str, result);
	bpf_printk("Hello, world! (pid: %d) bpf_strstr %d\n", pid, result);
	return 0;
}
