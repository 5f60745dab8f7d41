// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace object laid out like a kfunc module: types and functions
 * for pahole -J to describe, and a .BTF_ids section (test_btf_ids.h) that
 * names them, some of the base (kernel) BTF's too.  The set and set8 list
 * entries out of id order, the set8 one function twice with different
 * flags, so that sorting (and its stability) shows.
 *
 * -DEKF_T_UNRESOLVED adds a slot for a function no BTF has.
 */
#include "test_btf_ids.h"

struct ekf_t_obj {
	int a;
	long b;
};

union ekf_t_val {
	int i;
	unsigned int u;
};

typedef struct ekf_t_obj ekf_t_obj_t;

int ekf_t_alpha(struct ekf_t_obj *o)
{
	return o->a;
}

int ekf_t_beta(union ekf_t_val *v)
{
	return v->i;
}

int ekf_t_gamma(ekf_t_obj_t *t)
{
	return (int)t->b;
}

int ekf_t_delta(int x)
{
	return x + 1;
}

int ekf_t_epsilon(long y)
{
	return (int)y * 2;
}

/* A list, as BTF_ID_LIST makes */
EKF_T_LIST(ekf_t_list);
EKF_T_ID(struct, ekf_t_obj);
EKF_T_ID(union, ekf_t_val);
EKF_T_ID(typedef, ekf_t_obj_t);
EKF_T_ID(func, ekf_t_alpha);
EKF_T_ID(struct, task_struct);
EKF_T_ID(func, vfs_read);
EKF_T_UNUSED();
EKF_T_ID(func, ekf_t_alpha);
#ifdef EKF_T_UNRESOLVED
EKF_T_ID(func, ekf_t_missing);
#endif

/* A set, as BTF_SET_START/END make */
EKF_T_SET_BEGIN(ekf_t_set);
EKF_T_ID(func, ekf_t_epsilon);
EKF_T_ID(func, vfs_read);
EKF_T_ID(func, ekf_t_alpha);
EKF_T_ID(func, ekf_t_delta);
EKF_T_SET_END(ekf_t_set);

/* A kfunc set, as BTF_KFUNCS_START/END with BTF_ID_FLAGS make */
EKF_T_SET8_BEGIN(ekf_t_kfuncs, 0x1);
EKF_T_ID_FLAGS(func, ekf_t_gamma, 0x2);
EKF_T_ID_FLAGS(func, ekf_t_alpha, 0x8);
EKF_T_ID_FLAGS(func, vfs_read, 0x1);
EKF_T_ID_FLAGS(func, ekf_t_epsilon, 0x20);
EKF_T_ID_FLAGS(func, ekf_t_beta, 0x4);
EKF_T_ID_FLAGS(func, ekf_t_alpha, 0x10);
EKF_T_SET8_END(ekf_t_kfuncs);

/* An empty set8: its count is 0 before and after */
EKF_T_SET8_BEGIN(ekf_t_empty, 0x1);
EKF_T_SET8_END(ekf_t_empty);
