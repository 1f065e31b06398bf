#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise one test run, of one or more guests, as KTAP.

Reads each directory written by scripts/guest-test.sh (and the console log
that scripts/guest.sh captured), prints every result as one KTAP stream, then
the line `N passed, N failed, N skipped`.  Exits 1 if anything failed: a test
case, a suite that did not finish its plan, an expected suite that is
missing, a kernel splat in the guest log, or a guest that crashed or timed
out.

usage: report.py OUT [OUT ...] [--expect-kunit SUITE ...]
"""

import argparse
import os
import re
import sys

RESULT = re.compile(r"^(?P<indent>\s*)(?P<ok>ok|not ok) (?P<num>\d+)"
                    r"(?: -)? ?(?P<name>[^#]*?)\s*(?:#\s*(?P<dir>.*))?$")
PLAN = re.compile(r"^(?P<indent>\s*)1\.\.(?P<n>\d+)")

# Kernel messages that mean the run is broken, whatever the tests said.
SPLATS = [
    r"-+\[ cut here \]-+",
    r"WARNING: CPU: \d+ PID: \d+",
    r"WARNING: \S+ at \S+",
    r"\bBUG: ",
    r"kernel BUG at",
    r"Oops: ",
    r"general protection fault",
    r"Kernel panic",
    r"possible circular locking dependency",
    r"possible recursive locking",
    r"inconsistent lock state",
    r"suspicious RCU usage",
    r"INFO: task .* blocked for more than",
    r"rcu: INFO: .*stall",
    r"unregister_netdevice: waiting for",
    r"ref_tracker: .* has \d+/\d+ users",
    r"refcount_t: ",
    r"kmemleak: \d+ new suspected memory leaks",
    r"UBSAN: ",
    r"KASAN: ",
    r"KCSAN: ",
    r"KFENCE: ",
]
SPLAT = re.compile("|".join(SPLATS))


class Report:
    def __init__(self):
        self.lines = []
        self.passed_names, self.skipped_names = [], []
        self.passed = self.failed = self.skipped = 0

    def add(self, ok, name, directive=None, diag=()):
        for d in diag:
            self.lines.append(f"# {d}")
        skip = directive is not None and directive.upper().startswith("SKIP")
        line = f"{'ok' if ok else 'not ok'} {len(self.lines_results()) + 1} {name}"
        if directive:
            line += f" # {directive}"
        self.lines.append(line)
        if not ok:
            self.failed += 1
        elif skip:
            self.skipped += 1
            self.skipped_names.append(name)
        else:
            self.passed += 1
            self.passed_names.append(name)

    def lines_results(self):
        return [l for l in self.lines if not l.startswith("#")]


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def parse_ktap(text, depth):
    """Results at nesting depth `depth` (0 = outermost), plus their plan.

    The depth is counted in distinct indentations of result lines, so a
    suite without subtests yields its top-level results.  Lines a subtest
    prints under kselftest's runner are "# "-prefixed and never match.
    """
    found = []
    for line in text.splitlines():
        m = RESULT.match(line)
        if m:
            found.append((len(m.group("indent")), m))
    if not found:
        return [], None
    levels = sorted({i for i, _ in found})
    want = levels[min(depth, len(levels) - 1)]
    results = [(m.group("ok") == "ok", m.group("name").strip(), m.group("dir"))
               for i, m in found if i == want]
    plan = None
    for line in text.splitlines():
        p = PLAN.match(line)
        if p and len(p.group("indent")) == want:
            plan = int(p.group("n"))
            break
    return results, plan


def add_suite(rep, prefix, text, depth, rc=None):
    results, plan = parse_ktap(text, depth)
    for ok, name, directive in results:
        if directive and directive.upper().startswith(("TODO", "XFAIL")):
            directive = None if ok else directive
        rep.add(ok, f"{prefix}.{name}", directive)
    if plan is not None and plan != len(results):
        rep.add(False, f"{prefix}.plan",
                diag=[f"plan was {plan} tests, {len(results)} reported"])
    if not results:
        rep.add(False, f"{prefix}.results", diag=["suite reported no results"])
    if rc is not None and rc not in (0, 4) and all(ok for ok, _, _ in results):
        rep.add(False, f"{prefix}.exit", diag=[f"exit status {rc}"])


def add_kselftest(rep, prefix, text, rc):
    """kselftest's runner: one top-level result per script, the script's own
    KTAP nested under "# "; report the nested cases where there are any."""
    nested, scripts, failed_before = [], 0, rep.failed
    for line in text.splitlines():
        if line.startswith("# "):
            m = RESULT.match(line[2:])
            if m and not m.group("indent"):
                nested.append((m.group("ok") == "ok", m.group("name").strip(),
                               m.group("dir")))
            continue
        m = RESULT.match(line)
        if not m or m.group("indent"):
            continue
        scripts += 1
        ok = m.group("ok") == "ok"
        script = m.group("name").strip().split(": ")[-1]
        for n_ok, name, directive in nested:
            rep.add(n_ok, f"{prefix}.{script}.{name}", directive)
        if not nested or (not ok and all(o for o, _, _ in nested)):
            rep.add(ok, f"{prefix}.{script}", m.group("dir"))
        nested = []
    if not scripts:
        rep.add(False, f"{prefix}.results", diag=["suite reported no results"])
    elif rc not in (None, 0) and rep.failed == failed_before:
        rep.add(False, f"{prefix}.exit", diag=[f"exit status {rc}"])


def add_guest(rep, out, label, args):
    """The results of one guest: its own checks, KUnit and its suites; returns
    the names of the suites it ran. label prefixes the guest's own results
    and KUnit's when make test ran several guests."""
    pre = f"{label}." if label else ""
    diag = []
    for line in (read(os.path.join(out, "guest.ktap")) or "").splitlines():
        m = RESULT.match(line)
        if m:
            rep.add(m.group("ok") == "ok", f"{pre}guest.{m.group('name').strip()}",
                    m.group("dir"), diag)
            diag = []
        elif line.startswith("# "):
            diag.append(line[2:])

    kdir = os.path.join(out, "kunit")
    suites = sorted(f[:-5] for f in os.listdir(kdir)) if os.path.isdir(kdir) else []
    for s in suites:
        # A KUnit suite's results file has the cases at depth 1.
        add_suite(rep, f"{pre}kunit.{s}", read(os.path.join(kdir, f"{s}.ktap")), 1)
    for s in args.expect_kunit:
        if s not in suites:
            rep.add(False, f"{pre}kunit.{s}", diag=["KUnit suite did not run"])

    sdir = os.path.join(out, "suites")
    names = sorted(f[:-5] for f in os.listdir(sdir) if f.endswith(".ktap")) \
        if os.path.isdir(sdir) else []
    for s in names:
        rc = read(os.path.join(sdir, f"{s}.rc"))
        text = read(os.path.join(sdir, f"{s}.ktap")) or ""
        rc = int(rc) if rc and rc.strip().isdigit() else None
        if s == "kselftest":
            add_kselftest(rep, s, text, rc)
        else:
            add_suite(rep, s, text, 0, rc)

    log = (read(os.path.join(out, "dmesg.txt")) or "") + \
          (read(os.path.join(out, "console.log")) or "")
    splats = list(dict.fromkeys(re.sub(r"^\[\s*[\d.]+\]\s*", "", l.strip())
                                for l in log.splitlines() if SPLAT.search(l)))
    rep.add(not splats, f"{pre}guest.no_kernel_splat", diag=splats[:20])
    # Taint flags a splat leaves even where its message was lost.
    taint_bits = {"B (bad page)": 5, "D (died)": 7, "W (warned)": 9,
                  "L (soft lockup)": 14}
    tainted = (read(os.path.join(out, "tainted")) or "").strip()
    if tainted.isdigit():
        bad = [n for n, b in taint_bits.items() if int(tainted) >> b & 1]
        rep.add(not bad, f"{pre}guest.not_tainted",
                diag=[f"kernel tainted {tainted}: {', '.join(bad)}"] if bad else [])
    leaks = (read(os.path.join(out, "kmemleak.txt")) or "").strip()
    rep.add(not leaks, f"{pre}guest.no_kmemleak",
            diag=[l for l in leaks.splitlines()[:20]])
    vrc = (read(os.path.join(out, "vng.rc")) or "").strip()
    finished = read(os.path.join(out, "done")) is not None
    rep.add(finished, f"{pre}guest.finished",
            diag=[] if finished else
            [f"guest did not finish (vng exit {vrc or '?'}; 124 = timeout); "
             f"see {out}/console.log"])
    return names


