// expect: expected .MsgFull., found .Error.
// fill_info can only fail for want of room: the core WARNs on any error in a message sized by
// get_size (rtmsg_ifinfo_build_skb(), rtnl_getlink()), so there is no other error to report
// (the adapter goes by the message's state).

link!(Dummy
    const POLICY: &'static [Policy] = &[Policy::UNSPEC];

    const INFO_SIZE: usize = nla::total_size(4);

    fn fill_info(_dev: &DriverDevice<Self>, _msg: &mut Msg<'_>, _rtnl: &Rtnl) -> Result<(), MsgFull> {
        Err(EINVAL)
    }
);

fn case() {
    let _ = rtnl::Registration::<Dummy>::new();
}
