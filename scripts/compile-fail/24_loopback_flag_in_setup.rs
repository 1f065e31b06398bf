// expect: error\[E0277\]: the trait bound `SetupFlags: From<Flag>` is not satisfied
// Some device flags tell the core what a device is: with IFF_LOOPBACK, IPv6 takes the device
// for the namespace's loopback and points its null routes at it without a reference, which
// outlive the device. Setup only sets the flags of `SetupFlag`.

fn misuse(dev: &mut dev::Setup<'_>) {
    dev.update_flags(Flag::Loopback, SetupFlags::empty());
}

fn case() {}
