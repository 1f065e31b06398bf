// expect: error\[E0382\]: use of moved value: `slot`
// One `queue_create` adds one queue: a second would be in use without a lease, and the core's
// check that a device leases from one physical device looks at the last queue only.

fn adds_twice(slot: QueueSlot<'_>) -> Result<NewQueue<'_>> {
    let _first = slot.add()?;
    slot.add()
}

fn case() {}
