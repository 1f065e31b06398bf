// expect: error\[E0624\]: method `set_real_num_rx_queues` is private
// Fewer queues in use would leave the leases, memory providers and AF_XDP pools of the others
// behind, pointing into a device that no longer walks them at unregistration: the count only
// grows (`QueueSlot::add`).

fn misuse(ops: &Ops<'_>) -> Result {
    ops.set_real_num_rx_queues(1)
}

fn case() {}
