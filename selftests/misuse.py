#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The run-time checks of the Rust network device abstractions: the rules no
type can express. rust_netdev_test.ko has a device for each rule, which breaks
it as any safe driver could (the name a device is created with picks the
bug); each case shows the abstraction turns the bug into an error and leaves
nothing behind. Without the checks these are a BUG() in free_netdev(), a
NULL call from a zero-copy AF_XDP bind or a queue in use that no lease
covers, a peer freed while paired, a pull that reports a header it did not
pull, a header read past the packet's linear part, a device left behind by
its dellink, a WARN from a zero-copy AF_XDP bind and one from a fill_info
that writes more than get_size reserved. Also: each Rust
driver has its own lockdep classes."""

import errno
import re
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "net"))

# pylint: disable=wrong-import-position,import-error
from lib.py import (  # noqa: E402
    ksft_run,
    ksft_exit,
    ksft_eq,
    ksft_in,
    ksft_not_in,
    ksft_true,
)
from lib.py import (  # noqa: E402
    NetdevFamily,
    NetdevSimDev,
    Netlink,
    NlError,
    RtnlFamily,
    cmd,
    defer,
    ip,
)
from lease import XDP_COPY, XDP_ZEROCOPY, lease, phys_queue, xsk_bind  # noqa: E402

MOD = "rust_netdev_test"
KIND = "rust_netdev_test"
XSK_KIND = "rust_netdev_test_xsk"
NEWLINK_MSG = f"{KIND}: newlink returned a device it did not register"
# The class name of a device's instance lock (__netdev_lockdep_set_classes()).
INSTANCE_CLASS = "&dev_instance_lock_key"


def kind_links():
    return [l["ifname"] for l in ip("-d link show", json=True)
            if l.get("linkinfo", {}).get("info_kind") in (KIND, XSK_KIND)]


def newlink(name, rxqueues=1, kind=KIND):
    """Creates a device of the test kind; returns 0 or the errno."""
    try:
        RtnlFamily().newlink(
            {"ifname": name, "num-rx-queues": rxqueues,
             "linkinfo": {"kind": kind}},
            flags=[Netlink.NLM_F_CREATE, Netlink.NLM_F_EXCL])
    except NlError as e:
        return e.error
    return 0


def created(name, rxqueues=1, delete=True):
    """Creates a device that must be made, deleted at the end of the case
    unless delete is False; returns its ifindex."""
    ksft_eq(newlink(name, rxqueues), 0, f"{name} created")
    if delete:
        defer(ip, f"link del dev {name}")
    return ip(f"link show dev {name}", json=True)[0]["ifindex"]


def kernel_log():
    return cmd("dmesg").stdout


def logged(text, before):
    """How often text is in the kernel log now, more than in before."""
    return kernel_log().count(text) - before.count(text)


def queue_create(ifindex, nsim, queue):
    try:
        return lease(NetdevFamily(), ifindex, nsim.ifindex, queue)
    except NlError as e:
        return -e.error


def lock_classes(name):
    """How many lockdep classes are named name (one per key: lockdep names
    the second and later "name#2", "name#3", ...)."""
    pat = re.compile(r": " + re.escape(name) + r"(#\d+)?$")
    with open("/proc/lockdep", encoding="utf-8") as f:
        return sum(1 for line in f if pat.search(line.rstrip()))


def test_lock_classes_per_driver() -> None:
    """The devices of each Rust driver have their own lockdep classes: the
    first device of this driver adds an instance lock class beside netkit's
    (netkit_rs's with IMPL=rs), the second adds none. First, before any device
    of this driver has taken its lock."""
    cmd("ip link add rnt_nk type netkit")
    defer(ip, "link del dev rnt_nk")
    ip("link set dev rnt_nk up")
    before = lock_classes(INSTANCE_CLASS)
    ksft_true(before > 0, f"{INSTANCE_CLASS} in /proc/lockdep")
    for name, more in (("rnt_lock0", 1), ("rnt_lock1", 1)):
        created(name)
        ip(f"link set dev {name} up")
        ksft_eq(lock_classes(INSTANCE_CLASS), before + more, name)


def test_register_then_fail() -> None:
    """A newlink that registers its device and fails: ENOSPC back, no device
    left, whether the driver keeps the registration (the adapter unregisters
    the device before the core frees it) or drops it (the guard does)."""
    for name in ("keep_fail", "drop_fail"):
        ksft_eq(newlink(name), errno.ENOSPC, f"{name}")
        ksft_not_in(name, kind_links())
    # The same kind still makes devices.
    created("rnt_good")
    ksft_eq(kind_links(), ["rnt_good"])


def test_newlink_returns_other_device() -> None:
    """A newlink that returns another device's proof of registration: EINVAL,
    and both devices are gone."""
    log = kernel_log()
    ksft_eq(newlink("other_ok"), errno.EINVAL)
    ksft_eq(logged(NEWLINK_MSG, log), 1, "driver bug logged")
    links = kind_links()
    ksft_not_in("other_ok", links)
    ksft_not_in("other_dev", links)


def test_pair_unregistered() -> None:
    """A newlink that registers another device and its own, unregisters its
    own and pairs the other with it: EINVAL from pair(), and both devices are
    gone. The other device would otherwise keep pointing at one that the core
    frees, since a device is unpaired only in its ndo_uninit, which the
    unregistered one has passed."""
    ksft_eq(newlink("pair_unreg"), errno.EINVAL)
    links = kind_links()
    ksft_not_in("pair_unreg", links)
    ksft_not_in("other_dev", links)


def link_stats(name, direction):
    stats = ip(f"-s link show dev {name}", json=True)[0]["stats64"][direction]
    return stats["packets"], stats["bytes"]


def send_short_frames(name, direction):
    """Creates device name, sends it a 20- and a 34-byte frame and returns
    how much its direction ("tx" or "rx") counters grew: packets, bytes."""
    created(name)
    # No IPv6 packets of its own: only the two frames below are sent.
    ipv6 = Path(f"/proc/sys/net/ipv6/conf/{name}/disable_ipv6")
    if ipv6.exists():
        ipv6.write_text("1\n")
    ip(f"link set dev {name} up")
    before = link_stats(name, direction)
    # Broadcast, from a local address, of the local experimental ethertype.
    header = b"\xff" * 6 + b"\x02" + b"\x00" * 5 + b"\x88\xb5"
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((name, 0))
        for size in (20, 34):
            ksft_eq(s.send(header + bytes(size - len(header))), size)
    after = link_stats(name, direction)
    return after[0] - before[0], after[1] - before[1]


def test_eth_pull_mac_short() -> None:
    """eth_pull_mac() on a packet with fewer than ETH_HLEN bytes left in its
    linear part fails with EINVAL and leaves the packet as it is: the device
    pulls headers off each packet until that happens and counts the headers
    pulled and the bytes left. A 20-byte frame is one header and 6 bytes, a
    34-byte one two headers and 6 bytes. Without the check a pull from 6
    bytes reports success without pulling (skb_pull_inline() refuses, and
    skb_postpull_rcsum() gets a NULL header), so each packet counts the
    driver's cap of four. AF_PACKET frames are linear: a header beyond the
    linear part, where __skb_pull() BUG()s, is not tested."""
    ksft_eq(send_short_frames("pull_short", "tx"), (3, 12),
            "headers pulled, bytes left")


def test_pkt_type_short() -> None:
    """set_pkt_type_for() on a packet with fewer than ETH_HLEN bytes in its
    linear part fails with EINVAL: the device pulls one header off each
    packet, takes the rest as a frame and counts the frames taken as
    received. A 20-byte frame leaves 6 bytes, a 34-byte one 20. Without the
    check eth_skb_pkt_type() reads a header past the 6 bytes and both
    count."""
    ksft_eq(send_short_frames("pkt_type_short", "rx"), (1, 20),
            "frames taken, their bytes")


def test_dellink_queues_device() -> None:
    """A driver whose dellink does not queue its device: the adapter queues
    it, so ip link del removes it. Without that the device would stay, also
    through its module's unload (__rtnl_kill_links()) with its ops freed, and
    its namespace's exit."""
    created("dellink_noop", delete=False)
    ip("link del dev dellink_noop")
    ksft_not_in("dellink_noop", kind_links())


def test_fill_info_beyond_info_size() -> None:
    """A fill_info that writes more than its INFO_SIZE (what get_size
    reserved): the adapter leaves the attribute beyond out and warns, and the
    device is shown.
    Without that nla_put() fails in a message sized with get_size, and the
    core WARNs (rtmsg_ifinfo_build_skb() on creation, rtnl_getlink())."""
    created("info_overflow")
    ksft_eq(ip("-d link show dev info_overflow", json=True)[0]["ifname"],
            "info_overflow")
    ksft_in(f"{KIND}: fill_info wrote more than INFO_SIZE", kernel_log())


def test_xsk_pool_done_by_driver() -> None:
    """A driver whose bpf() says it set up an AF_XDP pool itself
    (BpfAction::Done), which none on the abstractions can (they do not DMA
    map pools): a zero-copy bind fails with EOPNOTSUPP, twice (the core
    clears the failed pool, so the second is not EBUSY), where
    xp_assign_dev() would WARN and fail with EINVAL. A copy-mode bind, which
    does not ask the driver, succeeds."""
    ksft_eq(newlink("rnt_xsk", kind=XSK_KIND), 0, "rnt_xsk created")
    defer(ip, "link del dev rnt_xsk")
    ifindex = ip("link show dev rnt_xsk", json=True)[0]["ifindex"]
    for _ in range(2):
        ksft_eq(xsk_bind(ifindex, 0, XDP_ZEROCOPY), errno.EOPNOTSUPP)
    ksft_eq(xsk_bind(ifindex, 0, XDP_COPY), 0)


def test_xdp_features() -> None:
    """XDP features whose driver operations a device lacks are refused:
    ndo_xdp_xmit (none in the abstractions), AF_XDP zero-copy without
    ndo_bpf and ndo_xsk_wakeup. Those it has are set."""
    ksft_eq(newlink("xdp_xmit"), errno.EINVAL)
    ksft_eq(newlink("xsk_no_bpf"), errno.EINVAL)
    ksft_eq(kind_links(), [])
    ifindex = created("rnt_xdp")
    dev = NetdevFamily().dev_get({"ifindex": ifindex})
    ksft_eq(sorted(dev["xdp-features"]), ["basic", "redirect"])


def features_of(name):
    feats = {}
    for line in cmd(f"ethtool -k {name}").stdout.splitlines():
        m = re.match(r"\s*([\w-]+): (on|off)", line)
        if m:
            feats[m.group(1)] = m.group(2)
    return feats


def test_features_need_driver_ops() -> None:
    """Features set in setup() whose users call driver operations the device
    cannot have (l2-fwd-offload: ndo_dfwd_add_station, rx-vlan-filter:
    ndo_vlan_rx_add_vid) are left out; the others stay."""
    created("rnt_feat")
    feats = features_of("rnt_feat")
    ksft_eq(feats.get("highdma"), "on")
    ksft_eq(feats.get("scatter-gather"), "on")
    ksft_eq(feats.get("l2-fwd-offload"), "off")
    ksft_eq(feats.get("rx-vlan-filter"), "off")
    # Nor can user space turn them on.
    cmd("ethtool -K rnt_feat l2-fwd-offload on rx-vlan-filter on", fail=False)
    feats = features_of("rnt_feat")
    ksft_eq(feats.get("l2-fwd-offload"), "off")
    ksft_eq(feats.get("rx-vlan-filter"), "off")


def pktgen_clone_skb(ifname):
    """Gives ifname to pktgen's first thread and asks it to send each skb
    twice (clone_skb 1); returns 0 or the errno of that request."""
    pg = Path("/proc/net/pktgen")
    (pg / "kpktgend_0").write_text(f"add_device {ifname}\n")
    try:
        (pg / ifname).write_text("clone_skb 1\n")
    except OSError as e:
        return e.errno
    finally:
        (pg / "kpktgend_0").write_text("rem_device_all\n")
    return 0


def test_tx_skb_sharing_cleared() -> None:
    """ether_setup() sets IFF_TX_SKB_SHARING, with which pktgen hands one skb
    to ndo_start_xmit again and again. start_xmit owns the SkBuff it gets (it
    may change it, free it or pass it up the stack), so the adapter clears
    the flag after the driver's setup(), as netkit.c and veth do: pktgen
    refuses clone_skb then. A dummy device keeps the flag and takes it."""
    cmd("modprobe pktgen")
    cmd("modprobe dummy numdummies=0")
    ip("link add rnt_dummy type dummy")
    defer(ip, "link del dev rnt_dummy")
    # pktgen takes only devices that are up.
    ip("link set dev rnt_dummy up")
    ksft_eq(pktgen_clone_skb("rnt_dummy"), 0, "dummy takes clone_skb")
    created("rnt_pktgen")
    ip("link set dev rnt_pktgen up")
    ksft_eq(pktgen_clone_skb("rnt_pktgen"), errno.EOPNOTSUPP,
            "clone_skb refused on a Rust device")


def rx_queues_in_use(name):
    return sorted(q for q in (Path("/sys/class/net") / name / "queues").iterdir()
                  if q.name.startswith("rx-"))


def test_queue_create_fails_after_add() -> None:
    """A queue_create that adds its queue and then fails: its errno back, the
    queue taken back (no rx-1 in sysfs) and the physical queue not leased;
    the queues a good device adds are the ones the core leases. (Returning
    any other queue does not compile: only QueueSlot::add() makes the
    NewQueue that queue_create returns.)"""
    cmd("udevadm settle --timeout=600", timeout=610)
    nsimdev = NetdevSimDev(port_count=1, queue_count=4)
    defer(nsimdev.remove)
    nsim = nsimdev.nsims[0]
    ip(f"link set dev {nsim.ifname} up")
    nl = NetdevFamily()

    failing = created("queue_fail", rxqueues=4)
    for _ in range(2):
        ksft_eq(queue_create(failing, nsim, 1), -errno.ENOSPC)
        ksft_eq([q.name for q in rx_queues_in_use("queue_fail")], ["rx-0"])
        ksft_not_in("lease", phys_queue(nl, nsim, 1))

    good = created("rnt_queue", rxqueues=4, delete=False)
    ksft_eq(queue_create(good, nsim, 1), 1)
    ksft_eq(queue_create(good, nsim, 3), 2)
    ksft_eq(phys_queue(nl, nsim, 3)["lease"]["ifindex"], good)
    ksft_eq(len(rx_queues_in_use("rnt_queue")), 3)
    # Deleting the device ends its leases.
    ip("link del dev rnt_queue")
    ksft_not_in("lease", phys_queue(nl, nsim, 3))


def main() -> None:
    cmd(f"modprobe {MOD}")
    try:
        ksft_run([test_lock_classes_per_driver,
                  test_register_then_fail,
                  test_newlink_returns_other_device,
                  test_pair_unregistered,
                  test_eth_pull_mac_short,
                  test_pkt_type_short,
                  test_dellink_queues_device,
                  test_fill_info_beyond_info_size,
                  test_xsk_pool_done_by_driver,
                  test_xdp_features,
                  test_features_need_driver_ops,
                  test_tx_skb_sharing_cleared,
                  test_queue_create_fails_after_add])
    finally:
        for name in kind_links():
            cmd(f"ip link del dev {name}", fail=False)
        cmd(f"rmmod {MOD}", fail=False)
        cmd("rmmod pktgen", fail=False)
    ksft_exit()


if __name__ == "__main__":
    main()
