# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2016
#
# Booting a job's disk image under QEMU (TCG) with the image's own kernel
# and initramfs (/boot/vmlinuz-KVER, /boot/initrd.img-KVER, given to QEMU
# with -kernel/-initrd since the image has no boot loader), root=/dev/vda
# (virtio), systemd as init. The image gets the check of guest/ (a systemd
# unit of the test harness) before each boot; the check writes to ttyS1
# in the protocol of tests/vm/init.sh, read here with tests/vm/lib's
# filter.awk (output, status, dmesg), and powers the machine off.

E2E_VM_MEM=${EKF_E2E_MEM:-1G}
E2E_VM_TIMEOUT=${EKF_E2E_TIMEOUT:-600}

# present LOG: lines of a check's output from stdin; all go to LOG, the
# result lines to stdout, and in the demo everything (E2E_DEMO=1), or only
# the kernel booted with E2E_BRIEF=1.
present() {
	local log=$1 line
	while IFS= read -r line; do
		printf '%s\n' "$line" >> "$log"
		case $line in
		"PASS "*|"FAIL "*|"SKIP "*) printf '%s\n' "$line" ;;
		"==> booted: "*) [ "${E2E_DEMO:-0}" = 1 ] && printf '    %s\n' "$line" ;;
		*) [ "${E2E_DEMO:-0}" = 1 ] && [ "${E2E_BRIEF:-0}" = 0 ] && printf '    %s\n' "$line" ;;
		esac
	done
	return 0
}

# e2e_boot IMG LOGDIR LABEL KVER [VERSION]: boot IMG into KVER and run the
# check there; result lines on stdout named "e2e [LABEL] ..."; VERSION:
# the module version that must be loaded. The run's files stay in
# LOGDIR/boot-LABEL (console.log, check.log, dmesg.log, status).
e2e_boot() {
	local img=$1 dir=$2 label=$3 kver=$4 version=${5:-} run token t0 rc problems
	run=$dir/boot-${label// /-}
	rm -rf "$run"
	mkdir -p "$run"
	token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
	img_sh "$img" '
		run=$1 token=$2 kver=$3 label=$4 version=$5 guest=$6 smoke=$7
		install -d "$M/usr/local/lib/ekf-e2e" "$M/etc/ekf-e2e" "$M/etc/systemd/system/multi-user.target.wants"
		install -m 0755 "$guest/check" "$M/usr/local/lib/ekf-e2e/check"
		install -m 0644 "$smoke" "$M/usr/local/lib/ekf-e2e/smoke-tests"
		install -m 0644 "$guest/ekf-e2e-check.service" "$M/etc/systemd/system/"
		ln -sfn ../ekf-e2e-check.service "$M/etc/systemd/system/multi-user.target.wants/ekf-e2e-check.service"
		printf "EKF_TOKEN=%q\nEKF_KVER=%q\nEKF_LABEL=%q\nEKF_VERSION=%q\n" "$token" "$kver" "$label" "$version" > "$M/etc/ekf-e2e/conf"
		cp "$M/boot/vmlinuz-$kver" "$run/vmlinuz"
		cp "$M/boot/initrd.img-$kver" "$run/initrd.img"
	' "$run" "$token" "$kver" "$label" "$version" "$E2E_DIR/guest" "$E2E_DIR/smoke-tests" || {
		fail "e2e [$label] boot $kver" "no /boot/vmlinuz-$kver or /boot/initrd.img-$kver in the image"
		return 1
	}
	t0=$(now)
	progress "booting the image into $kver (QEMU, TCG; systemd; about 30-60 s)"
	: > "$run/ttyS1.log"
	: > "$run/status"
	: > "$run/output.log"
	timeout -k 5 "$E2E_VM_TIMEOUT" "$QEMU" -nodefaults -no-user-config -display none \
		-no-reboot -m "$E2E_VM_MEM" -smp 1 -accel tcg -cpu max \
		-kernel "$run/vmlinuz" -initrd "$run/initrd.img" \
		-append "root=/dev/vda console=ttyS0 panic=-1" \
		-drive "file=$img,format=raw,if=virtio" \
		-serial "file:$run/console.log" -serial "file:$run/ttyS1.log" \
		</dev/null >"$run/qemu.log" 2>&1 &
	local qpid=$!
	echo "$qpid" > "$run/qemu.pid"
	tail -n +1 -s 0.2 -f --pid="$qpid" "$run/ttyS1.log" 2>/dev/null |
		awk -v token="$token" -v dir="$run" -f "$VM_LIB/filter.awk" |
		present "$run/check.log"
	rc=0
	wait "$qpid" || rc=$?
	rm -f "$run/vmlinuz" "$run/initrd.img" "$run/qemu.pid"
	local secs
	secs=$(elapsed "$t0")
	timing "boot $label ($kver)" "$secs"
	progress "$kver: the VM ran for $secs s"

	if ! grep -q '^exit ' "$run/status"; then
		local why="the VM stopped before the check finished (QEMU exit $rc)"
		[ "$rc" = 124 ] && why="the VM timed out after $E2E_VM_TIMEOUT s"
		why="$why; console: $(grep -v '^\s*$' "$run/console.log" | tail -n 3 | tr -d '\r' | tr '\n' ' ')"
		fail "e2e [$label] the system boots into $kver and runs the check" "$why"
		return 1
	fi
	problems=$(vm_dmesg_problems "$run")
	if [ -n "$problems" ]; then
		fail "e2e [$label] dmesg free of WARNING:, BUG:, Oops" \
			"$(echo "$problems" | head -n 5 | sed 's/^\[ *[0-9.]*\] //' | paste -sd '|' | sed 's/|/ | /g')"
	else
		pass "e2e [$label] dmesg free of WARNING:, BUG:, Oops"
	fi
	[ "$(sed -n 's/^exit //p' "$run/status" | tail -n 1)" = 0 ] && [ -z "$problems" ]
}
