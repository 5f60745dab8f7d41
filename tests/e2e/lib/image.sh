# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2016,SC2153
#
# The bookworm system image of the end-to-end story: a raw ext4 disk image
# (no partition table) made from an mmdebstrap tree, with systemd, the
# initramfs-tools and the bookworm 6.1 kernel and its headers installed.
# It boots with its own /boot/vmlinuz-KVER and /boot/initrd.img-KVER, root
# on /dev/vda (virtio).
#
# Cache ($E2E_CACHE = $EKF_CACHE/e2e):
#   base/base.img    the clean base image (sparse raw ext4), never modified
#   base/key         what it was built from (base_key); a new
#                    key or an image older than EKF_E2E_BASE_MAX_AGE days
#                    means a new base
#   base/info        "kernel KVER", "built DATE"
#   archives/        every .deb the story downloaded (a job works on a
#                    hard-linked copy, apt's lock is per directory)
#   work/JOB/        a job's copy of the image and its apt archives
#
# Package operations run in the image by chroot on the host (img_run), with
# the image loop-mounted in a private mount namespace: nothing stays mounted
# once the command ends.

E2E_CACHE=$EKF_CACHE/e2e
E2E_ARCHIVES=$E2E_CACHE/archives
E2E_WORK=$E2E_CACHE/work
EKF_E2E_BASE_MAX_AGE=${EKF_E2E_BASE_MAX_AGE:-30}
E2E_IMAGE_SIZE=${EKF_E2E_IMAGE_SIZE:-6G}

# Packages of the base system besides minbase: enough to boot with systemd
# from a disk with the Debian initramfs. The kernel comes after, with apt.
E2E_BASE_PACKAGES="systemd-sysv udev kmod initramfs-tools zstd e2fsprogs"

e2e_cache_init() {
	cache_init
	mkdir -p "$E2E_CACHE/base" "$E2E_ARCHIVES/partial" "$E2E_WORK" ||
		die "cannot create $E2E_CACHE"
}

# base_key: what the base image is made from (the code that makes it, its
# packages, the mirrors, the size).
base_key() {
	{
		declare -f base_build base_configure
		echo "$E2E_BASE_PACKAGES $EKF_MIRROR $EKF_SECURITY_MIRROR $E2E_IMAGE_SIZE"
	} | sha256sum | cut -c1-16
}

# base_fresh: the cached base image is complete, of the current key and
# not too old.
base_fresh() {
	local b=$E2E_CACHE/base age
	[ -f "$b/base.img" ] && [ -f "$b/key" ] || return 1
	[ "$(cat "$b/key")" = "$(base_key)" ] || return 1
	age=$(( ($(date +%s) - $(stat -c %Y "$b/key")) / 86400 ))
	[ "$age" -lt "$EKF_E2E_BASE_MAX_AGE" ]
}

