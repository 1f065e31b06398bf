// expect: expected `&TxContext`, found `&Guard`
// tc programs run with migration off: an RCU guard alone is not enough (hole 12).

fn misuse<T: link::Driver>(bundle: &Bundle<T>, skb: &mut SkBuff<'_>, ctx: &NetContext) -> u32 {
    let guard = rcu::read_lock();
    bundle.run(skb, 0, 0, ctx, &guard)
}

fn case() {}
