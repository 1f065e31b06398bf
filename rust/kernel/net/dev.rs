// SPDX-License-Identifier: GPL-2.0

//! Network devices.
//!
//! A driver implements [`Driver`]: its private data (stored in `netdev_priv()`), how a new
//! device is set up and the `net_device_ops` callbacks. Devices are created through
//! [`crate::net::rtnl`].
//!
//! C headers: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h),
//! [`include/linux/etherdevice.h`](srctree/include/linux/etherdevice.h)

use crate::{
    bindings,
    error::{
        from_result,
        to_result,
        VTABLE_DEFAULT_ERROR, //
    },
    net::{
        ethtool,
        queue::{
            Ops,
            QueueMgmtOps, //
        },
        rtnl::{
            Registered,
            Rtnl, //
        },
        skbuff::{
            SkBuff,
            TxContext, //
        },
        xdp::{
            features::XdpFeatures,
            NetdevBpf, //
        },
    },
    prelude::*,
    sync::{
        aref::{
            ARef,
            AlwaysRefCounted, //
        },
        atomic::{
            atomic_load,
            atomic_store,
            Atomic,
            Relaxed, //
        },
        rcu,
    },
    types::Opaque, //
};
use core::{
    any::TypeId,
    marker::PhantomData,
    ops::{
        Deref,
        DerefMut, //
    },
    ptr::NonNull, //
};

mod peer;

/// Device flags visible to user space (`enum net_device_flags`, `IFF_*`).
pub mod flags {
    use crate::bindings;

    /// Interface is administratively up.
    pub const UP: u32 = bindings::net_device_flags_IFF_UP;
    /// No ARP protocol.
    pub const NOARP: u32 = bindings::net_device_flags_IFF_NOARP;
}

/// Device flags invisible to user space (`enum netdev_priv_flags`).
///
/// `IFF_TX_SKB_SHARING`, which `ether_setup` sets, is not among them: [`Adapter::setup`]
/// clears it, because [`Driver::start_xmit`] gets the [`SkBuff`] to change and hand on, which a
/// sender that shares it (pktgen's `clone_skb`, `burst`) must not see. It also sets
/// `IFF_DISABLE_NETPOLL`: netpoll transmits with bottom halves on, which the [`TxContext`] of
/// `start_xmit` rules out.
pub mod priv_flags {
    use crate::bindings;

    /// The hardware address may change while the device is up.
    pub const LIVE_ADDR_CHANGE: u32 = bindings::netdev_priv_flags_IFF_LIVE_ADDR_CHANGE;
    /// The headroom is controlled by an external entity.
    pub const PHONY_HEADROOM: u32 = bindings::netdev_priv_flags_IFF_PHONY_HEADROOM;
    /// The device can run without a qdisc.
    pub const NO_QUEUE: u32 = bindings::netdev_priv_flags_IFF_NO_QUEUE;
}

/// Device features (`netdev_features_t`, `NETIF_F_*`).
pub mod features {
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
}

/// Largest MTU of an Ethernet device (`ETH_MAX_MTU`).
pub const ETH_MAX_MTU: u32 = bindings::ETH_MAX_MTU;
/// Ethernet header length (`ETH_HLEN`).
pub const ETH_HLEN: u32 = bindings::ETH_HLEN;
/// Ethernet address length (`ETH_ALEN`).
pub const ETH_ALEN: usize = bindings::ETH_ALEN as usize;
/// Largest GSO packet (`GSO_MAX_SIZE`).
pub const GSO_MAX_SIZE: u32 = bindings::GSO_MAX_SIZE;
/// Returns the default headroom (`NET_SKB_PAD`).
pub fn net_skb_pad() -> u32 {
    // SAFETY: No requirements.
    unsafe { bindings::net_skb_pad() }
}
/// Size of a device name buffer (`IFNAMSIZ`).
pub const IFNAMSIZ: usize = bindings::IFNAMSIZ as usize;

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

/// The private area of a device (`netdev_priv`), computed here rather than by a C helper
/// because the transmit path asks for it on every packet.
#[inline]
fn netdev_priv(dev: *mut bindings::net_device) -> *mut u8 {
    dev.cast::<u8>().wrapping_add(bindings::NETDEV_PRIV_OFFSET)
}

/// The private area (`netdev_priv()`) of a device of driver `T`: a tag naming the driver, the
/// device's peer, then the driver's data.
///
/// The tag tells devices of two drivers apart where their adapters compile to the same code,
/// which LLVM's function merging may give one address (so the same `ndo_start_xmit`).
///
/// # Invariants
///
/// `peer` is written only under RTNL. It is null or a device of `T`, whose `peer` names this
/// device, and neither device's `ndo_uninit` has run.
#[repr(C)]
struct Private<T: Driver> {
    driver: TypeId,
    peer: Atomic<*mut bindings::net_device>,
    data: T::Data,
}

/// Size of the private area of `T`'s devices (`rtnl_link_ops::priv_size`).
pub(crate) const fn priv_size<T: Driver>() -> usize {
    core::mem::size_of::<Private<T>>()
}

/// The private area of a device set up by [`Adapter::setup`] of `T`.
#[inline]
fn private_of<T: Driver>(dev: *mut bindings::net_device) -> *mut Private<T> {
    netdev_priv(dev).cast()
}

/// The driver data in the private area of a device set up by [`Adapter::setup`] of `T`.
#[inline]
fn priv_data<T: Driver>(dev: *mut bindings::net_device) -> *mut T::Data {
    // Only computes a field address (`wrapping` semantics: no access).
    private_of::<T>(dev)
        .cast::<u8>()
        .wrapping_add(core::mem::offset_of!(Private<T>, data))
        .cast()
}

/// Returns the registration state of `dev` (`reg_state`, `NETREG_*`), read once like
/// `READ_ONCE()`.
///
/// # Safety
///
/// `dev` is a valid device.
#[inline]
pub(crate) unsafe fn reg_state(dev: *const bindings::net_device) -> u32 {
    // SAFETY: Per the safety requirements the field is valid; an `i8` has the size, alignment
    // and bit validity of the `u8` field; its writers use `WRITE_ONCE()`.
    let state = unsafe {
        atomic_load(
            (&raw const (*dev).reg_state).cast::<i8>().cast_mut(),
            Relaxed,
        )
    };
    u32::from(state as u8)
}

/// Whether a device in registration state `state` is a [`Device`]: registered, or being
/// unregistered (it has been registered, so `netdev_run_todo()` frees it).
#[inline]
pub(crate) fn is_live_state(state: u32) -> bool {
    state == bindings::netdev_reg_state_NETREG_REGISTERED
        || state == bindings::netdev_reg_state_NETREG_UNREGISTERING
}

/// A network namespace (`struct net`).
///
/// # Invariants
///
/// `self` is a valid `struct net`.
#[repr(transparent)]
pub struct Namespace(Opaque<bindings::net>);

impl Namespace {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid namespace that stays alive for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::net) -> &'a Self {
        // SAFETY: `Namespace` is transparent over `struct net`; per the safety requirements.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::net {
        self.0.get()
    }
}

