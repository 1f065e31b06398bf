#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Forced failures on the control plane's error paths, for the implementation
under test (IMPL=rs: netkit_rs.ko, IMPL=c: netkit.ko).

Each operation (newlink in its forms, changelink, dellink, a queue lease, BPF
program and link requests, an AF_XDP bind through a lease, the module load)
runs again and again with its N-th fault-injectable allocation failing
(failslab and fail_page_alloc through /proc/thread-self/fail-nth, so that only
the request itself fails, in the task that makes it), for N = 1, 1 + STRIDE,
... until it succeeds without a failure. After each run:

- an error means nothing was made, a success that everything was (the state
  is read back from the kernel); a lost ack (ENOBUFS with the object made) is
  counted apart;
- after an error, the same operation without a failure succeeds (nothing was
  left half-made in the way, RTNL is free: every request has a time limit).

At the end of make test, kmemleak and the refcount tracker must be quiet.
NK_FAULT_STRIDE (default 17; make soak: 1) and NK_FAULT_MAX (the largest N,
default 2000) bound the sweep; NK_FAULT_OPS names the operations to run
(default all).
"""

import collections
import ctypes
import errno
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "net"))
sys.path.insert(0, str(HERE))

# pylint: disable=wrong-import-position,import-error
from lib.py import (  # noqa: E402
    KsftSkipEx,
    NetdevSimDev,
    cmd,
    defer,
    ksft_exit,
    ksft_pr,
    ksft_run,
)
import nk_nl  # noqa: E402
from nk_nl import (  # noqa: E402
    IFLA_ADDRESS,
    IFLA_IFNAME,
    IFLA_NET_NS_FD,
    IFLA_NUM_RX_QUEUES,
    NK_MODE,
    NK_PAIRING,
    NK_PEER_POLICY,
    NK_POLICY,
    NK_PRIMARY,
    NETDEV_A_QUEUE_LEASE,
    NETDEV_A_QUEUE_XSK,
    mac,
    netkit,
    string,
    u32,
)
from lease import XDP_COPY, Xsk  # noqa: E402

STRIDE = int(os.environ.get("NK_FAULT_STRIDE", "17"))
MAX_NTH = int(os.environ.get("NK_FAULT_MAX", "2000"))
ONLY = os.environ.get("NK_FAULT_OPS", "").split()
NKB = HERE / "nk_bpf"
NS = "nkflt"
PIN = "/sys/fs/bpf/nk_fault_link"
NETKIT_DROP = 2
NETKIT_L2 = 0
NETKIT_SINGLE = 1
FULL, NONE = "full", "none"


def expect(got, want, what):
    """Stops the sweep of an operation at its first inconsistency."""
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def errname(err):
    return errno.errorcode.get(err, str(err)) if err else "ok"


class Faults:
    """failslab and fail_page_alloc set up for fail-nth on every allocation of
    the task (sleeping ones too, order 0 too), quietly; restored afterwards."""

    KNOBS = {"failslab/ignore-gfp-wait": "N", "failslab/verbose": "0",
             "fail_page_alloc/ignore-gfp-wait": "N", "fail_page_alloc/min-order": "0",
             "fail_page_alloc/verbose": "0"}

    def __init__(self):
        self.saved = {}
        for knob, value in self.KNOBS.items():
            path = Path("/sys/kernel/debug") / knob
            if not path.exists():
                raise KsftSkipEx(f"{path} missing: the kernel has no "
                                 "CONFIG_FAILSLAB/FAIL_PAGE_ALLOC/FAULT_INJECTION_DEBUG_FS")
            self.saved[path] = path.read_text().strip()
            path.write_text(value)

    def restore(self):
        for path, value in self.saved.items():
            path.write_text(value)


class Op:
    """One operation of the sweep: run(nth) makes the request (nth > 0: with
    its nth allocation failing) and returns (errno, extack, injected); state()
    says whether its object is FULL (made), NONE (not made) or something else."""

    name = ""
    ack = False  # a netlink request, whose ack can be lost

    def setup(self):
        pass

    def run(self, nth):
        raise NotImplementedError

    def state(self):
        raise NotImplementedError

    def cleanup(self):
        pass


def sweep(op):
    """The sweep of one operation; returns its summary line."""
    counts = collections.Counter()
    points = 0
    nth = 1
    start = time.monotonic()
    while True:
        expect(nth <= MAX_NTH, True, f"{op.name}: still failing at N={nth}")
        op.setup()
        err, msg, injected = op.run(nth)
        got = op.state()
        if not injected:
            # Past the last allocation: the plain operation.
            expect((errname(err), got), ("ok", FULL), f"{op.name} ({msg})")
            op.cleanup()
            break
        points += 1
        where = f"{op.name} N={nth}: {errname(err)} ({msg})"
        if not err:
            expect(got, FULL, f"{where}: success reported for")
            counts["tolerated"] += 1
        elif op.ack and err == errno.ENOBUFS and got == FULL:
            counts["ack lost"] += 1
        else:
            expect(got, NONE, f"{where}: left behind")
            counts[errname(err)] += 1
        op.cleanup()
        if err:
            # Nothing half-made stands in the way of the next attempt.
            op.setup()
            err, msg, _ = op.run(0)
            expect((errname(err), op.state()), ("ok", FULL),
                    f"{op.name} after the failure at N={nth} ({msg})")
            op.cleanup()
        nth += STRIDE
    if not points:
        return f"{op.name}: the request makes no fault-injectable allocation"
    return (f"{op.name}: {points} failures forced (N=1..{nth - 1} step {STRIDE}) in "
            f"{time.monotonic() - start:.0f}s: "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


class Ctx:
    """What the operations share: netlink sockets, a namespace, a pair for the
    BPF requests, a netdevsim device for the leases."""

    def __init__(self):
        self.rtnl = nk_nl.Rtnl()
        cmd(f"ip netns add {NS}")
        self.rtnl_ns = nk_nl.in_netns(NS, nk_nl.Rtnl)
        self.netdev = nk_nl.Netdev()
        # Now, while udev is settled: NetdevSimDev waits for it with a 20 s
        # limit, which the thousands of devices of the sweeps would exceed.
        self.nsimdev = NetdevSimDev(port_count=1, queue_count=2)
        self.nsim = self.nsimdev.nsims[0]
        cmd(f"ip link set dev {self.nsim.ifname} up")

    def exists(self, name, ns=False):
        return (self.rtnl_ns if ns else self.rtnl).getlink(name) is not None

    def delete(self, *names, ns=False):
        rtnl = self.rtnl_ns if ns else self.rtnl
        for name in names:
            if rtnl.getlink(name) is not None:
                err, msg, _ = rtnl.dellink(name)
                expect(err, 0, f"dellink {name}: {msg}")

    def nsim_ifindex(self):
        return self.nsim.ifindex

    def close(self):
        self.nsimdev.remove()
        cmd(f"ip netns del {NS}", fail=False)


def pair_state(ctx, a, b, ns=False, check=lambda a, b: True):
    """FULL if a and its peer b both exist (b in NS if ns) and pass check,
    NONE if neither does."""
    da = ctx.rtnl.getlink(a)
    db = (ctx.rtnl_ns if ns else ctx.rtnl).getlink(b)
    if da is None and db is None:
        return NONE
    if da is not None and db is not None and check(da, db):
        return FULL
    return f"{a}: {da is not None}, {b}: {db is not None}"


class NewlinkPair(Op):
    name = "newlink.pair"
    ack = True

    def __init__(self, ctx):
        self.ctx = ctx

    def run(self, nth):
        err, msg, _ = self.ctx.rtnl.newlink(
            netkit("nkf0", peer=[string(IFLA_IFNAME, "nkf1")]), nth=nth)
        return err, msg, nth and self.ctx.rtnl.injected

    def state(self):
        return pair_state(self.ctx, "nkf0", "nkf1", check=lambda a, b: (
            a["netkit"].get(NK_PRIMARY) == 1 and b["netkit"].get(NK_PRIMARY) == 0))

    def cleanup(self):
        self.ctx.delete("nkf0", "nkf1")


class NewlinkSingle(NewlinkPair):
    name = "newlink.single"

    def run(self, nth):
        err, msg, _ = self.ctx.rtnl.newlink(
            netkit("nkf0", data=[u32(NK_MODE, NETKIT_L2), u32(NK_PAIRING, NETKIT_SINGLE)],
                   extra=[u32(IFLA_NUM_RX_QUEUES, 2)]), nth=nth)
        return err, msg, nth and self.ctx.rtnl.injected

    def state(self):
        return FULL if self.ctx.exists("nkf0") else NONE

    def cleanup(self):
        self.ctx.delete("nkf0")


class NewlinkPeerNetns(NewlinkPair):
    name = "newlink.peer_netns"

    def run(self, nth):
        fd = os.open(f"/run/netns/{NS}", os.O_RDONLY)
        try:
            err, msg, _ = self.ctx.rtnl.newlink(
                netkit("nkf0", peer=[string(IFLA_IFNAME, "nkf1"), u32(IFLA_NET_NS_FD, fd)]),
                nth=nth)
        finally:
            os.close(fd)
        return err, msg, nth and self.ctx.rtnl.injected

    def state(self):
        return pair_state(self.ctx, "nkf0", "nkf1", ns=True)

    def cleanup(self):
        self.ctx.delete("nkf0")
        self.ctx.delete("nkf1", ns=True)


class NewlinkL2Addresses(NewlinkPair):
    name = "newlink.l2_addresses"
    A, B = "02:00:00:00:0f:01", "02:00:00:00:0f:02"

    def run(self, nth):
        err, msg, _ = self.ctx.rtnl.newlink(
            netkit("nkf0", data=[u32(NK_MODE, NETKIT_L2)], extra=[mac(IFLA_ADDRESS, self.A)],
                   peer=[string(IFLA_IFNAME, "nkf1"), mac(IFLA_ADDRESS, self.B)]), nth=nth)
        return err, msg, nth and self.ctx.rtnl.injected

    def state(self):
        def addr(d):
            return ":".join(f"{b:02x}" for b in d[IFLA_ADDRESS])
        return pair_state(self.ctx, "nkf0", "nkf1", check=lambda a, b: (
            (addr(a), addr(b)) == (self.A, self.B)))


class Changelink(NewlinkPair):
    name = "changelink.policies"

    def setup(self):
        err, msg, _ = self.ctx.rtnl.newlink(netkit("nkf0", peer=[string(IFLA_IFNAME, "nkf1")]))
        expect(err, 0, msg)

    def run(self, nth):
        err, msg, _ = self.ctx.rtnl.newlink(
            netkit("nkf0", data=[u32(NK_POLICY, NETKIT_DROP), u32(NK_PEER_POLICY, NETKIT_DROP)]),
            flags=0, nth=nth)
        return err, msg, nth and self.ctx.rtnl.injected

    def state(self):
        pols = [(d["netkit"].get(NK_POLICY), d["netkit"].get(NK_PEER_POLICY))
                for d in (self.ctx.rtnl.getlink("nkf0"), self.ctx.rtnl.getlink("nkf1"))]
        if pols == [(NETKIT_DROP, NETKIT_DROP)] * 2:
            return FULL
        return NONE if pols == [(0, 0)] * 2 else f"policies {pols}"


class Dellink(Changelink):
    name = "dellink.pair"

    def run(self, nth):
        err, msg, _ = self.ctx.rtnl.dellink("nkf0", nth=nth)
        return err, msg, nth and self.ctx.rtnl.injected

    def state(self):
        got = pair_state(self.ctx, "nkf0", "nkf1")
        return {FULL: NONE, NONE: FULL}.get(got, got)


class QueueCreate(Op):
    """A lease of netdevsim's rx queue 1 into a new single device."""

    name = "queue_create.lease"
    ack = True

    def __init__(self, ctx):
        self.ctx = ctx
        self.phys = ctx.nsim_ifindex()
        self.nk = None

    def setup(self):
        # Up: the core shows the queues of running devices only.
        err, msg, _ = self.ctx.rtnl.newlink(
            netkit("nkq0", data=[u32(NK_MODE, NETKIT_L2), u32(NK_PAIRING, NETKIT_SINGLE)],
                   extra=[u32(IFLA_NUM_RX_QUEUES, 2)]), up=True)
        expect(err, 0, msg)
        self.nk = self.ctx.rtnl.getlink("nkq0")["ifindex"]

    def run(self, nth):
        nl = self.ctx.netdev
        err, msg, _ = nl.queue_create(self.nk, self.phys, 1, nth=nth)
        return err, msg, nth and nl.injected

    def state(self):
        # The core shows the lease on the physical queue only.
        virt = self.ctx.netdev.queue_get(self.nk, 1) is not None
        phys = NETDEV_A_QUEUE_LEASE in (self.ctx.netdev.queue_get(self.phys, 1) or {})
        if virt and phys:
            return FULL
        return NONE if not virt and not phys else f"virtual queue 1: {virt}, leased: {phys}"

    def cleanup(self):
        self.ctx.delete("nkq0")


