// expect: error\[E0599\]: no method named `set_name` found for struct `Registered<
// Setting up (name, ifindex, XDP features under the instance lock) is for unregistered
// devices only (hole 4, and set_xdp_features taking the instance lock under a guard).

fn misuse<'a, T: dev::Driver>(dev: NewLink<'a, T>, rtnl: &'a Rtnl) -> Result {
    let dev = dev.register(rtnl)?;
    dev.set_name(&IfName::new(b"nk0"));
    Ok(())
}

fn case() {}
