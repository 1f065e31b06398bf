// SPDX-License-Identifier: GPL-2.0

//! Device features (`netdev_features_t`, `NETIF_F_*`).

use crate::bindings;

/// A set of features.
pub type Features = u64;

/// Scatter/gather I/O.
pub const SG: Features = bindings::NETIF_F_SG;
/// Frame lists.
pub const FRAGLIST: Features = bindings::NETIF_F_FRAGLIST;
/// Checksums any packet.
pub const HW_CSUM: Features = bindings::NETIF_F_HW_CSUM;
/// Receive checksum offload.
pub const RXCSUM: Features = bindings::NETIF_F_RXCSUM;
/// SCTP checksum offload.
pub const SCTP_CRC: Features = bindings::NETIF_F_SCTP_CRC;
/// DMA to high memory.
pub const HIGHDMA: Features = bindings::NETIF_F_HIGHDMA;
/// All software segmentation offloads.
pub const GSO_SOFTWARE: Features = bindings::NETIF_F_GSO_SOFTWARE;
/// All encapsulation segmentation offloads.
pub const GSO_ENCAP_ALL: Features = bindings::NETIF_F_GSO_ENCAP_ALL;
/// 802.1Q tag insertion.
pub const HW_VLAN_CTAG_TX: Features = bindings::NETIF_F_HW_VLAN_CTAG_TX;
/// 802.1Q tag stripping.
pub const HW_VLAN_CTAG_RX: Features = bindings::NETIF_F_HW_VLAN_CTAG_RX;
/// 802.1ad tag insertion.
pub const HW_VLAN_STAG_TX: Features = bindings::NETIF_F_HW_VLAN_STAG_TX;
/// 802.1ad tag stripping.
pub const HW_VLAN_STAG_RX: Features = bindings::NETIF_F_HW_VLAN_STAG_RX;
