# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2016,SC2086
#
# The end-to-end story of issue 3, one implementation for two
# presentations: tests/e2e/run (result lines for `make check`) and
# tests/demo.sh (the same, with commentary and command output: E2E_DEMO=1).
#
# Three jobs, each on its own copy of the clean base image:
#   story     install the packages by name from the local repository on
#             6.1, install the 6.12 kernel (DKMS rebuilds through its
#             hooks), boot 6.12, boot 6.1, purge
#   upgrade   install the previous version, upgrade to the current one,
#             boot: exactly one module version remains and it loads
#   failure   kernels the module cannot support, or without headers,
#             never make apt fail (chroot only)
# Package operations run chrooted in the image on the host (dpkg, apt and
# the DKMS kernel hooks for real, at native speed); the boots run the
# image's own kernels under QEMU.
#
# Every check prints a result line (tests/lib/result.sh) named
# "e2e [JOB or KERNEL] ...". Needs: E2E_REPO, E2E_PREV_REPO (flat APT
# repositories), E2E_LOGS (where the logs go).

# narrate TEXT: commentary, in the demo only (stdout).
narrate() {
	if [ "${E2E_DEMO:-0}" = 1 ]; then
		printf '\n%s\n' "$*" | fold -s -w 78
	fi
	return 0
}

# demo_show FILE [REGEX]: in the demo, the lines of FILE (matching REGEX),
# indented.
demo_show() {
	[ "${E2E_DEMO:-0}" = 1 ] || return 0
	if [ -n "${2:-}" ]; then
		grep -vE '^(#|Get:|Ign:|Hit:|  [a-z0-9])' "$1" | grep -E -- "$2" | sed 's/^/    | /' || true
	else
		sed 's/^/    | /' "$1"
	fi
}

# step TEXT: progress of the current job, on stderr.
step() { progress "${E2E_JOB:+[$E2E_JOB] }$*"; }

# timing NAME SECONDS: one line of the run's timings (build/e2e/timings).
timing() { printf '%s\t%s\n' "$1" "$2" >> "$E2E_LOGS/timings"; }

# repo_version REPO PACKAGE: the version of PACKAGE in flat repository REPO.
repo_version() {
	local p=$1/Packages
	{ if [ -f "$p" ]; then cat "$p"; elif [ -f "$p.gz" ]; then zcat "$p.gz"; elif [ -f "$p.xz" ]; then xzcat "$p.xz"; fi; } |
		awk -v pkg="$2" '/^Package: / { p = ($2 == pkg) } p && /^Version: / { print $2; exit }'
}