# base_seed_archives: .debs the VM tier's bookworm chroot already downloaded
# (the same kernels), hard-linked into the story's archive cache.
base_seed_archives() {
	local src
	src=$(chroot_root bookworm)/var/cache/apt/archives
	[ -d "$src" ] || return 0
	cp -nl "$src"/*.deb "$E2E_ARCHIVES/" 2>/dev/null ||
		cp -n "$src"/*.deb "$E2E_ARCHIVES/" 2>/dev/null || true
}

# base_build: a new base image (mmdebstrap, the 6.1 kernel, mkfs.ext4 -d).
base_build() {
	local b=$E2E_CACHE/base tree t0 t1 kver log
	t0=$(now)
	tree=$E2E_CACHE/base/tree.new
	log=$E2E_CACHE/base/build.log
	: > "$log"
	rm -rf "$tree" "$b/base.img.new"
	progress "building the bookworm base image (mmdebstrap; cached afterwards)"
	local sources=(
		"deb $EKF_MIRROR bookworm main"
		"deb $EKF_MIRROR bookworm-updates main"
		"deb $EKF_SECURITY_MIRROR bookworm-security main"
		"deb $EKF_MIRROR bookworm-backports main")
	# shellcheck disable=SC2046
	logged_append "$log" mmdebstrap --variant=minbase --mode=root --format=directory \
		--skip=cleanup/apt/lists \
		--include="${E2E_BASE_PACKAGES// /,}" \
		--aptopt='APT::Install-Recommends "false"' \
		--aptopt='Acquire::Languages "none"' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		bookworm "$tree" "${sources[@]}" ||
		die "mmdebstrap of the base image failed (log: $log)"
	progress "base system ready after $(elapsed "$t0") s; configuring it"
	base_configure "$tree"
	t1=$(now)
	progress "installing the bookworm kernel and its headers in the base image (linux-image-amd64 linux-headers-amd64)"
	base_seed_archives
	logged_append "$log" in_chroot --bind "$E2E_ARCHIVES" "$tree" -- \
		apt-get -q -o Dpkg::Use-Pty=0 -o "Dir::Cache::Archives=$E2E_ARCHIVES/" \
		install -y linux-image-amd64 linux-headers-amd64 ||
		die "installing the 6.1 kernel in the base image failed (log: $log)"
	kver=$(find "$tree/boot" -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	if [ -z "$kver" ] || [ ! -f "$tree/boot/initrd.img-$kver" ]; then
		die "no kernel and initramfs in the base image's /boot (log: $log)"
	fi
	progress "kernel $kver installed in $(elapsed "$t1") s"
	rm -f "$tree/etc/resolv.conf"
	t1=$(now)
	truncate -s "$E2E_IMAGE_SIZE" "$b/base.img.new"
	logged_append "$log" mkfs.ext4 -q -F -L ekf-root -d "$tree" "$b/base.img.new" ||
		die "mkfs.ext4 -d failed (log: $log)"
	rm -rf "$tree"
	mv "$b/base.img.new" "$b/base.img"
	printf 'kernel %s\nbuilt %s\n' "$kver" "$(date -u +%FT%TZ)" > "$b/info"
	base_key > "$b/key"
	progress "base image ready ($(du -h "$b/base.img" | cut -f1) used) in $(elapsed "$t0") s total"
}

# base_configure TREE: what makes the tree a bootable machine.
base_configure() {
	local t=$1
	echo ekf-e2e > "$t/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tekf-e2e\n' > "$t/etc/hosts"
	printf '/dev/vda\t/\text4\terrors=remount-ro\t0\t1\n' > "$t/etc/fstab"
	# An initramfs with the disk's drivers only, as MODULES=dep makes on a
	# running machine (Debian's cloud images use dep); MODULES=dep cannot
	# work in a chroot. Debian's default, MODULES=most, takes 30 s more per
	# kernel installed and makes a 30 MB initramfs instead of 6 MB (slower
	# boots under TCG), and changes nothing this test looks at: DKMS's
	# modules are not in the initramfs either way.
	echo MODULES=list > "$t/etc/initramfs-tools/conf.d/ekf-e2e"
	printf 'virtio_pci\nvirtio_blk\next4\n' >> "$t/etc/initramfs-tools/modules"
	# No password: nobody logs in, the check unit does the work.
	chroot "$t" passwd -d root >/dev/null
	# No network in the VM: do not wait for it.
	mkdir -p "$t/var/lib/ekf-e2e"
}

# base_ensure: the cached base image exists and is fresh (built under a lock).
base_ensure() {
	e2e_cache_init
	if base_fresh; then
		return 0
	fi
	lock_take e2e-base
	base_fresh || base_build
	lock_release
}

base_kver() { sed -n 's/^kernel //p' "$E2E_CACHE/base/info"; }

# job_new JOB: a fresh copy of the base image in $E2E_WORK/JOB/disk.img
# and a hard-linked copy of the archive cache; prints the directory.
job_new() {
	local dir=$E2E_WORK/$1
	rm -rf "$dir"
	mkdir -p "$dir/archives/partial"
	cp --sparse=always --reflink=auto "$E2E_CACHE/base/base.img" "$dir/disk.img"
	cp -l "$E2E_ARCHIVES"/*.deb "$dir/archives/" 2>/dev/null || true
	echo "$dir"
}

# job_keep_archives DIR: new downloads of a job go back to the shared cache.
job_keep_archives() {
	cp -nl "$1"/archives/*.deb "$E2E_ARCHIVES/" 2>/dev/null || true
}

# img_sh IMG SCRIPT [ARG...]: run bash SCRIPT on the host with IMG mounted
# at $M, in a private mount namespace; `inroot CMD...` runs CMD chrooted
# in it (clean environment, /proc /sys /dev /tmp mounted, apt's archives
# at $A when A is set). Unmounts before returning.
img_sh() {
	local img=$1 script=$2
	shift 2
	unshare --mount --propagation private -- env A="${A:-}" \
		bash -c '
		set -eo pipefail
		img=$1 script=$2; shift 2
		M=$(mktemp -d /tmp/ekf-e2e-mnt.XXXXXX)
		mount -o loop "$img" "$M"
		# /proc, /sys, /dev, /tmp and resolv.conf, mounted once.
		mount -t proc proc "$M/proc"
		mount --rbind /sys "$M/sys"
		mount --rbind /dev "$M/dev"
		mount -t tmpfs -o mode=1777 tmpfs "$M/tmp"
		if [ -f /etc/resolv.conf ]; then
			[ -f "$M/etc/resolv.conf" ] && [ ! -L "$M/etc/resolv.conf" ] || { rm -f "$M/etc/resolv.conf"; : > "$M/etc/resolv.conf"; made_resolv=1; }
			mount --bind /etc/resolv.conf "$M/etc/resolv.conf"
		fi
		if [ -n "${A:-}" ]; then
			mkdir -p "$M/var/cache/apt/archives"
			mount --bind "$A" "$M/var/cache/apt/archives"
		fi
		inroot() {
			env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
				PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
				DEBIAN_FRONTEND=noninteractive \
				chroot "$M" "$@"
		}
		finish() {
			local rc=$?
			cd /
			umount -R "$M/var/cache/apt/archives" 2>/dev/null || true
			umount "$M/etc/resolv.conf" 2>/dev/null || true
			[ -z "${made_resolv:-}" ] || rm -f "$M/etc/resolv.conf"
			umount -R "$M/dev" "$M/sys" 2>/dev/null || umount -lR "$M/dev" "$M/sys" 2>/dev/null || true
			umount "$M/proc" "$M/tmp" 2>/dev/null || true
			umount "$M" || { sleep 1; umount "$M"; }
			rmdir "$M"
			exit $rc
		}
		trap finish EXIT
		eval "$script"
	' img_sh "$img" "$script" "$@"
}

# img_run IMG CMD...: CMD chrooted in IMG (see img_sh).
img_run() {
	local img=$1
	shift
	img_sh "$img" 'inroot "$@"' "$@"
}
