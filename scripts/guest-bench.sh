#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the benchmark guest: the same workloads over a pair between two
# namespaces for netkit.ko, netkit_rs.ko and veth, ROUNDS times in rotating
# order. Prints one line per measurement: "BENCH <device> <workload> <value>".
#
# The netkit devices also run pktgen with BPF programs on nk1's transmit path
# (BPF_NETKIT_PRIMARY): one pass-through program, four (three NETKIT_NEXT,
# then NETKIT_PASS), and one redirecting every packet to a veth in the peer's
# namespace.
#
# usage: guest-bench.sh NK_RR NK_BPF CHURN_TOOL
#   NK_RR     the request/response tool (bench/nk_rr.c), built on the host
#   NK_BPF    the BPF attach tool (selftests/nk_bpf.c), built on the host
#   CHURN_TOOL  the rtnetlink churn tool (bench/nk_churn.c), built on the host
# environment: ROUNDS (default 5), SECONDS_PER_RUN (default 5),
#              PKTGEN_COUNT (default 200000), NK_CHURN (pairs per churn run,
#              default 200), NK_LINKS (BPF links per run, default 2000),
#              WORKLOADS (an extended regular expression; only the workloads
#              whose name matches it run)
set -u

NK_RR=$1
NK_BPF=$2
CHURN_TOOL=$3
ROUNDS=${ROUNDS:-5}
SECS=${SECONDS_PER_RUN:-5}
COUNT=${PKTGEN_COUNT:-200000}
CHURN=${NK_CHURN:-200}
LINKS=${NK_LINKS:-2000}
A=nkba
B=nkbb


teardown() {
	pkill -x iperf3; pkill -f "$NK_RR server"
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
	for m in netkit netkit_rs; do
		[ -d /sys/module/$m ] && rmmod $m
	done
	sleep 1
}

setup() { # setup netkit|netkit_rs|veth
	teardown
	ip netns add $A && ip netns add $B || return 1
	case $1 in
	veth) ip -n $A link add nk1 type veth peer name nk2 netns $B ;;
	*)
		modprobe "$1" || return 1
		ip -n $A link add nk1 type netkit peer name nk2 netns $B
		;;
	esac || return 1
	ip -n $A addr add 10.7.0.1/24 dev nk1
	ip -n $B addr add 10.7.0.2/24 dev nk2
	ip -n $A link set nk1 up
	ip -n $B link set nk2 up
	ip -n $A link set lo up
	ip -n $B link set lo up
}

# pktgen from nk1, clone_skb 0 (a new skb per packet), 64-byte UDP packets
# that the peer's stack receives and drops.
pktgen_pps() {
	local pg=/proc/net/pktgen mac
	mac=$(ip -n $B -j link show nk2 | sed -n 's/.*"address":"\([^"]*\)".*/\1/p')
	ip netns exec $A bash -c "
		echo rem_device_all > $pg/kpktgend_0
		echo add_device nk1 > $pg/kpktgend_0
		for c in 'count $COUNT' 'clone_skb 0' 'pkt_size 64' 'delay 0' \
			 'dst 10.7.0.2' 'dst_mac $mac' 'udp_dst_min 9' 'udp_dst_max 9'; do
			echo \"\$c\" > $pg/nk1
		done
		echo start > $pg/pgctrl
		sed -n 's/.* \([0-9]*\)pps.*/\1/p' $pg/nk1
		echo rem_device_all > $pg/kpktgend_0
	"
}

iperf3_mbps() {
	ip netns exec $B iperf3 -s -1 -D >/dev/null 2>&1
	sleep 1
	ip netns exec $A iperf3 -c 10.7.0.2 -t "$SECS" -f m 2>/dev/null |
		awk '/receiver/ { print $(NF-2) }'
}

