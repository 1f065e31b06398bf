// SPDX-License-Identifier: GPL-2.0

//! Device features (`netdev_features_t`, `NETIF_F_*`).

use crate::{
    bindings,
    impl_flags, //
};

/// The bit of feature `n` (`__NETIF_F_BIT`).
const fn bit(n: u32) -> u64 {
    1 << n
}

impl_flags!(
    /// A set of device features (`netdev_features_t`).
    ///
    /// Every feature the kernel defines is a [`Feature`], so `!` and `&` on a set read from a
    /// device keep all of its bits.
    #[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
    pub struct Features(u64);

    /// A device feature (`NETIF_F_*`, the bits of `enum netdev_features`).
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum Feature {
        /// `NETIF_F_SG`.
        Sg = bit(bindings::NETIF_F_SG_BIT),
        /// `NETIF_F_IP_CSUM`.
        IpCsum = bit(bindings::NETIF_F_IP_CSUM_BIT),
        /// `NETIF_F_HW_CSUM`.
        HwCsum = bit(bindings::NETIF_F_HW_CSUM_BIT),
        /// `NETIF_F_IPV6_CSUM`.
        Ipv6Csum = bit(bindings::NETIF_F_IPV6_CSUM_BIT),
        /// `NETIF_F_HIGHDMA`.
        HighDma = bit(bindings::NETIF_F_HIGHDMA_BIT),
        /// `NETIF_F_FRAGLIST`.
        FragList = bit(bindings::NETIF_F_FRAGLIST_BIT),
        /// `NETIF_F_HW_VLAN_CTAG_TX`.
        HwVlanCtagTx = bit(bindings::NETIF_F_HW_VLAN_CTAG_TX_BIT),
        /// `NETIF_F_HW_VLAN_CTAG_RX`.
        HwVlanCtagRx = bit(bindings::NETIF_F_HW_VLAN_CTAG_RX_BIT),
        /// `NETIF_F_HW_VLAN_CTAG_FILTER`.
        HwVlanCtagFilter = bit(bindings::NETIF_F_HW_VLAN_CTAG_FILTER_BIT),
        /// `NETIF_F_VLAN_CHALLENGED`.
        VlanChallenged = bit(bindings::NETIF_F_VLAN_CHALLENGED_BIT),
        /// `NETIF_F_GSO`.
        Gso = bit(bindings::NETIF_F_GSO_BIT),
        /// `NETIF_F_GRO`.
        Gro = bit(bindings::NETIF_F_GRO_BIT),
        /// `NETIF_F_LRO`.
        Lro = bit(bindings::NETIF_F_LRO_BIT),
        /// `NETIF_F_TSO`.
        Tso = bit(bindings::NETIF_F_TSO_BIT),
        /// `NETIF_F_GSO_ROBUST`.
        GsoRobust = bit(bindings::NETIF_F_GSO_ROBUST_BIT),
        /// `NETIF_F_TSO_ECN`.
        TsoEcn = bit(bindings::NETIF_F_TSO_ECN_BIT),
        /// `NETIF_F_TSO_MANGLEID`.
        TsoMangleid = bit(bindings::NETIF_F_TSO_MANGLEID_BIT),
        /// `NETIF_F_TSO6`.
        Tso6 = bit(bindings::NETIF_F_TSO6_BIT),
        /// `NETIF_F_FSO`.
        Fso = bit(bindings::NETIF_F_FSO_BIT),
        /// `NETIF_F_GSO_GRE`.
        GsoGre = bit(bindings::NETIF_F_GSO_GRE_BIT),
        /// `NETIF_F_GSO_GRE_CSUM`.
        GsoGreCsum = bit(bindings::NETIF_F_GSO_GRE_CSUM_BIT),
        /// `NETIF_F_GSO_IPXIP4`.
        GsoIpXIp4 = bit(bindings::NETIF_F_GSO_IPXIP4_BIT),
        /// `NETIF_F_GSO_IPXIP6`.
        GsoIpXIp6 = bit(bindings::NETIF_F_GSO_IPXIP6_BIT),
        /// `NETIF_F_GSO_UDP_TUNNEL`.
        GsoUdpTunnel = bit(bindings::NETIF_F_GSO_UDP_TUNNEL_BIT),
        /// `NETIF_F_GSO_UDP_TUNNEL_CSUM`.
        GsoUdpTunnelCsum = bit(bindings::NETIF_F_GSO_UDP_TUNNEL_CSUM_BIT),
        /// `NETIF_F_GSO_PARTIAL`.
        GsoPartial = bit(bindings::NETIF_F_GSO_PARTIAL_BIT),
        /// `NETIF_F_GSO_TUNNEL_REMCSUM`.
        GsoTunnelRemcsum = bit(bindings::NETIF_F_GSO_TUNNEL_REMCSUM_BIT),
        /// `NETIF_F_GSO_SCTP`.
        GsoSctp = bit(bindings::NETIF_F_GSO_SCTP_BIT),
        /// `NETIF_F_GSO_ESP`.
        GsoEsp = bit(bindings::NETIF_F_GSO_ESP_BIT),
        /// `NETIF_F_GSO_UDP`.
        GsoUdp = bit(bindings::NETIF_F_GSO_UDP_BIT),
        /// `NETIF_F_GSO_UDP_L4`.
        GsoUdpL4 = bit(bindings::NETIF_F_GSO_UDP_L4_BIT),
        /// `NETIF_F_GSO_FRAGLIST`.
        GsoFragList = bit(bindings::NETIF_F_GSO_FRAGLIST_BIT),
        /// `NETIF_F_GSO_ACCECN`.
        GsoAccecn = bit(bindings::NETIF_F_GSO_ACCECN_BIT),
        /// `NETIF_F_FCOE_CRC`.
        FcoeCrc = bit(bindings::NETIF_F_FCOE_CRC_BIT),
        /// `NETIF_F_SCTP_CRC`.
        SctpCrc = bit(bindings::NETIF_F_SCTP_CRC_BIT),
        /// `NETIF_F_NTUPLE`.
        NTuple = bit(bindings::NETIF_F_NTUPLE_BIT),
        /// `NETIF_F_RXHASH`.
        RxHash = bit(bindings::NETIF_F_RXHASH_BIT),
        /// `NETIF_F_RXCSUM`.
        RxCsum = bit(bindings::NETIF_F_RXCSUM_BIT),
        /// `NETIF_F_NOCACHE_COPY`.
        NocacheCopy = bit(bindings::NETIF_F_NOCACHE_COPY_BIT),
        /// `NETIF_F_LOOPBACK`.
        Loopback = bit(bindings::NETIF_F_LOOPBACK_BIT),
        /// `NETIF_F_RXFCS`.
        RxFcs = bit(bindings::NETIF_F_RXFCS_BIT),
        /// `NETIF_F_RXALL`.
        RxAll = bit(bindings::NETIF_F_RXALL_BIT),
        /// `NETIF_F_HW_VLAN_STAG_TX`.
        HwVlanStagTx = bit(bindings::NETIF_F_HW_VLAN_STAG_TX_BIT),
        /// `NETIF_F_HW_VLAN_STAG_RX`.
        HwVlanStagRx = bit(bindings::NETIF_F_HW_VLAN_STAG_RX_BIT),
        /// `NETIF_F_HW_VLAN_STAG_FILTER`.
        HwVlanStagFilter = bit(bindings::NETIF_F_HW_VLAN_STAG_FILTER_BIT),
        /// `NETIF_F_HW_L2FW_DOFFLOAD`.
        HwL2fwDoffload = bit(bindings::NETIF_F_HW_L2FW_DOFFLOAD_BIT),
        /// `NETIF_F_HW_TC`.
        HwTc = bit(bindings::NETIF_F_HW_TC_BIT),
        /// `NETIF_F_HW_ESP`.
        HwEsp = bit(bindings::NETIF_F_HW_ESP_BIT),
        /// `NETIF_F_HW_ESP_TX_CSUM`.
        HwEspTxCsum = bit(bindings::NETIF_F_HW_ESP_TX_CSUM_BIT),
        /// `NETIF_F_RX_UDP_TUNNEL_PORT`.
        RxUdpTunnelPort = bit(bindings::NETIF_F_RX_UDP_TUNNEL_PORT_BIT),
        /// `NETIF_F_HW_TLS_TX`.
        HwTlsTx = bit(bindings::NETIF_F_HW_TLS_TX_BIT),
        /// `NETIF_F_HW_TLS_RX`.
        HwTlsRx = bit(bindings::NETIF_F_HW_TLS_RX_BIT),
        /// `NETIF_F_GRO_HW`.
        GroHw = bit(bindings::NETIF_F_GRO_HW_BIT),
        /// `NETIF_F_GRO_FRAGLIST`.
        GroFragList = bit(bindings::NETIF_F_GRO_FRAGLIST_BIT),
        /// `NETIF_F_HW_MACSEC`.
        HwMacsec = bit(bindings::NETIF_F_HW_MACSEC_BIT),
        /// `NETIF_F_GRO_UDP_FWD`.
        GroUdpFwd = bit(bindings::NETIF_F_GRO_UDP_FWD_BIT),
        /// `NETIF_F_HW_HSR_TAG_INS`.
        HwHsrTagIns = bit(bindings::NETIF_F_HW_HSR_TAG_INS_BIT),
        /// `NETIF_F_HW_HSR_TAG_RM`.
        HwHsrTagRm = bit(bindings::NETIF_F_HW_HSR_TAG_RM_BIT),
        /// `NETIF_F_HW_HSR_FWD`.
        HwHsrFwd = bit(bindings::NETIF_F_HW_HSR_FWD_BIT),
        /// `NETIF_F_HW_HSR_DUP`.
        HwHsrDup = bit(bindings::NETIF_F_HW_HSR_DUP_BIT),
    }
);

