/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The front of a tool with subcommands and pinned state (xdp-tools style):
 * "TOOL [-v] COMMAND ARGS", `TOOL help [COMMAND]`, `TOOL COMMAND --help`,
 * and, once the arguments are valid, the checks every state-changing
 * command makes before it touches anything: privilege, bpffs, the lock.
 */
#ifndef EKF_SUBCMD_H
#define EKF_SUBCMD_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The first member of each entry of a tool's command table, which goes on
 * with what the tool needs (its handler): entries are stride bytes apart.
 */
struct ekf_subcmd {
	const char *name;
	const char *usage;	/* its --help text */
};

/* The options every command of a tool with --json takes. */
struct ekf_common_opts {
	bool json;	/* -j, --json */
	bool verbose;	/* -v, --verbose: libbpf debug output */
};

#define EKF_COMMON_LONGOPTS				\
	{ "json",    no_argument, NULL, 'j' },		\
	{ "verbose", no_argument, NULL, 'v' },		\
	{ "help",    no_argument, NULL, 'h' }

/*
 * If getopt's c is one of EKF_COMMON_LONGOPTS, records it in o and returns
 * true; -h prints help_text and exits 0.
 */
bool ekf_common_opt(int c, struct ekf_common_opts *o, const char *help_text);

/* Prints text on stdout and exits 0: --help. */
void ekf_help(const char *text) __attribute__((noreturn));

/*
 * Parses the global options (-v/--verbose, -h/--help, -V/--version) and
 * the command word, and answers `help [COMMAND]`. Exits 0 after help or
 * the version, 2 naming the bad word on bad usage. Returns the index of
 * the command in cmds; *argc and *argv then start at the command word.
 */
size_t ekf_subcmd_parse(int *argc, char ***argv, const char *usage_main,
			const struct ekf_subcmd *cmds, size_t ncmds, size_t stride,
			bool *verbose);

/*
 * For a command whose arguments are valid: mounts bpffs if needed and
 * takes the lock of EKF_PIN_ROOT/TOOL (waiting up to wait_ms for another
 * command of the tool). Returns the lock for ekf_unlock(), or -1 after
 * printing the cause (exit 1).
 */
int ekf_state_lock(const char *tool, int wait_ms);

/* The same, after checking for the BPF capabilities (cmd names the command). */
int ekf_subcmd_lock(const char *tool, const char *cmd, int wait_ms);

#endif /* EKF_SUBCMD_H */
