// SPDX-License-Identifier: GPL-2.0

//! Routing netlink: the RTNL lock and link types (`struct rtnl_link_ops`).
//!
//! A driver implements [`Link`] on top of [`Driver`] and holds a pinned [`Registration`] for
//! as long as `ip link add type <kind>` should work; dropping it removes every device of the
//! kind.
//!
//! C header: [`include/net/rtnetlink.h`](srctree/include/net/rtnetlink.h)

use crate::{
    bindings,
    error::{
        from_err_ptr,
        from_result,
        to_result,
        VTABLE_DEFAULT_ERROR, //
    },
    net::{
        dev::{
            Adapter,
            Device,
            Driver,
            DriverDevice,
            Flags,
            IfName,
            NameAssign,
            Namespace,
            NewDevice,
            UnregisterList,
            Unregistered, //
        },
        nla::{
            Attr,
            Attrs,
            ExtAck,
            Msg,
            MsgFull,
            Policy, //
        },
        notifier::{
            self,
            NetdevNotifier, //
        },
        queue::{
            LeaseDir,
            OpsLocked, //
        },
    },
    prelude::*,
    types::{
        NotThreadSafe,
        Opaque, //
    },
};
use core::{
    cell::UnsafeCell,
    marker::PhantomData,
    ops::{
        Deref,
        DerefMut, //
    },
    ptr::NonNull, //
};

/// Number of slots in a table of `IFLA_*` attributes (`IFLA_MAX + 1`).
pub const IFLA_TABLE_LEN: usize = bindings::__IFLA_MAX as usize;

/// A table of `IFLA_*` attributes (`struct nlattr *tb[IFLA_MAX + 1]`): a request's or a peer's.
///
/// The core indexes such a table by `IFLA_*` type without a bound (`rtnl_create_link()` reads
/// `tb[IFLA_MTU]`, `tb[IFLA_ADDRESS]`, `tb[IFLA_NUM_TX_QUEUES]`, ...), so [`create_link`] takes
/// this type, not any [`Attrs`]: a link kind's own table (`IFLA_INFO_DATA`) is shorter, and its
/// types mean other things (netkit's `IFLA_NETKIT_PEER_INFO` is 1, `IFLA_ADDRESS`).
///
/// # Invariants
///
/// The table has `IFLA_TABLE_LEN` slots and was parsed with the `IFLA_*` policy.
#[derive(Clone, Copy)]
pub struct LinkAttrs<'a>(Attrs<'a>);

impl<'a> LinkAttrs<'a> {
    /// Creates a table from a raw pointer.
    ///
    /// # Safety
    ///
    /// `tb` is a table of `IFLA_TABLE_LEN` attributes parsed with the `IFLA_*` policy that
    /// satisfies the requirements of [`Attrs::from_raw`] for `'a`.
    #[inline]
    unsafe fn from_raw(tb: *const *mut bindings::nlattr) -> Self {
        // SAFETY: Per the safety requirements.
        // INVARIANT: Per the safety requirements.
        Self(unsafe { Attrs::from_raw(tb, IFLA_TABLE_LEN) })
    }
}

impl<'a> Deref for LinkAttrs<'a> {
    type Target = Attrs<'a>;

    #[inline]
    fn deref(&self) -> &Attrs<'a> {
        &self.0
    }
}

/// The highest attribute type of a link kind's own attributes (`RTNL_MAX_TYPE` in
/// net/core/rtnetlink.c).
const RTNL_MAX_TYPE: usize = 50;

/// `sizeof(struct ifinfomsg)`, the header of a peer info attribute.
pub const IFINFOMSG_LEN: u16 = core::mem::size_of::<bindings::ifinfomsg>() as u16;

/// `IFLA_IFNAME`: the device name attribute.
pub const IFLA_IFNAME: u16 = bindings::IFLA_IFNAME as u16;
/// `IFLA_ADDRESS`: the hardware address attribute.
pub const IFLA_ADDRESS: u16 = bindings::IFLA_ADDRESS as u16;

/// Proof that the RTNL lock is held.
///
/// # Invariants
///
/// The current thread holds RTNL while the proof lives; the proof is not `Send`, so it stays on
/// that thread.
pub struct Rtnl(NotThreadSafe);

impl Rtnl {
    /// Creates the proof.
    ///
    /// # Safety
    ///
    /// RTNL is held by the current thread for the lifetime of the result.
    pub unsafe fn assume_held() -> Self {
        // INVARIANT: Per the safety requirements.
        Self(NotThreadSafe)
    }

