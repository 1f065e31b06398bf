// expect: expected `&TxContext`, found `&Guard`
// skb_do_redirect() needs RCU and bottom halves off, which an RCU guard alone does not give
// (hole 12).

fn misuse(nc: &NetContext, skb: SkBuff<'_>) {
    let guard = rcu::read_lock();
    nc.redirect(skb, &guard);
}

fn case() {}
