// SPDX-License-Identifier: GPL-2.0

//! BPF programs on network packets: programs, multi-program attach points and links.
//!
//! C headers: [`include/linux/bpf.h`](srctree/include/linux/bpf.h),
//! [`include/linux/bpf_mprog.h`](srctree/include/linux/bpf_mprog.h),
//! [`include/linux/filter.h`](srctree/include/linux/filter.h).

use crate::{
    bindings,
    error::from_err_ptr,
    impl_flags,
    net::skbuff::{
        DropReason,
        SkBuff,
        TxContext, //
    },
    prelude::*,
    sync::aref::{
        ARef,
        AlwaysRefCounted, //
    },
    types::Opaque, //
};
use core::{
    marker::PhantomData,
    ptr::NonNull, //
};

pub mod link;
pub mod mprog;
#[cfg(CONFIG_NETKIT_BPF_OPS)]
pub mod netkit;

/// Where a program is attached (`enum bpf_attach_type`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AttachType(u32);

impl AttachType {
    /// `BPF_NETKIT_PRIMARY`: the transmit path of a netkit pair's primary device.
    pub const NETKIT_PRIMARY: Self = Self(bindings::bpf_attach_type_BPF_NETKIT_PRIMARY);
    /// `BPF_NETKIT_PEER`: the transmit path of a netkit pair's peer device.
    pub const NETKIT_PEER: Self = Self(bindings::bpf_attach_type_BPF_NETKIT_PEER);

    /// Creates the type from its uAPI value.
    #[inline]
    pub const fn from_raw(v: u32) -> Self {
        Self(v)
    }

    /// Returns the uAPI value.
    #[inline]
    pub const fn as_raw(self) -> u32 {
        self.0
    }
}

impl_flags!(
    /// The attach flags of `BPF_PROG_ATTACH`/`BPF_PROG_DETACH` and `BPF_LINK_CREATE` (`BPF_F_*`).
    ///
    /// A request's flags are kept as user space gave them, unknown bits included: the
    /// multi-program attach functions refuse those (`EINVAL`), as for the C attach points.
    #[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
    pub struct AttachFlags(u32);

    /// An attach flag (`BPF_F_*`).
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum AttachFlag {
        /// Replace the program given by `replace_bpf_fd` (`BPF_F_REPLACE`).
        Replace = bindings::BPF_F_REPLACE,
        /// The relative fd or id names a link (`BPF_F_LINK`).
        Link = bindings::BPF_F_LINK,
        /// Insert before the relative program or link (`BPF_F_BEFORE`).
        Before = bindings::BPF_F_BEFORE,
        /// Insert after the relative program or link (`BPF_F_AFTER`).
        After = bindings::BPF_F_AFTER,
        /// The relative object is named by id, not fd (`BPF_F_ID`).
        Id = bindings::BPF_F_ID,
    }
);

impl AttachFlags {
    /// The set with the bits of `bits`, as a request carries them.
    #[inline]
    pub(crate) const fn from_raw(bits: u32) -> Self {
        Self(bits)
    }
}

/// A loaded BPF program (`struct bpf_prog`).
///
/// # Invariants
///
/// The object is a valid `bpf_prog`, kept alive by the reference counts of `bpf_prog_inc` and
/// `bpf_prog_put`.
#[repr(transparent)]
pub struct Prog(Opaque<bindings::bpf_prog>);

// SAFETY: A program may be used and released from any thread.
unsafe impl Send for Prog {}
// SAFETY: The `&self` methods only read fields fixed once the program is loaded.
unsafe impl Sync for Prog {}

// SAFETY: `bpf_prog_inc`/`bpf_prog_put` keep the program alive while a reference is held.
unsafe impl AlwaysRefCounted for Prog {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The program is valid by the type invariant.
        unsafe { bindings::bpf_prog_inc(self.as_raw()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller gives up a reference it owns.
        unsafe { bindings::bpf_prog_put(obj.as_ptr().cast()) };
    }
}

impl PartialEq for Prog {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self, other)
    }
}

impl Eq for Prog {}

impl Prog {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid program that stays alive for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::bpf_prog) -> &'a Self {
        // SAFETY: `Prog` is a transparent wrapper; the caller guarantees validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::bpf_prog {
        self.0.get()
    }

    /// Takes a new reference on the program behind file descriptor `fd` of the calling process,
    /// which must be of type `prog_type` (`bpf_prog_get_type`).
    pub fn get_by_fd(fd: u32, prog_type: u32) -> Result<ARef<Self>> {
        // SAFETY: No requirements; the result is a program with a reference for us or an error.
        let ptr = from_err_ptr(unsafe { bindings::bpf_prog_get_type(fd, prog_type) })?;
        // SAFETY: `ptr` is valid and we own a reference on it.
        Ok(unsafe { ARef::from_raw(NonNull::new_unchecked(ptr.cast())) })
    }

    /// Returns the program's id.
    #[inline]
    pub fn id(&self) -> u32 {
        // SAFETY: The program is valid; its aux data lives as long as the program, and the id
        // is set before the program is published (`bpf_prog_load()`) and never changes.
        unsafe { (*(*self.as_raw()).aux).id }
    }

    /// Returns the program's type (`enum bpf_prog_type`).
    #[inline]
    pub fn prog_type(&self) -> u32 {
        // SAFETY: The program is valid; its type is set when it is loaded and never changes.
        unsafe { (*self.as_raw()).type_ }
    }
}

