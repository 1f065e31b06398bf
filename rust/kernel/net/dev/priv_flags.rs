// SPDX-License-Identifier: GPL-2.0

//! Device flags invisible to user space (`enum netdev_priv_flags`).
//!
//! `IFF_TX_SKB_SHARING`, which `ether_setup` sets, is not among them: [`Adapter::setup`] clears
//! it, because [`Driver::start_xmit`] gets the [`SkBuff`] to change and hand on, which a sender
//! that shares it (pktgen's `clone_skb`, `burst`) must not see. It also sets
//! `IFF_DISABLE_NETPOLL`: netpoll transmits with bottom halves on, which the [`TxContext`] of
//! `start_xmit` rules out.
//!
//! [`Adapter::setup`]: super::Adapter::setup
//! [`Driver::start_xmit`]: super::Driver::start_xmit
//! [`SkBuff`]: crate::net::skbuff::SkBuff
//! [`TxContext`]: crate::net::skbuff::TxContext

use crate::bindings;

/// The hardware address may change while the device is up.
pub const LIVE_ADDR_CHANGE: u32 = bindings::netdev_priv_flags_IFF_LIVE_ADDR_CHANGE;
/// The headroom is controlled by an external entity.
pub const PHONY_HEADROOM: u32 = bindings::netdev_priv_flags_IFF_PHONY_HEADROOM;
/// The device can run without a qdisc.
pub const NO_QUEUE: u32 = bindings::netdev_priv_flags_IFF_NO_QUEUE;
