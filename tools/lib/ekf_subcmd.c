// SPDX-License-Identifier: GPL-2.0
#include "ekf_subcmd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ekf_cli.h"
#include "ekf_net.h"
#include "ekf_pin.h"

#ifndef EKF_VERSION
#define EKF_VERSION "unknown"
#endif

void ekf_help(const char *text)
{
	fputs(text, stdout);
	exit(EKF_EXIT_OK);
}

bool ekf_common_opt(int c, struct ekf_common_opts *o, const char *help_text)
{
	switch (c) {
	case 'j':
		o->json = true;
		return true;
	case 'v':
		o->verbose = true;
		return true;
	case 'h':
		ekf_help(help_text);
	}
	return false;
}

static const struct ekf_subcmd *nth(const struct ekf_subcmd *cmds, size_t stride, size_t i)
{
	return (const void *)((const char *)cmds + i * stride);
}

static size_t find(const char *name, const struct ekf_subcmd *cmds, size_t ncmds, size_t stride)
{
	size_t i;

	for (i = 0; i < ncmds; i++)
		if (!strcmp(name, nth(cmds, stride, i)->name))
			break;
	return i;
}

/* "attach, detach, ..." for messages */
static const char *names(const struct ekf_subcmd *cmds, size_t ncmds, size_t stride)
{
	static char buf[512];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < ncmds && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ", " : "",
				nth(cmds, stride, i)->name);
	return buf;
}

size_t ekf_subcmd_parse(int *argc, char ***argv, const char *usage_main,
			const struct ekf_subcmd *cmds, size_t ncmds, size_t stride,
			bool *verbose)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help",    no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	char **av = *argv;
	size_t i;
	int c;

	opterr = 0;
	while ((c = getopt_long(*argc, av, "+:vhV", longopts, NULL)) != -1) {
		if (c == 'v') {
			*verbose = true;
		} else if (c == 'h') {
			ekf_help(usage_main);
		} else if (c == 'V') {
			printf("%s %s\n", ekf_prog_name, EKF_VERSION);
			exit(EKF_EXIT_OK);
		} else {
			ekf_bad_option(NULL, av, optopt, c);
		}
	}
	if (optind >= *argc)
		ekf_usage_error(NULL, "missing command (%s)", names(cmds, ncmds, stride));
	*argc -= optind;
	*argv = av += optind;
	if (!strcmp(av[0], "help")) {
		if (*argc < 2)
			ekf_help(usage_main);
		if (*argc > 2)
			ekf_usage_error("help", "unexpected argument '%s'", av[2]);
		i = find(av[1], cmds, ncmds, stride);
		if (i == ncmds)
			ekf_usage_error(NULL, "unknown command '%s' (one of: %s)", av[1],
					names(cmds, ncmds, stride));
		ekf_help(nth(cmds, stride, i)->usage);
	}
	i = find(av[0], cmds, ncmds, stride);
	if (i == ncmds)
		ekf_usage_error(NULL, "unknown command '%s' (one of: %s)", av[0], names(cmds, ncmds, stride));
	return i;
}

int ekf_state_lock(const char *tool, int wait_ms)
{
	char root[PATH_MAX];
	int err, lock;

	err = ekf_bpffs_ensure();
	if (err) {
		ekf_err("cannot mount bpffs on %s: %s (mount it: mount -t bpf bpf %s)", EKF_BPFFS,
			strerror(-err), EKF_BPFFS);
		return -1;
	}
	ekf_tool_dir(tool, root, sizeof(root));
	lock = ekf_lock_dir(root, wait_ms);
	if (lock == -EWOULDBLOCK)
		ekf_err("another %s command holds the lock on %s", ekf_prog_name, root);
	else if (lock < 0)
		ekf_err("cannot lock %s: %s", root, strerror(-lock));
	return lock < 0 ? -1 : lock;
}

int ekf_subcmd_lock(const char *tool, const char *cmd, int wait_ms)
{
	if (!ekf_have_bpf_caps()) {
		ekf_err("%s %s", cmd, EKF_NEED_ROOT_MSG);
		return -1;
	}
	return ekf_state_lock(tool, wait_ms);
}