/// A `BPF_PROG_ATTACH` or `BPF_PROG_DETACH` request (`union bpf_attr`).
///
/// # Invariants
///
/// `attr` is a valid request of one of these commands.
pub struct AttachRequest<'a> {
    attr: &'a bindings::bpf_attr,
}

impl<'a> AttachRequest<'a> {
    /// Wraps a request.
    ///
    /// # Safety
    ///
    /// `attr` is a valid `BPF_PROG_ATTACH` or `BPF_PROG_DETACH` request that lives for `'a`.
    #[inline]
    pub unsafe fn from_raw(attr: *const bindings::bpf_attr) -> Self {
        // SAFETY: Per the safety requirements.
        let attr = unsafe { &*attr };
        Self { attr }
    }

    /// The members of `union bpf_attr` for `BPF_PROG_ATTACH` and `BPF_PROG_DETACH`.
    #[inline]
    fn attach(&self) -> &bindings::bpf_attr__bindgen_ty_6 {
        // SAFETY: By the type invariant `attr` is such a request, so this anonymous struct is
        // the active member; its fields are plain data.
        unsafe { &self.attr.__bindgen_anon_5 }
    }

    /// The device the request is for (`target_ifindex`).
    #[inline]
    pub fn target_ifindex(&self) -> u32 {
        // SAFETY: Plain data; `target_ifindex` and `target_fd` share it.
        unsafe { self.attach().__bindgen_anon_1.target_ifindex }
    }

    /// Where to attach (`attach_type`).
    #[inline]
    pub fn attach_type(&self) -> AttachType {
        AttachType(self.attach().attach_type)
    }

    /// The `BPF_F_*` flags (`attach_flags`).
    #[inline]
    pub fn flags(&self) -> AttachFlags {
        AttachFlags::from_raw(self.attach().attach_flags)
    }

    /// With [`AttachFlag::Replace`], the program to replace (`replace_bpf_fd`).
    #[inline]
    pub fn replace_fd(&self) -> u32 {
        self.attach().replace_bpf_fd
    }

    /// The position the request names.
    #[inline]
    pub fn position(&self) -> mprog::Position {
        mprog::Position {
            flags: self.flags(),
            // SAFETY: Plain data; `relative_fd` and `relative_id` share it.
            relative: unsafe { self.attach().__bindgen_anon_2.relative_fd },
            revision: self.attach().expected_revision,
        }
    }
}

/// A `BPF_LINK_CREATE` request for a tcx or netkit attach point (`union bpf_attr`).
///
/// # Invariants
///
/// `attr` is a valid request of this command.
pub struct LinkRequest<'a> {
    attr: &'a bindings::bpf_attr,
}

impl<'a> LinkRequest<'a> {
    /// Wraps a request.
    ///
    /// # Safety
    ///
    /// `attr` is a valid `BPF_LINK_CREATE` request that lives for `'a`.
    #[inline]
    pub unsafe fn from_raw(attr: *const bindings::bpf_attr) -> Self {
        // SAFETY: Per the safety requirements.
        let attr = unsafe { &*attr };
        Self { attr }
    }

    /// The device the request is for (`link_create.target_ifindex`).
    #[inline]
    pub fn target_ifindex(&self) -> u32 {
        // SAFETY: `attr` is a `BPF_LINK_CREATE` request, so `link_create` is the active member;
        // `target_ifindex` and `target_fd` share plain data.
        unsafe { self.attr.link_create.__bindgen_anon_2.target_ifindex }
    }

    /// Where to attach (`link_create.attach_type`).
    #[inline]
    pub fn attach_type(&self) -> AttachType {
        // SAFETY: `attr` is a `BPF_LINK_CREATE` request, so `link_create` is the active member.
        AttachType(unsafe { self.attr.link_create.attach_type })
    }

    /// The position the request names (`link_create.flags`, `.netkit.relative_fd` and
    /// `.netkit.expected_revision`, which tcx shares).
    #[inline]
    pub fn position(&self) -> mprog::Position {
        mprog::Position {
            // SAFETY: `attr` is a `BPF_LINK_CREATE` request, so `link_create` is the active member.
            flags: AttachFlags::from_raw(unsafe { self.attr.link_create.flags }),
            // SAFETY: As above; the attach-type-specific members are plain data.
            relative: unsafe {
                self.attr
                    .link_create
                    .__bindgen_anon_3
                    .netkit
                    .__bindgen_anon_1
                    .relative_fd
            },
            // SAFETY: As above.
            revision: unsafe {
                self.attr
                    .link_create
                    .__bindgen_anon_3
                    .netkit
                    .expected_revision
            },
        }
    }
}

