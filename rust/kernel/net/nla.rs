// SPDX-License-Identifier: GPL-2.0

//! Netlink attributes, attribute policies and extended acks.
//!
//! C header: [`include/net/netlink.h`](srctree/include/net/netlink.h)

use crate::{
    bindings,
    net::netlink,
    prelude::*,
    transmute::AsBytes,
    types::Opaque, //
};
use core::{
    fmt,
    marker::PhantomData,
    ptr::NonNull, //
};

/// Size of the attribute header (`NLA_HDRLEN`).
pub const HDRLEN: usize = 4;

/// The room an attribute with a payload of `payload` bytes takes in a message (`nla_total_size`).
///
/// # Examples
///
/// ```
/// use kernel::net::nla;
///
/// assert_eq!(nla::total_size(1), 8);
/// assert_eq!(nla::total_size(2), 8);
/// assert_eq!(nla::total_size(4), 8);
/// assert_eq!(nla::total_size(5), 12);
/// ```
pub const fn total_size(payload: usize) -> usize {
    (HDRLEN + payload + 3) & !3
}

/// The validation policy of one attribute type (`struct nla_policy`).
///
/// Policies are built at compile time and live in `static` tables indexed by attribute type.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct Policy(bindings::nla_policy);

// SAFETY: A `Policy` is immutable and only points to `'static` data (a reject message).
unsafe impl Sync for Policy {}

impl Policy {
    #[inline]
    const fn with_type(type_: u32) -> Self {
        let mut p: bindings::nla_policy = pin_init::zeroed();
        p.type_ = type_ as u8;
        Self(p)
    }

    /// An attribute without validation (`NLA_UNSPEC`); also the entry for unused types.
    pub const UNSPEC: Self = Self::with_type(bindings::NLA_UNSPEC);

    /// A `u8` attribute (`NLA_U8`).
    #[inline]
    pub const fn u8() -> Self {
        Self::with_type(bindings::NLA_U8)
    }

    /// A `u16` attribute (`NLA_U16`).
    #[inline]
    pub const fn u16() -> Self {
        Self::with_type(bindings::NLA_U16)
    }

    /// A `u32` attribute (`NLA_U32`).
    #[inline]
    pub const fn u32() -> Self {
        Self::with_type(bindings::NLA_U32)
    }

    /// A `u32` attribute whose value must not exceed `max` (`NLA_POLICY_MAX(NLA_U32, max)`).
    ///
    /// The policy stores `max` as an `s16`; `nla_get_range_unsigned()` WARNs on a negative one,
    /// so `max` is a `u16` no greater than `i16::MAX`.
    #[inline]
    pub const fn u32_max(max: u16) -> Self {
        assert!(
            max <= i16::MAX as u16,
            "Policy::u32_max: max beyond i16::MAX"
        );
        let max = max as i16;
        let mut p = Self::with_type(bindings::NLA_U32);
        p.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_MAX as u8;
        p.0.__bindgen_anon_1.__bindgen_anon_1 =
            bindings::nla_policy__bindgen_ty_1__bindgen_ty_1 { min: 0, max };
        p
    }

    /// An attribute with at least `len` bytes of payload (`{ .len = len }`).
    #[inline]
    pub const fn min_len(len: u16) -> Self {
        let mut p = Self::UNSPEC;
        p.0.len = len;
        p
    }

    /// An attribute that must not be given (`NLA_REJECT`); `msg` is the extack message.
    #[inline]
    pub const fn reject(msg: &'static CStr) -> Self {
        let mut p = Self::with_type(bindings::NLA_REJECT);
        p.0.__bindgen_anon_1.reject_message = crate::str::as_char_ptr_in_const_context(msg);
        p
    }

    /// Whether the policy guarantees at least `len` bytes of payload: an `NLA_UNSPEC` entry of
    /// [`Policy::min_len`] `len` or more.
    #[inline]
    pub const fn has_min_len(&self, len: u16) -> bool {
        self.0.type_ == bindings::NLA_UNSPEC as u8 && self.0.len >= len
    }

    /// Returns the raw table pointer for a policy slice.
    #[inline]
    pub(crate) const fn table(policy: &'static [Policy]) -> *const bindings::nla_policy {
        policy.as_ptr().cast()
    }
}

