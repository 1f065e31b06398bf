// SPDX-License-Identifier: GPL-2.0

//! Receive queues, the netdev instance lock and queue management.
//!
//! A virtual device can lease receive queues of a physical device (`netdev` netlink
//! `queue-create`): the virtual device's new queue and the physical queue then point at each
//! other (`netdev_rx_queue::lease`). A lease is "ops protected": it changes only with the
//! instance locks of both devices held, taken virtual device first.
//!
//! C headers: [`include/net/netdev_rx_queue.h`](srctree/include/net/netdev_rx_queue.h),
//! [`include/net/netdev_queues.h`](srctree/include/net/netdev_queues.h),
//! [`include/net/netdev_lock.h`](srctree/include/net/netdev_lock.h)

use crate::{
    bindings,
    error::to_result,
    net::{
        dev::{
            Device,
            Driver,
            DriverDevice, //
        },
        nla::ExtAck,
        rtnl::Rtnl,
    },
    prelude::*,
    sync::{
        aref::ARef,
        atomic::{
            atomic_load,
            Relaxed, //
        },
        rcu,
    },
    types::{
        NotThreadSafe,
        Opaque, //
    },
};
use core::{
    marker::PhantomData,
    ops::Deref, //
};

/// A receive queue of a device (`struct netdev_rx_queue`).
///
/// # Invariants
///
/// `self` is a valid receive queue in the `_rx` array of its device, `rxq->dev`.
#[repr(transparent)]
pub struct RxQueue(Opaque<bindings::netdev_rx_queue>);

impl RxQueue {
    /// # Safety
    ///
    /// `ptr` is a valid receive queue that stays valid for `'a`.
    #[inline]
    unsafe fn from_raw<'a>(ptr: *mut bindings::netdev_rx_queue) -> &'a Self {
        // SAFETY: Transparent wrapper; per the safety requirements.
        unsafe { &*ptr.cast() }
    }

    #[inline]
    pub(crate) fn as_raw(&self) -> *mut bindings::netdev_rx_queue {
        self.0.get()
    }

    /// Returns the device the queue belongs to (set at allocation, never changed).
    #[inline]
    pub fn dev(&self) -> &Device {
        // SAFETY: The queue is valid and `dev` is its device, which outlives its queues.
        unsafe { Device::from_raw((*self.as_raw()).dev) }
    }

    /// Returns the index of the queue in its device (`get_netdev_rx_queue_index`).
    #[inline]
    pub fn index(&self) -> u32 {
        // SAFETY: By the type invariant the queue is an element of `dev->_rx`.
        let idx = unsafe { self.as_raw().offset_from((*self.dev().as_raw())._rx) };
        idx as u32
    }
}

/// The direction in which a lease is followed (`enum netif_lease_dir`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub enum LeaseDir {
    /// From a virtual device's queue to the physical queue it leases.
    VirtToPhys = bindings::netif_lease_dir_NETIF_VIRT_TO_PHYS,
    /// From a physical queue to the virtual device's queue it is leased to.
    PhysToVirt = bindings::netif_lease_dir_NETIF_PHYS_TO_VIRT,
}

/// A proof that the ops-protected state of a device (its queues' leases among others) may be
/// read: the device's instance lock is held if the device is "ops locked"
/// (`netdev_need_ops_lock`), RTNL otherwise.
///
/// Implemented by [`Instance`] (a lease changes only with the instance locks of both ends held)
/// and [`Ops`]; the guards deref to them.
pub trait OpsLocked: private::Sealed {
    /// The device whose ops lock is held.
    fn ops_dev(&self) -> &Device;

    /// Returns receive queue `idx` if the device uses that many (`real_num_rx_queues`).
    #[inline]
    fn rx_queue(&self, idx: u32) -> Option<&RxQueue> {
        let dev = self.ops_dev();
        if idx >= dev.real_num_rx_queues() {
            return None;
        }
        // SAFETY: `idx` is below `real_num_rx_queues`, itself at most the number of queues
        // allocated in `_rx`; queues live as long as their device.
        Some(unsafe { RxQueue::from_raw((*dev.as_raw())._rx.add(idx as usize)) })
    }

