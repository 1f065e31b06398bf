// expect: expected `&QueueMgmtOps<Foreign>`, found `&QueueMgmtOps<Dummy>`
// A driver cannot name another driver's queue management ops, whose callbacks would read its
// private area as the other driver's data (hole 5).

driver!(Foreign
    const QUEUE_MGMT_OPS: Option<&'static QueueMgmtOps<Self>> =
        Some(&QueueMgmtOps::<Dummy>::new());
);

fn case() {}
