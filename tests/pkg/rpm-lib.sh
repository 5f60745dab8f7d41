# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the RPM packaging tests (tests/pkg/rpm*.sh): where `make rpm`
# puts the packages, and the chroot layer with rpm that the scriptlet test
# installs them in. Over tests/pkg/lib.sh (result lines, result cache,
# overlays, the Debian packages).
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RPM_DIR=${EKF_RPM_DIR:-$REPO/build/rpm}
RPM_PREV_DIR=${EKF_RPM_PREV_DIR:-$RPM_DIR/prev}
RPM_REL_DIR=${EKF_RPM_REL_DIR:-$RPM_DIR/release}
RPM_ARCH=$(uname -m)

# rpms_in DIR: the binary RPMs in DIR (ebpf-kfunc-dkms, ebpf-tools), one a
# line; fails when either is missing.
rpms_in() {
	local dkms tools
	dkms=$(ls "$1"/ebpf-kfunc-dkms-*.noarch.rpm 2>/dev/null | tail -n 1)
	tools=$(ls "$1"/ebpf-tools-*."$RPM_ARCH".rpm 2>/dev/null | tail -n 1)
	[ -n "$dkms" ] && [ -n "$tools" ] || return 1
	printf '%s\n' "$dkms" "$tools"
}

# rpm_layer TESTBED: print the directory of an overlay layer that adds
# rpm (with an initialised database in /var/lib/rpm) and procps (dkms's
# --rpm_safe_upgrade asks ps for the rpm process's start time, as on every
# RHEL system) to the bookworm test chroot TESTBED (tests/pkg/testbed).
# Stacked over TESTBED (overlay_run "LAYER:TESTBED"), neither is ever
# modified. Cached in $EKF_CACHE/pkg-test/bookworm-rpm, remade whenever
# the testbed is.
RPM_LAYER_FORMAT=1	# bump when what the layer holds changes
rpm_layer() {
	local testbed=$1 layer=$EKF_CACHE/pkg-test/bookworm-rpm want tmp rc=0
	want="$RPM_LAYER_FORMAT $(stat -c %Y "$testbed/var/lib/ekf-pkg/format")"
	lock_take pkg-rpm-layer
	if [ "$(cat "$layer.stamp" 2>/dev/null)" != "$want" ] || [ ! -d "$layer" ]; then
		say "adding rpm and procps to the test chroot, as a layer in $layer"
		tmp=$(mktemp -d "$EKF_CACHE/tmp/pkg-rpm-layer.XXXXXX")
		# shellcheck disable=SC2016
		logged "$EKF_CACHE/tmp/pkg-rpm-layer.log" overlay_run "$testbed" "$tmp" chroot "$tmp/root" sh -c '
			set -e
			export DEBIAN_FRONTEND=noninteractive
			apt-get install -y -q --no-install-recommends rpm procps ||
				{ apt-get update -q && apt-get install -y -q --no-install-recommends rpm procps; }
			apt-get clean
			rpmdb --initdb --dbpath /var/lib/rpm' || rc=$?
		if [ "$rc" = 0 ]; then
			rm -rf "$layer" "$layer.stamp"
			# Mount points stay out.
			rm -rf "$tmp/upper/tmp" "$tmp/upper/proc" "$tmp/upper/sys" "$tmp/upper/dev"
			mv -T "$tmp/upper" "$layer"
			echo "$want" > "$layer.stamp"
		fi
		rm -rf "$tmp"
	fi
	lock_release
	[ "$rc" = 0 ] && echo "$layer"
}
