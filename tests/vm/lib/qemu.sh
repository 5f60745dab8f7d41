# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
#
# Booting the VM and reading its results (see tests/vm/init.sh for /init's
# side of the protocol on ttyS1).

QEMU=${QEMU:-qemu-system-x86_64}

# vm_boot RUN VMLINUZ INITRD TOKEN: boot under TCG with a time limit; the
# kernel console goes to RUN/console.log, the command's output to stdout
# (and RUN/output.log), /init's control lines to RUN/status, the VM's
# dmesg to RUN/dmesg.log. Sets BOOT_RC to the exit status of timeout(1).
vm_boot() {
	local run=$1 vmlinuz=$2 initrd=$3 token=$4 qpid
	: > "$run/ttyS1.log"
	: > "$run/status"
	: > "$run/output.log"
	timeout -k 5 "$TIMEOUT" "$QEMU" -nodefaults -no-user-config -display none \
		-no-reboot -m "$MEM" -smp 1 -accel tcg -cpu max \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 $APPEND" \
		-serial "file:$run/console.log" -serial "file:$run/ttyS1.log" \
		</dev/null >"$run/qemu.log" 2>&1 &
	qpid=$!
	VM_PID=$qpid
	tail -n +1 -s 0.2 -f --pid="$qpid" "$run/ttyS1.log" 2>/dev/null |
		awk -v token="$token" -v dir="$run" -f "$VM_LIB/filter.awk"
	BOOT_RC=0
	wait "$qpid" || BOOT_RC=$?
	VM_PID=
}

# vm_dmesg_problems RUN: the lines of the VM's kernel log (dmesg, else the
# console) that show a kernel warning, bug, oops or panic.
vm_dmesg_problems() {
	local log=$1/dmesg.log
	[ -s "$log" ] || log=$1/console.log
	grep -E 'WARNING:|BUG:|Oops|Kernel panic' "$log" 2>/dev/null || true
}

# vm_show_console RUN [LINES]: the end of the kernel console, on stderr.
vm_show_console() {
	say "kernel console ($1/console.log):"
	tail -n "${2:-60}" "$1/console.log" | sed 's/^/  | /' >&2
}
