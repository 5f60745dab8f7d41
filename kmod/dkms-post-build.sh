#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dkms.conf POST_BUILD: dkms prints no build output when a build succeeds,
# so say here when the module built is only the placeholder for a kernel
# the module cannot support (kmod/build-module.sh wrote why).
dir=$(dirname "$0")
if [ -f "$dir/unsupported.txt" ]; then
	printf 'ebpf-kfunc: WARNING: %s\n' "$(cat "$dir/unsupported.txt")" >&2
	printf 'ebpf-kfunc: the ebpf_kfunc module installed for that kernel is a placeholder that refuses to load; everything else is unaffected.\n' >&2
fi
exit 0
