// expect: error\[E0599\]: no method named `set_real_num_rx_queues` found for struct `LockGuard<
// The queue count needs the ops lock (RTNL for a device that is not ops locked), not any
// device's instance lock (hole 11).

fn misuse(dev: &Device, n: u32) -> Result {
    let lock = dev.lock();
    lock.set_real_num_rx_queues(n)
}

fn case() {}