impl PartialEq for Namespace {
    /// Whether both are the same namespace (`net_eq`).
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self, other)
    }
}

impl Eq for Namespace {}

/// A device name (`char name[IFNAMSIZ]`), always NUL-terminated.
///
/// # Invariants
///
/// The buffer holds a NUL byte (at the latest in its last byte).
#[derive(Clone, Copy)]
pub struct IfName([u8; IFNAMSIZ]);

impl IfName {
    /// Creates a name from bytes, truncated like `strscpy()` (a pattern such as `"nk%d"` is
    /// resolved at registration).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::net::dev::IfName;
    ///
    /// assert_eq!(IfName::new(b"nk%d").as_bytes(), b"nk%d");
    /// assert_eq!(IfName::new(b"0123456789abcdefgh").as_bytes(), b"0123456789abcde");
    /// assert_eq!(IfName::new(b"ab\0cd").as_bytes(), b"ab");
    /// ```
    #[inline]
    pub fn new(name: &[u8]) -> Self {
        let mut buf = [0u8; IFNAMSIZ];
        let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        let n = end.min(IFNAMSIZ - 1);
        buf[..n].copy_from_slice(&name[..n]);
        // INVARIANT: At most `IFNAMSIZ - 1` bytes are copied into a zeroed buffer.
        Self(buf)
    }

    /// Returns the name without its NUL terminator.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        let end = self.0.iter().position(|&c| c == 0).unwrap_or(IFNAMSIZ);
        &self.0[..end]
    }

    #[inline]
    pub(crate) fn as_char_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
}

/// How a device name was chosen (`NET_NAME_*`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum NameAssign {
    /// Enumerated by the kernel from a pattern (`NET_NAME_ENUM`).
    Enum = bindings::NET_NAME_ENUM as u8,
    /// Given by user space (`NET_NAME_USER`).
    User = bindings::NET_NAME_USER as u8,
}

/// A network device (`struct net_device`) of any driver that has been registered.
///
/// A device that never reached `NETREG_REGISTERED` is freed by `free_netdev()` at once,
/// whatever its reference count; such a device is an [`Unregistered`], never a `Device`.
///
/// # Invariants
///
/// `self` is a valid `struct net_device` whose `reg_state` has reached `NETREG_REGISTERED`, so
/// it is freed only by `netdev_run_todo()` once its reference count has dropped to zero. Its
/// memory stays valid for as long as the reference used to reach it (a reference count, an RCU
/// read-side section, or RTNL while the device is registered).
#[repr(transparent)]
pub struct Device(Opaque<bindings::net_device>);

// SAFETY: A `net_device` may be used from any thread; the methods state what they require.
unsafe impl Send for Device {}
// SAFETY: The `&self` methods are safe to call concurrently: each takes the lock or context it
// needs as an argument, calls a C function that synchronises itself, or reads a field once like
// `READ_ONCE()`.
unsafe impl Sync for Device {}

// SAFETY: `netdev_hold`/`netdev_put` keep the memory of the device alive: by the type invariant
// the device has been registered, so it is freed only after its reference count drops to zero
// (`netdev_wait_allrefs_any()` in `netdev_run_todo()`).
unsafe impl AlwaysRefCounted for Device {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The device is valid by the type invariant.
        unsafe {
            bindings::netdev_hold(self.as_raw(), core::ptr::null_mut(), bindings::GFP_ATOMIC)
        };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller gives up a reference it owns.
        unsafe { bindings::netdev_put(obj.as_ptr().cast(), core::ptr::null_mut()) };
    }
}

impl Device {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid `net_device` that has been registered (its `reg_state` reached
    /// `NETREG_REGISTERED`) and stays valid for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Self {
        // SAFETY: `Device` is transparent over `net_device`; per the safety requirements.
        // INVARIANT: Registered, per the safety requirements.
        unsafe { &*ptr.cast() }
    }

