#!/usr/bin/env bash
# Install everything netkit_rs needs to build and test, idempotently.
#
# Extra Debian suites are added with a low pin so that nothing already on the
# machine is upgraded from them; packages are taken from them by name only.
set -euo pipefail

BINDGEN_VERSION=0.72.1
VIRTIOFSD_VERSION=1.14.0
APT_PKGS_BASE=(iperf3 rustc-web rust-web-src rustfmt-web rust-web-clippy clang-22 lld-22 llvm-22 libclang-22-dev
	flex bison bc libelf-dev libssl-dev dwarves cpio kmod busybox-static
	udev ethtool openssl zlib1g-dev iputils-ping python3-yaml xz-utils make gcc git patch rsync
	libseccomp-dev libcap-ng-dev)
APT_PKGS_BPO=(qemu-system-x86 iproute2 bpftool)
APT_PKGS_TRIXIE_BPO=(linux-source-7.3)

log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

have_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || return 1
	done
}

add_suites() {
	local list=/etc/apt/sources.list.d/netkit-rs.sources
	local pref=/etc/apt/preferences.d/netkit-rs
	local want
	want=$(cat <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
)
	local wantpref
	wantpref=$(cat <<'PREF'
# netkit_rs: never upgrade anything from these suites by accident.
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100

Package: *
Pin: release n=trixie-backports
Pin-Priority: 50

Package: *
Pin: release n=trixie
Pin-Priority: 50
PREF
)
	if [ "$(cat "$list" 2>/dev/null)" != "$want" ] ||
	   [ "$(cat "$pref" 2>/dev/null)" != "$wantpref" ]; then
		log "adding bookworm-backports and trixie-backports (pinned low)"
		printf '%s\n' "$want" | $SUDO tee "$list" >/dev/null
		printf '%s\n' "$wantpref" | $SUDO tee "$pref" >/dev/null
		rm -f /tmp/.netkit-rs-apt-updated
	fi
}

apt_update_once() {
	[ -e /tmp/.netkit-rs-apt-updated ] && return 0
	log "apt-get update"
	$SUDO apt-get update -qq || die "apt-get update failed"
	touch /tmp/.netkit-rs-apt-updated
}

suite_version() {
	# Version of package $1 offered by suite $2, or nothing.
	apt-cache madison "$1" 2>/dev/null |
		awk -F' [|] ' -v rel="$2" '$3 ~ (" " rel "/") { print $2; exit }'
}

installed_version() {
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		sed -n 's/^install ok installed //p'
}

apt_install() {
	# $1: suite to take the packages from, or "" for the default; rest: packages.
	local rel=$1; shift
	local p v want=() missing=()
	for p in "$@"; do
		if [ -z "$rel" ]; then
			[ -n "$(installed_version "$p")" ] || want+=("$p")
			continue
		fi
		v=$(suite_version "$p" "$rel")
		if [ -z "$v" ]; then
			apt_update_once
			v=$(suite_version "$p" "$rel")
		fi
		[ -n "$v" ] || { missing+=("$p"); continue; }
		[ "$(installed_version "$p")" = "$v" ] || want+=("$p/$rel")
	done
	[ ${#missing[@]} -eq 0 ] ||
		die "package(s) not available from $rel: ${missing[*]}"
	[ ${#want[@]} -gt 0 ] || return 0
	apt_update_once
	log "installing ${want[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends ${rel:+-t "$rel"} "${want[@]}" >/dev/null ||
		die "apt-get install failed for: ${want[*]} (is the package in the suite?)"
}

add_suites
apt_install "" "${APT_PKGS_BASE[@]}"
apt_install bookworm-backports "${APT_PKGS_BPO[@]}"
apt_install trixie-backports "${APT_PKGS_TRIXIE_BPO[@]}"

export PATH="$HOME/.cargo/bin:$PATH"
if ! bindgen --version 2>/dev/null | grep -qx "bindgen $BINDGEN_VERSION"; then
	# The machine's rustup cargo, or Debian's where there is none.
	command -v cargo >/dev/null || apt_install "" cargo-web
	log "cargo install bindgen-cli $BINDGEN_VERSION"
	cargo install -q bindgen-cli --version "$BINDGEN_VERSION" --locked ||
		die "cargo install bindgen-cli $BINDGEN_VERSION failed"
fi

# The guests' root file system: virtme-ng exports the host's over virtiofs
# when it finds virtiofsd, over 9p otherwise. Under emulation every program
# start reads its binary and libraries from it, and 9p (no page cache in
# the guest) makes a program start 1.5 to 3 times slower (ip 480 ms against
# 320 ms, python3 2.7 s against 1.0 s): most of make test's time. Debian has
# virtiofsd from trixie on; bookworm takes it from crates.io.
if ! virtiofsd --version 2>/dev/null | grep -qx "virtiofsd $VIRTIOFSD_VERSION"; then
	command -v cargo >/dev/null || apt_install "" cargo-web
	log "cargo install virtiofsd $VIRTIOFSD_VERSION"
	# Not fatal: the guests still boot over 9p, only slower.
	cargo install -q virtiofsd --version "$VIRTIOFSD_VERSION" --locked ||
		log "warning: cargo install virtiofsd $VIRTIOFSD_VERSION failed: guests use 9p"
fi

if ! command -v vng >/dev/null; then
	log "pip install virtme-ng"
	if command -v pip3 >/dev/null; then
		pip3 install -q virtme-ng 2>/dev/null ||
			pip3 install -q --break-system-packages virtme-ng
	else
		apt_install "" python3-pip
		python3 -m pip install -q --break-system-packages virtme-ng
	fi || die "pip install virtme-ng failed"
	command -v vng >/dev/null || die "virtme-ng installed but vng is not on PATH"
fi
log "all dependencies present"
