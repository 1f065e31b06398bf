# SPDX-License-Identifier: GPL-2.0
"""Raw rtnetlink and netdev generic netlink requests for the fault sweep and
the fuzzer: one request is one send(), whose N-th fault-injectable call can be
made to fail (/proc/thread-self/fail-nth), and whose answer is the errno and
the extack message, as the kernel gave them.

The ynl library cannot encode a netkit peer's ifinfomsg and attributes, and
parses its specs for seconds under emulation; this module needs neither.
"""

import ctypes
import errno
import os
import socket
import struct
import subprocess
import time

NETLINK_ROUTE = 0
NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
IFF_UP = 0x1

RTM_NEWLINK = 16
RTM_DELLINK = 17
RTM_GETLINK = 18
RTM_NEWNSID = 88
RTM_GETNSID = 90
NETNSA_NSID = 1
NETNSA_FD = 3

IFLA_ADDRESS = 1
IFLA_IFNAME = 3
IFLA_MTU = 4
IFLA_LINKINFO = 18
IFLA_NET_NS_FD = 28
IFLA_NUM_TX_QUEUES = 31
IFLA_NUM_RX_QUEUES = 32
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2

# enum { IFLA_NETKIT_* } of <linux/if_link.h>
NK_PEER_INFO = 1
NK_PRIMARY = 2
NK_POLICY = 3
NK_PEER_POLICY = 4
NK_MODE = 5
NK_SCRUB = 6
NK_PEER_SCRUB = 7
NK_HEADROOM = 8
NK_TAILROOM = 9
NK_PAIRING = 10
NK_MAX = 10

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

NETDEV_CMD_QUEUE_GET = 10
NETDEV_CMD_QUEUE_CREATE = 16
NETDEV_A_QUEUE_ID = 1
NETDEV_A_QUEUE_IFINDEX = 2
NETDEV_A_QUEUE_TYPE = 3
NETDEV_A_QUEUE_XSK = 7
NETDEV_A_QUEUE_LEASE = 8
NETDEV_A_LEASE_IFINDEX = 1
NETDEV_A_LEASE_QUEUE = 2
NETDEV_A_LEASE_NETNS_ID = 3
NETDEV_QUEUE_TYPE_RX = 0


def attr(kind, payload):
    """One netlink attribute, padded to 4 bytes."""
    hdr = struct.pack("HH", 4 + len(payload), kind)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def u8(kind, v):
    return attr(kind, struct.pack("B", v & 0xff))


def u32(kind, v):
    return attr(kind, struct.pack("I", v & 0xffffffff))


def string(kind, s):
    return attr(kind, s.encode() + b"\0")


def nest(kind, *attrs):
    return attr(kind | NLA_F_NESTED, b"".join(attrs))


def ifinfomsg(ifindex=0, flags=0, change=0):
    return struct.pack("BxHiII", socket.AF_UNSPEC, 0, ifindex, flags, change)


def mac(kind, text):
    return attr(kind, bytes(int(b, 16) for b in text.split(":")))


class FailNth:
    """/proc/thread-self/fail-nth of the calling thread."""

    def __init__(self):
        self.fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)

    def arm(self, n):
        os.write(self.fd, str(n).encode())

    def disarm(self):
        """True if the armed fault was injected; disarms it either way."""
        left = int(os.pread(self.fd, 16, 0) or b"0")
        os.pwrite(self.fd, b"0", 0)
        return left == 0