    /// Looks a device up by ifindex in the calling task's network namespace
    /// (`__dev_get_by_index(current->nsproxy->net_ns, ifindex)`).
    pub fn get_by_index_current_net(ifindex: u32, _rtnl: &Rtnl) -> Option<&Device> {
        let ifindex = i32::try_from(ifindex).ok()?;
        // SAFETY: `current` is valid; its `nsproxy` changes only in the task itself.
        let nsproxy = unsafe { (*bindings::get_current()).nsproxy };
        // An exiting task has none any more (`exit_task_namespaces()` comes before the task
        // work that may release files).
        if nsproxy.is_null() {
            return None;
        }
        // SAFETY: The task's `nsproxy` and its namespace stay alive while the task runs.
        let net = unsafe { (*nsproxy).net_ns };
        // SAFETY: `net` is alive (see above); RTNL is held.
        let dev = unsafe { bindings::__dev_get_by_index(net, ifindex) };
        // SAFETY: A device found under RTNL stays valid until RTNL, held for the lifetime of
        // the result, is released: unregistered devices are freed by `netdev_run_todo()` after
        // that.
        NonNull::new(dev).map(|dev| unsafe { Device::from_raw(dev.as_ptr()) })
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::net_device {
        // `Device` is transparent over `Opaque<net_device>`, itself transparent over the C struct
        // (in an `UnsafeCell`). A cast rather than `Opaque::get()`, which is not inlined across
        // crates and this is on the transmit path.
        core::ptr::from_ref(self).cast_mut().cast()
    }

    /// Returns the interface index (0 before registration).
    #[inline]
    pub fn ifindex(&self) -> i32 {
        // SAFETY: The device is valid; `ifindex` changes only under RTNL (`WRITE_ONCE()`).
        unsafe { atomic_load(&raw mut (*self.as_raw()).ifindex, Relaxed) }
    }

    /// Returns the device name.
    #[inline]
    pub fn name<'a>(&'a self, _rtnl: &'a Rtnl) -> &'a CStr {
        // SAFETY: The name is NUL-terminated and changes only under RTNL, which is held for 'a.
        unsafe { CStr::from_char_ptr((*self.as_raw()).name.as_ptr()) }
    }

    /// Returns the `IFF_*` flags, see [`flags`].
    #[inline]
    pub fn flags(&self) -> u32 {
        // SAFETY: The device is valid; the flags change under RTNL (`WRITE_ONCE()`).
        unsafe { atomic_load(&raw mut (*self.as_raw()).flags, Relaxed) }
    }

    /// Returns whether the device is administratively up (`IFF_UP`).
    #[inline]
    pub fn is_up(&self) -> bool {
        self.flags() & flags::UP != 0
    }

    /// Returns the number of receive queues in use (`real_num_rx_queues`).
    #[inline]
    pub fn real_num_rx_queues(&self) -> u32 {
        // SAFETY: The device is valid; `netif_set_real_num_rx_queues()` writes the count under
        // RTNL or the instance lock, readers use `READ_ONCE()` where they hold neither.
        unsafe { atomic_load(&raw mut (*self.as_raw()).real_num_rx_queues, Relaxed) }
    }

    /// Returns the headroom the device needs in front of packets.
    #[inline]
    pub fn needed_headroom(&self) -> u16 {
        // SAFETY: The device is valid; an `i16` has the layout of the `unsigned short` field.
        // The core reads it with `READ_ONCE()` (`LL_RESERVED_SPACE()`).
        unsafe {
            atomic_load(
                (&raw mut (*self.as_raw()).needed_headroom).cast::<i16>(),
                Relaxed,
            ) as u16
        }
    }

    /// Sets the headroom the device needs in front of packets.
    #[inline]
    pub fn set_needed_headroom(&self, headroom: u16) {
        // SAFETY: The device is valid; as above. `WRITE_ONCE()`: the field is a hint that
        // readers take without locks, and `ndo_set_rx_headroom` runs under the upper device's
        // lock, which need not be RTNL, so writers may race; the last one wins, as in C.
        unsafe {
            atomic_store(
                (&raw mut (*self.as_raw()).needed_headroom).cast::<i16>(),
                headroom as i16,
                Relaxed,
            )
        };
    }

    /// Returns the tailroom the device needs behind packets.
    #[inline]
    pub fn needed_tailroom(&self) -> u16 {
        // SAFETY: As for `needed_headroom`.
        unsafe {
            atomic_load(
                (&raw mut (*self.as_raw()).needed_tailroom).cast::<i16>(),
                Relaxed,
            ) as u16
        }
    }

    /// Sets the tailroom the device needs behind packets.
    #[inline]
    pub fn set_needed_tailroom(&self, tailroom: u16) {
        // SAFETY: As for `set_needed_headroom`.
        unsafe {
            atomic_store(
                (&raw mut (*self.as_raw()).needed_tailroom).cast::<i16>(),
                tailroom as i16,
                Relaxed,
            )
        };
    }

    /// Returns the device's namespace (`dev_net`).
    ///
    /// A device changes namespace only under RTNL, and a namespace with devices stays alive.
    #[inline]
    pub fn net<'a>(&'a self, _rtnl: &'a Rtnl) -> &'a Namespace {
        // SAFETY: The device is valid; with RTNL held its namespace neither changes nor goes
        // away.
        unsafe { Namespace::from_raw(bindings::dev_net(self.as_raw())) }
    }

    /// Returns whether both devices are in the same namespace (`net_eq(dev_net(), dev_net())`).
    ///
    /// Without RTNL the answer can be stale once returned, as in C.
    #[inline]
    pub fn same_net(&self, other: &Device) -> bool {
        // SAFETY: The device is valid; only the namespace pointer is used.
        let net = unsafe { bindings::dev_net(self.as_raw()) };
        // SAFETY: As above.
        let other_net = unsafe { bindings::dev_net(other.as_raw()) };
        core::ptr::eq(net, other_net)
    }

    /// Turns the carrier on (`netif_carrier_on`).
    #[inline]
    pub fn carrier_on(&self) {
        // SAFETY: The device is valid.
        unsafe { bindings::netif_carrier_on(self.as_raw()) };
    }

    /// Turns the carrier off (`netif_carrier_off`).
    #[inline]
    pub fn carrier_off(&self) {
        // SAFETY: The device is valid.
        unsafe { bindings::netif_carrier_off(self.as_raw()) };
    }

    #[inline]
    fn reg_state(&self) -> u32 {
        // SAFETY: The device is valid.
        unsafe { reg_state(self.as_raw()) }
    }

    /// Whether the device has been registered and not yet unregistered.
    #[inline]
    pub fn is_registered(&self) -> bool {
        self.reg_state() == bindings::netdev_reg_state_NETREG_REGISTERED
    }

    /// Whether the device is being unregistered (`NETREG_UNREGISTERING`).
    #[inline]
    pub fn is_unregistering(&self) -> bool {
        self.reg_state() == bindings::netdev_reg_state_NETREG_UNREGISTERING
    }

    /// Whether the device has a parent device (`dev->dev.parent`): physical devices have one,
    /// virtual devices do not.
    #[inline]
    pub fn has_parent(&self) -> bool {
        // SAFETY: The device is valid; the parent is set before registration.
        !unsafe { (*self.as_raw()).dev.parent }.is_null()
    }

    /// Changes the `IFF_*` flags as user space would (`dev_change_flags`).
    #[inline]
    pub fn change_flags(&self, flags: u32, _rtnl: &Rtnl) -> Result {
        // SAFETY: The device is valid and RTNL is held.
        to_result(unsafe {
            bindings::dev_change_flags(self.as_raw(), flags, core::ptr::null_mut())
        })
    }

    /// Returns whether the device is queued for unregistration (`unregister_netdevice_queued`).
    #[inline]
    pub fn is_unregister_queued(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: The device is valid and RTNL is held.
        unsafe { bindings::unregister_netdevice_queued(self.as_raw()) }
    }
}

/// The list of devices an `rtnl_link_ops::dellink` queues for unregistration.
///
/// # Invariants
///
/// `head` is a valid list head of devices to unregister, exclusively borrowed for `'a`.
pub struct UnregisterList<'a> {
    head: *mut bindings::list_head,
    _p: PhantomData<&'a mut bindings::list_head>,
}

/// Unregisters in one batch the devices `f` queues (`unregister_netdevice_many`).
///
/// Only where the core walks no device list that unlisting a device breaks: after a netdevice
/// notifier's callback (see [`crate::net::notifier::NetdevNotifier::event`]).
pub(crate) fn unregister_many(_rtnl: &Rtnl, f: impl FnOnce(&mut UnregisterList<'_>)) {
    let mut head = core::mem::MaybeUninit::<bindings::list_head>::uninit();
    let head = head.as_mut_ptr();
    // SAFETY: `INIT_LIST_HEAD`: `head` is valid for writes and does not move until the end of
    // this function.
    unsafe {
        (*head).next = head;
        (*head).prev = head;
    }
    // SAFETY: `head` is an empty list head used only by `list` while it lives.
    let mut list = unsafe { UnregisterList::from_raw(head) };
    f(&mut list);
    // SAFETY: `head` is valid; `list` is gone.
    if unsafe { (*head).next } == head {
        return;
    }
    // SAFETY: `head` lists devices queued for unregistration; RTNL is held.
    unsafe { bindings::unregister_netdevice_many(head) };
}

impl UnregisterList<'_> {
    /// Creates a list from a raw pointer.
    ///
    /// # Safety
    ///
    /// `head` is null (unregister at once) or a valid unregistration list head not used by
    /// anything else while the result lives.
    #[inline]
    pub unsafe fn from_raw(head: *mut bindings::list_head) -> Self {
        // INVARIANT: Per the safety requirements.
        Self {
            head,
            _p: PhantomData,
        }
    }

    #[inline]
    fn as_raw(&mut self) -> *mut bindings::list_head {
        self.head
    }
}

/// A socket address given to `ndo_set_mac_address` (`struct sockaddr`).
///
/// # Invariants
///
/// `self` is a valid `struct sockaddr`.
#[repr(transparent)]
pub struct SockAddr(Opaque<bindings::sockaddr>);

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

