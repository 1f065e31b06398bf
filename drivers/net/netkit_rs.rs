// SPDX-License-Identifier: GPL-2.0

//! BPF-programmable network device.
//!
//! A Rust implementation of netkit. C version of this driver:
//! [`drivers/net/netkit.c`](srctree/drivers/net/netkit.c).
//!
//! A netkit pair is like a veth pair whose transmit path hands packets straight to the peer's
//! receive path. The primary device is the management side: only it can change the link.

use kernel::{
    alloc::flags::GFP_ATOMIC,
    net::{
        bpf::{
            self,
            link::{
                self,
                Link,
                LinkInfo,
                LinkType, //
            },
            mprog::Bundle,
            netkit::Hook,
            AttachFlag,
            AttachRequest,
            AttachType,
            LinkRequest,
            NetContext,
            Prog,
            QueryRequest, //
        },
        dev::{
            self,
            Device,
            DriverDevice,
            Feature,
            Features,
            Flag,
            IfName,
            NameAssign,
            Namespace,
            PrivFlag,
            PrivFlags,
            Setup,
            SetupFlag,
            SetupFlags,
            SockAddr,
            Stats64,
            TxStatus,
            UnregisterList, //
        },
        ethtool::DrvInfo,
        nla::{
            self,
            Attr,
            Attrs,
            ExtAck,
            Msg,
            MsgFull,
            Policy, //
        },
        queue::{
            NewQueue,
            Ops,
            QueueMgmt,
            QueueMgmtOps,
            QueueSlot, //
        },
        rtnl::{
            self,
            NewLink,
            NewLinkParams,
            PeerInfo,
            Registered,
            Rtnl,
            RtnlCell,
            IFINFOMSG_LEN,
            IFLA_ADDRESS,
            IFLA_IFNAME, //
        },
        skbuff::{
            DropReason,
            SkBuff,
            TxContext, //
        },
        xdp::{
            self,
            BpfAction,
            BpfCommand,
            NetdevBpf, //
        },
    },
    prelude::*,
    seq_file::SeqFile,
    seq_print,
    sync::{
        aref::ARef,
        atomic::{
            Atomic,
            Relaxed, //
        },
        rcu,
    },
    uapi, //
};

module! {
    type: NetkitModule,
    name: "netkit_rs",
    authors: ["netkit_rs developers <netkit-rs@localhost>"],
    description: "BPF-programmable network device",
    license: "GPL",
    alias: ["rtnl-link-netkit"],
}

/// Name of the rtnl link kind and of the driver, as in the C netkit.
///
/// iproute2, ynl and bpftool find the device by this name, so it must not
/// differ from the C driver's `NETKIT_DRV_NAME`.
const DRV_NAME: &CStr = c"netkit";

const NUM_RX_QUEUES_MAX: u32 = 1024;
const NUM_TX_QUEUES_MAX: u32 = 1;

const IFLA_NETKIT_PEER_INFO: u16 = uapi::IFLA_NETKIT_PEER_INFO as u16;
const IFLA_NETKIT_PRIMARY: u16 = uapi::IFLA_NETKIT_PRIMARY as u16;
const IFLA_NETKIT_POLICY: u16 = uapi::IFLA_NETKIT_POLICY as u16;
const IFLA_NETKIT_PEER_POLICY: u16 = uapi::IFLA_NETKIT_PEER_POLICY as u16;
const IFLA_NETKIT_MODE: u16 = uapi::IFLA_NETKIT_MODE as u16;
const IFLA_NETKIT_SCRUB: u16 = uapi::IFLA_NETKIT_SCRUB as u16;
const IFLA_NETKIT_PEER_SCRUB: u16 = uapi::IFLA_NETKIT_PEER_SCRUB as u16;
const IFLA_NETKIT_HEADROOM: u16 = uapi::IFLA_NETKIT_HEADROOM as u16;
const IFLA_NETKIT_TAILROOM: u16 = uapi::IFLA_NETKIT_TAILROOM as u16;
const IFLA_NETKIT_PAIRING: u16 = uapi::IFLA_NETKIT_PAIRING as u16;
const IFLA_NETKIT_MAX: usize = uapi::__IFLA_NETKIT_MAX as usize - 1;

/// The default action of the transmit path (`enum netkit_action`), as carried in netlink.
const NETKIT_NEXT: u32 = uapi::netkit_action_NETKIT_NEXT as u32;
const NETKIT_PASS: u32 = uapi::netkit_action_NETKIT_PASS as u32;
const NETKIT_DROP: u32 = uapi::netkit_action_NETKIT_DROP as u32;
const NETKIT_REDIRECT: u32 = uapi::netkit_action_NETKIT_REDIRECT as u32;

const NETKIT_L2: u32 = uapi::netkit_mode_NETKIT_L2;
const NETKIT_L3: u32 = uapi::netkit_mode_NETKIT_L3;

