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
    "redirect_peer_pps": "host device's tcx ingress, bpf_redirect_peer() into the pod's device (pps)",
    "pktgen_pps_blackhole": "pktgen transmit, blackhole policy (pps)",
}
# Packets per second whose inverse is a cost per packet: with the icount clock
# 1 ns of guest time is one instruction.
FLOOR = "pktgen_pps_dummy"
PER_PACKET = ("pktgen_pps_blackhole", "pktgen_pps", "redirect_peer_pps")
# pktgen resends a packet the device dropped (NET_XMIT_DROP) instead of
# building a new one: those runs build no packets, the floor's do.
NO_FLOOR = ("pktgen_pps_blackhole",)
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
    runs, kernel, extra, ratios = {}, "unknown", {}, {}
    with open(log, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3 or parts[0] != "BENCH":
                continue
            if parts[1] == "kernel":
                kernel = parts[2]
                continue
            if parts[1] == "spectre_v2":
                extra["spectre_v2"] = " ".join(parts[2:])
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
        ratios[desc] = paired
        cells = [f"{med[d]:.0f}" if d in med else "-" for d in DEVICES]
        veth = f"{med['netkit_rs'] / med['veth']:.3f}" if med.get("veth") else "-"
        lines.append(f"| {desc} | {' | '.join(cells)} | {ratio:.3f} | {paired:.3f} | "
                     f"{spread['netkit_rs']:.1%}, {spread['netkit']:.1%} | {veth} |")
    lines += floor_lines(runs, clock)
    if extra.get("spectre_v2"):
        lines += ["", f"The guest's `spectre_v2`: {extra['spectre_v2']}."]
    chart = chart_svg(ratios)
    base = f"{date}-{kernel}-{clock}"
    if chart:
        with open(os.path.join(out_dir, base + ".svg"), "w", encoding="utf-8") as f:
            f.write(chart)
        lines += ["", f"![paired Rust/C per workload]({base}.svg)"]
    lines += ["", "Raw runs (device workload: values in run order):", ""]
    for (d, w), v in sorted(runs.items()):
        lines.append(f"- {d} {w}: {' '.join(f'{x:.0f}' for x in v)}")
    text = "\n".join(lines) + "\n"
    print(text)
    path = os.path.join(out_dir, base + ".md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"bench: wrote {path}")
    return 0 if ok else 1


def floor_lines(runs, clock):
    """The cost per packet of each device, and its distance to the floor:
    pktgen into a dummy device, whose xmit only counts and frees the skb."""
    floor = runs.get(("dummy", FLOOR))
    if not floor:
        return []
    unit = "instructions" if clock == "icount" else "ns"
    base = 1e9 / statistics.median(floor)
    lines = [
        "",
        f"Cost per packet in {unit} (10^9 / median pps), and above the floor,",
        f"pktgen into a `dummy` device: {base:.0f}. Rust - C is netkit_rs's",
        "extra cost per packet. The blackhole run has no floor: pktgen sends a",
        "dropped packet again without building a new one, so that run is",
        "pktgen's loop and the transmit path alone.",
        "",
        "| workload | netkit (C) | above floor | netkit_rs | above floor | Rust - C | veth |",
        "|---|---|---|---|---|---|---|",
    ]
    for w in PER_PACKET:
        cost = {d: 1e9 / statistics.median(runs[(d, w)]) for d in DEVICES if runs.get((d, w))}
        if "netkit" not in cost or "netkit_rs" not in cost:
            continue
        c, r = cost["netkit"], cost["netkit_rs"]
        veth = f"{cost['veth']:.0f}" if "veth" in cost else "-"
        if w in NO_FLOOR:
            above_c = above_r = "-"
        else:
            above_c, above_r = f"{c - base:.0f}", f"{r - base:.0f}"
        lines.append(f"| {WORKLOADS[w]} | {c:.0f} | {above_c} | {r:.0f} | {above_r} | "
                     f"{r - c:+.0f} | {veth} |")
    return lines


def chart_svg(ratios):
    """A bar chart of the paired Rust/C ratio per workload, 1.0 marked."""
    if not ratios:
        return ""
    lo = min(0.9, min(ratios.values()) - 0.02)
    hi = max(1.1, max(ratios.values()) + 0.02)
    left, width, bar, gap = 470, 360, 18, 8
    height = 40 + len(ratios) * (bar + gap)

    def x(v):
        return left + (v - lo) / (hi - lo) * width

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" '
           f'height="{height + 20}" font-family="sans-serif" font-size="12">',
           f'<text x="{left}" y="16">paired Rust/C (netkit_rs / netkit), 1.0 = parity</text>']
    for i, (desc, v) in enumerate(ratios.items()):
        y = 30 + i * (bar + gap)
        start, end = sorted((x(1.0), x(v)))
        colour = "#3a7" if v >= 0.98 else "#c44"
        label = desc.replace("&", "&amp;").replace("<", "&lt;")
        out += [f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{label}</text>',
                f'<rect x="{start:.1f}" y="{y}" width="{max(end - start, 1):.1f}" '
                f'height="{bar}" fill="{colour}"/>',
                f'<text x="{x(max(v, 1.0)) + 4:.1f}" y="{y + 13}">{v:.3f}</text>']
    out += [f'<line x1="{x(1.0):.1f}" y1="24" x2="{x(1.0):.1f}" y2="{height}" stroke="#000"/>',
            f'<text x="{x(lo):.1f}" y="{height + 14}">{lo:.2f}</text>',
            f'<text x="{x(hi):.1f}" y="{height + 14}" text-anchor="end">{hi:.2f}</text>',
            "</svg>"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