/// Transmit status returned by [`Driver::start_xmit`] (`netdev_tx_t`).
///
/// The packet is always consumed; there is no `NETDEV_TX_BUSY`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub enum TxStatus {
    /// The packet was sent (`NET_XMIT_SUCCESS`).
    Ok = bindings::NET_XMIT_SUCCESS,
    /// The packet was dropped (`NET_XMIT_DROP`).
    Drop = bindings::NET_XMIT_DROP,
}

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

/// Adds `set` to and removes `clear` from the private flags (a bitfield) of `dev`.
///
/// # Safety
///
/// `dev` is valid and only the caller's.
#[inline]
unsafe fn update_priv_flags(dev: *mut bindings::net_device, set: u32, clear: u32) {
    // SAFETY: Per the safety requirements.
    let bits = unsafe { &mut (*dev).__bindgen_anon_1.__bindgen_anon_1 };
    bits.set_priv_flags((bits.priv_flags() & !(clear as c_ulong)) | set as c_ulong);
}

/// The device being set up by [`Driver::setup`], before anyone else can see it.
///
/// # Invariants
///
/// `dev` points to a newly allocated device that only the current thread accesses.
pub struct Setup<'a> {
    dev: *mut bindings::net_device,
    _p: PhantomData<&'a mut bindings::net_device>,
}

impl Setup<'_> {
    /// Applies the Ethernet defaults (`ether_setup`).
    #[inline]
    pub fn ether_setup(&mut self) {
        // SAFETY: `dev` is valid and exclusively ours by the type invariant.
        unsafe { bindings::ether_setup(self.dev) };
    }

    /// Sets the largest MTU.
    #[inline]
    pub fn set_max_mtu(&mut self, mtu: u32) {
        // SAFETY: As above.
        unsafe { (*self.dev).max_mtu = mtu };
    }

    /// Adds and removes `IFF_*` flags, see [`flags`].
    #[inline]
    pub fn update_flags(&mut self, set: u32, clear: u32) {
        // SAFETY: As above.
        unsafe { (*self.dev).flags = ((*self.dev).flags & !clear) | set };
    }

    /// Adds and removes private flags, see [`priv_flags`].
    #[inline]
    pub fn update_priv_flags(&mut self, set: u32, clear: u32) {
        // SAFETY: As above.
        unsafe { update_priv_flags(self.dev, set, clear) };
    }

    /// Declares lockless transmit (`lltx`).
    #[inline]
    pub fn set_lltx(&mut self) {
        // SAFETY: As above.
        unsafe { bindings::netdev_set_lltx(self.dev) };
    }

    /// Declares that transmitted net_iovs need no DMA mapping (`NETMEM_TX_NO_DMA`).
    #[inline]
    pub fn set_netmem_tx_no_dma(&mut self) {
        // SAFETY: As above.
        unsafe {
            bindings::netdev_set_netmem_tx(self.dev, bindings::netmem_tx_mode_NETMEM_TX_NO_DMA)
        };
    }

    /// Returns the active features.
    #[inline]
    pub fn features(&self) -> features::Features {
        // SAFETY: As above.
        unsafe { (*self.dev).features }
    }

    /// Sets the active, user-changeable, encapsulation, MPLS and VLAN features.
    #[inline]
    pub fn set_features(
        &mut self,
        features: features::Features,
        hw: features::Features,
        hw_enc: features::Features,
        mpls: features::Features,
        vlan: features::Features,
    ) {
        // SAFETY: As above.
        unsafe {
            (*self.dev).features = features;
            (*self.dev).hw_features = hw;
            (*self.dev).hw_enc_features = hw_enc;
            (*self.dev).mpls_features = mpls;
            (*self.dev).vlan_features = vlan;
        }
    }

    /// Sets the largest TSO packet (`netif_set_tso_max_size`).
    #[inline]
    pub fn set_tso_max_size(&mut self, size: u32) {
        // SAFETY: As above.
        unsafe { bindings::netif_set_tso_max_size(self.dev, size) };
    }
}

/// A network device driven by `T`: its callbacks are `T`'s and its private area holds an
/// initialised `T::Data`.
///
/// # Invariants
///
/// The device was allocated with [`Adapter::setup`] of `T` as setup function, so
/// `netdev_priv()` holds `T`'s tag and a pinned, initialised `T::Data` for the lifetime of the
/// device.
#[repr(transparent)]
pub struct DriverDevice<T: Driver>(Device, PhantomData<T>);

impl<T: Driver> Deref for DriverDevice<T> {
    type Target = Device;

    #[inline]
    fn deref(&self) -> &Device {
        &self.0
    }
}

impl<T: Driver> DriverDevice<T> {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is valid for `'a` and was set up by [`Adapter::setup`] of `T`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Self {
        // SAFETY: Transparent over `Device`; per the safety requirements.
        unsafe { &*ptr.cast() }
    }

    /// Returns `dev` as a device of `T`, if it is one.
    ///
    /// A device is one of `T`'s if its `ndo_start_xmit` is `T`'s adapter and its private area
    /// carries `T`'s tag: the adapters of drivers whose code is the same may share one address.
    #[inline]
    pub fn from_device(dev: &Device) -> Option<&Self> {
        // SAFETY: The device is valid; its ops table is static and never changes.
        let xmit = unsafe { (*(*dev.as_raw()).netdev_ops).ndo_start_xmit }?;
        let ours: unsafe extern "C" fn(
            *mut bindings::sk_buff,
            *mut bindings::net_device,
        ) -> bindings::netdev_tx_t = Adapter::<T>::start_xmit;
        if !core::ptr::fn_addr_eq(xmit, ours) {
            return None;
        }
        // SAFETY: Only devices set up by the `Adapter::setup` of a Rust driver have an adapter's
        // transmit function, and that setup wrote the driver's tag first in the private area
        // (`Private` is `repr(C)`), which is never written again.
        let driver = unsafe { netdev_priv(dev.as_raw()).cast::<TypeId>().read() };
        // SAFETY: A device set up by `Adapter::<T>::setup`, valid as long as `dev`.
        (driver == TypeId::of::<T>()).then(|| unsafe { Self::from_raw(dev.as_raw()) })
    }

    /// Returns the driver's private data (pinned: it never moves).
    #[inline]
    pub fn data(&self) -> &T::Data {
        self.pinned_data().get_ref()
    }

    /// Returns the driver's private data as a pinned reference.
    #[inline]
    pub fn pinned_data(&self) -> Pin<&T::Data> {
        let ptr = priv_data::<T>(self.as_raw());
        // SAFETY: By the type invariant the area holds an initialised, pinned `T::Data` that
        // lives as long as the device.
        unsafe { Pin::new_unchecked(&*ptr) }
    }

    /// Whether the device may be unregistered now: registered, not queued for unregistration
    /// yet, and not moving to another namespace (`__dev_change_net_namespace()` sends
    /// `NETDEV_UNREGISTER` for a device it lists again afterwards).
    #[inline]
    fn may_unregister(&self, rtnl: &Rtnl) -> bool {
        // SAFETY: The device is valid; `moving_ns` is written by `__dev_change_net_namespace()`,
        // which runs under RTNL, held here, so a plain read does not race.
        let moving = unsafe { (*self.as_raw()).moving_ns };
        self.is_registered() && !moving && !self.is_unregister_queued(rtnl)
    }

