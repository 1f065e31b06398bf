// SPDX-License-Identifier: GPL-2.0

//! BPF links (`struct bpf_link`): a program attached for as long as a file descriptor, a bpffs
//! pin or the attach point keeps it.
//!
//! A link is created in two steps, as in C: [`Link::prime`] allocates it and reserves its file
//! descriptor (`bpf_link_prime`); the caller attaches it, then [`Primer::settle`] publishes the
//! descriptor (`bpf_link_settle`), or dropping the [`Primer`] undoes everything
//! (`bpf_link_cleanup`).
//!
//! C header: [`include/linux/bpf.h`](srctree/include/linux/bpf.h).

use super::{
    AttachType,
    Prog, //
};
use crate::{
    alloc::flags::GFP_KERNEL_ACCOUNT,
    bindings,
    error::{
        from_result,
        VTABLE_DEFAULT_ERROR, //
    },
    module::{
        this_module,
        ModuleMetadata, //
    },
    net::rtnl::Rtnl,
    prelude::*,
    seq_file::SeqFile,
    sync::{
        aref::ARef,
        atomic::{
            Acquire,
            Atomic,
            Full,
            Relaxed,
            Release, //
        },
    },
    types::Opaque, //
};
use core::{
    marker::PhantomData,
    mem::ManuallyDrop,
    ops::Deref,
    ptr::NonNull, //
};

/// The kind of a link (`enum bpf_link_type`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LinkType(u32);

impl LinkType {
    /// `BPF_LINK_TYPE_NETKIT`.
    pub const NETKIT: Self = Self(bindings::bpf_link_type_BPF_LINK_TYPE_NETKIT);
}

