// SPDX-License-Identifier: GPL-2.0

//! Socket buffers on the transmit path.
//!
//! C header: [`include/linux/skbuff.h`](srctree/include/linux/skbuff.h)

use crate::{
    alloc::Flags,
    bindings,
    build_error,
    net::dev::Device,
    prelude::*,
    types::NotThreadSafe, //
};
use core::{
    marker::PhantomData,
    mem::ManuallyDrop,
    ptr::NonNull, //
};

/// Proof that the code runs in a device's transmit path: bottom halves are disabled and an
/// RCU-bh read-side section is held.
///
/// # Invariants
///
/// Bottom halves are disabled on the current thread while the proof lives; it is not `Send`.
pub struct TxContext(NotThreadSafe);

impl TxContext {
    /// Creates the proof.
    ///
    /// # Safety
    ///
    /// Bottom halves are disabled for the lifetime of the result.
    #[inline]
    pub unsafe fn assume() -> Self {
        // INVARIANT: Per the safety requirements.
        Self(NotThreadSafe)
    }
}

/// Why a packet was dropped (`enum skb_drop_reason`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub enum DropReason {
    /// No specific reason (`SKB_DROP_REASON_NOT_SPECIFIED`).
    NotSpecified = bindings::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED,
    /// The device is not up (`SKB_DROP_REASON_DEV_READY`).
    DevReady = bindings::skb_drop_reason_SKB_DROP_REASON_DEV_READY,
    /// The packet is too short for its headers (`SKB_DROP_REASON_PKT_TOO_SMALL`).
    PktTooSmall = bindings::skb_drop_reason_SKB_DROP_REASON_PKT_TOO_SMALL,
    /// Out of memory (`SKB_DROP_REASON_NOMEM`).
    NoMem = bindings::skb_drop_reason_SKB_DROP_REASON_NOMEM,
}

/// The receive path dropped a packet handed to it (`NET_RX_DROP`).
#[derive(Debug)]
pub struct RxDropped;

/// An owned socket buffer (`struct sk_buff`), handed to a callback for its duration `'a`.
///
/// It must be consumed explicitly: handed on (e.g. [`SkBuff::netif_rx`]) or freed with
/// [`SkBuff::drop_reason`]. Dropping it implicitly is a build error, so no code path frees a
/// packet without saying why.
///
/// It cannot outlive the callback: `skb->dev` names a device the packet holds no reference
/// on, valid only while the callback runs (see [`SkBuff::set_dev`]). `'a` is invariant, so a
/// packet cannot be given a shorter-lived device by shortening its lifetime, and the type is
/// neither `Send` nor `Sync`: the packet stays with the thread in that context.
///
/// # Invariants
///
/// `skb` is a valid socket buffer this object owns (one reference); its `dev`, if set, is
/// valid for `'a`.
pub struct SkBuff<'a> {
    skb: NonNull<bindings::sk_buff>,
    _a: PhantomData<*mut &'a ()>,
}

impl<'a> SkBuff<'a> {
    /// Takes ownership of a socket buffer for `'a`.
    ///
    /// # Safety
    ///
    /// `skb` is valid and the caller gives up its reference to it; `skb->dev`, if set, is valid
    /// for `'a`.
    #[inline]
    pub unsafe fn from_raw(skb: NonNull<bindings::sk_buff>) -> Self {
        // INVARIANT: Per the safety requirements.
        Self {
            skb,
            _a: PhantomData,
        }
    }

    /// Gives up ownership, returning the raw pointer.
    #[inline]
    pub fn into_raw(self) -> NonNull<bindings::sk_buff> {
        ManuallyDrop::new(self).skb
    }

    #[inline]
    fn raw(&self) -> *mut bindings::sk_buff {
        self.skb.as_ptr()
    }

    /// Returns the raw pointer for C code that works on the packet; it stays owned by `self`.
    /// Only `kernel::net::bpf` needs it.
    #[cfg(CONFIG_RUST_NETDEV_BPF)]
    #[inline]
    pub(crate) fn as_raw(&mut self) -> *mut bindings::sk_buff {
        self.skb.as_ptr()
    }

    /// Returns the length of the data (`skb->len`).
    #[inline]
    pub fn len(&self) -> u32 {
        // SAFETY: Valid by the type invariant.
        unsafe { (*self.raw()).len }
    }

    /// Returns whether there is no data.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes sure `len` bytes are in the linear part (`pskb_may_pull`).
    #[inline]
    pub fn may_pull(&mut self, len: u32) -> bool {
        // SAFETY: Owned and valid by the type invariant.
        unsafe { bindings::pskb_may_pull(self.raw(), len) }
    }

    /// Copies user-space fragments so the packet can be held on to (`skb_orphan_frags`).
    #[inline]
    pub fn orphan_frags(&mut self, gfp: Flags) -> Result {
        // SAFETY: Owned and valid by the type invariant.
        match unsafe { bindings::skb_orphan_frags(self.raw(), gfp.as_raw()) } {
            0 => Ok(()),
            err => Err(Error::from_errno(err)),
        }
    }

    /// Clears the state that must not cross a forwarding step (`skb_scrub_packet`).
    #[inline]
    pub fn scrub(&mut self, xnet: bool) {
        // SAFETY: Owned and valid by the type invariant.
        unsafe { bindings::skb_scrub_packet(self.raw(), xnet) };
    }

    /// Skips (or not) the netfilter egress hook (`nf_skip_egress`).
    #[inline]
    pub fn skip_nf_egress(&mut self, skip: bool) {
        // SAFETY: Owned and valid by the type invariant.
        unsafe { bindings::nf_skip_egress(self.raw(), skip) };
    }

