// expect: error\[E0599\]: no method named `set_xdp_features` found for struct `Registered<
// XDP features are set before registration only: xdp_set_features_flag() takes the instance
// lock, which a registered device's callbacks (bpf(), queue_create) may already hold.

fn misuse<'a>(dev: NewLink<'a, Dummy>, rtnl: &'a Rtnl) -> Result {
    let dev = dev.register(rtnl)?;
    dev.set_xdp_features(XdpFeatures::empty())
}

fn case() {}
