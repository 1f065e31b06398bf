// expect: error\[E0599\]: no method named `unregister` found for reference `&.*Device`
// Only a driver unregisters its own devices (hole 13).

fn misuse(dev: &Device, rtnl: &Rtnl) {
    dev.unregister(rtnl);
}

fn case() {}
