#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# BPF programs on the implementation under test (IMPL=rs: netkit_rs.ko,
# IMPL=c: netkit.ko): BPF_NETKIT_PRIMARY/PEER attach, detach and query with
# ordering, revisions and replacement; links (create, update, detach, link
# info, detached when the device goes); each action's effect on traffic and
# counters; redirect to another device; the C driver's errors; rmmod with
# programs and links attached. nk_bpf makes the requests, bpftool and ip
# check what they did.

source "$(dirname "$(readlink -e "$0")")/lib.sh"

DIR=$(dirname "$(readlink -e "$0")")
NKB=$DIR/nk_bpf
A=nkba
B=nkbb
PIN=/sys/fs/bpf/nk_rs_test

[ "$(id -u)" = 0 ] || { ktap_skip_all "needs root"; exit "$KSFT_SKIP"; }
MOD=$(nk_module)
modinfo "$MOD" >/dev/null 2>&1 || { ktap_skip_all "$MOD.ko not installed"; exit "$KSFT_SKIP"; }
[ -x "$NKB" ] || { ktap_skip_all "nk_bpf not built"; exit "$KSFT_SKIP"; }
command -v bpftool >/dev/null || { ktap_skip_all "bpftool missing"; exit "$KSFT_SKIP"; }

cleanup() {
	rm -rf "$PIN"
	ip link del nkb0 2>/dev/null
	ip link del nks0 2>/dev/null
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
}
trap cleanup EXIT

# nkb0 here (primary), its peer nkb1 in $A; veth va0 in $A, its peer vb0 in $B.
setup() {
	cleanup
	mountpoint -q /sys/fs/bpf || mount -t bpf bpffs /sys/fs/bpf || return 1
	mkdir -p "$PIN"
	ip netns add $A && ip netns add $B || return 1
	ip link add nkb0 type netkit peer name nkb1 netns $A || return 1
	ip addr add 10.8.0.1/24 dev nkb0 && ip -n $A addr add 10.8.0.2/24 dev nkb1 || return 1
	ip link set nkb0 up && ip -n $A link set nkb1 up || return 1
	ip -n $A link add va0 type veth peer name vb0 netns $B || return 1
	ip -n $A link set va0 up && ip -n $B link set vb0 up
}