    /// Takes the RTNL lock (`rtnl_lock`).
    ///
    /// Not for drivers: RTNL is not recursive, and most of their callbacks run under it. The
    /// abstractions take it for the callbacks that the core calls without it and that need it
    /// (the BPF hooks and link callbacks), and hand the proof in.
    #[cfg(CONFIG_RUST_NETDEV_BPF)]
    pub(crate) fn lock() -> RtnlGuard {
        // SAFETY: No requirements; this may sleep.
        unsafe { bindings::rtnl_lock() };
        // INVARIANT: RTNL was just taken.
        RtnlGuard(Rtnl(NotThreadSafe))
    }
}

/// Data that only code holding RTNL may use, accessed by value like a [`Cell`].
///
/// No reference to the data is handed out, so replacing it while someone looks at it cannot
/// happen. [`RtnlCell::get`] clones the data; a `Clone` implementation cannot reach the cell
/// again, as that needs RTNL, which is held and not recursive.
///
/// Unlike [`GlobalLockedBy`], which lends `&mut T` against `&mut` of the lock's guard, there is
/// no `&mut` access: callbacks get a shared [`Rtnl`], and they nest on one thread under the
/// same RTNL section (`newlink` registers, which calls `ndo_init` and the notifiers, each with
/// its own `&Rtnl`), so a `&mut T` lent against `&Rtnl` could alias one lent to an outer
/// callback. Access by value needs no such rule.
///
/// [`Cell`]: core::cell::Cell
/// [`GlobalLockedBy`]: crate::sync::lock::GlobalLockedBy
///
/// # Invariants
///
/// The data is only read or written by a thread that holds RTNL, and no reference to it
/// outlives the method that made it.
pub struct RtnlCell<T>(UnsafeCell<T>);

// SAFETY: The data is only accessed with RTNL held, which serialises the accesses.
unsafe impl<T: Send> Send for RtnlCell<T> {}
// SAFETY: As above.
unsafe impl<T: Send> Sync for RtnlCell<T> {}

impl<T> RtnlCell<T> {
    /// Creates a cell holding `v`.
    #[inline]
    pub const fn new(v: T) -> Self {
        Self(UnsafeCell::new(v))
    }

    /// Replaces the data with `v` and returns the old data.
    #[inline]
    pub fn replace(&self, v: T, _rtnl: &Rtnl) -> T {
        // SAFETY: RTNL is held, so no one else accesses the data, and no reference to it
        // exists outside of this function, which runs no code of `T` while it holds one.
        unsafe { core::ptr::replace(self.0.get(), v) }
    }

    /// Returns a copy of the data.
    ///
    /// The data is taken out while it is cloned: `clone` is code of the data's type, which may
    /// reach this cell (it may carry an `&Rtnl`) and must not find a reference into it. What a
    /// `clone` that does stores in the cell is dropped when the data goes back.
    #[inline]
    pub fn get(&self, rtnl: &Rtnl) -> T
    where
        T: Clone + Default,
    {
        let v = self.replace(T::default(), rtnl);
        let copy = v.clone();
        drop(self.replace(v, rtnl));
        copy
    }
}

/// The RTNL lock, held until dropped.
///
/// # Invariants
///
/// RTNL is held by the current thread.
pub struct RtnlGuard(Rtnl);

impl core::ops::Deref for RtnlGuard {
    type Target = Rtnl;

    fn deref(&self) -> &Rtnl {
        &self.0
    }
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        // SAFETY: Held by the type invariant.
        unsafe { bindings::rtnl_unlock() };
    }
}

/// The parameters of a new link (`struct rtnl_newlink_params`).
///
/// # Invariants
///
/// `p` is valid for `'a`; its attribute tables hold `IFLA_TABLE_LEN` and `data_len` slots.
pub struct NewLinkParams<'a> {
    p: &'a bindings::rtnl_newlink_params,
    data_len: usize,
}

impl<'a> NewLinkParams<'a> {
    /// The `IFLA_*` attributes.
    pub fn tb(&self) -> LinkAttrs<'a> {
        // SAFETY: The core passes the request's `IFLA_MAX + 1` table (`rtnl_newlink()`), valid
        // during `newlink`.
        unsafe { LinkAttrs::from_raw(self.p.tb) }
    }

    /// The link kind's own attributes (`IFLA_INFO_DATA`), if given.
    pub fn data(&self) -> Option<Attrs<'a>> {
        // SAFETY: A non-null table has `maxtype + 1` slots, see `Registration`.
        (!self.p.data.is_null()).then(|| unsafe { Attrs::from_raw(self.p.data, self.data_len) })
    }

    /// The namespace of the peer device (`rtnl_newlink_peer_net`).
    pub fn peer_net(&self) -> &'a Namespace {
        let p = self.p;
        let net = if !p.peer_net.is_null() {
            p.peer_net
        } else if !p.link_net.is_null() {
            p.link_net
        } else {
            p.src_net
        };
        // SAFETY: The core holds these namespaces for the duration of `newlink`.
        unsafe { Namespace::from_raw(net) }
    }
}

