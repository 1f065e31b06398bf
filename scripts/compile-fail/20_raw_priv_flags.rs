// expect: error\[E0277\]: the trait bound `PrivFlags: From<u32>` is not satisfied
// Private flags tell the core what a device is: with `IFF_EBRIDGE` (bit 1) set, the bridge's
// notifier (`br_device_event()`) reads the private area as a `struct net_bridge`. Only the
// flags of `PrivFlag` can be set, and none of them changes the type of the private area.

fn misuse(dev: &mut dev::Setup<'_>) {
    dev.update_priv_flags(1u32 << 1, PrivFlags::empty());
}

fn case() {}