const NETKIT_SCRUB_NONE: u32 = uapi::netkit_scrub_NETKIT_SCRUB_NONE;
const NETKIT_SCRUB_DEFAULT: u32 = uapi::netkit_scrub_NETKIT_SCRUB_DEFAULT;

const NETKIT_DEVICE_PAIR: u32 = uapi::netkit_pairing_NETKIT_DEVICE_PAIR;
const NETKIT_DEVICE_SINGLE: u32 = uapi::netkit_pairing_NETKIT_DEVICE_SINGLE;

/// Attribute policy, as `netkit_policy` in C.
static POLICY: [Policy; IFLA_NETKIT_MAX + 1] = {
    let mut p = [Policy::UNSPEC; IFLA_NETKIT_MAX + 1];
    p[IFLA_NETKIT_PEER_INFO as usize] = Policy::min_len(IFINFOMSG_LEN);
    p[IFLA_NETKIT_MODE as usize] = Policy::u32_max(NETKIT_L3 as u16);
    p[IFLA_NETKIT_POLICY as usize] = Policy::u32();
    p[IFLA_NETKIT_PEER_POLICY as usize] = Policy::u32();
    p[IFLA_NETKIT_HEADROOM as usize] = Policy::u16();
    p[IFLA_NETKIT_TAILROOM as usize] = Policy::u16();
    p[IFLA_NETKIT_SCRUB as usize] = Policy::u32_max(NETKIT_SCRUB_DEFAULT as u16);
    p[IFLA_NETKIT_PEER_SCRUB as usize] = Policy::u32_max(NETKIT_SCRUB_DEFAULT as u16);
    p[IFLA_NETKIT_PAIRING as usize] = Policy::u32_max(NETKIT_DEVICE_SINGLE as u16);
    p[IFLA_NETKIT_PRIMARY as usize] = Policy::reject(c"Primary attribute is read-only");
    p
};

/// The parameters fixed at creation that `changelink` refuses, with the C driver's names.
const FIXED_PARAMS: [(u16, &str); 7] = [
    (IFLA_NETKIT_MODE, "operating mode"),
    (IFLA_NETKIT_SCRUB, "scrubbing"),
    (IFLA_NETKIT_PEER_SCRUB, "peer scrubbing"),
    (IFLA_NETKIT_PEER_INFO, "peer info"),
    (IFLA_NETKIT_HEADROOM, "headroom"),
    (IFLA_NETKIT_TAILROOM, "tailroom"),
    (IFLA_NETKIT_PAIRING, "pairing"),
];

/// Per-device state, in `netdev_priv()`.
#[pin_data]
struct Netkit {
    /// The programs the transmit path runs.
    #[pin]
    progs: Bundle<NetkitLink>,
    policy: Atomic<u32>,
    scrub: Atomic<u32>,
    mode: Atomic<u32>,
    pair: Atomic<u32>,
    primary: Atomic<bool>,
    headroom: Atomic<u32>,
}

/// The settings of one side of a new link.
#[derive(Clone, Copy)]
struct Side {
    primary: bool,
    policy: u32,
    scrub: u32,
    mode: u32,
    pair: u32,
    headroom: u16,
}

impl Netkit {
    /// Applies `s` to a device that is not registered yet.
    fn configure(&self, s: Side) {
        self.primary.store(s.primary, Relaxed);
        self.policy.store(s.policy, Relaxed);
        self.scrub.store(s.scrub, Relaxed);
        self.mode.store(s.mode, Relaxed);
        self.pair.store(s.pair, Relaxed);
        self.headroom.store(u32::from(s.headroom), Relaxed);
    }
}

/// The settings a new link asks for; the C driver's defaults otherwise.
struct NewLinkConfig {
    mode: u32,
    pair: u32,
    policy: u32,
    peer_policy: u32,
    scrub: u32,
    peer_scrub: u32,
    headroom: u16,
    tailroom: u16,
    seen_scrub: bool,
    seen_peer: bool,
}

