/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a kfunc module usable on the running kernel, and if not, why: module
 * support, loaded module, installed .ko, module BTF, kfunc signatures from
 * that BTF. Reads only /proc, /sys and /lib/modules: no privilege needed.
 */
#ifndef EKF_KMOD_H
#define EKF_KMOD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct btf;

enum ekf_tristate { EKF_NO = 0, EKF_YES = 1, EKF_UNKNOWN = -1 };

struct ekf_kmod {
	char name[64];			/* "ebpf_kfunc" */
	char release[65];		/* uname -r */
	enum ekf_tristate modules;	/* CONFIG_MODULES */
	bool loaded;			/* /sys/module/NAME/initstate (or the dir) */
	char initstate[16];		/* "live", "coming", "going", "" */
	char version[64];		/* /sys/module/NAME/version, "" */
	char registered[128];		/* /sys/module/NAME/parameters/registered, "" */
	bool have_registered;
	bool vmlinux_btf;		/* /sys/kernel/btf/vmlinux */
	bool module_btf;		/* /sys/kernel/btf/NAME: BTF accepted */
	bool installed;			/* a NAME.ko* under /lib/modules/RELEASE */
	char ko_path[PATH_MAX];
	char stub_reason[256];		/* modinfo ekf_unsupported of that .ko */
};

/* Fills st for module name. */
void ekf_kmod_probe(const char *name, struct ekf_kmod *st);

/*
 * A blocking problem found by ekf_kmod_probe() (modules unsupported, module
 * not installed/loaded, no BTF), as a cause and a fix, or false if none.
 * dkms_name is the DKMS package name ("ebpf-kfunc") used in the fixes.
 */
bool ekf_kmod_problem(const struct ekf_kmod *st, const char *dkms_name,
		      char *cause, size_t cause_sz, char *fix, size_t fix_sz);

/*
 * The module's BTF, split on the kernel's; NULL with errno set if absent.
 * Free with ekf_kmod_btf_free().
 */
struct btf *ekf_kmod_btf_load(const char *name);
void ekf_kmod_btf_free(struct btf *btf);

/*
 * C declaration of BTF function name, with parameter names, e.g.
 * "int ekf_memmem(const char *hay, u32 hay__sz, ...)". Returns false if
 * btf itself (split BTF: not its base) has no such function.
 */
bool ekf_btf_func_decl(const struct btf *btf, const char *name, char *buf, size_t size);

#endif /* EKF_KMOD_H */