    /// Follows the lease of queue `idx` in direction `dir` (`__netif_get_rx_queue_lease`).
    ///
    /// Returns the queue at the other end of the lease, the queue itself if it is not leased,
    /// and `None` if `idx` is out of range or the lease is not in direction `dir`.
    ///
    /// The other end stays valid while the lock is held: a lease is removed only with the
    /// instance locks of both devices held, and while it exists the virtual device holds a
    /// reference on the physical one, whose queues the virtual device unleases when it goes
    /// away.
    #[inline]
    fn rx_queue_lease(&self, idx: u32, dir: LeaseDir) -> Option<&RxQueue> {
        self.rx_queue(idx)?;
        let mut dev = self.ops_dev().as_raw();
        let mut idx = idx;
        // SAFETY: `idx` is a queue of `dev`, whose ops lock is held as `self` proves.
        let rxq = unsafe { bindings::__netif_get_rx_queue_lease(&mut dev, &mut idx, dir as u32) };
        // SAFETY: A non-null result is a queue of `dev` or of the device at the other end of the
        // lease, valid while the ops lock is held (see above).
        (!rxq.is_null()).then(|| unsafe { RxQueue::from_raw(rxq) })
    }
}

mod private {
    pub trait Sealed {}
    impl<K: super::LockKind> Sealed for super::Locked<'_, K> {}
    impl Sealed for super::InstanceLock {}
    impl Sealed for super::OpsLock {}
}

/// A per-device lock, see [`Locked`].
pub trait LockKind: private::Sealed {
    /// Releases the lock.
    ///
    /// # Safety
    ///
    /// The current thread holds this lock of `dev`.
    #[doc(hidden)]
    unsafe fn unlock(dev: *mut bindings::net_device);
}

/// The instance lock of a device (`net_device::lock`, `netdev_lock`).
pub enum InstanceLock {}

impl LockKind for InstanceLock {
    unsafe fn unlock(dev: *mut bindings::net_device) {
        // SAFETY: Per the safety requirements.
        unsafe { bindings::netdev_unlock(dev) };
    }
}

/// The ops lock of a device (`netdev_lock_ops`): its instance lock if the device is ops locked
/// (`netdev_need_ops_lock`), RTNL otherwise.
pub enum OpsLock {}

impl LockKind for OpsLock {
    unsafe fn unlock(dev: *mut bindings::net_device) {
        // SAFETY: Per the safety requirements.
        unsafe { bindings::netdev_unlock_ops(dev) };
    }
}

/// Proof that lock `K` of a device is held.
///
/// # Invariants
///
/// Lock `K` of `dev` is held by the current thread for `'a`.
pub struct Locked<'a, K: LockKind> {
    dev: &'a Device,
    _k: PhantomData<K>,
    _p: NotThreadSafe,
}

/// Proof that the instance lock of a device is held.
pub type Instance<'a> = Locked<'a, InstanceLock>;
/// Proof that the ops lock of a device is held.
pub type Ops<'a> = Locked<'a, OpsLock>;

impl<'a, K: LockKind> Locked<'a, K> {
    /// Creates the proof.
    ///
    /// # Safety
    ///
    /// Lock `K` of `dev` is held by the current thread for `'a`.
    #[inline]
    pub unsafe fn assume_locked(dev: &'a Device) -> Self {
        // INVARIANT: Per the safety requirements.
        Self {
            dev,
            _k: PhantomData,
            _p: NotThreadSafe,
        }
    }

    /// The locked device.
    #[inline]
    pub fn dev(&self) -> &'a Device {
        self.dev
    }
}

impl<K: LockKind> OpsLocked for Locked<'_, K> {
    #[inline]
    fn ops_dev(&self) -> &Device {
        self.dev
    }
}

impl Instance<'_> {
    /// Takes the instance lock of the physical device queue `idx` of this (virtual) device
    /// leases, which the lock order allows: virtual device first.
    ///
    /// Returns `None` if queue `idx` does not exist or is not leased.
    pub(crate) fn lock_lessor(&self, idx: u32) -> Option<InstanceGuard<'_>> {
        let phys = self.rx_queue_lease(idx, LeaseDir::VirtToPhys)?;
        if core::ptr::eq(phys.dev(), self.dev) {
            return None;
        }
        // The physical device stays valid while the lease exists, which needs our lock to go.
        Some(phys.dev().lock())
    }

    /// The smallest number of channels the device needs for the memory providers bound to its
    /// queues (`dev_get_min_mp_channel_count`); 0 if none is bound.
    pub(crate) fn min_mp_channel_count(&self) -> u32 {
        // SAFETY: The device is valid and its instance lock is held.
        unsafe { bindings::dev_get_min_mp_channel_count(self.dev.as_raw()) }
    }
}

