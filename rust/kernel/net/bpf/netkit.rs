// SPDX-License-Identifier: GPL-2.0

//! The BPF syscall's way to a netkit implementation in a module (`struct netkit_bpf_ops`).
//!
//! `BPF_PROG_ATTACH`, `BPF_PROG_DETACH`, `BPF_PROG_QUERY` and `BPF_LINK_CREATE` for
//! `BPF_NETKIT_PRIMARY` and `BPF_NETKIT_PEER` reach the implementation registered with
//! [`Registration`]; without one they fail with `EINVAL`. One implementation is registered at a
//! time.
//!
//! Netkit's own interface, not a general one: the C side exports it only to the `netkit` and
//! `netkit_rs` modules, so only a netkit implementation links against it. It is in the `kernel`
//! crate because wrapping it takes `unsafe`, which drivers do not have; the attach types it
//! serves ([`AttachType::NETKIT_PRIMARY`](super::AttachType::NETKIT_PRIMARY), ...) and
//! `bpf_link_info::netkit` are uAPI, which the general types name like every other.
//!
//! C header: [`include/net/netkit.h`](srctree/include/net/netkit.h).

use super::{
    AttachRequest,
    LinkRequest,
    Prog,
    QueryRequest, //
};
use crate::{
    bindings,
    error::{
        from_result,
        to_result, //
    },
    module::{
        this_module,
        ModuleMetadata, //
    },
    net::{
        dev::{
            Adapter,
            Driver, //
        },
        rtnl::Rtnl,
    },
    prelude::*,
    sync::aref::ARef, //
};
use core::marker::PhantomData;

/// A netkit implementation's answers to the BPF syscall.
///
/// The core calls these in process context without locks held, with a reference on
/// [`Hook::OwnerModule`]; the adapter takes RTNL around each, as `netkit.c` does, and hands the
/// proof in. The implementation is also the netkit device driver: while it is registered,
/// `bpf_redirect_peer()` calls its [`Driver::get_peer_dev`] through a static call
/// (`netkit_bpf_ops::peer_dev`) rather than a function pointer.
pub trait Hook: Driver {
    /// The module that provides the callbacks (`netkit_bpf_ops::owner`): each call holds a
    /// reference on it, and the ops table is a constant of its image, so a call that started
    /// before the registration was dropped still finds both.
    type OwnerModule: ModuleMetadata;

