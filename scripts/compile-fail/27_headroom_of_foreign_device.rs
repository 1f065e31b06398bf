// expect: error\[E0599\]: no method named `set_needed_headroom` found
// The headroom sizes the packets other drivers build for a device (a DSA port's tagger pushes
// its tag into the headroom its device asked for): a driver sets it, like the carrier, only on
// its own devices (`DriverDevice<T>`), not on any device it can reach.

fn misuse(dev: &Device) {
    dev.set_needed_headroom(0);
}

fn case() {}
