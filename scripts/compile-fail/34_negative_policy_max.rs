// expect: cannot apply unary operator .-. to type .u16.
// NLA_POLICY_MAX stores its maximum as an s16, and nla_get_range_unsigned() WARNs on a
// negative one, each time the attribute arrives.

const POLICY: &[Policy] = &[Policy::UNSPEC, Policy::u32_max(-1)];

fn case() {}