    /// `BPF_PROG_ATTACH`: attaches `prog`, whose reference belongs to the attach point on
    /// success.
    fn prog_attach(req: &AttachRequest<'_>, prog: ARef<Prog>, rtnl: &Rtnl) -> Result;

    /// `BPF_PROG_DETACH`: detaches `prog`, the program `attach_bpf_fd` names, or the one the
    /// request's position names if `None`.
    fn prog_detach(req: &AttachRequest<'_>, prog: Option<&Prog>, rtnl: &Rtnl) -> Result;

    /// `BPF_PROG_QUERY`.
    fn prog_query(req: &QueryRequest<'_>, rtnl: &Rtnl) -> Result;

    /// `BPF_LINK_CREATE`: creates a link running `prog`; returns its file descriptor.
    fn link_attach(req: &LinkRequest<'_>, prog: ARef<Prog>, rtnl: &Rtnl) -> Result<i32>;
}

/// The registration of a [`Hook`], undone on drop.
///
/// # Invariants
///
/// `ops` is registered with `netkit_bpf_ops_register` and points to `Registration::OPS`, a
/// constant in the image of `T::OwnerModule`.
pub struct Registration<T: Hook> {
    ops: &'static bindings::netkit_bpf_ops,
    _t: PhantomData<T>,
}

// SAFETY: The registration is only created and dropped; C reads `ops`, which is immutable,
// from any thread.
unsafe impl<T: Hook> Send for Registration<T> {}
// SAFETY: `&self` gives no access to anything.
unsafe impl<T: Hook> Sync for Registration<T> {}

impl<T: Hook> Registration<T> {
    /// `T`'s callbacks: a constant, so that a call in flight, which pins `T::OwnerModule`, can
    /// still read it after the registration is gone.
    const OPS: bindings::netkit_bpf_ops = bindings::netkit_bpf_ops {
        owner: this_module::<<T as Hook>::OwnerModule>().as_ptr(),
        prog_attach: Some(Self::prog_attach),
        link_attach: Some(Self::link_attach),
        prog_detach: Some(Self::prog_detach),
        prog_query: Some(Self::prog_query),
        // The function the adapter puts in `ndo_get_peer_dev`, so the core compares equal
        // exactly for devices of `T`.
        peer_dev: if T::HAS_GET_PEER_DEV {
            Some(Adapter::<T>::get_peer_dev)
        } else {
            None
        },
    };

    /// Registers `T`.
    ///
    /// Fails with `EBUSY` if another implementation is registered.
    pub fn new() -> Result<Self> {
        let ops: &'static bindings::netkit_bpf_ops = &Self::OPS;
        // SAFETY: `ops` is valid for the lifetime of the module, which each call pins; `drop`
        // unregisters the same pointer. The core calls `peer_dev` only for a device whose
        // `ndo_get_peer_dev` is that same function, a device of `T`, as the adapter requires,
        // and stops before unregistering returns.
        to_result(unsafe { bindings::netkit_bpf_ops_register(ops) })?;
        // INVARIANT: Registered.
        Ok(Self {
            ops,
            _t: PhantomData,
        })
    }

    /// # Safety
    ///
    /// `attr` is a valid `BPF_PROG_ATTACH` request; `prog` a program the caller holds a
    /// reference on, which is ours on success.
    unsafe extern "C" fn prog_attach(
        attr: *const bindings::bpf_attr,
        prog: *mut bindings::bpf_prog,
    ) -> c_int {
        from_result(|| {
            // SAFETY: Per the safety requirements.
            let (req, p) = unsafe { (AttachRequest::from_raw(attr), Prog::from_raw(prog)) };
            T::prog_attach(&req, p.into(), &Rtnl::lock())?;
            // SAFETY: On success the caller's reference is ours to drop; the attach point holds
            // the one taken above.
            unsafe { bindings::bpf_prog_put(prog) };
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `attr` is a valid `BPF_LINK_CREATE` request; `prog` a program the caller holds a
    /// reference on, which is ours on success.
    unsafe extern "C" fn link_attach(
        attr: *const bindings::bpf_attr,
        prog: *mut bindings::bpf_prog,
    ) -> c_int {
        from_result(|| {
            // SAFETY: Per the safety requirements.
            let (req, p) = unsafe { (LinkRequest::from_raw(attr), Prog::from_raw(prog)) };
            let fd = T::link_attach(&req, p.into(), &Rtnl::lock())?;
            // SAFETY: As in `prog_attach`; the link holds the reference taken above.
            unsafe { bindings::bpf_prog_put(prog) };
            Ok(fd)
        })
    }

    /// # Safety
    ///
    /// `attr` is a valid `BPF_PROG_DETACH` request; `prog` is NULL or a program the caller
    /// holds a reference on.
    unsafe extern "C" fn prog_detach(
        attr: *const bindings::bpf_attr,
        prog: *mut bindings::bpf_prog,
    ) -> c_int {
        from_result(|| {
            // SAFETY: Per the safety requirements.
            let req = unsafe { AttachRequest::from_raw(attr) };
            // SAFETY: Per the safety requirements.
            let prog = (!prog.is_null()).then(|| unsafe { Prog::from_raw(prog) });
            T::prog_detach(&req, prog, &Rtnl::lock())?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `attr` is a valid `BPF_PROG_QUERY` request copied in from `uattr`.
    unsafe extern "C" fn prog_query(
        attr: *const bindings::bpf_attr,
        uattr: *mut bindings::bpf_attr,
    ) -> c_int {
        from_result(|| {
            // SAFETY: Per the safety requirements.
            let req = unsafe { QueryRequest::from_raw(attr, uattr) };
            T::prog_query(&req, &Rtnl::lock())?;
            Ok(0)
        })
    }
}

impl<T: Hook> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: `ops` is registered by the type invariant. On return no new call starts;
        // calls in flight hold a reference on the module, which keeps its code and `ops` alive.
        unsafe { bindings::netkit_bpf_ops_unregister(self.ops) };
    }
}