    /// The length of the linear part (`skb_headlen`).
    #[inline]
    fn headlen(&self) -> u32 {
        let skb = self.raw();
        // SAFETY: Owned and valid by the type invariant.
        unsafe { (*skb).len - (*skb).data_len }
    }

    /// Clears the timestamp (`skb_clear_tstamp`).
    #[inline]
    pub fn clear_tstamp(&mut self) {
        // SAFETY: Owned and valid by the type invariant.
        unsafe { bindings::skb_clear_tstamp(self.raw()) };
    }

    /// Sets the queueing priority (`skb->priority`).
    #[inline]
    pub fn set_priority(&mut self, priority: u32) {
        // SAFETY: Owned and valid by the type invariant. `priority` is in the anonymous struct
        // of the `headers` group, a union of that struct and a copy of it.
        unsafe {
            (*self.raw())
                .__bindgen_anon_4
                .__bindgen_anon_1
                .as_mut()
                .priority = priority
        };
    }

    /// Sets the firewall mark (`skb->mark`).
    #[inline]
    pub fn set_mark(&mut self, mark: u32) {
        // SAFETY: As in `set_priority`; `mark` shares a union with `reserved_tailroom`.
        unsafe {
            (*self.raw())
                .__bindgen_anon_4
                .__bindgen_anon_1
                .as_mut()
                .__bindgen_anon_4
                .mark = mark
        };
    }

    /// Takes the data as an Ethernet frame received on `dev`: sets the MAC header there
    /// (`skb_reset_mac_header`) and `pkt_type` by the destination address (`eth_skb_pkt_type`).
    ///
    /// Fails with `EINVAL`, changing nothing, if fewer than `ETH_HLEN` bytes are in the linear
    /// part (see [`SkBuff::may_pull`]). `eth_skb_pkt_type()` reads the header at the MAC header
    /// offset, which is unset (`~0`) on some transmit paths (AF_XDP copy mode) and may be
    /// anywhere after other changes to the packet, hence both in one method.
    #[inline]
    pub fn set_pkt_type_for(&mut self, dev: &Device) -> Result {
        if self.headlen() < bindings::ETH_HLEN {
            return Err(EINVAL);
        }
        let skb = self.raw();
        // SAFETY: Owned and valid by the type invariant.
        unsafe { bindings::skb_reset_mac_header(skb) };
        // SAFETY: Owned and valid, with an `ETH_HLEN` header at the MAC header offset, in the
        // linear part; `dev` is valid.
        unsafe { bindings::eth_skb_pkt_type(skb, dev.as_raw()) };
        Ok(())
    }

    /// Sets the device the packet is on (`skb->dev`).
    ///
    /// The packet holds no reference on `dev`, which must therefore stay valid as long as the
    /// packet can be used (`'a`), e.g. a peer found through the transmit path's [`TxContext`].
    /// Once the packet is handed on, the core takes over: `__netif_rx()` drops packets for a
    /// device that is not running, and unregistration flushes the backlog after closing it.
    #[inline]
    pub fn set_dev(&mut self, dev: &'a Device) {
        // INVARIANT: `dev` is valid for `'a`.
        // SAFETY: Owned and valid by the type invariant. `dev` shares a union with
        // `dev_scratch`, in the struct shared with the list links.
        unsafe {
            (*self.raw())
                .__bindgen_anon_1
                .__bindgen_anon_1
                .__bindgen_anon_1
                .dev = dev.as_raw()
        };
    }

    /// Pulls the Ethernet header and fixes the checksum (`eth_skb_pull_mac` +
    /// `skb_postpull_rcsum`).
    ///
    /// Fails with `EINVAL`, leaving the packet as it is, if the header is not in the linear
    /// part (see [`SkBuff::may_pull`]), where `__skb_pull()` would `BUG()`: a program that ran on
    /// the packet may have shrunk it.
    #[inline]
    pub fn eth_pull_mac(&mut self) -> Result {
        if self.headlen() < bindings::ETH_HLEN {
            return Err(EINVAL);
        }
        let skb = self.raw();
        // SAFETY: Owned and valid, with `ETH_HLEN` bytes in the linear part.
        let eth = unsafe { bindings::eth_skb_pull_mac(skb) };
        // SAFETY: `eth` is the header just pulled, still in the packet's buffer.
        unsafe { bindings::skb_postpull_rcsum(skb, eth.cast(), bindings::ETH_HLEN) };
        Ok(())
    }

    /// Hands the packet to the receive path of `skb->dev` (`__netif_rx`).
    ///
    /// Consumes the packet; on `Err` it was dropped and counted by the core.
    #[inline]
    pub fn netif_rx(self, _ctx: &TxContext) -> Result<(), RxDropped> {
        let skb = self.into_raw();
        // SAFETY: We pass our reference on; bottom halves are disabled as `_ctx` proves.
        let ret = unsafe { bindings::__netif_rx(skb.as_ptr()) };
        if ret == bindings::NET_RX_SUCCESS as c_int {
            Ok(())
        } else {
            Err(RxDropped)
        }
    }

    /// Frees the packet, recording why (`kfree_skb_reason`).
    #[inline]
    pub fn drop_reason(self, reason: DropReason) {
        let skb = self.into_raw();
        // SAFETY: We give up our reference.
        unsafe { bindings::kfree_skb_reason(skb.as_ptr(), reason as bindings::skb_drop_reason) };
    }
}

impl Drop for SkBuff<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        build_error!("an SkBuff must be consumed explicitly, e.g. with drop_reason()");
    }
}