/// A `BPF_PROG_QUERY` request and the user memory of its answer.
///
/// # Invariants
///
/// `attr` is a valid request of this command, copied in from `uattr`, the caller's buffer.
pub struct QueryRequest<'a> {
    attr: *const bindings::bpf_attr,
    uattr: *mut bindings::bpf_attr,
    _p: PhantomData<&'a bindings::bpf_attr>,
}

impl<'a> QueryRequest<'a> {
    /// Wraps a request.
    ///
    /// # Safety
    ///
    /// `attr` is a valid `BPF_PROG_QUERY` request that lives for `'a`, copied in from the user
    /// pointer `uattr`.
    #[inline]
    pub unsafe fn from_raw(
        attr: *const bindings::bpf_attr,
        uattr: *mut bindings::bpf_attr,
    ) -> Self {
        // INVARIANT: Per the safety requirements.
        Self {
            attr,
            uattr,
            _p: PhantomData,
        }
    }

    /// The device the request is for (`query.target_ifindex`).
    #[inline]
    pub fn target_ifindex(&self) -> u32 {
        // SAFETY: `attr` is a valid `BPF_PROG_QUERY` request, so `query` is the active member;
        // `target_ifindex` and `target_fd` share plain data.
        unsafe { (*self.attr).query.__bindgen_anon_1.target_ifindex }
    }

    /// The attach point asked about (`query.attach_type`).
    #[inline]
    pub fn attach_type(&self) -> AttachType {
        // SAFETY: `attr` is valid; the field is plain data.
        AttachType(unsafe { (*self.attr).query.attach_type })
    }
}

/// The BPF networking context of the current task (`struct bpf_net_context`), which holds the
/// redirect target a program sets with `bpf_redirect*()`.
///
/// Only [`with_net_context`] makes one, for the duration of a closure.
///
/// # Invariants
///
/// The context is set for the current task (or an outer one is) while the reference lives.
pub struct NetContext(Opaque<bindings::bpf_net_context>);

/// Runs `f` with the current task's BPF networking context set (`bpf_net_ctx_set`), as a
/// transmit path that runs programs needs; an outer context, if any, is kept.
#[inline]
pub fn with_net_context<R>(f: impl FnOnce(&NetContext) -> R) -> R {
    let ctx = NetContext(Opaque::uninit());
    // SAFETY: `ctx` lives on this stack frame, is not moved while set and is cleared below
    // before it goes away.
    let set = unsafe { bindings::bpf_net_ctx_set(ctx.0.get()) };
    // INVARIANT: The context is set (or an outer one was).
    let ret = f(&ctx);
    // SAFETY: `set` is what `bpf_net_ctx_set` returned: our context or NULL (no-op).
    unsafe { bindings::bpf_net_ctx_clear(set) };
    ret
}

impl NetContext {
    /// Sends the packet where the program that ran on it redirected it (`skb_do_redirect`),
    /// from the transmit path (`_tx`: RCU and bottom halves off, as the redirect needs).
    ///
    /// The packet is consumed even if the redirect fails, in which case it was dropped. A peer
    /// redirect (`BPF_F_PEER`) hands the packet back for another round at tc ingress
    /// (`-EAGAIN`), which the transmit path is not: it is dropped.
    #[inline]
    pub fn redirect(&self, skb: SkBuff<'_>, _tx: &TxContext) {
        let skb = skb.into_raw();
        // SAFETY: We pass our reference on unless `-EAGAIN` is returned; a BPF networking
        // context is set, as the type invariant guarantees, and so is the redirect target a
        // program stored there; RCU and bottom halves are off (`_tx`).
        let ret = unsafe { bindings::skb_do_redirect(skb.as_ptr()) };
        if ret == EAGAIN.to_errno() {
            // SAFETY: `-EAGAIN` means the packet was not consumed: the reference is still ours.
            unsafe { SkBuff::from_raw(skb) }.drop_reason(DropReason::NotSpecified);
        }
    }
}

/// Runs `prog` on `skb` (`bpf_compute_data_pointers` + `bpf_prog_run`).
///
/// # Safety
///
/// `prog` is a valid program of type `BPF_PROG_TYPE_SCHED_CLS` that stays alive during the
/// call; the caller is in an RCU read-side section with migration disabled and a BPF
/// networking context set.
#[inline]
unsafe fn run_skb(prog: *const bindings::bpf_prog, skb: &mut SkBuff<'_>) -> u32 {
    let skb = skb.as_raw();
    // SAFETY: `skb` is ours and valid.
    unsafe { bindings::bpf_compute_data_pointers(skb) };
    // SAFETY: Per the safety requirements; a tc program's context is the skb.
    unsafe { bindings::bpf_prog_run(prog, skb.cast()) }
}
