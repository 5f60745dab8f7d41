# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2016
#
# The cached build chroots: one per Debian release that holds kernels
# (bookworm: 6.1 and bookworm-backports' 6.12; sid: 7.2), each with DKMS, the
# toolchain, the libraries the module's BTF tool needs, and the real
# linux-image + linux-headers of each of its suites' newest kernel.
#
# State kept in each chroot under /var/lib/ekf-vm:
#   lists-updated       touched after each apt-get update
#   kernel-SUITE        "KVER METAVERSION" of the kernel installed for SUITE
# A chroot is built in a temporary directory and renamed into place only
# once complete, so an interrupted creation leaves nothing that is trusted.

# openssl: so that dkms signs the module, as it does on users' machines.
CHROOT_PACKAGES="dkms build-essential make dwarves libelf-dev libbpf-dev
zlib1g-dev liblzma-dev libzstd-dev liblz4-dev kmod pkg-config xz-utils zstd
openssl"

# chroot_sources NAME: the apt source lines of chroot NAME.
chroot_sources() {
	case $1 in
	bookworm)
		echo "deb $EKF_MIRROR bookworm main"
		echo "deb $EKF_MIRROR bookworm-updates main"
		echo "deb $EKF_SECURITY_MIRROR bookworm-security main"
		echo "deb $EKF_MIRROR bookworm-backports main"
		;;
	sid)
		echo "deb $EKF_MIRROR sid main"
		;;
	esac
}

# chroot_mmdebstrap NAME DIR: the base system of chroot NAME into DIR.
chroot_mmdebstrap() {
	local name=$1 dir=$2 sources=() opts=()
	mapfile -t sources < <(chroot_sources "$name")
	opts=(--variant=apt --mode=root --format=directory --skip=cleanup/apt/lists
		--include="$(echo "$CHROOT_PACKAGES" | tr '\n' ' ' | tr -s ' ' | tr ' ' ,)"
		--aptopt='APT::Install-Recommends "false"'
		--aptopt='Acquire::Languages "none"'
		--dpkgopt='path-exclude=/usr/share/man/*'
		--dpkgopt='path-exclude=/usr/share/doc/*'
		--dpkgopt='path-exclude=/usr/share/locale/*'
		--dpkgopt='path-exclude=/usr/share/info/*')
	# sid's Release file is expired against this machine's clock;
	# mmdebstrap ignores the host's apt configuration.
	[ "$name" = sid ] && opts+=(--aptopt='Acquire::Check-Valid-Until "false"')
	# Kernel packages would build an initramfs of their own for nothing:
	# the VM boots our busybox one.
	opts+=(--essential-hook='chroot "$1" dpkg-divert --local --rename --add /usr/sbin/update-initramfs'
		--essential-hook='ln -sf /bin/true "$1/usr/sbin/update-initramfs"'
		--essential-hook='printf "#!/bin/sh\nexit 101\n" > "$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"')
	logged "$EKF_CACHE/tmp/mmdebstrap-$name.log" \
		mmdebstrap "${opts[@]}" "$name" "$dir" "${sources[@]}"
}

# chroot_create NAME: build chroot NAME with the kernels of its suites.
chroot_create() {
	local name=$1 root tmp t0 suite
	root=$(chroot_root "$name")
	tmp=$EKF_CACHE/chroot/.$name.new
	t0=$(now)
	say "creating the $name chroot in $root (mmdebstrap; a few minutes)"
	rm -rf "$tmp"
	chroot_mmdebstrap "$name" "$tmp" ||
		die "mmdebstrap of the $name chroot failed (see above)"
	mkdir -p "$tmp/var/lib/ekf-vm"
	touch "$tmp/var/lib/ekf-vm/lists-updated"
	say "$name base system ready after $(elapsed "$t0") s"
	for suite in $(chroot_suites "$name"); do
		kernel_update "$suite" "$tmp"
	done
	mv -T "$tmp" "$root"
	say "$name chroot ready after $(elapsed "$t0") s ($(du -sh "$root" | cut -f1))"
}

# chroot_ensure NAME: chroot NAME exists (created if missing, or if a
# previous creation was interrupted).
chroot_ensure() {
	local name=$1 root
	root=$(chroot_root "$name")
	if [ ! -x "$root/usr/bin/apt-get" ] || [ ! -d "$root/var/lib/ekf-vm" ]; then
		rm -rf "$root"
		chroot_create "$name"
	fi
	chroot_packages "$root"
}

# chroot_packages ROOT: a cached chroot made with an older CHROOT_PACKAGES
# gets the packages added since.
chroot_packages() {
	local root=$1 want stamp
	stamp=$root/var/lib/ekf-vm/packages
	want=$(echo "$CHROOT_PACKAGES" | tr -s ' \n' '\n\n' | sort)
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
	# shellcheck disable=SC2086
	logged "$EKF_CACHE/tmp/packages-$(basename "$root").log" in_chroot "$root" -- \
		apt-get -q -o=Dpkg::Use-Pty=0 install -y $CHROOT_PACKAGES ||
		die "installing the chroot's packages failed in $root"
	echo "$want" > "$stamp"
}

# chroot_refresh ROOT [force]: apt-get update when the lists are older
# than EKF_VM_REFRESH seconds (or always with force).
chroot_refresh() {
	local root=$1 force=${2:-} stamp age
	stamp=$root/var/lib/ekf-vm/lists-updated
	if [ "$force" != force ]; then
		[ "$EKF_VM_REFRESH" = never ] && return 0
		if [ -e "$stamp" ]; then
			age=$(($(date +%s) - $(stat -c %Y "$stamp")))
			[ "$age" -lt "$EKF_VM_REFRESH" ] && return 0
		fi
	fi
	say "refreshing the package lists of $(basename "$root") (apt-get update)"
	logged "$EKF_CACHE/tmp/apt-update-$(basename "$root").log" in_chroot "$root" -- apt-get -q update ||
		die "apt-get update failed in $root"
	touch "$stamp"
}

