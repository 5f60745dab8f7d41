# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by tests/e2e/run and tests/demo.sh: the VM harness's helpers
# (cache, locks, chroots, mirrors: tests/vm/lib) and the e2e ones.

E2E_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_DIR=$(dirname "$E2E_LIB")
# shellcheck source=../../vm/lib/common.sh
. "$E2E_DIR/../vm/lib/common.sh"
# shellcheck source=../../vm/lib/chroot.sh
. "$VM_LIB/chroot.sh"
# shellcheck source=../../vm/lib/qemu.sh
. "$VM_LIB/qemu.sh"

E2E_T0=${E2E_T0:-$(date +%s)}
export E2E_T0

# progress MESSAGE: what is happening now, with the time since the start,
# on stderr (both presentations: no silent minutes).
progress() {
	local s=$(( $(date +%s) - E2E_T0 ))
	printf '[%2d:%02d] %s\n' $((s / 60)) $((s % 60)) "$*" >&2
}

# logged_append LOG CMD...: CMD's output appended to LOG; on failure the
# end of it on stderr.
logged_append() {
	local log=$1 rc=0
	shift
	echo "+ $*" >> "$log"
	if [ "$EKF_VERBOSE" = 1 ]; then
		"$@" 2>&1 | tee -a "$log" >&2
		return "${PIPESTATUS[0]}"
	fi
	"$@" >> "$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		say "command failed (exit $rc): $*"
		tail -n 40 "$log" | sed 's/^/  | /' >&2
		say "full log: $log"
	fi
	return "$rc"
}
