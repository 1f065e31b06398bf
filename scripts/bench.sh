#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: build the benchmark kernel (configs/base.config +
# configs/bench.config, no debugging options) in its own work tree, run
# scripts/guest-bench.sh in one guest boot and report each workload for
# netkit.ko, netkit_rs.ko and veth with the Rust/C ratio. The report also goes
# to benchmarks/<date>-<kernel>.md. Guests run under software emulation here:
# compare the ratios, not the absolute figures.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
export NETKIT_RS_TREE=${NETKIT_RS_TREE:-${NETKIT_RS_CACHE:-$HOME/.cache/netkit_rs}/linux-bench}
. "$REPO/scripts/lib.sh"

NK_CONFIGS="base bench" bash "$REPO/scripts/build.sh"
mkdir -p "$NETKIT_RS_CACHE/bench"
rr=$NETKIT_RS_CACHE/bench/nk_rr
gcc -O2 -Wall -o "$rr" "$REPO/bench/nk_rr.c"
nkbpf=$NETKIT_RS_CACHE/bench/nk_bpf
gcc -O2 -Wall -I"$TREE/usr/include" -o "$nkbpf" "$REPO/selftests/nk_bpf.c"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
bash "$REPO/scripts/guest.sh" run "ROUNDS=${ROUNDS:-5} bash $REPO/scripts/guest-bench.sh $rr $nkbpf" |
	tee "$log"
grep -q '^BENCH kernel' "$log" || die "the benchmark did not finish"

mkdir -p "$REPO/benchmarks"
python3 "$REPO/scripts/bench_report.py" "$log" "$REPO/benchmarks"