/// The `struct ifinfomsg` header and `IFLA_*` attributes of a peer (`rtnl_nla_parse_ifinfomsg`).
///
/// # Invariants
///
/// `tb` holds null or pointers to attributes inside the peer info attribute, valid for `'a`.
pub struct PeerInfo<'a> {
    tb: [*mut bindings::nlattr; IFLA_TABLE_LEN],
    ifi_index: i32,
    _p: PhantomData<&'a Attr>,
}

impl<'a> PeerInfo<'a> {
    /// Parses a peer info attribute (e.g. `VETH_INFO_PEER`); its policy must guarantee at least
    /// `sizeof(struct ifinfomsg)` bytes.
    pub fn parse(attr: &'a Attr, extack: &mut ExtAck<'_>) -> Result<Self> {
        if attr.len() < core::mem::size_of::<bindings::ifinfomsg>() {
            return Err(EINVAL);
        }
        let mut tb = [core::ptr::null_mut(); IFLA_TABLE_LEN];
        // SAFETY: `tb` has `IFLA_MAX + 1` slots; `attr` is valid and long enough.
        to_result(unsafe {
            bindings::rtnl_nla_parse_ifinfomsg(tb.as_mut_ptr(), attr.as_raw(), extack.as_raw())
        })?;
        // SAFETY: The payload starts with a `struct ifinfomsg` (length checked above); it may be
        // unaligned.
        let ifm = unsafe {
            core::ptr::read_unaligned(attr.data().as_ptr().cast::<bindings::ifinfomsg>())
        };
        // INVARIANT: `rtnl_nla_parse_ifinfomsg` points `tb` into `attr`, valid for `'a`.
        Ok(Self {
            tb,
            ifi_index: ifm.ifi_index,
            _p: PhantomData,
        })
    }

    /// The requested interface index (`ifi_index`).
    pub fn ifindex(&self) -> i32 {
        self.ifi_index
    }

    /// The peer's `IFLA_*` attributes.
    pub fn tb(&self) -> LinkAttrs<'_> {
        // SAFETY: `tb` has `IFLA_TABLE_LEN` slots parsed with the `IFLA_*` policy
        // (`rtnl_nla_parse_ifinfomsg()`), null or pointing into `attr`, valid for `'a`.
        unsafe { LinkAttrs::from_raw(self.tb.as_ptr()) }
    }
}

/// The device of an `RTM_NEWLINK` request, not registered yet, given to [`Link::newlink`].
///
/// [`NewLink::register`] consumes it and gives the proof of registration that `newlink` returns
/// on success, so a `newlink` can neither succeed without registering the device nor set it up
/// after registering it.
///
/// # Invariants
///
/// `dev` is the device the core passed to `rtnl_link_ops::newlink`, not registered.
pub struct NewLink<'a, T: Driver> {
    dev: &'a mut Unregistered<T>,
}

impl<'a, T: Driver> NewLink<'a, T> {
    /// Registers the device (`register_netdevice`).
    ///
    /// On failure the core frees the device once `newlink` returns the error. If `newlink`
    /// returns an error after this succeeded, the device is unregistered before the core frees
    /// it.
    #[inline]
    pub fn register(self, rtnl: &'a Rtnl) -> Result<Registered<'a, T>> {
        let ptr = self.dev.as_raw();
        // SAFETY: The device is valid and not registered by the type invariant; RTNL is held.
        to_result(unsafe { bindings::register_netdevice(ptr) })?;
        // SAFETY: The device is registered and set up by `T`. It is freed by
        // `netdev_run_todo()` after RTNL, held for `'a`, is released.
        let dev = unsafe { DriverDevice::from_raw(ptr) };
        // SAFETY: Registered just now, in `newlink`.
        Ok(unsafe { Registered::new(dev, rtnl) })
    }
}

impl<T: Driver> Deref for NewLink<'_, T> {
    type Target = Unregistered<T>;

    #[inline]
    fn deref(&self) -> &Unregistered<T> {
        self.dev
    }
}

impl<T: Driver> DerefMut for NewLink<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Unregistered<T> {
        self.dev
    }
}

