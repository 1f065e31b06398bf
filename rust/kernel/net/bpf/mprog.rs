// SPDX-License-Identifier: GPL-2.0

//! Multi-program attach points (`bpf_mprog`), as tcx and netkit use them.
//!
//! A [`Bundle`] holds up to 63 programs and links in order, with a revision that changes on every
//! update. The fast path runs the active programs under RCU; updates build the next entry beside
//! the active one, publish it and wait for readers before the old entry is reused.
//!
//! C header: [`include/linux/bpf_mprog.h`](srctree/include/linux/bpf_mprog.h).

use super::{
    link::{
        self,
        Link,
        Primer, //
    },
    run_skb,
    AttachFlag,
    AttachFlags,
    NetContext,
    Prog,
    QueryRequest, //
};
use crate::{
    bindings,
    error::to_result,
    net::{
        rtnl::Rtnl,
        skbuff::{
            SkBuff,
            TxContext, //
        }, //
    },
    prelude::*,
    sync::{
        aref::ARef,
        atomic::{
            Atomic,
            Relaxed,
            Release, //
        },
    },
    task::might_sleep,
    types::Opaque, //
};
use core::{
    marker::PhantomData,
    ptr::null_mut, //
};

/// Where an attach inserts, or which program a detach removes, relative to the others:
/// `BPF_F_BEFORE`/`BPF_F_AFTER`, with `BPF_F_ID`/`BPF_F_LINK`, the relative fd or id, and the
/// revision the caller expects (0 for any).
#[derive(Clone, Copy, Default, Debug)]
pub struct Position {
    /// The request's `BPF_F_*` flags.
    pub flags: AttachFlags,
    /// The relative program or link, by fd or id.
    pub relative: u32,
    /// The expected revision, or 0.
    pub revision: u64,
}

type Entry = bindings::bpf_mprog_entry;

/// Fails with `EINVAL` unless `prog` is a tc program (`BPF_PROG_TYPE_SCHED_CLS`), the only
/// type [`Bundle::run`] may run on an skb.
fn check_type(prog: &Prog) -> Result {
    if prog.prog_type() == bindings::bpf_prog_type_BPF_PROG_TYPE_SCHED_CLS {
        Ok(())
    } else {
        Err(EINVAL)
    }
}

/// A multi-program attach point whose links are [`Link<T>`]s.
///
/// Attach, detach, query and release run under RTNL, which serialises them; [`Bundle::run`] runs
/// under RCU. Attach, detach and release wait for an RCU grace period, so they must not be called
/// from an atomic context (an [`rcu::Guard`](crate::sync::rcu::Guard) held included): they check
/// it with [`might_sleep()`].
///
/// # Invariants
///
/// - `bundle` was initialised by `bpf_mprog_bundle_init`.
/// - `active` is null or points to `bundle.a` or `bundle.b`, the entry readers use; it is
///   non-null exactly when the bundle holds a program.
/// - Every link in the bundle is a [`Link<T>`], and every program that is not a link's holds a
///   reference owned by the bundle.
#[pin_data]
pub struct Bundle<T: link::Driver> {
    #[pin]
    bundle: Opaque<bindings::bpf_mprog_bundle>,
    active: Atomic<*mut Entry>,
    _links: PhantomData<T>,
}

// SAFETY: The bundle is changed only under RTNL; readers use `READ_ONCE()`/RCU, as in C.
unsafe impl<T: link::Driver> Send for Bundle<T> {}
// SAFETY: As above.
unsafe impl<T: link::Driver> Sync for Bundle<T> {}

