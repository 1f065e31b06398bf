// SPDX-License-Identifier: GPL-2.0

//! A network device driver that breaks, one at a time, the rules that the `kernel::net`
//! abstractions check at run time because no type can express them, so that a selftest can show
//! that each check turns the bug into an error (tools/testing/selftests/drivers/net/netkit_rs/
//! misuse.py).
//!
//! Like every driver on the abstractions it has no `unsafe`: each bug is one that any safe driver
//! could have. The name a device is created with picks the bug ([`Case`]); a device with any
//! other name follows every rule. A second kind, `rust_netdev_test_xsk`, is a driver with
//! `ndo_bpf` ([`XskDriver`]). Only for tests.

use kernel::{
    net::{
        dev::{
            self,
            DriverDevice,
            Feature,
            Features,
            IfName,
            NameAssign,
            Setup,
            Stats64,
            TxStatus,
            UnregisterList, //
        },
        nla::{
            self,
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
            Registered,
            Rtnl,
            IFLA_IFNAME, //
        },
        skbuff::{
            DropReason,
            SkBuff,
            TxContext, //
        },
        xdp::{
            BpfAction,
            NetdevBpf,
            XdpFeature,
            XdpFeatures, //
        },
    },
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

module! {
    type: TestModule,
    name: "rust_netdev_test",
    authors: ["netkit_rs developers <netkit-rs@localhost>"],
    description: "Run-time checks of the Rust network device abstractions, for tests",
    license: "GPL",
    alias: ["rtnl-link-rust_netdev_test", "rtnl-link-rust_netdev_test_xsk"],
}

/// The bug a device has, picked by the name it is created with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
enum Case {
    /// None: the device follows every rule.
    Good = 0,
    /// `newlink` registers the device, keeps it registered and fails. The adapter unregisters it
    /// before the core frees it: `free_netdev()` BUGs on a registered device.
    KeepFail,
    /// `newlink` registers the device and fails; dropping the proof unregisters the device.
    DropFail,
    /// `newlink` registers a second device and returns its proof instead of its own device's.
    OtherOk,
    /// `newlink` asks for `ndo_xdp_xmit`, which the abstractions do not provide.
    XdpXmit,
    /// `newlink` asks for AF_XDP zero-copy, whose set-up calls `ndo_bpf`, which this driver
    /// does not have.
    XskWithoutBpf,
    /// `queue_create` adds its queue, then fails: the adapter takes the queue back.
    QueueFail,
    /// `newlink` registers a second device and its own, unregisters its own and pairs the
    /// second with it: `pair()` fails, as a peer that already passed `ndo_uninit` would never
    /// be unpaired before it is freed.
    PairUnregistered,
    /// `start_xmit` pulls Ethernet headers off each packet until `eth_pull_mac()` fails, which
    /// it must when fewer than `ETH_HLEN` bytes are left, and counts the headers pulled as
    /// packets and the bytes left as their length.
    PullShort,
    /// `start_xmit` pulls one Ethernet header off each packet and takes the rest as a frame
    /// received on the device, which must fail when fewer than `ETH_HLEN` bytes are left; it
    /// counts the frames taken as received packets and their length.
    PktTypeShort,
    /// `dellink` does nothing: the adapter queues the device, or it would outlive its module
    /// and namespace.
    DellinkNoop,
    /// `fill_info` writes two attributes where `INFO_SIZE` has room for one: the adapter leaves the
    /// second out, or the core would WARN on each message about the device.
    InfoOverflow,
}

impl Case {
    const NAMES: [(&'static [u8], Case); 11] = [
        (b"keep_fail", Case::KeepFail),
        (b"drop_fail", Case::DropFail),
        (b"other_ok", Case::OtherOk),
        (b"xdp_xmit", Case::XdpXmit),
        (b"xsk_no_bpf", Case::XskWithoutBpf),
        (b"queue_fail", Case::QueueFail),
        (b"pair_unreg", Case::PairUnregistered),
        (b"pull_short", Case::PullShort),
        (b"pkt_type_short", Case::PktTypeShort),
        (b"dellink_noop", Case::DellinkNoop),
        (b"info_overflow", Case::InfoOverflow),
    ];

    fn of_name(name: &[u8]) -> Self {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(Case::Good, |&(_, case)| case)
    }

    fn of_raw(v: u32) -> Self {
        Self::NAMES
            .iter()
            .find(|&&(_, case)| case as u32 == v)
            .map_or(Case::Good, |&(_, case)| case)
    }
}

/// The private data of a device: its [`Case`].
struct TestDev {
    case: Atomic<u32>,
}

impl TestDev {
    fn case(&self) -> Case {
        Case::of_raw(self.case.load(Relaxed))
    }
}

struct TestDriver;

#[vtable]
impl dev::Driver for TestDriver {
    type Data = TestDev;

    const LOCK_CLASSES: &'static dev::LockClasses = kernel::netdev_lock_classes!();

    const QUEUE_MGMT_OPS: Option<&'static QueueMgmtOps<Self>> = Some(&QueueMgmtOps::new());

    fn setup(dev: &mut Setup<'_>) {
        dev.ether_setup();
        // Two features a device may have, and two whose users call driver operations the
        // abstractions do not provide (`ndo_dfwd_add_station`, `ndo_vlan_rx_add_vid`): the
        // abstraction leaves out the latter.
        let features =
            Feature::HighDma | Feature::Sg | Feature::HwL2fwDoffload | Feature::HwVlanCtagFilter;
        let none = Features::empty();
        dev.set_features(features, features, none, none, none);
    }

    fn init_data() -> impl PinInit<TestDev> {
        TestDev {
            case: Atomic::new(Case::Good as u32),
        }
    }

    fn start_xmit<'a>(
        dev: &'a DriverDevice<Self>,
        mut skb: SkBuff<'a>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        match dev.data().case() {
            Case::PullShort => {
                // At most four: without the check a pull from a short packet reports success
                // without pulling, and the loop would not end.
                let mut pulled = 0;
                while pulled < 4 && skb.eth_pull_mac().is_ok() {
                    pulled += 1;
                }
                dev.sw_stats_tx_add(pulled, skb.len(), ctx);
            }
            Case::PktTypeShort => {
                if skb.eth_pull_mac().is_ok() && skb.set_pkt_type_for(dev).is_ok() {
                    dev.sw_stats_rx_add(skb.len(), ctx);
                }
            }
            _ => {}
        }
        skb.drop_reason(DropReason::NotSpecified);
        TxStatus::Drop
    }

    fn get_stats64(dev: &DriverDevice<Self>, stats: &mut Stats64) {
        dev.fetch_sw_stats(stats);
    }
}

