// expect: compiles
// The positive control: the prelude with a correct use of each API the other cases misuse.

fn registers<'a>(dev: NewLink<'a, Dummy>, rtnl: &'a Rtnl) -> Result<Registered<'a, Dummy>> {
    dev.register(rtnl)
}

fn counts(dev: &DriverDevice<Dummy>, ctx: &TxContext) {
    dev.sw_stats_tx_add(1, 64, ctx);
}

fn unregisters(dev: &DriverDevice<Dummy>, list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
    dev.unregister_queue(list, rtnl);
}

fn sets_flags(dev: &Registered<'_, Dummy>, rtnl: &Rtnl) -> Result {
    dev.change_flags(Flags::empty(), rtnl)
}

fn undoes(peer: Registered<'_, Dummy>) {
    peer.unregister();
}

fn keeps<'a>(peer: Registered<'a, Dummy>) -> &'a DriverDevice<Dummy> {
    peer.keep()
}

fn peer_in_section(dev: &DriverDevice<Dummy>) -> bool {
    let guard = rcu::read_lock();
    dev.peer(&guard).is_some()
}

fn attaches<T: link::Driver>(bundle: &Bundle<T>, primer: Primer<T>, rtnl: &Rtnl) -> Result<i32> {
    bundle.attach_link(primer, Position::default(), rtnl)
}

fn grows(slot: QueueSlot<'_>) -> Result<NewQueue<'_>> {
    slot.add()
}

driver!(Own
    const QUEUE_MGMT_OPS: Option<&'static QueueMgmtOps<Self>> = Some(&QueueMgmtOps::new());
);

#[vtable]
impl QueueMgmt for Own {}

fn case() {
    let _ = rtnl::Registration::<Kind>::new();
}

driver!(Kind);

link!(Kind
    const POLICY: &'static [Policy] = &[Policy::UNSPEC; 51];

    const INFO_SIZE: usize = nla::total_size(4);

    fn fill_info(_dev: &DriverDevice<Self>, msg: &mut Msg<'_>, _rtnl: &Rtnl) -> Result<(), MsgFull> {
        msg.put_u32(1, 0)
    }
);

const POLICY: &[Policy] = &[Policy::UNSPEC, Policy::u32_max(2)];

fn creates<'a>(
    dev: &NewLink<'a, Dummy>,
    params: &NewLinkParams<'_>,
    extack: &mut ExtAck<'_>,
    rtnl: &'a Rtnl,
) -> Result {
    let name = IfName::new(b"peer");
    let tb = params.tb();
    let peer = rtnl::create_link(
        dev,
        params.peer_net(),
        &name,
        dev::NameAssign::User,
        &tb,
        extack,
        rtnl,
    )?;
    drop(peer);
    Ok(())
}

driver!(Xdp
    fn bpf(
        _dev: &DriverDevice<Self>,
        req: &kernel::net::xdp::NetdevBpf,
        _ops: &Ops<'_>,
        _rtnl: &Rtnl,
    ) -> Result<kernel::net::xdp::BpfAction> {
        match req.command() {
            kernel::net::xdp::BpfCommand::SetupProg => Err(EOPNOTSUPP),
            kernel::net::xdp::BpfCommand::SetupXskPool { .. } => {
                Ok(kernel::net::xdp::BpfAction::ForwardXskPool)
            }
        }
    }
);

fn sets_priv_flags(dev: &mut dev::Setup<'_>) {
    dev.update_priv_flags(PrivFlag::NoQueue, PrivFlags::empty());
}

fn forwards<'a>(dev: &'a DriverDevice<Dummy>, mut skb: SkBuff<'a>, ctx: &'a TxContext) {
    match dev.peer(ctx) {
        Some(peer) => {
            skb.set_dev(peer);
            let _ = skb.netif_rx(ctx);
        }
        None => skb.drop_reason(DropReason::NotSpecified),
    }
}

fn sets_noarp(dev: &mut dev::Setup<'_>) {
    dev.update_flags(SetupFlag::NoArp, SetupFlags::empty());
}

fn sets_xdp_features(mut dev: NewLink<'_, Dummy>) -> Result {
    dev.set_xdp_features(XdpFeatures::empty())
}

fn redirects(nc: &NetContext, skb: SkBuff<'_>, ctx: &TxContext) {
    nc.redirect(skb, ctx);
}

fn fills(msg: &mut Msg<'_>) -> Result<(), MsgFull> {
    msg.put_u32(1, 0)
}
