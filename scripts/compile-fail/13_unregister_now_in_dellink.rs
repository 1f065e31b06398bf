// expect: error\[E0599\]: no method named `unregister` found for reference `&DriverDevice<Dummy>`
// A dellink (inside the core's for_each_netdev_reverse() walk) can only queue its device: a
// device is unregistered at once only through the `Registered` proof of a newlink.

fn dellink(dev: &DriverDevice<Dummy>, _list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
    dev.unregister(rtnl);
}

fn case() {}