impl NewLinkConfig {
    /// Reads the `IFLA_NETKIT_*` attributes, checking the policies as the C driver does.
    fn parse(data: Option<&Attrs<'_>>, extack: &mut ExtAck<'_>) -> Result<Self> {
        let mut c = Self {
            mode: NETKIT_L3,
            pair: NETKIT_DEVICE_PAIR,
            policy: NETKIT_PASS,
            peer_policy: NETKIT_PASS,
            scrub: NETKIT_SCRUB_DEFAULT,
            peer_scrub: NETKIT_SCRUB_DEFAULT,
            headroom: 0,
            tailroom: 0,
            seen_scrub: false,
            seen_peer: false,
        };
        let Some(data) = data else {
            return Ok(c);
        };
        let u32_of = |ty| data.get(ty).map(Attr::get_u32);
        c.mode = u32_of(IFLA_NETKIT_MODE).unwrap_or(c.mode);
        c.scrub = u32_of(IFLA_NETKIT_SCRUB).unwrap_or(c.scrub);
        c.peer_scrub = u32_of(IFLA_NETKIT_PEER_SCRUB).unwrap_or(c.peer_scrub);
        let mut policy = |ty, dflt| data.get(ty).map_or(Ok(dflt), |a| check_policy(a, extack));
        c.policy = policy(IFLA_NETKIT_POLICY, c.policy)?;
        c.peer_policy = policy(IFLA_NETKIT_PEER_POLICY, c.peer_policy)?;
        c.headroom = data.get(IFLA_NETKIT_HEADROOM).map_or(0, Attr::get_u16);
        c.tailroom = data.get(IFLA_NETKIT_TAILROOM).map_or(0, Attr::get_u16);
        c.pair = u32_of(IFLA_NETKIT_PAIRING).unwrap_or(c.pair);
        c.seen_scrub = data.has(IFLA_NETKIT_SCRUB);
        c.seen_peer = data.has(IFLA_NETKIT_PEER_INFO)
            || data.has(IFLA_NETKIT_PEER_SCRUB)
            || data.has(IFLA_NETKIT_PEER_POLICY);
        Ok(c)
    }

    fn side(&self, primary: bool) -> Side {
        Side {
            primary,
            policy: if primary {
                self.policy
            } else {
                self.peer_policy
            },
            scrub: if primary { self.scrub } else { self.peer_scrub },
            mode: self.mode,
            pair: self.pair,
            headroom: self.headroom,
        }
    }
}

/// Checks a default transmit policy attribute.
fn check_policy(attr: &Attr, extack: &mut ExtAck<'_>) -> Result<u32> {
    default_policy(attr.get_u32()).inspect_err(|_| {
        extack.set_msg_attr(attr, c"Provided default xmit policy not supported");
    })
}

/// Checks a default transmit policy: only pass and drop are allowed.
fn default_policy(p: u32) -> Result<u32> {
    match p {
        NETKIT_PASS | NETKIT_DROP => Ok(p),
        _ => Err(EINVAL),
    }
}

/// The headroom both sides of a pair use: the larger of the two requests.
fn pair_headroom(own: u32, peer: Option<u32>) -> u32 {
    peer.map_or(own, |p| own.max(p))
}

/// Queues a device and its peer for unregistration, unpairing them (`netkit_del_link`).
fn del_link(dev: &DriverDevice<NetkitRs>, list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
    let peer = dev.peer_rtnl(rtnl);
    dev.unpair(rtnl);
    dev.unregister_queue(list, rtnl);
    if let Some(peer) = peer {
        // The peer may already be queued, e.g. when its namespace goes away with it or it
        // leases queues of the same physical device.
        peer.unregister_queue(list, rtnl);
    }
}

/// Whether a device may create (lease) rx queues: a pair's peer or a single device may, a
/// pair's primary, the management side, may not.
fn may_lease(pair: u32, primary: bool) -> bool {
    pair != NETKIT_DEVICE_PAIR || !primary
}

/// Whether a device with `real` rx queues out of `max` allocated is at its limit.
fn queue_limit_reached(real: u32, max: u32) -> bool {
    real >= max
}

/// The device a BPF request for `which` on `ifindex` is for, with the C driver's errors: only a
/// pair's primary takes requests, for itself or its peer.
fn bpf_target(ifindex: u32, which: AttachType, rtnl: &Rtnl) -> Result<&DriverDevice<NetkitRs>> {
    if which != AttachType::NETKIT_PRIMARY && which != AttachType::NETKIT_PEER {
        return Err(EINVAL);
    }
    let dev = Device::get_by_index_current_net(ifindex, rtnl).ok_or(ENODEV)?;
    let dev = DriverDevice::<NetkitRs>::from_device(dev).ok_or(ENXIO)?;
    let nk = dev.data();
    if !nk.primary.load(Relaxed) {
        return Err(EACCES);
    }
    if nk.pair.load(Relaxed) == NETKIT_DEVICE_SINGLE {
        return Err(EOPNOTSUPP);
    }
    if which == AttachType::NETKIT_PEER {
        return dev.peer_rtnl(rtnl).ok_or(ENODEV);
    }
    Ok(dev)
}

impl Hook for NetkitRs {
    type OwnerModule = NetkitModule;

    fn prog_attach(req: &AttachRequest<'_>, prog: ARef<Prog>, rtnl: &Rtnl) -> Result {
        let dev = bpf_target(req.target_ifindex(), req.attach_type(), rtnl)?;
        let replace = if req.flags().contains(AttachFlag::Replace) {
            Some(Prog::get_by_fd(req.replace_fd(), prog.prog_type())?)
        } else {
            None
        };
        dev.data()
            .progs
            .attach(prog, replace.as_deref(), req.position(), rtnl)
    }

