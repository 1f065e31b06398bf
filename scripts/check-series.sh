#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check-series: build the kernel after each patch of the series, with
# the files of the patches so far and no others (patches/files), so that a
# bisection can stop at any patch.
#
# The kernel is the lean base (configs/base.config) with netkit, netkit_rs
# and the test driver as modules, in a work tree of its own
# ($NETKIT_RS_CACHE/linux-series): the first build is a full one, each
# patch after it rebuilds what the patch changes. netkit is built in until
# the patch that lets it be a module. After each patch, every option of that
# configuration that the Kconfig files declare by then must be set as asked,
# so that no patch's code is left out of its build unseen; a Rust warning
# fails the build (KRUSTFLAGS=-Dwarnings). After the last patch the
# selftests are built too.
#
# usage: check-series.sh [first patch number]   (default: 1)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

log() { printf 'check-series: %s\n' "$*" >&2; }

export NETKIT_RS_TREE=${NETKIT_RS_TREE:-$NETKIT_RS_CACHE/linux-series}
TREE=$NETKIT_RS_TREE
mkdir -p "$NETKIT_RS_CACHE/tmp"
export KRUSTFLAGS=-Dwarnings
frag=$NETKIT_RS_CACHE/tmp/series.config
mapfile -t patches < <(grep -v '^#' "$REPO/patches/series" | sed '/^$/d')

# The configuration over base.config for the tree as it is: netkit is a
# bool before it can be a module, and m is no value for a bool.
write_frag() {
	local netkit=y
	if grep -A1 -x 'config NETKIT' "$TREE/drivers/net/Kconfig" | grep -q tristate; then
		netkit=m
	fi
	printf '%s\n' CONFIG_NETKIT=$netkit CONFIG_NETKIT_RS=m \
		CONFIG_RUST_NETDEV_ABSTRACTIONS=y CONFIG_RUST_NETDEV_TEST=m > "$frag"
}

first=${1:-1}
for k in $(seq "$first" "${#patches[@]}"); do
	p=${patches[$((k - 1))]}
	log "$k/${#patches[@]} $p"
	start=$SECONDS
	NK_SERIES_UPTO=$k python3 "$REPO/scripts/tree.py" >/dev/null
	write_frag
	args=(all)
	[ "$k" != "${#patches[@]}" ] || args=()
	NK_SERIES_UPTO=$k NK_CONFIGS="base $frag" NK_VERIFY_DECLARED=1 \
		bash "$REPO/scripts/build.sh" "${args[@]}" ||
		die "patch $k, $p: the configuration or the build failed"
	log "$k/${#patches[@]} builds ($((SECONDS - start))s)"
done
for o in drivers/net/netkit.ko drivers/net/netkit_rs.ko drivers/net/rust_netdev_test.ko \
	tools/testing/selftests/drivers/net/netkit_rs/nk_bpf; do
	[ -f "$TREE/$o" ] || die "$o was not built"
done
log "every patch from $first on builds"
