// expect: error\[E0599\]: no method named `register` found for (reference|mutable reference) `&(mut )?Unregistered<T>`
// Registering is only done by consuming the NewLink/NewDevice that owns the device, not
// through a borrow of it (hole 4: a NewDevice dropped after that freed a registered device).

fn misuse<T: dev::Driver>(dev: &Unregistered<T>, rtnl: &Rtnl) {
    let _ = dev.register(rtnl);
}

fn case() {}
