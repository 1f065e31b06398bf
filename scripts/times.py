#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a test run's time went, suite by suite and case by case.

scripts/guest-test.sh writes, next to each suite's KTAP output, a .times
file: every result and plan line of the output with the seconds since the
suite started. A result's time is the time since the line before it at its
own nesting level or above (the previous result, the plan, the kselftest
runner's "timeout set" line). Prints each suite's time (from the guest's
console.log), its tests and its slowest cases, and writes the same into the
first OUT directory as times.txt.

usage: times.py OUT [OUT ...]
"""

import os
import re
import sys

LINE = re.compile(r"^(?P<t>\d+\.\d+) (?P<depth>(?:# )*)(?P<rest>.*)$")
RESULT = re.compile(r"^(?:not )?ok \d+ (?:- )?(?:selftests: \S+: )?(?P<name>[^#]*?)\s*(?:#.*)?$")
TOOK = re.compile(r"^guest: (?P<suite>\S+) took (?P<s>\d+)s$")
SLOWEST = 12


def durations(path):
    """[(depth, name, seconds)] of every result in one .times file."""
    events, out = [], []
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            t, depth = float(m.group("t")), len(m.group("depth")) // 2
            r = RESULT.match(m.group("rest"))
            if r:
                start = next((e for d, e in reversed(events) if d <= depth), 0.0)
                out.append((depth, r.group("name"), t - start))
            events.append((depth, t))
    return out


def main():
    dirs = sys.argv[1:]
    lines = []
    for d in dirs:
        suites = os.path.join(d, "suites")
        if not os.path.isdir(suites):
            continue
        # A suite's own time, start to end (a test_progs suite prints its
        # results only when it ends).
        took = {}
        try:
            with open(os.path.join(d, "console.log"), errors="replace") as f:
                for line in f:
                    m = TOOK.match(line.strip())
                    if m:
                        took[m.group("suite")] = m.group("s")
        except OSError:
            pass
        for f in sorted(os.listdir(suites)):
            if not f.endswith(".times"):
                continue
            res = durations(os.path.join(suites, f))
            suite = f[:-len(".times")]
            top = [(n, s) for depth, n, s in res if depth == 0]
            lines.append(f"{suite}: {took.get(suite, '?')} s, {len(top)} results")
            if any(depth > 0 for depth, _, _ in res):
                lines += [f"  {n} {s:.0f} s" for n, s in top]
            deep = sorted(((s, n) for depth, n, s in res if depth > 0), reverse=True)
            if deep:
                lines.append("  slowest cases: " + ", ".join(
                    f"{n} {s:.0f} s" for s, n in deep[:SLOWEST]))
    if not lines:
        return 0
    with open(os.path.join(dirs[0], "times.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for line in lines:
        print(f"time: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
