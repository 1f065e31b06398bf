#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The core's netkit BPF hook (struct netkit_bpf_ops): BPF_NETKIT_PRIMARY
# attach reaches the netkit module under test (IMPL) while it is loaded, and
# only then; one implementation holds the hook at a time.
#
# Whichever implementation was loaded is restored at the end.

DIR=$(dirname "$(readlink -e "$0")")
source "$DIR/lib.sh"
HOOK=$DIR/nk_bpf_hook

[ "$(id -u)" = 0 ] || { ktap_skip_all "needs root"; exit "$KSFT_SKIP"; }
[ -x "$HOOK" ] || { ktap_skip_all "nk_bpf_hook not built"; exit "$KSFT_SKIP"; }

MOD=$(nk_module)
OTHER=netkit
[ "$MOD" = netkit ] && OTHER=netkit_rs
restore=
for m in netkit netkit_rs; do nk_loaded $m && restore=$m; done
cleanup() {
	ip link del nkhook0 2>/dev/null
	nk_unload_all
	[ -z "$restore" ] || modprobe "$restore"
}
trap cleanup EXIT

no_module_einval() {
	nk_unload_all && "$HOOK" prog lo EINVAL
}

attach_query_detach() {
	"$HOOK" prog nkhook0 ok
}

link_create_release() {
	"$HOOK" link nkhook0 ok
}

non_netkit_enxio() {
	"$HOOK" prog lo ENXIO && "$HOOK" link lo ENXIO
}

unload_unhooks() {
	ip link del nkhook0 && rmmod "$MOD" && "$HOOK" prog lo EINVAL
}

# The hook takes one implementation: the other one cannot load meanwhile.
one_at_a_time() {
	modprobe "$MOD" || return 1
	modprobe "$OTHER" 2>/dev/null && { echo "$OTHER loaded beside $MOD"; return 1; }
	rmmod "$MOD" && modprobe "$OTHER" && rmmod "$OTHER"
}

ktap_print_header
ktap_set_plan 6
nk_case no_module_einval no_module_einval
if nk_unload_all && modprobe "$MOD" && ip link add nkhook0 type netkit; then
	nk_case attach_query_detach attach_query_detach
	nk_case link_create_release link_create_release
	nk_case non_netkit_enxio non_netkit_enxio
	nk_case unload_unhooks unload_unhooks
else
	for t in attach_query_detach link_create_release non_netkit_enxio \
		 unload_unhooks; do
		ktap_test_fail "$t # could not create a $MOD.ko device"
	done
fi
nk_case one_at_a_time one_at_a_time
ktap_finished