def main():
    ap = argparse.ArgumentParser()
    # One directory per guest of the run (scripts/test.sh).
    ap.add_argument("out", nargs="+")
    ap.add_argument("--expect-kunit", nargs="*", action="extend", default=[])
    ap.add_argument("--expect-suite", nargs="*", action="extend", default=[])
    # Cases that must pass, not only run (upstream's psp.py drops or skips
    # its netkit cases if its netkit environment does not come up): the name
    # of a result, or a prefix ending in "." of results of which at least
    # one passed and none was skipped (failures fail anyway).
    ap.add_argument("--expect-case", nargs="*", action="extend", default=[])
    args = ap.parse_args()
    rep = Report()

    names = []
    for out in args.out:
        label = os.path.basename(os.path.normpath(out)) if len(args.out) > 1 else ""
        names += add_guest(rep, out, label, args)
    for s in args.expect_suite:
        if s not in names:
            rep.add(False, s, diag=["suite did not run"])
    for c in args.expect_case:
        def named(n, c=c):
            return n == c or (c.endswith(".") and n.startswith(c))
        if not any(map(named, rep.passed_names)) or any(map(named, rep.skipped_names)):
            rep.add(False, c, diag=["case did not pass (missing or skipped)"])

    print("KTAP version 1")
    print(f"1..{len(rep.lines_results())}")
    for l in rep.lines:
        print(l)
    print(f"{rep.passed} passed, {rep.failed} failed, {rep.skipped} skipped")
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
