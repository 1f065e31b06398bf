// expect: Link::PEER_TYPE needs a POLICY entry of Policy::min_len\(IFINFOMSG_LEN\) or more
// The core reads data[PEER_TYPE] as a struct ifinfomsg: the attribute must be in the policy
// with at least that length (hole 8).

link!(Dummy
    const POLICY: &'static [Policy] = &[Policy::UNSPEC, Policy::u32()];
    const PEER_TYPE: u16 = 5;
);

fn case() {
    let _ = rtnl::Registration::<Dummy>::new();
}