# upstream VERSION: the Debian version without its revision (the DKMS one).
upstream() { local v=${1#*:}; echo "${v%-*}"; }

# job_start JOB: a fresh copy of the base image for JOB; sets JOB, IMG, LOGS.
job_start() {
	JOB=$1
	E2E_JOB=$1
	local dir
	dir=$(job_new "$JOB")
	IMG=$dir/disk.img
	LOGS=$E2E_LOGS/$JOB
	rm -rf "$LOGS"
	mkdir -p "$LOGS"
}

# job_do NAME CMD...: CMD chrooted in the job's image, with the job's apt
# archive cache; its output in LOGS/NAME.log (OUT); returns CMD's status.
job_do() {
	local name=$1 rc=0 dir
	shift
	dir=$E2E_WORK/$JOB
	OUT=$LOGS/$name.log
	cp -nl "$E2E_ARCHIVES"/*.deb "$dir/archives/" 2>/dev/null || true
	printf '# %s\n' "$*" > "$OUT"
	A=$dir/archives img_run "$IMG" "$@" >> "$OUT" 2>&1 || rc=$?
	job_keep_archives "$dir"
	printf '# exit %s\n' "$rc" >> "$OUT"
	return "$rc"
}

# job_query SCRIPT: SCRIPT run by sh chrooted in the image; its stdout.
job_query() { img_run "$IMG" sh -c "$1" 2>/dev/null || true; }

# job_repo SRC NAME: flat repository SRC copied into the image as
# /srv/NAME, the image's only ebpf-kfunc* apt source ("deb [trusted=yes]
# file:/srv/NAME ./"). A new NAME for a new repository: apt ignores a
# Release file dated before the one it has, and the two repositories of
# the upgrade are made in no particular order.
job_repo() {
	img_sh "$IMG" '
		rm -rf "$M/srv/$2" "$M"/etc/apt/sources.list.d/ebpf-kfunc*.list
		mkdir -p "$M/srv"
		cp -a "$1" "$M/srv/$2"
		echo "deb [trusted=yes] file:/srv/$2 ./" > "$M/etc/apt/sources.list.d/$2.list"
	' "$1" "$2"
}

# Word-split where used: the command and its options.
APT_GET="apt-get -q -y -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-unsafe-io"

# apt_check NAME DESCRIPTION CMD...: PASS/FAIL on the exit status of an apt
# (or dpkg) command run in the image; shows the end of its log on failure.
apt_check() {
	local name=$1 what=$2 t0 rc=0
	shift 2
	t0=$(now)
	job_do "$name" "$@" || rc=$?
	timing "$JOB: $what" "$(elapsed "$t0")"
	if [ "$rc" = 0 ]; then
		pass "e2e [$JOB] $what"
	else
		fail "e2e [$JOB] $what" "exit $rc: $(grep -v '^#' "$OUT" | tail -n 6 | tr '\n' ' ') (log: $OUT)"
	fi
	return "$rc"
}

# modules_built: "KVER FILE" of each ebpf_kfunc module under
# /lib/modules/*/updates in the image, and "placeholder" after it for the
# module that refuses to load.
MODULES_BUILT='for f in /lib/modules/*/updates/dkms/ebpf_kfunc.ko* /lib/modules/*/updates/ebpf_kfunc.ko*; do
	[ -f "$f" ] || continue
	k=${f#/lib/modules/}; k=${k%%/*}
	case $f in *.xz) c="xz -dc" ;; *.zst) c="zstd -qdc" ;; *.gz) c="gzip -dc" ;; *) c=cat ;; esac
	if $c "$f" | tr "\0" "\n" | grep -q "^ekf_unsupported="; then echo "$k $f placeholder"; else echo "$k $f"; fi
done'

# dkms_build_seconds KVER: how long DKMS's build for KVER took (its
# make.log: the start date it writes, and its last change).
dkms_build_seconds() {
	job_query '
		log=$(ls /var/lib/dkms/ebpf-kfunc/*/'"$1"'/*/log/make.log 2>/dev/null | head -n 1)
		[ -n "$log" ] || exit 0
		start=$(date -d "$(sed -n 2p "$log")" +%s 2>/dev/null) || exit 0
		echo $(( $(stat -c %Y "$log") - start ))'
}

