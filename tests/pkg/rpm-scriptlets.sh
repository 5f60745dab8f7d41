#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The RPMs' scriptlets for real: `rpm -ivh/-Uvh/-e --nodeps` in a
# throwaway overlay over the bookworm test chroot (tests/pkg/testbed:
# dkms, kernels 6.1 and 6.12 with headers) plus rpm (tests/pkg/rpm-lib.sh),
# with both kernels laid out the way RHEL and Fedora install them:
# headers in /usr/src/kernels/KVER (kernel-devel) without vmlinux,
# /lib/modules/KVER/build pointing there, the kernel image at
# /lib/modules/KVER/vmlinuz and nothing of it in /boot. The host's kernel
# plays the running one, without headers, and a doctored copy of 6.1's
# headers (tests/lib/fake-headers-deb) a kernel the module cannot support.
#   1. rpm -ivh 0.0.9-1 (make rpm-prev): %post adds 0.0.9 to DKMS and
#      builds and installs it for both kernels, with BTF made against the
#      BTF of each kernel's image (the Fedora path of the BTF step), and
#      the placeholder module for the unsupported kernel;
#   2. rpm -Uvh 0.1.0-1: 0.1.0 built and installed for both, 0.0.9 gone
#      from DKMS, /usr/src and /lib/modules: exactly one version; the
#      module's BTF checked (the build log names the base taken from the
#      image; ekf-btf verify; for 6.12, the base extracted from the image
#      equals its headers' real vmlinux BTF);
#   3. rpm -Uvh 0.1.0-2 (make rpm-release: the same version rebuilt):
#      the module stays built and installed (--rpm_safe_upgrade);
#   4. rpm -e: no module in any /lib/modules, no /usr/src/ebpf-kfunc-*,
#      empty dkms status, no file of either package left;
#   5. each module built in step 2 boots: QEMU with that kernel
#      (tests/vm/run --no-module), insmod, the kernel accepts its BTF
#      (/sys/kernel/btf/ebpf_kfunc), and the RPM's ebpf-kfunc selftest
#      passes.
# A pass is recorded against the inputs; identical inputs replay it
# (EKF_PKG_RERUN=1 runs again).
set -uo pipefail
PROG=tests/pkg/rpm-scriptlets
# shellcheck source=rpm-lib.sh
. "$(dirname "$0")/rpm-lib.sh"

name=rpm-scriptlets
for d in "$RPM_DIR" "$RPM_PREV_DIR" "$RPM_REL_DIR"; do
	if ! rpms_in "$d" >/dev/null; then
		fail $name "no ebpf-kfunc-dkms/ebpf-tools RPMs in $d (make rpm rpm-prev rpm-release)"
		exit 1
	fi
done
mapfile -t cur < <(rpms_in "$RPM_DIR")
mapfile -t prev < <(rpms_in "$RPM_PREV_DIR")
mapfile -t rel < <(rpms_in "$RPM_REL_DIR")
cache_init
t0=$(now)
root=$("$REPO/tests/pkg/testbed" --print-root) || { fail $name-testbed "cannot make the test chroot"; exit 1; }
layer=$(rpm_layer "$root") || { fail $name-testbed "cannot add rpm to the test chroot (log: $EKF_CACHE/tmp/pkg-rpm-layer.log)"; exit 1; }
key=$(printf '%s\n' "$(sha_of "${cur[@]}" "${prev[@]}" "${rel[@]}")" "$(sha_of "$0" "$REPO/tests/pkg/rpm-lib.sh" "$REPO/tests/pkg/testbed" "$REPO/tests/lib/fake-headers-deb")" \
	"$(ls "$root/lib/modules")" "$(stat -c %Y "$root/var/lib/ekf-pkg/format")" "$(cat "$layer.stamp")" | sha256sum | cut -d' ' -f1)
if cached $name "$key"; then
	cached_replay $name "$key"
	exit 0
fi

tmp=$(mktemp -d "$EKF_CACHE/tmp/pkg-rpm-scriptlets.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/upper/tmp/ekf-rpms/prev" "$tmp/upper/tmp/ekf-rpms/cur" "$tmp/upper/tmp/ekf-rpms/rel" "$tmp/upper/tmp/ekf-out"
cp "${prev[@]}" "$tmp/upper/tmp/ekf-rpms/prev/"
cp "${cur[@]}" "$tmp/upper/tmp/ekf-rpms/cur/"
cp "${rel[@]}" "$tmp/upper/tmp/ekf-rpms/rel/"
cp "$REPO/tests/lib/fake-headers-deb" "$tmp/upper/tmp/ekf-rpms/"
v_prev=$(rpm -qp --qf '%{VERSION}' "${prev[0]}")
v_cur=$(rpm -qp --qf '%{VERSION}' "${cur[0]}")
vr_cur=$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "${cur[0]}")
vr_rel=$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "${rel[0]}")
[ "$v_prev" != "$v_cur" ] && [ "$(rpm -qp --qf '%{VERSION}' "${rel[0]}")" = "$v_cur" ] || {
	fail $name "want versions prev < cur = release-rebuild, got $v_prev, $v_cur, $vr_rel"; exit 1; }
