// expect: error\[E0061\]: this method takes 3 arguments but 2 arguments were supplied
// Per-CPU statistics are u64_stats writers: only the transmit path, with bottom halves off,
// may count (hole 1).

fn misuse<T: dev::Driver>(dev: &DriverDevice<T>) {
    dev.sw_stats_tx_add(1, 64);
}

fn case() {}
