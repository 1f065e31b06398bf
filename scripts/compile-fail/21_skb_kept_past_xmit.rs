// expect: lifetime may not live long enough
// The packet names a device it holds no reference on (`skb->dev`): kept past `start_xmit`, it
// could be handed on after that device is gone. An `SkBuff` lives no longer than its callback.

fn misuse<'a>(skb: SkBuff<'a>, kept: &mut Option<SkBuff<'static>>) {
    *kept = Some(skb);
}

fn case() {}