/// Proof that a device was registered in this [`Link::newlink`], made only by
/// [`NewLink::register`] and [`NewDevice::register`](crate::net::dev::NewDevice::register).
///
/// It is also a guard: dropped, it unregisters the device, so a `newlink` that fails after
/// registering a device (e.g. the peer, before its own device) leaves nothing behind. A device
/// that stays is kept with [`Registered::keep`]; the adapter keeps the one `newlink` returns.
///
/// # Invariants
///
/// `dev` was registered in the RTNL section `'a`, in a `newlink` or `init` (where the core walks
/// no device list), and `rtnl` proves that section.
pub struct Registered<'a, T: Driver> {
    dev: &'a DriverDevice<T>,
    rtnl: &'a Rtnl,
}

impl<'a, T: Driver> Registered<'a, T> {
    /// Creates the proof.
    ///
    /// # Safety
    ///
    /// `dev` was registered under the RTNL section `'a`, in a `newlink` or `init` (where the
    /// core walks no device list).
    #[inline]
    pub(crate) unsafe fn new(dev: &'a DriverDevice<T>, rtnl: &'a Rtnl) -> Self {
        // INVARIANT: Per the safety requirements.
        Self { dev, rtnl }
    }

    /// Keeps the device registered and returns it for as long as the RTNL proof.
    #[inline]
    pub fn keep(self) -> &'a DriverDevice<T> {
        core::mem::ManuallyDrop::new(self).dev
    }

    /// Returns the registered device for as long as the RTNL proof given to `register`.
    #[inline]
    pub fn dev(&self) -> &'a DriverDevice<T> {
        self.dev
    }

    /// Changes the `IFF_*` flags as user space would (`dev_change_flags`).
    ///
    /// Only here, in the `newlink` that registered the device: `dev_change_flags()` takes the
    /// ops lock, which the core holds around most callbacks of an ops-locked device (`open`,
    /// `stop`, `bpf`, `queue_create`), where this would deadlock.
    #[inline]
    pub fn change_flags(&self, flags: Flags, _rtnl: &Rtnl) -> Result {
        // SAFETY: The device is valid and RTNL is held; `newlink` runs with no lock of the
        // device held (`rtnl_newlink_create()` takes the ops lock only after it).
        to_result(unsafe {
            bindings::dev_change_flags(self.dev.as_raw(), u32::from(flags), core::ptr::null_mut())
        })
    }

    /// Configures the device as `RTM_NEWLINK` asks (`rtnl_configure_link`): brings it up if
    /// asked, and announces it.
    ///
    /// Only here, like [`Registered::change_flags`]: `rtnl_configure_link()` takes the ops lock.
    #[inline]
    pub fn configure(&self) -> Result {
        // SAFETY: The device is valid and RTNL is held (`self.rtnl`); no lock of the device is
        // held, as for `change_flags`.
        to_result(unsafe {
            bindings::rtnl_configure_link(
                self.dev.as_raw(),
                core::ptr::null(),
                0,
                core::ptr::null_mut(),
            )
        })
    }

    /// Unregisters the device at once (`unregister_netdevice`), as dropping the guard does;
    /// does nothing if it is already being unregistered.
    ///
    /// Only a device registered here can be unregistered at once: a `dellink` queues the
    /// device, as the core walks the namespace's device list around it.
    #[inline]
    pub fn unregister(self) {
        drop(self);
    }
}

impl<T: Driver> Drop for Registered<'_, T> {
    fn drop(&mut self) {
        // By the type invariant RTNL is held and no device list walk is disturbed.
        self.dev.unregister_now(self.rtnl);
    }
}

impl<T: Driver> Deref for Registered<'_, T> {
    type Target = DriverDevice<T>;

    #[inline]
    fn deref(&self) -> &DriverDevice<T> {
        self.dev
    }
}

/// Creates a device of the same link kind as `dev` in `net` (`rtnl_create_link`).
///
/// The new device lives in this RTNL section only: it is registered in the `newlink` that
/// creates it or freed.
pub fn create_link<'a, T: Driver>(
    dev: &Unregistered<T>,
    net: &Namespace,
    name: &IfName,
    assign: NameAssign,
    tb: &LinkAttrs<'_>,
    extack: &mut ExtAck<'_>,
    rtnl: &'a Rtnl,
) -> Result<NewDevice<'a, T>> {
    // SAFETY: `dev` is a valid device of `T`; the core set its link ops before `newlink`.
    let ops = unsafe { (*dev.as_raw()).rtnl_link_ops };
    if ops.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: All pointers are valid; `tb` is an `IFLA_MAX + 1` table of `IFLA_*` attributes by
    // the type invariant of `LinkAttrs`; RTNL is held.
    let new = from_err_ptr(unsafe {
        bindings::rtnl_create_link(
            net.as_raw(),
            name.as_char_ptr(),
            assign as u8,
            ops,
            tb.as_raw(),
            extack.as_raw(),
        )
    })?;
    let new = NonNull::new(new).ok_or(ENOMEM)?;
    // SAFETY: `rtnl_create_link` allocated the device with `ops`, whose setup is `T`'s, and
    // gives it to us unregistered. An `Unregistered` exists only in a `newlink` (through
    // `NewLink` or a `NewDevice`, which lives no longer than the `newlink`) and in the `init`
    // and `abort_init` of a registration, which only such a `newlink` makes.
    Ok(unsafe { NewDevice::from_raw(new, rtnl) })
}

