// SPDX-License-Identifier: GPL-2.0

//! Ethernet constants and addresses.
//!
//! C header: [`include/linux/etherdevice.h`](srctree/include/linux/etherdevice.h)

use crate::{
    bindings,
    prelude::*,
    types::Opaque, //
};

/// Largest MTU of an Ethernet device (`ETH_MAX_MTU`).
pub const ETH_MAX_MTU: u32 = bindings::ETH_MAX_MTU;
/// Ethernet header length (`ETH_HLEN`).
pub const ETH_HLEN: u32 = bindings::ETH_HLEN;
/// Ethernet address length (`ETH_ALEN`).
pub const ETH_ALEN: usize = bindings::ETH_ALEN as usize;

/// Returns whether `addr` is a valid unicast Ethernet address (`is_valid_ether_addr`).
///
/// # Examples
///
/// ```
/// use kernel::net::dev::is_valid_ether_addr;
///
/// assert!(is_valid_ether_addr(&[2, 0, 0, 0, 0, 1]));
/// assert!(!is_valid_ether_addr(&[1, 0, 0, 0, 0, 1]));
/// assert!(!is_valid_ether_addr(&[0; 6]));
/// ```
pub fn is_valid_ether_addr(addr: &[u8; ETH_ALEN]) -> bool {
    // SAFETY: `addr` is readable for `ETH_ALEN` bytes, all the function reads.
    unsafe { bindings::is_valid_ether_addr(addr.as_ptr()) }
}

/// A socket address given to `ndo_set_mac_address` (`struct sockaddr`).
///
/// # Invariants
///
/// `self` is a valid `struct sockaddr`.
#[repr(transparent)]
pub struct SockAddr(pub(super) Opaque<bindings::sockaddr>);

impl SockAddr {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid `struct sockaddr` for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut c_void) -> &'a Self {
        // SAFETY: Transparent wrapper; per the safety requirements.
        unsafe { &*ptr.cast() }
    }
}
