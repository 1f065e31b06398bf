// SPDX-License-Identifier: GPL-2.0

//! Device statistics: the per-CPU software counters (`tstats`) and their report.

use super::{
    Driver,
    DriverDevice, //
};
use crate::{
    bindings,
    net::skbuff::TxContext,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
    types::Opaque, //
};

/// Link statistics being reported (`struct rtnl_link_stats64`).
///
/// # Invariants
///
/// `self` is a valid `rtnl_link_stats64`.
#[repr(transparent)]
pub struct Stats64(Opaque<bindings::rtnl_link_stats64>);

impl Stats64 {
    /// Sets the transmit drop counter.
    #[inline]
    pub fn set_tx_dropped(&mut self, v: u64) {
        // SAFETY: Valid by the type invariant; `&mut self` gives exclusive access.
        unsafe { (*self.0.get()).tx_dropped = v };
    }

    /// Returns the transmit drop counter.
    #[inline]
    pub fn tx_dropped(&self) -> u64 {
        // SAFETY: Valid by the type invariant.
        unsafe { (*self.0.get()).tx_dropped }
    }
}

impl<T: Driver> DriverDevice<T> {
    /// Counts transmitted packets in the per-CPU statistics (`dev_sw_netstats_tx_add`).
    ///
    /// A `u64_stats` writer: `_ctx` proves bottom halves are off, so no other writer on this
    /// CPU interrupts the update.
    #[inline]
    pub fn sw_stats_tx_add(&self, packets: u32, len: u32, _ctx: &TxContext) {
        // SAFETY: `T`'s devices use `NETDEV_PCPU_STAT_TSTATS` (set by `Adapter::setup`), which
        // `register_netdevice()` allocates before `NETREG_REGISTERED` and `netdev_run_todo()`
        // frees after the last reference is gone; the device has been registered by the type
        // invariant of `Device` and is alive, so `tstats` is allocated. Bottom halves are off.
        unsafe { bindings::dev_sw_netstats_tx_add(self.as_raw(), packets, len) };
    }

    /// Counts a received packet in the per-CPU statistics (`dev_sw_netstats_rx_add`); see
    /// [`DriverDevice::sw_stats_tx_add`].
    #[inline]
    pub fn sw_stats_rx_add(&self, len: u32, _ctx: &TxContext) {
        // SAFETY: As for `sw_stats_tx_add`.
        unsafe { bindings::dev_sw_netstats_rx_add(self.as_raw(), len) };
    }

    /// Reports the per-CPU statistics and the core's transmit drops (`dev_fetch_sw_netstats`).
    #[inline]
    pub fn fetch_sw_stats(&self, stats: &mut Stats64) {
        // SAFETY: `tstats` is allocated, as for `sw_stats_tx_add`; readers need no context.
        unsafe {
            bindings::dev_fetch_sw_netstats(stats.0.get(), (*self.as_raw()).__bindgen_anon_2.tstats)
        };
        // `DEV_STATS_READ(dev, tx_dropped)`: the core updates the counter with atomic
        // operations (`DEV_STATS_INC`).
        // SAFETY: The device is valid, so is its `stats.__tx_dropped`, an `atomic_long_t`, which
        // is only accessed atomically.
        let dropped = unsafe {
            Atomic::from_ptr(&raw mut (*self.as_raw()).stats.__bindgen_anon_8.__tx_dropped.counter)
        }
        .load(Relaxed);
        stats.set_tx_dropped(dropped as u64);
    }
}
