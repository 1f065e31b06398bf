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
    error::to_result,
    net::rtnl::Rtnl,
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
    },
    types::Opaque, //
};
use core::{
    any::TypeId,
    marker::PhantomData,
    ops::Deref,
    ptr::NonNull, //
};

mod driver;
mod ether;
mod features;
mod flags;
mod lock_classes;
mod peer;
mod priv_flags;
mod setup;
mod stats;

pub use driver::{
    Adapter,
    Driver,
    TxStatus, //
};
pub use ether::{
    is_valid_ether_addr,
    SockAddr,
    ETH_ALEN,
    ETH_HLEN,
    ETH_MAX_MTU, //
};
pub use features::{
    Feature,
    Features, //
};
pub use flags::{
    Flag,
    Flags,
    SetupFlag,
    SetupFlags, //
};
pub use lock_classes::LockClasses;
pub use peer::RcuReader;
pub use priv_flags::{
    PrivFlag,
    PrivFlags, //
};
pub use setup::{
    NewDevice,
    Setup,
    Unregistered, //
};
pub use stats::Stats64;

/// Largest GSO packet (`GSO_MAX_SIZE`).
pub const GSO_MAX_SIZE: u32 = bindings::GSO_MAX_SIZE;
/// Returns the default headroom (`NET_SKB_PAD`).
pub fn net_skb_pad() -> u32 {
    // SAFETY: No requirements.
    unsafe { bindings::NET_SKB_PAD() }
}
/// Size of a device name buffer (`IFNAMSIZ`).
pub const IFNAMSIZ: usize = bindings::IFNAMSIZ as usize;

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
        // SAFETY: The device is valid; `ifindex` is set under RTNL (a plain store in C), so a
        // reader without RTNL races with it as C's `READ_ONCE()` readers do; an atomic load
        // makes that no data race on this side.
        unsafe { atomic_load(&raw mut (*self.as_raw()).ifindex, Relaxed) }
    }

    /// Returns the device name.
    #[inline]
    pub fn name<'a>(&'a self, _rtnl: &'a Rtnl) -> &'a CStr {
        // SAFETY: The name is NUL-terminated and changes only under RTNL, which is held for 'a.
        unsafe { CStr::from_char_ptr((*self.as_raw()).name.as_ptr()) }
    }

    /// Returns the `IFF_*` flags.
    #[inline]
    pub fn flags(&self) -> Flags {
        // SAFETY: The device is valid; the flags change under RTNL (plain stores in C), so, as
        // for `ifindex`, an unlocked reader races as C's `READ_ONCE()` readers do.
        Flags::from_raw(unsafe { atomic_load(&raw mut (*self.as_raw()).flags, Relaxed) })
    }

    /// Returns whether the device is administratively up (`IFF_UP`).
    #[inline]
    pub fn is_up(&self) -> bool {
        self.flags().contains(Flag::Up)
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

    /// Whether the device has a parent device (`dev->dev.parent`): physical devices have one,
    /// virtual devices do not.
    #[inline]
    pub fn has_parent(&self) -> bool {
        // SAFETY: The device is valid; the parent is set before registration.
        !unsafe { (*self.as_raw()).dev.parent }.is_null()
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
    // The setters below are on the driver's own devices only: the headroom and tailroom size
    // the packets other drivers build for a device (a DSA port's tagger pushes its tag into the
    // headroom `dev->needed_headroom` asked for), and the carrier is the driver's to report.

    /// Sets the headroom the device needs in front of packets.
    #[inline]
    pub fn set_needed_headroom(&self, headroom: u16) {
        // SAFETY: The device is valid; an `i16` has the layout of the `unsigned short` field.
        // An atomic store: the field is a hint that readers take without locks (`READ_ONCE()`
        // in `LL_RESERVED_SPACE()`), and `ndo_set_rx_headroom` runs under the upper device's
        // lock, which need not be RTNL, so writers may race; the last one wins, as in C.
        unsafe {
            atomic_store(
                (&raw mut (*self.as_raw()).needed_headroom).cast::<i16>(),
                headroom as i16,
                Relaxed,
            )
        };
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

    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is valid for `'a`, was set up by [`Adapter::setup`] of `T` and its `reg_state` has
    /// reached `NETREG_REGISTERED` (the invariant of [`Device`]).
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
        // SAFETY: The device is valid, and so is its `netdev_ops` table while it exists: its
        // driver's, in that driver's module, which cannot unload while the device exists.
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

    /// Counts a transmit drop in the core statistics (`dev_core_stats_tx_dropped_inc`).
    #[inline]
    pub fn tx_dropped_inc(&self) {
        // SAFETY: The device is valid.
        unsafe { bindings::dev_core_stats_tx_dropped_inc(self.as_raw()) };
    }
}

/// A reference-counted device.
pub type DeviceRef = ARef<Device>;
