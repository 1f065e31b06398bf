#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The lease worker of stress.sh: for SECONDS, one thread adds a netdevsim
device with four rx queues and removes it again, over and over, while another
leases its queues into new single netkit devices, deleting some of them and
leaving the others to go with the netdevsim device.

Prints "OK FAILED DETAIL" on its last line: OK leases made, FAILED requests
that failed other than as a device going away may make them fail (ENODEV,
EBUSY for a queue that a device about to go still holds), and the counts.

usage: nk_lease_churn.py SECONDS
"""

import collections
import errno
import glob
import os
import random
import sys
import threading
import time

import nk_nl
from nk_nl import IFLA_NUM_RX_QUEUES, NK_MODE, NK_PAIRING, netkit, u32

BUS = "/sys/bus/netdevsim"
EXPECTED = {errno.ENODEV, errno.EBUSY}


def nsim_ifindex(addr, timeout=30):
    """The ifindex of netdevsim device ADDR's port, once it has probed."""
    end = time.time() + timeout
    while time.time() < end:
        for path in glob.glob(f"{BUS}/devices/netdevsim{addr}/net/*/ifindex"):
            try:
                with open(path, encoding="ascii") as f:
                    return int(f.read())
            except OSError:
                pass
        time.sleep(0.02)
    raise TimeoutError(f"netdevsim{addr} has no port")


def main():
    secs = float(sys.argv[1])
    deadline = time.time() + secs
    addr = 7000 + os.getpid() % 1000
    phys = [None]
    stop = threading.Event()
    counts = collections.Counter()
    ok = [0]
    bad = [0]

    def guarded(work):
        def run():
            try:
                work()
            except Exception as e:  # pylint: disable=broad-except
                print(f"{work.__name__}: {e!r}")
                bad[0] += 1
            finally:
                stop.set()
        return run

    def nsim():
        while time.time() < deadline:
            with open(f"{BUS}/new_device", "w", encoding="ascii") as f:
                f.write(f"{addr} 1 4")
            phys[0] = nsim_ifindex(addr)
            counts["netdevsim added"] += 1
            time.sleep(random.uniform(0.3, 1.0))
            phys[0] = None
            with open(f"{BUS}/del_device", "w", encoding="ascii") as f:
                f.write(f"{addr}")

    def leases():
        rtnl, nl = nk_nl.Rtnl(), nk_nl.Netdev()
        i = 0
        while not stop.is_set():
            target = phys[0]
            if target is None:
                time.sleep(0.01)
                continue
            name = f"nksl{i % 3}"
            if rtnl.getlink(name) is not None:
                rtnl.dellink(name)
            err, msg, _ = rtnl.newlink(netkit(
                name, data=[u32(NK_MODE, 0), u32(NK_PAIRING, 1)],
                extra=[u32(IFLA_NUM_RX_QUEUES, 2)]))
            if err:
                print(f"newlink {name}: {errno.errorcode.get(err)} {msg}")
                bad[0] += 1
                continue
            link = rtnl.getlink(name)
            err, msg, _ = nl.queue_create(link["ifindex"], target, 1 + i % 3)
            if not err:
                ok[0] += 1
            else:
                counts[errno.errorcode.get(err, str(err))] += 1
                if err not in EXPECTED:
                    print(f"queue-create {name} -> {target}:{1 + i % 3}: "
                          f"{errno.errorcode.get(err)} {msg}")
                    bad[0] += 1
            if i % 2:
                rtnl.dellink(name)
            i += 1

    threads = [threading.Thread(target=guarded(nsim)), threading.Thread(target=guarded(leases))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The netdevsim device is gone: so is every device that leased from it.
    rtnl, nl = nk_nl.Rtnl(), nk_nl.Netdev()
    for i in range(3):
        link = rtnl.getlink(f"nksl{i}")
        if link is None:
            continue
        if nl.queue_get(link["ifindex"], 1) is not None:
            print(f"nksl{i} still has a leased queue")
            bad[0] += 1
        rtnl.dellink(f"nksl{i}")
    print(ok[0], bad[0], ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
