#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The maintainer scripts with real DKMS builds, as on a user's machine
# whose running kernel has no headers installed, in a throwaway overlay
# over the bookworm test chroot (tests/pkg/testbed: 6.1 and 6.12 installed
# with headers; the host's kernel plays the running one, headers missing):
#   1. apt install the previous version (make repo-prev: 0.0.9-1): the
#      postinst skips the running kernel, saying that its headers are not
#      installed, builds the real module for every kernel with headers
#      (6.1 and 6.12), and apt succeeds;
#   2. apt upgrade to the current .debs: 0.0.9 is removed from DKMS and
#      /usr/src, 0.1.0 is built and installed in its place for each kernel;
#   3. apt purge: no module in any /lib/modules/*/updates, nothing under
#      /usr/src/ebpf-kfunc-*, no /var/lib/dkms/ebpf-kfunc.
# A pass is recorded against the inputs; identical inputs replay it
# (EKF_PKG_RERUN=1 runs again).
set -uo pipefail
PROG=tests/pkg/dkms-upgrade
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if ! mapfile -t debs < <(debs_in "$DEB_DIR"); then
	fail dkms-upgrade "no ebpf-kfunc-dkms/ebpf-tools .debs in $DEB_DIR (make deb)"
	exit 1
fi
if ! mapfile -t prev < <(debs_in "$DEB_PREV_DIR"); then
	fail dkms-upgrade "no previous version's .debs in $DEB_PREV_DIR (make deb-prev)"
	exit 1
fi
cache_init
t0=$(now)
root=$("$REPO/tests/pkg/testbed" --print-root) || { fail dkms-upgrade-testbed "cannot make the test chroot"; exit 1; }
key=$(printf '%s\n' "$(sha_of "${debs[@]}" "${prev[@]}")" "$(sha_of "$0" "$REPO/tests/pkg/testbed")" \
	"$(ls "$root/lib/modules")" "$(stat -c %Y "$root/var/lib/ekf-pkg/format")" | sha256sum | cut -d' ' -f1)
if cached dkms-upgrade "$key"; then
	cached_replay dkms-upgrade "$key"
	exit 0
fi