impl<T: link::Driver> Bundle<T> {
    /// Creates an empty attach point.
    pub fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `bpf_mprog_bundle_init` initialises the whole bundle, which is pinned.
            bundle <- Opaque::ffi_init(|p| unsafe { bindings::bpf_mprog_bundle_init(p) }),
            active: Atomic::new(null_mut()),
            _links: PhantomData,
        })
    }

    /// The active entry (`rcu_dereference`).
    #[inline]
    fn active(&self) -> *mut Entry {
        // `READ_ONCE()`: readers depend on the address; writers use release stores.
        self.active.load(Relaxed)
    }

    /// The entry to update: the active one, or with `fallback` the first if none is.
    fn fetch(&self, fallback: bool) -> *mut Entry {
        let entry = self.active();
        if entry.is_null() && fallback {
            // SAFETY: The bundle is valid; this only computes a field address.
            unsafe { &raw mut (*self.bundle.get()).a }
        } else {
            entry
        }
    }

    /// Publishes `entry` (`rcu_assign_pointer`) and waits until no reader uses the previous
    /// one (`synchronize_rcu`).
    fn publish(&self, entry: *mut Entry) {
        // INVARIANT: `entry` is an entry of this bundle, or null when it is empty; RTNL
        // serialises writers.
        self.active.store(entry, Release);
        // SAFETY: No requirements. It sleeps: every caller starts with `might_sleep()` (see
        // `attach_raw`).
        unsafe { bindings::synchronize_rcu() };
    }

    /// Prepares the attach of `prog` for `link` (null: a plain program) to `entry`, replacing
    /// `old` if not null (`bpf_mprog_attach`); returns the entry to publish, which may be `entry`
    /// itself. The caller commits `entry` once the result is visible.
    fn mprog_attach(
        &self,
        entry: *mut Entry,
        prog: *mut bindings::bpf_prog,
        link: *mut bindings::bpf_link,
        old: *mut bindings::bpf_prog,
        pos: Position,
    ) -> Result<*mut Entry> {
        let mut new = null_mut();
        // SAFETY: The callers pass an entry of this initialised bundle and hold RTNL, which
        // serialises updates; the programs and the link are valid.
        to_result(unsafe {
            bindings::bpf_mprog_attach(
                entry,
                &mut new,
                prog,
                link,
                old,
                u32::from(pos.flags),
                pos.relative,
                pos.revision,
            )
        })?;
        Ok(new)
    }

    /// Attaches `prog` for `link` (null: a plain program), replacing `old` if not null.
    fn attach_raw(
        &self,
        prog: *mut bindings::bpf_prog,
        link: *mut bindings::bpf_link,
        old: *mut bindings::bpf_prog,
        pos: Position,
    ) -> Result {
        // Attaching sleeps only when it publishes a new entry; check the context every time, so
        // that a caller in an atomic context (an RCU read-side section too) is reported on
        // CONFIG_DEBUG_ATOMIC_SLEEP kernels whatever the bundle holds. No type in the kernel
        // crate expresses a sleepable context.
        might_sleep();
        let entry = self.fetch(true);
        let new = self.mprog_attach(entry, prog, link, old, pos)?;
        if new != entry {
            self.publish(new);
        }
        // SAFETY: No reader uses the old entry any more.
        unsafe { bindings::bpf_mprog_commit(entry) };
        Ok(())
    }

    /// Detaches `prog` for `link` (null: a plain program) (`bpf_mprog_detach`).
    fn detach_raw(
        &self,
        prog: *mut bindings::bpf_prog,
        link: *mut bindings::bpf_link,
        pos: Position,
    ) -> Result {
        // As in `attach_raw`.
        might_sleep();
        let entry = self.fetch(false);
        if entry.is_null() {
            return Err(ENOENT);
        }
        let mut new = null_mut();
        // SAFETY: As in `attach_raw`.
        to_result(unsafe {
            bindings::bpf_mprog_detach(
                entry,
                &mut new,
                prog,
                link,
                u32::from(pos.flags),
                pos.relative,
                pos.revision,
            )
        })?;
        // SAFETY: `new` is an entry of this bundle.
        if unsafe { bindings::bpf_mprog_total(new) } == 0 {
            new = null_mut();
        }
        self.publish(new);
        // SAFETY: No reader uses the old entry any more; this drops a detached program's
        // reference.
        unsafe { bindings::bpf_mprog_commit(entry) };
        Ok(())
    }

    /// Attaches a program at `pos`, replacing `replace` if given (`BPF_PROG_ATTACH`). On success
    /// the bundle owns the reference `prog` carries.
    pub fn attach(
        &self,
        prog: ARef<Prog>,
        replace: Option<&Prog>,
        pos: Position,
        _rtnl: &Rtnl,
    ) -> Result {
        check_type(&prog)?;
        let old = replace.map_or(null_mut(), Prog::as_raw);
        self.attach_raw(prog.as_raw(), null_mut(), old, pos)?;
        // INVARIANT: The bundle keeps the reference until the program is detached or released.
        let _ = ARef::into_raw(prog);
        Ok(())
    }

    /// Detaches a program, `prog` or the one `pos` names (`BPF_PROG_DETACH`).
    pub fn detach(&self, prog: Option<&Prog>, pos: Position, _rtnl: &Rtnl) -> Result {
        self.detach_raw(prog.map_or(null_mut(), Prog::as_raw), null_mut(), pos)
    }

    /// Attaches the program of a new link at `pos` and publishes the link
    /// ([`Primer::settle`]); returns its file descriptor.
    ///
    /// Taking the primer makes the link the bundle's for as long as it is attached: it can be
    /// attached once, and it is not freed (its creation undone) while attached. On failure the
    /// primer is dropped, which undoes the link's creation.
    pub fn attach_link(&self, primer: Primer<T>, pos: Position, _rtnl: &Rtnl) -> Result<i32> {
        let link = primer.link();
        // SAFETY: The link holds a reference on its program.
        check_type(unsafe { Prog::from_raw(link.prog_raw()) })?;
        self.attach_raw(link.prog_raw(), link.as_raw(), null_mut(), pos)?;
        // The link is published with the bundle holding it. Its `release` is expected to
        // detach it; if it does not, the adapter keeps the link and its program alive.
        link.set_attached(true);
        Ok(primer.settle())
    }

    /// Detaches `link`'s program.
    pub fn detach_link(&self, link: &Link<T>, _rtnl: &Rtnl) -> Result {
        self.detach_raw(link.prog_raw(), link.as_raw(), Position::default())?;
        link.set_attached(false);
        Ok(())
    }

    /// Makes `link` run `new` in place of its program, in the same position.
    ///
    /// Fails with `ENOENT` if the bundle holds no program.
    pub fn update_link(&self, link: &Link<T>, new: ARef<Prog>, _rtnl: &Rtnl) -> Result {
        check_type(&new)?;
        let old = link.prog_raw();
        if old == new.as_raw() {
            return Ok(());
        }
        let entry = self.fetch(false);
        if entry.is_null() {
            return Err(ENOENT);
        }
        // SAFETY: `old` is the link's program, which the link holds a reference on.
        let old_id = unsafe { Prog::from_raw(old) }.id();
        let pos = Position {
            flags: AttachFlags::from(AttachFlag::Replace) | AttachFlag::Id,
            relative: old_id,
            revision: 0,
        };
        // Replacing a program in place does not change the entry.
        let new_entry = self.mprog_attach(entry, new.as_raw(), link.as_raw(), old, pos)?;
        crate::warn_on!(new_entry != entry);
        drop(link.replace_prog(new));
        // SAFETY: The replacement is visible; this bumps the revision.
        unsafe { bindings::bpf_mprog_commit(entry) };
        Ok(())
    }

    /// Answers `BPF_PROG_QUERY` (`bpf_mprog_query`).
    pub fn query(&self, req: &QueryRequest<'_>, _rtnl: &Rtnl) -> Result {
        // SAFETY: The request's pointers are valid (its type invariant); the entry is null or
        // belongs to this bundle; RTNL keeps it stable.
        to_result(unsafe { bindings::bpf_mprog_query(req.attr, req.uattr, self.fetch(false)) })
    }

    /// Empties the attach point, as when its device goes away: drops the programs' references
    /// and hands each link to `f`, which must forget the attach point (the links stay alive,
    /// detached).
    pub fn release_all(&self, _rtnl: &Rtnl, mut f: impl FnMut(&Link<T>)) {
        // As in `attach_raw`.
        might_sleep();
        let entry = self.active();
        if entry.is_null() {
            return;
        }
        self.publish(null_mut());
        let bundle = self.bundle.get();
        // SAFETY: `entry` belongs to this bundle, so `parent` is the bundle; no reader uses it
        // any more and RTNL keeps writers out.
        let (fps, cps) = unsafe { ((*entry).fp_items, (*bundle).cp_items) };
        // Forget the programs and links first, so that `f`, which may attach to this bundle
        // again, and a later attach start empty rather than copy references given up below.
        // SAFETY: As above; the bundle is valid and only RTNL holders write it.
        unsafe {
            (*bundle).a.fp_items = pin_init::zeroed();
            (*bundle).b.fp_items = pin_init::zeroed();
            (*bundle).cp_items = pin_init::zeroed();
            (*bundle).count = 0;
        }
        // The last item is always empty: at most `BPF_MPROG_MAX - 1` programs are attached.
        for (fp, cp) in fps.iter().zip(cps.iter()) {
            if fp.prog.is_null() {
                break;
            }
            if cp.link.is_null() {
                // SAFETY: By the type invariant the bundle owns a reference on a plain program.
                unsafe { bindings::bpf_prog_put(fp.prog) };
            } else {
                // SAFETY: By the type invariant links in the bundle are `Link<T>`s; an attached
                // link is alive (it is freed only once detached, see `link::Adapter::dealloc`).
                let link = unsafe { Link::<T>::from_raw(cp.link) };
                f(link);
                // Last: from here on the link may be freed.
                link.set_attached(false);
            }
        }
    }

    /// Runs the active programs on `skb` in order while they return `next`; returns the last
    /// result, or `default` if no program is attached.
    #[inline]
    pub fn run(
        &self,
        skb: &mut SkBuff<'_>,
        default: u32,
        next: u32,
        _ctx: &NetContext,
        _tx: &TxContext,
    ) -> u32 {
        let entry = self.active();
        if entry.is_null() {
            return default;
        }
        let mut ret = default;
        // SAFETY: `entry` is the bundle's active entry, which `publish` waits for RCU readers to
        // leave before it is reused or freed; the transmit path (`_tx`) is one, with bottom
        // halves off, so the programs also run without migrating (`cant_migrate()`).
        let fps = unsafe { &raw mut (*entry).fp_items };
        for i in 0..bindings::BPF_MPROG_MAX as usize {
            // SAFETY: `i` is in bounds; `READ_ONCE()`, paired with `WRITE_ONCE()` of in-place
            // replacements. The last item is always NULL.
            let prog = unsafe { Atomic::from_ptr(&raw mut (*fps)[i].prog) }.load(Relaxed);
            if prog.is_null() {
                break;
            }
            // SAFETY: `prog` is a program of the active entry, alive for the read-side section
            // as above; a BPF networking context is set (`_ctx`).
            ret = unsafe { run_skb(prog, skb) };
            if ret != next {
                break;
            }
        }
        ret
    }
}