class XskBind(Op):
    """A copy-mode AF_XDP bind to a leased queue of a single device."""

    name = "xsk_bind.lease"

    def __init__(self, ctx):
        self.ctx = ctx
        self.phys = ctx.nsim_ifindex()
        err, msg, _ = ctx.rtnl.newlink(
            netkit("nkx0", data=[u32(NK_MODE, NETKIT_L2), u32(NK_PAIRING, NETKIT_SINGLE)],
                   extra=[u32(IFLA_NUM_RX_QUEUES, 2)]))
        expect(err, 0, msg)
        self.nk = ctx.rtnl.getlink("nkx0")["ifindex"]
        defer(ctx.delete, "nkx0")
        err, msg, _ = ctx.netdev.queue_create(self.nk, self.phys, 1)
        expect(err, 0, msg)
        cmd("ip link set dev nkx0 up")
        self.fail_nth = nk_nl.FailNth()
        self.xsk = None

    def run(self, nth):
        self.xsk = Xsk()
        if nth:
            self.fail_nth.arm(nth)
        err = self.xsk.bind(self.nk, 1, XDP_COPY)
        return err, "", nth and self.fail_nth.disarm()

    def bound(self):
        return NETDEV_A_QUEUE_XSK in (self.ctx.netdev.queue_get(self.phys, 1) or {})

    def state(self):
        return FULL if self.bound() else NONE

    def cleanup(self):
        self.xsk.close()
        # The pool is released from a work item.
        for _ in range(100):
            if not self.bound():
                return
            time.sleep(0.05)
        raise AssertionError("the physical queue still has an AF_XDP pool")


