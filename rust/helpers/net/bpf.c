// SPDX-License-Identifier: GPL-2.0

#include <linux/bpf.h>
#include <linux/bpf_mprog.h>
#include <linux/filter.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

#ifdef CONFIG_RUST_NETDEV_BPF

__rust_helper struct bpf_prog *rust_helper_bpf_prog_get_type(u32 ufd,
							     enum bpf_prog_type type)
{
	return bpf_prog_get_type(ufd, type);
}

/* One program run on an skb, as tcx and netkit do it. */
__rust_helper void rust_helper_bpf_compute_data_pointers(struct sk_buff *skb)
{
	bpf_compute_data_pointers(skb);
}

__rust_helper u32 rust_helper_bpf_prog_run(const struct bpf_prog *prog,
					   const void *ctx)
{
	return bpf_prog_run(prog, ctx);
}

__rust_helper struct bpf_net_context *
rust_helper_bpf_net_ctx_set(struct bpf_net_context *bpf_net_ctx)
{
	return bpf_net_ctx_set(bpf_net_ctx);
}

__rust_helper void rust_helper_bpf_net_ctx_clear(struct bpf_net_context *bpf_net_ctx)
{
	bpf_net_ctx_clear(bpf_net_ctx);
}

__rust_helper void rust_helper_bpf_mprog_bundle_init(struct bpf_mprog_bundle *bundle)
{
	bpf_mprog_bundle_init(bundle);
}

__rust_helper void rust_helper_bpf_mprog_commit(struct bpf_mprog_entry *entry)
{
	bpf_mprog_commit(entry);
}

__rust_helper int rust_helper_bpf_mprog_total(struct bpf_mprog_entry *entry)
{
	return bpf_mprog_total(entry);
}

#endif
