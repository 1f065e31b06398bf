// expect: error\[E0599\]: no method named `unregister_queue` found for reference `&.*Device`
// Only a driver unregisters its own devices (hole 13).

fn misuse(dev: &Device, list: &mut UnregisterList<'_>, rtnl: &Rtnl) {
    dev.unregister_queue(list, rtnl);
}

fn case() {}
