// SPDX-License-Identifier: GPL-2.0
/*
 * Built instead of the real module when the target kernel cannot carry it
 * (see kmod/Makefile). DKMS then installs a module that refuses to load and
 * says why, rather than failing the build: with dkms 3.0.x a failed build
 * makes the kernel's packages fail to configure, which would break a
 * kernel upgrade.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/utsname.h>

#include "ekf_stub_reason.h"	/* EKF_STUB_REASON */

static int __init ekf_stub_init(void)
{
	pr_err("not available on this kernel (%s): %s\n", init_utsname()->release,
	       EKF_STUB_REASON);
	return -ENODEV;
}

module_init(ekf_stub_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("BPF kfuncs (unsupported kernel placeholder)");
MODULE_INFO(ekf_unsupported, EKF_STUB_REASON);
