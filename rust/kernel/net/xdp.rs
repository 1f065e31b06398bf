// SPDX-License-Identifier: GPL-2.0

//! XDP and AF_XDP requests to network devices (`ndo_bpf`, `ndo_xsk_wakeup`).
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use crate::{
    bindings,
    error::to_result,
    impl_flags,
    net::{
        dev::Device,
        queue::{
            LeaseDir,
            Ops,
            OpsLocked, //
        },
        rtnl::Rtnl,
    },
    prelude::*,
    sync::{
        atomic::{
            atomic_load,
            Relaxed, //
        },
        rcu,
    },
    types::Opaque, //
};

impl_flags!(
    /// A set of XDP features of a device (`xdp_features_t`).
    #[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
    pub struct XdpFeatures(u32);

    /// An XDP feature (`enum netdev_xdp_act`, `NETDEV_XDP_ACT_*`).
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum XdpFeature {
        /// Basic XDP actions (`NETDEV_XDP_ACT_BASIC`).
        Basic = bindings::netdev_xdp_act_NETDEV_XDP_ACT_BASIC,
        /// `XDP_REDIRECT` (`NETDEV_XDP_ACT_REDIRECT`).
        Redirect = bindings::netdev_xdp_act_NETDEV_XDP_ACT_REDIRECT,
        /// `ndo_xdp_xmit` (`NETDEV_XDP_ACT_NDO_XMIT`).
        NdoXmit = bindings::netdev_xdp_act_NETDEV_XDP_ACT_NDO_XMIT,
        /// AF_XDP zero-copy (`NETDEV_XDP_ACT_XSK_ZEROCOPY`).
        XskZeroCopy = bindings::netdev_xdp_act_NETDEV_XDP_ACT_XSK_ZEROCOPY,
        /// XDP offloaded to the hardware (`NETDEV_XDP_ACT_HW_OFFLOAD`).
        HwOffload = bindings::netdev_xdp_act_NETDEV_XDP_ACT_HW_OFFLOAD,
        /// Non-linear buffers on receive (`NETDEV_XDP_ACT_RX_SG`).
        RxSg = bindings::netdev_xdp_act_NETDEV_XDP_ACT_RX_SG,
        /// Non-linear buffers in `ndo_xdp_xmit` (`NETDEV_XDP_ACT_NDO_XMIT_SG`).
        NdoXmitSg = bindings::netdev_xdp_act_NETDEV_XDP_ACT_NDO_XMIT_SG,
    }
);

// A feature the kernel adds must be added to `XdpFeature`, or `!` would clear it.
const _: () = assert!(
    XdpFeatures::all_bits() == bindings::netdev_xdp_act_NETDEV_XDP_ACT_MASK,
    "`XdpFeature` must name every bit of `enum netdev_xdp_act`"
);

impl XdpFeatures {
    /// Full AF_XDP support (`NETDEV_XDP_ACT_XSK` of `net/xdp_sock_drv.h`).
    pub const XSK: Self = Self(
        XdpFeature::Basic as u32 | XdpFeature::Redirect as u32 | XdpFeature::XskZeroCopy as u32,
    );

    /// The set with the bits of `bits` (an `xdp_features_t`).
    #[inline]
    pub(crate) const fn from_raw(bits: u32) -> Self {
        Self(bits)
    }
}

/// What an `ndo_bpf` request asks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BpfCommand {
    /// Attach or detach an XDP program (`XDP_SETUP_PROG`).
    SetupProg,
    /// Bind (`enable`) or unbind an AF_XDP buffer pool to receive queue `queue_id`
    /// (`XDP_SETUP_XSK_POOL`).
    SetupXskPool {
        /// The queue.
        queue_id: u16,
        /// Whether a pool is bound (rather than unbound).
        enable: bool,
    },
}

/// What a driver's [`Driver::bpf`](crate::net::dev::Driver::bpf) does with a request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BpfAction {
    /// The driver handled the request.
    Done,
    /// The request is an AF_XDP pool request for a leased queue: the adapter passes it on to the
    /// physical queue, with the checks `xp_assign_dev()` makes there, once, and answers what the
    /// physical driver answers, as `netkit_xsk()` does.
    ///
    /// The adapter, not the driver, forwards: a driver that forwarded and then failed the
    /// request, or forwarded it twice, would leave the physical driver using a pool the core
    /// frees (`xp_assign_dev()` falls back to copy mode or unregisters the pool without
    /// disabling zero-copy).
    ForwardXskPool,
}