    /// Queues the device for unregistration on `list` (`unregister_netdevice_queue`).
    ///
    /// Does nothing if the device may not be unregistered now: not registered, already queued
    /// (possibly on another list) or moving between namespaces. Only the driver of a device
    /// unregisters it, so this is not a [`Device`] method.
    #[inline]
    pub fn unregister_queue(&self, list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
        if !self.may_unregister(rtnl) {
            return;
        }
        // SAFETY: The device is registered and not on any unregistration list; `list` is a
        // valid list head; RTNL is held.
        unsafe { bindings::unregister_netdevice_queue(self.as_raw(), list.as_raw()) };
    }

    /// Unregisters the device now (`unregister_netdevice`); does nothing if it may not be
    /// unregistered now, see [`DriverDevice::unregister_queue`].
    ///
    /// Only for [`Registered::unregister`]: elsewhere the core may be walking a device list
    /// that unlisting a device breaks (`dellink` runs inside `for_each_netdev_reverse()`).
    #[inline]
    pub(crate) fn unregister_now(&self, rtnl: &Rtnl) {
        if !self.may_unregister(rtnl) {
            return;
        }
        // SAFETY: The device is registered and not queued; RTNL is held.
        unsafe { bindings::unregister_netdevice_queue(self.as_raw(), core::ptr::null_mut()) };
    }

    /// Sets the Ethernet address from a `ndo_set_mac_address` request (`eth_mac_addr`).
    #[inline]
    pub fn set_ether_addr(&self, addr: &SockAddr, _rtnl: &Rtnl) -> Result {
        // SAFETY: The device and the address are valid; RTNL is held.
        to_result(unsafe { bindings::eth_mac_addr(self.as_raw(), addr.0.get().cast()) })
    }

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
        // SAFETY: The device is valid.
        let dropped = unsafe { bindings::dev_stats_read_tx_dropped(self.as_raw()) };
        stats.set_tx_dropped(dropped as u64);
    }

    /// Counts a transmit drop in the core statistics (`dev_core_stats_tx_dropped_inc`).
    #[inline]
    pub fn tx_dropped_inc(&self) {
        // SAFETY: The device is valid.
        unsafe { bindings::dev_core_stats_tx_dropped_inc(self.as_raw()) };
    }
}

/// A device of driver `T` that is not registered: being set up in [`crate::net::rtnl::Link::newlink`]
/// or [`Driver::init`], or a [`NewDevice`] such as the peer of a pair.
///
/// It is not a [`Device`]: `free_netdev()` frees an unregistered device at once, whatever its
/// reference count, so it cannot be reference counted, and nothing that needs a registered
/// device (statistics, locks, unregistration) is reachable from it. Registering it is what
/// turns it into a [`DriverDevice`] (see [`NewDevice::register`] and
/// [`crate::net::rtnl::NewLink::register`]).
///
/// # Invariants
///
/// `self` is a valid device set up by [`Adapter::setup`] of `T` that has not been registered.
/// Only the holder of the reference changes it; other threads can at most reach it through
/// sysfs once `register_netdevice()` added its kobject, and then only the callbacks that
/// [`Adapter`] does not pass on before registration.
#[repr(transparent)]
pub struct Unregistered<T: Driver>(Opaque<bindings::net_device>, PhantomData<T>);

impl<T: Driver> Unregistered<T> {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is a device set up by [`Adapter::setup`] of `T`, not registered, used only through
    /// the result for `'a`.
    #[inline]
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a mut Self {
        // SAFETY: Transparent over `net_device`; per the safety requirements.
        unsafe { &mut *ptr.cast() }
    }

    #[inline]
    pub(crate) fn as_raw(&self) -> *mut bindings::net_device {
        core::ptr::from_ref(self).cast_mut().cast()
    }

    /// Returns the driver's private data, initialised by [`Adapter::setup`].
    #[inline]
    pub fn data(&self) -> &T::Data {
        let ptr = priv_data::<T>(self.as_raw());
        // SAFETY: `setup` initialised a `T::Data` there that lives as long as the device.
        unsafe { &*ptr }
    }

    /// Returns the interface index requested for the device (0: the core picks one).
    #[inline]
    pub fn ifindex(&self) -> i32 {
        // SAFETY: The device is valid and only ours by the type invariant.
        unsafe { (*self.as_raw()).ifindex }
    }

    /// Sets the interface index requested for the device.
    #[inline]
    pub fn set_ifindex(&mut self, ifindex: i32) {
        // SAFETY: As above.
        unsafe { (*self.as_raw()).ifindex = ifindex };
    }

    /// Sets the device name (a pattern such as `"nk%d"` is resolved at registration).
    #[inline]
    pub fn set_name(&mut self, name: &IfName) {
        // SAFETY: As above; nothing reads the name of an unregistered device concurrently.
        unsafe { (*self.as_raw()).name = name.0.map(|c| c as c_char) };
    }

    /// Sets the headroom the device needs in front of packets.
    #[inline]
    pub fn set_needed_headroom(&mut self, headroom: u16) {
        // SAFETY: As above.
        unsafe { (*self.as_raw()).needed_headroom = headroom };
    }

    /// Sets the tailroom the device needs behind packets.
    #[inline]
    pub fn set_needed_tailroom(&mut self, tailroom: u16) {
        // SAFETY: As above.
        unsafe { (*self.as_raw()).needed_tailroom = tailroom };
    }

    /// Gives the device a random locally administered Ethernet address (`eth_hw_addr_random`).
    #[inline]
    pub fn random_ether_addr(&mut self) {
        // SAFETY: As above.
        unsafe { bindings::eth_hw_addr_random(self.as_raw()) };
    }

    /// Copies the TSO limits of `from` (`netif_inherit_tso_max`).
    #[inline]
    pub fn inherit_tso_max<U: Driver>(&mut self, from: &Unregistered<U>) {
        // SAFETY: Both devices are valid; `self` is only ours and `from` is only read.
        unsafe { bindings::netif_inherit_tso_max(self.as_raw(), from.as_raw()) };
    }

    /// Sets the XDP features (`xdp_set_features_flag`), see [`crate::net::xdp::features`].
    ///
    /// Only before registration: the function takes the instance lock, which no one else can
    /// hold on an unregistered device.
    #[inline]
    pub fn set_xdp_features(&mut self, features: XdpFeatures) {
        // SAFETY: The device is valid; its instance lock is free (the device is only ours).
        unsafe { bindings::xdp_set_features_flag(self.as_raw(), features) };
    }
}

/// A device allocated for a driver but not registered (e.g. the peer of a pair), freed with
/// `free_netdev()` unless it gets registered.
///
/// It lives only in the RTNL section `'a` of the `newlink` (or `init`) that allocated it, so it
/// is registered there or not at all: not later, from a callback that runs inside a walk of the
/// device list, or into a namespace that is going away.
///
/// # Invariants
///
/// `ptr` is a valid, unregistered device set up by [`Adapter::setup`] of `T` that this object
/// owns, allocated in a `newlink` or `init` whose RTNL section is `'a`.
pub struct NewDevice<'a, T: Driver> {
    ptr: NonNull<bindings::net_device>,
    _t: PhantomData<(T, &'a Rtnl)>,
}