class ModuleLoad(Op):
    """finit_module() of the implementation under test, no device in use."""

    name = "module.load"
    LIBC = ctypes.CDLL(None, use_errno=True)
    SYS_FINIT_MODULE = 313  # x86_64
    MODULE_INIT_COMPRESSED_FILE = 4

    def __init__(self, _ctx):
        self.mod = "netkit" if os.environ.get("IMPL") == "c" else "netkit_rs"
        self.path = cmd(f"modinfo -n {self.mod}").stdout.strip()
        self.fail_nth = nk_nl.FailNth()
        cmd(f"rmmod {self.mod}")
        defer(cmd, f"modprobe {self.mod}", fail=False)

    def run(self, nth):
        flags = 0 if self.path.endswith(".ko") else self.MODULE_INIT_COMPRESSED_FILE
        fd = os.open(self.path, os.O_RDONLY)
        try:
            if nth:
                self.fail_nth.arm(nth)
            ret = self.LIBC.syscall(self.SYS_FINIT_MODULE, fd, b"", flags)
            err = ctypes.get_errno() if ret else 0
            return err, "", nth and self.fail_nth.disarm()
        finally:
            os.close(fd)

    def state(self):
        return FULL if os.path.exists(f"/sys/module/{self.mod}/initstate") else NONE

    def cleanup(self):
        if self.state() == FULL:
            cmd(f"rmmod {self.mod}", timeout=120)