/// A request to a device's `ndo_bpf` (`struct netdev_bpf`) that a driver may handle.
///
/// Only an XDP program or an AF_XDP pool request: the hardware offload requests
/// (`XDP_SETUP_PROG_HW`, `BPF_OFFLOAD_MAP_ALLOC`, `BPF_OFFLOAD_MAP_FREE`) need an offload device
/// no driver here has, come without the ops lock (`bpf_map_offload_map_free()`), and answering
/// one with success leaves the core calling a null `offmap->dev_ops`; the adapter refuses them
/// with `EINVAL`, as `netkit_xsk()` does.
///
/// # Invariants
///
/// `self` is a valid `struct netdev_bpf` whose `command` is `XDP_SETUP_PROG` or
/// `XDP_SETUP_XSK_POOL`.
#[repr(transparent)]
pub struct NetdevBpf(Opaque<bindings::netdev_bpf>);

impl NetdevBpf {
    /// Creates a reference from a raw pointer; `None` for a request of another kind.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid `struct netdev_bpf` for `'a`.
    #[inline]
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::netdev_bpf) -> Option<&'a Self> {
        // SAFETY: `ptr` is valid per the safety requirements.
        let command = unsafe { (*ptr).command };
        matches!(
            command,
            bindings::bpf_netdev_command_XDP_SETUP_PROG
                | bindings::bpf_netdev_command_XDP_SETUP_XSK_POOL
        )
        // SAFETY: Transparent wrapper; per the safety requirements.
        // INVARIANT: The command is one of the two, checked above.
        .then(|| unsafe { &*ptr.cast() })
    }

    /// Returns what the request asks for.
    #[inline]
    pub fn command(&self) -> BpfCommand {
        let req = self.0.get();
        // SAFETY: Valid by the type invariant; the union member read is the one `command`
        // selects.
        unsafe {
            match (*req).command {
                bindings::bpf_netdev_command_XDP_SETUP_XSK_POOL => BpfCommand::SetupXskPool {
                    queue_id: (*req).__bindgen_anon_1.xsk.queue_id,
                    enable: !(*req).__bindgen_anon_1.xsk.pool.is_null(),
                },
                // `XDP_SETUP_PROG` by the type invariant.
                _ => BpfCommand::SetupProg,
            }
        }
    }
}

impl Device {
    /// Returns the XDP features.
    #[inline]
    pub fn xdp_features(&self) -> XdpFeatures {
        // SAFETY: The device is valid; `xdp_set_features_flag()` writes the field under the
        // instance lock (a plain store in C), so an unlocked reader races as C's `READ_ONCE()`
        // readers do.
        XdpFeatures::from_raw(unsafe {
            atomic_load(&raw mut (*self.as_raw()).xdp_features, Relaxed)
        })
    }

    /// Returns whether the driver has the operations AF_XDP needs (`ndo_bpf`, `ndo_xdp_xmit`
    /// and `ndo_xsk_wakeup`).
    #[inline]
    pub fn has_xsk_ops(&self) -> bool {
        // SAFETY: The device is valid, and so is its `netdev_ops` table while it exists: its
        // driver's, in that driver's module, which cannot unload while the device exists.
        let ops = unsafe { &*(*self.as_raw()).netdev_ops };
        ops.ndo_bpf.is_some() && ops.ndo_xdp_xmit.is_some() && ops.ndo_xsk_wakeup.is_some()
    }
}

