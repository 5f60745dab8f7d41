// SPDX-License-Identifier: GPL-2.0
/*
 * ekf-btf: the command line.  Exit status: 0 success, 1 failure, 2 usage
 * error; has-func: 0 found, 1 not found, 2 error.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libelf.h>

#include "ekf_btf.h"

#define EXIT_USAGE	2

static const char usage_text[] =
	"usage: " EKF_PROG " [-v] COMMAND ARGS...\n"
	"\n"
	"  extract IMAGE -o OUT\n"
	"      write the raw BTF of a kernel image (bzImage with a gzip, xz,\n"
	"      zstd or lz4 payload, or an ELF vmlinux) to OUT\n"
	"  has-func BTF NAME\n"
	"      exit 0 if BTF (raw, or an ELF file's .BTF) has function NAME,\n"
	"      1 if not, 2 on error\n"
	"  verify [--quiet] [--btf-only] MODULE.ko\n"
	"      check that MODULE.ko has BTF and, unless --btf-only, that its\n"
	"      .BTF_ids are all resolved\n"
	"  resolve [-b BASE] MODULE.ko\n"
	"      write the BTF ids into MODULE.ko's .BTF_ids in place, as the\n"
	"      kernel's resolve_btfids does; BASE is the kernel's BTF (raw or ELF)\n"
	"\n"
	"  -v, --verbose   say more (twice: debug, with libbpf's messages)\n";

static int __attribute__((format(printf, 1, 2)))
usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, EKF_PROG ": ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs("Try '" EKF_PROG " --help'.\n", stderr);
	return EXIT_USAGE;
}

/*
 * getopt_long over a command's own arguments (argv[0] is the command);
 * options may come after the operands.  Returns the option or -1.
 */
static int next_opt(int argc, char **argv, const char *shortopts,
		    const struct option *longopts)
{
	return getopt_long(argc, argv, shortopts, longopts, NULL);
}

static int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	int c, err;

	while ((c = next_opt(argc, argv, "o:v", opts)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'v':
			ekf_verbose++;
			break;
		default:
			return usage(NULL);
		}
	}
	if (argc - optind != 1 || !out)
		return usage("extract needs an IMAGE and -o OUT");
	err = ekf_extract(argv[optind], out);
	if (err) {
		ekf_error("cannot extract BTF from %s: %s", argv[optind],
			  ekf_why(err));
		return EXIT_FAILURE;
	}
	ekf_info("%s: BTF written to %s", argv[optind], out);
	return EXIT_SUCCESS;
}

static int cmd_has_func(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = next_opt(argc, argv, "v", opts)) != -1) {
		if (c != 'v')
			return usage(NULL);
		ekf_verbose++;
	}
	if (argc - optind != 2)
		return usage("has-func needs a BTF file and a function NAME");
	ret = ekf_has_func(argv[optind], argv[optind + 1]);
	if (ret < 0) {
		ekf_error("%s: %s", argv[optind], ekf_why(ret));
		return 2;
	}
	return ret ? 0 : 1;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "btf-only", no_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false, btf_only = false;
	int c, ret;

	while ((c = next_opt(argc, argv, "qv", opts)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'B':
			btf_only = true;
			break;
		case 'v':
			ekf_verbose++;
			break;
		default:
			return usage(NULL);
		}
	}
	if (argc - optind != 1)
		return usage("verify needs one MODULE.ko");
	ret = ekf_verify(argv[optind], btf_only, quiet);
	if (ret < 0) {
		ekf_error("cannot verify %s: %s", argv[optind], ekf_why(ret));
		return EXIT_FAILURE;
	}
	if (!ret)
		ekf_info("%s: %s", argv[optind],
			 btf_only ? "has BTF" : "has BTF and resolved .BTF_ids");
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_resolve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "btf_base", required_argument, NULL, 'b' },
		{ "btf-base", required_argument, NULL, 'b' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base = NULL;
	int c, err;

	while ((c = next_opt(argc, argv, "b:v", opts)) != -1) {
		switch (c) {
		case 'b':
			base = optarg;
			break;
		case 'v':
			ekf_verbose++;
			break;
		default:
			return usage(NULL);
		}
	}
	if (argc - optind != 1)
		return usage("resolve needs one MODULE.ko");
	err = ekf_resolve(argv[optind], base);
	if (err) {
		ekf_error("cannot resolve the .BTF_ids of %s: %s", argv[optind],
			  ekf_why(err));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "extract", cmd_extract },
	{ "has-func", cmd_has_func },
	{ "verify", cmd_verify },
	{ "resolve", cmd_resolve },
};

int main(int argc, char **argv)
{
	size_t i;
	int arg = 1;

	while (arg < argc && (!strcmp(argv[arg], "-v") ||
			      !strcmp(argv[arg], "--verbose"))) {
		ekf_verbose++;
		arg++;
	}
	if (arg >= argc)
		return usage("no command given");
	if (!strcmp(argv[arg], "-h") || !strcmp(argv[arg], "--help") ||
	    !strcmp(argv[arg], "help")) {
		fputs(usage_text, stdout);
		return EXIT_SUCCESS;
	}

	if (elf_version(EV_CURRENT) == EV_NONE) {
		ekf_error("libelf is too old: %s", elf_errmsg(-1));
		return EXIT_FAILURE;
	}
	ekf_libbpf_setup();

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[arg], commands[i].name))
			continue;
		optind = 1;
		return commands[i].run(argc - arg, argv + arg);
	}
	return usage("unknown command %s", argv[arg]);
}
