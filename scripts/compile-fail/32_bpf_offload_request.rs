// expect: no variant, associated function, or constant named .Other. found for enum .BpfCommand.
// A driver cannot answer a hardware offload request (BPF_OFFLOAD_MAP_ALLOC, ...): the adapter
// refuses them, as success would leave the core calling a null offmap->dev_ops.

driver!(Offload
    fn bpf(
        _dev: &DriverDevice<Self>,
        req: &kernel::net::xdp::NetdevBpf,
        _ops: &Ops<'_>,
        _rtnl: &Rtnl,
    ) -> Result<kernel::net::xdp::BpfAction> {
        match req.command() {
            kernel::net::xdp::BpfCommand::Other => Ok(kernel::net::xdp::BpfAction::Done),
            _ => Err(EINVAL),
        }
    }
);

fn case() {}
