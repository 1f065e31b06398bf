// SPDX-License-Identifier: GPL-2.0

//! Network device notifiers (`register_netdevice_notifier`).
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use crate::{
    bindings,
    error::to_result,
    net::{
        dev::{
            self,
            Device,
            UnregisterList, //
        },
        rtnl::Rtnl, //
    },
    prelude::*,
    types::Opaque, //
};
use core::marker::PhantomPinned;

/// A network device event (`enum netdev_cmd`, `NETDEV_*`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Event(c_ulong);

impl Event {
    /// The device is being unregistered (`NETDEV_UNREGISTER`); it is `NETREG_UNREGISTERING` if
    /// the event is not a replay for a departing notifier.
    pub const UNREGISTER: Self = Self(bindings::netdev_cmd_NETDEV_UNREGISTER as c_ulong);
    /// The device was registered (`NETDEV_REGISTER`).
    pub const REGISTER: Self = Self(bindings::netdev_cmd_NETDEV_REGISTER as c_ulong);

    /// The raw event number.
    #[inline]
    pub fn as_raw(self) -> c_ulong {
        self.0
    }
}

/// Receives network device events.
pub trait NetdevNotifier: Send + Sync {
    /// Called for every event of every registered (or unregistering) device in every namespace
    /// (RTNL held); events of devices that are not registered are not passed on.
    ///
    /// Must not register or unregister netdevice notifiers. Registering a notifier replays
    /// `NETDEV_REGISTER` (and `NETDEV_UP`) for the devices that exist; unregistering replays
    /// `NETDEV_DOWN` and `NETDEV_UNREGISTER`.
    fn event(&self, _event: Event, _dev: &Device, _rtnl: &Rtnl) {}

    /// Called after [`NetdevNotifier::event`] for the `NETDEV_UNREGISTER` of a device that is
    /// being unregistered (not of one that moves to another namespace, which sends the event
    /// too).
    ///
    /// Devices queued on `list` are unregistered in one batch when this returns
    /// (`unregister_netdevice_many()`), as C notifiers take the devices that depend on one that
    /// goes away down with it.
    fn unregistering(&self, _dev: &Device, _list: &mut UnregisterList<'_>, _rtnl: &Rtnl) {}
}

/// A registered netdevice notifier, unregistered on drop.
///
/// # Invariants
///
/// `nb` is registered with `register_netdevice_notifier` for the lifetime of `self`, and its
/// callback is `Registration::<T>::call`.
#[pin_data(PinnedDrop)]
pub struct Registration<T: NetdevNotifier> {
    #[pin]
    nb: Opaque<bindings::notifier_block>,
    data: T,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The notifier block is only touched by the notifier chain, under RTNL; `T` is
// `Send + Sync`.
unsafe impl<T: NetdevNotifier> Send for Registration<T> {}
// SAFETY: As above.
unsafe impl<T: NetdevNotifier> Sync for Registration<T> {}

impl<T: NetdevNotifier> Registration<T> {
    /// Registers `data` to receive the events of all devices.
    ///
    /// Registering and dropping the registration take RTNL (`register_netdevice_notifier()`):
    /// neither may happen with RTNL held, e.g. in a callback given an [`Rtnl`], or it deadlocks
    /// (lockdep reports it). No type can say that RTNL is not held, and without lockdep the
    /// kernel cannot tell whether the current task holds it, so this is left to the caller, as
    /// it is in C; modules register in their `init` and drop in their exit.
    pub fn new(data: T) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            data,
            _pin: PhantomPinned,
            // `nb` comes last: once it is registered the callback may use `data`.
            nb <- Opaque::try_ffi_init(move |slot: *mut bindings::notifier_block| {
                let nb = bindings::notifier_block {
                    notifier_call: Some(Self::call),
                    ..pin_init::zeroed()
                };
                // SAFETY: `slot` is valid for writes.
                unsafe { slot.write(nb) };
                // SAFETY: `slot` is pinned inside a `Registration` whose `data` is initialised; it
                // stays registered until `drop`.
                // INVARIANT: Registered on success, with `call` as callback.
                to_result(unsafe { bindings::register_netdevice_notifier(slot) })
            }),
        })
    }

    /// Returns the notifier's data.
    #[inline]
    pub fn data(&self) -> &T {
        &self.data
    }

    /// Called by the notifier chain as `notifier_block::notifier_call`.
    ///
    /// # Safety
    ///
    /// `nb` is the `nb` field of a `Registration<T>`; `ptr` is the `struct netdev_notifier_info`
    /// of a netdevice event; RTNL is held.
    unsafe extern "C" fn call(
        nb: *mut bindings::notifier_block,
        event: c_ulong,
        ptr: *mut c_void,
    ) -> c_int {
        // SAFETY: `nb` is the `nb` field of a live `Registration<T>`, per the safety
        // requirements.
        let this = unsafe { &*crate::container_of!(Opaque::cast_from(nb), Self, nb) };
        // SAFETY: The info of a netdevice event names a valid device, for the duration of the
        // call.
        let dev = unsafe { bindings::netdev_notifier_info_to_dev(ptr.cast()) };
        // SAFETY: As above.
        let state = unsafe { dev::reg_state(dev) };
        // Events of a device that is not registered (`NETDEV_POST_INIT`, `NETDEV_PRE_UNINIT`
        // when registration fails, `NETDEV_UNREGISTER` repeated by `netdev_wait_allrefs_any()`)
        // are not passed on: such a device may be freed at once, it is not a `Device`.
        if !dev::is_live_state(state) {
            return bindings::NOTIFY_DONE as c_int;
        }
        // SAFETY: Valid for the call, and registered (or being unregistered), see above.
        let dev = unsafe { Device::from_raw(dev) };
        // SAFETY: The netdevice notifier chain is called under RTNL.
        let rtnl = unsafe { Rtnl::assume_held() };
        this.data.event(Event(event), dev, &rtnl);
        // A `NETDEV_UNREGISTER` of a device in `NETREG_UNREGISTERING` comes only from
        // `unregister_netdevice_many_notify()`, between the loop that unlists the batch and the
        // one that hands it to `netdev_run_todo()`, with no instance lock held: a nested batch
        // of devices that are not queued yet (`DriverDevice::unregister_queue()` skips the
        // others) touches neither the outer batch nor a device list walk. Other events may come
        // with the device's instance lock held or from inside such a walk (`dellink` changing
        // flags), where no device may be unregistered.
        if event == Event::UNREGISTER.0 && state == bindings::netdev_reg_state_NETREG_UNREGISTERING
        {
            dev::unregister_many(&rtnl, |list| this.data.unregistering(dev, list, &rtnl));
        }
        bindings::NOTIFY_DONE as c_int
    }
}

#[pinned_drop]
impl<T: NetdevNotifier> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: Registered by the type invariant.
        unsafe { bindings::unregister_netdevice_notifier(self.nb.get()) };
    }
}
