/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cost accounting for the search and glob code. The unit tests build it
 * with -DEKF_STEP_COUNT and count every comparison (and every word a scan
 * examines) in ekf_steps, so that a regression to a super-linear algorithm
 * fails a test; in the module EKF_STEP() is nothing.
 */
#ifndef EKF_STEPS_H
#define EKF_STEPS_H

#ifdef EKF_STEP_COUNT
extern unsigned long long ekf_steps;
#define EKF_STEP()	((void)ekf_steps++)
#else
#define EKF_STEP()	((void)0)
#endif

#endif /* EKF_STEPS_H */