def nk_bpf(*args, nth=0):
    """nk_bpf ARGS; with nth, the request's nth allocation fails:
    (errno name, stdout, injected)."""
    pre = ["-e", "any", "-f", str(nth)] if nth else ["-e", "any"]
    p = subprocess.run([str(NKB), *pre, *map(str, args)], capture_output=True, text=True,
                       timeout=120, check=False)
    lines = p.stderr.split("\n")
    res = [l.split()[1] for l in lines if l.startswith("result ")]
    expect(len(res), 1, f"nk_bpf {args}: {p.stderr}")
    return res[0], p.stdout.strip(), "injected" in lines


class BpfOp(Op):
    """A BPF request on the primary (mprog) or peer (link) side of nkb0."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.prog = None

    def query(self, side):
        """(program ids, link ids) at nkb0's SIDE."""
        err, out, _ = nk_bpf("query", "nkb0", side)
        expect(err, "ok", out)
        words = out.split()
        progs = words[words.index("progs") + 1:words.index("links")]
        return progs, words[words.index("links") + 1:]

    def attach(self, action="pass"):
        err, out, _ = nk_bpf("attach", "nkb0", "primary", action)
        expect(err, "ok", out)
        return out

    def link(self):
        err, out, _ = nk_bpf("link", "nkb0", "peer", "pass", PIN)
        expect(err, "ok", out)

    def request(self, nth, *args):
        err, _, injected = nk_bpf(*args, nth=nth)
        return (0 if err == "ok" else getattr(errno, err, -1)), err, nth and injected

    def cleanup(self):
        for prog in self.query("primary")[0]:
            expect(nk_bpf("detach", "nkb0", "primary", prog)[0], "ok", f"detach {prog}")
        if os.path.exists(PIN):
            if self.query("peer")[1]:
                expect(nk_bpf("link-detach", PIN)[0], "ok", "link-detach")
            os.unlink(PIN)