    fn prog_detach(req: &AttachRequest<'_>, prog: Option<&Prog>, rtnl: &Rtnl) -> Result {
        let dev = bpf_target(req.target_ifindex(), req.attach_type(), rtnl)?;
        dev.data().progs.detach(prog, req.position(), rtnl)
    }

    fn prog_query(req: &QueryRequest<'_>, rtnl: &Rtnl) -> Result {
        let dev = bpf_target(req.target_ifindex(), req.attach_type(), rtnl)?;
        dev.data().progs.query(req, rtnl)
    }

    fn link_attach(req: &LinkRequest<'_>, prog: ARef<Prog>, rtnl: &Rtnl) -> Result<i32> {
        let dev = bpf_target(req.target_ifindex(), req.attach_type(), rtnl)?;
        let primer = Link::prime(
            LinkType::NETKIT,
            req.attach_type(),
            prog,
            NetkitLink {
                dev: RtnlCell::new(Some(ARef::from(&**dev))),
            },
        )?;
        dev.data().progs.attach_link(primer, req.position(), rtnl)
    }
}

/// A `BPF_NETKIT_PRIMARY`/`BPF_NETKIT_PEER` link.
struct NetkitLink {
    /// The device whose programs the link is among; `None` once detached.
    dev: RtnlCell<Option<ARef<Device>>>,
}

impl NetkitLink {
    /// The ifindex of the device the link is attached to, 0 once detached.
    fn ifindex(&self, rtnl: &Rtnl) -> u32 {
        self.dev
            .get(rtnl)
            .map_or(0, |dev| dev.ifindex().unsigned_abs())
    }
}

#[vtable]
impl link::Driver for NetkitLink {
    type OwnerModule = NetkitModule;

    fn release(link: &Link<Self>, rtnl: &Rtnl) {
        let Some(dev) = link.dev.get(rtnl) else {
            return;
        };
        // Only links of netkit_rs devices are made, and cleared before their device goes.
        let ret = DriverDevice::<NetkitRs>::from_device(&dev)
            .ok_or(ENXIO)
            .and_then(|dev| dev.data().progs.detach_link(link, rtnl));
        if ret.is_ok() {
            drop(link.dev.replace(None, rtnl));
        }
        kernel::warn_on!(ret.is_err());
    }

    fn detach(link: &Link<Self>, rtnl: &Rtnl) -> Result {
        Self::release(link, rtnl);
        Ok(())
    }

    fn update_prog(link: &Link<Self>, new: ARef<Prog>, old: Option<&Prog>, rtnl: &Rtnl) -> Result {
        let dev = link.dev.get(rtnl).ok_or(ENOLINK)?;
        if old.is_some_and(|old| !link.runs(old)) {
            return Err(EPERM);
        }
        let dev = DriverDevice::<NetkitRs>::from_device(&dev).ok_or(ENXIO)?;
        dev.data().progs.update_link(link, new, rtnl)
    }

    fn show_fdinfo(link: &Link<Self>, m: &SeqFile, rtnl: &Rtnl) {
        let attach_type = link.attach_type();
        let name = if attach_type == AttachType::NETKIT_PRIMARY {
            "primary"
        } else {
            "peer"
        };
        seq_print!(m, "ifindex:\t{}\n", link.ifindex(rtnl));
        seq_print!(m, "attach_type:\t{} ({})\n", attach_type.as_raw(), name);
    }

    fn fill_link_info(link: &Link<Self>, info: &mut LinkInfo, rtnl: &Rtnl) -> Result {
        info.set_netkit(link.ifindex(rtnl), link.attach_type());
        Ok(())
    }
}

/// Drops a packet the transmit path cannot deliver and counts it.
fn xmit_drop(dev: &DriverDevice<NetkitRs>, skb: SkBuff<'_>, reason: DropReason) -> TxStatus {
    skb.drop_reason(reason);
    dev.tx_dropped_inc();
    TxStatus::Drop
}

