// expect: expected `u16`, found `u32`
// An attribute type beyond `u16`, which `nla_put()` would cut to another type: attribute types
// are `u16` (`nla_type`), as the core's are.

fn fills(msg: &mut Msg<'_>) -> Result<(), MsgFull> {
    let ty: u32 = 1 << 16;
    msg.put_u32(ty, 0)
}

fn case() {}
