#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the benchmark guest: the same workloads over a pair between two
# namespaces for netkit.ko, netkit_rs.ko and veth, ROUNDS times in rotating
# order. Prints one line per measurement: "BENCH <device> <workload> <value>".
#
# The netkit devices also run pktgen with BPF programs on nk1's transmit path
# (BPF_NETKIT_PRIMARY): one pass-through program, four (three NETKIT_NEXT,
# then NETKIT_PASS), and one redirecting every packet to a veth in the peer's
# namespace; and with the blackhole policy. Every device also takes packets
# redirected into nk2 by bpf_redirect_peer() from a host device's tcx
# ingress. Once per round pktgen runs into a dummy device, the floor.
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

setup() { # setup netkit|netkit_rs|veth [forward|blackhole]
	teardown
	ip netns add $A && ip netns add $B || return 1
	case $1 in
	veth) ip -n $A link add nk1 type veth peer name nk2 netns $B ;;
	*)
		modprobe "$1" || return 1
		ip -n $A link add nk1 type netkit ${2:-forward} peer name nk2 netns $B
		;;
	esac || return 1
	ip -n $A addr add 10.7.0.1/24 dev nk1
	ip -n $B addr add 10.7.0.2/24 dev nk2
	ip -n $A link set nk1 up
	ip -n $B link set nk2 up
	ip -n $A link set lo up
	ip -n $B link set lo up
}

mac_of() { ip -n "$1" -j link show "$2" | sed -n 's/.*"address":"\([^"]*\)".*/\1/p'; }
ifindex_of() { ip -n "$1" -j link show "$2" | sed -n 's/.*"ifindex":\([0-9]*\).*/\1/p'; }
# Datagrams that reached the UDP layer of namespace $1 for a closed port.
udp_noports() { ip netns exec "$1" awk '$1 == "Udp:" && n++ { print $3 }' /proc/net/snmp; }

# pktgen_run NS DEV DST_MAC [MODE [SRC]]: COUNT 64-byte UDP packets for
# 10.7.0.2:9, a new skb each (clone_skb 0), from DEV in NS; MODE start_xmit
# (DEV transmits them, the default) or netif_receive (DEV receives them);
# SRC the source address when DEV has none. Prints pktgen's packets/s.
pktgen_run() {
	local ns=$1 dev=$2 cfg
	cfg=("count $COUNT" "clone_skb 0" "xmit_mode ${4:-start_xmit}" "pkt_size 64"
		"delay 0" "dst 10.7.0.2" "dst_mac $3" "udp_dst_min 9" "udp_dst_max 9")
	[ -z "${5:-}" ] || cfg+=("src_min $5" "src_max $5")
	ip netns exec "$ns" bash -c '
		pg=/proc/net/pktgen dev=$1; shift
		echo rem_device_all > $pg/kpktgend_0
		echo add_device $dev > $pg/kpktgend_0
		for c; do echo "$c" > $pg/$dev; done
		echo start > $pg/pgctrl
		sed -n "s/.* \([0-9]*\)pps.*/\1/p" $pg/$dev
		echo rem_device_all > $pg/kpktgend_0
	' _ "$dev" "${cfg[@]}"
}