/// The transmit path: hands the packet to the peer's receive path, or where the programs send it.
fn xmit<'a>(
    dev: &'a DriverDevice<NetkitRs>,
    mut skb: SkBuff<'a>,
    ctx: &'a TxContext,
    bpf_ctx: &NetContext,
) -> TxStatus {
    let nk = dev.data();
    let policy = nk.policy.load(Relaxed);
    let len = skb.len();
    let peer = match dev.peer(ctx) {
        Some(peer) if peer.is_up() => peer,
        _ => return xmit_drop(dev, skb, DropReason::DevReady),
    };
    if !skb.may_pull(dev::ETH_HLEN) {
        return xmit_drop(dev, skb, DropReason::PktTooSmall);
    }
    if skb.orphan_frags(GFP_ATOMIC).is_err() {
        return xmit_drop(dev, skb, DropReason::NoMem);
    }
    skb.scrub(false);
    skb.skip_nf_egress(true);
    if !dev.same_net(peer) {
        skb.clear_tstamp();
        if nk.scrub.load(Relaxed) != NETKIT_SCRUB_NONE {
            skb.set_priority(0);
            skb.set_mark(0);
        }
    }
    if skb.set_pkt_type_for(peer).is_err() {
        return xmit_drop(dev, skb, DropReason::PktTooSmall);
    }
    skb.set_dev(peer);
    match nk.progs.run(&mut skb, policy, NETKIT_NEXT, bpf_ctx, ctx) {
        NETKIT_NEXT | NETKIT_PASS => {
            if skb.eth_pull_mac().is_err() {
                return xmit_drop(dev, skb, DropReason::PktTooSmall);
            }
            if skb.netif_rx(ctx).is_err() {
                dev.tx_dropped_inc();
                return TxStatus::Drop;
            }
            dev.sw_stats_tx_add(1, len, ctx);
            peer.sw_stats_rx_add(len, ctx);
            TxStatus::Ok
        }
        NETKIT_REDIRECT => {
            dev.sw_stats_tx_add(1, len, ctx);
            bpf_ctx.redirect(skb, ctx);
            TxStatus::Ok
        }
        _ => xmit_drop(dev, skb, DropReason::NotSpecified),
    }
}

struct NetkitRs;

#[vtable]
impl dev::Driver for NetkitRs {
    type Data = Netkit;

    const LOCK_CLASSES: &'static dev::LockClasses = kernel::netdev_lock_classes!();

    const QUEUE_MGMT_OPS: Option<&'static QueueMgmtOps<Self>> = Some(&QueueMgmtOps::new());

    fn setup(dev: &mut Setup<'_>) {
        let hw_vlan = Feature::HwVlanCtagTx
            | Feature::HwVlanCtagRx
            | Feature::HwVlanStagTx
            | Feature::HwVlanStagRx;
        let features = hw_vlan
            | Feature::Sg
            | Feature::FragList
            | Feature::HwCsum
            | Feature::RxCsum
            | Feature::SctpCrc
            | Feature::HighDma
            | Features::GSO_SOFTWARE
            | Features::GSO_ENCAP_ALL;

        dev.ether_setup();
        dev.set_max_mtu(dev::ETH_MAX_MTU);
        dev.update_flags(SetupFlag::NoArp, SetupFlags::empty());
        dev.update_priv_flags(
            PrivFlag::LiveAddrChange | PrivFlag::PhonyHeadroom | PrivFlag::NoQueue,
            PrivFlags::empty(),
        );
        dev.set_lltx();
        dev.set_netmem_tx_no_dma();
        let all = dev.features() | features;
        dev.set_features(
            all,
            features,
            features,
            Features::GSO_SOFTWARE | Feature::HwCsum,
            all & !hw_vlan,
        );
        dev.set_tso_max_size(dev::GSO_MAX_SIZE);
    }

    fn init_data() -> impl PinInit<Netkit> {
        pin_init!(Netkit {
            progs <- Bundle::new(),
            policy: Atomic::new(NETKIT_PASS),
            scrub: Atomic::new(NETKIT_SCRUB_DEFAULT),
            mode: Atomic::new(NETKIT_L3),
            pair: Atomic::new(NETKIT_DEVICE_PAIR),
            primary: Atomic::new(false),
            headroom: Atomic::new(0),
        })
    }

    fn uninit(dev: &DriverDevice<Self>, rtnl: &Rtnl) {
        // Programs are released, links stay behind detached.
        dev.data()
            .progs
            .release_all(rtnl, |link| drop(link.dev.replace(None, rtnl)));
    }

    fn open(dev: &DriverDevice<Self>, rtnl: &Rtnl) -> Result {
        let nk = dev.data();
        if nk.pair.load(Relaxed) == NETKIT_DEVICE_SINGLE {
            dev.carrier_on();
            return Ok(());
        }
        let peer = dev.peer_rtnl(rtnl).ok_or(ENOTCONN)?;
        if peer.is_up() {
            dev.carrier_on();
            peer.carrier_on();
        }
        Ok(())
    }

    fn stop(dev: &DriverDevice<Self>, rtnl: &Rtnl) -> Result {
        dev.carrier_off();
        if let Some(peer) = dev.peer_rtnl(rtnl) {
            peer.carrier_off();
        }
        Ok(())
    }