say "RPM scriptlets: $v_prev -> $vr_cur -> $vr_rel, rpm -e, in an overlay of $root + rpm (kernels $(ls "$root/lib/modules" | tr '\n' ' ')in the Fedora layout)"
mkdir -p "$REPO/build/pkg"
log=$REPO/build/pkg/rpm-scriptlets.log

# Runs inside the chroot: result lines on stdout, rpm's and dkms's output
# in the log; what the host checks further goes to /tmp/ekf-out.
# shellcheck disable=SC2016
inside='
set -u
rpms=$1 log=$2 v_prev=$3 v_cur=$4 vr_cur=$5 vr_rel=$6 out=/tmp/ekf-out
export LANG=C.UTF-8
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
rpm() { command rpm --dbpath /var/lib/rpm "$@"; }
running=$(uname -r)
kernels=$(for b in /lib/modules/*/build; do [ -e "$b/include" ] && basename "${b%/build}"; done)
[ -n "$kernels" ] || { fail rpm-scriptlets "no kernel with headers in the test chroot"; exit 1; }

# RHEL/Fedora layout: kernel-devel in /usr/src/kernels/KVER, no vmlinux
# anywhere, the image in /lib/modules/KVER/vmlinuz, nothing in /boot.
for k in $kernels; do
	orig=$(readlink -f "/lib/modules/$k/build")
	new=/usr/src/kernels/$k
	mkdir -p /usr/src/kernels
	cp -a "$orig" "$new"
	# Relative links (scripts -> ../../lib/linux-kbuild-*) point where
	# they pointed from the original place.
	(cd "$orig" && find . -type l) | while read -r l; do
		[ -e "$new/$l" ] || ln -sfn "$(readlink -f "$orig/$l")" "$new/$l"
	done
	if [ -f "$new/vmlinux" ]; then mv "$new/vmlinux" "$out/vmlinux-$k"; fi
	rm -f "$orig/vmlinux"
	ln -sfn "$new" "/lib/modules/$k/build"
	mv "/boot/vmlinuz-$k" "/lib/modules/$k/vmlinuz"
	mv "/boot/config-$k" "/lib/modules/$k/config" 2>/dev/null
	mv "/boot/System.map-$k" "/lib/modules/$k/System.map" 2>/dev/null
	echo "# kernel $k: headers $new ($(ls "$new" | tr "\n" " ")), image /lib/modules/$k/vmlinuz"
done
if ls /boot/vmlinuz-* >/dev/null 2>&1 || find /usr/src /lib/modules -name vmlinux | grep -q .; then
	fail fedora-layout "a vmlinux or /boot image is left: $(ls /boot; find /usr/src /lib/modules -name vmlinux)"
else
	pass fedora-layout
fi
mkdir -p "/lib/modules/$running"	# a running kernel, its headers not installed

# A kernel the module cannot support (no CONFIG_DEBUG_INFO_BTF_MODULES):
# %post must install the placeholder module for it and succeed.
k1=$(echo "$kernels" | head -n 1)
fake=${k1%-amd64}-ekfnobtf
if bash "$rpms/fake-headers-deb" "$k1" "$fake" /tmp/fake-headers.deb >> "$log" 2>&1 &&
   dpkg -i /tmp/fake-headers.deb >> "$log" 2>&1 && [ -e "/lib/modules/$fake/build/include" ]; then
	pass "unsupported-kernel-$fake-installed"
else
	fail "unsupported-kernel-$fake-installed" "tests/lib/fake-headers-deb or dpkg -i failed (log)"
	fake=
fi
check_fake() {	# STEP: the placeholder is what is installed for the fake kernel
	[ -n "$fake" ] || return 0
	local v
	v=$(modver "$fake")
	case $v in
	"placeholder: "*CONFIG_DEBUG_INFO_BTF_MODULES*) pass "$1-placeholder-for-unsupported-$fake" ;;
	*) fail "$1-placeholder-for-unsupported-$fake" "module: $v" ;;
	esac
}

ko_of() {	# KVER: the installed module file, or nothing
	find "/lib/modules/$1" -name "ebpf_kfunc.ko*" 2>/dev/null | head -n 1
}
modver() {	# KVER: the installed module version, or the placeholder reason
	local ko why
	ko=$(ko_of "$1")
	[ -n "$ko" ] || { echo none; return; }
	case $ko in *.xz) xz -dc "$ko" > /tmp/m.ko ;; *.zst) zstd -qdc "$ko" > /tmp/m.ko ;; *) cp "$ko" /tmp/m.ko ;; esac
	why=$(modinfo -F ekf_unsupported /tmp/m.ko)
	if [ -n "$why" ]; then echo "placeholder: $why"; return; fi
	modinfo -F version /tmp/m.ko
}
step() {	# NAME CMD...: PASS/FAIL on the exit status of CMD
	local name=$1 rc
	shift
	echo "### $*" >> "$log"
	"$@" >> "$log" 2>&1
	rc=$?
	[ "$rc" = 0 ] && pass "$name" || fail "$name" "exit $rc: $(tail -n 5 "$log" | tr "\n" " ")"
	return $rc
}
dkms_versions() {	# the versions DKMS knows of, one a line
	dkms status ebpf-kfunc 2>/dev/null | sed -n "s,^ebpf-kfunc[/, ]*\([0-9.]*\)[,:].*,\1,p" | sort -u
}
check_one() {	# STEP VERSION: VERSION, alone, built and installed for every kernel
	local k v
	for k in $kernels; do
		v=$(modver "$k")
		[ "$v" = "$2" ] && pass "$1-module-$2-for-$k" || fail "$1-module-$2-for-$k" "module: $v"
	done
	v=$(dkms_versions | tr "\n" " ")
	[ "$v" = "$2 " ] && pass "$1-dkms-has-only-$2" || fail "$1-dkms-has-only-$2" "dkms status: $(dkms status ebpf-kfunc 2>&1 | tr "\n" ";")"
	v=$(ls -d /usr/src/ebpf-kfunc-* 2>/dev/null | tr "\n" " ")
	[ "$v" = "/usr/src/ebpf-kfunc-$2 " ] && pass "$1-usr-src-has-only-$2" || fail "$1-usr-src-has-only-$2" "$v"
	check_fake "$1"
	dkms status ebpf-kfunc 2>/dev/null | sed "s/^/# dkms status: /"
}

step rpm-install-$v_prev rpm -ivh --nodeps "$rpms"/prev/*.rpm || exit 1
check_one install "$v_prev"

step rpm-upgrade-to-$vr_cur rpm -Uvh --nodeps "$rpms"/cur/*.rpm || exit 1
check_one upgrade "$v_cur"
q=$(rpm -q ebpf-kfunc-dkms ebpf-tools | tr "\n" " ")
[ "$q" = "ebpf-kfunc-dkms-$vr_cur.noarch ebpf-tools-$vr_cur.$(uname -m) " ] &&
	pass "upgrade-rpmdb-has-$vr_cur" || fail "upgrade-rpmdb-has-$vr_cur" "rpm -q: $q"
# Every packaged file is there as packaged (type, mode, digest, size).
v=$(rpm -V --nodeps ebpf-kfunc-dkms ebpf-tools 2>&1)
[ -z "$v" ] && pass "upgrade-rpm-verify" || fail "upgrade-rpm-verify" "rpm -V: $(echo $v)"
v=$(ebpf-kfunc --version 2>&1)
case $v in *"$v_cur"*) pass "ebpf-tools-runs" ;; *) fail "ebpf-tools-runs" "ebpf-kfunc --version: $v" ;; esac

# The BTF step took each kernel'\''s base BTF from its image.
mkdir -p /tmp/btf && cp -r "/usr/src/ebpf-kfunc-$v_cur/kmod/btf/." /tmp/btf/ && make -s -C /tmp/btf >> "$log" 2>&1 ||
	fail btf-tool "ekf-btf does not build (log)"
for k in $kernels; do
	mlog=$(ls /var/lib/dkms/ebpf-kfunc/"$v_cur"/"$k"/*/log/make.log 2>/dev/null | head -n 1)
	cat "$mlog" >> "$log" 2>/dev/null
	base=$(sed -n "s/^ebpf-kfunc: base BTF for $k: //p" "$mlog" 2>/dev/null)
	case $base in
	*/vmlinux.btf) pass "fedora-layout-btf-base-from-image-$k" ;;
	*) fail "fedora-layout-btf-base-from-image-$k" "make.log ${mlog:-missing} says base: ${base:-nothing}" ;;
	esac
	grep -q "^ebpf-kfunc: built ebpf_kfunc.ko for $k with BTF against" "$mlog" 2>/dev/null &&
		pass "btf-step-done-$k" || fail "btf-step-done-$k" "no \"built ... with BTF\" line in ${mlog:-make.log}"
	ko=$(ko_of "$k")
	case $ko in *.xz) xz -dc "$ko" > "$out/ebpf_kfunc-$k.ko" ;; *.zst) zstd -qdc "$ko" > "$out/ebpf_kfunc-$k.ko" ;; *) cp "$ko" "$out/ebpf_kfunc-$k.ko" ;; esac
	/tmp/btf/ekf-btf verify "$out/ebpf_kfunc-$k.ko" >> "$log" 2>&1 &&
		pass "btf-verified-$k" || fail "btf-verified-$k" "ekf-btf verify failed on the installed module (log)"
	/tmp/btf/ekf-btf extract "/lib/modules/$k/vmlinuz" -o "$out/base-$k.btf" >> "$log" 2>&1 ||
		fail "btf-extract-$k" "ekf-btf extract /lib/modules/$k/vmlinuz failed"