impl<'a, T: Driver> NewDevice<'a, T> {
    /// Takes ownership of an allocated device.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid, unregistered device set up by [`Adapter::setup`] of `T`, owned by the
    /// caller, who gives up that ownership; it was allocated in a `newlink` or `init` whose
    /// RTNL section is `'a`.
    #[inline]
    pub unsafe fn from_raw(ptr: NonNull<bindings::net_device>, _rtnl: &'a Rtnl) -> Self {
        // INVARIANT: Per the safety requirements.
        Self {
            ptr,
            _t: PhantomData,
        }
    }

    /// Registers the device (`register_netdevice`); on success the core owns it, on failure it
    /// is freed.
    ///
    /// The result lives as long as the RTNL proof: a registered device is unregistered only
    /// under RTNL and freed only by `netdev_run_todo()` after RTNL is released.
    #[inline]
    pub fn register(self, _rtnl: &'a Rtnl) -> Result<Registered<'a, T>> {
        let ptr = self.ptr.as_ptr();
        // SAFETY: The device is valid, owned and has never been registered; RTNL is held.
        // On failure `self` is dropped, freeing the device as `register_netdevice` expects.
        to_result(unsafe { bindings::register_netdevice(ptr) })?;
        core::mem::forget(self);
        // SAFETY: The device was just registered and is set up by `T`, see above for the
        // lifetime; by the type invariant this is the `newlink` or `init` that allocated it.
        Ok(unsafe { Registered::new(DriverDevice::from_raw(ptr)) })
    }
}

impl<T: Driver> Deref for NewDevice<'_, T> {
    type Target = Unregistered<T>;

    #[inline]
    fn deref(&self) -> &Unregistered<T> {
        // SAFETY: Owned, unregistered and set up by `T` by the type invariant.
        unsafe { Unregistered::from_raw(self.ptr.as_ptr()) }
    }
}

impl<T: Driver> DerefMut for NewDevice<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Unregistered<T> {
        // SAFETY: As above; `&mut self` is exclusive.
        unsafe { Unregistered::from_raw(self.ptr.as_ptr()) }
    }
}

impl<T: Driver> Drop for NewDevice<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: The device is owned and `register` did not succeed (it forgets `self` when it
        // does): a failed `register_netdevice` leaves the device to the caller to free, and
        // `free_netdev()` defers the free of one whose `NETDEV_REGISTER` failed, which is
        // being unregistered.
        unsafe { bindings::free_netdev(self.ptr.as_ptr()) };
    }
}

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

