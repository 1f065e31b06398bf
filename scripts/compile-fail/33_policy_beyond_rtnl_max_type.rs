// expect: Link::POLICY has more than RTNL_MAX_TYPE \+ 1 entries
// rtnl_link_register() WARNs and fails for a kind with more than RTNL_MAX_TYPE + 1 policy
// entries: rtnl_newlink() parses the kind's attributes into a table of that size.

#[vtable]
impl rtnl::Link for Dummy {
    const KIND: &'static CStr = c"cf_dummy";
    const POLICY: &'static [Policy] = &[Policy::UNSPEC; 52];

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