done

# The same version again: %post'\''s `dkms add --rpm_safe_upgrade` leaves a
# lock file naming it, which the old %preun'\''s `dkms remove
# --rpm_safe_upgrade` finds, deletes, and so keeps the module.
rm -f /tmp/dkms_rpm_safe_upgrade_lock.*
step rpm-rebuild-$vr_rel rpm -Uvh --nodeps "$rpms"/rel/*.rpm || exit 1
check_one rebuild "$v_cur"
locks=$(ls /tmp/dkms_rpm_safe_upgrade_lock.* 2>/dev/null)
[ -z "$locks" ] && pass "rebuild-rpm-safe-upgrade-cancelled-remove" ||
	fail "rebuild-rpm-safe-upgrade-cancelled-remove" "the %post lock is left (no cancelled remove): $(head -n 1 $locks | tr "\n" " ")"

step rpm-erase rpm -e ebpf-kfunc-dkms ebpf-tools || exit 1
left=$(ls -d /usr/src/ebpf-kfunc-* /var/lib/dkms/ebpf-kfunc /usr/lib/modules-load.d/ebpf-kfunc.conf \
	/usr/sbin/ebpf-* /usr/lib/systemd/system/ebpf-* /usr/share/man/man8/ebpf-* \
	/usr/share/doc/ebpf-kfunc-dkms /usr/share/doc/ebpf-tools 2>/dev/null
	find /lib/modules -name "ebpf_kfunc.ko*" 2>/dev/null; dkms status ebpf-kfunc 2>/dev/null
	rpm -qa | grep ebpf)
[ -z "$left" ] && pass "erase-leaves-nothing" || fail "erase-leaves-nothing" "$(echo $left)"
'
: > "$tmp/upper/tmp/ekf-rpm.log"
overlay_run "$layer:$root" "$tmp" chroot "$tmp/root" /bin/bash -c "$inside" sh \
	/tmp/ekf-rpms /tmp/ekf-rpm.log "$v_prev" "$v_cur" "$vr_cur" "$vr_rel" > "$tmp/results" 2>&1
rc=$?
cp "$tmp/upper/tmp/ekf-rpm.log" "$log" 2>/dev/null
grep '^#' "$tmp/results"
grep -v '^#' "$tmp/results" | grep -v '^\(PASS\|FAIL\|SKIP\) ' | sed 's/^/# | /'
grep '^\(PASS\|FAIL\|SKIP\) ' "$tmp/results" > "$tmp/lines"

# On the host: for each kernel whose headers had a vmlinux (6.12), the BTF
# the build took from the image is byte for byte that vmlinux's. (Parsing
# the module's split BTF against it is left to the VM tier, which loads
# the module: this machine's bpftool 7.1 (libbpf 1.1) rejects the split
# BTF of 6.12 modules, kbuild's own too: "Invalid BTF string section".)
o=$tmp/upper/tmp/ekf-out
rm -rf "$REPO/build/pkg/rpm-scriptlets"
mkdir -p "$REPO/build/pkg/rpm-scriptlets"
cp "$o"/*.ko "$o"/*.btf "$REPO/build/pkg/rpm-scriptlets/" 2>/dev/null
for ref in "$o"/vmlinux-*; do
	[ -f "$ref" ] || continue
	k=${ref##*/vmlinux-}
	objcopy --dump-section .BTF="$tmp/ref.btf" "$ref" "$tmp/ref.o" 2>/dev/null
	if [ -f "$o/base-$k.btf" ] && cmp -s "$tmp/ref.btf" "$o/base-$k.btf"; then
		echo "PASS btf-base-from-image-is-vmlinux-btf-$k"
	else
		echo "FAIL btf-base-from-image-is-vmlinux-btf-$k: the BTF extracted from /lib/modules/$k/vmlinuz differs from the headers' vmlinux .BTF"
	fi