// A feature the kernel adds must be added to `Feature`, or `!` would clear it. Four bits of
// `enum netdev_features` are unused.
const _: () = assert!(
    Features::all_bits()
        | bit(bindings::__UNUSED_NETIF_F_1)
        | bit(bindings::__UNUSED_NETIF_F_12)
        | bit(bindings::__UNUSED_NETIF_F_13)
        | bit(bindings::__UNUSED_NETIF_F_56)
        == u64::MAX >> (u64::BITS - bindings::NETDEV_FEATURE_COUNT),
    "`Feature` must name every bit of `enum netdev_features`"
);

impl Features {
    /// The segmentation offloads that have a software fallback (`NETIF_F_GSO_SOFTWARE`).
    pub const GSO_SOFTWARE: Self = Self(bindings::NETIF_F_GSO_SOFTWARE);
    /// All encapsulation segmentation offloads (`NETIF_F_GSO_ENCAP_ALL`).
    pub const GSO_ENCAP_ALL: Self = Self(bindings::NETIF_F_GSO_ENCAP_ALL);

    /// Features whose users call driver operations (`net_device_ops`, `xfrmdev_ops`,
    /// `tlsdev_ops`, ...) that the abstractions do not provide, some without checking them:
    /// `macvlan_open()` calls `ndo_dfwd_add_station` for `NETIF_F_HW_L2FW_DOFFLOAD`, the VLAN
    /// core `ndo_vlan_rx_add_vid` for the filter features. `Setup::set_features` drops them.
    pub const NEED_DRIVER_OPS: Self = Self(
        bit(bindings::NETIF_F_HW_VLAN_CTAG_FILTER_BIT)
            | bit(bindings::NETIF_F_HW_VLAN_STAG_FILTER_BIT)
            | bit(bindings::NETIF_F_FSO_BIT)
            | bit(bindings::NETIF_F_FCOE_CRC_BIT)
            | bit(bindings::NETIF_F_NTUPLE_BIT)
            | bit(bindings::NETIF_F_HW_L2FW_DOFFLOAD_BIT)
            | bit(bindings::NETIF_F_HW_TC_BIT)
            | bit(bindings::NETIF_F_HW_ESP_BIT)
            | bit(bindings::NETIF_F_HW_ESP_TX_CSUM_BIT)
            | bit(bindings::NETIF_F_RX_UDP_TUNNEL_PORT_BIT)
            | bit(bindings::NETIF_F_HW_TLS_TX_BIT)
            | bit(bindings::NETIF_F_HW_TLS_RX_BIT)
            | bit(bindings::NETIF_F_HW_MACSEC_BIT)
            | bit(bindings::NETIF_F_HW_HSR_TAG_INS_BIT)
            | bit(bindings::NETIF_F_HW_HSR_TAG_RM_BIT)
            | bit(bindings::NETIF_F_HW_HSR_FWD_BIT)
            | bit(bindings::NETIF_F_HW_HSR_DUP_BIT),
    );

    /// The set with the bits of `bits` (a `netdev_features_t` from the core).
    #[inline]
    pub(crate) const fn from_raw(bits: u64) -> Self {
        Self(bits)
    }
}
