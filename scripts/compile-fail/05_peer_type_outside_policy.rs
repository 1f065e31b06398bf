// expect: Link::PEER_TYPE needs a POLICY entry of Policy::min_len\(IFINFOMSG_LEN\) or more
// The core reads data[PEER_TYPE] as a struct ifinfomsg: the attribute must be in the policy
// with at least that length (hole 8).

#[vtable]
impl rtnl::Link for Dummy {
    const KIND: &'static CStr = c"cf_dummy";
    const POLICY: &'static [Policy] = &[Policy::UNSPEC, Policy::u32()];
    const PEER_TYPE: u16 = 5;

    fn newlink<'a>(
        dev: NewLink<'a, Self>,
        _params: &NewLinkParams<'_>,
        _extack: &mut ExtAck<'_>,
        rtnl: &'a Rtnl,
    ) -> Result<Registered<'a, Self>> {
        dev.register(rtnl)
    }
}

fn case() {
    let _ = rtnl::Registration::<Dummy>::new();
}
