#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run upstream's BPF test_progs and report its results as KTAP.

usage: test_progs_ktap.py TEST_PROGS [ARGS...]

test_progs prints "#N name:OK|SKIP|FAIL" per test and "#N/M test/subtest:..."
per subtest. Every subtest is one KTAP result, and so is every test without
subtests. test_progs' own output goes to stderr. The exit status is
test_progs' own, or 1 when it printed no result.
"""
import re
import subprocess
import sys

LINE = re.compile(r"^#(?P<num>\d+)(?:/(?P<sub>\d+))?\s+(?P<name>\S+):(?P<res>OK|SKIP|FAIL)\s*$")


def main():
    proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace",
                          check=False)
    sys.stderr.write(proc.stdout)
    tests, subs = {}, {}
    for line in proc.stdout.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        if m.group("sub"):
            subs.setdefault(m.group("num"), []).append(m)
        else:
            tests[m.group("num")] = m
    results, seen = [], set()
    for num, test in tests.items():
        for m in subs.get(num, [test]):
            name = m.group("name").replace("/", ".")
            if name in seen:
                name += f".{m.group('sub')}"
            seen.add(name)
            results.append((m.group("res"), name))
    print("KTAP version 1")
    print(f"1..{len(results)}")
    for i, (res, name) in enumerate(results, 1):
        print(f"{'not ok' if res == 'FAIL' else 'ok'} {i} {name}"
              + (" # SKIP" if res == "SKIP" else ""))
    return proc.returncode if results else 1


if __name__ == "__main__":
    sys.exit(main())