#[vtable]
impl rtnl::Link for TestDriver {
    const KIND: &'static CStr = c"rust_netdev_test";
    const POLICY: &'static [Policy] = &[Policy::UNSPEC];
    const REAL_QUEUES: u32 = 1;
    const INFO_SIZE: usize = nla::total_size(4);

    fn newlink<'a>(
        mut dev: NewLink<'a, Self>,
        params: &NewLinkParams<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &'a Rtnl,
    ) -> Result<Registered<'a, Self>> {
        let tb = params.tb();
        let case = tb
            .get(IFLA_IFNAME)
            .map_or(Case::Good, |name| Case::of_name(name.as_str_bytes()));
        dev.data().case.store(case as u32, Relaxed);
        dev.set_xdp_features(match case {
            Case::XdpXmit => XdpFeature::NdoXmit.into(),
            Case::XskWithoutBpf => XdpFeatures::XSK,
            _ => XdpFeature::Basic | XdpFeature::Redirect,
        })?;
        let other = if matches!(case, Case::OtherOk | Case::PairUnregistered) {
            let name = IfName::new(b"other_dev");
            let other = rtnl::create_link(
                &dev,
                params.peer_net(),
                &name,
                NameAssign::User,
                &tb,
                extack,
                rtnl,
            )?;
            Some(other.register(rtnl)?)
        } else {
            None
        };
        let reg = dev.register(rtnl)?;
        match (case, other) {
            (Case::KeepFail, _) => {
                reg.keep();
                Err(ENOSPC)
            }
            (Case::DropFail, _) => {
                drop(reg);
                Err(ENOSPC)
            }
            (Case::PairUnregistered, Some(other)) => {
                let dev = reg.dev();
                reg.unregister();
                other.pair(dev, rtnl)?;
                // Not reached unless `pair()` took a device that is no longer registered;
                // dropping `other` unregisters it, which unpairs both.
                Err(ENOSPC)
            }
            (_, Some(other)) => {
                reg.keep();
                Ok(other)
            }
            _ => Ok(reg),
        }
    }

    fn dellink(dev: &DriverDevice<Self>, list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
        if dev.data().case() != Case::DellinkNoop {
            dev.unregister_queue(list, rtnl);
        }
    }

    fn fill_info(dev: &DriverDevice<Self>, msg: &mut Msg<'_>, _rtnl: &Rtnl) -> Result<(), MsgFull> {
        let case = dev.data().case();
        msg.put_u32(1, case as u32)?;
        if case == Case::InfoOverflow {
            msg.put_u32(2, case as u32)?;
        }
        Ok(())
    }
}

