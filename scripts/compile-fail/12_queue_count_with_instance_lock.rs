// expect: error\[E0624\]: method `lock` is private
// The queue count needs the ops lock (RTNL for a device that is not ops locked), not any
// device's instance lock (hole 11); a driver takes no instance lock at all, since its callbacks
// may run under one (`queue_create`, `bpf`, `dellink` from a lessor's notifier).

fn misuse(dev: &Device) -> Result<u32> {
    let lock = dev.lock();
    lock.add_rx_queue()
}

fn case() {}
