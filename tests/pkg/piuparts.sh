#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# piuparts on the built .debs, in a minimal bookworm (base tarball made by
# mmdebstrap, cached in $EKF_CACHE/pkg-test/piuparts-bookworm.tar.gz,
# remade weekly):
#   install-purge:          dependencies from the archive, our .debs with
#                           dpkg, purge: nothing left, nothing changed;
#   install-upgrade-purge:  the previous version (make repo-prev: 0.0.9-1)
#                           installed with apt from its local repository,
#                           upgraded to the .debs, purged.
# The chroot has no kernel headers (piuparts installs no Recommends): the
# DKMS postinst must say so and succeed, which is checked in the log.
# A pass is recorded against the inputs; identical inputs replay it
# (EKF_PKG_RERUN=1 runs again).
set -uo pipefail
PROG=tests/pkg/piuparts
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# --------------------------------------------------------- base tarball
base=$EKF_CACHE/pkg-test/piuparts-bookworm.tar.gz
FORMAT=1
make_base() {
	lock_take pkg-piuparts-base
	if [ "$(cat "$base.format" 2>/dev/null)" != "$FORMAT" ] || [ -n "$(find "$base" -mtime +7 2>/dev/null)" ]; then
		say "creating the piuparts base tarball $base (mmdebstrap --variant=minbase)"
		mkdir -p "$(dirname "$base")"
		mapfile -t sources < <(suite_sources bookworm)
		logged "$EKF_CACHE/tmp/piuparts-base.log" mmdebstrap --variant=minbase --mode=root \
			--include=eatmydata bookworm "$base.new.tar.gz" "${sources[@]}" ||
			{ fail piuparts-base "mmdebstrap failed"; return 1; }
		mv "$base.new.tar.gz" "$base"
		echo "$FORMAT" > "$base.format"
	fi
	lock_release
}

cache_init
host_need piuparts mmdebstrap
if [ "${1:-}" = --prepare ]; then	# only the base tarball (tests/pkg/pkg.mk)
	make_base
	exit
fi
if ! mapfile -t debs < <(debs_in "$DEB_DIR"); then
	fail piuparts "no ebpf-kfunc-dkms/ebpf-tools .debs in $DEB_DIR (make deb)"
	exit 1
fi
if ! mapfile -t prev < <(debs_in "$DEB_REPO_PREV"); then
	fail piuparts "no previous version's repository in $DEB_REPO_PREV (make repo-prev)"
	exit 1
fi

t0=$(now)
make_base || exit 1

key=$(printf '%s\n' "$(sha_of "${debs[@]}")" "$(sha_of "${prev[@]}")" "$(sha_of "$0")" \
	"$(stat -c %Y "$base")" | sha256sum | cut -d' ' -f1)
if cached piuparts "$key"; then
	cached_replay piuparts "$key"
	exit 0
fi

repo_prev=$(cd "$DEB_REPO_PREV" && pwd)
mkdir -p "$REPO/build/pkg"
log=$REPO/build/pkg/piuparts.log
rm -f "$log"
say "piuparts: install-purge of $(basename "${debs[0]}") $(basename "${debs[1]}"), and upgrade from $(basename "${prev[0]}" | cut -d_ -f2) (log: build/pkg/piuparts.log)"
piuparts --distribution=bookworm --mirror="$EKF_MIRROR main" --basetgz="$base" \
	--extra-repo="deb $EKF_MIRROR bookworm-updates main" \
	--extra-repo="deb $EKF_SECURITY_MIRROR bookworm-security main" \
	--bindmount="$repo_prev" --extra-repo="deb [trusted=yes] file://$repo_prev ./" \
	--fail-on-broken-symlinks --pedantic-purge-test --log-file="$log" \
	"${debs[@]}" > /dev/null 2>&1
rc=$?

results=$(mktemp)
trap 'rm -f "$results"' EXIT
# What the DKMS postinst said without kernel headers.
grep -E 'DKMS files|chroot.s host|Building for|headers for this kernel|Module build' "$log" |
	sed 's/^.*DEBUG: *//; s/^/# dkms postinst: /' | sort -u | head -n 12
phase() {	# NAME PATTERN
	if grep -q "PASS: $2" "$log"; then
		echo "PASS piuparts-$1" >> "$results"
	else
		echo "FAIL piuparts-$1: $(grep -E 'ERROR|FAIL' "$log" | head -n 3 | tr '\n' ' ') (log: build/pkg/piuparts.log)" >> "$results"
	fi
}
phase install-purge 'Installation and purging test'
phase install-upgrade-purge 'Installation, upgrade and purging tests'
if grep -q 'Setting up ebpf-kfunc-dkms' "$log" && ! grep -qi 'dkms.*error' "$log"; then
	echo "PASS piuparts-dkms-postinst-without-headers" >> "$results"
else
	echo "FAIL piuparts-dkms-postinst-without-headers: see build/pkg/piuparts.log" >> "$results"
fi
cat "$results"
echo "# piuparts: exit $rc after $(elapsed "$t0") s"
if [ "$rc" = 0 ] && ! grep -q '^FAIL' "$results"; then
	cache_record piuparts "$key" "$results"
	exit 0
fi
grep -E 'ERROR|FAIL' "$log" | head -n 20 | sed 's/^/# | /'
exit 1
