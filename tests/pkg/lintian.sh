#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lintian (bookworm's) on the .changes of `make deb`: source and binary
# packages, every tag shown (--pedantic --info --display-experimental, and
# the overridden ones). Fails on any error or warning that is not
# overridden; the overrides, each with its reason, are in
# debian/source/lintian-overrides and debian/PACKAGE.lintian-overrides.
set -uo pipefail
PROG=tests/pkg/lintian
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

changes=$(ls "$DEB_DIR"/ebpf-kfunc_*_"$ARCH".changes 2>/dev/null | tail -n 1)
if [ -z "$changes" ]; then
	fail lintian "no .changes in $DEB_DIR (make deb)"
	exit 1
fi
host_need lintian
out=$(mktemp)
trap 'rm -f "$out"' EXIT
t0=$(now)
lintian --pedantic --info --display-experimental --show-overrides --color=never \
	"$changes" >"$out" 2>&1
rc=$?
grep -v '^N:' "$out" | grep -v 'running with root privileges' | sed 's/^/# /'
if grep -q '^[EW]: ' "$out"; then
	fail lintian "$(grep -c '^[EW]: ' "$out") errors/warnings: $(grep '^[EW]: ' "$out" | head -n 5 | tr '\n' ' ')"
elif [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
	fail lintian "lintian exited $rc: $(tail -n 3 "$out" | tr '\n' ' ')"
else
	for t in O I P X; do eval "n_$t=$(grep -c "^$t: " "$out")"; done
	# shellcheck disable=SC2154
	pass "lintian $(basename "$changes") (lintian $(lintian --version | awk '{print $2}'): no errors or warnings; $n_O overridden, $n_I info, $n_P pedantic, $n_X experimental)"
fi
echo "# lintian: $(elapsed "$t0") s"
tests_done
