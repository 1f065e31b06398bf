// SPDX-License-Identifier: GPL-2.0

//! The driver of a network device ([`Driver`]) and the C callbacks that call it
//! ([`Adapter`]).

use super::{
    is_live_state,
    priv_data,
    private_of,
    reg_state,
    setup::update_priv_flags,
    DriverDevice,
    Features,
    LockClasses,
    Private,
    Setup,
    SockAddr,
    Stats64,
    Unregistered, //
};
use crate::{
    bindings,
    error::{
        from_result, //
        VTABLE_DEFAULT_ERROR,
    },
    net::{
        ethtool,
        queue::{
            self,
            Ops,
            QueueMgmtOps, //
        },
        rtnl::Rtnl,
        skbuff::{
            SkBuff,
            TxContext, //
        },
        xdp::{
            self,
            BpfAction,
            BpfCommand,
            NetdevBpf, //
        },
    },
    prelude::*,
    sync::{
        atomic::Atomic,
        rcu, //
    }, //
};
use core::{
    any::TypeId,
    marker::PhantomData,
    ptr::NonNull, //
};

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

    /// The lockdep classes of the driver's devices: the driver's own set, from
    /// [`netdev_lock_classes!`](crate::netdev_lock_classes).
    const LOCK_CLASSES: &'static LockClasses;

    /// Called at registration, before the device is registered (`ndo_init`; RTNL).
    fn init(_dev: &Unregistered<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Undoes [`Driver::init`] when registration fails after it (`ndo_uninit` of a device that
    /// never got registered; RTNL).
    fn abort_init(_dev: &Unregistered<Self>, _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Called at unregistration (`ndo_uninit`; RTNL). The device is unpaired before, and the
    /// leases of its queues end after it.
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
    /// `lltx` device). The packet lives no longer than the call, `'a`, as do the devices that
    /// `ctx` makes reachable (e.g. a peer).
    fn start_xmit<'a>(dev: &'a DriverDevice<Self>, skb: SkBuff<'a>, ctx: &'a TxContext)
        -> TxStatus;

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
    fn features_check(_dev: &DriverDevice<Self>, _features: Features) -> Features {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Reports driver information to ethtool (`ethtool_ops::get_drvinfo`; RTNL).
    fn get_drvinfo(_dev: &DriverDevice<Self>, _info: &mut ethtool::DrvInfo) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Handles an XDP or AF_XDP request (`ndo_bpf`; RTNL and the ops lock, see
    /// [`crate::net::queue::OpsLocked`]), or has the adapter forward it along a lease.
    ///
    /// The adapter answers the hardware offload requests itself, with `EINVAL` (see
    /// [`NetdevBpf`](crate::net::xdp::NetdevBpf)).
    ///
    /// For an AF_XDP pool, only a bind comes here, and only [`BpfAction::ForwardXskPool`] or an
    /// error answers it (`Done` is `EOPNOTSUPP`: no driver here can set up a pool itself). An
    /// unbind goes to the physical queue a bind was forwarded to without asking the driver, and
    /// so does a wakeup (`ndo_xsk_wakeup`, installed with `bpf`).
    fn bpf(
        _dev: &DriverDevice<Self>,
        _req: &NetdevBpf,
        _ops: &Ops<'_>,
        _rtnl: &Rtnl,
    ) -> Result<BpfAction> {
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
        // The adapter's: a pool is in zero-copy mode only through a lease, see `xsk_wakeup`.
        ndo_xsk_wakeup: if T::HAS_BPF {
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
            (*dev).set_pcpu_stat_type(bindings::netdev_stat_type_NETDEV_PCPU_STAT_TSTATS);
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
    /// `dev` is a device set up by [`Adapter::setup`], valid for `'a`, whose `reg_state` has
    /// reached `NETREG_REGISTERED`: the core calls the callbacks that use this only for such
    /// devices, and the adapter checks the state before the others (sysfs can reach
    /// `ndo_get_iflink` and `ndo_get_stats64` earlier).
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
        // SAFETY: The device is new and valid; the keys are static by the type invariant of
        // `LockClasses`.
        unsafe { bindings::__netdev_lockdep_set_classes(dev.as_raw(), T::LOCK_CLASSES.as_raw()) };
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
            // Leases end here, and only here (see `queue::unlease_all`).
            if T::QUEUE_MGMT_OPS.is_some() {
                queue::unlease_all(dev);
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
    /// The arguments are those the core passes to `net_device_ops::ndo_start_xmit` for a device of
    /// this driver.
    pub(super) unsafe extern "C" fn start_xmit(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The core passes a device of this driver and an skb the callee now owns, on
        // that device (`skb->dev`, valid during the call), with bottom halves disabled for the
        // call.
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
    /// The arguments are those the core passes to `net_device_ops::ndo_get_iflink` for a device of
    /// this driver.
    unsafe extern "C" fn get_iflink(dev: *const bindings::net_device) -> c_int {
        // SAFETY: A device of this driver, valid during the call.
        unsafe { Self::registered(dev) }.map_or(0, T::get_iflink)
    }

    /// Called by the core as `net_device_ops::ndo_get_peer_dev`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_get_peer_dev` for a device
    /// of this driver.
    pub(crate) unsafe extern "C" fn get_peer_dev(
        dev: *mut bindings::net_device,
    ) -> *mut bindings::net_device {
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
    /// The arguments are those the core passes to `net_device_ops::ndo_get_stats64` for a device of
    /// this driver.
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
    /// The arguments are those the core passes to `net_device_ops::ndo_set_rx_headroom` for a
    /// device of this driver.
    unsafe extern "C" fn set_rx_headroom(dev: *mut bindings::net_device, headroom: c_int) {
        // SAFETY: A device of this driver, valid during the call.
        T::set_rx_headroom(unsafe { Self::dev(dev) }, headroom);
    }

    /// Called by the core as `net_device_ops::ndo_set_mac_address`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `net_device_ops::ndo_set_mac_address` for a
    /// device of this driver.
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
    /// The arguments are those the core passes to `net_device_ops::ndo_set_rx_mode_async` for a
    /// device of this driver.
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
    /// The arguments are those the core passes to `net_device_ops::ndo_features_check` for a device
    /// of this driver.
    unsafe extern "C" fn features_check(
        _skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
        features: bindings::netdev_features_t,
    ) -> bindings::netdev_features_t {
        // SAFETY: A device of this driver, valid during the call.
        u64::from(T::features_check(
            unsafe { Self::dev(dev) },
            Features::from_raw(features),
        ))
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
        let Some(req) = req else {
            return EINVAL.to_errno();
        };
        // SAFETY: The core makes XDP program and AF_XDP pool requests, the only ones left here,
        // with RTNL and the ops lock held: `dev_xdp_install()` and `xp_assign_dev()` assert the
        // ops lock, their callers (`dev_xdp_attach()`, the XDP link ops, `dev_xdp_uninstall()`,
        // `xsk_bind()`, `xp_release_deferred()`) take RTNL, and `xp_disable_drv_zc()` asserts it;
        // `dev_xdp_propagate()` takes the ops lock and runs in an upper device's `ndo_bpf`, under
        // RTNL as above. (`bpf_map_offload_map_free()` would not hold the ops lock.)
        let (ops, rtnl) = unsafe { (Ops::assume_locked(dev), Rtnl::assume_held()) };
        let pool = matches!(req.command(), BpfCommand::SetupXskPool { .. });
        from_result(|| {
            // An unbind goes on to the physical queue whatever the driver says: a pool is in
            // zero-copy mode only if its bind was forwarded there (no driver here can set one
            // up itself: the abstractions do not DMA map pools), and the physical driver must
            // stop using it before the core frees it (`xp_release_deferred()`).
            if matches!(
                req.command(),
                BpfCommand::SetupXskPool { enable: false, .. }
            ) {
                return ops.forward_xsk_pool(req, &rtnl).map(|()| 0);
            }
            match T::bpf(dev, req, &ops, &rtnl)? {
                // `xp_assign_dev()` would find no DMA-mapped buffers and WARN.
                BpfAction::Done if pool => Err(EOPNOTSUPP),
                BpfAction::Done => Ok(0),
                BpfAction::ForwardXskPool => ops.forward_xsk_pool(req, &rtnl).map(|()| 0),
            }
        })
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
        // The core calls this only for a socket bound in zero-copy mode (`xs->zc`), which a queue
        // of a Rust driver is only through a pool forwarded to the physical queue it leases.
        from_result(|| xdp::forward_xsk_wakeup(dev, queue_id, flags, &guard).map(|()| 0))
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