/// The driver of a network device.
///
/// Each callback documents the locks the core holds when calling it.
#[vtable]
pub trait Driver: Sized + Send + Sync + 'static {
    /// The private data in `netdev_priv()`.
    ///
    /// The core frees the private area without running Rust code on some error paths, so the
    /// data must not need dropping; release resources in [`Driver::uninit`].
    type Data: Send + Sync;

    /// Sets up a newly allocated device, before anyone else can see it (`setup`; no locks).
    fn setup(dev: &mut Setup<'_>);

    /// Initialises the private data of a newly allocated device.
    fn init_data() -> impl PinInit<Self::Data>;

    /// Called at registration, before the device is registered (`ndo_init`; RTNL).
    fn init(_dev: &Unregistered<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Undoes [`Driver::init`] when registration fails after it (`ndo_uninit` of a device that
    /// never got registered; RTNL).
    fn abort_init(_dev: &Unregistered<Self>, _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Called at unregistration (`ndo_uninit`; RTNL).
    fn uninit(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The device is brought up (`ndo_open`; RTNL).
    fn open(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The device is brought down (`ndo_stop`; RTNL).
    fn stop(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Transmits a packet (`ndo_start_xmit`; RCU-bh, bottom halves disabled, no lock for an
    /// `lltx` device).
    fn start_xmit(dev: &DriverDevice<Self>, skb: SkBuff, ctx: &TxContext) -> TxStatus;

    /// Returns the ifindex of the device this one is linked to, or 0 (`ndo_get_iflink`;
    /// RCU or RTNL). Not called before the device is registered (sysfs can ask then): the core
    /// gets 0.
    fn get_iflink(_dev: &DriverDevice<Self>) -> i32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Returns the peer device, e.g. for `bpf_redirect_peer()` (`ndo_get_peer_dev`; RCU).
    ///
    /// A device of this driver: `skb_do_redirect()` counts the packet in the peer's per-CPU
    /// `tstats`, which only this driver's devices are known to have.
    fn get_peer_dev<'a>(
        _dev: &'a DriverDevice<Self>,
        _guard: &'a rcu::Guard,
    ) -> Option<&'a DriverDevice<Self>> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Reports statistics (`ndo_get_stats64`; no lock, may run concurrently with anything).
    /// Not called before the device is registered (sysfs can ask then): the core reports zeros.
    fn get_stats64(_dev: &DriverDevice<Self>, _stats: &mut Stats64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Sets the headroom requested by an upper device; negative means the default
    /// (`ndo_set_rx_headroom`; RTNL or the upper device's lock).
    fn set_rx_headroom(_dev: &DriverDevice<Self>, _headroom: i32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Sets the hardware address (`ndo_set_mac_address`; RTNL and the instance lock).
    fn set_mac_address(_dev: &DriverDevice<Self>, _addr: &SockAddr, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Applies the unicast and multicast filters (`ndo_set_rx_mode_async`; process context,
    /// the address lists are not exposed yet).
    fn set_rx_mode(_dev: &DriverDevice<Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Restricts the features used for one packet (`ndo_features_check`; transmit path).
    fn features_check(
        _dev: &DriverDevice<Self>,
        _features: features::Features,
    ) -> features::Features {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Reports driver information to ethtool (`ethtool_ops::get_drvinfo`; RTNL).
    fn get_drvinfo(_dev: &DriverDevice<Self>, _info: &mut ethtool::DrvInfo) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Handles an XDP or AF_XDP request (`ndo_bpf`; RTNL and the ops lock, see
    /// [`crate::net::queue::OpsLocked`]).
    fn bpf(_dev: &DriverDevice<Self>, _req: &NetdevBpf, _ops: &Ops<'_>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Wakes up AF_XDP processing of a queue (`ndo_xsk_wakeup`; process or softirq context,
    /// run in an RCU read-side section; the caller keeps an AF_XDP socket bound to the queue).
    fn xsk_wakeup(
        _dev: &DriverDevice<Self>,
        _queue_id: u32,
        _flags: u32,
        _guard: &rcu::Guard,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The queue management ops of the driver's devices (`netdev_queue_mgmt_ops`), e.g.
    /// `Some(&QueueMgmtOps::new())`; see [`crate::net::queue::QueueMgmt`]. The table is typed
    /// by its driver: its callbacks read the private area as `Self::Data`.
    const QUEUE_MGMT_OPS: Option<&'static QueueMgmtOps<Self>> = None;
}

/// The C callbacks of a [`Driver`].
pub struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    const OPS: bindings::net_device_ops = bindings::net_device_ops {
        // Always: it sets the lockdep classes.
        ndo_init: Some(Self::init),
        // Always: it unpairs the device (the invariant of `Private::peer`).
        ndo_uninit: Some(Self::uninit),
        ndo_open: if T::HAS_OPEN { Some(Self::open) } else { None },
        ndo_stop: if T::HAS_STOP { Some(Self::stop) } else { None },
        ndo_start_xmit: Some(Self::start_xmit),
        ndo_get_iflink: if T::HAS_GET_IFLINK {
            Some(Self::get_iflink)
        } else {
            None
        },
        ndo_get_peer_dev: if T::HAS_GET_PEER_DEV {
            Some(Self::get_peer_dev)
        } else {
            None
        },
        ndo_get_stats64: if T::HAS_GET_STATS64 {
            Some(Self::get_stats64)
        } else {
            None
        },
        ndo_set_rx_headroom: if T::HAS_SET_RX_HEADROOM {
            Some(Self::set_rx_headroom)
        } else {
            None
        },
        ndo_set_mac_address: if T::HAS_SET_MAC_ADDRESS {
            Some(Self::set_mac_address)
        } else {
            None
        },
        ndo_set_rx_mode_async: if T::HAS_SET_RX_MODE {
            Some(Self::set_rx_mode)
        } else {
            None
        },
        ndo_features_check: if T::HAS_FEATURES_CHECK {
            Some(Self::features_check)
        } else {
            None
        },
        ndo_bpf: if T::HAS_BPF { Some(Self::bpf) } else { None },
        ndo_xsk_wakeup: if T::HAS_XSK_WAKEUP {
            Some(Self::xsk_wakeup)
        } else {
            None
        },
        ..pin_init::zeroed()
    };

    const ETHTOOL_OPS: bindings::ethtool_ops = bindings::ethtool_ops {
        get_drvinfo: if T::HAS_GET_DRVINFO {
            Some(Self::get_drvinfo)
        } else {
            None
        },
        ..pin_init::zeroed()
    };

    /// The `setup` function for devices of `T` (`rtnl_link_ops::setup`).
    ///
    /// # Safety
    ///
    /// `dev` is a newly allocated device, not yet visible to anyone else, whose private area is
    /// `priv_size::<T>()` bytes (aligned to `NETDEV_ALIGN`).
    pub unsafe extern "C" fn setup(dev: *mut bindings::net_device) {
        const {
            assert!(!core::mem::needs_drop::<T::Data>());
            assert!(core::mem::align_of::<Private<T>>() <= bindings::NETDEV_ALIGN as usize);
        }
        // INVARIANT: The device is new and only seen by this thread.
        let mut setup = Setup {
            dev,
            _p: PhantomData,
        };
        T::setup(&mut setup);
        // SAFETY: The device is valid and only ours.
        unsafe {
            // The transmit path owns its skbs, and runs with bottom halves off as `TxContext`
            // says, which netpoll (hard interrupts off, bottom halves on) would break; see
            // `priv_flags`.
            update_priv_flags(
                dev,
                bindings::netdev_priv_flags_IFF_DISABLE_NETPOLL,
                bindings::netdev_priv_flags_IFF_TX_SKB_SHARING,
            );
            (*dev).netdev_ops = &Self::OPS;
            (*dev).ethtool_ops = &Self::ETHTOOL_OPS;
            (*dev).queue_mgmt_ops = T::QUEUE_MGMT_OPS.map_or(core::ptr::null(), |o| o.as_raw());
            (*dev).needs_free_netdev = true;
            bindings::netdev_set_tstats(dev);
        }
        // The private area fits and is aligned for `Private<T>` per the safety requirements, and
        // is never moved.
        let private = private_of::<T>(dev);
        // SAFETY: `private` is valid for writes.
        // INVARIANT: The device has no peer.
        unsafe {
            (&raw mut (*private).driver).write(TypeId::of::<T>());
            (&raw mut (*private).peer).write(Atomic::new(core::ptr::null_mut()));
        }
        // SAFETY: The data field is valid for writes and pinned; the initialiser is infallible.
        // INVARIANT: From here on the private area holds `T`'s tag and an initialised `T::Data`.
        unsafe { pin_init::raw_init(priv_data::<T>(dev), T::init_data()) };
    }

    /// # Safety
    ///
    /// `dev` is a device set up by [`Adapter::setup`] and valid for `'a`.
    #[inline]
    unsafe fn dev<'a>(dev: *mut bindings::net_device) -> &'a DriverDevice<T> {
        // SAFETY: Per the safety requirements.
        unsafe { DriverDevice::from_raw(dev) }
    }

    /// The device, if it is registered or being unregistered, for the callbacks that sysfs
    /// reaches without RTNL while `register_netdevice()` has not yet made the device
    /// `NETREG_REGISTERED` (`iflink_show()`, `netstat_show()` check only `dev_isalive()`).
    ///
    /// # Safety
    ///
    /// `dev` is a device set up by [`Adapter::setup`] of `T`, valid for `'a`.
    #[inline]
    unsafe fn registered<'a>(dev: *const bindings::net_device) -> Option<&'a DriverDevice<T>> {
        // SAFETY: The device is valid.
        is_live_state(unsafe { reg_state(dev) })
            // SAFETY: Registered, and a device of `T` valid for `'a`.
            .then(|| unsafe { Self::dev(dev.cast_mut()) })
    }

    /// Called by the core as `net_device_ops::ndo_init`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_init` for a device of this
    /// driver.
    unsafe extern "C" fn init(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_init` runs under RTNL for a device of this driver that
        // `register_netdevice()` is registering, not yet visible to anyone else.
        let (dev, rtnl) = unsafe { (Unregistered::<T>::from_raw(dev), Rtnl::assume_held()) };
        // SAFETY: The device is new and valid.
        unsafe { bindings::netdev_lockdep_set_classes(dev.as_raw()) };
        if !T::HAS_INIT {
            return 0;
        }
        from_result(|| T::init(dev, &rtnl).map(|()| 0))
    }

    /// Called by the core as `net_device_ops::ndo_uninit`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_uninit` for a device of this
    /// driver.
    unsafe extern "C" fn uninit(dev: *mut bindings::net_device) {
        // SAFETY: `ndo_uninit` runs under RTNL for a device of this driver.
        let rtnl = unsafe { Rtnl::assume_held() };
        // SAFETY: The device is valid during the call.
        let state = unsafe { reg_state(dev) };
        // `unregister_netdevice_many_notify()` calls `ndo_uninit` in `NETREG_UNREGISTERING`;
        // `register_netdevice()` calls it on failure in `NETREG_UNINITIALIZED` (or
        // `NETREG_UNREGISTERED` if the kobject failed) and then the device is freed at once.
        if state == bindings::netdev_reg_state_NETREG_UNREGISTERING {
            // SAFETY: The device was registered.
            let dev = unsafe { Self::dev(dev) };
            // The invariant of `Private::peer`: no pointer to a device survives its
            // `ndo_uninit`.
            dev.unpair(&rtnl);
            if T::HAS_UNINIT {
                T::uninit(dev, &rtnl);
            }
        } else if T::HAS_ABORT_INIT {
            // SAFETY: The device never got registered; only the registering thread changes it.
            T::abort_init(unsafe { Unregistered::<T>::from_raw(dev) }, &rtnl);
        }
    }

    /// Called by the core as `net_device_ops::ndo_open`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_open` for a device of this
    /// driver.
    unsafe extern "C" fn open(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_open` runs under RTNL for a device of this driver.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        from_result(|| T::open(dev, &rtnl).map(|()| 0))
    }

    /// Called by the core as `net_device_ops::ndo_stop`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_stop` for a device of this
    /// driver.
    unsafe extern "C" fn stop(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_stop` runs under RTNL for a device of this driver.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        from_result(|| T::stop(dev, &rtnl).map(|()| 0))
    }

    /// Called by the core as `net_device_ops::ndo_start_xmit`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_start_xmit` for a device of this
    /// driver.
    unsafe extern "C" fn start_xmit(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The core passes a device of this driver and an skb the callee now owns, with
        // bottom halves disabled.
        let (dev, skb, ctx) = unsafe {
            (
                Self::dev(dev),
                SkBuff::from_raw(NonNull::new_unchecked(skb)),
                TxContext::assume(),
            )
        };
        T::start_xmit(dev, skb, &ctx) as bindings::netdev_tx_t
    }

    /// Called by the core as `net_device_ops::ndo_get_iflink`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_get_iflink` for a device of this
    /// driver.
    unsafe extern "C" fn get_iflink(dev: *const bindings::net_device) -> c_int {
        // SAFETY: A device of this driver, valid during the call.
        unsafe { Self::registered(dev) }.map_or(0, T::get_iflink)
    }

    /// Called by the core as `net_device_ops::ndo_get_peer_dev`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_get_peer_dev` for a device of this
    /// driver.
    unsafe extern "C" fn get_peer_dev(dev: *mut bindings::net_device) -> *mut bindings::net_device {
        // SAFETY: A device of this driver, valid during the call.
        let dev = unsafe { Self::dev(dev) };
        // The caller is in an RCU read-side section that outlives this nested one, so the
        // result stays valid for it.
        let guard = rcu::read_lock();
        T::get_peer_dev(dev, &guard).map_or(core::ptr::null_mut(), |p| p.as_raw())
    }

    /// Called by the core as `net_device_ops::ndo_get_stats64`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_get_stats64` for a device of this
    /// driver.
    unsafe extern "C" fn get_stats64(
        dev: *mut bindings::net_device,
        stats: *mut bindings::rtnl_link_stats64,
    ) {
        // SAFETY: A device of this driver and a statistics buffer only this call writes.
        let (dev, stats) = unsafe { (Self::registered(dev), &mut *stats.cast::<Stats64>()) };
        if let Some(dev) = dev {
            T::get_stats64(dev, stats);
        }
    }

    /// Called by the core as `net_device_ops::ndo_set_rx_headroom`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_set_rx_headroom` for a device of this
    /// driver.
    unsafe extern "C" fn set_rx_headroom(dev: *mut bindings::net_device, headroom: c_int) {
        // SAFETY: A device of this driver, valid during the call.
        T::set_rx_headroom(unsafe { Self::dev(dev) }, headroom);
    }

    /// Called by the core as `net_device_ops::ndo_set_mac_address`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_set_mac_address` for a device of this
    /// driver.
    unsafe extern "C" fn set_mac_address(dev: *mut bindings::net_device, sa: *mut c_void) -> c_int {
        // SAFETY: `ndo_set_mac_address` runs under RTNL with a valid address for a device of
        // this driver.
        let (dev, sa, rtnl) =
            unsafe { (Self::dev(dev), SockAddr::from_raw(sa), Rtnl::assume_held()) };
        from_result(|| T::set_mac_address(dev, sa, &rtnl).map(|()| 0))
    }

    /// Called by the core as `net_device_ops::ndo_set_rx_mode_async`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_set_rx_mode_async` for a device of this
    /// driver.
    unsafe extern "C" fn set_rx_mode(
        dev: *mut bindings::net_device,
        _uc: *mut bindings::netdev_hw_addr_list,
        _mc: *mut bindings::netdev_hw_addr_list,
    ) -> c_int {
        // SAFETY: A device of this driver, valid during the call.
        from_result(|| T::set_rx_mode(unsafe { Self::dev(dev) }).map(|()| 0))
    }

    /// Called by the core as `net_device_ops::ndo_features_check`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_features_check` for a device of this
    /// driver.
    unsafe extern "C" fn features_check(
        _skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
        features: bindings::netdev_features_t,
    ) -> bindings::netdev_features_t {
        // SAFETY: A device of this driver, valid during the call.
        T::features_check(unsafe { Self::dev(dev) }, features)
    }

    /// Called by the core as `net_device_ops::ndo_bpf`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_bpf` for a device of this
    /// driver.
    unsafe extern "C" fn bpf(
        dev: *mut bindings::net_device,
        req: *mut bindings::netdev_bpf,
    ) -> c_int {
        // SAFETY: A device of this driver and a request, valid during the call.
        let (dev, req) = unsafe { (Self::dev(dev), NetdevBpf::from_raw(req)) };
        // SAFETY: The core calls `ndo_bpf` with RTNL and the ops lock held: `dev_xdp_install()`
        // and `xp_assign_dev()` assert the ops lock, their callers (`dev_xdp_attach()`, the XDP
        // link ops, `dev_xdp_uninstall()`, `xsk_bind()`, `xp_release_deferred()`) take RTNL, and
        // `xp_disable_drv_zc()`, `bpf_map_offload_ndo()` assert it.
        let (ops, rtnl) = unsafe { (Ops::assume_locked(dev), Rtnl::assume_held()) };
        from_result(|| T::bpf(dev, req, &ops, &rtnl).map(|()| 0))
    }

    /// Called by the core as `net_device_ops::ndo_xsk_wakeup`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_xsk_wakeup` for a device
    /// of this driver.
    unsafe extern "C" fn xsk_wakeup(
        dev: *mut bindings::net_device,
        queue_id: u32,
        flags: u32,
    ) -> c_int {
        // SAFETY: A device of this driver, valid during the call.
        let dev = unsafe { Self::dev(dev) };
        let guard = rcu::read_lock();
        from_result(|| T::xsk_wakeup(dev, queue_id, flags, &guard).map(|()| 0))
    }

    /// Called by the core as `ethtool_ops::get_drvinfo`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `ethtool_ops::get_drvinfo` for a device of this
    /// driver.
    unsafe extern "C" fn get_drvinfo(
        dev: *mut bindings::net_device,
        info: *mut bindings::ethtool_drvinfo,
    ) {
        // SAFETY: A device of this driver and a buffer only this call writes.
        let (dev, info) = unsafe { (Self::dev(dev), ethtool::DrvInfo::from_raw(info)) };
        T::get_drvinfo(dev, info);
    }
}

/// A reference-counted device.
pub type DeviceRef = ARef<Device>;
