# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2016,SC2153
#
# The module as a user gets it: `make install-dkms` puts the source tree in
# the chroot's /usr/src/ebpf-kfunc-VERSION, DKMS builds and installs it for
# the kernel. The built module is cached, decompressed, in
# $EKF_CACHE/modules/KVER/ebpf_kfunc.ko with a key (source hash, kernel
# package version); DKMS runs again only when either changes.

DKMS_NAME=ebpf-kfunc

# module_stage DIR: the DKMS source tree of the work tree, installed under
# DIR; sets SRC_DIR, SRC_VERSION and SRC_HASH.
module_stage() {
	local dir=$1
	rm -rf "$dir"
	logged "$dir.log" make -C "$REPO" --no-print-directory install-dkms DESTDIR="$dir" ||
		die "make install-dkms failed"
	SRC_DIR=$(echo "$dir/usr/src/$DKMS_NAME"-*)
	[ -f "$SRC_DIR/dkms.conf" ] || die "make install-dkms did not install $DKMS_NAME into $dir/usr/src"
	SRC_VERSION=${SRC_DIR##*/"$DKMS_NAME"-}
	SRC_HASH=$(cd "$SRC_DIR" && find . -type f -printf '%p %m\n' -exec sha256sum {} + |
		LC_ALL=C sort | sha256sum | cut -c1-16)
}

# module_sync_source ROOT: the chroot's DKMS tree holds exactly the staged
# source (old versions removed from every kernel).
module_sync_source() {
	local root=$1 stamp have v
	stamp=$root/var/lib/ekf-vm/dkms-source
	have=$(cat "$stamp" 2>/dev/null || true)
	if [ "$have" = "$SRC_VERSION $SRC_HASH" ] && [ -d "$root/var/lib/dkms/$DKMS_NAME/$SRC_VERSION" ]; then
		return 0
	fi
	verbose "new module source $SRC_VERSION ($SRC_HASH) for $(basename "$root")"
	rm -f "$stamp"
	for v in "$root/var/lib/dkms/$DKMS_NAME"/*/; do
		[ -d "$v" ] || continue
		v=$(basename "$v")
		in_chroot "$root" -- dkms remove -m "$DKMS_NAME" -v "$v" --all >/dev/null 2>&1 || true
	done
	rm -rf "$root/var/lib/dkms/$DKMS_NAME" "$root/usr/src/$DKMS_NAME"-*
	cp -a "$SRC_DIR" "$root/usr/src/"
	logged "$EKF_CACHE/tmp/dkms-add.log" in_chroot "$root" -- dkms add -m "$DKMS_NAME" -v "$SRC_VERSION" ||
		die "dkms add failed"
	echo "$SRC_VERSION $SRC_HASH" > "$stamp"
}

# module_show_make_log ROOT KVER: DKMS's make.log for KVER, on stderr.
module_show_make_log() {
	local root=$1 kver=$2 log
	log=$(ls -t "$root/var/lib/dkms/$DKMS_NAME/$SRC_VERSION/build/make.log" \
		"$root/var/lib/dkms/$DKMS_NAME/$SRC_VERSION/$kver"/*/log/make.log 2>/dev/null | head -n 1)
	if [ -n "$log" ]; then
		say "DKMS make.log ($log):"
		sed 's/^/  | /' "$log" >&2
	else
		say "no DKMS make.log for $kver"
	fi
}

# module_dkms_build ROOT KVER: dkms build + install for KVER (-k always: in
# a chroot uname -r is the host's kernel).
module_dkms_build() {
	local root=$1 kver=$2 log=$EKF_CACHE/tmp/dkms-$2.log
	# A module built earlier for KVER is stale: DKMS refuses to rebuild it.
	if [ -d "$root/var/lib/dkms/$DKMS_NAME/$SRC_VERSION/$kver" ]; then
		in_chroot "$root" -- dkms remove -m "$DKMS_NAME" -v "$SRC_VERSION" -k "$kver" >/dev/null 2>&1 || true
	fi
	if [ ! -L "$root/var/lib/dkms/$DKMS_NAME/$SRC_VERSION/source" ] &&
	   [ ! -d "$root/var/lib/dkms/$DKMS_NAME/$SRC_VERSION/source" ]; then
		logged "$log" in_chroot "$root" -- dkms add -m "$DKMS_NAME" -v "$SRC_VERSION" || return 1
	fi
	if ! logged "$log" in_chroot "$root" -- sh -c \
		'dkms build -m "$1" -v "$2" -k "$3" && dkms install -m "$1" -v "$2" -k "$3" --force' \
		sh "$DKMS_NAME" "$SRC_VERSION" "$kver"; then
		module_show_make_log "$root" "$kver"
		return 1
	fi
}