    fn start_xmit<'a>(
        dev: &'a DriverDevice<Self>,
        skb: SkBuff<'a>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        bpf::with_net_context(|bpf_ctx| xmit(dev, skb, ctx, bpf_ctx))
    }

    fn get_iflink(dev: &DriverDevice<Self>) -> i32 {
        let guard = rcu::read_lock();
        dev.peer(&guard).map_or(0, |peer| peer.ifindex())
    }

    fn get_peer_dev<'a>(
        dev: &'a DriverDevice<Self>,
        guard: &'a rcu::Guard,
    ) -> Option<&'a DriverDevice<Self>> {
        dev.peer(guard)
    }

    fn get_stats64(dev: &DriverDevice<Self>, stats: &mut Stats64) {
        dev.fetch_sw_stats(stats);
    }

    fn set_rx_headroom(dev: &DriverDevice<Self>, headroom: i32) {
        let headroom = u32::try_from(headroom).unwrap_or_else(|_| dev::net_skb_pad());
        let nk = dev.data();
        nk.headroom.store(headroom, Relaxed);
        let guard = rcu::read_lock();
        let peer = dev.peer(&guard);
        let headroom = pair_headroom(headroom, peer.map(|p| p.data().headroom.load(Relaxed)));
        let headroom = u16::try_from(headroom).unwrap_or(u16::MAX);
        if let Some(peer) = peer {
            peer.set_needed_headroom(headroom);
        }
        dev.set_needed_headroom(headroom);
    }

    fn set_mac_address(dev: &DriverDevice<Self>, addr: &SockAddr, rtnl: &Rtnl) -> Result {
        if dev.data().mode.load(Relaxed) != NETKIT_L2 {
            return Err(EOPNOTSUPP);
        }
        dev.set_ether_addr(addr, rtnl)
    }

    fn set_rx_mode(_dev: &DriverDevice<Self>) -> Result {
        // Nothing to do, we receive whatever gets pushed to us.
        Ok(())
    }

    fn features_check(_dev: &DriverDevice<Self>, features: Features) -> Features {
        features
    }

    fn get_drvinfo(_dev: &DriverDevice<Self>, info: &mut DrvInfo) {
        info.set_driver(DRV_NAME);
    }

    fn bpf(
        dev: &DriverDevice<Self>,
        req: &NetdevBpf,
        _ops: &Ops<'_>,
        _rtnl: &Rtnl,
    ) -> Result<BpfAction> {
        match req.command() {
            BpfCommand::SetupXskPool { .. } => {}
            BpfCommand::SetupProg => return Err(EOPNOTSUPP),
        }
        if dev.data().pair.load(Relaxed) == NETKIT_DEVICE_PAIR {
            return Err(EOPNOTSUPP);
        }
        Ok(BpfAction::ForwardXskPool)
    }
}

#[vtable]
impl QueueMgmt for NetkitRs {
    fn queue_create<'a>(
        dev: &'a DriverDevice<Self>,
        slot: QueueSlot<'a>,
        extack: &mut ExtAck<'_>,
    ) -> Result<NewQueue<'a>> {
        let nk = dev.data();
        if !may_lease(nk.pair.load(Relaxed), nk.primary.load(Relaxed)) {
            extack.set_msg(c"netkit can only lease against the peer device");
            return Err(EOPNOTSUPP);
        }
        slot.add().inspect_err(|e| {
            if queue_limit_reached(dev.real_num_rx_queues(), dev.num_rx_queues()) {
                extack.set_msg(c"netkit maximum queue limit reached");
            } else {
                extack.set_msg_fmt(format_args!(
                    "netkit cannot create more queues err={}",
                    e.to_errno()
                ));
            }
        })
    }
}

#[vtable]
impl rtnl::Link for NetkitRs {
    const KIND: &'static CStr = DRV_NAME;
    const POLICY: &'static [Policy] = &POLICY;
    const PEER_TYPE: u16 = IFLA_NETKIT_PEER_INFO;
    const MAX_TX_QUEUES: u32 = NUM_TX_QUEUES_MAX;
    const MAX_RX_QUEUES: u32 = NUM_RX_QUEUES_MAX;
    const REAL_QUEUES: u32 = 1;
    // Policy, peer policy, scrub, peer scrub, mode, pairing; primary; headroom, tailroom.
    const INFO_SIZE: usize = 6 * nla::total_size(4) + nla::total_size(1) + 2 * nla::total_size(2);

    fn validate(tb: &Attrs<'_>, _data: Option<&Attrs<'_>>, _extack: &mut ExtAck<'_>) -> Result {
        let Some(attr) = tb.get(IFLA_ADDRESS) else {
            return Ok(());
        };
        let addr: &[u8; dev::ETH_ALEN] = attr.data().try_into().map_err(|_| EINVAL)?;
        if !dev::is_valid_ether_addr(addr) {
            return Err(EADDRNOTAVAIL);
        }
        Ok(())
    }

