// expect: error\[E0599\]: no method named `change_flags` found for reference `&DriverDevice<
// `dev_change_flags()` takes the ops lock, which the core holds around `open`, `stop`, `bpf`
// and `queue_create` of an ops-locked device: only `newlink` may change flags, on the
// `Registered` proof of the device it just registered.

fn misuse(dev: &DriverDevice<Dummy>, rtnl: &Rtnl) -> Result {
    dev.change_flags(Flags::empty(), rtnl)
}

fn case() {}
