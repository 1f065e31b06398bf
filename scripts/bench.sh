#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: build the benchmark kernel (configs/base.config +
# configs/bench.config, no debugging options) in its own work tree, run
# scripts/guest-bench.sh in one guest boot and report each workload for
# netkit.ko, netkit_rs.ko and veth with the Rust/C ratio. The report also goes
# to benchmarks/<date>-<kernel>.md. Guests run under software emulation here:
# compare the ratios, not the absolute figures.
#
# BENCH_CLOCK=icount (default): qemu's -icount shift=0,sleep=off, a guest clock
# that counts emulated instructions, so the figures do not depend on the
# host's load; BENCH_CLOCK=real: real time. Also ROUNDS (default 3 with
# icount, whose spreads stay below 1%, 5 in real time), SECONDS_PER_RUN,
# PKTGEN_COUNT, NK_CHURN, NK_LINKS and WORKLOADS (see scripts/guest-bench.sh).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
export NETKIT_RS_TREE=${NETKIT_RS_TREE:-${NETKIT_RS_CACHE:-$HOME/.cache/netkit_rs}/linux-bench}
. "$REPO/scripts/lib.sh"

NK_CONFIGS="base bench" bash "$REPO/scripts/build.sh"
mkdir -p "$NETKIT_RS_CACHE/bench"
rr=$NETKIT_RS_CACHE/bench/nk_rr
gcc -O2 -Wall -o "$rr" "$REPO/bench/nk_rr.c"
nkbpf=$NETKIT_RS_CACHE/bench/nk_bpf
# The tree's copy: it includes kselftest.h by its path in the tree.
gcc -O2 -Wall -I"$TREE/usr/include" -o "$nkbpf" \
	"$TREE/tools/testing/selftests/drivers/net/netkit_rs/nk_bpf.c"
churn=$NETKIT_RS_CACHE/bench/nk_churn
gcc -O2 -Wall -I"$TREE/usr/include" -o "$churn" "$REPO/bench/nk_churn.c"

clock=${BENCH_CLOCK:-icount}
case $clock in
icount) export GUEST_QEMU_OPTS="-icount shift=0,sleep=off" rounds=3 ;;
real) rounds=5 ;;
*) die "BENCH_CLOCK must be icount or real, not '$clock'" ;;
esac

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Unset settings reach the guest empty: guest-bench.sh has their defaults.
bash "$REPO/scripts/guest.sh" run "ROUNDS=${ROUNDS:-$rounds} \
	SECONDS_PER_RUN='${SECONDS_PER_RUN:-}' PKTGEN_COUNT='${PKTGEN_COUNT:-}' \
	NK_CHURN='${NK_CHURN:-}' NK_LINKS='${NK_LINKS:-}' \
	WORKLOADS='${WORKLOADS:-}' bash $REPO/scripts/guest-bench.sh $rr $nkbpf $churn" |
	tee "$log"
grep -q '^BENCH kernel' "$log" || die "the benchmark did not finish"

mkdir -p "$REPO/benchmarks"
python3 "$REPO/scripts/bench_report.py" "$log" "$REPO/benchmarks" "$clock"