/// A netlink attribute (`struct nlattr`) followed by its payload.
///
/// Unsized: a reference carries the payload's length, so it covers the whole attribute and
/// reading the payload stays within its provenance.
///
/// There is no safe way to build one: every `&Attr` is one of the request that the callback
/// holding it is answering, which [`ExtAck::set_bad_attr`] relies on.
///
/// # Invariants
///
/// `hdr` is a valid `struct nlattr` and `data` the payload right behind it, `nla_len - HDRLEN`
/// bytes (none if `nla_len` is below `HDRLEN`); neither changes while the attribute is
/// borrowed. The attribute lies in the payload of the netlink request being processed while it
/// is borrowed.
#[repr(C)]
pub struct Attr {
    hdr: Opaque<bindings::nlattr>,
    data: [u8],
}

impl Attr {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` points to a valid attribute with `nla_len` readable bytes that stays valid and
    /// unmodified for `'a`, in the payload of the netlink request being processed during `'a`
    /// (the one whose [`ExtAck`], if any, the code given the attribute holds).
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::nlattr) -> &'a Self {
        // SAFETY: The header is readable per the safety requirements.
        let len = usize::from(unsafe { (*ptr).nla_len }).saturating_sub(HDRLEN);
        let attr = core::ptr::slice_from_raw_parts(ptr.cast::<u8>(), len) as *const Self;
        // INVARIANT: The header followed by `len` payload bytes, at most `nla_len` bytes in all,
        // which the safety requirements make readable and unchanged for `'a`, in the request.
        // SAFETY: As above; `ptr` is aligned for the header, the payload needs no alignment.
        unsafe { &*attr }
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::nlattr {
        self.hdr.get()
    }

    /// Returns the payload.
    #[inline]
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Returns the payload length (`nla_len`).
    #[inline]
    pub fn len(&self) -> usize {
        self.data().len()
    }

    /// Returns whether the payload is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.data().is_empty()
    }

    #[inline]
    fn get<const N: usize>(&self) -> [u8; N] {
        let mut v = [0u8; N];
        let d = self.data();
        let n = d.len().min(N);
        v[..n].copy_from_slice(&d[..n]);
        v
    }

    /// Returns the payload as a `u8` (`nla_get_u8`); missing bytes read as zero.
    #[inline]
    pub fn get_u8(&self) -> u8 {
        self.get::<1>()[0]
    }

    /// Returns the payload as a `u16` (`nla_get_u16`); missing bytes read as zero.
    #[inline]
    pub fn get_u16(&self) -> u16 {
        u16::from_ne_bytes(self.get())
    }

    /// Returns the payload as a `u32` (`nla_get_u32`); missing bytes read as zero.
    #[inline]
    pub fn get_u32(&self) -> u32 {
        u32::from_ne_bytes(self.get())
    }

    /// Returns the payload as a string, up to its first NUL byte.
    #[inline]
    pub fn as_str_bytes(&self) -> &[u8] {
        let d = self.data();
        let end = d.iter().position(|&c| c == 0).unwrap_or(d.len());
        &d[..end]
    }
}

/// A table of parsed attributes indexed by attribute type (`struct nlattr *tb[]`).
///
/// # Invariants
///
/// `tb` points to `len` attribute pointers, each null or valid for `'a` (see [`Attr`]).
#[derive(Clone, Copy)]
pub struct Attrs<'a> {
    tb: *const *mut bindings::nlattr,
    len: usize,
    _p: PhantomData<&'a Attr>,
}

impl<'a> Attrs<'a> {
    /// Creates a table from a raw pointer.
    ///
    /// # Safety
    ///
    /// `tb` points to `len` pointers that stay unmodified for `'a`, each null or pointing to an
    /// attribute that satisfies the requirements of [`Attr::from_raw`] for `'a`.
    #[inline]
    pub unsafe fn from_raw(tb: *const *mut bindings::nlattr, len: usize) -> Self {
        // INVARIANT: Per the safety requirements.
        Self {
            tb,
            len,
            _p: PhantomData,
        }
    }

    /// Returns the raw table pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut *mut bindings::nlattr {
        self.tb.cast_mut()
    }

    /// Returns the attribute of type `ty`, if present.
    #[inline]
    pub fn get(&self, ty: u16) -> Option<&'a Attr> {
        let i = usize::from(ty);
        if i >= self.len {
            return None;
        }
        // SAFETY: `i < len`, so the slot is readable by the type invariant.
        let ptr = unsafe { *self.tb.add(i) };
        // SAFETY: A non-null slot points to a valid attribute for `'a` by the type invariant.
        NonNull::new(ptr).map(|p| unsafe { Attr::from_raw(p.as_ptr()) })
    }

    /// Returns whether the attribute of type `ty` is present.
    #[inline]
    pub fn has(&self, ty: u16) -> bool {
        self.get(ty).is_some()
    }
}

