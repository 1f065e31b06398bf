#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A differential fuzzer: netkit.ko and netkit_rs.ko, in the same boot, get
the same seeded random sequence of requests over rtnetlink (newlink with any
mix of netkit attributes, out-of-range values and oversize names included,
changelink, dellink, up and down, moves between namespaces), the netdev
family (queue-create with good and bad leases from a netdevsim device) and
the BPF syscall (program attach and detach with random positions and
revisions); a namespace or the netdevsim device goes away mid-sequence.

After every step the kernel's answer (errno, extack) and a normalized view of
every device (its link attributes, netkit attributes, flags, queues and
leases; peers by name, random MAC addresses masked) are recorded. The two
traces must be identical; a difference names the seed and the step, and
NK_FUZZ_SEEDS=SEED reproduces it.

NK_FUZZ_SEEDS: space-separated seeds (default 1 2 3); NK_FUZZ_OPS: requests
per seed (default 40).
"""

import errno
import os
import random
import struct
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "net"))
sys.path.insert(0, str(HERE))

# pylint: disable=wrong-import-position,import-error
from lib.py import NetdevSimDev, cmd, ksft_exit, ksft_pr, ksft_run  # noqa: E402
import nk_nl  # noqa: E402
from nk_nl import (  # noqa: E402
    IFLA_ADDRESS,
    IFLA_IFNAME,
    IFLA_LINKINFO,
    IFLA_MTU,
    IFLA_NET_NS_FD,
    IFLA_NUM_RX_QUEUES,
    IFLA_NUM_TX_QUEUES,
    NETDEV_A_QUEUE_LEASE,
    NK_MAX,
    NK_PEER_INFO,
    NK_PRIMARY,
    attr,
    mac,
    string,
    u8,
    u32,
)

SEEDS = [int(s) for s in os.environ.get("NK_FUZZ_SEEDS", "1 2 3").split()]
OPS = int(os.environ.get("NK_FUZZ_OPS", "40"))
NKB = HERE / "nk_bpf"
NAMESPACES = ("nkfza", "nkfzb")
NAMES = ["nkz0", "nkz1", "nkz2", "nkz3"]
ADDRESSES = ["02:f0:00:00:00:01", "02:f0:00:00:00:02", "01:f0:00:00:00:03",
             "00:00:00:00:00:00"]
IFLA_LINK = 5
IFLA_LINK_NETNSID = 37
IFLA_GROUP = 27
IFLA_MIN_MTU = 50
IFLA_MAX_MTU = 51
IFLA_GSO_MAX_SIZE = 41
IFLA_GRO_MAX_SIZE = 58

# Flags a device's link state sets asynchronously (linkwatch): not compared.
IFF_UP = nk_nl.IFF_UP
IFF_ASYNC = 0x10000 | 0x40 | 0x20000  # LOWER_UP, RUNNING, DORMANT
NLM_F_DUMP = 0x300
# Link attributes compared: everything but counters, timings and state that
# linkwatch or IPv6 set in their own time.
# (2: IFLA_BROADCAST, 13: TXQLEN, 40: GSO_MAX_SEGS, 59, 60: TSO_MAX_SIZE/SEGS,
# 61: ALLMULTI)
KEEP = {IFLA_ADDRESS, 2, IFLA_MTU, IFLA_LINK, 13, IFLA_GROUP, IFLA_NUM_TX_QUEUES,
        IFLA_NUM_RX_QUEUES, IFLA_MIN_MTU, IFLA_MAX_MTU, IFLA_GSO_MAX_SIZE,
        IFLA_GRO_MAX_SIZE, 40, 59, 60, 61}


def value(rng, good):
    """A good value most of the time, else a boundary or a random one."""
    r = rng.random()
    if r < 0.85:
        return rng.choice(good)
    if r < 0.93:
        return rng.choice([0, 1, 2, 7, 255, 65535, 0x7fffffff, 0xffffffff])
    return rng.getrandbits(32)


class Fuzzer:
    """One run of one seed against the module that is loaded."""

    def __init__(self, seed, nsim):
        self.rng = random.Random(seed)
        self.nsim = nsim
        self.rtnl = {ns: nk_nl.in_netns(ns, nk_nl.Rtnl) for ns in NAMESPACES}
        self.netdev = {ns: nk_nl.in_netns(ns, nk_nl.Netdev) for ns in NAMESPACES}
        self.init_netdev = nk_nl.Netdev()
        self.progs = []  # attached program ids, in the order they came
        self.nsids = {}
        self.existing = {}  # the names of the devices in each namespace
        self.trace = []

    # --- requests -----------------------------------------------------
    def name(self, ns=None):
        """A device name: with NS, mostly one of the devices there."""
        r = self.rng.random()
        if ns is not None and self.existing.get(ns) and r < 0.6:
            return self.rng.choice(self.existing[ns])
        if r < 0.9:
            return self.rng.choice(NAMES)
        return self.rng.choice(["", "x" * 15, "x" * 16, "nkz%d", "nk z", "nkz0" * 5])

    def netkit_data(self):
        data = []
        for kind, good, enc in ((nk_nl.NK_MODE, [0, 1], u32), (nk_nl.NK_POLICY, [0, 2], u32),
                                (nk_nl.NK_PEER_POLICY, [0, 2], u32),
                                (nk_nl.NK_SCRUB, [0, 1], u32), (nk_nl.NK_PEER_SCRUB, [0, 1], u32),
                                (nk_nl.NK_HEADROOM, [0, 64, 256], None),
                                (nk_nl.NK_TAILROOM, [0, 64], None),
                                (nk_nl.NK_PAIRING, [0, 1], u32), (NK_PRIMARY, [0, 1], u8)):
            # IFLA_NETKIT_PRIMARY is read-only: rarely.
            if self.rng.random() < (0.03 if kind == NK_PRIMARY else 0.2):
                v = value(self.rng, good)
                data.append(enc(kind, v) if enc else attr(kind, struct.pack("H", v & 0xffff)))
        if self.rng.random() < 0.05:
            data.append(u32(NK_MAX + 1 + self.rng.randrange(3), 1))
        return data

    def link_attrs(self, ns_fd):
        extra = []
        if self.rng.random() < 0.2:
            extra.append(mac(IFLA_ADDRESS, self.rng.choice(ADDRESSES)))
        if self.rng.random() < 0.15:
            extra.append(u32(IFLA_MTU, value(self.rng, [1280, 1500, 9000, 67])))
        if self.rng.random() < 0.15:
            extra.append(u32(IFLA_NUM_RX_QUEUES, value(self.rng, [1, 2, 4, 0, 4096])))
        if self.rng.random() < 0.1:
            extra.append(u32(IFLA_NUM_TX_QUEUES, value(self.rng, [1, 2, 0])))
        if ns_fd is not None and self.rng.random() < 0.3:
            extra.append(u32(IFLA_NET_NS_FD, ns_fd))
        return extra

    def op_newlink(self, ns, fds):
        other = fds[NAMESPACES[1 - NAMESPACES.index(ns)]]
        # Half of them well-formed, to get devices to work on.
        data = self.netkit_data() if self.rng.random() < 0.5 else [
            u32(nk_nl.NK_MODE, self.rng.choice([0, 1])),
            u32(nk_nl.NK_PAIRING, self.rng.choice([0, 0, 1]))]
        if self.rng.random() < 0.6:
            peer = []
            if self.rng.random() < 0.8:
                peer.append(string(IFLA_IFNAME, self.name()))
            peer += self.link_attrs(other)
            data.insert(0, attr(NK_PEER_INFO, nk_nl.ifinfomsg() + b"".join(peer)))
        attrs = [string(IFLA_IFNAME, self.name()), *self.link_attrs(None),
                 nk_nl.nest(IFLA_LINKINFO, string(1, "netkit"), nk_nl.nest(2, *data))]
        flags = self.rng.choice([nk_nl.NLM_F_CREATE | nk_nl.NLM_F_EXCL] * 4 +
                                [nk_nl.NLM_F_CREATE, 0])
        return self.rtnl[ns].newlink(attrs, flags=flags)[:2]

    def op_changelink(self, ns, _fds):
        attrs = [string(IFLA_IFNAME, self.name(ns)), *self.link_attrs(None)]
        if self.rng.random() < 0.8:
            attrs.append(nk_nl.nest(IFLA_LINKINFO, string(1, "netkit"),
                                    nk_nl.nest(2, *self.netkit_data())))
        return self.rtnl[ns].newlink(attrs, flags=0)[:2]

    def op_dellink(self, ns, _fds):
        return self.rtnl[ns].dellink(self.name(ns))[:2]

    def op_updown(self, ns, _fds):
        up = self.rng.choice([0, IFF_UP])
        body = nk_nl.ifinfomsg(flags=up, change=IFF_UP) + string(IFLA_IFNAME, self.name(ns))
        return self.rtnl[ns].request(nk_nl.RTM_NEWLINK, 0, body)[:2]

    def op_move(self, ns, fds):
        other = fds[NAMESPACES[1 - NAMESPACES.index(ns)]]
        attrs = [string(IFLA_IFNAME, self.name(ns)), u32(IFLA_NET_NS_FD, other)]
        return self.rtnl[ns].newlink(attrs, flags=0)[:2]

    def ifindex(self, ns):
        """The ifindex of a device named at random in ns; None if none."""
        try:
            link = self.rtnl[ns].getlink(self.name(ns))
        except OSError:
            return None  # not a valid name
        return link["ifindex"] if link else None

    def op_lease(self, ns, _fds):
        # An ifindex must name the same device (or none) in both runs: the
        # fuzz namespaces number their devices alike, the initial namespace
        # does not (netdevsim's number grows from run to run).  So netdevsim
        # only with the right namespace id, and other numbers only where
        # nothing has them.
        unused = (1 << 30) + self.rng.randrange(1000)
        ifindex = self.ifindex(ns) or unused
        r = self.rng.random()
        netns_id = None
        if r < 0.8:
            phys, netns_id = self.nsim.ifindex, self.nsid(ns)
        elif r < 0.9:
            phys = self.ifindex(ns) or unused
        else:
            phys = unused
            if self.rng.random() < 0.5:
                netns_id = value(self.rng, [0, 1, 2])
        queue = value(self.rng, [0, 1, 2, 3])
        return self.netdev[ns].queue_create(ifindex, phys, queue, netns_id)[:2]

    def op_bpf(self, ns, _fds):
        dev = self.name(ns)
        side = self.rng.choice(["primary", "peer", "primary"])
        # Program ids differ between the runs: the trace names them by their order.
        req = []
        if self.progs and self.rng.random() < 0.4:
            prog = self.rng.randrange(len(self.progs))
            req += [("detach", "detach"), (dev, dev), (side, side),
                    (str(self.progs[prog]), f"prog{prog}")]
        else:
            action = self.rng.choice(["pass", "drop", "next"])
            req += [("attach", "attach"), (dev, dev), (side, side), (action, action)]
            if self.progs and self.rng.random() < 0.3:
                prog = self.rng.randrange(len(self.progs))
                where = self.rng.choice(["before", "after", "replace"])
                req += [(where, where), (str(self.progs[prog]), f"prog{prog}")]
                if self.rng.random() < 0.5:
                    rev = str(self.rng.randrange(4))
                    req.append((rev, rev))
        args = ["ip", "netns", "exec", ns, str(NKB), "-e", "any"] + [a for a, _ in req]
        p = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
        res = [l.split()[1] for l in p.stderr.split("\n") if l.startswith("result ")]
        if req[0][0] == "attach" and res == ["ok"]:
            self.progs.append(int(p.stdout))
        return (res[0] if res else p.stderr.strip()), " ".join(t for _, t in req)

    def op_ns_gone(self, ns, fds):
        """The namespace goes away with all its devices, and comes back empty."""
        other = NAMESPACES[1 - NAMESPACES.index(ns)]
        # The devices whose peers are in ns go with it.
        orphans = {i for i, _, attrs in self.links(other) if IFLA_LINK_NETNSID in attrs}
        # Our sockets and file in it would keep it alive.
        self.rtnl[ns].close()
        self.netdev[ns].close()
        os.close(fds[ns])
        cmd(f"ip netns del {ns}")
        cmd(f"ip netns add {ns}")
        fds[ns] = os.open(f"/run/netns/{ns}", os.O_RDONLY)
        self.rtnl[ns] = nk_nl.in_netns(ns, nk_nl.Rtnl)
        self.netdev[ns] = nk_nl.in_netns(ns, nk_nl.Netdev)
        self.nsids.pop(ns, None)
        # The old namespace is cleaned up from a work item (cleanup_net()):
        # wait until its devices' peers are gone, what is left is stable and
        # every lease of the physical device has its lessee.
        last = None
        for _ in range(150):
            left = orphans & {i for i, _, _ in self.links(other)}
            now = self.snapshot()
            virt = sum(line.count(", True)") for line in now[:-1])
            if not left and now == last and virt == now[-1].count(", True)"):
                break
            last = now
            time.sleep(0.2)
        else:
            return errno.ETIMEDOUT, "namespace cleanup did not settle"
        return 0, ""

    def nsid(self, ns):
        """The id of the initial namespace (the netdevsim device's) in ns."""
        if ns not in self.nsids:
            self.nsids[ns] = self.rtnl[ns].nsid("/proc/1/ns/net")
        return self.nsids[ns]

    # --- what user space sees -----------------------------------------
    def links(self, ns):
        """(ifindex, flags, attributes) of every device in ns."""
        _, _, replies = self.rtnl[ns].request(nk_nl.RTM_GETLINK, NLM_F_DUMP,
                                              nk_nl.ifinfomsg())
        out = []
        for r in replies:
            _, _, ifindex, flags, _ = struct.unpack_from("BxHiII", r)
            out.append((ifindex, flags, nk_nl.attrs_of(r[16:])))
        return out

    def snapshot(self):
        names = {}
        links = {}
        for ns in NAMESPACES:
            for ifindex, flags, attrs in self.links(ns):
                name = attrs[IFLA_IFNAME].rstrip(b"\0").decode()
                names[(ns, ifindex)] = name
                links[(ns, name)] = (ifindex, flags, attrs)
        out = []
        self.existing = {ns: [n for (s, n) in links if s == ns and n != "lo"]
                         for ns in NAMESPACES}
        for (ns, name), (ifindex, flags, attrs) in sorted(links.items()):
            if name == "lo":
                continue
            # Each namespace numbers its devices from its own counter
            # (dev_index_reserve()): in fresh namespaces the numbers are part
            # of what both implementations must give alike.
            view = {"ifindex": ifindex, "flags": hex(flags & ~IFF_ASYNC)}
            for kind, v in sorted(attrs.items()):
                if kind not in KEEP:
                    continue
                if kind == IFLA_LINK:
                    peer = struct.unpack("i", v)[0]
                    netnsid = attrs.get(IFLA_LINK_NETNSID)
                    v = names.get((ns, peer), "other-ns") if netnsid is None else "other-ns"
                elif kind == IFLA_ADDRESS:
                    text = ":".join(f"{b:02x}" for b in v)
                    v = text if text in ADDRESSES else "random"
                else:
                    v = v.hex()
                view[kind] = v
            info = nk_nl.attrs_of(nk_nl.attrs_of(attrs.get(IFLA_LINKINFO, b"")).get(2, b""))
            view["netkit"] = {k: d.hex() for k, d in sorted(info.items()) if k != NK_PEER_INFO}
            q = self.netdev[ns]
            view["queues"] = [(i, NETDEV_A_QUEUE_LEASE in a) for i in range(4)
                              if (a := q.queue_get(ifindex, i)) is not None]
            out.append(f"{ns}/{name} {view}")
        phys = [(i, NETDEV_A_QUEUE_LEASE in a) for i in range(4)
                if (a := self.init_netdev.queue_get(self.nsim.ifindex, i)) is not None]
        out.append(f"nsim queues {phys}")
        return out

    def run(self):
        ops = ([self.op_newlink] * 6 + [self.op_changelink] * 2 + [self.op_dellink] * 2 +
               [self.op_updown, self.op_move, self.op_lease, self.op_lease, self.op_bpf,
                self.op_bpf])
        fds = {ns: os.open(f"/run/netns/{ns}", os.O_RDONLY) for ns in NAMESPACES}
        try:
            for step in range(OPS):
                ns = self.rng.choice(NAMESPACES)
                op = self.rng.choice(ops) if self.rng.random() > 0.02 else self.op_ns_gone
                err, msg = op(ns, fds)
                if isinstance(err, int):
                    err = errno.errorcode.get(err, str(err)) if err else "ok"
                self.trace.append(f"{step} {ns} {op.__name__[3:]}: {err} {msg}")
                self.trace += [f"  {line}" for line in self.snapshot()]
        finally:
            for fd in fds.values():
                os.close(fd)
        return self.trace


def run_impl(mod, seed):
    """The trace of one seed against module mod, in fresh namespaces."""
    for m in ("netkit", "netkit_rs"):
        cmd(f"rmmod {m}", fail=False)
    cmd(f"modprobe {mod}", timeout=120)
    for ns in NAMESPACES:
        cmd(f"ip netns del {ns}", fail=False)
        cmd(f"ip netns add {ns}")
    # NetdevSimDev waits for udev with a 20 s limit: drain the events of
    # the run before first.
    nk_nl.udev_settle()
    nsimdev = NetdevSimDev(port_count=1, queue_count=4)
    try:
        cmd(f"ip link set dev {nsimdev.nsims[0].ifname} up")
        return Fuzzer(seed, nsimdev.nsims[0]).run()
    finally:
        for ns in NAMESPACES:
            cmd(f"ip netns del {ns}", fail=False)
        nsimdev.remove()
        cmd(f"rmmod {mod}", timeout=120)


def case(seed):
    def test_fuzz() -> None:
        start = time.monotonic()
        traces = {mod: run_impl(mod, seed) for mod in ("netkit", "netkit_rs")}
        keep = os.environ.get("NK_PARITY_OUT")
        if keep:
            # make test keeps the traces in results/<run>/parity/.
            os.makedirs(keep, exist_ok=True)
            for mod, trace in traces.items():
                Path(keep, f"fuzz-{seed}-{mod}.txt").write_text("\n".join(trace) + "\n")
        c, rs = traces["netkit"], traces["netkit_rs"]
        for i, (a, b) in enumerate(zip(c, rs)):
            if a != b:
                raise AssertionError(f"seed {seed} differs at line {i}:\n"
                                     f"  netkit:    {a}\n  netkit_rs: {b}")
        if len(c) != len(rs):
            raise AssertionError(f"seed {seed}: {len(c)} lines against {len(rs)}")
        errs = sum(1 for l in c if not l.startswith(" ") and ": ok" not in l)
        ksft_pr(f"seed {seed}: {OPS} requests, {errs} refused, traces identical "
                f"({len(c)} lines) in {time.monotonic() - start:.0f}s")
    test_fuzz.__name__ = f"fuzz.seed_{seed}"
    return test_fuzz


def main() -> None:
    impl = "netkit" if os.environ.get("IMPL") == "c" else "netkit_rs"
    nk_nl.udev_settle()
    try:
        ksft_run([case(s) for s in SEEDS])
    finally:
        # The implementation under test, as the suites after this one expect.
        cmd(f"modprobe {impl}", timeout=120)
    ksft_exit()


if __name__ == "__main__":
    main()