# pktgen_drop_pps NS DEV DST_MAC: pktgen_run's packets into a device that
# drops every one (NET_XMIT_DROP, as netkit's blackhole policy does). pktgen
# counts those as errors, not as sent, so it would never reach a count: it
# runs without one for a second, and the rate is its errors over the time it
# ran. Prints nothing if it sent a packet that was not dropped.
pktgen_drop_pps() {
	ip netns exec "$1" bash -c '
		pg=/proc/net/pktgen dev=$1
		echo rem_device_all > $pg/kpktgend_0
		echo add_device $dev > $pg/kpktgend_0
		for c in "count 0" "clone_skb 0" "pkt_size 64" "delay 0" "dst 10.7.0.2" \
			 "dst_mac $2" "udp_dst_min 9" "udp_dst_max 9"; do
			echo "$c" > $pg/$dev
		done
		echo start > $pg/pgctrl &
		sleep 1
		echo stop > $pg/pgctrl
		wait
		awk "/pkts-sofar:/ { sent = \$2; errors = \$4 }
		     /^Result: OK:/ { sub(/\\(.*/, \"\", \$3); usec = \$3 }
		     END { if (!sent && errors && usec) printf \"%d\\n\", errors * 1e6 / usec }" $pg/$dev
		echo rem_device_all > $pg/kpktgend_0
	' _ "$2" "$3"
}

# pktgen_run for packets that nk2's stack must receive: prints nothing (the
# report says "missing") unless at least 99% of them reached its UDP layer,
# so that a path that drops them early cannot pass for a fast one.
pktgen_to_nk2() {
	local before pps got
	before=$(udp_noports $B)
	pps=$(pktgen_run "$@")
	got=$(( $(udp_noports $B) - before ))
	if [ "$got" -lt $(( COUNT * 99 / 100 )) ]; then
		echo "bench: only $got of $COUNT packets reached nk2" >&2
		return 1
	fi
	echo "$pps"
}

# pktgen from nk1 to its peer nk2.
pktgen_pps() { pktgen_to_nk2 $A nk1 "$(mac_of $B nk2)"; }

# Cilium's host-to-pod path: packets received on a host device (a dummy in
# nk1's namespace; pktgen injects them as if received, netif_receive) meet a
# tcx ingress program calling bpf_redirect_peer() into nk1's peer nk2, whose
# stack takes them in the same softirq, without a backlog round.
redirect_peer_pps() {
	ip -n $A link add hst0 type dummy && ip -n $A link set hst0 up &&
		ip netns exec $A "$NK_BPF" attach hst0 tcx "peer:$(ifindex_of $A nk1)" \
		>/dev/null || return 1
	pktgen_to_nk2 $A hst0 "$(mac_of $A hst0)" netif_receive 10.7.0.9
}

# The floor, the cheapest transmit there is: pktgen into a dummy device,
# whose xmit counts the packet and frees it.
dummy_pps() {
	teardown
	ip netns add $A && ip -n $A link add fl0 type dummy && ip -n $A link set fl0 up || return 1
	pktgen_run $A fl0 "$(mac_of $A fl0)"
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
		ip netns exec $A "$NK_BPF" attach nk1 primary "redirect:$(ifindex_of $B vr0)" ;;
	esac >/dev/null || return 1
	# The redirect sends the packets out of vr0, not to nk2.
	if [ "$1" = redirect ]; then pktgen_run $A nk1 "$(mac_of $B nk2)"; else pktgen_pps; fi
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
# namespaces one after another, until rtnetlink has announced the removal of
# the last device. Prints "create delete teardown" in pairs per second; the
# namespaces are made beforehand, outside the timed parts, and each part
# starts quiet (quiesce).
# Before a timed part: udevd has handled the uevents of the part before (it
# would otherwise compete with this one for the vCPUs, and under the icount
# clock its work moves the grace periods the unregistration waits for), and
# the namespaces deleted before are gone.
quiesce() { udevadm settle --timeout=600; sleep 2; }
churn() { # churn netkit|netkit_rs|veth
	local kind=netkit i f c d t
	teardown
	if [ "$1" = veth ]; then kind=veth; else modprobe "$1" || return 1; fi
	f=$(mktemp)
	for i in $(seq "$CHURN"); do echo "netns add nkc$i"; done > "$f"
	ip -batch "$f" || return 1
	quiesce
	c=$("$CHURN_TOOL" add "$kind" "$CHURN") || return 1
	quiesce
	d=$("$CHURN_TOOL" del "$CHURN") || return 1
	"$CHURN_TOOL" add "$kind" "$CHURN" >/dev/null || return 1
	rm -f "$f"
	quiesce
	t=$("$CHURN_TOOL" teardown "$CHURN") || return 1
	if ip -o link show type "$kind" | grep -q .; then
		echo "bench: $kind devices left after the teardown" >&2
		return 1
	fi
	echo "$c $d $t"
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
		if want redirect_peer_pps; then
			setup "$d" || { echo "bench: setup $d failed" >&2; exit 1; }
			echo "BENCH $d redirect_peer_pps $(redirect_peer_pps)"
		fi
		if want churn; then
			read -r c del td < <(churn "$d") || { echo "bench: churn $d failed" >&2; exit 1; }
			echo "BENCH $d churn_create_per_s $c"
			echo "BENCH $d churn_delete_per_s $del"
			echo "BENCH $d churn_netns_teardown_per_s $td"
		fi
		[ "$d" = veth ] && continue
		if want pktgen_pps_blackhole; then
			setup "$d" blackhole || { echo "bench: setup $d failed" >&2; exit 1; }
			echo "BENCH $d pktgen_pps_blackhole $(pktgen_drop_pps $A nk1 "$(mac_of $B nk2)")"
		fi
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
	want pktgen_pps_dummy && echo "BENCH dummy pktgen_pps_dummy $(dummy_pps)"
done
teardown
echo "BENCH kernel $(uname -r)"
echo "BENCH spectre_v2 $(cat /sys/devices/system/cpu/vulnerabilities/spectre_v2)"