# pktgen with programs attached to nk1: bpf_pps pass|next4|redirect
bpf_pps() {
	local p
	case $1 in
	pass) ip netns exec $A "$NK_BPF" attach nk1 primary pass ;;
	next4)
		for p in next next next pass; do
			ip netns exec $A "$NK_BPF" attach nk1 primary $p || return 1
		done ;;
	redirect)
		ip -n $B link add vr0 type veth peer name vr1 &&
		ip -n $B link set vr0 up && ip -n $B link set vr1 up &&
		ip netns exec $A "$NK_BPF" attach nk1 primary \
			"redirect:$(ip -n $B -j link show vr0 | sed -n 's/.*"ifindex":\([0-9]*\).*/\1/p')" ;;
	esac >/dev/null || return 1
	pktgen_pps
}

rr_tps() {
	local pid
	ip netns exec $B "$NK_RR" server 5202 &
	pid=$!
	sleep 1
	ip netns exec $A "$NK_RR" client 10.7.0.2 5202 "$SECS"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# Control-plane churn, what a CNI does all day: CHURN pairs, each peer in its
# own namespace, created and deleted one rtnetlink request at a time
# (bench/nk_churn.c); then created again and removed by deleting their
# namespaces in one batch, until the last device is gone. Prints "create
# delete teardown" in pairs per second; the namespaces are made beforehand,
# outside the timed parts.
now() { date +%s.%N; }
churn() { # churn netkit|netkit_rs|veth
	local kind=netkit i f c d t0
	teardown
	if [ "$1" = veth ]; then kind=veth; else modprobe "$1" || return 1; fi
	f=$(mktemp)
	for i in $(seq "$CHURN"); do echo "netns add nkc$i"; done > "$f"
	ip -batch "$f" || return 1
	c=$("$CHURN_TOOL" add "$kind" "$CHURN") || return 1
	d=$("$CHURN_TOOL" del "$CHURN") || return 1
	"$CHURN_TOOL" add "$kind" "$CHURN" >/dev/null || return 1
	for i in $(seq "$CHURN"); do echo "netns del nkc$i"; done > "$f"
	t0=$(now)
	ip -batch "$f" || return 1
	while ip -o link show type "$kind" | grep -q .; do sleep 0.01; done
	rm -f "$f"
	echo "$c $d $(awk -v n="$CHURN" -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", n / (b - a) }')"
}

want() { [[ $1 =~ ${WORKLOADS:-.} ]]; }

modprobe pktgen || { echo "bench: no pktgen" >&2; exit 1; }
devs=(netkit netkit_rs veth)
for r in $(seq "$ROUNDS"); do
	for i in 0 1 2; do
		d=${devs[$(( (i + r) % 3 ))]}
		setup "$d" || { echo "bench: setup $d failed" >&2; exit 1; }
		want pktgen_pps && echo "BENCH $d pktgen_pps $(pktgen_pps)"
		want tcp_stream_mbps && echo "BENCH $d tcp_stream_mbps $(iperf3_mbps)"
		want tcp_rr_tps && echo "BENCH $d tcp_rr_tps $(rr_tps)"
		if want churn; then
			read -r c del td < <(churn "$d") || { echo "bench: churn $d failed" >&2; exit 1; }
			echo "BENCH $d churn_create_per_s $c"
			echo "BENCH $d churn_delete_per_s $del"
			echo "BENCH $d churn_netns_teardown_per_s $td"
		fi
		[ "$d" = veth ] && continue
		if want bpf_link_per_s; then
			setup "$d" || { echo "bench: setup $d failed" >&2; exit 1; }
			echo "BENCH $d bpf_link_per_s $(ip netns exec $A "$NK_BPF" link-churn nk1 primary "$LINKS")"
		fi
		for b in pass next4 redirect; do
			want pktgen_pps_bpf_$b || continue
			setup "$d" || { echo "bench: setup $d failed" >&2; exit 1; }
			echo "BENCH $d pktgen_pps_bpf_$b $(bpf_pps $b)"
		done
	done
done
teardown
echo "BENCH kernel $(uname -r)"
