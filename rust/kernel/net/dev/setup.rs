// SPDX-License-Identifier: GPL-2.0

//! A device before registration: its set-up ([`Setup`]), the view of it that drivers get
//! ([`Unregistered`]) and the owned device that is registered or freed ([`NewDevice`]).

use super::{
    priv_data, //
    Driver,
    DriverDevice,
    Features,
    IfName,
    PrivFlags,
    SetupFlags,
};
use crate::{
    bindings,
    error::to_result,
    net::{
        rtnl::{
            Registered,
            Rtnl, //
        },
        xdp::{
            XdpFeature,
            XdpFeatures, //
        },
    },
    prelude::*,
    types::Opaque, //
};
use core::{
    marker::PhantomData,
    ops::{
        Deref,
        DerefMut, //
    },
    ptr::NonNull, //
};

/// Adds `set` to and removes `clear` from the private flags (a bitfield) of `dev`.
///
/// # Safety
///
/// `dev` is valid and only the caller's.
#[inline]
pub(super) unsafe fn update_priv_flags(dev: *mut bindings::net_device, set: u32, clear: u32) {
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
    pub(super) dev: *mut bindings::net_device,
    pub(super) _p: PhantomData<&'a mut bindings::net_device>,
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

    /// Adds `set` to and removes `clear` from the `IFF_*` flags.
    #[inline]
    pub fn update_flags(&mut self, set: impl Into<SetupFlags>, clear: impl Into<SetupFlags>) {
        let (set, clear) = (u32::from(set.into()), u32::from(clear.into()));
        // SAFETY: As above.
        unsafe { (*self.dev).flags = ((*self.dev).flags & !clear) | set };
    }

    /// Adds `set` to and removes `clear` from the private flags.
    #[inline]
    pub fn update_priv_flags(&mut self, set: impl Into<PrivFlags>, clear: impl Into<PrivFlags>) {
        let (set, clear) = (u32::from(set.into()), u32::from(clear.into()));
        // SAFETY: As above.
        unsafe { update_priv_flags(self.dev, set, clear) };
    }

    /// Declares lockless transmit (`lltx`).
    #[inline]
    pub fn set_lltx(&mut self) {
        // SAFETY: As above; `lltx` is in the anonymous struct of the `priv_flags_fast` group.
        unsafe { (*self.dev).__bindgen_anon_1.__bindgen_anon_1.set_lltx(1) };
    }

    /// Declares that transmitted net_iovs need no DMA mapping (`NETMEM_TX_NO_DMA`).
    #[inline]
    pub fn set_netmem_tx_no_dma(&mut self) {
        let mode = bindings::netmem_tx_mode_NETMEM_TX_NO_DMA as c_ulong;
        // SAFETY: As in `set_lltx`.
        unsafe {
            (*self.dev)
                .__bindgen_anon_1
                .__bindgen_anon_1
                .set_netmem_tx(mode)
        };
    }

    /// Returns the active features.
    #[inline]
    pub fn features(&self) -> Features {
        // SAFETY: As above.
        Features::from_raw(unsafe { (*self.dev).features })
    }

    /// Sets the active, user-changeable, encapsulation, MPLS and VLAN features, without
    /// [`Features::NEED_DRIVER_OPS`].
    #[inline]
    pub fn set_features(
        &mut self,
        features: Features,
        hw: Features,
        hw_enc: Features,
        mpls: Features,
        vlan: Features,
    ) {
        let allowed = !Features::NEED_DRIVER_OPS;
        // SAFETY: As above.
        unsafe {
            (*self.dev).features = u64::from(features & allowed);
            (*self.dev).hw_features = u64::from(hw & allowed);
            (*self.dev).hw_enc_features = u64::from(hw_enc & allowed);
            (*self.dev).mpls_features = u64::from(mpls & allowed);
            (*self.dev).vlan_features = u64::from(vlan & allowed);
        }
    }

    /// Sets the largest TSO packet (`netif_set_tso_max_size`).
    #[inline]
    pub fn set_tso_max_size(&mut self, size: u32) {
        // SAFETY: As above.
        unsafe { bindings::netif_set_tso_max_size(self.dev, size) };
    }
}

