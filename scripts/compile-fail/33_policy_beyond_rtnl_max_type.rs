// expect: Link::POLICY has more than RTNL_MAX_TYPE \+ 1 entries
// rtnl_link_register() WARNs and fails for a kind with more than RTNL_MAX_TYPE + 1 policy
// entries: rtnl_newlink() parses the kind's attributes into a table of that size.

link!(Dummy
    const POLICY: &'static [Policy] = &[Policy::UNSPEC; 52];
);

fn case() {
    let _ = rtnl::Registration::<Dummy>::new();
}
