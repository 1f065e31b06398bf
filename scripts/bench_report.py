#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise guest-bench.sh output: median per device and workload, Rust/C
ratios; print the table and write it to BENCH_DIR/<date>-<kernel>-<clock>.md.

usage: bench_report.py LOG BENCH_DIR CLOCK   (CLOCK: icount or real)
environment: WORKLOADS, the regular expression that chose the workloads run"""

import datetime
import os
import re
import statistics
import sys

WORKLOADS = {
    "pktgen_pps": "pktgen transmit, 64 B, clone_skb 0 (pps)",
    "tcp_stream_mbps": "TCP stream, iperf3 (Mbit/s)",
    "tcp_rr_tps": "TCP request/response, 64 B (transactions/s)",
    "pktgen_pps_bpf_pass": "pktgen, 1 BPF program (pass) (pps)",
    "pktgen_pps_bpf_next4": "pktgen, 4 BPF programs (3 next, pass) (pps)",
    "pktgen_pps_bpf_redirect": "pktgen, 1 BPF program (redirect to a veth) (pps)",
    "churn_create_per_s": "pairs created, peer in its own netns, one request at a time (pairs/s)",
    "churn_delete_per_s": "pairs deleted, one request at a time (pairs/s)",
    "churn_netns_teardown_per_s": "namespaces deleted, one peer each, until the last device is gone (pairs/s)",
    "bpf_link_per_s": "BPF link create + detach on one device (links/s)",
}
DEVICES = ("netkit", "netkit_rs", "veth")
CLOCKS = {
    "icount": [
        "Clock: `-icount shift=0,sleep=off`. The guest's clock advances 1 ns",
        "per emulated instruction and skips idle time, so a rate measured in",
        "the guest is the inverse of the instructions spent per unit of work,",
        "the same whatever else the host runs. This compares the code paths'",
        "instruction counts; it does not model caches, memory or real",
        "hardware, and the absolute figures mean nothing.",
    ],
    "real": [
        "Clock: real time (multi-threaded TCG). The figures move with the",
        "host's load and with translation work, so expect wide spreads; only",
        "the ratios mean anything.",
    ],
}


def main():
    log, out_dir, clock = sys.argv[1], sys.argv[2], sys.argv[3]
    runs, kernel = {}, "unknown"
    with open(log, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3 or parts[0] != "BENCH":
                continue
            if parts[1] == "kernel":
                kernel = parts[2]
                continue
            if len(parts) == 4 and parts[3].replace(".", "", 1).isdigit():
                runs.setdefault((parts[1], parts[2]), []).append(float(parts[3]))
    rounds = max((len(v) for v in runs.values()), default=0)
    date = datetime.date.today().isoformat()
    lines = [
        f"# netkit_rs benchmark, {date}, kernel {kernel}",
        "",
        f"One guest boot, software emulation (TCG, 2 vCPUs); {rounds} rounds in",
        "rotating device order, median of the rounds.",
        "",
        *CLOCKS[clock],
        "",
        "The paired ratio is the median of the rounds' Rust/C ratios (C and",
        "Rust run next to each other in each round). The spread is",
        "(max - min) / median over the rounds. Goal: Rust/C >= 0.98.",
        "",
        "| workload | netkit (C) | netkit_rs | veth | Rust/C | paired Rust/C | spread Rust, C | Rust/veth |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ok = True
    chosen = re.compile(os.environ.get("WORKLOADS") or ".")
    for w, desc in WORKLOADS.items():
        if not chosen.search(w):
            continue
        med, spread = {}, {}
        for d in DEVICES:
            v = runs.get((d, w), [])
            if v:
                med[d] = statistics.median(v)
                spread[d] = (max(v) - min(v)) / med[d] if med[d] else 0
        if "netkit" not in med or "netkit_rs" not in med or not med["netkit"]:
            ok = False
            lines.append(f"| {desc} | missing | | | | | | |")
            continue
        ratio = med["netkit_rs"] / med["netkit"]
        pairs = [r / c for r, c in zip(runs[("netkit_rs", w)], runs[("netkit", w)]) if c]
        paired = statistics.median(pairs) if pairs else 0
        cells = [f"{med[d]:.0f}" if d in med else "-" for d in DEVICES]
        veth = f"{med['netkit_rs'] / med['veth']:.3f}" if med.get("veth") else "-"
        lines.append(f"| {desc} | {' | '.join(cells)} | {ratio:.3f} | {paired:.3f} | "
                     f"{spread['netkit_rs']:.1%}, {spread['netkit']:.1%} | {veth} |")
    lines += ["", "Raw runs (device workload: values in run order):", ""]
    for (d, w), v in sorted(runs.items()):
        lines.append(f"- {d} {w}: {' '.join(f'{x:.0f}' for x in v)}")
    text = "\n".join(lines) + "\n"
    print(text)
    path = os.path.join(out_dir, f"{date}-{kernel}-{clock}.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"bench: wrote {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