done >> "$tmp/lines"
grep -q '^PASS btf-base-from-image-is-vmlinux-btf-' "$tmp/lines" ||
	echo "FAIL btf-base-from-image-is-vmlinux-btf: no kernel with a vmlinux to compare with" >> "$tmp/lines"

# Booted: each module the RPM's %post built in the Fedora layout loads in
# QEMU on its kernel (tests/vm/run --no-module), the kernel accepts its
# BTF, and the RPM's own ebpf-kfunc passes its selftest there.
vm=$tmp/vm
mkdir -p "$vm/build/bin"
rpm2cpio "${cur[1]}" | (cd "$vm" && cpio -id --quiet ./usr/sbin/ebpf-kfunc) &&
	mv "$vm/usr/sbin/ebpf-kfunc" "$vm/build/bin/" ||
	echo "FAIL rpm-module-boots: no /usr/sbin/ebpf-kfunc in $(basename "${cur[1]}")" >> "$tmp/lines"
booted=
for suite in bookworm bookworm-backports; do
	kv=$("$REPO/tests/vm/run" --kernel "$suite" --print-kver 2>/dev/null) || continue
	[ -f "$o/ebpf_kfunc-$kv.ko" ] || continue
	share=$vm/share-$suite
	mkdir -p "$share"
	cp "$o/ebpf_kfunc-$kv.ko" "$share/ebpf_kfunc.ko"
	cat > "$share/check.sh" <<-'EOF'
	#!/bin/sh
	K=$(uname -r)
	if insmod "$(dirname "$0")/ebpf_kfunc.ko"; then
		echo "PASS rpm-module-loads-$K"
	else
		echo "FAIL rpm-module-loads-$K: insmod failed"
	fi
	if [ -e /sys/kernel/btf/ebpf_kfunc ]; then
		echo "PASS rpm-module-btf-accepted-$K"
	else
		echo "FAIL rpm-module-btf-accepted-$K: no /sys/kernel/btf/ebpf_kfunc"
	fi
	ebpf-kfunc selftest > /tmp/selftest 2>&1
	rc=$?
	sed 's/^/# selftest: /' /tmp/selftest | tail -n 3
	if [ "$rc" = 0 ]; then
		echo "PASS rpm-tools-selftest-$K"
	else
		echo "FAIL rpm-tools-selftest-$K: exit $rc: $(grep FAIL /tmp/selftest | head -n 3 | tr '\n' ' ')"
	fi
	EOF
	chmod +x "$share/check.sh"
	"$REPO/tests/vm/run" --kernel "$suite" --no-module --build "$vm/build" --share "$share" -- "$share/check.sh" > "$vm/out-$suite" 2>&1
	grep '^\(PASS\|FAIL\|SKIP\) ' "$vm/out-$suite" >> "$tmp/lines"
	grep '^# ' "$vm/out-$suite"
	grep -q "^PASS rpm-tools-selftest-$kv" "$vm/out-$suite" ||
		{ tail -n 20 "$vm/out-$suite" | sed 's/^/# | /'; grep -q '^FAIL' "$vm/out-$suite" ||
			echo "FAIL rpm-module-boots-$kv: the VM run gave no result (output above)" >> "$tmp/lines"; }
	booted="$booted $kv"
done
for ko in "$o"/ebpf_kfunc-*.ko; do
	k=${ko##*/ebpf_kfunc-}
	k=${k%.ko}
	case " $booted " in
	*" $k "*) ;;
	*) echo "SKIP rpm-module-boots-$k: the VM harness has no kernel $k (its suites: $("$REPO/tests/vm/run" --kernel bookworm --print-kver 2>/dev/null) $("$REPO/tests/vm/run" --kernel bookworm-backports --print-kver 2>/dev/null)): the test chroot and the VM chroots are refreshed at different times" >> "$tmp/lines" ;;
	esac
done
cat "$tmp/lines"
echo "# rpm-scriptlets: $(elapsed "$t0") s (log: build/pkg/rpm-scriptlets.log)"
if [ "$rc" = 0 ] && grep -q '^PASS erase-leaves-nothing' "$tmp/lines" && ! grep -q '^FAIL' "$tmp/lines"; then
	cache_record $name "$key" "$tmp/lines"
	exit 0
fi
grep -q '^FAIL' "$tmp/lines" || echo "FAIL $name: exit $rc, stopped early (log: build/pkg/rpm-scriptlets.log)"
exit 1
