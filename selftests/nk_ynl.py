#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The ynl command line tool (default: the rt-link family) without its start-up cost.

usage: nk_ynl.py KSRC info IFNAME      the device's link attributes on one line
       nk_ynl.py KSRC serve FIFO        answer requests until "quit" (see below)
       nk_ynl.py KSRC CLI-ARGS...       tools/net/ynl/pyynl/cli.py CLI-ARGS...

Under software emulation Python alone takes seconds to start, so a test that
makes many requests starts one server: a request is one line on FIFO.req,
NETNS and the arguments above separated by US (0x1f); the answer on FIFO.resp
is the output followed by a line with the exit status. NETNS names a
namespace under /run/netns (empty: the server's own).
"""

import contextlib
import ctypes
import io
import json
import os
import queue
import runpy
import socket
import sys

import yaml

_specs = {}


def _load(stream):
    """yaml.safe_load with libyaml, caching spec files."""
    name = getattr(stream, "name", None)
    if name not in _specs or name is None:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        _specs[name] = yaml.load(stream, Loader=loader)
    return _specs[name]


yaml.safe_load = _load

KSRC = sys.argv[1]
CLI = f"{KSRC}/tools/net/ynl/pyynl/cli.py"
SPEC = f"{KSRC}/Documentation/netlink/specs/rt-link.yaml"
sys.path.append(f"{KSRC}/tools/net/ynl/pyynl")
# pylint: disable=import-error,wrong-import-position
import lib
from lib import Netlink, YnlFamily

_families = {}


def _family(*args, **kwargs):
    """YnlFamily(...) for the server: each family's spec is turned into objects
    once (a second under emulation, for every request otherwise); each call
    gets a new socket, in the namespace the server is in at that moment."""
    key = (args, tuple(sorted(kwargs.items())))
    fam = _families.get(key)
    if fam is None:
        fam = _families[key] = YnlFamily(*args, **kwargs)
        return fam
    fam.close()
    fam.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, fam.nlproto.proto_num)
    for opt in (Netlink.NETLINK_CAP_ACK, Netlink.NETLINK_EXT_ACK,
                Netlink.NETLINK_GET_STRICT_CHK):
        fam.sock.setsockopt(Netlink.SOL_NETLINK, opt, 1)
    fam.async_msg_queue = queue.Queue()
    return fam


def info(ifname):
    """Print the attributes of a device that matter to netkit."""
    link = lib.YnlFamily(SPEC, schema="").do("getlink", {"ifname": ifname})
    keep = ("ifname", "mtu", "min-mtu", "max-mtu", "num-tx-queues",
            "num-rx-queues", "headroom", "tailroom", "link", "link-netnsid",
            "carrier", "operstate", "linkinfo")
    print(json.dumps({k: link[k] for k in keep if k in link}))


def run(args):
    """Run one request like the command line would; return its exit status."""
    try:
        if args[0] == "info":
            info(args[1])
        else:
            # rt-link unless the request names its family or spec.
            spec = [] if {"--family", "--spec"} & set(args) else ["--spec", SPEC]
            sys.argv = [CLI, "--no-schema"] + spec + args
            runpy.run_path(CLI, run_name="__main__")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 1
    except Exception as e:  # pylint: disable=broad-except
        print(f"{type(e).__name__}: {e}")
        return 1
    return 0


def serve(fifo):
    """Answer requests until a "quit" request."""
    # cli.py, run for each request, takes YnlFamily from the lib package.
    lib.YnlFamily = _family
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    while True:
        with open(f"{fifo}.req", encoding="utf-8") as f:
            line = f.readline().rstrip("\n")
        netns, *args = line.split("\x1f")
        if args == ["quit"]:
            break
        fd = os.open(f"/run/netns/{netns}", os.O_RDONLY) if netns else own
        if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
            out, rc = f"setns {netns}: errno {ctypes.get_errno()}\n", 1
        else:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
                rc = run(args)
            out = buf.getvalue()
        if fd != own:
            os.close(fd)
        with open(f"{fifo}.resp", "w", encoding="utf-8") as f:
            f.write(f"{out}{rc}\n")


if sys.argv[2] == "serve":
    serve(sys.argv[3])
else:
    sys.exit(run(sys.argv[2:]))
