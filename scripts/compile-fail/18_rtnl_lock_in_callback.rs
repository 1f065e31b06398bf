// expect: error\[E0624\]: associated function `lock` is private
// RTNL is not recursive and most driver callbacks run under it: taking it in one deadlocks.
// A driver never takes it; the abstractions take it for the callbacks the core calls without
// it (the BPF hooks and link callbacks) and pass the proof in.

fn misuse(dev: &DriverDevice<Dummy>, list: &mut UnregisterList<'_>, _rtnl: &Rtnl) {
    let rtnl = Rtnl::lock();
    dev.unregister_queue(list, &rtnl);
}

fn case() {}
