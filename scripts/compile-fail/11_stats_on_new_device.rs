// expect: error\[E0599\]: no method named `sw_stats_tx_add` found for reference `&NewDevice<.*T>`
// An unregistered device has no per-CPU statistics yet: tstats is allocated after ndo_init
// (hole 1).

fn misuse<T: dev::Driver>(dev: &NewDevice<T>, ctx: &TxContext) {
    dev.sw_stats_tx_add(1, 64, ctx);
}

fn case() {}
