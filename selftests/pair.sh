#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pair mode data path and life cycle against the implementation under test
# (IMPL=rs: netkit_rs.ko, IMPL=c: netkit.ko): ping across namespaces in L2 and
# L3 over IPv4 and IPv6, exact packet and byte counters, blackhole policies,
# module removal with live pairs and a create/delete loop.

source "$(dirname "$(readlink -e "$0")")/lib.sh"

A=nkpa
B=nkpb
CYCLES=${NK_CYCLES:-1000}

[ "$(id -u)" = 0 ] || { ktap_skip_all "needs root"; exit "$KSFT_SKIP"; }
MOD=$(nk_module)
modinfo "$MOD" >/dev/null 2>&1 || { ktap_skip_all "$MOD.ko not installed"; exit "$KSFT_SKIP"; }

cleanup() {
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
}

# setup MODE: nk1 in $A, its peer nk2 in $B, both up, IPv6 only where asked.
setup() {
	cleanup
	ip netns add $A && ip netns add $B || return 1
	ip -n $A link add nk1 type netkit mode "$1" peer name nk2 netns $B || return 1
	ip netns exec $A sysctl -qw net.ipv6.conf.nk1.disable_ipv6=1
	ip netns exec $B sysctl -qw net.ipv6.conf.nk2.disable_ipv6=1
	ip -n $A addr add 10.9.0.1/24 dev nk1 && ip -n $B addr add 10.9.0.2/24 dev nk2 || return 1
	ip -n $A link set nk1 up && ip -n $B link set nk2 up
}

setup6() {
	setup "$1" || return 1
	ip netns exec $A sysctl -qw net.ipv6.conf.nk1.disable_ipv6=0
	ip netns exec $B sysctl -qw net.ipv6.conf.nk2.disable_ipv6=0
	ip -n $A addr add fd00:9::1/64 dev nk1 nodad &&
		ip -n $B addr add fd00:9::2/64 dev nk2 nodad
}

