# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by debian/tools/* and tests/pkg/*: Debian suites' apt sources and
# mmdebstrap options, over tests/lib/common.sh (messages, cache, locks,
# logged commands, host packages, chroots).

DEB_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034
REPO=$(cd "$DEB_TOOLS/../.." && pwd)
# shellcheck source=../../tests/lib/common.sh
. "$REPO/tests/lib/common.sh"

# suite_sources SUITE: apt source lines for SUITE (bookworm with its
# updates and security suites; BACKPORTS=1 adds bookworm-backports).
suite_sources() {
	case $1 in
	bookworm|bullseye)
		echo "deb $EKF_MIRROR $1 main"
		echo "deb $EKF_MIRROR $1-updates main"
		echo "deb $EKF_SECURITY_MIRROR $1-security main"
		if [ "${BACKPORTS:-0}" = 1 ]; then echo "deb $EKF_MIRROR $1-backports main"; fi
		;;
	trixie)
		echo "deb $EKF_MIRROR trixie main"
		echo "deb $EKF_MIRROR trixie-updates main"
		echo "deb $EKF_SECURITY_MIRROR trixie-security main"
		;;
	*)	echo "deb $EKF_MIRROR $1 main" ;;
	esac
}

# suite_aptopts SUITE: mmdebstrap options every chroot of SUITE gets.
# mmdebstrap ignores the host's apt configuration; sid's Release file is
# expired against this machine's clock.
suite_aptopts() {
	printf '%s\n' --aptopt='APT::Install-Recommends "false"' --aptopt='Acquire::Languages "none"'
	case $1 in
	sid|unstable|experimental) printf '%s\n' --aptopt='Acquire::Check-Valid-Until "false"' ;;
	esac
}

# sha_of FILE...: one sha256 over the files' contents, in this order.
sha_of() {
	cat "$@" | sha256sum | cut -d' ' -f1
}