/// An extended ack (`struct netlink_ext_ack`), possibly absent.
///
/// Messages set here are returned to user space with the error.
///
/// # Invariants
///
/// `ptr` is null or points to a valid `netlink_ext_ack` exclusively borrowed for `'a`.
pub struct ExtAck<'a> {
    ptr: *mut bindings::netlink_ext_ack,
    _p: PhantomData<&'a mut bindings::netlink_ext_ack>,
}

impl ExtAck<'_> {
    /// An absent ack: messages set on it go nowhere (as with a null `extack` in C).
    #[inline]
    pub fn none() -> ExtAck<'static> {
        // INVARIANT: A null pointer is allowed.
        ExtAck {
            ptr: core::ptr::null_mut(),
            _p: PhantomData,
        }
    }

    /// Creates an `ExtAck` from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is null or valid and not accessed by anything else for the lifetime of the result;
    /// it is the ack of the netlink request being processed (see [`Attr::from_raw`]).
    #[inline]
    pub unsafe fn from_raw(ptr: *mut bindings::netlink_ext_ack) -> Self {
        // INVARIANT: Per the safety requirements.
        Self {
            ptr,
            _p: PhantomData,
        }
    }

    /// Returns the raw pointer (possibly null).
    #[inline]
    pub fn as_raw(&mut self) -> *mut bindings::netlink_ext_ack {
        self.ptr
    }

    /// Sets the error message (`NL_SET_ERR_MSG`); like it, reports the message to the
    /// `netlink:netlink_extack` tracepoint, also when the ack is absent.
    #[inline]
    pub fn set_msg(&mut self, msg: &'static CStr) {
        // SAFETY: `msg` is NUL-terminated; the tracepoint only reads it during the call.
        unsafe { bindings::do_trace_netlink_extack(msg.as_char_ptr()) };
        if !self.ptr.is_null() {
            // SAFETY: A non-null `ptr` is valid and exclusively ours by the type invariant.
            unsafe { (*self.ptr)._msg = msg.as_char_ptr() };
        }
    }

    /// Sets the attribute the error is about, with no policy (`NL_SET_BAD_ATTR`).
    ///
    /// `netlink_ack_tlv_fill()` reports the attribute's offset in the request and WARNs if it
    /// lies outside; an [`Attr`] always lies inside (its type invariant): no safe code can make
    /// one of its own.
    #[inline]
    pub fn set_bad_attr(&mut self, attr: &Attr) {
        if !self.ptr.is_null() {
            // SAFETY: A non-null `ptr` is valid and exclusively ours by the type invariant; the
            // core reads `bad_attr` only as an offset into the request, which holds it (the
            // `Attr` type invariant).
            unsafe {
                (*self.ptr).bad_attr = attr.as_raw();
                (*self.ptr).policy = core::ptr::null();
            }
        }
    }

    /// Sets the error message and the offending attribute (`NL_SET_ERR_MSG_ATTR`).
    #[inline]
    pub fn set_msg_attr(&mut self, attr: &Attr, msg: &'static CStr) {
        self.set_bad_attr(attr);
        self.set_msg(msg);
    }

    /// Sets a formatted error message (`NL_SET_ERR_MSG_FMT`), truncated to the ack's buffer, and
    /// reports it to the `netlink:netlink_extack` tracepoint; does nothing if the ack is absent.
    #[inline]
    pub fn set_msg_fmt(&mut self, args: fmt::Arguments<'_>) {
        if self.ptr.is_null() {
            return;
        }
        // SAFETY: A non-null `ptr` is valid and exclusively ours by the type invariant.
        let ack = unsafe { &mut *self.ptr };
        let mut w = Truncating {
            buf: &mut ack._msg_buf,
            pos: 0,
        };
        // Truncation is not an error here, as in C.
        let _ = fmt::write(&mut w, args);
        let end = w.pos;
        ack._msg_buf[end] = 0;
        // SAFETY: The buffer is NUL-terminated; the tracepoint only reads it during the call.
        unsafe { bindings::do_trace_netlink_extack(ack._msg_buf.as_ptr()) };
        ack._msg = ack._msg_buf.as_ptr();
    }

    /// Sets a formatted message and the offending attribute (`NL_SET_ERR_MSG_ATTR_FMT`).
    #[inline]
    pub fn set_msg_attr_fmt(&mut self, attr: &Attr, args: fmt::Arguments<'_>) {
        self.set_bad_attr(attr);
        self.set_msg_fmt(args);
    }
}