/// A link kind (`struct rtnl_link_ops`).
///
/// All callbacks run under RTNL.
#[vtable]
pub trait Link: Driver {
    /// The kind, as in `ip link add type <KIND>`.
    const KIND: &'static CStr;
    /// The policy of the kind's attributes; the highest attribute type is `POLICY.len() - 1`.
    const POLICY: &'static [Policy];
    /// The attribute that carries a peer's `struct ifinfomsg` and attributes, or 0.
    ///
    /// The core reads `data[PEER_TYPE]` as a `struct ifinfomsg` and what follows, so a non-zero
    /// type must be in [`Link::POLICY`] with a [`Policy::min_len`] of at least
    /// [`IFINFOMSG_LEN`]; anything else fails to build.
    const PEER_TYPE: u16 = 0;
    /// Most transmit queues a device may have (`EOPNOTSUPP` beyond).
    const MAX_TX_QUEUES: u32 = u32::MAX;
    /// Most receive queues a device may have (`EOPNOTSUPP` beyond).
    const MAX_RX_QUEUES: u32 = u32::MAX;
    /// Queues in use after allocation; the rest can be enabled later (0: all).
    const REAL_QUEUES: u32 = 0;

    /// Validates the attributes of a new or changed link (`validate`).
    fn validate(_tb: &Attrs<'_>, _data: Option<&Attrs<'_>>, _extack: &mut ExtAck<'_>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Configures and registers a new device (`newlink`); the core frees it on error.
    ///
    /// Success needs the proof that [`NewLink::register`] gives.
    fn newlink<'a>(
        dev: NewLink<'a, Self>,
        params: &NewLinkParams<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &'a Rtnl,
    ) -> Result<Registered<'a, Self>>;

