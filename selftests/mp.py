#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Memory providers through a leased queue, for the implementation under test
(IMPL=rs: netkit_rs.ko, IMPL=c: netkit.ko): a devmem dma-buf (netdev bind-rx)
and an io_uring zero-copy receive queue bound from a pod namespace to the
netkit queue leased from a netdevsim queue land on the physical queue, the
binds the core refuses are refused, and deleting either side while a provider
is bound releases everything.

netdevsim's "dma" parameter (patches/test/, the test kernel only) gives its
devices the DMA device and page pools the memory providers need: without it
a bind through the lease fails like one to an unleased netkit queue, since the
DMA device of a leased queue is the physical queue's."""

import errno
import fcntl
import os
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "net"))

# pylint: disable=wrong-import-position,import-error
from lib.py import (  # noqa: E402
    ksft_eq,
    ksft_in,
    ksft_not_in,
    ksft_true,
)
from lib.py import (  # noqa: E402
    EthtoolFamily,
    NetNS,
    NetNSEnter,
    NetdevFamily,
    NetdevSimDev,
    NlError,
    cmd,
    defer,
    ip,
)
from lease import (  # noqa: E402
    create_pair,
    init_nsid,
    lease,
    netkit_links,
    phys_queue,
    run,
)

NK_ZCRX = str(Path(__file__).resolve().parent / "nk_zcrx")
NSIM_DMA = "/sys/module/netdevsim/parameters/dma"
BUFINFO = "/sys/kernel/debug/dma_buf/bufinfo"
# <linux/udmabuf.h>: _IOW('u', 0x42, struct udmabuf_create)
UDMABUF_CREATE = 0x40187542
UDMABUF_FLAGS_CLOEXEC = 1
DMABUF_SIZE = 64 * 4096
NO_DMA = (errno.EOPNOTSUPP, "Device doesn't support DMA")


def udmabuf():
    """A dma-buf of DMABUF_SIZE bytes of memfd pages; returns its fd."""
    memfd = os.memfd_create("nk_mp", os.MFD_ALLOW_SEALING)
    try:
        os.ftruncate(memfd, DMABUF_SIZE)
        fcntl.fcntl(memfd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK)
        dev = os.open("/dev/udmabuf", os.O_RDWR)
        try:
            req = bytearray(struct.pack("IIQQ", memfd, UDMABUF_FLAGS_CLOEXEC, 0,
                                        DMABUF_SIZE))
            return fcntl.ioctl(dev, UDMABUF_CREATE, req, True)
        finally:
            os.close(dev)
    finally:
        os.close(memfd)


def nsim_dev(queues, dma=True):
    """A netdevsim port, up, with tcp-data-split on (the core requires it of a
    queue a memory provider binds to) and, if dma, a DMA device."""
    cmd("modprobe netdevsim")
    with open(NSIM_DMA, "w", encoding="ascii") as f:
        f.write("Y" if dma else "N")
    try:
        nsimdev = NetdevSimDev(port_count=1, queue_count=queues)
    finally:
        with open(NSIM_DMA, "w", encoding="ascii") as f:
            f.write("N")
    nsim = nsimdev.nsims[0]
    ip(f"link set dev {nsim.ifname} up")
    EthtoolFamily().rings_set({"header": {"dev-index": nsim.ifindex},
                               "tcp-data-split": "enabled"})
    return nsimdev, nsim


