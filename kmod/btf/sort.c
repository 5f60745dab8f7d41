// SPDX-License-Identifier: GPL-2.0
/*
 * Sorting the entries of .BTF_ids sets, in the order the kernel's
 * resolve_btfids leaves them.
 *
 * resolve_btfids sorts with qsort() and a comparator that subtracts the
 * two 32-bit ids.  glibc's qsort() is a stable top-down merge sort (it
 * falls back to quicksort only when it cannot get memory), so entries with
 * equal ids -- say, the same kfunc twice with different flags, or
 * unresolved zeros -- keep their order.  This is that merge sort, halving
 * the same way, so the result is the same even for odd input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ekf_btf.h"

/* The first 32-bit words of A and B, compared as resolve_btfids does. */
int ekf_cmp_id(const void *a, const void *b)
{
	int32_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return (int32_t)((uint32_t)x - (uint32_t)y);
}

static void msort(unsigned char *b, size_t n, size_t size, unsigned char *tmp,
		  int (*cmp)(const void *, const void *))
{
	size_t n1 = n / 2, n2 = n - n1;
	unsigned char *b1 = b, *b2 = b + n1 * size, *t = tmp;

	if (n <= 1)
		return;
	msort(b1, n1, size, tmp, cmp);
	msort(b2, n2, size, tmp, cmp);
	while (n1 > 0 && n2 > 0) {
		if (cmp(b1, b2) <= 0) {
			memcpy(t, b1, size);
			b1 += size;
			n1--;
		} else {
			memcpy(t, b2, size);
			b2 += size;
			n2--;
		}
		t += size;
	}
	/* What is left of the second half is already in place. */
	if (n1 > 0)
		memcpy(t, b1, n1 * size);
	memcpy(b, tmp, (n - n2) * size);
}

int ekf_msort(void *base, size_t nmemb, size_t size,
	      int (*cmp)(const void *, const void *))
{
	unsigned char *tmp;

	if (nmemb <= 1)
		return 0;
	tmp = malloc(nmemb * size);
	if (!tmp)
		return -ENOMEM;
	msort(base, nmemb, size, tmp, cmp);
	free(tmp);
	return 0;
}
