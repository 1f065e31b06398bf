// SPDX-License-Identifier: GPL-2.0

//! Pairs of devices of one driver that point at each other, as `veth` and `netkit` devices do
//! (`priv->peer`).
//!
//! The link holds no reference, as in C: a device is unpaired before its unregistration's
//! last `synchronize_net()`, so a reader that found it through its peer is done with it before
//! the core frees it. Unpairing therefore costs no grace period of its own.

use super::{
    private_of,
    Driver,
    DriverDevice, //
};
use crate::{
    bindings,
    net::{
        rtnl::Rtnl,
        skbuff::TxContext, //
    },
    prelude::*,
    sync::{
        atomic::{
            Atomic,
            Relaxed,
            Release, //
        },
        rcu,
    },
};
use core::ptr::NonNull;

/// Proof of an RCU read-side critical section: an [`rcu::Guard`], or the transmit path's
/// [`TxContext`] (bottom halves disabled, which RCU counts as a reader).
pub trait RcuReader: private::Sealed {}

impl RcuReader for rcu::Guard {}
impl RcuReader for TxContext {}

mod private {
    pub trait Sealed {}
    impl Sealed for crate::sync::rcu::Guard {}
    impl Sealed for crate::net::skbuff::TxContext {}
}

impl<T: Driver> DriverDevice<T> {
    /// The peer field of the device's private area.
    #[inline]
    fn peer_slot(&self) -> &Atomic<*mut bindings::net_device> {
        // SAFETY: By the type invariant the private area is a `Private<T>`, initialised by
        // `Adapter::setup` and alive as long as the device.
        unsafe { &(*private_of::<T>(self.as_raw())).peer }
    }

    /// Returns the peer device, if the device is paired (`rcu_dereference(priv->peer)`).
    #[inline]
    pub fn peer<'a>(&self, _reader: &'a impl RcuReader) -> Option<&'a DriverDevice<T>> {
        // `READ_ONCE()`: the reader depends on the address, as with `rcu_dereference()`.
        let p = NonNull::new(self.peer_slot().load(Relaxed))?;
        // SAFETY: By the invariant of `Private::peer` the peer is a device of `T` whose
        // `ndo_uninit` has not run when it was loaded. The core unpairs it there (see
        // `Adapter::uninit`) and calls `synchronize_net()` after `ndo_uninit`, before it puts
        // the device on the list `netdev_run_todo()` frees from, so the device outlives the
        // RCU read-side critical section `'a`.
        Some(unsafe { DriverDevice::from_raw(p.as_ptr()) })
    }

    /// Returns the peer device, if the device is paired (`rtnl_dereference(priv->peer)`).
    #[inline]
    pub fn peer_rtnl<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a DriverDevice<T>> {
        let p = NonNull::new(self.peer_slot().load(Relaxed))?;
        // SAFETY: By the invariant of `Private::peer` the peer's `ndo_uninit` has not run, so
        // its unregistration, if it has begun, began under the RTNL section `'a` (one
        // `unregister_netdevice_many()` runs from unlisting to `ndo_uninit` under RTNL), and
        // `netdev_run_todo()` frees the device only after that section ends.
        Some(unsafe { DriverDevice::from_raw(p.as_ptr()) })
    }

    /// Pairs the device with `other`, unpairing either from a previous peer first
    /// (`rcu_assign_pointer(priv->peer, ..)` on both sides).
    ///
    /// Fails with `EINVAL` unless both devices are registered: only a registered device is sure
    /// to reach `ndo_uninit`, where it is unpaired, before it is freed.
    pub fn pair(&self, other: &DriverDevice<T>, rtnl: &Rtnl) -> Result {
        if !self.is_registered() || !other.is_registered() {
            return Err(EINVAL);
        }
        self.unpair(rtnl);
        other.unpair(rtnl);
        // INVARIANT: Both devices are registered, so their `ndo_uninit` has not run, and each
        // now names the other; RTNL, held, serialises writers. The release stores publish the
        // devices to readers that load them.
        self.peer_slot().store(other.as_raw(), Release);
        other.peer_slot().store(self.as_raw(), Release);
        Ok(())
    }

    /// Unpairs the device and its peer, if it has one (`RCU_INIT_POINTER(priv->peer, NULL)` on
    /// both sides).
    ///
    /// Readers may still use the former peer until the end of their RCU read-side section; the
    /// core waits for them before it frees a device.
    pub fn unpair(&self, rtnl: &Rtnl) {
        if let Some(peer) = self.peer_rtnl(rtnl) {
            // INVARIANT: Both sides are cleared together; a null pointer needs no ordering.
            peer.peer_slot().store(core::ptr::null_mut(), Relaxed);
            self.peer_slot().store(core::ptr::null_mut(), Relaxed);
        }
    }
}
