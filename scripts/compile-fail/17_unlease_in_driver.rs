// expect: error\[E0599\]: no method named `unlease` found
// A lease ends only in the abstraction's `ndo_uninit`, after the AF_XDP pools bound through it
// are gone and before a grace period: a driver ending one could leave a pool registered at the
// physical queue, or a reader in an RCU section with a physical device being freed.

fn misuse(ops: &Ops<'_>) -> Result {
    ops.unlease(1)
}

fn case() {}
