// expect: error\[E0046\]: not all trait items implemented, missing: `LOCK_CLASSES`
// Every driver names its own lockdep classes, as each C driver expands
// netdev_lockdep_set_classes(): one set shared by all Rust drivers would make lockdep take an
// ops lock of one driver's device inside another's for a self-deadlock.

struct NoClasses;

#[vtable]
impl dev::Driver for NoClasses {
    type Data = ();

    fn setup(_dev: &mut dev::Setup<'_>) {}

    fn init_data() -> impl PinInit<()> {}

    fn start_xmit<'a>(
        _dev: &'a DriverDevice<Self>,
        skb: SkBuff<'a>,
        _ctx: &'a TxContext,
    ) -> dev::TxStatus {
        skb.drop_reason(DropReason::NotSpecified);
        dev::TxStatus::Drop
    }
}

fn case() {}
