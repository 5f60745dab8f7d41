// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "ekf_cli.h"

const char *ekf_prog_name = "ebpf-kfunc";

void ekf_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ekf_prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, "Try '%s%s%s --help' for more information.\n",
		ekf_prog_name, cmd ? " " : "", cmd ? cmd : "");
	exit(EKF_EXIT_USAGE);
}

void ekf_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ekf_prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ekf_bad_option(const char *cmd, char **argv, int opt, int ret)
{
	/* getopt_long() leaves the offending word at argv[optind - 1] */
	extern int optind;
	const char *word = optind > 0 ? argv[optind - 1] : "?";

	if (ret == ':')
		ekf_usage_error(cmd, "option '%s' needs a value", word);
	if (opt && strncmp(word, "--", 2) != 0)
		ekf_usage_error(cmd, "unknown option '-%c'", opt);
	ekf_usage_error(cmd, "unknown option '%s'", word);
}

bool ekf_parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool hex_sep(int c)
{
	return c == ':' || c == '-' || c == '_' || c == ' ' || c == '\t';
}

static const char *not_hex(int c)
{
	static char msg[64];

	if (isprint(c))
		snprintf(msg, sizeof(msg), "'%c' is not a hex digit", c);
	else
		snprintf(msg, sizeof(msg), "byte 0x%02x is not a hex digit", c);
	return msg;
}

bool ekf_parse_hex(const char *s, unsigned char *buf, size_t max, size_t *len,
		   const char **why)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		if (hex_sep((unsigned char)*s)) {
			s++;
			continue;
		}
		if (hexval((unsigned char)s[0]) < 0) {
			*why = not_hex((unsigned char)s[0]);
			return false;
		}
		if (!s[1] || hex_sep((unsigned char)s[1])) {
			*why = "odd number of hex digits (give two per byte)";
			return false;
		}
		if (hexval((unsigned char)s[1]) < 0) {
			*why = not_hex((unsigned char)s[1]);
			return false;
		}
		if (n == max) {
			*why = "too many bytes";
			return false;
		}
		buf[n++] = (unsigned char)(hexval((unsigned char)s[0]) << 4 |
					   hexval((unsigned char)s[1]));
		s += 2;
	}
	*len = n;
	return true;
}

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool cap_effective(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

bool ekf_have_bpf_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	if (cap_effective(data, CAP_SYS_ADMIN))
		return true;
	return cap_effective(data, CAP_BPF) && cap_effective(data, CAP_PERFMON) &&
	       cap_effective(data, CAP_NET_ADMIN);
}
