// expect: error\[E0515\]: cannot return value referencing local variable `guard`
// A peer found under RCU is valid only inside the read-side section: the link holds no
// reference, and the core frees an unpaired device after one grace period.

fn misuse(dev: &DriverDevice<Dummy>) -> Option<&DriverDevice<Dummy>> {
    let guard = rcu::read_lock();
    dev.peer(&guard)
}

fn case() {}