/// Ends every lease of the queues of `dev`, a virtual device in its `ndo_uninit`, as
/// `netkit_queue_unlease()` does.
///
/// Leases end only here, so a queue reached through a lease stays valid while the lock that
/// proves it is held ([`OpsLocked::rx_queue_lease`]) or, for `Device::rx_queue_lease_rcu()`,
/// for an RCU read-side section: `unregister_netdevice_many_notify()` waits for a grace period
/// after `ndo_uninit`, and the physical device cannot be freed before that, since its
/// unregistration takes its lessees down in its own batch first (see
/// [`crate::net::rtnl::Registration`]).
///
/// `netdev_rx_queue_unlease()` closes a memory provider bound through the lease. The AF_XDP
/// pools of bound sockets are gone: the `NETDEV_UNREGISTER` notifier of AF_XDP
/// (`xsk_notifier()`) clears them before `ndo_uninit`. Not the pool of a socket closed just
/// before, whose release (`xp_release_deferred()`) waits for RTNL on a workqueue: it stays
/// registered at the physical queue, as with `netkit.c` (a core issue, see
/// `Documentation/networking/netkit_rs.rst`).
pub(crate) fn unlease_all(dev: &Device) {
    let real = dev.real_num_rx_queues();
    // Queue 0 is never leased (`QueueMgmtAdapter::queue_create` refuses it).
    if real <= 1 {
        return;
    }
    let virt = dev.lock();
    for idx in 1..real {
        let Some(lessor) = virt.lock_lessor(idx) else {
            continue;
        };
        // `netdev_rx_queue_unlease()` drops the lease's reference on the physical device while
        // its lock is held: hold another one until the lock is released.
        let phys: ARef<Device> = lessor.dev().into();
        let (Some(virt_rxq), Some(phys_rxq)) = (
            virt.rx_queue(idx),
            virt.rx_queue_lease(idx, LeaseDir::VirtToPhys),
        ) else {
            continue;
        };
        // SAFETY: `virt_rxq` leases `phys_rxq`; the instance locks of both devices are held.
        unsafe { bindings::netdev_rx_queue_unlease(virt_rxq.as_raw(), phys_rxq.as_raw()) };
        drop(lessor);
        drop(phys);
    }
}

impl Ops<'_> {
    /// Sets the number of receive queues in use (`netif_set_real_num_rx_queues()`).
    ///
    /// # Safety
    ///
    /// No lease, memory provider or AF_XDP pool is on a queue at `count` or beyond: the queues in
    /// use are the ones the core walks to end them at unregistration.
    unsafe fn set_real_num_rx_queues(&self, count: u32) -> Result {
        // SAFETY: The device is valid and its ops lock is held: the instance lock of an
        // ops-locked device, RTNL otherwise, as `netdev_assert_locked_ops_compat()` wants.
        to_result(unsafe { bindings::netif_set_real_num_rx_queues(self.dev.as_raw(), count) })
    }
}

/// The receive queue that one [`QueueMgmt::queue_create`] may add, once, and return.
///
/// The core leases the queue at the index `ndo_queue_create` returns without checking it
/// (`__netif_get_rx_queue()`, then `netdev_rx_queue_lease()`): anything but the queue added in
/// that call (queue 0, a queue not in use, one leased already, an older one holding an AF_XDP
/// pool of the device) makes the core write out of bounds or orphan a lease or a pool. Only
/// [`QueueSlot::add`] makes the [`NewQueue`] that `queue_create` returns.
///
/// # Invariants
///
/// `ops` proves the ops lock of the device, held by the adapter during the `ndo_queue_create`
/// call that made the slot, in which no queue was added yet.
pub struct QueueSlot<'a> {
    ops: &'a Ops<'a>,
    _invariant: PhantomData<fn(&'a ()) -> &'a ()>,
}

impl<'a> QueueSlot<'a> {
    /// Adds a receive queue to those in use (`netif_set_real_num_rx_queues()` with one more).
    ///
    /// Fails with `EINVAL` beyond the number of allocated queues. The count only grows, except
    /// that the adapter takes the queue back if `queue_create` fails after adding it: the queues
    /// in use are leased or bound to memory providers and AF_XDP pools, which a smaller count
    /// would leave behind.
    pub fn add(self) -> Result<NewQueue<'a>> {
        let dev = self.ops.dev;
        // `netdev_get_by_index_lock()` gave the core a registered device, but a queue's kobject
        // cannot be made once it is being unregistered.
        if !dev.is_registered() {
            return Err(ENODEV);
        }
        let idx = dev.real_num_rx_queues();
        // SAFETY: The count grows.
        unsafe { self.ops.set_real_num_rx_queues(idx + 1) }?;
        // INVARIANT: `idx` is the queue just made real; `self` is consumed, so this is the only
        // `NewQueue` of this call.
        Ok(NewQueue {
            idx,
            _invariant: PhantomData,
        })
    }
}

