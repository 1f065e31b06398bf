#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Control-plane parity: every scenario runs once against netkit.ko and once
# against netkit_rs.ko, each time in a fresh network namespace, and the two
# transcripts (output, errors with their extack messages, exit codes) must be
# identical. Random MAC addresses are masked, nothing else.

# Every scenario runs this script again: find lib.sh without starting a
# program (see lib.sh).
NK_SELF=$0
[ ! -L "$NK_SELF" ] || NK_SELF=$(readlink -e "$NK_SELF")
[[ $NK_SELF == */* ]] || NK_SELF=./$NK_SELF
source "${NK_SELF%/*}/lib.sh"

# The peer namespace of sc_peer_netns; each scenario runs in a namespace
# named after it.
NS2=nkpar2
# Scenarios recorded at once: under emulation a scenario's time is mostly
# its programs starting, which the guest's vCPUs do side by side.
JOBS=${NK_PARITY_JOBS:-$(nproc)}

run() { # run CMD...: print the command, its output and its exit code
	echo "\$ $*"
	"$@" 2>&1
	echo "rc=$?"
}

# Show what user space sees of a device: ip's view and the link kind's
# attributes as ynl decodes them.
show() {
	run ip -d link show "$@"
}

info() { # info IFNAME
	run nk_ynl info "$1"
}

sc_default_names() {
	run ip link add type netkit
	show
	info nk0
	info nk1
}

sc_l3_pair() {
	run ip link add nka type netkit peer name nkb
	show nka
	show nkb
	run ethtool -i nka
	run ethtool -k nka
}

sc_l2_pair() {
	run ip link add nka type netkit mode l2 peer name nkb
	show nka
	show nkb
	run ip link set nka address 02:11:22:33:44:55
	run ip link set nkb address 02:11:22:33:44:56
	show
}

sc_l2_given_addresses() {
	run ip link add nka address 02:00:00:00:00:01 type netkit mode l2 \
		peer name nkb address 02:00:00:00:00:02
	show
}

sc_l3_rejects_addresses() {
	run ip link add nka address 02:00:00:00:00:01 type netkit mode l3
	run ip link add nka type netkit mode l3 peer name nkb address 02:00:00:00:00:02
	run ip link add nka type netkit peer name nkb
	run ip link set nka address 02:11:22:33:44:55
	show
}

sc_bad_addresses() {
	run ip link add nka address 01:00:00:00:00:01 type netkit mode l2
	run ip link add nka address 00:00:00:00:00:00 type netkit mode l2
	run ip link add nka address 02:00:00:00:01 type netkit mode l2
	show
}

sc_policies() {
	run ip link add nka type netkit blackhole peer name nkb forward
	show
	run ip link add nkc type netkit forward peer name nkd blackhole
	show
	run ip link set nka type netkit forward
	run ip link set nka type netkit peer blackhole
	show nka
}

sc_bad_policies() {
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nka '{"policy": 10}')"
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nka '{"peer-policy": 4294967295}')"
	run ip link add nka type netkit
	run nk_ynl --do newlink --json \
		"$(nk_link nk1 '{"policy": 7}')"
	run nk_ynl --do newlink --json \
		"$(nk_link nk1 '{"peer-policy": 1}')"
	show
}

sc_attribute_bounds() {
	local d
	for d in '"mode": 2' '"scrub": 2' '"peer-scrub": 3' '"pairing": 2' '"primary": 1'; do
		run nk_ynl --do newlink --create --excl --json \
			"$(nk_link nka "{$d}")"
	done
	show
}

sc_scrub() {
	run ip link add nka type netkit scrub none peer name nkb scrub default
	show
	run ip link add nkc type netkit scrub default peer name nkd scrub none
	info nkc
	info nkd
}

sc_headroom_tailroom() {
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nka '{"headroom": 64, "tailroom": 32}')"
	info nka
	info nk0
}

sc_changelink_rules() {
	run ip link add nka type netkit peer name nkb
	local d
	for d in '"mode": 0' '"scrub": 0' '"peer-scrub": 0' '"headroom": 8' \
		'"tailroom": 8' '"pairing": 0' '"primary": 0'; do
		run nk_ynl --do newlink --json \
			"$(nk_link nka "{$d}")"
	done
	run ip link set nka type netkit peer name nkz
	run ip link set nkb type netkit blackhole
	run ip link set nka type netkit mode l2
	run ip link set nka type netkit scrub none
	run nk_ynl --do newlink --json \
		"$(nk_link nka '{"policy": 2, "peer-policy": 2}')"
	show
}

sc_queues() {
	run ip link add nka numtxqueues 2 type netkit
	run ip link add nka numrxqueues 1025 type netkit
	run ip link add nka numrxqueues 1024 type netkit peer name nkb numrxqueues 4
	run ip link add nkc numtxqueues 1 numrxqueues 1 type netkit
	show
}

sc_mtu() {
	run ip link add nka type netkit peer name nkb
	run ip link set nka mtu 65535
	run ip link set nka mtu 65536
	run ip link set nkb mtu 67
	run ip link set nkb mtu 9000
	show
}

sc_ifindex() {
	run ip link add nka index 100 type netkit peer name nkb index 200
	run ip link add nkc type netkit peer name nkd index 300
	run ip link add nke index 100 type netkit
	show
}

sc_peer_netns() {
	run ip netns add $NS2
	run ip link add nka type netkit peer name nkb netns $NS2
	show
	run ip -n $NS2 -d link show
	run ip link add nkc netns $NS2 type netkit peer name nkd
	show
	run ip -n $NS2 -d link show
	run ip netns del $NS2
	show
}

sc_carrier() {
	run ip link add nka type netkit peer name nkb
	run ip link set nka up
	show
	run ip link set nkb up
	show
	run ip link set nka down
	show
	run ip link set nka up
	show
}

sc_delete() {
	run ip link add nka type netkit peer name nkb
	run ip link add nkc type netkit peer name nkd
	run ip link del nka
	run ip link del nkd
	show
	run ip link del nkb
}

sc_bridge_headroom() {
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nka '{"headroom": 64}')"
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nkc '{"headroom": 160}')"
	run ip link add br0 type bridge
	# The bridge asks each port for the largest headroom of all ports
	# (ndo_set_rx_headroom); a pair takes the larger of its two sides.
	run ip link set nka master br0
	run ip link set nkc master br0
	info nka
	info nk0
	info nkc
	run ip link set nkc nomaster
	info nkc
	info nk0
	run ip link set nka nomaster
	info nka
	info nk0
}

sc_single() {
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nks '{"pairing": "single", "mode": "l2"}')"
	info nks
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nkt '{"pairing": "single", "scrub": "none"}')"
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nkt '{"pairing": "single", "peer-policy": "forward"}')"
	run nk_ynl --do newlink --create --excl --json \
		"$(nk_link nkt '{"pairing": "single", "policy": "blackhole"}')"
	run nk_ynl --do newlink --json \
		"$(nk_link nks '{"policy": "blackhole"}')"
	run nk_ynl --do newlink --json \
		"$(nk_link nks '{"peer-policy": "blackhole"}')"
	run ip link set nks up
	show
}

# The drivers' extack messages reach the netlink:netlink_extack tracepoint,
# as NL_SET_ERR_MSG() and NL_SET_ERR_MSG_FMT() send them (what perf trace -e
# netlink:netlink_extack shows). Each failing command's message must be in
# the trace; record() fails on a "NOT traced" line.
traced() { # traced CMD...: run CMD, say whether its extack message was traced
	local t=/sys/kernel/tracing msg
	echo > $t/trace
	echo 1 > $t/tracing_on
	msg=$(run "$@" | tee /dev/stderr | sed -n 's/^Error: \(.*\)\.$/\1/p')
	echo 0 > $t/tracing_on
	if [ -n "$msg" ] && grep -qF "msg=$msg" $t/trace; then
		echo "traced: $msg"
	else
		echo "NOT traced: '$msg'"
	fi
} 2>&1

sc_extack_tracepoint() {
	local t=/sys/kernel/tracing
	[ -d $t/events ] || mount -t tracefs nodev $t
	echo 0 > $t/tracing_on
	echo 1 > $t/events/netlink/netlink_extack/enable
	run ip link add nka type netkit peer name nkb
	traced ip link set nkb type netkit blackhole
	traced ip link set nka type netkit mode l2
	echo 0 > $t/events/netlink/netlink_extack/enable
	echo 1 > $t/tracing_on
}

# Inside the scenario's namespace: run it, masking random MAC addresses.
if [ "${1:-}" = --scenario ]; then
	ip link set lo up
	"sc_$2" | sed -E \
		-e 's/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g' \
		-e "s/'(address|perm-address)': b'[^']*'/'\\1': MAC/g" \
		-e 's/"(address|perm-address)": "[0-9a-f:]*"/"\1": "MAC"/g'
	exit 0
fi

SCENARIOS=$(declare -F | awk '$3 ~ /^sc_/ { print substr($3, 4) }')

[ "$(id -u)" = 0 ] || { ktap_skip_all "needs root"; exit "$KSFT_SKIP"; }
for m in netkit netkit_rs; do
	modinfo "$m" >/dev/null 2>&1 ||
		{ ktap_skip_all "$m.ko not installed"; exit "$KSFT_SKIP"; }
done
nk_ynl info lo >/dev/null 2>&1 || { ktap_skip_all "ynl cli unusable"; exit "$KSFT_SKIP"; }

IMPL_MOD=$(nk_module)
was_loaded=0
nk_loaded "$IMPL_MOD" && was_loaded=1
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

record_one() { # record_one MODULE SCENARIO: its transcript into $OUT/MODULE
	local ns=nkpar-$2 t=${EPOCHREALTIME/./} tr
	ip netns add "$ns" || return 1
	NK_NETNS=$ns ip netns exec "$ns" "$NK_SELF" --scenario "$2" > "$OUT/$1/$2" 2>&1
	ip netns del "$ns"
	# Checked by bash itself, not grep: see lib.sh.
	IFS= read -r -d '' tr < "$OUT/$1/$2"
	# A transcript where nothing succeeded means the tools broke.
	[[ $'\n'$tr == *$'\nrc=0\n'* ]] ||
		{ echo "$1: $2: no command succeeded"; echo "$tr"; return 1; }
	[[ $'\n'$tr != *$'\nNOT traced'* ]] ||
		{ echo "$1: $2: extack not traced"; echo "$tr"; return 1; }
	echo "$1.$2 $(( (${EPOCHREALTIME/./} - t) / 1000 ))ms" >> "$OUT/times"
}

record_job() { # record_job MODULE JOB: scenarios JOB, JOB + JOBS, ... in turn
	local i=0 sc
	# A ynl server of its own: one answers one request at a time.
	mkdir "$OUT/ynl-$1-$2" &&
		nk_ynl_server_start "$OUT/ynl-$1-$2" || { echo "cannot start ynl"; return 1; }
	trap nk_ynl_server_stop EXIT
	for sc in $SCENARIOS; do
		[ $((i++ % JOBS)) = "$2" ] || continue
		record_one "$1" "$sc" || return 1
	done
}

record() { # record MODULE: every scenario's transcript into $OUT/MODULE
	local job pids=() rc=0
	nk_unload_all || return 1
	modprobe "$1" || return 1
	mkdir -p "$OUT/$1"
	for job in $(seq 0 $((JOBS - 1))); do
		record_job "$1" "$job" &
		pids+=($!)
	done
	for job in "${pids[@]}"; do
		wait "$job" || rc=1
	done
	ip netns del $NS2 2>/dev/null
	[ $rc = 0 ] && rmmod "$1"
}

ktap_print_header
ktap_set_plan $(($(echo "$SCENARIOS" | wc -w) + 2))
# NK_PARITY_REF (make test-quick): netkit.ko's transcripts of an earlier
# run on the same kernel, netkit.ko, scenarios and tools (scripts/test.sh),
# used if it has one for every scenario.
reuse() {
	local sc
	[ -n "${NK_PARITY_REF:-}" ] || return 1
	for sc in $SCENARIOS; do
		[ -f "$NK_PARITY_REF/$sc" ] || return 1
	done
	mkdir -p "$OUT/netkit" && cp "$NK_PARITY_REF"/* "$OUT/netkit/"
}
if reuse; then
	ktap_print_msg "netkit.ko's transcripts reused from $NK_PARITY_REF"
	ktap_test_skip "record_netkit"
else
	nk_case "record_netkit" record netkit
fi
nk_case "record_netkit_rs" record netkit_rs
for sc in $SCENARIOS; do
	nk_case "$sc" diff -u "$OUT/netkit/$sc" "$OUT/netkit_rs/$sc"
done
# Where the recording time goes, scenario by scenario.
[ ! -f "$OUT/times" ] || sed 's/^/# time /' "$OUT/times"

# Keep the transcripts for review when asked to.
[ -z "${NK_PARITY_OUT:-}" ] ||
	{ mkdir -p "$NK_PARITY_OUT" && cp -r "$OUT"/netkit* "$NK_PARITY_OUT"; }

nk_unload_all
if [ $was_loaded = 1 ]; then
	modprobe "$IMPL_MOD"
fi
ktap_finished
