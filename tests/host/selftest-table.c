// SPDX-License-Identifier: GPL-2.0
/*
 * The expected answers of `ebpf-kfunc selftest` (tools/ebpf-kfunc-cases.h)
 * checked against the userspace build of the module's own search and glob
 * code, so a wrong table entry shows up without a VM.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../lib/check.h"
#include "../../kmod/lib/ekf_glob.h"
#include "../../kmod/lib/ekf_search.h"
#include "../../tools/ebpf-kfunc-cases.h"

int main(void)
{
	static char a[EKF_MAX_INPUT + 1], b[EKF_MAX_INPUT + 1];
	char name[160];
	unsigned int i, la, lb;
	int got;

	for (i = 0; i < EKF_NCASES; i++) {
		const struct ekf_case *c = &ekf_cases[i];

		la = ekf_input_fill(&c->a, a);
		lb = ekf_input_fill(&c->b, b);
		switch (c->kf) {
		case EKF_K_MEMMEM:
			got = ekf_search_memmem(a, la, b, lb);
			break;
		case EKF_K_STRSTR:
			got = ekf_search_strstr(a, la, b, lb);
			break;
		case EKF_K_STRCASESTR:
			got = ekf_search_strcasestr(a, la, b, lb);
			break;
		default:
			got = ekf_glob_match(a, la, b, lb, c->flags);
		}
		snprintf(name, sizeof(name), "selftest-table: %s", c->name);
		if (got == c->want)
			check_pass(name);
		else
			check_fail(name, "the module's code answers %d, the table expects %d",
				   got, c->want);
	}
	return check_exit();
}