class Pod:
    """A netkit pair whose peer is in its own namespace, as a CNI makes it, and
    a netdev family socket opened there (binds live as long as it does)."""

    def __init__(self, rxqueues=3, name="nkm"):
        self.netns = NetNS()
        self.host = name
        self.peer = create_pair(rxqueues, self.host, f"{self.host}p", self.netns)
        ip(f"link set dev {self.host} up")
        ip(f"link set dev {self.host}p up", ns=self.netns)
        self.nl = self._socket()
        self.nsid = init_nsid(self.netns)
        self.phys = set()  # the netdevsim devices it leased from

    def _socket(self):
        with NetNSEnter(self.netns.name):
            return NetdevFamily()

    def lease(self, nsim, phys_q):
        """Leases the physical queue to the peer; returns the netkit queue."""
        self.phys.add(f"netdevsim{nsim.nsimdev.addr}")
        return lease(self.nl, self.peer, nsim.ifindex, phys_q, self.nsid)

    def queue(self, queue):
        """queue-get of the peer's rx queue, from the pod."""
        return self.nl.queue_get({"ifindex": self.peer, "id": queue, "type": "rx"})

    def bind_rx(self, queue, nl=None, ifindex=None):
        """bind-rx of a new dma-buf; returns the binding id or (errno, extack)."""
        fd = udmabuf()
        try:
            return (nl or self.nl).bind_rx(
                {"ifindex": ifindex or self.peer, "fd": fd,
                 "queues": [{"id": queue, "type": "rx"}]})["id"]
        except NlError as e:
            return e.error, (e.nl_msg.extack or {}).get("msg")
        finally:
            os.close(fd)

    def unbind_all(self):
        """Closes the socket, which ends its bindings; a new one for more."""
        self.nl.sock.close()
        self.nl = self._socket()

    def delete(self):
        cmd(f"ip link del dev {self.host}", fail=False)

    def close(self):
        """Deletes the pair and ends the bindings. Before the physical device
        goes: a dma-buf binding keeps its DMA mapping until it is freed, with
        no reference on the DMA device (see test_remove_phys_bound)."""
        self.delete()
        self.nl.sock.close()
        wait_dmabufs_detached(self.phys)


