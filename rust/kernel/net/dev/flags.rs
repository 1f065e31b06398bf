// SPDX-License-Identifier: GPL-2.0

//! Device flags visible to user space (`enum net_device_flags`, `IFF_*`).

use crate::{
    bindings,
    impl_flags, //
};

impl_flags!(
    /// A set of device flags (`net_device::flags`).
    ///
    /// Every flag of `enum net_device_flags` is a [`Flag`], so `!` and `&` on a set read from a
    /// device keep all of its bits.
    #[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
    pub struct Flags(u32);

    /// A device flag (`IFF_*`).
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum Flag {
        /// Administratively up (`IFF_UP`).
        Up = bindings::net_device_flags_IFF_UP,
        /// The broadcast address is valid (`IFF_BROADCAST`).
        Broadcast = bindings::net_device_flags_IFF_BROADCAST,
        /// Debugging on (`IFF_DEBUG`).
        Debug = bindings::net_device_flags_IFF_DEBUG,
        /// A loopback device (`IFF_LOOPBACK`).
        Loopback = bindings::net_device_flags_IFF_LOOPBACK,
        /// A point-to-point link (`IFF_POINTOPOINT`).
        PointToPoint = bindings::net_device_flags_IFF_POINTOPOINT,
        /// Avoid trailers (`IFF_NOTRAILERS`).
        NoTrailers = bindings::net_device_flags_IFF_NOTRAILERS,
        /// Operationally up, RFC 2863 `OPER_UP` (`IFF_RUNNING`).
        Running = bindings::net_device_flags_IFF_RUNNING,
        /// No ARP protocol (`IFF_NOARP`).
        NoArp = bindings::net_device_flags_IFF_NOARP,
        /// Receives all packets (`IFF_PROMISC`).
        Promisc = bindings::net_device_flags_IFF_PROMISC,
        /// Receives all multicast packets (`IFF_ALLMULTI`).
        AllMulti = bindings::net_device_flags_IFF_ALLMULTI,
        /// Master of a load balancer (`IFF_MASTER`).
        Master = bindings::net_device_flags_IFF_MASTER,
        /// Slave of a load balancer (`IFF_SLAVE`).
        Slave = bindings::net_device_flags_IFF_SLAVE,
        /// Supports multicast (`IFF_MULTICAST`).
        Multicast = bindings::net_device_flags_IFF_MULTICAST,
        /// Can set the media type (`IFF_PORTSEL`).
        PortSel = bindings::net_device_flags_IFF_PORTSEL,
        /// Automatic media selection (`IFF_AUTOMEDIA`).
        AutoMedia = bindings::net_device_flags_IFF_AUTOMEDIA,
        /// Dial-up device with changing addresses (`IFF_DYNAMIC`).
        Dynamic = bindings::net_device_flags_IFF_DYNAMIC,
        /// The driver signals layer 1 up (`IFF_LOWER_UP`).
        LowerUp = bindings::net_device_flags_IFF_LOWER_UP,
        /// The driver signals dormant (`IFF_DORMANT`).
        Dormant = bindings::net_device_flags_IFF_DORMANT,
        /// Echoes sent packets (`IFF_ECHO`).
        Echo = bindings::net_device_flags_IFF_ECHO,
    }
);

// `IFF_ECHO` is the last flag; one the kernel adds must be added to `Flag`, or `!` would clear
// it.
const _: () = assert!(
    Flags::all_bits() == (bindings::net_device_flags_IFF_ECHO << 1) - 1,
    "`Flag` must name every flag of `enum net_device_flags`"
);

impl_flags!(
    /// A set of device flags a driver may set or clear in
    /// [`Setup::update_flags`](super::Setup::update_flags).
    ///
    /// Not all of [`Flag`]: the core reads some as what the device is. With `IFF_LOOPBACK`, IPv6
    /// takes the device for its namespace's loopback and keeps pointers to it, without a
    /// reference, in its null routes.
    ///
    /// # Invariants
    ///
    /// Only bits of [`SetupFlag`] are set (`impl_flags!` masks every operation with them).
    #[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
    pub struct SetupFlags(u32);

    /// A device flag a driver may set or clear in `setup` (`IFF_*`).
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum SetupFlag {
        /// The broadcast address is valid (`IFF_BROADCAST`).
        Broadcast = bindings::net_device_flags_IFF_BROADCAST,
        /// No ARP protocol (`IFF_NOARP`).
        NoArp = bindings::net_device_flags_IFF_NOARP,
        /// Supports multicast (`IFF_MULTICAST`).
        Multicast = bindings::net_device_flags_IFF_MULTICAST,
    }
);

impl Flags {
    /// The set with the bits of `bits` (`net_device::flags`).
    #[inline]
    pub(crate) const fn from_raw(bits: u32) -> Self {
        Self(bits)
    }
}
