# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The VM's initramfs: busybox-static, a few host programs with their shared
# libraries (bash for the test scripts, bpftool, ip, tc, setpriv), the project's
# built programs with theirs, the shared directory at its own path, the
# modules to load, and /init (tests/vm/init.sh) with its configuration.

# Host programs put in the VM when the host has them (EKF_VM_HOST_BINS).
EKF_VM_HOST_BINS=${EKF_VM_HOST_BINS:-bash bpftool ip tc setpriv}

# stage_busybox STAGE: busybox (static: host_deps_ensure) and a link for
# each of its applets.
stage_busybox() {
	local stage=$1 bb=/bin/busybox applet
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,root,lib/ekf-vm}
	cp "$bb" "$stage/bin/busybox"
	for applet in $("$bb" --list-full); do
		[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$stage/etc/passwd"
	printf 'root:x:0:\n' > "$stage/etc/group"
	printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' > "$stage/etc/ld.so.conf"
}

# stage_libs STAGE FILE...: the shared libraries and dynamic loader each
# dynamically linked FILE needs, copied at the paths ldd names.
stage_libs() {
	local stage=$1 f lib
	shift
	for f in "$@"; do
		{ ldd "$f" 2>/dev/null || true; } | awk '
			$2 == "=>" && $3 ~ /^\// { print $3; next }
			$1 ~ /^\// { print $1 }'
	done | sort -u | while read -r lib; do
		if [ ! -e "$stage$lib" ]; then
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		fi
	done
}

# stage_host_bins STAGE: the host programs of EKF_VM_HOST_BINS that exist,
# at their own path and in /bin, /sbin, /usr/bin and /usr/sbin.
stage_host_bins() {
	local stage=$1 name path d bins=()
	for name in $EKF_VM_HOST_BINS; do
		path=$(command -v "$name" 2>/dev/null) || continue
		path=$(readlink -f "$path")
		mkdir -p "$stage$(dirname "$path")"
		rm -f "$stage$path"
		cp "$path" "$stage$path"
		# Over busybox's applet of the same name, wherever it is.
		for d in /bin /sbin /usr/bin /usr/sbin; do
			[ "$d/$name" = "$path" ] || ln -sfn "$path" "$stage$d/$name"
		done
		bins+=("$path")
	done
	[ ${#bins[@]} -eq 0 ] || stage_libs "$stage" "${bins[@]}"
}

# stage_share STAGE DIR BUILD: DIR at its own path, without .git and
# without BUILD; then BUILD's bin, tests/bin and bpf (and EKF_VM_INCLUDE, a
# space-separated list of more paths), with the libraries their programs need.
stage_share() {
	local stage=$1 dir=$2 build=$3 p excludes=(--exclude=.git) elfs=()
	case $build/ in
	"$dir"/*) excludes+=("--exclude=.${build#"$dir"}") ;;
	esac
	mkdir -p "$stage$dir"
	tar -C "$dir" "${excludes[@]}" -cf - . | tar -C "$stage$dir" -xf -
	for p in "$build/bin" "$build/tests/bin" "$build/bpf" ${EKF_VM_INCLUDE:-}; do
		[ -e "$p" ] || continue
		mkdir -p "$stage$(dirname "$p")"
		cp -a "$p" "$stage$(dirname "$p")/"
	done
	for p in "$build/bin" "$build/tests/bin"; do
		[ -d "$p" ] || continue
		while IFS= read -r -d '' f; do
			elfs+=("$f")
		done < <(find "$p" -type f -perm -u+x -print0)
	done
	[ ${#elfs[@]} -eq 0 ] || stage_libs "$stage" "${elfs[@]}"
}

# shell_quote ARG...: the arguments as one POSIX sh command line.
shell_quote() {
	local a sep=
	for a in "$@"; do
		printf "%s'%s'" "$sep" "${a//\'/\'\\\'\'}"
		sep=' '
	done
}

# stage_init STAGE TOKEN DIR PATH KEEP_GOING MODULE_FILES -- CMD...: /init,
# its configuration and the command. MODULE_FILES is a space-separated
# list of .ko files in load order.
stage_init() {
	local stage=$1 token=$2 dir=$3 path=$4 keep=$5 mods=$6 m names=
	shift 6
	[ "${1:-}" = -- ] && shift
	for m in $mods; do
		cp "$m" "$stage/lib/ekf-vm/"
		names="$names $(basename "$m")"
	done
	install -m 0755 "$VM_DIR/init.sh" "$stage/init"
	{
		echo "EKF_TOKEN=$token"
		echo "EKF_DIR=$(shell_quote "$dir")"
		echo "EKF_PATH=$(shell_quote "$path")"
		echo "EKF_MODULES='${names# }'"
		echo "EKF_KEEP_GOING=$keep"
	} > "$stage/etc/ekf-vm.conf"
	printf 'exec %s\n' "$(shell_quote "$@")" > "$stage/etc/ekf-vm.cmd"
}

# initramfs_pack STAGE OUT: the newc cpio (uncompressed: quickest to unpack
# under TCG).
initramfs_pack() {
	ldconfig -r "$1" 2>/dev/null || true
	(cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) > "$2"
}
