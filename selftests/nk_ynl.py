#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The ynl command line tool for the rt-link family, started faster.

usage: nk_ynl.py KSRC info IFNAME   the device's link attributes as one line
       nk_ynl.py KSRC CLI-ARGS...   tools/net/ynl/pyynl/cli.py CLI-ARGS...

Under software emulation most of ynl's start-up goes into parsing the YAML
spec in pure Python; libyaml's loader does the same much faster.
"""

import json
import runpy
import sys

import yaml

if hasattr(yaml, "CSafeLoader"):
    yaml.safe_load = lambda stream: yaml.load(stream, Loader=yaml.CSafeLoader)

ksrc = sys.argv[1]
cli = f"{ksrc}/tools/net/ynl/pyynl/cli.py"
spec = f"{ksrc}/Documentation/netlink/specs/rt-link.yaml"

if sys.argv[2] == "info":
    sys.path.append(f"{ksrc}/tools/net/ynl/pyynl")
    from lib import YnlFamily  # pylint: disable=import-error,wrong-import-position

    link = YnlFamily(spec, schema="").do("getlink", {"ifname": sys.argv[3]})
    keep = ("ifname", "mtu", "min-mtu", "max-mtu", "num-tx-queues",
            "num-rx-queues", "headroom", "tailroom", "link", "link-netnsid",
            "carrier", "operstate", "linkinfo")
    print(json.dumps({k: link[k] for k in keep if k in link}))
else:
    sys.argv = [cli, "--no-schema", "--spec", spec] + sys.argv[2:]
    runpy.run_path(cli, run_name="__main__")