# kernel_resolve SUITE ROOT: print "KVER METAVERSION": the kernel that SUITE's
# linux-headers-amd64 metapackage points to now, from ROOT's package lists.
kernel_resolve() {
	local suite=$1 root=$2 metaver pkg
	case $suite in
	bookworm-backports)
		metaver=$(in_chroot "$root" -- apt-cache madison linux-headers-amd64 |
			awk -F' *[|] *' '$3 ~ / bookworm-backports\// { print $2; exit }')
		;;
	*)
		metaver=$(in_chroot "$root" -- apt-cache policy linux-headers-amd64 |
			sed -n 's/^ *Candidate: *//p')
		;;
	esac
	if [ -z "$metaver" ] || [ "$metaver" = "(none)" ]; then
		die "no linux-headers-amd64 in $suite's package lists (in $root)"
	fi
	pkg=$(in_chroot "$root" -- apt-cache show "linux-headers-amd64=$metaver" |
		sed -n 's/^Depends: //p' | tr ',' '\n' |
		sed -n 's/^ *\(linux-headers-[0-9][^ ]*\).*/\1/p' | head -n 1)
	[ -n "$pkg" ] || die "cannot read the kernel that linux-headers-amd64 $metaver depends on"
	echo "${pkg#linux-headers-} $metaver"
}

# kernel_installed SUITE ROOT: print "KVER METAVERSION" recorded for SUITE.
kernel_installed() {
	cat "$2/var/lib/ekf-vm/kernel-$1" 2>/dev/null || true
}

# kernel_update SUITE ROOT: install SUITE's newest kernel (image and
# headers) unless it is the one installed; purge the one it replaces.
kernel_update() {
	local suite=$1 root=$2 want have kver old t0
	want=$(kernel_resolve "$suite" "$root")
	have=$(kernel_installed "$suite" "$root")
	kver=${want%% *}
	if [ "$want" = "$have" ] && kernel_complete "$root" "$kver"; then
		return 0
	fi
	t0=$(now)
	say "installing kernel $kver for $suite (linux-headers-amd64 $suite ${want#* })"
	logged "$EKF_CACHE/tmp/kernel-$suite.log" in_chroot "$root" -- \
		sh -c 'dpkg --configure -a && apt-get -q -o=Dpkg::Use-Pty=0 install -y "$@"' sh \
		"linux-image-$kver" "linux-headers-$kver" ||
		die "installing linux-image-$kver and linux-headers-$kver failed in $root"
	kernel_complete "$root" "$kver" ||
		die "linux-image-$kver is installed but no vmlinuz of $kver is in $root"
	old=${have%% *}
	if [ -n "$old" ] && [ "$old" != "$kver" ]; then
		kernel_purge "$root" "$old"
	fi
	echo "$want" > "$root/var/lib/ekf-vm/kernel-$suite"
	say "kernel $kver for $suite installed in $(elapsed "$t0") s"
}

# kernel_purge ROOT KVER: remove kernel KVER (image and headers, and what
# only they needed), to keep the chroot from growing with each upgrade.
kernel_purge() {
	local root=$1 old=$2 pkgs
	pkgs=$({ chroot "$root" dpkg-query -W -f='${db:Status-Status} ${Package}\n' \
		"linux-image-$old" "linux-headers-$old" 2>/dev/null || true; } | awk '$1 == "installed" { print $2 }')
	[ -n "$pkgs" ] || return 0
	say "purging the previous kernel $old"
	# shellcheck disable=SC2086
	logged "$EKF_CACHE/tmp/purge-$old.log" in_chroot "$root" -- \
		sh -c 'apt-get -q purge -y "$@" && apt-get -q autoremove --purge -y' sh $pkgs ||
		say "warning: could not purge kernel $old (ignored)"
}

# kernel_image ROOT KVER: the kernel image path inside ROOT (as on a user's
# machine: /boot/vmlinuz-KVER, or /usr/lib/modules/KVER/vmlinuz on sid).
kernel_image() {
	local f
	for f in "/boot/vmlinuz-$2" "/usr/lib/modules/$2/vmlinuz"; do
		if [ -f "$1$f" ]; then
			echo "$1$f"
			return 0
		fi
	done
	return 1
}

# kernel_complete ROOT KVER: image and headers of KVER are installed.
kernel_complete() {
	kernel_image "$1" "$2" >/dev/null && [ -e "$1/usr/src/linux-headers-$2/Makefile" ] &&
		[ "$(chroot "$1" dpkg-query -W -f='${db:Status-Status}' "linux-headers-$2" 2>/dev/null)" = installed ]
}

# suite_prepare SUITE: the chroot of SUITE exists, with SUITE's newest kernel;
# sets KVER and ROOT. Refreshes the package lists when they are old.
suite_prepare() {
	local suite=$1 name
	name=$(suite_chroot "$suite")
	ROOT=$(chroot_root "$name")
	chroot_ensure "$name"
	chroot_refresh "$ROOT" "${REFRESH:-}"
	kernel_update "$suite" "$ROOT"
	KVER=$(kernel_installed "$suite" "$ROOT")
	KVER=${KVER%% *}
}
