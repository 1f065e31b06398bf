#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test: run the suites in guests of the test kernel and report.
#
# usage: test.sh [REPORT_OPTION ...]   options for scripts/report.py
# environment: as guest.sh (IMPL, KSELFTESTS, UPSTREAM, ...), and
#   GUEST_SHARDS  2: two guests at once, one for the project's kselftests
#                 and one for the upstream suites (without any, one for the
#                 first kselftest named and one for the rest); 1: one guest.
#                 Default: 2 with at least 4 host cores, else 1
#
# An emulated guest's two vCPUs keep up to two host cores busy (one guest
# alone: qemu at about 190 % CPU): on a 2-core machine two guests got about
# 95 % each and ran slower (module.sh 126 s against 82 s alone), so they only
# pay where there are cores to spare. Each guest loads the module, runs KUnit
# and has its own checks (splats, taint, kmemleak, finished).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

IMPL=${IMPL:-rs}
out=$NETKIT_RS_CACHE/results/$(date +%Y%m%d-%H%M%S)-$IMPL
mkdir -p "$out"
ks=${KSELFTESTS:-1} up=${UPSTREAM:-}

guest() { # guest DIR KSELFTESTS UPSTREAM
	local t=$SECONDS
	KSELFTESTS=$2 UPSTREAM=$3 bash "$REPO/scripts/guest.sh" test "$1"
	echo "test: guest ${1##*/} took $((SECONDS - t))s" >&2
}

# The second guest takes the upstream suites or, without any, the kselftests
# after the first one named.
read -r -a named <<< "$( [ "$ks" = 0 ] || [ "$ks" = 1 ] || echo "$ks")"
if [ "${GUEST_SHARDS:-$(($(nproc) >= 4 ? 2 : 1))}" -lt 2 ]; then
	shard=()
elif [ "$ks" != 0 ] && [ -n "$up" ]; then
	shard=("$ks" "" 0 "$up")
elif [ "${#named[@]}" -ge 2 ]; then
	shard=("${named[0]}" "" "${named[*]:1}" "")
else
	shard=()
fi

# make test-quick (NK_PARITY_REUSE=1): parity.sh's netkit.ko transcripts
# depend only on the kernel, netkit.ko, the scenarios and the tools. An
# earlier run's, recorded from the same ones, stand in for recording them
# again (parity.sh reports record_netkit as skipped); make test records both.
parity_key() {
	local st=$TREE/tools/testing/selftests/drivers/net/netkit_rs
	cat "$TREE/arch/x86/boot/bzImage" "$TREE/drivers/net/netkit.ko" \
		"$st/parity.sh" "$st/lib.sh" "$st/nk_ynl.py" \
		"$TREE/Documentation/netlink/specs/rt-link.yaml" \
		"$TREE"/tools/net/ynl/pyynl/lib/*.py \
		"$(command -v ip)" "$(command -v ethtool)" | sha256sum | cut -d' ' -f1
}
ref=
if [ -n "${NK_PARITY_REUSE:-}" ]; then
	ref=$NETKIT_RS_CACHE/parity-ref/$(parity_key)
	[ ! -d "$ref/netkit" ] || export NK_PARITY_REF=$ref/netkit
fi

start=$SECONDS
if [ ${#shard[@]} = 4 ]; then
	dirs=("$out/kselftests" "$out/upstream")
	[ -n "${shard[3]}" ] || dirs[1]=$out/kselftests2
	guest "${dirs[0]}" "${shard[0]}" "${shard[1]}" &
	pid=$!
	# vng prepares the tree's module links (.virtme_mods) at start: one at
	# a time.
	sleep 20
	guest "${dirs[1]}" "${shard[2]}" "${shard[3]}" || true
	wait "$pid" || true
else
	dirs=("$out")
	guest "$out" "$ks" "$up" || true
fi
echo "test: guest run took $((SECONDS - start))s, results in $out" >&2
ln -sfn "$out" "$NETKIT_RS_CACHE/results/latest"
# Keep netkit.ko's transcripts of a passing recording for the next reuse.
for d in "${dirs[@]}"; do
	[ -n "$ref" ] && [ -z "${NK_PARITY_REF:-}" ] && [ -d "$d/parity/netkit" ] &&
		grep -qE '^# ok [0-9]+ record_netkit$' "$d/suites/kselftest.ktap" 2>/dev/null ||
		continue
	mkdir -p "$ref" && rm -rf "$ref/netkit" && cp -r "$d/parity/netkit" "$ref/"
done
python3 "$REPO/scripts/times.py" "${dirs[@]}" || true
python3 "$REPO/scripts/report.py" "${dirs[@]}" "$@"
