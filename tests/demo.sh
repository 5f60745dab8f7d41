#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot a Debian kernel in QEMU with the module built by DKMS for
# it, and show `ebpf-kfunc status` and `ebpf-kfunc selftest` there.
# DEMO_KERNEL=bookworm|bookworm-backports|sid (default bookworm: Debian 12's 6.1).
set -eu
cd "$(dirname "$0")/.."
kernel=${DEMO_KERNEL:-bookworm}

say() { printf '\n==> %s\n' "$*"; }

say "The build machine's own kernel: $(uname -r)"
build/bin/ebpf-kfunc status || true

say "Booting Debian's $kernel kernel in QEMU, with ebpf_kfunc.ko built for it by DKMS"
say "(first run: builds a chroot of the suite and downloads the kernel; cached afterwards)"
tests/vm/run --kernel "$kernel" -- sh -c '
	printf "\n==> Inside the VM: kernel %s\n" "$(uname -r)"
	printf "\n==> ebpf-kfunc status\n"; ebpf-kfunc status
	printf "\n==> ebpf-kfunc selftest\n"; ebpf-kfunc selftest
	printf "\n==> ebpf-kfunc call strstr \"/etc/shadow\" shadow\n"; ebpf-kfunc call strstr /etc/shadow shadow
	printf "\n==> ebpf-kfunc call glob \"/home/*/.ssh/*\" /home/alice/.ssh/id_ed25519 --flags pathname\n"
	ebpf-kfunc call glob "/home/*/.ssh/*" /home/alice/.ssh/id_ed25519 --flags pathname'
