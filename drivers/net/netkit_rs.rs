// SPDX-License-Identifier: GPL-2.0

//! BPF-programmable network device.
//!
//! A Rust implementation of netkit. C version of this driver:
//! [`drivers/net/netkit.c`](srctree/drivers/net/netkit.c).

use kernel::prelude::*;

module! {
    type: Netkit,
    name: "netkit_rs",
    authors: ["netkit_rs developers <netkit-rs@localhost>"],
    description: "BPF-programmable network device",
    license: "GPL",
    alias: ["rtnl-link-netkit"],
}

/// Name of the rtnl link kind and of the driver, as in the C netkit.
///
/// iproute2, ynl and bpftool find the device by this name, so it must not
/// differ from the C driver's `NETKIT_DRV_NAME`.
const DRV_NAME: &CStr = c"netkit";

struct Netkit;

impl kernel::Module for Netkit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Netkit)
    }
}

#[kunit_tests(netkit_rs)]
mod tests {
    use super::*;

    /// Size of `ethtool_drvinfo::driver`, NUL included.
    const ETHTOOL_DRIVER_LEN: usize = 32;

    #[test]
    fn drv_name_matches_c_netkit() {
        assert_eq!(DRV_NAME.to_bytes(), b"netkit");
        assert!(DRV_NAME.to_bytes_with_nul().len() <= ETHTOOL_DRIVER_LEN);
    }
}