/// The receive queue [`QueueSlot::add`] added, which [`QueueMgmt::queue_create`] returns for
/// the core to lease.
///
/// # Invariants
///
/// `idx` is the index of the receive queue that [`QueueSlot::add`] made real in the
/// `queue_create` call of lifetime `'a`: the core leases it without checking it.
pub struct NewQueue<'a> {
    idx: u32,
    _invariant: PhantomData<fn(&'a ()) -> &'a ()>,
}

impl NewQueue<'_> {
    /// The index of the queue.
    #[inline]
    pub fn index(&self) -> u32 {
        self.idx
    }
}

/// Lock `K` of a device, held until dropped.
///
/// # Invariants
///
/// The current thread took lock `K` of the device of the inner proof and releases it when the
/// guard is dropped.
pub struct LockGuard<'a, K: LockKind>(Locked<'a, K>);

/// The instance lock of a device, held until dropped.
pub type InstanceGuard<'a> = LockGuard<'a, InstanceLock>;
/// The ops lock of a device, held until dropped.
pub type OpsGuard<'a> = LockGuard<'a, OpsLock>;

impl<'a, K: LockKind> Deref for LockGuard<'a, K> {
    type Target = Locked<'a, K>;

    #[inline]
    fn deref(&self) -> &Locked<'a, K> {
        &self.0
    }
}

impl<K: LockKind> Drop for LockGuard<'_, K> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: Held by the invariant of `Locked`, and given up here.
        unsafe { K::unlock(self.0.dev.as_raw()) };
    }
}

impl Device {
    /// Takes the instance lock (`netdev_lock`).
    ///
    /// Lock order: a virtual device before the physical device whose queues it leases (see
    /// [`Instance::lock_lessor`]). The lock may sleep.
    ///
    /// Not for drivers: their callbacks run with locks they cannot see (the core holds the
    /// instance lock around `ndo_queue_create` and `ndo_bpf`, a lessor's ops lock around the
    /// `dellink` of its lessees), so a driver taking one could deadlock. The abstractions take
    /// it where the core's lock order allows.
    #[inline]
    pub(crate) fn lock(&self) -> InstanceGuard<'_> {
        // SAFETY: The device is valid.
        unsafe { bindings::netdev_lock(self.as_raw()) };
        // SAFETY: Just taken; released when the guard is dropped.
        LockGuard(unsafe { Instance::assume_locked(self) })
    }

    /// Takes the ops lock (`netdev_lock_ops`): the instance lock of an ops-locked device, nothing
    /// more than the RTNL that `_rtnl` proves otherwise. Not for drivers, see [`Device::lock`].
    #[inline]
    pub(crate) fn lock_ops<'a>(&'a self, _rtnl: &'a Rtnl) -> OpsGuard<'a> {
        // SAFETY: The device is valid.
        unsafe { bindings::netdev_lock_ops(self.as_raw()) };
        // SAFETY: The ops lock is now held (RTNL for a device that is not ops locked) until the
        // guard is dropped.
        LockGuard(unsafe { Ops::assume_locked(self) })
    }

    /// Returns the number of receive queues allocated (`num_rx_queues`).
    #[inline]
    pub fn num_rx_queues(&self) -> u32 {
        // SAFETY: The device is valid; the field is fixed at allocation.
        unsafe { (*self.as_raw()).num_rx_queues }
    }

    /// Follows the lease of queue `idx` from this virtual device to the physical queue, in an
    /// RCU read-side section rather than with the ops lock (`READ_ONCE(rxq->lease)`).
    ///
    /// The result stays valid for the read-side section: the lease ends in this device's
    /// `ndo_uninit` (`unlease_all()`), which drops its reference on the physical device at once,
    /// but the physical device is freed only by its own unregistration, which takes this device
    /// down in its batch and waits for a grace period (`synchronize_net()` after `ndo_uninit`)
    /// before `netdev_run_todo()` can free either.
    ///
    /// Only for a Rust driver's own device (`forward_xsk_wakeup()`), whose leases end as
    /// described; not public, since no such rule binds another driver's.
    #[inline]
    pub(crate) fn rx_queue_lease_rcu<'a>(
        &'a self,
        idx: u32,
        _guard: &'a rcu::Guard,
    ) -> Option<&'a RxQueue> {
        if idx >= self.real_num_rx_queues() {
            return None;
        }
        // SAFETY: `idx` is a queue of the device; `lease` is read once like `READ_ONCE()`.
        let lease = unsafe {
            atomic_load(
                &raw mut (*(*self.as_raw())._rx.add(idx as usize)).lease,
                Relaxed,
            )
        };
        // SAFETY: See above.
        (!lease.is_null()).then(|| unsafe { RxQueue::from_raw(lease) })
    }
}