# module_installed ROOT KVER: the module file DKMS installed for KVER.
module_installed() {
	local f
	for f in "$1/lib/modules/$2/updates/dkms/ebpf_kfunc.ko"{,.xz,.zst,.gz}; do
		if [ -f "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

# module_ensure SUITE: the DKMS-built module for KVER (from suite_prepare)
# is in the cache; sets MODULE. Fails when DKMS fails or when it built the
# placeholder module (the real one does not build for this kernel).
module_ensure() {
	local suite=$1 cache=$EKF_CACHE/modules/$KVER key kpkg installed t0 reason
	module_stage "$EKF_CACHE/tmp/src-$(suite_chroot "$suite")"
	kpkg=$(chroot "$ROOT" dpkg-query -W -f='${Version}' "linux-headers-$KVER")
	key="$SRC_VERSION $SRC_HASH $KVER $kpkg"
	MODULE=$cache/ebpf_kfunc.ko
	if [ "$(cat "$cache/key" 2>/dev/null)" = "$key" ] && [ -f "$MODULE" ]; then
		verbose "module for $KVER is up to date ($MODULE)"
		return 0
	fi
	t0=$(now)
	say "building the module with DKMS for $KVER"
	module_sync_source "$ROOT"
	rm -rf "$cache"
	module_dkms_build "$ROOT" "$KVER" || die "DKMS failed to build $DKMS_NAME $SRC_VERSION for $KVER"
	installed=$(module_installed "$ROOT" "$KVER") ||
		die "dkms install reported success but no ebpf_kfunc.ko is in $ROOT/lib/modules/$KVER/updates/dkms"
	mkdir -p "$cache"
	decompress_ko "$installed" "$MODULE.new"
	reason=$(tr '\0' '\n' < "$MODULE.new" | sed -n 's/^ekf_unsupported=//p' | head -n 1)
	if [ -n "$reason" ]; then
		module_show_make_log "$ROOT" "$KVER"
		rm -f "$MODULE.new"
		die "DKMS built only the placeholder module for $KVER: $reason"
	fi
	mv "$MODULE.new" "$MODULE"
	cp "$EKF_CACHE/tmp/dkms-$KVER.log" "$cache/dkms.log" 2>/dev/null || true
	echo "$key" > "$cache/key"
	say "module for $KVER built in $(elapsed "$t0") s: $MODULE"
}

# modules_resolve ROOT KVER NAME...: the in-tree module files (host paths)
# of each NAME and of what it depends on (modules.dep), in load order.
modules_resolve() {
	local root=$1 kver=$2 dep
	shift 2
	dep=$root/lib/modules/$kver/modules.dep
	[ -f "$dep" ] || die "no $dep"
	awk -v names="$*" '
		function norm(s) { gsub(/-/, "_", s); return s }
		function modname(path,  n) {
			n = path; sub(/.*\//, "", n); sub(/\.ko(\.(xz|zst|gz))?$/, "", n)
			return norm(n)
		}
		{
			key = $1; sub(/:$/, "", key)
			file[modname(key)] = key
			deps[key] = ""
			for (i = 2; i <= NF; i++) deps[key] = deps[key] " " $i
		}
		function load(path,  n, list, i) {
			if (path in done) return
			done[path] = 1
			n = split(deps[path], list, " ")
			for (i = n; i >= 1; i--) load(list[i])
			print path
		}
		END {
			n = split(names, want, /[ ,]+/)
			for (i = 1; i <= n; i++) {
				if (want[i] == "") continue
				m = norm(want[i])
				if (!(m in file)) { print "?" want[i]; continue }
				load(file[m])
			}
		}' "$dep" | while read -r path; do
		case $path in
		\?*) die "no module ${path#\?} in kernel $kver (modules.dep)" ;;
		esac
		echo "$root/lib/modules/$kver/$path"
	done
}