#[vtable]
impl QueueMgmt for TestDriver {
    fn queue_create<'a>(
        dev: &'a DriverDevice<Self>,
        slot: QueueSlot<'a>,
        _extack: &mut ExtAck<'_>,
    ) -> Result<NewQueue<'a>> {
        let queue = slot.add()?;
        match dev.data().case() {
            Case::QueueFail => Err(ENOSPC),
            _ => Ok(queue),
        }
    }
}

/// A second driver, with `ndo_bpf`, whose `bpf` claims to have set up an AF_XDP pool itself
/// ([`BpfAction::Done`]), which no driver on the abstractions can: they do not DMA map pools.
struct XskDriver;

#[vtable]
impl dev::Driver for XskDriver {
    type Data = ();

    const LOCK_CLASSES: &'static dev::LockClasses = kernel::netdev_lock_classes!();

    fn setup(dev: &mut Setup<'_>) {
        dev.ether_setup();
    }

    fn init_data() -> impl PinInit<()> {}

    fn start_xmit<'a>(
        _dev: &'a DriverDevice<Self>,
        skb: SkBuff<'a>,
        _ctx: &'a TxContext,
    ) -> TxStatus {
        skb.drop_reason(DropReason::NotSpecified);
        TxStatus::Drop
    }

    fn bpf(
        _dev: &DriverDevice<Self>,
        _req: &NetdevBpf,
        _ops: &Ops<'_>,
        _rtnl: &Rtnl,
    ) -> Result<BpfAction> {
        Ok(BpfAction::Done)
    }
}

#[vtable]
impl rtnl::Link for XskDriver {
    const KIND: &'static CStr = c"rust_netdev_test_xsk";
    const POLICY: &'static [Policy] = &[Policy::UNSPEC];

    fn newlink<'a>(
        mut dev: NewLink<'a, Self>,
        _params: &NewLinkParams<'_>,
        _extack: &mut ExtAck<'_>,
        rtnl: &'a Rtnl,
    ) -> Result<Registered<'a, Self>> {
        dev.set_xdp_features(XdpFeatures::XSK)?;
        dev.register(rtnl)
    }
}

#[pin_data]
struct TestModule {
    #[pin]
    _link: rtnl::Registration<TestDriver>,
    #[pin]
    _xsk_link: rtnl::Registration<XskDriver>,
}

impl kernel::InPlaceModule for TestModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            _link <- rtnl::Registration::new(),
            _xsk_link <- rtnl::Registration::new(),
        })
    }
}
