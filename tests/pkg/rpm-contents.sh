#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The RPMs hold what the .debs hold: for each package (ebpf-kfunc-dkms,
# ebpf-tools), the files of `make rpm`'s RPM (rpm -qp) and of `make deb`'s
# .deb (dpkg-deb -c), with their types and permissions, are the same once
# the distributions' own conventions are mapped:
#   - /lib/... (Debian 12's unit directory, /lib/systemd/system) is
#     /usr/lib/... (merged /usr; RPM's %{_unitdir});
#   - man pages compared without their compression suffix;
#   - left out: documentation and licence directories (/usr/share/doc,
#     /usr/share/licenses), lintian overrides, RPM's /usr/lib/.build-id
#     links, and directories, except the module source tree's own
#     (/usr/src/ebpf-kfunc-VERSION/...), which the RPM must own.
# Nothing names a tool: new tools, man pages and units are compared the
# same way. Also checked in the RPMs: the versions match the .debs'
# upstream version, man pages are compressed, every tool has its man page,
# each package has its %license and %doc, and the tools' scriptlets name
# every systemd unit the package ships (%systemd_post, %systemd_preun;
# %systemd_postun names none on current Fedora).
set -uo pipefail
PROG=tests/pkg/rpm-contents
# shellcheck source=rpm-lib.sh
. "$(dirname "$0")/rpm-lib.sh"

if ! mapfile -t rpms < <(rpms_in "$RPM_DIR"); then
	fail rpm-contents "no ebpf-kfunc-dkms/ebpf-tools RPMs in $RPM_DIR (make rpm)"
	exit 1
fi
if ! mapfile -t debs < <(debs_in "$DEB_DIR"); then
	fail rpm-contents "no ebpf-kfunc-dkms/ebpf-tools .debs in $DEB_DIR (make deb)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# normalize: "PERMS PATH" lines on stdin, mapped and filtered as above.
normalize() {
	sed -e 's,^\([^ ]*\) /lib/,\1 /usr/lib/,' \
	    -e 's,^\([^ ]* /usr/share/man/.*\)\.\(gz\|bz2\|xz\|zst\)$,\1,' |
	grep -v -E ' /usr/share/(doc|licenses|lintian)(/|$)| /usr/lib/\.build-id(/|$)' |
	grep -E '^[^d]| /usr/src/ebpf-kfunc-[^/]+(/|$)' |
	sort -k2
}
deb_files() {	# DEB: "PERMS PATH" of each entry
	dpkg-deb -c "$1" | awk '{ p = $6; sub(/^\./, "", p); sub(/\/$/, "", p); if (p != "") print $1, p }'
}
rpm_files() {	# RPM: "PERMS PATH" of each entry
	rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1"
}

deb_upstream=$(dpkg-deb -f "${debs[0]}" Version | sed 's/^[0-9]*://; s/-[^-]*$//')
for r in "${rpms[@]}"; do
	pkg=$(rpm -qp --qf '%{NAME}' "$r")
	ver=$(rpm -qp --qf '%{VERSION}' "$r")
	deb=
	for d in "${debs[@]}"; do
		[ "$(dpkg-deb -f "$d" Package)" = "$pkg" ] && deb=$d
	done
	if [ -z "$deb" ]; then
		fail "rpm-contents-$pkg" "no .deb of $pkg in $DEB_DIR"
		continue
	fi
	if [ "$ver" = "$deb_upstream" ]; then
		pass "rpm-version-$pkg-is-deb-upstream-$ver"
	else
		fail "rpm-version-$pkg-is-deb-upstream-$deb_upstream" "the RPM is $ver (make deb rpm from the same tree)"
	fi

	deb_files "$deb" | normalize > "$tmp/deb"
	rpm_files "$r" | normalize > "$tmp/rpm"
	n=$(grep -c '^[^d]' "$tmp/rpm")
	if [ "$n" -gt 0 ] && diff -u "$tmp/deb" "$tmp/rpm" > "$tmp/diff"; then
		pass "rpm-contents-$pkg-match-deb ($n files, $(grep -c '^d' "$tmp/rpm") directories)"
	else
		sed 's/^/# /' "$tmp/diff"
		fail "rpm-contents-$pkg-match-deb" "$(grep -E '^[-+]' "$tmp/diff" | grep -c -v -E '^(---|\+\+\+) ') differing lines between $(basename "$deb") (-) and $(basename "$r") (+), shown above"
	fi

	rpm_files "$r" > "$tmp/all"
	lic=$(grep -c " /usr/share/licenses/$pkg/COPYING$" "$tmp/all")
	doc=$(grep -c " /usr/share/doc/$pkg/" "$tmp/all")
	[ "$lic" = 1 ] && [ "$doc" -ge 1 ] && pass "rpm-license-and-doc-$pkg" ||
		fail "rpm-license-and-doc-$pkg" "want /usr/share/licenses/$pkg/COPYING (%license) and /usr/share/doc/$pkg/ (%doc): $(grep -E ' /usr/share/(licenses|doc)/' "$tmp/all" | tr '\n' ' ')"

	# Man pages compressed; one for each tool.
	bad=$(awk '$2 ~ /^\/usr\/share\/man\/man[0-9]\// && $1 !~ /^d/ && $2 !~ /\.gz$/ { print $2 }' "$tmp/all")
	[ -z "$bad" ] && pass "rpm-man-pages-compressed-$pkg" || fail "rpm-man-pages-compressed-$pkg" "$bad"
	missing=
	for tool in $(awk '$2 ~ /^\/usr\/s?bin\// { sub(/.*\//, "", $2); print $2 }' "$tmp/all"); do
		grep -q " /usr/share/man/man8/$tool\.8\.gz$" "$tmp/all" || missing="$missing $tool"
	done
	if grep -q ' /usr/s\?bin/' "$tmp/all"; then
		[ -z "$missing" ] && pass "rpm-man-page-per-tool-$pkg" || fail "rpm-man-page-per-tool-$pkg" "no man page for:$missing"
	fi

	# The systemd scriptlets cover every unit shipped.
	units=$(awk '$2 ~ /^\/usr\/lib\/systemd\/system\/[^\/]+\.service$/ { sub(/.*\//, "", $2); print $2 }' "$tmp/all")
	if [ -n "$units" ]; then
		rpm -qp --scripts "$r" > "$tmp/scripts"
		missing=
		for u in $units; do
			for s in postinstall preuninstall; do
				sed -n "/^$s scriptlet/,/^[a-z]* scriptlet/p" "$tmp/scripts" | grep -q -F "$u" ||
					missing="$missing $s:$u"
			done
		done
		[ -z "$missing" ] && pass "rpm-systemd-scriptlets-$pkg ($(echo $units))" ||
			fail "rpm-systemd-scriptlets-$pkg" "not in the scriptlets:$missing"
	fi
done
tests_done
