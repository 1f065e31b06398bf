// expect: error\[E0308\]: mismatched types
// `queue_create` returns the queue the core leases, at an index the core does not check: only
// the queue its `QueueSlot` added this call can be returned, not a number (queue 0, one not in
// use, one leased already).

driver!(Leasing
    const QUEUE_MGMT_OPS: Option<&'static QueueMgmtOps<Self>> = Some(&QueueMgmtOps::new());
);

#[vtable]
impl QueueMgmt for Leasing {
    fn queue_create<'a>(
        _dev: &'a DriverDevice<Self>,
        _slot: QueueSlot<'a>,
        _extack: &mut ExtAck<'_>,
    ) -> Result<NewQueue<'a>> {
        Ok(1)
    }
}

fn case() {}
