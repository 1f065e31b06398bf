// SPDX-License-Identifier: GPL-2.0

//! Device flags visible to user space (`enum net_device_flags`, `IFF_*`).

use crate::bindings;

/// Interface is administratively up.
pub const UP: u32 = bindings::net_device_flags_IFF_UP;
/// No ARP protocol.
pub const NOARP: u32 = bindings::net_device_flags_IFF_NOARP;