class Netlink:
    """A netlink socket that answers each request with (errno, extack)."""

    def __init__(self, proto=NETLINK_ROUTE):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        # A request that never gets its answer (RTNL left held) fails the test.
        self.sock.settimeout(120)
        self.seq = 0
        self.fail_nth = None
        self.injected = False

    def close(self):
        self.sock.close()

    def request(self, kind, flags, body, nth=0):
        """Sends one request and waits for its ack: (errno, extack message, replies).
        nth > 0 makes the nth fault-injectable call of the send() fail."""
        self.seq += 1
        msg = struct.pack("IHHII", 16 + len(body), kind,
                          flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body
        if nth:
            if self.fail_nth is None:
                self.fail_nth = FailNth()
            self.fail_nth.arm(nth)
        try:
            self.sock.send(msg)
        except TimeoutError:
            raise
        except OSError as e:
            return e.errno, "", []
        finally:
            if nth:
                self.injected = self.fail_nth.disarm()
        return self._ack()

    def _ack(self):
        replies = []
        while True:
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                raise
            except OSError as e:
                # The ack itself could not be allocated (ENOBUFS).
                return e.errno, "", replies
            off = 0
            while off + 16 <= len(data):
                length, kind, _, seq, _ = struct.unpack_from("IHHII", data, off)
                if length < 16:
                    return errno.EPROTO, "bad netlink message", replies
                part = data[off + 16:off + length]
                off += (length + 3) & ~3
                if seq != self.seq:
                    continue
                if kind == NLMSG_ERROR:
                    err = -struct.unpack_from("i", part)[0]
                    return err, self._extack(part), replies
                if kind == NLMSG_DONE:
                    return 0, "", replies
                replies.append(part)

    @staticmethod
    def _extack(part):
        # struct nlmsgerr: error, then the request's header only (CAP_ACK).
        off = 4 + 16
        while off + 4 <= len(part):
            length, kind = struct.unpack_from("HH", part, off)
            if length < 4:
                break
            if kind == NLMSGERR_ATTR_MSG:
                return part[off + 4:off + length].rstrip(b"\0").decode(errors="replace")
            off += (length + 3) & ~3
        return ""


def attrs_of(data):
    """{type: payload} of a run of attributes (the last of each type)."""
    out, off = {}, 0
    while off + 4 <= len(data):
        length, kind = struct.unpack_from("HH", data, off)
        if length < 4:
            break
        out[kind & 0x3fff] = data[off + 4:off + length]
        off += (length + 3) & ~3
    return out


class Rtnl(Netlink):
    """rtnetlink link requests."""

    def __init__(self):
        super().__init__(NETLINK_ROUTE)

    def newlink(self, attrs, flags=NLM_F_CREATE | NLM_F_EXCL, ifindex=0, up=False, nth=0):
        """RTM_NEWLINK; up: with IFF_UP set."""
        head = ifinfomsg(ifindex, IFF_UP, IFF_UP) if up else ifinfomsg(ifindex)
        return self.request(RTM_NEWLINK, flags, head + b"".join(attrs), nth)

    def dellink(self, name, nth=0):
        return self.request(RTM_DELLINK, 0, ifinfomsg() + string(IFLA_IFNAME, name), nth)

    def nsid(self, path):
        """The id this socket's namespace gives the namespace at PATH (e.g.
        /proc/1/ns/net), assigned first if it has none."""
        fd = os.open(path, os.O_RDONLY)
        try:
            for kind in (RTM_GETNSID, RTM_NEWNSID, RTM_GETNSID):
                body = struct.pack("Bxxx", socket.AF_UNSPEC) + u32(NETNSA_FD, fd)
                if kind == RTM_NEWNSID:
                    body += u32(NETNSA_NSID, -1)  # any free id
                err, msg, replies = self.request(kind, 0, body)
                if kind == RTM_NEWNSID:
                    # EEXIST: assigned meanwhile.
                    if err not in (0, errno.EEXIST):
                        raise OSError(err, f"newnsid: {msg}")
                    continue
                if err:
                    raise OSError(err, f"getnsid: {msg}")
                nsid = struct.unpack("i", attrs_of(replies[0][4:])[NETNSA_NSID][:4])[0]
                if nsid >= 0:
                    return nsid
            raise OSError(errno.ENOENT, "no nsid")
        finally:
            os.close(fd)

    def getlink(self, name):
        """The device's attributes, with its netkit ones under "netkit"; None if
        there is no such device."""
        err, msg, replies = self.request(RTM_GETLINK, 0,
                                         ifinfomsg() + string(IFLA_IFNAME, name))
        if err == errno.ENODEV or (not err and not replies):
            return None
        if err:
            raise OSError(err, f"getlink {name}: {msg}")
        _, _, ifindex, flags, _ = struct.unpack_from("BxHiII", replies[0])
        attrs = attrs_of(replies[0][16:])
        attrs["ifindex"], attrs["flags"] = ifindex, flags
        info = attrs_of(attrs.get(IFLA_LINKINFO, b""))
        data = attrs_of(info.get(IFLA_INFO_DATA, b""))
        attrs["netkit"] = {k: struct.unpack("I", v[:4])[0] if len(v) >= 4 else v[0]
                           for k, v in data.items() if k != NK_PEER_INFO}
        return attrs


CLONE_NEWNET = 0x40000000
_LIBC = ctypes.CDLL(None, use_errno=True)


def in_netns(name, factory):
    """factory() run in namespace /run/netns/NAME: a socket made there stays there."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _LIBC.setns(fd, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), f"setns {name}")
        try:
            return factory()
        finally:
            _LIBC.setns(own, CLONE_NEWNET)
    finally:
        os.close(fd)
        os.close(own)


def netkit(name, data=(), peer=None, extra=()):
    """The attributes of a netkit newlink: device name, IFLA_INFO_DATA and
    optionally the peer's attributes (IFLA_NETKIT_PEER_INFO)."""
    data = list(data)
    if peer is not None:
        data.insert(0, attr(NK_PEER_INFO, ifinfomsg() + b"".join(peer)))
    return [string(IFLA_IFNAME, name), *extra,
            nest(IFLA_LINKINFO, string(IFLA_INFO_KIND, "netkit"),
                 nest(IFLA_INFO_DATA, *data))]


class Netdev(Netlink):
    """The netdev generic netlink family's queue-create."""

    def __init__(self):
        super().__init__(NETLINK_GENERIC)
        err, msg, replies = self.request(
            GENL_ID_CTRL, 0, struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) +
            string(CTRL_ATTR_FAMILY_NAME, "netdev"))
        if err or not replies:
            raise OSError(err, f"netdev family: {msg}")
        self.family = struct.unpack("H", attrs_of(replies[0][4:])[CTRL_ATTR_FAMILY_ID][:2])[0]

    def queue_create(self, ifindex, phys_ifindex, phys_queue, netns_id=None, nth=0):
        lease = [u32(NETDEV_A_LEASE_IFINDEX, phys_ifindex),
                 nest(NETDEV_A_LEASE_QUEUE, u32(NETDEV_A_QUEUE_ID, phys_queue),
                      u32(NETDEV_A_QUEUE_TYPE, NETDEV_QUEUE_TYPE_RX))]
        if netns_id is not None:
            lease.append(u32(NETDEV_A_LEASE_NETNS_ID, netns_id))
        body = (struct.pack("BBH", NETDEV_CMD_QUEUE_CREATE, 1, 0) +
                u32(NETDEV_A_QUEUE_IFINDEX, ifindex) +
                u32(NETDEV_A_QUEUE_TYPE, NETDEV_QUEUE_TYPE_RX) +
                nest(NETDEV_A_QUEUE_LEASE, *lease))
        return self.request(self.family, 0, body, nth)

    def queue_get(self, ifindex, queue):
        """The rx queue's attributes (NETDEV_A_QUEUE_*), None if it does not exist."""
        body = (struct.pack("BBH", NETDEV_CMD_QUEUE_GET, 1, 0) +
                u32(NETDEV_A_QUEUE_IFINDEX, ifindex) + u32(NETDEV_A_QUEUE_ID, queue) +
                u32(NETDEV_A_QUEUE_TYPE, NETDEV_QUEUE_TYPE_RX))
        err, msg, replies = self.request(self.family, 0, body)
        if err in (errno.EINVAL, errno.ENOENT, errno.ENODEV) or (not err and not replies):
            return None
        if err:
            raise OSError(err, f"queue-get {ifindex} {queue}: {msg}")
        return attrs_of(replies[0][4:])


def udev_settle(limit=900):
    """Waits until udev has handled every event. netdevsim devices need it
    (lib.py's NetdevSimDev settles with a 20 s limit), and after thousands of
    devices udevd can be too busy to even answer for a while."""
    end = time.monotonic() + limit
    while subprocess.run(["udevadm", "settle", "--timeout=60"], check=False,
                         capture_output=True).returncode:
        if time.monotonic() > end:
            raise TimeoutError("udev did not settle")
        time.sleep(1)
