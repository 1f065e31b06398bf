// expect: could not find .AttrBuf. in .nla.
// netlink_ack_tlv_fill() reports a bad attribute by its offset in the request and WARNs on one
// outside it: no safe code can make an attribute of its own to point the ack at.

fn bad_attr(extack: &mut ExtAck<'_>) {
    extack.set_bad_attr(&nla::AttrBuf::u32(1, 0));
}

fn case() {}