/// A writer into a C string buffer that silently truncates and keeps room for the NUL.
struct Truncating<'a> {
    buf: &'a mut [c_char],
    pos: usize,
}

impl fmt::Write for Truncating<'_> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len().saturating_sub(self.pos + 1);
        let n = s.len().min(room);
        for (d, &c) in self.buf[self.pos..self.pos + n]
            .iter_mut()
            .zip(s.as_bytes())
        {
            *d = c as c_char;
        }
        self.pos += n;
        Ok(())
    }
}

/// The error of a [`Msg`] that has no room for an attribute: `-EMSGSIZE`.
///
/// Only a [`Msg`] makes one, so it is the one error `rtnl_link_ops::fill_info` can return: the
/// core WARNs on any error in a message sized with `get_size` (`rtmsg_ifinfo_build_skb()`),
/// and a dump goes on with its next message after this one. The adapter goes by the message's
/// state, not by this error.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MsgFull(());

/// A netlink message being filled with attributes (`rtnl_link_ops::fill_info`), within the
/// room its filler said it needs (`get_size`), which the core sized the message by.
///
/// An attribute beyond that room is not written: the caller learns it from
/// [`Msg::over_budget`] and reports the filler's bug rather than fail the message. One that does
/// not fit in the buffer makes the message [full](Msg::is_full), whatever the filler does with
/// the error.
///
/// # Invariants
///
/// `skb` is a valid socket buffer holding a netlink message, exclusively borrowed for `'a`.
pub struct Msg<'a> {
    skb: *mut bindings::sk_buff,
    room: usize,
    over_budget: bool,
    full: bool,
    _p: PhantomData<&'a mut bindings::sk_buff>,
}

impl Msg<'_> {
    /// Creates a `Msg` from a raw pointer, with `room` bytes for attributes.
    ///
    /// # Safety
    ///
    /// `skb` is a valid netlink message buffer, not accessed by anything else while the result
    /// lives.
    #[inline]
    pub unsafe fn from_raw(skb: *mut bindings::sk_buff, room: usize) -> Self {
        // INVARIANT: Per the safety requirements.
        Self {
            skb,
            room,
            over_budget: false,
            full: false,
            _p: PhantomData,
        }
    }

    /// Whether an attribute was left out for want of room in the budget given to
    /// [`Msg::from_raw`].
    #[inline]
    pub fn over_budget(&self) -> bool {
        self.over_budget
    }

    /// Whether an attribute did not fit in the buffer.
    #[inline]
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// `ty` is the attribute type, the 16 bits of `nla_type`; its two top bits are the
    /// `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER` flags, which these plain attributes do not have.
    #[inline]
    fn put<V: AsBytes>(&mut self, ty: u16, v: &V) -> Result<(), MsgFull> {
        let size = total_size(size_of::<V>());
        if size > self.room {
            self.over_budget = true;
            return Err(MsgFull(()));
        }
        // SAFETY: `skb` is valid by the type invariant and only reached through `self`, borrowed
        // mutably.
        if unsafe { netlink::put_attr(self.skb, c_int::from(ty), v) }.is_err() {
            self.full = true;
            return Err(MsgFull(()));
        }
        self.room -= size;
        Ok(())
    }

    /// Adds a `u8` attribute (`nla_put_u8`).
    #[inline]
    pub fn put_u8(&mut self, ty: u16, v: u8) -> Result<(), MsgFull> {
        self.put(ty, &v)
    }

    /// Adds a `u16` attribute (`nla_put_u16`).
    #[inline]
    pub fn put_u16(&mut self, ty: u16, v: u16) -> Result<(), MsgFull> {
        self.put(ty, &v)
    }

    /// Adds a `u32` attribute (`nla_put_u32`).
    #[inline]
    pub fn put_u32(&mut self, ty: u16, v: u32) -> Result<(), MsgFull> {
        self.put(ty, &v)
    }
}
