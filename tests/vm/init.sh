#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM (busybox sh), put there by tests/vm/run with
# /etc/ekf-vm.conf beside it. It mounts the usual file systems, loads the
# modules, runs the command with its output on /dev/ttyS1 (the kernel
# console is ttyS0), then sends the exit status and dmesg, and powers off.
#
# Every control line on ttyS1 starts with "@@EKF-VM@@TOKEN " (TOKEN is new
# for each run, so the command's output cannot fake one):
#   modfail NAME MESSAGE    a module did not load
#   skipped                 the command was not run (a module did not load)
#   exit N                  the command's exit status
#   dmesg-begin / dmesg-end the kernel log between them
#   done                    /init is finished

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /tmp /run
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# No tmpfs on /tmp: the initramfs is in RAM already, and the shared
# directory may itself live under /tmp (a CI clone).
chmod 1777 /tmp
mount -t tmpfs tmpfs /run
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up 2>/dev/null
hostname ekf-vm

# EKF_TOKEN, EKF_DIR, EKF_PATH, EKF_MODULES, EKF_KEEP_GOING
# shellcheck disable=SC1091
. /etc/ekf-vm.conf

out=/dev/ttyS1
# No CR/LF translation or echo: the host gets the bytes as written.
stty -F "$out" raw -echo

# ctl MESSAGE: one control line. Every write opens and closes the port: the
# last close waits until the UART has sent everything.
ctl() {
	echo "@@EKF-VM@@$EKF_TOKEN $*" > "$out"
}

run=1
for ko in $EKF_MODULES; do
	if ! err=$(insmod "/lib/ekf-vm/$ko" 2>&1); then
		err=$(echo "${err:-insmod failed}" | tr '\n' ' ')
		ctl "modfail ${ko%.ko} $err"
		[ "$EKF_KEEP_GOING" = 1 ] || run=0
	fi
done

if [ "$run" = 1 ]; then
	export PATH="$EKF_PATH"
	export HOME=/root TERM=dumb LANG=C.UTF-8
	cd "$EKF_DIR" || cd /
	# The command, quoted by the host, in /etc/ekf-vm.cmd.
	sh /etc/ekf-vm.cmd </dev/null >"$out" 2>&1
	ctl "exit $?"
	cd /
else
	ctl skipped
fi

ctl dmesg-begin
dmesg > "$out" 2>&1
ctl dmesg-end
ctl "done"
poweroff -f
