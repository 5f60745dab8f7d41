// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf_kfunc: byte and string search and glob matching for BPF programs,
 * as kfuncs. Every kfunc takes (pointer, size) pairs whose "__sz" suffix
 * makes the verifier check the bounds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/utsname.h>

#include "ekf_compat.h"
#include "ekf_target.h"
#include "lib/ekf_glob.h"
#include "lib/ekf_search.h"

__bpf_kfunc_start_defs();

/* Byte search: index of the first match, -1 if none, 0 for an empty needle. */
__bpf_kfunc int ekf_memmem(const char *hay, u32 hay__sz, const char *needle, u32 needle__sz)
{
	return ekf_search_memmem(hay, hay__sz, needle, needle__sz);
}

/* C-string search: each string ends at its first NUL or at its size. */
__bpf_kfunc int ekf_strstr(const char *hay, u32 hay__sz, const char *needle, u32 needle__sz)
{
	return ekf_search_strstr(hay, hay__sz, needle, needle__sz);
}

__bpf_kfunc int ekf_strcasestr(const char *hay, u32 hay__sz, const char *needle, u32 needle__sz)
{
	return ekf_search_strcasestr(hay, hay__sz, needle, needle__sz);
}

/* 1 match, 0 no match, -EINVAL malformed pattern, -E2BIG too long. */
__bpf_kfunc int ekf_glob(const char *pattern, u32 pattern__sz, const char *str, u32 str__sz, u32 flags)
{
	return ekf_glob_match(pattern, pattern__sz, str, str__sz, flags);
}

#ifndef EKF_KERNEL_HAS_BPF_STRSTR
/*
 * The kfunc of the tutorial this project grew from, same name, signature
 * and semantics, so its BPF programs run unchanged. Left out where the
 * target kernel has its own bpf_strstr (about 6.17+): two BTF functions of
 * one name make every registration of this module fail.
 */
__bpf_kfunc int bpf_strstr(const char *str, u32 str__sz, const char *substr, u32 substr__sz)
{
	return ekf_search_memmem(str, str__sz, substr, substr__sz);
}
#endif

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(ekf_kfunc_ids)
BTF_ID_FLAGS(func, ekf_memmem)
BTF_ID_FLAGS(func, ekf_strstr)
BTF_ID_FLAGS(func, ekf_strcasestr)
BTF_ID_FLAGS(func, ekf_glob)
#ifndef EKF_KERNEL_HAS_BPF_STRSTR
BTF_ID_FLAGS(func, bpf_strstr)
#define EKF_NR_KFUNCS 5
#else
#define EKF_NR_KFUNCS 4
#endif
BTF_KFUNCS_END(ekf_kfunc_ids)

static const struct btf_kfunc_id_set ekf_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &ekf_kfunc_ids,
};

/* Which registration the kernel accepted, for `ebpf-kfunc status`. */
static char ekf_registered[128] = "none";
module_param_string(registered, ekf_registered, sizeof(ekf_registered), 0444);
MODULE_PARM_DESC(registered, "program types the kfuncs are registered for (read-only)");

/*
 * Kernels before 6.2 have no registration for all program types; their
 * per-type hooks, which every supported kernel maps.
 */
static const struct {
	enum bpf_prog_type type;
	const char *name;
} ekf_hooks[] = {
	{ BPF_PROG_TYPE_SYSCALL, "syscall" },
	{ BPF_PROG_TYPE_TRACING, "tracing" },
	{ BPF_PROG_TYPE_XDP, "xdp" },
	{ BPF_PROG_TYPE_SCHED_CLS, "sched_cls" },
};

/*
 * A failed register_btf_kfunc_id_set() frees every set this module has
 * registered so far, so a registration the kernel may refuse is only ever
 * tried while nothing is registered. A kernel that does not map a program
 * type answers -EINVAL.
 */
static int ekf_register(void)
{
	size_t i, len;
	int err;

	/* BPF_PROG_TYPE_UNSPEC: all program types (BTF_KFUNC_HOOK_COMMON, 6.2+) */
	err = register_btf_kfunc_id_set(BPF_PROG_TYPE_UNSPEC, &ekf_kfunc_set);
	if (!err) {
		strscpy(ekf_registered, "all", sizeof(ekf_registered));
		return 0;
	}
	if (err != -EINVAL)
		return err;

	/* KPROBE is mapped from about 6.10 on; tried first, alone. */
	err = register_btf_kfunc_id_set(BPF_PROG_TYPE_KPROBE, &ekf_kfunc_set);
	if (err && err != -EINVAL)
		return err;
	strscpy(ekf_registered, err ? "" : "kprobe", sizeof(ekf_registered));

	for (i = 0; i < ARRAY_SIZE(ekf_hooks); i++) {
		err = register_btf_kfunc_id_set(ekf_hooks[i].type, &ekf_kfunc_set);
		if (err) {
			pr_err("registering the kfuncs for %s programs failed: %d\n",
			       ekf_hooks[i].name, err);
			return err;
		}
		len = strlen(ekf_registered);
		snprintf(ekf_registered + len, sizeof(ekf_registered) - len, "%s%s",
			 len ? "," : "", ekf_hooks[i].name);
	}
	return 0;
}

/* resolve_btfids fills in the set's count and every id; zero means it never ran. */
static bool ekf_btf_ids_resolved(void)
{
	u32 i;

	if (ekf_kfunc_ids.cnt != EKF_NR_KFUNCS)
		return false;
	for (i = 0; i < ekf_kfunc_ids.cnt; i++)
		if (!ekf_kfunc_ids.pairs[i].id)
			return false;
	return true;
}

/*
 * A module whose BTF the kernel rejected (built against another kernel's
 * BTF) still loads on some kernels, and 6.1 then registers kfuncs without
 * error although no program can see them. The kernel publishes accepted
 * module BTF in sysfs before the module's init runs; when sysfs shows the
 * kernel's BTF but not ours, ours was rejected.
 */
static bool ekf_btf_rejected(void)
{
	struct path path;

	if (kern_path("/sys/kernel/btf/vmlinux", 0, &path))
		return false;	/* sysfs not mounted: cannot tell */
	path_put(&path);
	if (kern_path("/sys/kernel/btf/" KBUILD_MODNAME, 0, &path))
		return true;
	path_put(&path);
	return false;
}

static int __init ekf_init(void)
{
	int err;

	if (!ekf_btf_ids_resolved()) {
		pr_err("module BTF ids are not resolved (resolve_btfids did not run on this .ko); rebuild it: dkms install --force ebpf-kfunc/%s -k %s\n",
		       EKF_VERSION, init_utsname()->release);
		return -EINVAL;
	}
	if (ekf_btf_rejected()) {
		pr_err("the kernel rejected this module's BTF (made against another kernel's BTF, see the lines above); rebuild it for this kernel: dkms install --force ebpf-kfunc/%s -k %s\n",
		       EKF_VERSION, init_utsname()->release);
		return -EINVAL;
	}
	err = ekf_register();
	if (err) {
		pr_err("the kernel refused the kfuncs: %d; see the lines above\n", err);
		return err;
	}
	pr_info("%s loaded, kfuncs registered for %s program types\n",
		EKF_VERSION, ekf_registered);
	return 0;
}

static void __exit ekf_exit(void)
{
	/* There is no unregistration: the kfunc sets go away with the module. */
}

module_init(ekf_init);
module_exit(ekf_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("ebpf-kfunc developers");
MODULE_DESCRIPTION("BPF kfuncs: byte and string search, glob matching");
MODULE_VERSION(EKF_VERSION);