    fn newlink<'a>(
        mut dev: NewLink<'a, Self>,
        params: &NewLinkParams<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &'a Rtnl,
    ) -> Result<Registered<'a, Self>> {
        let tb = params.tb();
        let data = params.data();
        let cfg = NewLinkConfig::parse(data.as_ref(), extack)?;
        let peer_info = match data.as_ref().and_then(|d| d.get(IFLA_NETKIT_PEER_INFO)) {
            Some(attr) => Some(PeerInfo::parse(attr, extack)?),
            None => None,
        };
        let tbp = peer_info.as_ref().map_or(tb, PeerInfo::tb);

        let (ifname, assign) = match (&peer_info, tbp.get(IFLA_IFNAME)) {
            (Some(_), Some(name)) => (IfName::new(name.as_str_bytes()), NameAssign::User),
            _ => (IfName::new(b"nk%d"), NameAssign::Enum),
        };
        if cfg.mode != NETKIT_L2 && (tb.has(IFLA_ADDRESS) || tbp.has(IFLA_ADDRESS)) {
            return Err(EOPNOTSUPP);
        }
        if cfg.pair == NETKIT_DEVICE_SINGLE
            && (peer_info.is_some() || cfg.seen_peer || cfg.seen_scrub || cfg.policy != NETKIT_PASS)
        {
            return Err(EOPNOTSUPP);
        }

        let peer = if cfg.pair == NETKIT_DEVICE_PAIR {
            let net = params.peer_net();
            let mut peer = rtnl::create_link(&dev, net, &ifname, assign, &tbp, extack, rtnl)?;
            peer.inherit_tso_max(&dev);
            if cfg.headroom != 0 {
                peer.set_needed_headroom(cfg.headroom);
            }
            if cfg.tailroom != 0 {
                peer.set_needed_tailroom(cfg.tailroom);
            }
            if cfg.mode == NETKIT_L2 && !(peer_info.is_some() && tbp.has(IFLA_ADDRESS)) {
                peer.random_ether_addr();
            }
            if let Some(info) = &peer_info {
                if dev.ifindex() != 0 {
                    peer.set_ifindex(info.ifindex());
                }
            }
            peer.data().configure(cfg.side(false));
            let peer = peer.register(rtnl)?;
            peer.carrier_off();
            if cfg.mode == NETKIT_L2 {
                // As in C, failing to turn ARP on is not fatal.
                let _ = peer.change_flags(peer.flags() & !Flag::NoArp, rtnl);
            }
            // From here on, dropping `peer` on an error unregisters it.
            peer.configure()?;
            Some(peer)
        } else {
            None
        };

        if cfg.mode == NETKIT_L2 && !tb.has(IFLA_ADDRESS) {
            dev.random_ether_addr();
        }
        let name = tb.get(IFLA_IFNAME).map_or(&b"nk%d"[..], Attr::as_str_bytes);
        dev.set_name(&IfName::new(name));
        if cfg.headroom != 0 {
            dev.set_needed_headroom(cfg.headroom);
        }
        if cfg.tailroom != 0 {
            dev.set_needed_tailroom(cfg.tailroom);
        }
        dev.data().configure(cfg.side(true));
        if cfg.pair == NETKIT_DEVICE_SINGLE {
            dev.set_xdp_features(xdp::XdpFeatures::XSK)?;
        }

        let dev = dev.register(rtnl)?;
        dev.carrier_off();
        if cfg.mode == NETKIT_L2 {
            let _ = dev.change_flags(dev.flags() & !Flag::NoArp, rtnl);
        }
        if let Some(peer) = peer {
            dev.pair(&peer, rtnl)?;
            peer.keep();
        }
        Ok(dev)
    }

    fn changelink(
        dev: &DriverDevice<Self>,
        _tb: &Attrs<'_>,
        data: Option<&Attrs<'_>>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        let nk = dev.data();
        if !nk.primary.load(Relaxed) {
            extack.set_msg(c"netkit link settings can be changed only through the primary device");
            return Err(EACCES);
        }
        let Some(data) = data else {
            return Ok(());
        };
        for (ty, name) in FIXED_PARAMS {
            if let Some(attr) = data.get(ty) {
                extack.set_msg_attr_fmt(
                    attr,
                    format_args!("netkit link {name} cannot be changed after device creation"),
                );
                return Err(EACCES);
            }
        }
        if let Some(attr) = data.get(IFLA_NETKIT_POLICY) {
            if nk.pair.load(Relaxed) != NETKIT_DEVICE_PAIR {
                return Err(EOPNOTSUPP);
            }
            nk.policy.store(check_policy(attr, extack)?, Relaxed);
        }
        if let Some(attr) = data.get(IFLA_NETKIT_PEER_POLICY) {
            let peer = dev.peer_rtnl(rtnl).ok_or(EOPNOTSUPP)?;
            peer.data()
                .policy
                .store(check_policy(attr, extack)?, Relaxed);
        }
        Ok(())
    }

    fn dellink(dev: &DriverDevice<Self>, list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
        del_link(dev, list, rtnl);
    }

    fn get_link_net<'a>(dev: &'a DriverDevice<Self>, rtnl: &'a Rtnl) -> &'a Namespace {
        match dev.peer_rtnl(rtnl) {
            Some(peer) => peer.net(rtnl),
            None => dev.net(rtnl),
        }
    }

    fn fill_info(dev: &DriverDevice<Self>, msg: &mut Msg<'_>, rtnl: &Rtnl) -> Result<(), MsgFull> {
        let nk = dev.data();
        let pair = nk.pair.load(Relaxed);
        msg.put_u8(IFLA_NETKIT_PRIMARY, u8::from(nk.primary.load(Relaxed)))?;
        msg.put_u32(IFLA_NETKIT_POLICY, nk.policy.load(Relaxed))?;
        msg.put_u32(IFLA_NETKIT_MODE, nk.mode.load(Relaxed))?;
        if pair == NETKIT_DEVICE_PAIR {
            msg.put_u32(IFLA_NETKIT_SCRUB, nk.scrub.load(Relaxed))?;
        }
        msg.put_u16(IFLA_NETKIT_HEADROOM, dev.needed_headroom())?;
        msg.put_u16(IFLA_NETKIT_TAILROOM, dev.needed_tailroom())?;
        msg.put_u32(IFLA_NETKIT_PAIRING, pair)?;
        if let Some(peer) = dev.peer_rtnl(rtnl) {
            let pk = peer.data();
            msg.put_u32(IFLA_NETKIT_PEER_POLICY, pk.policy.load(Relaxed))?;
            msg.put_u32(IFLA_NETKIT_PEER_SCRUB, pk.scrub.load(Relaxed))?;
        }
        Ok(())
    }
}