/// Queue management operations of a driver (`struct netdev_queue_mgmt_ops`).
///
/// A driver that implements it names its table in [`Driver::QUEUE_MGMT_OPS`]. Giving a device
/// queue management ops makes it "ops locked": its queue and driver operations run under its
/// instance lock.
#[vtable]
pub trait QueueMgmt: Driver {
    /// Creates a receive queue that the core then leases from a physical device
    /// (`ndo_queue_create`; the instance locks of this device and of the physical device are
    /// held, RTNL is not): adds it with `slot` and returns it, or refuses.
    fn queue_create<'a>(
        _dev: &'a DriverDevice<Self>,
        _slot: QueueSlot<'a>,
        _extack: &mut ExtAck<'_>,
    ) -> Result<NewQueue<'a>> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }
}

/// The queue management ops table of driver `T`, see [`Driver::QUEUE_MGMT_OPS`].
///
/// Typed by its driver, so that a driver cannot name another driver's table: the callbacks
/// read the device's private area as `T::Data`.
///
/// # Invariants
///
/// The table's callbacks are `QueueMgmtAdapter<T>`'s, so it may only be installed on devices
/// of driver `T`, which [`Driver::QUEUE_MGMT_OPS`] of type `Option<&QueueMgmtOps<Self>>`
/// ensures.
#[repr(transparent)]
pub struct QueueMgmtOps<T>(bindings::netdev_queue_mgmt_ops, PhantomData<T>);

// SAFETY: The table is immutable and holds only function pointers.
unsafe impl<T> Sync for QueueMgmtOps<T> {}

impl<T: QueueMgmt> QueueMgmtOps<T> {
    /// Builds the table of driver `T`.
    pub const fn new() -> Self {
        Self(
            bindings::netdev_queue_mgmt_ops {
                ndo_queue_create: if T::HAS_QUEUE_CREATE {
                    Some(QueueMgmtAdapter::<T>::queue_create)
                } else {
                    None
                },
                ..pin_init::zeroed()
            },
            PhantomData,
        )
    }
}

impl<T: QueueMgmt> Default for QueueMgmtOps<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Driver> QueueMgmtOps<T> {
    /// The C table.
    #[inline]
    pub(crate) fn as_raw(&'static self) -> *const bindings::netdev_queue_mgmt_ops {
        &self.0
    }
}

/// The C callbacks of a [`QueueMgmt`] driver.
struct QueueMgmtAdapter<T: QueueMgmt>(PhantomData<T>);

impl<T: QueueMgmt> QueueMgmtAdapter<T> {
    /// Called by the core as `netdev_queue_mgmt_ops::ndo_queue_create`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `ndo_queue_create` for a device of `T`.
    unsafe extern "C" fn queue_create(
        dev: *mut bindings::net_device,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: A device of `T`, valid during the call, and an optional extack.
        let (dev, mut extack) =
            unsafe { (DriverDevice::<T>::from_raw(dev), ExtAck::from_raw(extack)) };
        // SAFETY: The core holds the instance lock during the call, and a device with queue
        // management ops is ops locked (`netdev_need_ops_lock`), so that is its ops lock.
        let lock = unsafe { Ops::assume_locked(dev) };
        let old = dev.real_num_rx_queues();
        // INVARIANT: The ops lock is held for the call, in which no queue was added yet.
        let slot = QueueSlot {
            ops: &lock,
            _invariant: PhantomData,
        };
        match T::queue_create(dev, slot, &mut extack) {
            Ok(queue) => c_int::try_from(queue.index()).unwrap_or(EOVERFLOW.to_errno()),
            Err(e) => {
                if dev.real_num_rx_queues() != old {
                    // SAFETY: The queue added in this call is the only one beyond `old`, and
                    // nothing is on it: leases, memory providers and pools need the instance
                    // lock, held since before it was added.
                    let _ = unsafe { lock.set_real_num_rx_queues(old) };
                }
                e.to_errno()
            }
        }
    }
}
