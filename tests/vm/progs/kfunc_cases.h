/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The known-answer cases every program type of kfunc_matrix.bpf.c runs,
 * shared by the BPF programs (which compute them) and the loader (which
 * checks them). Plain C only: both sides include it.
 */
#ifndef EKF_KFUNC_CASES_H
#define EKF_KFUNC_CASES_H

/* Where the needle sits in the test packet XDP and TC programs search. */
#define EKF_PKT_LEN		128
#define EKF_PKT_SCAN		64	/* bytes of the packet the program searches */
#define EKF_PKT_MAGIC		"EKFmagic"
#define EKF_PKT_MAGIC_OFF	40

/* Larger than EKF_MAX_INPUT by one: every kfunc must answer -E2BIG. */
#define EKF_BIG_SZ		(64 * 1024 + 1)

#define EKF_E2BIG		7	/* E2BIG */
#define EKF_EINVAL		22	/* EINVAL */

/* X(id, kfunc, expected, what) */
#define EKF_CASES(X)								\
	X(MEMMEM_FOUND,       "ekf_memmem",     7,   "memmem(\"Hello, world!\", \"wor\")")	\
	X(MEMMEM_ABSENT,      "ekf_memmem",     -1,  "memmem(\"Hello, world!\", \"word\")")	\
	X(MEMMEM_EMPTY,       "ekf_memmem",     0,   "memmem(\"Hello, world!\", \"\")")	\
	X(MEMMEM_PAST_NUL,    "ekf_memmem",     3,   "memmem(\"ab\\0cd\", \"cd\")")		\
	X(MEMMEM_AT_END,      "ekf_memmem",     10,  "memmem(\"Hello, world!\", \"ld!\")")	\
	X(MEMMEM_E2BIG,       "ekf_memmem",     -EKF_E2BIG, "memmem(65537 bytes, \"x\")")	\
	X(STRSTR_FOUND,       "ekf_strstr",     7,   "strstr(\"Hello, world!\\0...\", \"world\")") \
	X(STRSTR_STOPS_AT_NUL,"ekf_strstr",     -1,  "strstr(\"ab\\0cd\", \"cd\")")		\
	X(STRSTR_NEEDLE_NUL,  "ekf_strstr",     7,   "strstr(\"Hello, world!\", \"wor\\0zz\")")	\
	X(STRSTR_ABSENT,      "ekf_strstr",     -1,  "strstr(\"Hello, world!\", \"World\")")	\
	X(STRSTR_E2BIG,       "ekf_strstr",     -EKF_E2BIG, "strstr(65537 bytes, \"x\")")	\
	X(STRCASESTR_FOUND,   "ekf_strcasestr", 7,   "strcasestr(\"Hello, WORLD!\", \"world\")") \
	X(STRCASESTR_ABSENT,  "ekf_strcasestr", -1,  "strcasestr(\"Hello, world!\", \"xyz\")")	\
	X(STRCASESTR_MIXED,   "ekf_strcasestr", 0,   "strcasestr(\"Hello, world!\", \"hELLO\")") \
	X(GLOB_MATCH,         "ekf_glob",       1,   "glob(\"*.txt\", \"/tmp/a.txt\")")		\
	X(GLOB_NOMATCH,       "ekf_glob",       0,   "glob(\"*.txt\", \"/tmp/a.tx\")")		\
	X(GLOB_PATHNAME,      "ekf_glob",       0,   "glob(\"/tmp/*\", \"/tmp/a/b\", PATHNAME)") \
	X(GLOB_NOPATHNAME,    "ekf_glob",       1,   "glob(\"/tmp/*\", \"/tmp/a/b\", 0)")	\
	X(GLOB_CLASS,         "ekf_glob",       1,   "glob(\"f[a-c]?[!x]\", \"fbzy\")")	\
	X(GLOB_UNCLOSED,      "ekf_glob",       -EKF_EINVAL, "glob(\"[abc\", \"a\")")	\
	X(GLOB_BADFLAGS,      "ekf_glob",       -EKF_EINVAL, "glob(\"*\", \"a\", 0x80)")	\
	X(PACKET,             "packet",         EKF_PKT_MAGIC_OFF, "memmem(packet, \"" EKF_PKT_MAGIC "\")")

enum ekf_case {
#define EKF_CASE_ENUM(id, kf, exp, what) EKF_C_##id,
	EKF_CASES(EKF_CASE_ENUM)
#undef EKF_CASE_ENUM
	EKF_NCASES
};

/* results[] holds this until a case ran. */
#define EKF_NOT_RUN		(-12345)

#endif /* EKF_KFUNC_CASES_H */
