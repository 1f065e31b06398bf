#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Queue leasing beyond upstream's net/nk_qlease.py, for the implementation
under test (IMPL=rs: netkit_rs.ko, IMPL=c: netkit.ko): AF_XDP through a
leased queue, XDP features of single mode, rmmod with leases held, and a
physical device removed while traffic flows and leases come and go."""

import ctypes
import errno
import mmap
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "net"))

# pylint: disable=wrong-import-position,import-error
from lib.py import (  # noqa: E402
    ksft_run,
    ksft_exit,
    ksft_eq,
    ksft_ge,
    ksft_in,
    ksft_not_in,
    ksft_true,
)
from lib.py import (  # noqa: E402
    NetNS,
    NetdevFamily,
    RtnlFamily,
    NetdevSimDev,
    Netlink,
    cmd,
    defer,
    ip,
)

MOD = "netkit" if os.environ.get("IMPL") == "c" else "netkit_rs"

# AF_XDP, <linux/if_xdp.h>
AF_XDP = 44
SOL_XDP = 283
XDP_RX_RING = 2
XDP_UMEM_REG = 4
XDP_UMEM_FILL_RING = 5
XDP_UMEM_COMPLETION_RING = 6
XDP_COPY = 1 << 1
XDP_ZEROCOPY = 1 << 2
FRAME = 4096
FRAMES = 16


class XdpUmemReg(ctypes.Structure):
    _fields_ = [("addr", ctypes.c_uint64), ("len", ctypes.c_uint64),
                ("chunk_size", ctypes.c_uint32), ("headroom", ctypes.c_uint32),
                ("flags", ctypes.c_uint32), ("tx_metadata_len", ctypes.c_uint32)]


class SockaddrXdp(ctypes.Structure):
    _fields_ = [("family", ctypes.c_uint16), ("flags", ctypes.c_uint16),
                ("ifindex", ctypes.c_uint32), ("queue_id", ctypes.c_uint32),
                ("shared_umem_fd", ctypes.c_uint32)]


LIBC = ctypes.CDLL(None, use_errno=True)


class Xsk:
    """An AF_XDP socket with its own UMEM, bound with bind()."""

    def __init__(self):
        self.sock = socket.socket(AF_XDP, socket.SOCK_RAW, 0)
        self.umem = mmap.mmap(-1, FRAME * FRAMES)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(self.umem))
        reg = XdpUmemReg(addr, FRAME * FRAMES, FRAME, 0, 0, 0)
        self.sock.setsockopt(SOL_XDP, XDP_UMEM_REG, bytes(reg))
        for ring in (XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING, XDP_RX_RING):
            self.sock.setsockopt(SOL_XDP, ring, FRAMES)

    def bind(self, ifindex, queue, flags):
        """Returns 0 or the errno of bind()."""
        sa = SockaddrXdp(AF_XDP, flags, ifindex, queue, 0)
        if LIBC.bind(self.sock.fileno(), ctypes.byref(sa), ctypes.sizeof(sa)) == 0:
            return 0
        return ctypes.get_errno()

    def close(self):
        self.sock.close()


def xsk_bind(ifindex, queue, flags):
    """bind() of a new socket, closed again; returns 0 or the errno."""
    xsk = Xsk()
    try:
        return xsk.bind(ifindex, queue, flags)
    finally:
        xsk.close()


def netkit_links(ns=None):
    return [l for l in ip("-d link show", json=True, ns=ns)
            if l.get("linkinfo", {}).get("info_kind") == "netkit"]


def create_single(rxqueues, name, rtnl=None):
    (rtnl or RtnlFamily()).newlink(
        {"ifname": name, "num-rx-queues": rxqueues,
         "linkinfo": {"kind": "netkit", "data": {"mode": "l2", "pairing": "single"}}},
        flags=[Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL])
    return ip(f"link show dev {name}", json=True)[0]["ifindex"]


def create_pair(rxqueues, name, peer, peer_ns=None):
    """A pair whose peer (the side that leases) is in peer_ns; returns its ifindex."""
    cmd(f"ip link add {name} numrxqueues {rxqueues} type netkit mode l2 "
        f"peer name {peer} numrxqueues {rxqueues}")
    if peer_ns:
        ip(f"link set dev {peer} netns {peer_ns.name}")
    return ip(f"link show dev {peer}", json=True, ns=peer_ns)[0]["ifindex"]


def lease(nl, ifindex, phys_ifindex, phys_queue, netns_id=None):
    req = {"ifindex": ifindex, "type": "rx",
           "lease": {"ifindex": phys_ifindex, "queue": {"id": phys_queue, "type": "rx"}}}
    if netns_id is not None:
        req["lease"]["netns-id"] = netns_id
    return nl.queue_create(req)["id"]


def phys_queue(nl, nsim, qid):
    return nl.queue_get({"ifindex": nsim.ifindex, "id": qid, "type": "rx"})


def nsim_dev(queues):
    nsimdev = NetdevSimDev(port_count=1, queue_count=queues)
    nsim = nsimdev.nsims[0]
    ip(f"link set dev {nsim.ifname} up")
    return nsimdev, nsim


def test_xsk_copy_bind_proxied(_ns) -> None:
    """A copy-mode AF_XDP bind to a leased netkit queue lands on the physical queue."""
    nsimdev, nsim = nsim_dev(2)
    defer(nsimdev.remove)
    nk = create_single(2, "nkx0")
    defer(cmd, "ip link del dev nkx0", fail=False)
    ip("link set dev nkx0 up")
    nl = NetdevFamily()
    ksft_eq(lease(nl, nk, nsim.ifindex, 1), 1)

    xsk = Xsk()
    try:
        ksft_eq(xsk.bind(nk, 1, XDP_COPY), 0)
        ksft_in("xsk", phys_queue(nl, nsim, 1))
        ksft_not_in("xsk", phys_queue(nl, nsim, 0))
        # The physical queue is taken now.
        ksft_eq(xsk_bind(nsim.ifindex, 1, XDP_COPY), errno.EBUSY)
    finally:
        xsk.close()
    time.sleep(0.2)  # the socket is released from a work item
    ksft_not_in("xsk", phys_queue(nl, nsim, 1))


def test_xsk_zerocopy_errors(_ns) -> None:
    """Zero-copy binds fail as in C: netdevsim has no AF_XDP support."""
    nsimdev, nsim = nsim_dev(3)
    defer(nsimdev.remove)
    nk = create_single(2, "nkx0")
    defer(cmd, "ip link del dev nkx0", fail=False)
    peer = create_pair(2, "nkx1", "nkx2")
    defer(cmd, "ip link del dev nkx1", fail=False)
    for dev in ("nkx0", "nkx1", "nkx2"):
        ip(f"link set dev {dev} up")
    nl = NetdevFamily()
    lease(nl, nk, nsim.ifindex, 1)
    lease(nl, peer, nsim.ifindex, 2)

    ksft_eq(xsk_bind(nk, 1, XDP_ZEROCOPY), errno.EOPNOTSUPP)   # leased, phys lacks XSK
    ksft_eq(xsk_bind(nk, 0, XDP_ZEROCOPY), errno.EOPNOTSUPP)   # not leased
    ksft_eq(xsk_bind(peer, 1, XDP_ZEROCOPY), errno.EOPNOTSUPP)  # pair mode
    ksft_eq(xsk_bind(nk, 2, XDP_COPY), errno.EINVAL)           # no such queue
    # A failed zero-copy bind leaves the physical queue free.
    ksft_not_in("xsk", phys_queue(nl, nsim, 1))
    ksft_eq(xsk_bind(nk, 1, XDP_COPY), 0)


def test_single_xdp_features(_ns) -> None:
    """Single devices announce AF_XDP (NETDEV_XDP_ACT_XSK), pairs announce nothing."""
    nk = create_single(1, "nkx0")
    defer(cmd, "ip link del dev nkx0", fail=False)
    peer = create_pair(1, "nkx1", "nkx2")
    defer(cmd, "ip link del dev nkx1", fail=False)
    nl = NetdevFamily()
    feats = set(nl.dev_get({"ifindex": nk})["xdp-features"])
    ksft_eq(feats, {"basic", "redirect", "xsk-zerocopy"})
    ksft_eq(set(nl.dev_get({"ifindex": peer})["xdp-features"]), set())


def test_rmmod_with_leases(_ns) -> None:
    """Unloading the module with leases held removes the devices and ends the leases."""
    nsimdev, nsim = nsim_dev(4)
    defer(nsimdev.remove)
    defer(cmd, f"modprobe {MOD}")
    netns = NetNS()
    nl = NetdevFamily()
    nk = create_single(3, "nkx0")
    lease(nl, nk, nsim.ifindex, 1)
    lease(nl, nk, nsim.ifindex, 2)
    peer = create_pair(2, "nkx1", "nkx2", peer_ns=netns)
    lease_from(netns, peer, nsim.ifindex, 3)
    ksft_in("lease", phys_queue(nl, nsim, 3))

    cmd(f"rmmod {MOD}")
    ksft_eq(netkit_links(), [])
    ksft_eq(netkit_links(ns=netns.name), [])
    for q in range(4):
        ksft_not_in("lease", phys_queue(nl, nsim, q))
    # Unleased queues can go away again.
    cmd(f"ethtool -L {nsim.ifname} combined 1")


INIT_NS = f"nkinit{os.getpid()}"


def init_nsid(netns):
    """The id netns gives the initial namespace, assigned if it has none yet
    (moving a device in from the initial namespace assigns one)."""
    for _ in range(2):
        for entry in ip("netns list-id", json=True, ns=netns):
            if entry.get("name") == INIT_NS:
                return entry["nsid"]
        ip(f"netns set {INIT_NS} auto", ns=netns)
    raise AssertionError(f"no nsid for the initial namespace in {netns.name}")


def lease_from(netns, dev, phys_ifindex, phys_queue_id):
    """Leases from inside netns, naming the physical device by the initial
    namespace's nsid there. A new Python process: under emulation on a loaded
    host its start alone can take longer than cmd()'s default limit."""
    cmd(f"ip netns exec {netns.name} {sys.executable} {__file__} --lease "
        f"{dev} {phys_ifindex} {phys_queue_id} {init_nsid(netns)}", timeout=180)


