# SPDX-License-Identifier: GPL-2.0
# Sourced by the scripts that run inside the guest.

# nk_select_impl rs|c: set MOD (the netkit module under test) and OTHER, and
# keep the rtnl-link-netkit alias, which both modules carry, from
# autoloading OTHER.
nk_select_impl() {
	case $1 in
	rs) MOD=netkit_rs OTHER=netkit ;;
	c) MOD=netkit OTHER=netkit_rs ;;
	*) echo "guest: bad IMPL=$1" >&2; return 1 ;;
	esac
	mkdir -p /etc/modprobe.d
	echo "blacklist $OTHER" > /etc/modprobe.d/netkit-impl.conf
}
