#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the user's story of the Debian packages, on this machine, with
# commentary. Builds both packages in a clean bookworm chroot (make repo,
# make repo-prev), then runs the end-to-end story of tests/e2e in a
# bookworm system image under QEMU: apt install ebpf-kfunc-dkms
# ebpf-tools from a local APT repository, a kernel upgrade to 6.12 (DKMS
# rebuilds the module by itself), a boot into each kernel with the module
# loaded and every tool run, apt purge; and, beside it, an upgrade from
# the previous version and kernels the module cannot support. Ends with a
# summary table and exits non-zero if anything failed.
#
# The same code as `make check`'s e2e test (tests/e2e/run --demo): one
# implementation, two presentations. Needs root. Everything downloaded or
# built is cached under $EKF_CACHE (default /var/cache/ebpf-kfunc).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
build=${EKF_BUILD:-$repo/build}
t0=$(date +%s)
export E2E_T0=$t0

progress() {
	local s=$(( $(date +%s) - t0 ))
	printf '[%2d:%02d] %s\n' $((s / 60)) $((s % 60)) "$*" >&2
}
say() { printf '\n%s\n' "$*" | fold -s -w 78; }

if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root (apt, chroots, loop mounts): sudo make demo" >&2
	exit 1
fi

say "=== ebpf-kfunc: apt install, kernel upgrade, reboot: it keeps working ===
This machine is the build machine (kernel $(uname -r)); everything
below happens in a Debian 12 system image booted under QEMU.
Progress lines ([m:ss]) go to stderr; the first run downloads and builds
what it needs (under 10 minutes on 2 cores), later runs reuse the cache."

progress "installing the build machine's packages (tests/install-deps)"
tests/install-deps

# The base image does not depend on the packages: build it meanwhile.
base_log=$build/e2e-base.log
mkdir -p "$build"
tests/e2e/run --base-only > >(tee "$base_log" >&2) 2>&1 &
base_pid=$!
trap 'kill "$base_pid" 2>/dev/null || true' EXIT

say "==> Building the packages in a clean bookworm chroot, as a buildd would
(make repo: ebpf-kfunc-dkms and ebpf-tools, then a flat APT repository;
make repo-prev: the same at version 0.0.9-1, for the upgrade)."
progress "make repo repo-prev (the system image is prepared meanwhile)"
# Their progress lines shown, everything in the log.
{ make --no-print-directory BUILD="$build" repo repo-prev 2>&1 || echo "make-failed: exit $?"; } |
	tee "$build/demo-deb.log" |
	grep --line-buffered -E '^(build-deb|make-repo|make|make-failed):' >&2 || true
if grep -q '^make-failed:' "$build/demo-deb.log"; then
	tail -n 30 "$build/demo-deb.log" >&2
	echo "building the packages failed; the log: $build/demo-deb.log" >&2
	exit 1
fi
for d in "$build"/deb/repo "$build"/deb/repo-prev; do
	progress "repository $d: $(find "$d" -name '*.deb' -printf '%f\n' | sort | paste -sd ' ')"
done
if ! wait "$base_pid"; then
	cat "$base_log" >&2
	echo "preparing the system image failed" >&2
	exit 1
fi
trap - EXIT

rc=0
tests/e2e/run --demo --build "$build" || rc=$?

# The summary: kernel x check from the boots, then the package steps.
awk '
	function cell(r) { return r == "PASS" ? "pass" : (r == "FAIL" ? "FAIL" : "skip") }
	/^(PASS|FAIL|SKIP) e2e \[/ {
		res = $1
		line = $0
		sub(/^[A-Z]+ e2e \[/, "", line)
		label = line; sub(/\].*/, "", label)
		name = line; sub(/^[^\]]*\] /, "", name); sub(/: .*/, "", name)
		if (label ~ /^(upgrade )?[0-9]/) {
			if (!(label in seen_col)) { seen_col[label] = 1; cols[++ncol] = label }
			if (!(name in seen_row)) { seen_row[name] = 1; rows[++nrow] = name }
			r[name, label] = cell(res)
		} else {
			steps[++nstep] = sprintf("  %-4s  %-9s %s", cell(res), label, name)
		}
		if (res == "FAIL") failed++
	}
	END {
		printf "\n=== Summary ===\n\nBooted kernels (the module loaded at boot, the tools run):\n\n"
		printf "  %-52s", "check"
		for (c = 1; c <= ncol; c++) printf " %-13s", cols[c]
		printf "\n"
		for (i = 1; i <= nrow; i++) {
			name = rows[i]
			if (length(name) > 52) name = substr(name, 1, 49) "..."
			printf "  %-52s", name
			for (c = 1; c <= ncol; c++) {
				v = r[rows[i], cols[c]]
				printf " %-13s", v == "" ? "-" : v
			}
			printf "\n"
		}
		printf "\nPackage steps (in the image, by chroot):\n\n"
		for (i = 1; i <= nstep; i++) print steps[i]
		printf "\n%s\n", failed ? failed " check(s) FAILED (logs: build/e2e/)" : "Everything passed."
	}' "$build"/e2e/story.out "$build"/e2e/upgrade.out "$build"/e2e/failure.out 2>/dev/null || true

progress "demo finished in $(( $(date +%s) - t0 )) s"
exit "$rc"
