/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "typical text" haystack of the benchmarks, one definition for the
 * in-VM benchmark (kfunc_bench.c) and the native one (search_native.c), so
 * that their figures are about the same input.
 */
#ifndef EKF_BENCH_TEXT_H
#define EKF_BENCH_TEXT_H

static void make_text(char *buf, unsigned int n)
{
	static const char words[] = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
				    "eiusmod tempor incididunt ut labore et dolore magna aliqua ";
	unsigned int seed = 12345, i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		/* mostly the words, with some noise so that no period is long */
		buf[i] = (seed >> 16) % 16 ? words[(i + (seed >> 20) % 3) % (sizeof(words) - 1)]
					   : (char)('a' + (seed >> 8) % 26);
	}
}

#endif /* EKF_BENCH_TEXT_H */