    /// Changes an existing device (`changelink`).
    fn changelink(
        _dev: &DriverDevice<Self>,
        _tb: &Attrs<'_>,
        _data: Option<&Attrs<'_>>,
        _extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Queues a device (and what goes with it) for unregistration (`dellink`).
    ///
    /// Also called for a device that leases queues of a physical device being unregistered
    /// (see [`Registration`]). The adapter queues the device afterwards if this did not.
    fn dellink(_dev: &DriverDevice<Self>, _list: &mut UnregisterList<'_>, _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The namespace the device's link lives in (`get_link_net`).
    fn get_link_net<'a>(_dev: &'a DriverDevice<Self>, _rtnl: &'a Rtnl) -> &'a Namespace {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The room [`Link::fill_info`] needs at most (`get_size`): the sum of
    /// [`total_size`](crate::net::nla::total_size) of each attribute. A constant: the core calls
    /// `get_size` to size a message, also under RCU alone (`rtnl_calcit()`), before `fill_info`
    /// fills it under RTNL.
    const INFO_SIZE: usize = 0;

    /// Reports the kind's attributes (`fill_info`) in a message with [`Link::INFO_SIZE`] bytes
    /// of room for them.
    ///
    /// What the message says counts, not what this returns: if an attribute found no room in a
    /// dump's message ([`MsgFull`]), the device goes into the next message; an attribute beyond
    /// `INFO_SIZE` is left out, with a warning in the kernel log, as the core WARNs on a message
    /// that `get_size` made too small.
    fn fill_info(
        _dev: &DriverDevice<Self>,
        _msg: &mut Msg<'_>,
        _rtnl: &Rtnl,
    ) -> Result<(), MsgFull> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

struct LinkAdapter<T: Link>(PhantomData<T>);

impl<T: Link> LinkAdapter<T> {
    /// Whether the peer attribute is one the core can parse (see [`Link::PEER_TYPE`]).
    const POLICY_IS_VALID: () = {
        // `rtnl_link_register()` WARNs and fails beyond `RTNL_MAX_TYPE`, the size of the
        // tables `rtnl_newlink()` parses into.
        assert!(
            T::POLICY.len() <= RTNL_MAX_TYPE + 1,
            "Link::POLICY has more than RTNL_MAX_TYPE + 1 entries"
        );
        let peer = T::PEER_TYPE as usize;
        assert!(
            peer == 0 || (peer < T::POLICY.len() && T::POLICY[peer].has_min_len(IFINFOMSG_LEN)),
            "Link::PEER_TYPE needs a POLICY entry of Policy::min_len(IFINFOMSG_LEN) or more"
        );
    };

    fn ops() -> bindings::rtnl_link_ops {
        bindings::rtnl_link_ops {
            kind: T::KIND.as_char_ptr(),
            priv_size: crate::net::dev::priv_size::<T>(),
            alloc: Some(Self::alloc),
            setup: Some(Adapter::<T>::setup),
            peer_type: T::PEER_TYPE,
            maxtype: (T::POLICY.len() as u32).saturating_sub(1),
            policy: Policy::table(T::POLICY),
            validate: if T::HAS_VALIDATE {
                Some(Self::validate)
            } else {
                None
            },
            newlink: Some(Self::newlink),
            changelink: if T::HAS_CHANGELINK {
                Some(Self::changelink)
            } else {
                None
            },
            dellink: if T::HAS_DELLINK {
                Some(Self::dellink)
            } else {
                None
            },
            get_link_net: if T::HAS_GET_LINK_NET {
                Some(Self::get_link_net)
            } else {
                None
            },
            get_size: if T::HAS_FILL_INFO {
                Some(Self::get_size)
            } else {
                None
            },
            fill_info: if T::HAS_FILL_INFO {
                Some(Self::fill_info)
            } else {
                None
            },
            ..pin_init::zeroed()
        }
    }

    /// # Safety
    ///
    /// `dev` is a device of this link kind, valid for `'a`.
    unsafe fn dev<'a>(dev: *const bindings::net_device) -> &'a DriverDevice<T> {
        // SAFETY: Devices of this kind are set up by `Adapter::<T>::setup`.
        unsafe { DriverDevice::from_raw(dev.cast_mut()) }
    }

    fn data_len() -> usize {
        T::POLICY.len()
    }

    /// Called by the core as `rtnl_link_ops::alloc`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `rtnl_link_ops::alloc` for a device of this
    /// driver.
    unsafe extern "C" fn alloc(
        _tb: *mut *mut bindings::nlattr,
        ifname: *const c_char,
        name_assign_type: u8,
        num_tx_queues: u32,
        num_rx_queues: u32,
    ) -> *mut bindings::net_device {
        if num_tx_queues > T::MAX_TX_QUEUES || num_rx_queues > T::MAX_RX_QUEUES {
            return EOPNOTSUPP.to_ptr();
        }
        // SAFETY: `ifname` is a valid name; the private size and setup function are `T`'s.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                crate::net::dev::priv_size::<T>() as c_int,
                ifname,
                name_assign_type,
                Some(Adapter::<T>::setup),
                num_tx_queues,
                num_rx_queues,
            )
        };
        if !dev.is_null() && T::REAL_QUEUES != 0 {
            // SAFETY: The device is new and only ours.
            unsafe {
                (*dev).real_num_tx_queues = T::REAL_QUEUES.min(num_tx_queues);
                (*dev).real_num_rx_queues = T::REAL_QUEUES.min(num_rx_queues);
            }
        }
        dev
    }

    /// Called by the core as `rtnl_link_ops::validate`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `rtnl_link_ops::validate` for a device of this
    /// driver.
    unsafe extern "C" fn validate(
        tb: *mut *mut bindings::nlattr,
        data: *mut *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: The core passes an `IFLA_MAX + 1` table, an optional `maxtype + 1` table and
        // an optional extack, all valid during the call.
        let (tb, data, mut extack) = unsafe {
            (
                Attrs::from_raw(tb, IFLA_TABLE_LEN),
                (!data.is_null()).then(|| Attrs::from_raw(data, Self::data_len())),
                ExtAck::from_raw(extack),
            )
        };
        from_result(|| T::validate(&tb, data.as_ref(), &mut extack).map(|()| 0))
    }

    /// Called by the core as `rtnl_link_ops::newlink`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `rtnl_link_ops::newlink` for a device of this
    /// driver.
    unsafe extern "C" fn newlink(
        dev: *mut bindings::net_device,
        params: *mut bindings::rtnl_newlink_params,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: Called under RTNL with a new, unregistered device of this kind, only ours
        // during the call, and valid parameters.
        // INVARIANT: `NewLink` gets the device the core passed, not registered.
        let (new, params, mut extack, rtnl) = unsafe {
            (
                NewLink {
                    dev: Unregistered::from_raw(dev),
                },
                NewLinkParams {
                    p: &*params,
                    data_len: Self::data_len(),
                },
                ExtAck::from_raw(extack),
                Rtnl::assume_held(),
            )
        };
        let err = match T::newlink(new, &params, &mut extack, &rtnl) {
            Ok(reg) if core::ptr::eq(reg.as_raw(), dev) && reg.is_registered() => {
                reg.keep();
                return 0;
            }
            // The driver unregistered the device it registered, or returned another, then
            // reported success (the guard unregisters another).
            Ok(_) => {
                crate::pr_err!(
                    "{}: newlink returned a device it did not register\n",
                    T::KIND.to_str().unwrap_or("?")
                );
                EINVAL
            }
            Err(e) => e,
        };
        // SAFETY: The device is valid for the call.
        if unsafe { crate::net::dev::reg_state(dev) }
            == bindings::netdev_reg_state_NETREG_REGISTERED
        {
            // `newlink` failed after registering the device. The core frees it with
            // `free_netdev()`, which defers the free of a device that is being unregistered
            // (as after a failed `NETDEV_REGISTER`), but not of a registered one.
            // SAFETY: The device is registered and not queued; RTNL is held.
            unsafe { bindings::unregister_netdevice_queue(dev, core::ptr::null_mut()) };
        }
        err.to_errno()
    }

    /// Called by the core as `rtnl_link_ops::changelink`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `rtnl_link_ops::changelink` for a device of this
    /// driver.
    unsafe extern "C" fn changelink(
        dev: *mut bindings::net_device,
        tb: *mut *mut bindings::nlattr,
        data: *mut *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: Called under RTNL with a device of this kind and valid tables.
        let (dev, tb, data, mut extack, rtnl) = unsafe {
            (
                Self::dev(dev),
                Attrs::from_raw(tb, IFLA_TABLE_LEN),
                (!data.is_null()).then(|| Attrs::from_raw(data, Self::data_len())),
                ExtAck::from_raw(extack),
                Rtnl::assume_held(),
            )
        };
        from_result(|| T::changelink(dev, &tb, data.as_ref(), &mut extack, &rtnl).map(|()| 0))
    }

    /// Called by the core as `rtnl_link_ops::dellink`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `rtnl_link_ops::dellink` for a device of this
    /// driver.
    unsafe extern "C" fn dellink(dev: *mut bindings::net_device, head: *mut bindings::list_head) {
        // SAFETY: Called under RTNL with a device of this kind and an unregistration list.
        let (dev, mut list, rtnl) = unsafe {
            (
                Self::dev(dev),
                UnregisterList::from_raw(head),
                Rtnl::assume_held(),
            )
        };
        Self::del(dev, &mut list, &rtnl);
    }

    /// Runs the driver's `dellink` on `dev`, then queues `dev` for unregistration if `dellink`
    /// did not: the core relies on it (`__rtnl_kill_links()` on module unload and
    /// `default_device_exit_batch()` on namespace exit would leave a device whose ops and
    /// namespace are freed; a lease would hold the physical device forever).
    fn del(dev: &DriverDevice<T>, list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
        T::dellink(dev, list, rtnl);
        // No-op if it is queued.
        dev.unregister_queue(list, rtnl);
    }

    /// Called by the core as `rtnl_link_ops::get_link_net`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `rtnl_link_ops::get_link_net` for a device of
    /// this driver.
    unsafe extern "C" fn get_link_net(dev: *const bindings::net_device) -> *mut bindings::net {
        // SAFETY: Called under RTNL with a device of this kind.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        T::get_link_net(dev, &rtnl).as_raw()
    }

    /// Called by the core as `rtnl_link_ops::get_size`; the device is not used.
    extern "C" fn get_size(_dev: *const bindings::net_device) -> usize {
        T::INFO_SIZE
    }

    /// Called by the core as `rtnl_link_ops::fill_info`.
    ///
    /// # Safety
    ///
    /// The arguments are those the core passes to `rtnl_link_ops::fill_info` for a device of this
    /// driver.
    unsafe extern "C" fn fill_info(
        skb: *mut bindings::sk_buff,
        dev: *const bindings::net_device,
    ) -> c_int {
        // SAFETY: Called under RTNL with a device of this kind.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        // SAFETY: A message being built, which only the callback writes to during the call, with
        // room for the `INFO_SIZE` that `get_size` said.
        let mut msg = unsafe { Msg::from_raw(skb, T::INFO_SIZE) };
        // The message says what happened, not the result, which may be a `MsgFull` of another
        // message or ignore one of this.
        let _ = T::fill_info(dev, &mut msg, &rtnl);
        if msg.over_budget() {
            crate::pr_warn_once!(
                "{}: fill_info wrote more than INFO_SIZE; attributes left out\n",
                T::KIND
            );
        }
        if msg.is_full() {
            EMSGSIZE.to_errno()
        } else {
            0
        }
    }
}

/// A registered link kind (`rtnl_link_register`), unregistered on drop together with all its
/// devices (`rtnl_link_unregister`).
///
/// With it comes a netdevice notifier: when a physical device is unregistered, the devices of
/// the kind that lease its queues ([`Driver::QUEUE_MGMT_OPS`]) are deleted in a batch of their
/// own from its `NETDEV_UNREGISTER`, as if with `ip link del` (`Link::dellink`, as
/// `netkit_check_lease_unregister()` does). Leases therefore end, in the lessee's `ndo_uninit`,
/// before the physical device's unregistration waits for its references, and a queue reached
/// through a lease stays valid as long as [`crate::net::queue`] says.
///
/// # Invariants
///
/// `ops` is registered with `rtnl_link_register` for the lifetime of `self`.
#[pin_data(PinnedDrop)]
pub struct Registration<T: Link> {
    #[pin]
    ops: Opaque<bindings::rtnl_link_ops>,
    #[pin]
    lessees: notifier::Registration<Lessees<T>>,
    _t: PhantomData<T>,
}

/// The notifier of a [`Registration`] that deletes the devices of kind `T` leasing queues of a
/// physical device being unregistered.
struct Lessees<T>(PhantomData<fn() -> T>);

impl<T: Link> NetdevNotifier for Lessees<T> {
    fn unregistering(&self, dev: &Device, list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
        if T::QUEUE_MGMT_OPS.is_none() || !dev.has_parent() {
            return;
        }
        for idx in 0..dev.real_num_rx_queues() {
            let Some(lessee) = lessee_of::<T>(dev, idx, rtnl) else {
                continue;
            };
            // Several queues may be leased to one device: queue it once.
            if lessee.is_unregister_queued(rtnl) {
                continue;
            }
            if T::HAS_DELLINK {
                LinkAdapter::<T>::del(lessee, list, rtnl);
            } else {
                lessee.unregister_queue(list, rtnl);
            }
        }
    }
}

/// The device of kind `T` that leases queue `idx` of `phys`, a physical device being
/// unregistered, if any.
///
/// Found under `phys`'s ops lock, but returned for the RTNL section: `dellink` must not run
/// under the physical device's lock, which it could need itself, and which would invert the
/// lock order (virtual device first) against `queue-create`. Under RTNL the leases of a device
/// being unregistered stay as they are: no new one starts (`netdev_put_lock()` refuses a device
/// past `NETREG_REGISTERED`), and they end only in `ndo_uninit`, which runs under RTNL.
fn lessee_of<'a, T: Link>(phys: &Device, idx: u32, rtnl: &'a Rtnl) -> Option<&'a DriverDevice<T>> {
    let ops = phys.lock_ops(rtnl);
    let virt = ops.rx_queue_lease(idx, LeaseDir::PhysToVirt)?;
    let lessee = DriverDevice::<T>::from_device(virt.dev())?;
    // SAFETY: The lessee is a registered device (a device leases only once registered, and is
    // unleased in its `ndo_uninit`), which stays valid while RTNL is held, as the lease does
    // (see above).
    Some(unsafe { &*core::ptr::from_ref(lessee) })
}

