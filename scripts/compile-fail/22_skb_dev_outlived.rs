// expect: error\[E0621\]: explicit lifetime required in the type of `dev`
// The packet holds no reference on the device `set_dev` gives it: the device must stay valid as
// long as the packet can be used, e.g. a peer found through the `TxContext`, not a device
// borrowed for less (such as from an `ARef` the driver drops before handing the packet on).

fn misuse<'a>(skb: &mut SkBuff<'a>, dev: &Device) {
    skb.set_dev(dev);
}

fn case() {}
