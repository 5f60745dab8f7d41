#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rpmlint (Debian's, 2.4) on `make rpm`'s source and binary RPMs and on
# rpm/ebpf-kfunc.spec, with rpm/ebpf-kfunc.rpmlintrc: no error or warning
# may be left (rpmlint exits 0), and no filter may be unused (rpmlint
# reports those as errors). Each filter in the rpmlintrc says why.
set -uo pipefail
PROG=tests/pkg/rpmlint
# shellcheck source=rpm-lib.sh
. "$(dirname "$0")/rpm-lib.sh"

if ! mapfile -t rpms < <(rpms_in "$RPM_DIR"); then
	fail rpmlint "no ebpf-kfunc-dkms/ebpf-tools RPMs in $RPM_DIR (make rpm)"
	exit 1
fi
srpm=$(ls "$RPM_DIR"/ebpf-kfunc-*.src.rpm 2>/dev/null | tail -n 1)
[ -n "$srpm" ] || { fail rpmlint "no source RPM in $RPM_DIR (make rpm)"; exit 1; }
host_need rpmlint
out=$(mktemp)
trap 'rm -f "$out"' EXIT
t0=$(now)
rpmlint -r "$REPO/rpm/ebpf-kfunc.rpmlintrc" "$srpm" "${rpms[@]}" "$REPO/rpm/ebpf-kfunc.spec" >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
summary=$(sed -n 's/^ *\(.* checked; [0-9]* errors, [0-9]* warnings\).*/\1/p' "$out")
if [ "$rc" = 0 ] && grep -q ' 0 errors, 0 warnings' "$out"; then
	pass "rpmlint $(basename "$srpm") $(basename -a "${rpms[@]}" | tr '\n' ' ')(rpmlint $(rpmlint --version 2>/dev/null | tail -n 1): $summary)"
else
	fail rpmlint "exit $rc: $(grep -E ': [EW]: ' "$out" | head -n 5 | tr '\n' ' ')($summary)"
fi
echo "# rpmlint: $(elapsed "$t0") s"
tests_done