/// The module: the link kind (with the notifier that deletes devices leasing queues of a
/// physical device that goes away), then the BPF hook; dropped in declaration order, so in
/// reverse, as in C.
#[pin_data]
struct NetkitModule {
    _bpf: bpf::netkit::Registration<NetkitRs>,
    #[pin]
    _link: rtnl::Registration<NetkitRs>,
}

impl kernel::InPlaceModule for NetkitModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            _link <- rtnl::Registration::new(),
            _bpf: bpf::netkit::Registration::new()?,
        })
    }
}

#[kunit_tests(netkit_rs)]
mod tests {
    use super::*;

    /// Size of `ethtool_drvinfo::driver`, NUL included.
    const ETHTOOL_DRIVER_LEN: usize = 32;

    #[test]
    fn drv_name_matches_c_netkit() {
        assert_eq!(DRV_NAME.to_bytes(), b"netkit");
        assert!(DRV_NAME.to_bytes_with_nul().len() <= ETHTOOL_DRIVER_LEN);
    }

    #[test]
    fn pair_headroom_is_the_larger_side() {
        assert_eq!(pair_headroom(0, None), 0);
        assert_eq!(pair_headroom(64, None), 64);
        assert_eq!(pair_headroom(64, Some(128)), 128);
        assert_eq!(pair_headroom(256, Some(128)), 256);
    }

    #[test]
    fn fixed_params_cover_every_creation_attribute() {
        // Every attribute except the two policies and the read-only primary flag is fixed.
        for ty in 1..=IFLA_NETKIT_MAX as u16 {
            let fixed = FIXED_PARAMS.iter().any(|&(t, _)| t == ty);
            let changeable = ty == IFLA_NETKIT_POLICY
                || ty == IFLA_NETKIT_PEER_POLICY
                || ty == IFLA_NETKIT_PRIMARY;
            assert_ne!(fixed, changeable);
        }
    }

    #[test]
    fn only_pass_and_drop_are_default_policies() {
        assert_eq!(default_policy(NETKIT_PASS), Ok(NETKIT_PASS));
        assert_eq!(default_policy(NETKIT_DROP), Ok(NETKIT_DROP));
        assert_eq!(default_policy(NETKIT_NEXT), Err(EINVAL));
        assert_eq!(
            default_policy(uapi::netkit_action_NETKIT_REDIRECT as u32),
            Err(EINVAL)
        );
        assert_eq!(default_policy(10), Err(EINVAL));
    }

    #[test]
    fn only_a_peer_or_a_single_device_leases() {
        assert!(!may_lease(NETKIT_DEVICE_PAIR, true));
        assert!(may_lease(NETKIT_DEVICE_PAIR, false));
        assert!(may_lease(NETKIT_DEVICE_SINGLE, true));
        assert!(may_lease(NETKIT_DEVICE_SINGLE, false));
    }

    #[test]
    fn queue_limit_is_the_allocated_count() {
        assert!(!queue_limit_reached(1, NUM_RX_QUEUES_MAX));
        assert!(!queue_limit_reached(
            NUM_RX_QUEUES_MAX - 1,
            NUM_RX_QUEUES_MAX
        ));
        assert!(queue_limit_reached(NUM_RX_QUEUES_MAX, NUM_RX_QUEUES_MAX));
    }

    #[test]
    fn policy_table_matches_c() {
        assert_eq!(POLICY.len(), IFLA_NETKIT_MAX + 1);
        assert_eq!(IFINFOMSG_LEN as usize, 16);
        assert_eq!(nla::total_size(4), 8);
    }
}