class BpfAttach(BpfOp):
    name = "bpf.prog_attach"

    def run(self, nth):
        return self.request(nth, "attach", "nkb0", "primary", "pass")

    def state(self):
        progs = self.query("primary")[0]
        return {0: NONE, 1: FULL}.get(len(progs), f"programs {progs}")


class BpfReplace(BpfOp):
    name = "bpf.prog_replace"

    def setup(self):
        self.prog = self.attach()

    def run(self, nth):
        return self.request(nth, "attach", "nkb0", "primary", "drop", "replace", self.prog)

    def state(self):
        progs = self.query("primary")[0]
        if len(progs) != 1:
            return f"programs {progs}"
        return NONE if progs == [self.prog] else FULL


class BpfDetach(BpfReplace):
    name = "bpf.prog_detach"

    def run(self, nth):
        return self.request(nth, "detach", "nkb0", "primary", self.prog)

    def state(self):
        progs = self.query("primary")[0]
        return {0: FULL, 1: NONE}.get(len(progs), f"programs {progs}")


class LinkCreate(BpfOp):
    name = "bpf.link_create"

    def run(self, nth):
        return self.request(nth, "link", "nkb0", "peer", "pass", PIN)

    def state(self):
        links = self.query("peer")[1]
        if len(links) == 1 and os.path.exists(PIN):
            return FULL
        return NONE if not links and not os.path.exists(PIN) else f"links {links}"


class LinkUpdate(BpfOp):
    name = "bpf.link_update"

    def setup(self):
        self.link()
        self.prog = self.query("peer")[0]

    def run(self, nth):
        return self.request(nth, "link-update", PIN, "drop")

    def state(self):
        progs = self.query("peer")[0]
        if len(progs) != 1:
            return f"programs {progs}"
        return NONE if progs == self.prog else FULL


class LinkDetach(LinkUpdate):
    name = "bpf.link_detach"

    def run(self, nth):
        return self.request(nth, "link-detach", PIN)

    def state(self):
        links = self.query("peer")[1]
        return {0: FULL, 1: NONE}.get(len(links), f"links {links}")


NETLINK_OPS = [NewlinkPair, NewlinkSingle, NewlinkPeerNetns, NewlinkL2Addresses, Changelink,
               Dellink, QueueCreate, XskBind]
BPF_OPS = [BpfAttach, BpfReplace, BpfDetach, LinkCreate, LinkUpdate, LinkDetach, ModuleLoad]


def case(ctx, kind):
    def test_fault(_ctx) -> None:
        if ctx is None:
            raise KsftSkipEx("no /proc/thread-self/fail-nth: the kernel has no "
                             "CONFIG_FAULT_INJECTION")
        # Whatever an earlier case left behind is its failure, not this one's.
        ctx.delete("nkf0", "nkf1", "nkq0", "nkx0")
        ctx.delete("nkf1", ns=True)
        ksft_pr(sweep(kind(ctx)))
    test_fault.__name__ = f"faults.{kind.name}"
    return test_fault


def main() -> None:
    mod = "netkit" if os.environ.get("IMPL") == "c" else "netkit_rs"
    cmd(f"modprobe {mod}")
    if not os.path.exists("/proc/thread-self/fail-nth"):
        ksft_run([case(None, k) for k in NETLINK_OPS + BPF_OPS], args=(None,))
        ksft_exit()
    cmd("mountpoint -q /sys/fs/bpf || mount -t bpf bpffs /sys/fs/bpf", shell=True)
    cmd(f"ip netns del {NS}", fail=False)
    nk_nl.udev_settle()
    faults = Faults()
    ctx = Ctx()
    cmd("ip link add nkb0 type netkit peer name nkb1")
    try:
        kinds = [k for k in NETLINK_OPS + BPF_OPS if not ONLY or k.name in ONLY]
        ksft_run([case(ctx, k) for k in kinds], args=(ctx,))
    finally:
        cmd("ip link del dev nkb0", fail=False)
        ctx.close()
        faults.restore()
    ksft_exit()


if __name__ == "__main__":
    main()