# ---------------------------------------------------------------------
# story: section 2, steps 1-6.
job_story() {
	local k61 k612 ver dver built t0 secs left
	job_start story
	ver=$(repo_version "$E2E_REPO" ebpf-kfunc-dkms)
	dver=$(upstream "$ver")
	k61=$(base_kver)

	narrate "==> Step 1. A Debian 12 (bookworm) system with its 6.1 kernel and headers: a disk image made with mmdebstrap and mkfs.ext4 (cached in $E2E_CACHE/base; every run starts from a fresh copy)."
	step "1. base image with kernel $k61"
	if [ "$(job_query "dpkg-query -W -f='\${db:Status-Status}\n' linux-image-$k61 linux-headers-$k61 linux-image-amd64 linux-headers-amd64 | sort -u")" = installed ]; then
		pass "e2e [story] 1. bookworm kernel $k61 and its headers are installed"
	else
		fail "e2e [story] 1. bookworm kernel $k61 and its headers are installed" "not in the base image"
	fi

	narrate "==> Step 2. The local APT repository that 'make repo' built is added as a source (deb [trusted=yes] file:/srv/ebpf-kfunc ./), then, as a user would: apt install ebpf-kfunc-dkms ebpf-tools. DKMS builds the module for the installed kernel while the package configures."
	step "2. apt install ebpf-kfunc-dkms ebpf-tools ($ver) from the local repository"
	job_repo "$E2E_REPO" ebpf-kfunc
	if apt_check 2-install "2. apt-get install ebpf-kfunc-dkms ebpf-tools ($ver, from the local repository)" \
		sh -c "apt-get -q update && $APT_GET install ebpf-kfunc-dkms ebpf-tools"; then
		demo_show "$OUT" '^(Setting up (ebpf-|dkms )|Loading new|Building (for|initial)|  *- Installing|ebpf-kfunc:)'
	fi
	built=$(job_query "$MODULES_BUILT")
	if grep -q "^$k61 " <<<"$built" && ! grep -q "^$k61 .* placeholder" <<<"$built"; then
		pass "e2e [story] 2. DKMS built the module for $k61 during the install"
	else
		fail "e2e [story] 2. DKMS built the module for $k61 during the install" "modules: $(echo "${built:-none}" | tr '\n' ' ')"
	fi

	narrate "==> Step 3. The kernel upgrade: apt install -t bookworm-backports linux-image-amd64 linux-headers-amd64 (Linux 6.12). Nobody runs dkms: the kernel packages' hooks (/etc/kernel/header_postinst.d/dkms) must rebuild the module for the new kernel."
	step "3. apt install -t bookworm-backports linux-image-amd64 linux-headers-amd64 (the kernel upgrade; DKMS rebuilds through its hooks)"
	t0=$(now)
	if apt_check 3-kernel "3. apt-get install -t bookworm-backports linux-image-amd64 linux-headers-amd64" \
		$APT_GET install -t bookworm-backports linux-image-amd64 linux-headers-amd64; then
		demo_show "$OUT" '^(Setting up linux-(image|headers)-6|/etc/kernel/|dkms:|  *- Installing|ebpf-kfunc:|update-initramfs)'
	fi
	k612=$(job_query 'ls /boot/vmlinuz-6.12* 2>/dev/null | sed "s|^/boot/vmlinuz-||" | sort -V | tail -n 1')
	built=$(job_query "$MODULES_BUILT")
	secs=$(dkms_build_seconds "$k612")
	[ -n "$secs" ] && timing "DKMS rebuild for $k612 (make.log)" "$secs"
	if [ -n "$k612" ] && grep -q "^$k612 " <<<"$built" && ! grep -q "^$k612 .* placeholder" <<<"$built"; then
		pass "e2e [story] 3. DKMS rebuilt the module for $k612 through the kernel hooks"
		step "3. DKMS built the module for $k612 in ${secs:-?} s (the whole kernel install: $(elapsed "$t0") s)"
		narrate "DKMS built the module for $k612 in ${secs:-?} s, by itself. dkms status:"
		[ "${E2E_DEMO:-0}" = 1 ] && job_query 'dkms status' | sed 's/^/    | /'
	else
		fail "e2e [story] 3. DKMS rebuilt the module for $k612 through the kernel hooks" "kernel '${k612:-none}'; modules: $(echo "${built:-none}" | tr '\n' ' ')"
	fi
	if [ -n "$k612" ] && grep -q "^$k61 /lib/modules/$k61/updates/dkms/[^ ]*$" <<<"$built" &&
	   grep -q "^$k612 /lib/modules/$k612/updates/dkms/[^ ]*$" <<<"$built"; then
		pass "e2e [story] 3. the module exists for both kernels in /lib/modules/*/updates/dkms"
	else
		fail "e2e [story] 3. the module exists for both kernels in /lib/modules/*/updates/dkms" "$(echo "${built:-none}" | tr '\n' ' ')"
	fi

	if [ -n "$k612" ]; then
		narrate "==> Step 4. Reboot into the new kernel, $k612: QEMU boots the image's own /boot/vmlinuz and initrd.img, root on /dev/vda, systemd as init. systemd-modules-load loads ebpf_kfunc (modules-load.d); a test unit then runs the checks below and powers off."
		step "4. boot $k612"
		e2e_boot "$IMG" "$LOGS" 6.12 "$k612" "$dver" || true
	else
		fail "e2e [6.12] the system boots into 6.12" "no 6.12 kernel was installed"
	fi
	narrate "==> Step 5. Boot back into $k61."
	step "5. boot $k61"
	e2e_boot "$IMG" "$LOGS" 6.1 "$k61" "$dver" || true

	narrate "==> Step 6. apt purge ebpf-kfunc-dkms ebpf-tools: DKMS removes the module from every kernel; nothing may stay behind."
	step "6. apt purge ebpf-kfunc-dkms ebpf-tools"
	if apt_check 6-purge "6. apt-get purge ebpf-kfunc-dkms ebpf-tools" $APT_GET purge ebpf-kfunc-dkms ebpf-tools; then
		demo_show "$OUT" '^(Removing|Purging) ebpf|^Deleting|  *- Deleting|ebpf-kfunc:'
	fi
	left=$(job_query '
		ls -d /lib/modules/*/updates/dkms/ebpf_kfunc* /lib/modules/*/updates/ebpf_kfunc* /usr/src/ebpf-kfunc-* /var/lib/dkms/ebpf-kfunc /usr/lib/modules-load.d/ebpf-kfunc.conf /usr/sbin/ebpf-kfunc 2>/dev/null
		dpkg-query -W -f="\${db:Status-Abbrev} \${Package}\n" "ebpf-*" 2>/dev/null | grep -v "^un "')
	if [ -z "$left" ]; then
		pass "e2e [story] 6. nothing left (no module under /lib/modules/*/updates, no /usr/src/ebpf-kfunc-*, no DKMS state)"
	else
		fail "e2e [story] 6. nothing left (no module under /lib/modules/*/updates, no /usr/src/ebpf-kfunc-*, no DKMS state)" "$(echo "$left" | tr '\n' ' ')"
	fi
}

# ---------------------------------------------------------------------
# upgrade: the previous version, upgraded to the current one.
job_upgrade() {
	local k61 ver dver prev built versions
	job_start upgrade
	ver=$(repo_version "$E2E_REPO" ebpf-kfunc-dkms)
	dver=$(upstream "$ver")
	prev=$(repo_version "$E2E_PREV_REPO" ebpf-kfunc-dkms)
	k61=$(base_kver)
	narrate "==> Upgrade: the fleet's repository had $prev; it now has $ver. apt upgrades the packages; the old module version must go, the new one be built and load."
	step "install the previous version $prev"
	job_repo "$E2E_PREV_REPO" ebpf-kfunc-prev
	apt_check 1-install-prev "install the previous version ($prev)" \
		sh -c "apt-get -q update && $APT_GET install ebpf-kfunc-dkms ebpf-tools" || true
	built=$(job_query "$MODULES_BUILT")
	if [ "$(job_query 'modinfo -F version /lib/modules/'"$k61"'/updates/dkms/ebpf_kfunc.ko* 2>/dev/null')" = "$(upstream "$prev")" ]; then
		pass "e2e [upgrade] DKMS built the previous version $(upstream "$prev") for $k61"
	else
		fail "e2e [upgrade] DKMS built the previous version $(upstream "$prev") for $k61" "modules: $(echo "${built:-none}" | tr '\n' ' ')"
	fi
	step "upgrade to $ver"
	job_repo "$E2E_REPO" ebpf-kfunc
	apt_check 2-upgrade "upgrade to the current version ($ver)" \
		sh -c "apt-get -q update && $APT_GET install --only-upgrade ebpf-kfunc-dkms ebpf-tools" || true
	demo_show "$OUT" '^(Unpacking|Setting up) ebpf|^Deleting module|^Loading new|  *- (Installing|Deleting)'
	versions=$(job_query '
		dpkg-query -W -f="pkg \${Package} \${Version}\n" ebpf-kfunc-dkms ebpf-tools
		for d in /var/lib/dkms/ebpf-kfunc/*/; do [ -d "$d" ] && [ ! -L "${d%/}" ] && echo "dkms-tree ${d%/}"; done
		for d in /usr/src/ebpf-kfunc-*; do [ -e "$d" ] && echo "src $d"; done
		dkms status -m ebpf-kfunc 2>/dev/null | sed "s/^/status /"
		for f in /lib/modules/*/updates/dkms/ebpf_kfunc.ko* /lib/modules/*/updates/ebpf_kfunc.ko*; do
			[ -f "$f" ] && echo "ko $f $(modinfo -F version "$f")"
		done')
	echo "$versions" > "$LOGS/state.txt"
	local want_pkgs
	want_pkgs=$(printf 'pkg ebpf-kfunc-dkms %s\npkg ebpf-tools %s' "$ver" "$(repo_version "$E2E_REPO" ebpf-tools)")
	if [ "$(grep '^pkg ' <<<"$versions")" = "$want_pkgs" ]; then
		pass "e2e [upgrade] both packages are at $ver"
	else
		fail "e2e [upgrade] both packages are at $ver" "$(grep '^pkg ' <<<"$versions" | tr '\n' ' ')"
	fi
	if [ "$(grep -c '^dkms-tree ' <<<"$versions")" = 1 ] && grep -q "^dkms-tree /var/lib/dkms/ebpf-kfunc/$dver$" <<<"$versions" &&
	   [ "$(grep -c '^src ' <<<"$versions")" = 1 ] && grep -q "^src /usr/src/ebpf-kfunc-$dver$" <<<"$versions" &&
	   [ "$(grep -c '^ko ' <<<"$versions")" = 1 ] && grep -q "^ko /lib/modules/$k61/updates/dkms/ebpf_kfunc.ko[^ ]* $dver$" <<<"$versions" &&
	   ! grep '^status ' <<<"$versions" | grep -qv "ebpf-kfunc/$dver"; then
		pass "e2e [upgrade] exactly one built module version remains ($dver)"
	else
		fail "e2e [upgrade] exactly one built module version remains ($dver)" "$(grep -v '^pkg ' <<<"$versions" | tr '\n' ' ')"
	fi
	step "boot $k61 after the upgrade"
	E2E_BRIEF=1 e2e_boot "$IMG" "$LOGS" "upgrade 6.1" "$k61" "$dver" || true
}

# ---------------------------------------------------------------------
# failure: section 3, in the image by chroot (no boot).
job_failure() {
	local k61 kimg out fake1 fake2 built
	job_start failure
	k61=$(base_kver)
	fake1=${k61%-amd64}-ekfnobtf1-amd64
	fake2=${k61%-amd64}-ekfnobtf2-amd64
	narrate "==> Failure behaviour: kernels the module cannot support, or without headers, must never make apt fail. The unsupported kernel is a doctored copy of the real $k61 headers, as another kernel version, without CONFIG_DEBUG_INFO_BTF_MODULES."
	step "making headers of kernels without CONFIG_DEBUG_INFO_BTF_MODULES ($fake1, $fake2)"
	A=$E2E_WORK/$JOB/archives img_sh "$IMG" '
		cp "$1" "$M/tmp/fake-headers-deb"
		inroot /tmp/fake-headers-deb "$2" "$3" "/root/$3.deb"
		inroot /tmp/fake-headers-deb "$2" "$4" "/root/$4.deb"
	' "$E2E_LIB/../../lib/fake-headers-deb" "$k61" "$fake1" "$fake2" > "$LOGS/fake-headers.log" 2>&1 ||
		fail "e2e [failure] doctored headers packages" "see $LOGS/fake-headers.log"

	# (c) the package installed when such a kernel is already there
	step "(c) apt install ebpf-kfunc-dkms with an unsupported kernel already installed"
	apt_check c-0-fake-first "(c) headers of a kernel without CONFIG_DEBUG_INFO_BTF_MODULES install before the package (apt exits 0)" \
		$APT_GET install "/root/$fake1.deb" || true
	job_repo "$E2E_REPO" ebpf-kfunc
	apt_check c-install "(c) apt-get install ebpf-kfunc-dkms ebpf-tools with that kernel present exits 0" \
		sh -c "apt-get -q update && $APT_GET install ebpf-kfunc-dkms ebpf-tools" || true
	demo_show "$OUT" '^Building|ebpf-kfunc:|  *- Installing'
	built=$(job_query "$MODULES_BUILT")
	if grep -q "^$k61 /lib/modules/$k61/updates/dkms/ebpf_kfunc.ko[^ ]*$" <<<"$built" &&
	   grep -q "^$fake1 .* placeholder$" <<<"$built"; then
		pass "e2e [failure] (c) the module is built for $k61, a placeholder that says why for the unsupported kernel"
	else
		fail "e2e [failure] (c) the module is built for $k61, a placeholder that says why for the unsupported kernel" "$(echo "${built:-none}" | tr '\n' ' ')"
	fi

	# (a) a kernel image without its headers, after the package
	# The image package itself: the metapackage linux-image-amd64 would
	# bring linux-headers-amd64 along (it must stay at the same version).
	kimg=$(job_query 'apt-cache depends -t bookworm-backports linux-image-amd64 |
		sed -n "s/^ *Depends: linux-image-\(6[^ ]*-amd64\)\( .*\)\?$/\1/p" | head -n 1')
	step "(a) apt install linux-image-${kimg:-?} (bookworm-backports), without its headers"
	apt_check a-image "(a) a kernel image installed without its headers (apt exits 0)" \
		$APT_GET install "linux-image-${kimg:-6.12-amd64}" || true
	kimg=$(job_query 'ls /boot/vmlinuz-6.12* 2>/dev/null | sed "s|^/boot/vmlinuz-||" | sort -V | tail -n 1')
	demo_show "$OUT" '^dkms:|headers'
	if [ -n "$kimg" ] && grep -q "$kimg.*headers for this kernel do not seem to be installed\|headers are missing.*\|install the linux-headers-$kimg" "$OUT"; then
		pass "e2e [failure] (a) dkms says the headers of $kimg are missing"
	else
		fail "e2e [failure] (a) dkms says the headers of ${kimg:-the new kernel} are missing" "$(grep -i 'dkms\|headers' "$OUT" | tail -n 4 | tr '\n' ' ')"
	fi

	# (b) an unsupported kernel's headers installed after the package
	step "(b) apt install headers of a kernel without CONFIG_DEBUG_INFO_BTF_MODULES, after the package"
	apt_check b-fake-after "(b) headers of a kernel without CONFIG_DEBUG_INFO_BTF_MODULES install after the package (apt exits 0)" \
		$APT_GET install "/root/$fake2.deb" || true
	demo_show "$OUT" '^dkms:|ebpf-kfunc:|  *- Installing'
	if grep -q "ebpf-kfunc:.*$fake2.*CONFIG_DEBUG_INFO_BTF_MODULES" "$OUT" &&
	   grep -q "ebpf-kfunc:.*use a kernel built with CONFIG_DEBUG_INFO_BTF_MODULES" "$OUT"; then
		pass "e2e [failure] (b) the DKMS message names the kernel, the cause and the fix"
	else
		fail "e2e [failure] (b) the DKMS message names the kernel, the cause and the fix" "$(grep -i 'ebpf-kfunc\|dkms' "$OUT" | tail -n 5 | tr '\n' ' ')"
	fi
	out=$(job_query 'dpkg --audit; dpkg-query -W -f="\${db:Status-Abbrev} \${Package}\n" "linux-*" "ebpf-*" | grep -v "^ii \|^un "')
	if [ -z "$out" ]; then
		pass "e2e [failure] every kernel package and ours is configured (dpkg --audit)"
	else
		fail "e2e [failure] every kernel package and ours is configured (dpkg --audit)" "$(echo "$out" | head -n 5 | tr '\n' ' ')"
	fi
}