# nsdo NS COMMAND...: COMMAND in namespace NS, with its /sys; NS "" for this one.
nsdo() {
	local ns=$1; shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

ifindex() { # ifindex [NS] DEV
	[ $# = 2 ] || set -- "" "$1"
	nsdo "$1" cat "/sys/class/net/$2/ifindex"
}

stat() { # stat NS DEV FIELD: one counter of dev_get_stats() (rx/tx packets, bytes, dropped)
	nsdo "$1" cat "/sys/class/net/$2/statistics/$3"
}

expect_eq() { # expect_eq WHAT GOT WANT
	[ "$2" = "$3" ] || { echo "$1: got '$2', want '$3'"; return 1; }
}

pings() { ping -q -c 2 -i 0.2 -W 1 10.8.0.2 >/dev/null 2>&1; }

# The programs/links part of a query: "progs ID... links ID...".
order() { "$NKB" query nkb0 "$1" | sed 's/^revision [0-9]* count [0-9]* //'; }
revision() { "$NKB" query nkb0 "$1" | awk '{ print $2 }'; }

errors() {
	setup || return 1
	ip netns exec $A "$NKB" -e EACCES attach nkb1 primary pass &&
	ip netns exec $A "$NKB" -e EACCES query nkb1 peer &&
	"$NKB" -e ENXIO attach lo primary pass &&
	"$NKB" -e ENODEV attach '#999999' primary pass &&
	"$NKB" -e ENOENT detach nkb0 primary "$("$NKB" attach nkb0 peer pass)" &&
	nk_ynl --do newlink --create --excl --json \
		"$(nk_link nks0 '{"pairing": "single", "mode": "l2"}')" &&
	"$NKB" -e EOPNOTSUPP attach nks0 primary pass &&
	"$NKB" -e EOPNOTSUPP link nks0 primary pass "$PIN/l" &&
	"$NKB" -e EOPNOTSUPP query nks0 primary
}

prog_actions() {
	setup || return 1
	local id dropped
	pings || { echo "no traffic before attaching"; return 1; }
	id=$("$NKB" attach nkb0 primary drop) || return 1
	expect_eq "query" "$(order primary)" "progs $id links" || return 1
	bpftool net show dev nkb0 | grep -q "netkit/primary prog_id $id" ||
		{ echo "bpftool net show lacks prog $id"; bpftool net show dev nkb0; return 1; }
	dropped=$(stat "" nkb0 tx_dropped)
	pings && { echo "traffic passed a drop program"; return 1; }
	[ "$(stat "" nkb0 tx_dropped)" -gt "$dropped" ] ||
		{ echo "tx_dropped did not grow"; return 1; }
	"$NKB" detach nkb0 primary "$id" || return 1
	expect_eq "query after detach" "$(order primary)" "progs links" || return 1
	pings || { echo "no traffic after detach"; return 1; }
	# Peer side: drop on the peer's transmit path breaks the replies.
	id=$("$NKB" attach nkb0 peer drop) || return 1
	pings && { echo "traffic passed a peer drop program"; return 1; }
	"$NKB" detach nkb0 peer "$id" && pings
}

# NETKIT_NEXT from the last program is a pass, whatever the default policy.
next_is_pass() {
	setup || return 1
	ip link set nkb0 type netkit blackhole || return 1
	pings && { echo "blackhole policy passed traffic"; return 1; }
	"$NKB" attach nkb0 primary next >/dev/null || return 1
	pings || { echo "NETKIT_NEXT did not pass"; return 1; }
	local drop
	drop=$("$NKB" attach nkb0 primary drop) || return 1
	pings && { echo "drop after next passed"; return 1; }
	"$NKB" detach nkb0 primary "$drop" && pings
}

ordering() {
	setup || return 1
	local a b c d d2 rev
	expect_eq "initial revision" "$(revision primary)" 1 || return 1
	# NETKIT_NEXT programs, so that every one of them runs.
	a=$("$NKB" attach nkb0 primary next) &&
	b=$("$NKB" attach nkb0 primary next before "$a") &&
	c=$("$NKB" attach nkb0 primary next after "$b") || return 1
	expect_eq "order" "$(order primary)" "progs $b $c $a links" || return 1
	expect_eq "revision" "$(revision primary)" 4 || return 1
	"$NKB" -e ESTALE attach nkb0 primary next after "$a" 1 || return 1
	"$NKB" -e ENOENT attach nkb0 primary next before 999999 || return 1
	d=$("$NKB" attach nkb0 primary next after "$a" 4) || return 1
	expect_eq "order" "$(order primary)" "progs $b $c $a $d links" || return 1
	# BPF_F_REPLACE: d2 takes a's place.
	d2=$("$NKB" attach nkb0 primary drop replace "$a") || return 1
	expect_eq "order after replace" "$(order primary)" "progs $b $c $d2 $d links" || return 1
	pings && { echo "replacement drop program not run"; return 1; }
	rev=$(revision primary)
	"$NKB" -e ESTALE detach nkb0 primary "$d2" $((rev - 1)) || return 1
	"$NKB" detach nkb0 primary "$d2" "$rev" || return 1
	pings || { echo "no traffic after detaching the drop program"; return 1; }
	for p in $b $c $d; do "$NKB" detach nkb0 primary "$p" || return 1; done
	expect_eq "empty" "$(order primary)" "progs links"
}

links() {
	setup || return 1
	local l p nk0 before other
	nk0=$(ifindex nkb0)
	l=$("$NKB" link nkb0 primary drop "$PIN/l") || return 1
	expect_eq "link info" "$("$NKB" link-info "$PIN/l")" \
		"ifindex $nk0 attach_type 54" || return 1
	p=$("$NKB" query nkb0 primary | awk '{ print $6 }')
	expect_eq "query" "$(order primary)" "progs $p links $l" || return 1
	bpftool -j link show id "$l" | grep -q "\"ifindex\":$nk0" ||
		{ echo "bpftool link show:"; bpftool link show id "$l"; return 1; }
	pings && { echo "traffic passed a drop link"; return 1; }
	# A link's program cannot be detached as a plain program.
	"$NKB" -e EBUSY detach nkb0 primary "$p" || return 1
	before=$(revision primary)
	# BPF_F_REPLACE naming a program the link does not run.
	other=$("$NKB" attach nkb0 peer pass) || return 1
	"$NKB" -e EPERM link-update "$PIN/l" pass "$other" || return 1
	"$NKB" detach nkb0 peer "$other" || return 1
	"$NKB" link-update "$PIN/l" pass "$p" || return 1
	pings || { echo "no traffic after link update"; return 1; }
	[ "$(revision primary)" -gt "$before" ] || { echo "update kept the revision"; return 1; }
	"$NKB" link-detach "$PIN/l" || return 1
	expect_eq "link info after detach" "$("$NKB" link-info "$PIN/l")" \
		"ifindex 0 attach_type 54" || return 1
	expect_eq "query after detach" "$(order primary)" "progs links" || return 1
	"$NKB" -e ENOLINK link-update "$PIN/l" drop || return 1
	rm "$PIN/l"
	# Links go detached, not away, with their device; programs are released.
	l=$("$NKB" link nkb0 peer drop "$PIN/p") || return 1
	p=$(bpftool -j link show id "$l" |
		python3 -c "import json,sys; print(json.load(sys.stdin)['prog_id'])") || return 1
	"$NKB" attach nkb0 peer pass before "$p" >/dev/null || return 1
	expect_eq "peer link info" "$("$NKB" link-info "$PIN/p")" \
		"ifindex $(ifindex $A nkb1) attach_type 55" || return 1
	ip link del nkb0 || return 1
	expect_eq "link info after device removal" "$("$NKB" link-info "$PIN/p")" \
		"ifindex 0 attach_type 55" || return 1
	"$NKB" link-detach "$PIN/p" && rm "$PIN/p"
}

redirect() {
	setup || return 1
	local va0 rx0 tx0 rx
	va0=$(ifindex $A va0)
	rx0=$(stat $B vb0 rx_packets) tx0=$(stat "" nkb0 tx_packets)
	# The program runs with the peer as skb->dev: the target is in the peer's namespace.
	"$NKB" attach nkb0 primary "redirect:$va0" >/dev/null || return 1
	pings && { echo "redirected traffic still reached the peer"; return 1; }
	rx=$(($(stat $B vb0 rx_packets) - rx0))
	[ "$rx" -ge 2 ] || { echo "vb0 received $rx packets, want 2"; return 1; }
	[ "$(stat "" nkb0 tx_packets)" -ge $((tx0 + 2)) ] ||
		{ echo "nkb0 tx not counted"; return 1; }
}

# Unloading with programs attached releases them; a link keeps the module
# (bpf_link_ops::owner) until it is gone, and is detached with its device.
rmmod_attached() {
	setup || return 1
	local p l
	p=$("$NKB" attach nkb0 primary pass) || return 1
	l=$("$NKB" link nkb0 peer pass "$PIN/m") || return 1
	rmmod "$MOD" 2>/dev/null && { echo "rmmod succeeded with a link held"; return 1; }
	ip link del nkb0 || return 1
	expect_eq "link info" "$("$NKB" link-info "$PIN/m")" "ifindex 0 attach_type 55" || return 1
	for _ in $(seq 50); do bpftool prog show id "$p" >/dev/null 2>&1 || break; sleep 0.1; done
	bpftool prog show id "$p" >/dev/null 2>&1 && { echo "program $p still loaded"; return 1; }
	rm "$PIN/m"
	# The link is freed once its last reference is gone; that may take an RCU grace period.
	for _ in $(seq 50); do rmmod "$MOD" 2>/dev/null && break; sleep 0.1; done
	nk_loaded "$MOD" && { echo "rmmod failed after the link went"; return 1; }
	modprobe "$MOD" && setup && "$NKB" attach nkb0 primary pass >/dev/null &&
		rmmod "$MOD" && ! ip link show nkb0 >/dev/null 2>&1 && modprobe "$MOD"
}

ktap_print_header
ktap_set_plan 7
nk_case "bpf.errors" errors
nk_case "bpf.prog_actions" prog_actions
nk_case "bpf.next_is_pass" next_is_pass
nk_case "bpf.ordering" ordering
nk_case "bpf.links" links
nk_case "bpf.redirect" redirect
nk_case "bpf.rmmod_attached" rmmod_attached
ktap_finished
