// expect: expected .&LinkAttrs<[^>]*>., found .&Attrs<
// rtnl_create_link() indexes its table by IFLA_* type without a bound: a link kind's own,
// shorter table (IFLA_INFO_DATA) would be read out of bounds, and its types as IFLA_* ones
// (netkit's IFLA_NETKIT_PEER_INFO as IFLA_ADDRESS, copied into the device's address).

fn creates<'a>(
    dev: &NewLink<'a, Dummy>,
    params: &NewLinkParams<'_>,
    extack: &mut ExtAck<'_>,
    rtnl: &'a Rtnl,
) -> Result {
    let data = params.data().ok_or(EINVAL)?;
    let name = IfName::new(b"peer");
    let peer = rtnl::create_link(
        dev,
        params.peer_net(),
        &name,
        dev::NameAssign::User,
        &data,
        extack,
        rtnl,
    )?;
    drop(peer);
    Ok(())
}

fn case() {}