/// Wakes up AF_XDP processing of queue `queue_id` of `dev`, a virtual device, where it counts:
/// on the physical queue it leases, as `netkit_xsk_wakeup()` does (`ndo_xsk_wakeup` of the
/// physical device, in the RCU read-side section `_guard` of the core's `xsk_wakeup()`).
///
/// Fails with `EINVAL` for a queue the device does not use and `EOPNOTSUPP` if it is not leased.
///
/// Only for the adapter's `ndo_xsk_wakeup`: the core calls it only for a socket bound in
/// zero-copy mode, and a Rust driver's queue is in zero-copy mode only through a pool forwarded
/// to the physical queue ([`BpfAction::ForwardXskPool`]), whose driver then has it set up.
pub(crate) fn forward_xsk_wakeup(
    dev: &Device,
    queue_id: u32,
    flags: u32,
    guard: &rcu::Guard,
) -> Result {
    if queue_id >= dev.real_num_rx_queues() {
        return Err(EINVAL);
    }
    let phys_rxq = dev.rx_queue_lease_rcu(queue_id, guard).ok_or(EOPNOTSUPP)?;
    let phys = phys_rxq.dev().as_raw();
    // SAFETY: The device is valid, and so is its driver's `netdev_ops` table while it exists.
    let wakeup = unsafe { (*(*phys).netdev_ops).ndo_xsk_wakeup }.ok_or(EOPNOTSUPP)?;
    // SAFETY: The physical device is valid for the read-side section (a leased queue outlives
    // one, see `rx_queue_lease_rcu()`), the call runs in it as the core's, and the physical
    // driver set up the zero-copy pool the core wakes up (see above): the state in which the
    // core itself calls `ndo_xsk_wakeup`.
    to_result(unsafe { wakeup(phys, phys_rxq.index(), flags) })
}

impl Ops<'_> {
    /// Passes an AF_XDP pool request for a queue of this (virtual) device on to the physical
    /// queue it leases, as `netkit_xsk()` does: `xsk_reg_pool_at_qid()` registered the pool at
    /// the physical queue, whose driver now sets it up (`ndo_bpf` with a copy of `req` for that
    /// queue).
    ///
    /// Fails with `EINVAL` if `req` is not a pool request or names a queue the device does not
    /// use. A bind fails with `EOPNOTSUPP` if the queue is not leased or the physical driver
    /// cannot do AF_XDP (no `ndo_bpf`, `ndo_xdp_xmit` and `ndo_xsk_wakeup`); an unbind then
    /// succeeds, as no bind was forwarded. Binding a pool also fails as
    /// `xp_assign_dev()` would on the physical device: `EOPNOTSUPP` without full AF_XDP support
    /// (`NETDEV_XDP_ACT_XSK`), `EBUSY` while it has a memory provider bound.
    pub(crate) fn forward_xsk_pool(&self, req: &NetdevBpf, _rtnl: &Rtnl) -> Result {
        let BpfCommand::SetupXskPool { queue_id, enable } = req.command() else {
            return Err(EINVAL);
        };
        let queue_id = u32::from(queue_id);
        if queue_id >= self.dev().real_num_rx_queues() {
            return Err(EINVAL);
        }
        let phys_rxq = self
            .rx_queue_lease(queue_id, LeaseDir::VirtToPhys)
            .filter(|q| !core::ptr::eq(q.dev(), self.dev()))
            .filter(|q| q.dev().has_xsk_ops());
        let Some(phys_rxq) = phys_rxq else {
            // Nothing was forwarded to undo on an unbind.
            return if enable { Err(EOPNOTSUPP) } else { Ok(()) };
        };
        let phys = phys_rxq.dev();
        let phys_queue_id = u16::try_from(phys_rxq.index()).map_err(|_| EINVAL)?;
        // The lock order: the virtual device, whose ops lock is held (the instance lock: only
        // devices with queue management ops lease), before the physical one.
        let phys = phys.lock();
        if enable && !phys.dev().xdp_features().contains_all(XdpFeatures::XSK) {
            return Err(EOPNOTSUPP);
        }
        if enable && phys.min_mp_channel_count() != 0 {
            return Err(EBUSY);
        }
        let dev = phys.dev().as_raw();
        // SAFETY: The device is valid; its ops table is static; `has_xsk_ops()` checked
        // `ndo_bpf`.
        let ndo_bpf = unsafe { (*(*dev).netdev_ops).ndo_bpf }.ok_or(EOPNOTSUPP)?;
        // SAFETY: `req` is a valid pool request; a copy of it is as valid.
        let mut lower = unsafe { core::ptr::read(req.0.get()) };
        lower.__bindgen_anon_1.xsk.queue_id = phys_queue_id;
        // SAFETY: `xp_assign_dev()` makes pool requests with RTNL (`_rtnl`) and the ops lock
        // held (`netdev_assert_locked_ops_compat()`): the physical device is ops locked (it
        // has queue management ops, which leasing needs) and its instance lock is held.
        to_result(unsafe { ndo_bpf(dev, &mut lower) })
    }
}
