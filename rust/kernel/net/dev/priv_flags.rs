// SPDX-License-Identifier: GPL-2.0

//! Device flags invisible to user space (`enum netdev_priv_flags`).
//!
//! Only the flags a driver may set in [`Driver::setup`] are here. `IFF_TX_SKB_SHARING`, which
//! `ether_setup` sets, is not among them: [`Adapter::setup`] clears it, because
//! [`Driver::start_xmit`] gets the [`SkBuff`] to change and hand on, which a sender that shares
//! it (pktgen's `clone_skb`, `burst`) must not see. It also sets `IFF_DISABLE_NETPOLL`: netpoll
//! transmits with bottom halves on, which the [`TxContext`] of `start_xmit` rules out.
//!
//! [`Adapter::setup`]: super::Adapter::setup
//! [`Driver::setup`]: super::Driver::setup
//! [`Driver::start_xmit`]: super::Driver::start_xmit
//! [`SkBuff`]: crate::net::skbuff::SkBuff
//! [`TxContext`]: crate::net::skbuff::TxContext

use crate::{
    bindings,
    impl_flags, //
};

impl_flags!(
    /// A set of private flags for [`Setup::update_priv_flags`](super::Setup::update_priv_flags).
    ///
    /// # Invariants
    ///
    /// Only bits of [`PrivFlag`] are set (`impl_flags!` masks every operation with them): the
    /// others tell the core what kind of device it is (`IFF_EBRIDGE`, `IFF_BONDING`, ...) and
    /// make it read the private area as that kind's.
    #[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
    pub struct PrivFlags(u32);

    /// A private flag (`IFF_*` of `enum netdev_priv_flags`).
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum PrivFlag {
        /// The hardware address may change while the device is up (`IFF_LIVE_ADDR_CHANGE`).
        LiveAddrChange = bindings::netdev_priv_flags_IFF_LIVE_ADDR_CHANGE,
        /// The headroom is controlled by an external entity (`IFF_PHONY_HEADROOM`).
        PhonyHeadroom = bindings::netdev_priv_flags_IFF_PHONY_HEADROOM,
        /// The device can run without a qdisc (`IFF_NO_QUEUE`).
        NoQueue = bindings::netdev_priv_flags_IFF_NO_QUEUE,
    }
);