tmp=$(mktemp -d "$EKF_CACHE/tmp/pkg-dkms-upgrade.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debs/prev" "$tmp/debs/cur"
cp "${prev[@]}" "$tmp/debs/prev/"
cp "${debs[@]}" "$tmp/debs/cur/"
say "DKMS upgrade $(basename "${prev[0]}" | cut -d_ -f2) -> $(basename "${debs[0]}" | cut -d_ -f2) in an overlay of $root (kernels $(ls "$root/lib/modules" | tr '\n' ' ')and a running one without headers)"
mkdir -p "$REPO/build/pkg"
log=$REPO/build/pkg/dkms-upgrade.log

# Runs inside the chroot: result lines on stdout, apt's output in the log.
# shellcheck disable=SC2016
inside='
set -u
debs=$1 log=$2
export DEBIAN_FRONTEND=noninteractive
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
running=$(uname -r)
kernels=$(for b in /lib/modules/*/build; do [ -e "$b/include" ] && basename "${b%/build}"; done)
mkdir -p "/lib/modules/$running"	# a running kernel, its headers not installed
modver() {	# KVER: the installed module version, or the placeholder reason
	local ko
	ko=$(find "/lib/modules/$1/updates" -name "ebpf_kfunc.ko*" 2>/dev/null | head -n 1)
	[ -n "$ko" ] || { echo none; return; }
	case $ko in *.xz) xz -dc "$ko" > /tmp/m.ko ;; *) cp "$ko" /tmp/m.ko ;; esac
	why=$(modinfo -F ekf_unsupported /tmp/m.ko)
	if [ -n "$why" ]; then
		echo "placeholder: $why"
		cat /var/lib/dkms/ebpf-kfunc/*/"$1"/*/log/make.log >> "$log" 2>/dev/null
		return
	fi
	modinfo -F version /tmp/m.ko
}
step() {	# NAME CMD...: run an apt step, PASS/FAIL on its exit status
	local name=$1 rc
	shift
	echo "### $*" >> "$log"
	"$@" >> "$log" 2>&1
	rc=$?
	[ "$rc" = 0 ] && pass "$name" || fail "$name" "exit $rc: $(tail -n 5 "$log" | tr "\n" " ")"
	return $rc
}

step install-0.0.9 apt-get install -y -q --no-install-recommends "$debs"/prev/*.deb || exit 1
grep -A1 "Module build for kernel $running was skipped" "$log" | grep -q "headers for this kernel do not seem to be installed" &&
	pass "postinst-says-running-kernel-has-no-headers" ||
	fail "postinst-says-running-kernel-has-no-headers" "no such message in the postinst output"
for k in $kernels; do
	v=$(modver "$k")
	[ "$v" = 0.0.9 ] && pass "built-0.0.9-for-$k" || fail "built-0.0.9-for-$k" "module: $v"
done

step upgrade-to-0.1.0 apt-get install -y -q --no-install-recommends "$debs"/cur/*.deb || exit 1
for k in $kernels; do
	v=$(modver "$k")
	[ "$v" = 0.1.0 ] && pass "rebuilt-0.1.0-for-$k" || fail "rebuilt-0.1.0-for-$k" "module: $v"
done
left=$(ls -d /usr/src/ebpf-kfunc-0.0.9 /var/lib/dkms/ebpf-kfunc/0.0.9 2>/dev/null; dkms status ebpf-kfunc/0.0.9 2>/dev/null)
[ -z "$left" ] && pass "upgrade-removed-0.0.9" || fail "upgrade-removed-0.0.9" "$(echo $left)"
dkms status ebpf-kfunc 2>/dev/null | sed "s/^/# dkms status: /"

step purge apt-get purge -y -q ebpf-kfunc-dkms ebpf-tools || exit 1
left=$(ls -d /usr/src/ebpf-kfunc-* /var/lib/dkms/ebpf-kfunc /usr/lib/modules-load.d/ebpf-kfunc.conf 2>/dev/null
	find /lib/modules -name "ebpf_kfunc.ko*" 2>/dev/null)
[ -z "$left" ] && pass "purge-leaves-nothing" || fail "purge-leaves-nothing" "$(echo $left)"
'
: > "$log"
# The .debs go straight into the overlay's upper layer.
mkdir -p "$tmp/upper/tmp"
mv "$tmp/debs" "$tmp/upper/tmp/ekf-debs"
overlay_run "$root" "$tmp" chroot "$tmp/root" /bin/bash -c "$inside" sh \
	/tmp/ekf-debs /tmp/ekf-upgrade.log > "$tmp/results" 2>&1
rc=$?
cp "$tmp/upper/tmp/ekf-upgrade.log" "$log" 2>/dev/null
grep '^#' "$tmp/results"
grep -v '^#' "$tmp/results" | grep -v '^\(PASS\|FAIL\|SKIP\) ' | sed 's/^/# | /'
grep '^\(PASS\|FAIL\|SKIP\) ' "$tmp/results" > "$tmp/lines"
cat "$tmp/lines"
echo "# dkms-upgrade: $(elapsed "$t0") s (log: build/pkg/dkms-upgrade.log)"
if [ "$rc" = 0 ] && grep -q '^PASS purge-leaves-nothing' "$tmp/lines" && ! grep -q '^FAIL' "$tmp/lines"; then
	cache_record dkms-upgrade "$key" "$tmp/lines"
	exit 0
fi
grep -q '^FAIL' "$tmp/lines" || echo "FAIL dkms-upgrade: exit $rc, stopped early (log: build/pkg/dkms-upgrade.log)"
exit 1