/// A device of driver `T` that is not registered: being set up in
/// [`crate::net::rtnl::Link::newlink`] or [`Driver::init`], or a [`NewDevice`] such as the peer of
/// a pair.
///
/// It is not a [`Device`](super::Device): `free_netdev()` frees an unregistered device at once,
/// whatever its reference count, so it cannot be reference counted, and nothing that needs a
/// registered device (statistics, locks, unregistration) is reachable from it. Registering it is
/// what turns it into a [`DriverDevice`] (see [`NewDevice::register`] and
/// [`crate::net::rtnl::NewLink::register`]).
///
/// # Invariants
///
/// `self` is a valid device set up by [`Adapter::setup`](super::Adapter::setup) of `T` that has not
/// been registered. Only the holder of the reference changes it; other threads can at most reach it
/// through sysfs once `register_netdevice()` added its kobject, and then only the callbacks that
/// [`Adapter`](super::Adapter) does not pass on before registration.
#[repr(transparent)]
pub struct Unregistered<T: Driver>(Opaque<bindings::net_device>, PhantomData<T>);

impl<T: Driver> Unregistered<T> {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is a device set up by [`Adapter::setup`](super::Adapter::setup) of `T`, not
    /// registered, used only through the result for `'a`.
    #[inline]
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a mut Self {
        // SAFETY: Transparent over `net_device`; per the safety requirements.
        unsafe { &mut *ptr.cast() }
    }

    #[inline]
    pub(crate) fn as_raw(&self) -> *mut bindings::net_device {
        core::ptr::from_ref(self).cast_mut().cast()
    }

    /// Returns the driver's private data, initialised by [`Adapter::setup`](super::Adapter::setup).
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

    /// Sets the XDP features (`xdp_set_features_flag`).
    ///
    /// Fails with `EINVAL` for features beyond [`XdpFeatures::XSK`]: the others promise
    /// operations the abstractions do not provide (the devmap calls `ndo_xdp_xmit` and uses
    /// a transmit queue it allocates only for devices that have it). Also for
    /// [`XdpFeature::XskZeroCopy`] unless the driver has [`Driver::bpf`]: a zero-copy AF_XDP bind
    /// calls `ndo_bpf` (`xp_assign_dev()`) and then `ndo_xsk_wakeup` (`xsk_wakeup()`), which the
    /// adapter has with `bpf`, without checking that they exist.
    ///
    /// Only before registration: the function takes the instance lock, which no one else can
    /// hold on an unregistered device.
    #[inline]
    pub fn set_xdp_features(&mut self, features: XdpFeatures) -> Result {
        if !XdpFeatures::XSK.contains_all(features)
            || (features.contains(XdpFeature::XskZeroCopy) && !T::HAS_BPF)
        {
            return Err(EINVAL);
        }
        // SAFETY: The device is valid; its instance lock is free (the device is only ours).
        unsafe { bindings::xdp_set_features_flag(self.as_raw(), u32::from(features)) };
        Ok(())
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
/// `ptr` is a valid, unregistered device set up by [`Adapter::setup`](super::Adapter::setup) of `T`
/// that this object owns, allocated in a `newlink` or `init` whose RTNL section is `'a`.
pub struct NewDevice<'a, T: Driver> {
    ptr: NonNull<bindings::net_device>,
    _t: PhantomData<(T, &'a Rtnl)>,
}

impl<'a, T: Driver> NewDevice<'a, T> {
    /// Takes ownership of an allocated device.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid, unregistered device set up by [`Adapter::setup`](super::Adapter::setup) of
    /// `T`, owned by the caller, who gives up that ownership; it was allocated in a `newlink` or
    /// `init` whose RTNL section is `'a`.
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
    pub fn register(self, rtnl: &'a Rtnl) -> Result<Registered<'a, T>> {
        let ptr = self.ptr.as_ptr();
        // SAFETY: The device is valid, owned and has never been registered; RTNL is held.
        // On failure `self` is dropped, freeing the device as `register_netdevice` expects.
        to_result(unsafe { bindings::register_netdevice(ptr) })?;
        core::mem::forget(self);
        // SAFETY: The device was just registered and is set up by `T`, see above for the
        // lifetime; by the type invariant this is the `newlink` or `init` that allocated it.
        Ok(unsafe { Registered::new(DriverDevice::from_raw(ptr), rtnl) })
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