def test_remove_phys_under_load(_ns) -> None:
    """The physical device goes away while traffic flows over a leasing pair and other
    leases are created and deleted in parallel; everything that leased goes with it."""
    # Two rounds cover both waits before the removal (make test-quick: 1,
    # make soak: 20).
    rounds = int(os.environ.get("NK_LEASE_ROUNDS", "2"))
    for r in range(rounds):
        nsimdev, nsim = nsim_dev(4)
        netns = NetNS()
        peer = create_pair(2, "nkl0", "nkl1", peer_ns=netns)
        ip("addr add 10.9.0.1/24 dev nkl0")
        ip("addr add 10.9.0.2/24 dev nkl1", ns=netns)
        ip("link set dev nkl0 up")
        ip("link set dev nkl1 up", ns=netns)
        lease_from(netns, peer, nsim.ifindex, 1)
        ping = cmd("ping -q -i 0.01 -w 30 10.9.0.2", background=True, fail=False)

        stop = threading.Event()
        leased = threading.Event()
        churned = [0]
        # The families parse their specs once: under emulation that takes seconds.
        nl, rtnl = NetdevFamily(), RtnlFamily()

        def churn():
            i = 0
            while not stop.is_set():
                name = f"nkc{i % 2}"
                try:
                    nk = create_single(2, name, rtnl)
                    lease(nl, nk, nsim.ifindex, 2 + i % 2)
                    churned[0] += 1
                    leased.set()
                    if i % 3:
                        cmd(f"ip link del dev {name}", fail=False)
                except Exception as e:  # pylint: disable=broad-except
                    # Expected once the physical device is gone.
                    if not stop.is_set() and not leased.is_set():
                        print(f"# churn: {e!r}", file=sys.stderr)
                    cmd(f"ip link del dev {name}", fail=False)
                i += 1

        t = threading.Thread(target=churn)
        t.start()
        # Remove the device once leases are coming and going.
        leased.wait(timeout=60)
        time.sleep(1 + r % 2)
        nsimdev.remove()
        stop.set()
        t.join(timeout=60)
        ksft_true(not t.is_alive(), "lease churn finished")
        cmd("pkill -x ping", fail=False)
        ping.process(terminate=False, fail=False)
        ksft_ge(churned[0], 1)
        # The leasing pair went with the physical device; no leasing single device is left.
        ksft_eq([l["ifname"] for l in netkit_links(ns=netns.name)], [])
        left = [l["ifname"] for l in netkit_links()]
        for name in left:
            cmd(f"ip link del dev {name}", fail=False)
        ksft_not_in("nkl0", left)
        del netns


def run(cases) -> None:
    """Runs the cases (each gets a namespace) and exits with their result."""
    # NetdevSimDev settles udev with a 20 s limit: let the events of earlier
    # tests (pair.sh's create/delete cycles) drain first.
    cmd("udevadm settle --timeout=600", timeout=610)
    ns = NetNS()
    cmd(f"ip netns attach {INIT_NS} 1")
    try:
        ksft_run(cases, args=(ns,))
    finally:
        cmd(f"ip netns del {INIT_NS}", fail=False)
    ksft_exit()


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--lease":
        # Helper mode: lease from the namespace this process runs in.
        dev, phys, queue, nsid = (int(a) for a in sys.argv[2:])
        print(lease(NetdevFamily(), dev, phys, queue, nsid))
        return
    run([test_xsk_copy_bind_proxied,
         test_xsk_zerocopy_errors,
         test_single_xdp_features,
         test_rmmod_with_leases,
         test_remove_phys_under_load])


if __name__ == "__main__":
    main()