// SAFETY: Registration and unregistration may happen on any thread.
unsafe impl<T: Link> Send for Registration<T> {}
// SAFETY: `&self` gives no access to the ops.
unsafe impl<T: Link> Sync for Registration<T> {}

impl<T: Link> Registration<T> {
    /// Registers the link kind `T`.
    ///
    /// Registering and dropping the registration take RTNL (its notifier's, see
    /// [`notifier::Registration::new`], and `rtnl_link_unregister()`): neither may happen with
    /// RTNL held.
    pub fn new() -> impl PinInit<Self, Error> {
        // Fails the build for a `PEER_TYPE` the core would read out of bounds.
        #[allow(clippy::let_unit_value)]
        let () = LinkAdapter::<T>::POLICY_IS_VALID;
        try_pin_init!(Self {
            // First: the notifier is dropped (unregistered) if registering the kind fails, while
            // a registered kind would stay behind if its notifier failed.
            lessees <- notifier::Registration::new(Lessees(PhantomData)),
            ops <- Opaque::try_ffi_init(|slot: *mut bindings::rtnl_link_ops| {
                // SAFETY: `slot` is valid for writes.
                unsafe { slot.write(LinkAdapter::<T>::ops()) };
                // SAFETY: `slot` holds valid, pinned ops that stay registered until `drop`.
                // INVARIANT: Registered on success.
                to_result(unsafe { bindings::rtnl_link_register(slot) })
            }),
            _t: PhantomData,
        })
    }
}

#[pinned_drop]
impl<T: Link> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: Registered by the type invariant; this also removes every device of the kind.
        unsafe { bindings::rtnl_link_unregister(self.ops.get()) };
    }
}