/// The callbacks of a link type (`struct bpf_link_ops`), implemented by the data its links
/// carry.
///
/// The core calls them in process context without locks held (`release` from the last
/// `bpf_link_put()`, which defers it to a workqueue, or from closing the last file); the
/// adapter takes RTNL around each, as the network link types do (tcx, XDP, netkit), and hands
/// the proof in. A link's callbacks do not run concurrently with its [`Driver::release`].
#[vtable]
pub trait Driver: Sized + Send + Sync + 'static {
    /// The module that provides the callbacks: it stays loaded until the last of its links is
    /// freed (`bpf_link_ops::owner`).
    type OwnerModule: ModuleMetadata;

    /// Detaches the program from its attach point (`release`): the last reference to the link
    /// went away. Not called for a link whose creation was undone before it was settled.
    fn release(link: &Link<Self>, rtnl: &Rtnl);

    /// Detaches the program on user space's request, `BPF_LINK_DETACH` (`detach`). The link
    /// lives on, detached.
    fn detach(_link: &Link<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Replaces the program with `new`, `BPF_LINK_UPDATE` (`update_prog`). `old`, if given, is
    /// the program user space expects the link to run now.
    fn update_prog(
        _link: &Link<Self>,
        _new: ARef<Prog>,
        _old: Option<&Prog>,
        _rtnl: &Rtnl,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Describes the link in its `/proc/<pid>/fdinfo` entry (`show_fdinfo`).
    fn show_fdinfo(_link: &Link<Self>, _m: &SeqFile, _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Fills in the type-specific part of `BPF_OBJ_GET_INFO_BY_FD` (`fill_link_info`).
    fn fill_link_info(_link: &Link<Self>, _info: &mut LinkInfo, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// A BPF link of type `T`: the C `struct bpf_link` followed by `T`'s data.
///
/// # Invariants
///
/// `link` was initialised by `bpf_link_init` with [`Adapter::<T>::OPS`](Adapter); the object
/// was allocated by [`Link::prime`] in a [`KBox`] and is freed by the `dealloc` callback.
#[repr(C)]
#[pin_data]
pub struct Link<T: Driver> {
    #[pin]
    link: Opaque<bindings::bpf_link>,
    /// Whether a [`Bundle`](super::mprog::Bundle) holds the link; written by the bundle under
    /// RTNL, true only between a successful attach (before the link is published) and its
    /// detach.
    attached: Atomic<bool>,
    #[pin]
    data: T,
}

impl<T: Driver> Deref for Link<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: Driver> Link<T> {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is the `bpf_link` of a [`Link<T>`] that stays alive for `'a`.
    #[inline]
    pub(crate) unsafe fn from_raw<'a>(ptr: *const bindings::bpf_link) -> &'a Self {
        // SAFETY: `link` is the first field of the `repr(C)` struct, so the pointers are equal;
        // the caller guarantees validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer.
    #[inline]
    pub(crate) fn as_raw(&self) -> *mut bindings::bpf_link {
        self.link.get()
    }

    /// Returns the program's raw pointer (`link->prog`), which the link holds a reference on.
    #[inline]
    pub(crate) fn prog_raw(&self) -> *mut bindings::bpf_prog {
        // SAFETY: The link is valid; `prog` is only changed by `replace_prog` (`xchg`).
        unsafe { Atomic::from_ptr(&raw mut (*self.as_raw()).prog) }.load(Relaxed)
    }

    /// Makes `new` the link's program (`xchg(&link->prog, new)`); returns the previous one.
    pub(crate) fn replace_prog(&self, new: ARef<Prog>) -> ARef<Prog> {
        // SAFETY: The field is valid and aligned, and only accessed atomically or with
        // `READ_ONCE()` semantics once the link is initialised.
        let prog = unsafe { Atomic::from_ptr(&raw mut (*self.as_raw()).prog) };
        let old = prog.xchg(ARef::into_raw(new).as_ptr().cast(), Full);
        // SAFETY: The link held a reference on its program, which is ours now.
        unsafe { ARef::from_raw(NonNull::new_unchecked(old.cast())) }
    }

    /// Records whether a bundle holds the link (`Release`: the bundle's updates come first).
    #[inline]
    pub(crate) fn set_attached(&self, attached: bool) {
        self.attached.store(attached, Release);
    }

    /// Whether a bundle holds the link.
    #[inline]
    fn is_attached(&self) -> bool {
        self.attached.load(Acquire)
    }

    /// Returns whether `prog` is the program the link runs.
    #[inline]
    pub fn runs(&self, prog: &Prog) -> bool {
        core::ptr::eq(self.prog_raw(), prog.as_raw())
    }

    /// Returns where the link attaches.
    #[inline]
    pub fn attach_type(&self) -> AttachType {
        // SAFETY: The link is valid; `attach_type` is fixed by `bpf_link_init`.
        AttachType::from_raw(unsafe { (*self.as_raw()).attach_type })
    }

    /// Allocates a link running `prog` at `attach_type` with the data `data`, and reserves its
    /// file descriptor and id (`bpf_link_init` + `bpf_link_prime`).
    ///
    /// The link owns `prog` once [`Primer::settle`] publishes it.
    pub fn prime<E>(
        link_type: LinkType,
        attach_type: AttachType,
        prog: ARef<Prog>,
        data: impl PinInit<T, E>,
    ) -> Result<Primer<T>>
    where
        Error: From<E>,
    {
        let link = KBox::pin_init(
            try_pin_init!(Self {
                link: Opaque::zeroed(),
                attached: Atomic::new(false),
                data <- data,
            }? E),
            GFP_KERNEL_ACCOUNT,
        )?;
        // SAFETY: The link is not moved out of its allocation: it is freed in place by the
        // `dealloc` callback, or below.
        let link = KBox::into_raw(unsafe { Pin::into_inner_unchecked(link) });
        // SAFETY: `link` is valid; the ops are `'static`; `prog` is valid.
        unsafe {
            bindings::bpf_link_init(
                (*link).as_raw(),
                link_type.0,
                &Adapter::<T>::OPS,
                prog.as_raw(),
                attach_type.as_raw(),
            )
        };
        let mut primer = pin_init::zeroed::<bindings::bpf_link_primer>();
        // SAFETY: The link is initialised; `primer` is valid for writes.
        let ret = unsafe { bindings::bpf_link_prime((*link).as_raw(), &mut primer) };
        if ret < 0 {
            // SAFETY: Priming failed, so nothing else refers to the link: free it. `prog` keeps
            // its reference, dropped on return.
            drop(unsafe { KBox::from_raw(link) });
            return Err(Error::from_errno(ret));
        }
        // INVARIANT: Primed; `dealloc` frees the link from now on.
        Ok(Primer {
            primer,
            prog: ManuallyDrop::new(prog),
            _t: PhantomData,
        })
    }
}

/// A primed link: allocated with a file descriptor reserved, not yet visible to user space.
///
/// Dropping it undoes the creation (`bpf_link_cleanup`): the link is freed once its file is.
///
/// # Invariants
///
/// `primer` was filled by a successful `bpf_link_prime` of a [`Link<T>`] whose program is
/// `prog`, and is neither settled nor cleaned up.
pub struct Primer<T: Driver> {
    primer: bindings::bpf_link_primer,
    prog: ManuallyDrop<ARef<Prog>>,
    _t: PhantomData<T>,
}

impl<T: Driver> Primer<T> {
    /// Returns the link.
    #[inline]
    pub fn link(&self) -> &Link<T> {
        // SAFETY: By the type invariant `primer.link` is a live `Link<T>`: its file, which frees
        // it when released, is held by `primer` until `self` is settled or dropped.
        unsafe { Link::from_raw(self.primer.link) }
    }

    /// Publishes the link (`bpf_link_settle`) and returns its file descriptor. The link owns
    /// its program from now on.
    pub fn settle(self) -> i32 {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `prog` is not used again: `this` is not dropped. The link releases the
        // reference when it is freed (`bpf_link_dealloc` puts `link->prog`).
        let _ = ARef::into_raw(unsafe { ManuallyDrop::take(&mut this.prog) });
        // SAFETY: The primer is primed and not settled or cleaned up, by the type invariant.
        unsafe { bindings::bpf_link_settle(&mut this.primer) }
    }
}

impl<T: Driver> Drop for Primer<T> {
    fn drop(&mut self) {
        // SAFETY: The primer is primed and not settled or cleaned up, by the type invariant.
        // This sets `link->prog` to NULL, so the link no longer uses our reference.
        unsafe { bindings::bpf_link_cleanup(&mut self.primer) };
        // SAFETY: `prog` is not used again.
        drop(unsafe { ManuallyDrop::take(&mut self.prog) });
    }
}

/// Information about a link for user space (`struct bpf_link_info`).
///
/// # Invariants
///
/// `self` is a valid `struct bpf_link_info` that the holder of `&mut LinkInfo` may write.
#[repr(transparent)]
pub struct LinkInfo(Opaque<bindings::bpf_link_info>);

impl LinkInfo {
    /// Fills in the netkit part: the device's ifindex (0 once detached) and the attach type.
    pub fn set_netkit(&mut self, ifindex: u32, attach_type: AttachType) {
        // SAFETY: The info is valid and ours to write for the duration of `&mut self`; the
        // netkit member of the union is the one a netkit link's info uses.
        unsafe {
            let netkit = &raw mut (*self.0.get()).__bindgen_anon_1.netkit;
            (*netkit).ifindex = ifindex;
            (*netkit).attach_type = attach_type.as_raw();
        }
    }
}

/// The `extern "C"` callbacks of links of type `T`.
pub struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    const OPS: bindings::bpf_link_ops = bindings::bpf_link_ops {
        owner: this_module::<T::OwnerModule>().as_ptr(),
        release: Some(Self::release),
        dealloc: Some(Self::dealloc),
        detach: if T::HAS_DETACH {
            Some(Self::detach)
        } else {
            None
        },
        update_prog: if T::HAS_UPDATE_PROG {
            Some(Self::update_prog)
        } else {
            None
        },
        show_fdinfo: if T::HAS_SHOW_FDINFO {
            Some(Self::show_fdinfo)
        } else {
            None
        },
        fill_link_info: if T::HAS_FILL_LINK_INFO {
            Some(Self::fill_link_info)
        } else {
            None
        },
        ..pin_init::zeroed()
    };

    /// # Safety
    ///
    /// `link` is a live [`Link<T>`].
    unsafe extern "C" fn release(link: *mut bindings::bpf_link) {
        // SAFETY: Per the safety requirements.
        let link = unsafe { Link::<T>::from_raw(link) };
        T::release(link, &Rtnl::lock());
        // A link is attached only once published and detached only once, so `false` is final.
        if link.is_attached() {
            // `T::release` left the link in a bundle, which still runs its program and refers to
            // it. Keep both rather than let `bpf_link_dealloc` free them: a leak, not a
            // use-after-free.
            crate::warn_on!(true);
            // SAFETY: The link holds a reference on its program; this takes another one, which
            // is never put.
            unsafe { bindings::bpf_prog_inc(link.prog_raw()) };
        }
    }

    /// # Safety
    ///
    /// `link` is a [`Link<T>`] nothing refers to any more.
    unsafe extern "C" fn dealloc(link: *mut bindings::bpf_link) {
        let link = link.cast::<Link<T>>();
        // SAFETY: The link is valid until freed below.
        if unsafe { (*link).is_attached() } {
            // Still in a bundle, see `release`: leaked.
            return;
        }
        // SAFETY: By the type invariant of `Link`, it was allocated by `KBox` in `prime`; the
        // core calls this once, when the link is unreachable, and no bundle holds it.
        drop(unsafe { KBox::from_raw(link) });
    }

    /// # Safety
    ///
    /// `link` is a live [`Link<T>`].
    unsafe extern "C" fn detach(link: *mut bindings::bpf_link) -> c_int {
        from_result(|| {
            // SAFETY: Per the safety requirements.
            T::detach(unsafe { Link::from_raw(link) }, &Rtnl::lock())?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `link` is a live [`Link<T>`]; `new` is a program the caller holds a reference on, which
    /// is ours on success; `old` is NULL or a program the caller holds a reference on.
    unsafe extern "C" fn update_prog(
        link: *mut bindings::bpf_link,
        new: *mut bindings::bpf_prog,
        old: *mut bindings::bpf_prog,
    ) -> c_int {
        from_result(|| {
            // SAFETY: Per the safety requirements.
            let (link, new_prog) = unsafe { (Link::from_raw(link), Prog::from_raw(new)) };
            // SAFETY: Per the safety requirements.
            let old = (!old.is_null()).then(|| unsafe { Prog::from_raw(old) });
            T::update_prog(link, new_prog.into(), old, &Rtnl::lock())?;
            // SAFETY: On success the caller's reference is ours to drop; the driver took its
            // own through the `ARef` above.
            unsafe { bindings::bpf_prog_put(new) };
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `link` is a live [`Link<T>`]; `seq` is a seq file the caller holds the lock of.
    unsafe extern "C" fn show_fdinfo(
        link: *const bindings::bpf_link,
        seq: *mut bindings::seq_file,
    ) {
        // SAFETY: Per the safety requirements.
        let (link, seq) = unsafe { (Link::from_raw(link), SeqFile::from_raw(seq)) };
        T::show_fdinfo(link, seq, &Rtnl::lock());
    }

    /// # Safety
    ///
    /// `link` is a live [`Link<T>`]; `info` is valid for writes.
    unsafe extern "C" fn fill_link_info(
        link: *const bindings::bpf_link,
        info: *mut bindings::bpf_link_info,
    ) -> c_int {
        from_result(|| {
            // SAFETY: Per the safety requirements; `LinkInfo` is a transparent wrapper.
            let (link, info) = unsafe { (Link::from_raw(link), &mut *info.cast::<LinkInfo>()) };
            T::fill_link_info(link, info, &Rtnl::lock())?;
            Ok(0)
        })
    }
}