class Zcrx:
    """nk_zcrx in netns (None: this one): an io_uring zcrx queue while it runs."""

    def __init__(self, netns, ifindex, queue):
        ns = ["ip", "netns", "exec", netns.name] if netns else []
        self.proc = subprocess.Popen(
            ns + [NK_ZCRX, str(ifindex), str(queue)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.line = self.proc.stdout.readline().strip()
        if not self.registered():
            # Its error, for the message of a failed check.
            self.line += self.proc.stderr.read().strip()

    def registered(self):
        return self.line.startswith("zcrx ")

    def close(self):
        """Ends the ring; returns nk_zcrx's exit status and its stderr."""
        out, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, (self.line + out + err).strip()


def zcrx_status(netns, ifindex, queue):
    """The exit status of a registration that is expected to fail."""
    z = Zcrx(netns, ifindex, queue)
    ksft_true(not z.registered(), f"zcrx on {ifindex}/{queue} refused")
    return z.close()[0]


def pod_leasing(queues=3):
    """A netdevsim device with a DMA device and a pod whose netkit queue
    leases its queue 1, both removed when the test ends; returns the port,
    the pod and the netkit queue."""
    nsimdev, nsim = nsim_dev(queues)
    defer(nsimdev.remove)
    pod = Pod()
    defer(pod.close)
    return nsim, pod, pod.lease(nsim, 1)


def wait_dmabufs_detached(devices, timeout=60):
    """A binding is freed from a work item after its socket closes, and
    only then detaches from its DMA device: wait until no dma-buf is
    attached to any of these netdevsim devices."""
    if not os.path.exists(BUFINFO):
        cmd("mount -t debugfs none /sys/kernel/debug", fail=False)
    end = time.time() + timeout
    while True:
        with open(BUFINFO, encoding="utf-8") as f:
            attached = set(re.findall(r"^\t(netdevsim\d+)$", f.read(), re.M))
        if not attached & devices:
            return
        if time.time() > end:
            raise AssertionError(f"dma-bufs still attached to {attached & devices}")
        time.sleep(0.1)


def wait_released(nl, nsim, qid, attr, timeout=60):
    """Providers are released from a work item (io_uring) or the socket's
    destruction: wait until the physical queue no longer shows attr."""
    end = time.time() + timeout
    while attr in phys_queue(nl, nsim, qid) and time.time() < end:
        time.sleep(0.1)
    ksft_not_in(attr, phys_queue(nl, nsim, qid))


def test_devmem_through_lease(_ns) -> None:
    """A dma-buf bound from the pod to its leased netkit queue is the physical
    queue's; closing the socket releases it and the queue binds again."""
    nsim, pod, q = pod_leasing()
    nl = NetdevFamily()

    binding = pod.bind_rx(q)
    ksft_true(isinstance(binding, int), f"bind-rx through the lease: {binding}")
    ksft_eq(phys_queue(nl, nsim, 1).get("dmabuf"), binding)
    # The netkit side reports the physical queue's provider.
    ksft_eq(pod.queue(q).get("dmabuf"), binding)
    ksft_not_in("dmabuf", phys_queue(nl, nsim, 0))
    ksft_not_in("dmabuf", phys_queue(nl, nsim, 2))

    pod.unbind_all()
    wait_released(nl, nsim, 1, "dmabuf")
    ksft_in("lease", phys_queue(nl, nsim, 1))
    again = pod.bind_rx(q)
    ksft_true(isinstance(again, int), f"bind-rx again: {again}")
    ksft_eq(phys_queue(nl, nsim, 1).get("dmabuf"), again)


def test_devmem_refused(_ns) -> None:
    """The binds the core refuses: an unleased netkit queue (no DMA device),
    the leased physical queue itself, and a lease of a queue without a DMA
    device (nothing for the core to forward to)."""
    nsim, pod, q = pod_leasing()

    nl = NetdevFamily()
    ksft_eq(pod.bind_rx(0), NO_DMA)
    # The leased physical queue has no DMA device either: the core gives it
    # to the netkit side only (netdev_queue_get_dma_dev()), so the check for
    # a leased queue behind it ("rx queue leased to a virtual netdev") is
    # not reached.
    ksft_eq(pod.bind_rx(1, nl=nl, ifindex=nsim.ifindex), NO_DMA)
    ksft_not_in("dmabuf", phys_queue(nl, nsim, 1))

    plain, pnsim = nsim_dev(2, dma=False)
    defer(plain.remove)
    other = Pod(name="nkn")
    defer(other.close)
    ksft_eq(other.bind_rx(other.lease(pnsim, 1)), NO_DMA)
    # The same queue with a DMA device behind it binds.
    ksft_true(isinstance(pod.bind_rx(q), int), "bind-rx of the DMA-capable lease")


def test_zcrx_through_lease(_ns) -> None:
    """An io_uring zcrx queue registered from the pod on its leased netkit
    queue is the physical queue's until the ring closes; the registrations the
    core refuses are refused."""
    nsim, pod, q = pod_leasing()
    nl = NetdevFamily()

    z = Zcrx(pod.netns, pod.peer, q)
    ksft_true(z.registered(), f"zcrx through the lease: {z.line}")
    try:
        ksft_in("io-uring", phys_queue(nl, nsim, 1))
        ksft_in("io-uring", pod.queue(q))
        ksft_not_in("io-uring", phys_queue(nl, nsim, 0))
        # One provider per queue.
        ksft_eq(pod.bind_rx(q),
                (errno.EEXIST, "designated queue already memory provider bound"))
    finally:
        ksft_eq(z.close()[0], 0)
    wait_released(nl, nsim, 1, "io-uring")

    # No DMA device for an unleased netkit queue, nor for the leased
    # physical queue: the core gives the DMA device of a leased queue to
    # the netkit side only (netdev_queue_get_dma_dev()).
    ksft_eq(zcrx_status(pod.netns, pod.peer, 0), errno.EOPNOTSUPP)
    ksft_eq(zcrx_status(None, nsim.ifindex, 1), errno.EOPNOTSUPP)
    ksft_not_in("io-uring", phys_queue(nl, nsim, 1))


def test_delete_netkit_bound(_ns) -> None:
    """Deleting the netkit pair while a dma-buf and a zcrx queue are bound
    through its leases ends both on the physical queues, which lease and bind
    again; the providers' owners close afterwards without trouble."""
    nsim, pod, q1 = pod_leasing()
    nl = NetdevFamily()
    q2 = pod.lease(nsim, 2)
    binding = pod.bind_rx(q1)
    ksft_true(isinstance(binding, int), f"bind-rx: {binding}")
    z = Zcrx(pod.netns, pod.peer, q2)
    ksft_true(z.registered(), f"zcrx: {z.line}")
    ksft_eq(phys_queue(nl, nsim, 1).get("dmabuf"), binding)
    ksft_in("io-uring", phys_queue(nl, nsim, 2))

    pod.delete()
    ksft_eq(netkit_links(ns=pod.netns.name), [])
    for qid, attr in ((1, "dmabuf"), (2, "io-uring")):
        got = phys_queue(nl, nsim, qid)
        ksft_not_in("lease", got)
        ksft_not_in(attr, got)
    ksft_eq(z.close()[0], 0)
    pod.unbind_all()

    again = Pod()
    defer(again.close)
    binding = again.bind_rx(again.lease(nsim, 1))
    ksft_true(isinstance(binding, int), f"bind-rx after the delete: {binding}")
    ksft_eq(phys_queue(nl, nsim, 1).get("dmabuf"), binding)
    z = Zcrx(again.netns, again.peer, again.lease(nsim, 2))
    ksft_true(z.registered(), f"zcrx after the delete: {z.line}")
    ksft_in("io-uring", phys_queue(nl, nsim, 2))
    ksft_eq(z.close()[0], 0)


def test_remove_phys_bound(_ns) -> None:
    """Removing the physical device's port (its net device) while a dma-buf
    and a zcrx queue are bound through leases takes the netkit pair down with
    it; the providers' owners close afterwards without trouble.

    The port, not the whole netdevsim device: a dma-buf binding unmaps its
    dma-buf when it is freed, which is when its netlink socket closes, and
    holds no reference on the DMA device it mapped it for. Once the bus
    device is gone that unmap is a use-after-free in the core, with or without
    netkit (dma_direct_unmap_sg() from __net_devmem_dmabuf_binding_free())."""
    nsimdev, nsim = nsim_dev(3)
    defer(nsimdev.remove)
    pod = Pod()
    defer(pod.close)
    binding = pod.bind_rx(pod.lease(nsim, 1))
    ksft_true(isinstance(binding, int), f"bind-rx: {binding}")
    z = Zcrx(pod.netns, pod.peer, pod.lease(nsim, 2))
    ksft_true(z.registered(), f"zcrx: {z.line}")
    nl = NetdevFamily()
    ksft_eq(phys_queue(nl, nsim, 1).get("dmabuf"), binding)
    ksft_in("io-uring", phys_queue(nl, nsim, 2))

    nsimdev.remove_nsim(nsim)
    ksft_eq(netkit_links(ns=pod.netns.name), [])
    ksft_not_in(pod.host, [l["ifname"] for l in netkit_links()])
    ksft_eq(z.close()[0], 0)
    pod.unbind_all()


def test_remove_nsim_zcrx(_ns) -> None:
    """Removing the whole netdevsim device while a zcrx queue is bound through
    a lease takes the netkit pair down with it; the ring, which holds the DMA
    device, closes afterwards without trouble."""
    nsimdev, nsim = nsim_dev(2)
    defer(nsimdev.remove)
    pod = Pod()
    defer(pod.close)
    z = Zcrx(pod.netns, pod.peer, pod.lease(nsim, 1))
    ksft_true(z.registered(), f"zcrx: {z.line}")
    ksft_in("io-uring", phys_queue(NetdevFamily(), nsim, 1))

    nsimdev.remove()
    ksft_eq(netkit_links(ns=pod.netns.name), [])
    ksft_eq(z.close()[0], 0)


def main() -> None:
    run([test_devmem_through_lease,
         test_devmem_refused,
         test_zcrx_through_lease,
         test_delete_netkit_bound,
         test_remove_phys_bound,
         test_remove_nsim_zcrx])


if __name__ == "__main__":
    main()
