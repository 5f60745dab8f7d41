/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VM test loaders share: the module's registration parameter,
 * quiet libbpf logging, verifier logs, tracefs.
 */
#ifndef EKF_TEST_UTIL_H
#define EKF_TEST_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define EKF_PARAM_REGISTERED	"/sys/module/ebpf_kfunc/parameters/registered"
#define EKF_TRACEFS		"/sys/kernel/tracing"

static int ekf_verbose;
/* libbpf's messages, kept to tell why a load failed before the verifier ran. */
static char ekf_libbpf_log[16384];

static int ekf_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(ekf_libbpf_log);
	va_list aq;

	if (level != LIBBPF_DEBUG && n < sizeof(ekf_libbpf_log) - 1) {
		va_copy(aq, ap);
		vsnprintf(ekf_libbpf_log + n, sizeof(ekf_libbpf_log) - n, fmt, aq);
		va_end(aq);
	}
	/* Failures are reported as FAIL lines carrying the verifier log. */
	if (!ekf_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static inline void ekf_test_init(void)
{
	const char *v = getenv("EKF_TEST_VERBOSE");

	ekf_verbose = v && *v && strcmp(v, "0");
	libbpf_set_print(ekf_libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* The module's registered parameter, "" when the module is not loaded. */
static inline const char *ekf_registered(void)
{
	static char buf[256];
	FILE *f = fopen(EKF_PARAM_REGISTERED, "r");
	size_t n;

	buf[0] = 0;
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return buf;
}

/* Does the registration cover TOKEN ("all", or TOKEN in the comma list)? */
static inline bool ekf_accepts(const char *registered, const char *token)
{
	const char *p = registered;
	size_t n = strlen(token);

	if (!strcmp(registered, "all"))
		return true;
	while (*p) {
		const char *e = strchrnul(p, ',');

		if ((size_t)(e - p) == n && !strncmp(p, token, n))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

/* The last few lines of a verifier log, on one line, for a FAIL message. */
static inline const char *ekf_log_tail(const char *log, int lines)
{
	static char out[1024];
	const char *p = log + strlen(log);
	size_t i;

	while (p > log && (p[-1] == '\n' || p[-1] == ' '))
		p--;
	while (p > log && lines) {
		p--;
		if (*p == '\n' && --lines == 0) {
			p++;
			break;
		}
	}
	i = strlen(p);
	if (i >= sizeof(out))
		i = sizeof(out) - 1;
	memcpy(out, p, i);
	out[i] = 0;
	for (i = 0; out[i]; i++)
		if (out[i] == '\n')
			out[i] = '|';
	/* drop the trailing separators of the tail */
	for (i = strlen(out); i && (out[i - 1] == '|' || out[i - 1] == ' '); i--)
		out[i - 1] = 0;
	return out;
}

/* The verifier's refusal of a kfunc for this program type. */
static inline bool ekf_log_kfunc_not_allowed(const char *log)
{
	return strstr(log, "calling kernel function") && strstr(log, "is not allowed");
}

static inline int ekf_mount_tracefs(void)
{
	struct stat st;

	if (!stat(EKF_TRACEFS "/trace_pipe", &st))
		return 0;
	if (mount("tracefs", EKF_TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
		return -errno;
	return stat(EKF_TRACEFS "/trace_pipe", &st) ? -errno : 0;
}

/* Is there a FUNC named NAME in vmlinux BTF (module NULL) or in MODULE's BTF? */
static inline int ekf_btf_has_func(const char *module, const char *name)
{
	struct btf *vmlinux, *btf;
	__u32 id, first, end;
	int ret = 0;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -errno;
	btf = vmlinux;
	if (module) {
		btf = btf__load_module_btf(module, vmlinux);
		if (!btf) {
			ret = -errno;
			btf__free(vmlinux);
			return ret;
		}
	}
	/* Only BTF's own types: a module's split BTF also sees vmlinux's. */
	first = btf == vmlinux ? 1 : btf__type_cnt(vmlinux);
	end = btf__type_cnt(btf);
	for (id = first; id < end && !ret; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		ret = btf_is_func(t) && !strcmp(btf__name_by_offset(btf, t->name_off), name);
	}
	if (btf != vmlinux)
		btf__free(btf);
	btf__free(vmlinux);
	return ret;
}

#endif /* EKF_TEST_UTIL_H */