stat() { # stat NS DEV FIELD: one counter of dev_get_stats() (rx/tx packets, bytes, dropped)
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

expect_eq() { # expect_eq WHAT GOT WANT
	[ "$2" = "$3" ] || { echo "$1: got $2, want $3"; return 1; }
}

expect_ge() { # expect_ge WHAT GOT MIN
	[ "$2" -ge "$3" ] || { echo "$1: got $2, want at least $3"; return 1; }
}

ping_l3_ipv4() {
	setup l3 || return 1
	local tx0 rx0 b0 rb0
	tx0=$(stat $A nk1 tx_packets) rx0=$(stat $B nk2 rx_packets)
	b0=$(stat $A nk1 tx_bytes) rb0=$(stat $B nk2 rx_bytes)
	ip netns exec $A ping -q -c 3 -i 0.2 -W 2 10.9.0.2 || return 1
	expect_eq "nk1 tx packets" $(($(stat $A nk1 tx_packets) - tx0)) 3 &&
	expect_eq "nk2 rx packets" $(($(stat $B nk2 rx_packets) - rx0)) 3 &&
	expect_eq "nk2 tx packets" "$(stat $B nk2 tx_packets)" 3 &&
	expect_eq "nk1 rx packets" "$(stat $A nk1 rx_packets)" 3 &&
	# Both sides count the frame as transmitted: IP packet + Ethernet header.
	expect_eq "nk1 tx bytes = nk2 rx bytes" $(($(stat $A nk1 tx_bytes) - b0)) \
		$(($(stat $B nk2 rx_bytes) - rb0)) &&
	expect_eq "nk1 tx bytes" $(($(stat $A nk1 tx_bytes) - b0)) $((3 * (84 + 14)))
}

ping_l2_ipv4() {
	setup l2 || return 1
	ip netns exec $A ping -q -c 3 -i 0.2 -W 2 10.9.0.2 || return 1
	# ARP resolved the peer's random address.
	local mac
	mac=$(ip netns exec $B cat /sys/class/net/nk2/address)
	ip -n $A neigh show 10.9.0.2 dev nk1 | grep -q "lladdr $mac" ||
		{ echo "no neighbour entry with $mac"; ip -n $A neigh; return 1; }
	expect_eq "nk1 tx dropped" "$(stat $A nk1 tx_dropped)" 0
}

ping_l3_ipv6() {
	setup6 l3 || return 1
	ip netns exec $A ping -6 -q -c 3 -i 0.2 -W 2 fd00:9::2
}

ping_l2_ipv6() {
	setup6 l2 || return 1
	ip netns exec $A ping -6 -q -c 3 -i 0.2 -W 2 fd00:9::2
}

blackhole_drops_and_counts() {
	setup l3 || return 1
	ip -n $A link set nk1 type netkit blackhole || return 1
	! ip netns exec $A ping -q -c 4 -i 0.2 -W 1 10.9.0.2 ||
		{ echo "ping passed a blackhole"; return 1; }
	# At least the pings; IGMP reports may add to it.
	expect_ge "nk1 tx dropped" "$(stat $A nk1 tx_dropped)" 4 &&
	expect_eq "nk1 tx packets" "$(stat $A nk1 tx_packets)" 0 &&
	expect_eq "nk2 rx packets" "$(stat $B nk2 rx_packets)" 0 || return 1

	# The peer's policy drops the replies instead.
	ip -n $A link set nk1 type netkit forward peer blackhole || return 1
	! ip netns exec $A ping -q -c 2 -i 0.2 -W 1 10.9.0.2 ||
		{ echo "ping passed the peer's blackhole"; return 1; }
	expect_ge "nk2 rx packets" "$(stat $B nk2 rx_packets)" 2 &&
	expect_ge "nk2 tx dropped" "$(stat $B nk2 tx_dropped)" 2 &&
	expect_eq "nk1 rx packets" "$(stat $A nk1 rx_packets)" 0 || return 1

	ip -n $A link set nk1 type netkit peer forward || return 1
	ip netns exec $A ping -q -c 1 -W 2 10.9.0.2
}

down_peer_drops() {
	setup l3 || return 1
	ip -n $B link set nk2 down || return 1
	# Without a carrier the stack may still hand packets over: each one
	# must be dropped and counted, never delivered.
	ip netns exec $A ping -q -c 2 -i 0.2 -W 1 10.9.0.2 &&
		{ echo "ping through a down peer"; return 1; }
	expect_eq "nk2 rx packets" "$(stat $B nk2 rx_packets)" 0 &&
	expect_eq "nk1 tx packets" "$(stat $A nk1 tx_packets)" 0
}

netns_delete_removes_pair() {
	setup l2 || return 1
	ip netns del $B || return 1
	local i
	for i in $(seq 50); do
		ip -n $A link show nk1 >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	echo "nk1 outlived its peer's namespace"
	return 1
}

nk_count() { # netkit devices in every namespace
	local ns n=0
	n=$(ip -d link show | grep -c 'netkit ')
	for ns in $(ip netns list | awk '{print $1}'); do
		n=$((n + $(ip -n "$ns" -d link show | grep -c 'netkit ')))
	done
	echo $n
}

rmmod_with_live_pairs() {
	cleanup
	local i
	for i in 1 2 3; do
		ip netns add nkr$i || return 1
		ip link add nkr$i type netkit peer name nkq$i netns nkr$i || return 1
		ip -n nkr$i link add nks$i type netkit mode l2 peer name nkt$i || return 1
		ip link set nkr$i up
		ip -n nkr$i link set nkq$i up
	done
	expect_eq "netkit devices" "$(nk_count)" 12 || return 1
	rmmod "$MOD" || return 1
	expect_eq "netkit devices after rmmod" "$(nk_count)" 0 || return 1
	for i in 1 2 3; do ip netns del nkr$i; done
	modprobe "$MOD"
}

create_delete_cycles() {
	cleanup
	local batch i
	batch=$(mktemp)
	# In namespaces of their own: the uevents of devices outside the initial
	# namespace stay there, so the guest's udevd is not flooded with events
	# it would take many minutes to drain under emulation.
	ip netns add $A && ip netns add $B || return 1
	# iproute2 keeps netkit option state between batch lines, so the pairs
	# take the defaults (peer nk0). Even cycles: the peer moves to another
	# namespace and the pair goes through the primary; odd cycles: through
	# the peer.
	for i in $(seq "$CYCLES"); do
		echo "link add nkc type netkit"
		echo "link set nkc up"
		if [ $((i % 2)) = 0 ]; then
			echo "link set nk0 netns $B"
			echo "link del nkc"
		else
			echo "link del nk0"
		fi
	done > "$batch"
	ip -n $A -batch "$batch" || { rm -f "$batch"; return 1; }
	rm -f "$batch"
	expect_eq "netkit devices after $CYCLES cycles" "$(nk_count)" 0 || return 1
	# A leaked device reference stalls unregistration with this message.
	! dmesg | grep -q "waiting for nk.* to become free"
}

ktap_print_header
ktap_set_plan 10
nk_case "ping_l3_ipv4" ping_l3_ipv4
nk_case "ping_l2_ipv4" ping_l2_ipv4
nk_case "ping_l3_ipv6" ping_l3_ipv6
nk_case "ping_l2_ipv6" ping_l2_ipv6
nk_case "blackhole_drops_and_counts" blackhole_drops_and_counts
nk_case "down_peer_drops" down_peer_drops
nk_case "netns_delete_removes_pair" netns_delete_removes_pair
nk_case "rmmod_with_live_pairs" rmmod_with_live_pairs
nk_case "create_delete_cycles_$CYCLES" create_delete_cycles
nk_case "no_netkit_left" expect_eq "netkit devices" "$(cleanup; nk_count)" 0
cleanup
ktap_finished
