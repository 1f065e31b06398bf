#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build the kernel in the configurations the series must
# support besides the test kernel's, and check that what each one must have
# was built:
#
#   netkit_n       NETKIT=n: netkit_rs.ko still gets netkit_bpf_ops.o
#   inet_n         INET=n: netkit_bpf_ops.o does not need INET
#   bpf_syscall_n  BPF_SYSCALL=n: the abstractions (without kernel::net::bpf)
#                  link into vmlinux, rust_netdev_test.ko builds on them
#
# Each is the lean base (configs/base.config) with the variant's options, in
# one work tree of its own ($NETKIT_RS_CACHE/linux-configs), one after the
# other (the first takes a full build, the next ones rebuild what changed).
#
# usage: configs.sh [variant...]   (default: all three)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

log() { printf 'configs: %s\n' "$*" >&2; }

export NETKIT_RS_TREE=${NETKIT_RS_TREE:-$NETKIT_RS_CACHE/linux-configs}
FRAGS=$NETKIT_RS_CACHE/tmp/configs
mkdir -p "$FRAGS"

# variant: the options set (checked after olddefconfig by build.sh), then
# after "--" the objects that must have been built.
declare -A OPTS WANT
OPTS[netkit_n]="CONFIG_NETKIT=n CONFIG_NETKIT_RS=m CONFIG_NETKIT_BPF_OPS=y
	CONFIG_RUST_NETDEV_TEST=m"
WANT[netkit_n]="net/core/netkit_bpf_ops.o drivers/net/netkit_rs.ko
	drivers/net/rust_netdev_test.ko"
OPTS[inet_n]="CONFIG_INET=n CONFIG_NETKIT=n CONFIG_NETKIT_RS=m
	CONFIG_NETKIT_BPF_OPS=y CONFIG_RUST_NETDEV_TEST=m"
WANT[inet_n]="net/core/netkit_bpf_ops.o drivers/net/netkit_rs.ko
	drivers/net/rust_netdev_test.ko"
OPTS[bpf_syscall_n]="CONFIG_BPF_SYSCALL=n CONFIG_NETKIT=n CONFIG_NETKIT_RS=n
	CONFIG_RUST_NETDEV_ABSTRACTIONS=y CONFIG_RUST_NETDEV_TEST=m"
WANT[bpf_syscall_n]="vmlinux drivers/net/rust_netdev_test.ko"

variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(netkit_n inet_n bpf_syscall_n)
for v in "${variants[@]}"; do
	[ -n "${OPTS[$v]:-}" ] || die "unknown variant $v"
	frag=$FRAGS/$v.config
	tr -s ' \t' '\n' <<< "${OPTS[$v]}" | sed '/^$/d' > "$frag"
	log "$v: $(tr '\n' ' ' < "$frag")"
	start=$(date +%s)
	NK_CONFIGS="base $frag" NK_VERIFY=$frag bash "$REPO/scripts/build.sh" all
	tree=$NETKIT_RS_TREE
	for o in ${WANT[$v]}; do
		[ -f "$tree/$o" ] ||
			die "configs: $v: $o was not built"
	done
	if [ "$v" = bpf_syscall_n ] && grep -q 'kernel::net::bpf\|kernel3net3bpf' \
		<(nm "$tree/vmlinux" 2>/dev/null); then
		die "configs: $v: kernel::net::bpf is in vmlinux"
	fi
	log "$v: ok ($(( $(date +%s) - start ))s): ${WANT[$v]//$'\n'/ }"
done
