#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# netkit_rs.ko: metadata and load/unload.

source "$(dirname "$(readlink -e "$0")")/lib.sh"

[ "$(id -u)" = 0 ] || { ktap_skip_all "needs root"; exit "$KSFT_SKIP"; }
modinfo netkit_rs >/dev/null 2>&1 ||
	{ ktap_skip_all "netkit_rs.ko not installed"; exit "$KSFT_SKIP"; }

IMPL_MOD=$(nk_module)
was_loaded=0
nk_loaded "$IMPL_MOD" && was_loaded=1

alias_is_rtnl_netkit() {
	modinfo -F alias netkit_rs | grep -qx 'rtnl-link-netkit'
}

license_is_gpl() {
	[ "$(modinfo -F license netkit_rs)" = GPL ]
}

# Both implementations answer the rtnl-link-netkit autoload request.
c_driver_has_same_alias() {
	modinfo -F alias netkit | grep -qx 'rtnl-link-netkit'
}

# make test: 10 (a leak or a reference left by one cycle fails the run's
# kmemleak and refcount checks), make soak: 1000.
CYCLES=${NK_MODULE_CYCLES:-10}

load_unload_cycles() {
	local i
	nk_unload_all || return 1
	for ((i = 1; i <= CYCLES; i++)); do
		modprobe netkit_rs || { echo "load $i failed"; return 1; }
		nk_loaded netkit_rs || { echo "not loaded after load $i"; return 1; }
		rmmod netkit_rs || { echo "unload $i failed"; return 1; }
		! nk_loaded netkit_rs || { echo "still loaded after unload $i"; return 1; }
	done
}

ktap_print_header
ktap_set_plan 4
nk_case "alias_is_rtnl_netkit" alias_is_rtnl_netkit
nk_case "license_is_gpl" license_is_gpl
nk_case "c_driver_has_same_alias" c_driver_has_same_alias
nk_case "load_unload_cycles_$CYCLES" load_unload_cycles

# Leave the implementation under test as we found it.
if [ $was_loaded = 1 ]; then
	modprobe "$IMPL_MOD"
fi
ktap_finished
