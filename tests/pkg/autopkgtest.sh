#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The package's autopkgtests (debian/tests: Debian's dkms-autopkgtest,
# dkms-module-purge, ebpf-tools-smoke), run for real by autopkgtest with
# the built .debs, in a throwaway overlay over the cached bookworm test
# chroot (tests/pkg/testbed: kernels 6.1 and 6.12 with headers), through
# the chroot virtualisation server. One PASS/FAIL line per test.
# A pass is recorded against the inputs (the .debs, the tests, this
# script, the testbed): identical inputs replay it (EKF_PKG_RERUN=1 runs
# again).
set -uo pipefail
PROG=tests/pkg/autopkgtest
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if ! mapfile -t debs < <(debs_in "$DEB_DIR"); then
	fail autopkgtest "no ebpf-kfunc-dkms/ebpf-tools .debs in $DEB_DIR (make deb)"
	exit 1
fi
dsc=$(ls "$DEB_DIR"/ebpf-kfunc_*.dsc 2>/dev/null | tail -n 1)
[ -n "$dsc" ] || { fail autopkgtest "no .dsc in $DEB_DIR (make deb)"; exit 1; }

cache_init
host_need autopkgtest dpkg-dev
t0=$(now)
root=$("$REPO/tests/pkg/testbed" --print-root) || { fail autopkgtest-testbed "cannot make the test chroot"; exit 1; }

tmp=$(mktemp -d "$EKF_CACHE/tmp/pkg-autopkgtest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-source --no-check -x "$dsc" "$tmp/src" >/dev/null || { fail autopkgtest "dpkg-source -x $dsc failed"; exit 1; }

key=$(printf '%s\n' "$(sha_of "${debs[@]}")" "$(cd "$tmp/src" && find debian/tests -type f -print0 | sort -z | xargs -0 cat | sha256sum)" \
	"$(sha_of "$0" "$REPO/tests/pkg/testbed")" "$(cat "$root/var/lib/ekf-pkg/format")" \
	"$(ls "$root/lib/modules")" "$(stat -c %Y "$root/var/lib/ekf-pkg/format")" | sha256sum | cut -d' ' -f1)
if cached autopkgtest "$key"; then
	cached_replay autopkgtest "$key"
	exit 0
fi

say "autopkgtest on $(basename "${debs[0]}") $(basename "${debs[1]}") in an overlay of $root (kernels: $(ls "$root/lib/modules" | tr '\n' ' '))"
mkdir -p "$tmp/out"
log=$tmp/autopkgtest.log
overlay_run "$root" "$tmp" autopkgtest --no-built-binaries --timeout-test=900 \
	--output-dir "$tmp/out" "${debs[@]}" "$tmp/src/" -- chroot "$tmp/root" > "$log" 2>&1
rc=$?
mkdir -p "$REPO/build/pkg"
cp "$log" "$REPO/build/pkg/autopkgtest.log"
cp "$tmp/out/log" "$REPO/build/pkg/autopkgtest-summary.log" 2>/dev/null

# What each test printed: its own result lines and dkms's summary.
for t in dkms-autopkgtest dkms-module-purge ebpf-tools-smoke; do
	f=$tmp/out/$t-stdout
	[ -f "$f" ] || continue
	sed -n 's/^\(PASS\|FAIL\|SKIP\) /# '"$t"': \1 /p; s/^I: \(PASS\|FAIL\|SKIP\) /# '"$t"': dkms \1 /p' "$f"
done
results=$tmp/results
: > "$results"
if [ -f "$tmp/out/summary" ]; then
	while read -r test verdict rest; do
		case $verdict in
		PASS) echo "PASS autopkgtest-$test" ;;
		SKIP) echo "SKIP autopkgtest-$test: ${rest:-skipped}" ;;
		*) echo "FAIL autopkgtest-$test: $verdict $rest (log: build/pkg/autopkgtest.log)" ;;
		esac
	done < "$tmp/out/summary" >> "$results"
fi
for t in dkms-autopkgtest dkms-module-purge ebpf-tools-smoke; do
	grep -q " autopkgtest-$t\b" "$results" ||
		echo "FAIL autopkgtest-$t: did not run (autopkgtest exit $rc; log: build/pkg/autopkgtest.log)" >> "$results"
done
cat "$results"
echo "# autopkgtest: exit $rc after $(elapsed "$t0") s"
if [ "$rc" = 0 ] && ! grep -q '^FAIL' "$results"; then
	cache_record autopkgtest "$key" "$results"
	exit 0
fi
tail -n 40 "$log" | sed 's/^/# | /'
exit 1
