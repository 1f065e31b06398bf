#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run: runs in the guest and shows what the netkit implementation does,
# end to end, with a line of explanation per step.
set -euo pipefail

. "$(dirname "$0")/guest-lib.sh"
nk_select_impl "${IMPL:-rs}"
mod=$MOD
ST=$TREE/tools/testing/selftests/drivers/net/netkit_rs
. "$ST/lib.sh"
NKB=$ST/nk_bpf

say() { printf '\n== %s\n' "$*"; }
# run CMD...: show a command, then run it.
run() { printf '$ %s\n' "$*"; "$@"; }
netdev() { # netdev OP JSON: a netdev family request (ynl)
	nk_ynl --family netdev --do "$1" --json "$2" --output-json
}
counters() { # counters NS DEV
	ip ${1:+-n "$1"} -s -j link show dev "$2" |
		python3 -c 'import json, sys
s = json.load(sys.stdin)[0]["stats64"]
print("  %s: rx %d packets, tx %d packets, tx dropped %d" % (sys.argv[1],
      s["rx"]["packets"], s["tx"]["packets"], s["tx"]["dropped"]))' "$2"
}
ifindex() { ip -j link show dev "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])'; }

work=$(mktemp -d)
cleanup() {
	nk_ynl_server_stop 2>/dev/null || true
	[ -z "${zpid:-}" ] || kill "$zpid" 2>/dev/null || true
	ip netns del pod 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

say "kernel $(uname -r); the netkit implementation is $mod ($OTHER is blacklisted)"
modinfo -F alias "$mod" | sed 's/^/alias: /'
run modprobe "$mod"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
for r in /sys/kernel/debug/kunit/"$mod"/results; do
	[ -e "$r" ] && { say "its KUnit suite ran when it loaded"; grep -E '^ *(ok|not ok|# .*pass:)' "$r"; }
done
nk_ynl_server_start "$work"

say "a pair: the host side nk0 here, the pod side nk1 in namespace pod (what a CNI makes per pod)"
run ip netns add pod 2> /dev/null # (no flock on the guest's /run: a warning)
run ip link add nk0 type netkit mode l3 peer name nk1
run ip link set nk1 netns pod
ip addr add 10.10.0.1/24 dev nk0
ip -n pod addr add 10.10.0.2/24 dev nk1
ip link set nk0 up
ip -n pod link set nk1 up
ip -d link show nk0 | sed -n '1p;/netkit/p'
run ping -c 3 -i 0.2 -q 10.10.0.2 | sed -n '/transmitted/p'
counters "" nk0; counters pod nk1

say "a BPF program on the primary's attach point runs on everything nk0 sends; this one drops it"
echo "\$ $NKB attach nk0 primary drop"
prog=$("$NKB" attach nk0 primary drop)
echo "program $prog attached"
echo "\$ ping -c 3 -i 0.2 -W 1 -q 10.10.0.2"
ping -c 3 -i 0.2 -W 1 -q 10.10.0.2 | sed -n '/transmitted/p' || true
counters "" nk0
run "$NKB" detach nk0 primary "$prog"
echo "detached: traffic flows again"
run ping -c 1 -q 10.10.0.2 | sed -n '/transmitted/p'

say "netdevsim stands in for a NIC (with the test fixture's DMA device) and lends rx queue 1"
run modprobe netdevsim
echo '$ echo Y > /sys/module/netdevsim/parameters/dma  # the test fixture'
echo Y > /sys/module/netdevsim/parameters/dma
echo '$ echo "7 1 4" > /sys/bus/netdevsim/new_device  # device 7: 1 port, 4 queues'
echo "7 1 4" > /sys/bus/netdevsim/new_device
for _ in $(seq 100); do
	[ -d /sys/bus/netdevsim/devices/netdevsim7/net ] && break
	sleep 0.1
done
udevadm settle --timeout=60 || true
nsim=$(basename /sys/bus/netdevsim/devices/netdevsim7/net/*)
nsimidx=$(ifindex "$nsim")
ip link set "$nsim" up
echo "$nsim is up; memory providers need header-data split: ethtool rings-set tcp-data-split enabled"
nk_ynl --family ethtool --do rings-set --json \
	"{\"header\": {\"dev-index\": $nsimidx}, \"tcp-data-split\": \"enabled\"}" > /dev/null

say "a single-mode device (no peer) takes the lease: its queue 1 is netdevsim's queue 1"
run nk_ynl --do newlink --create --excl --json \
	'{"ifname": "nks", "num-rx-queues": 2, "linkinfo": {"kind": "netkit", "data": {"pairing": "single", "mode": "l2"}}}' > /dev/null
ip link set nks up
nks=$(ifindex nks)
echo "netdev queue-create on nks, leasing $nsim queue 1:"
netdev queue-create "{\"ifindex\": $nks, \"type\": \"rx\", \"lease\": {\"ifindex\": $nsimidx, \"queue\": {\"id\": 1, \"type\": \"rx\"}}}"
echo "queue-get from the netkit side:"
netdev queue-get "{\"ifindex\": $nks, \"id\": 1, \"type\": \"rx\"}"
echo "queue-get from the netdevsim side:"
netdev queue-get "{\"ifindex\": $nsimidx, \"id\": 1, \"type\": \"rx\"}"

say "an io_uring zero-copy receive queue registered on nks queue 1 lands on netdevsim's queue"
mkfifo "$work/zcrx.in"
"$ST/nk_zcrx" "$nks" 1 < "$work/zcrx.in" > "$work/zcrx.out" 2>&1 &
zpid=$!
exec {zin}> "$work/zcrx.in"
for _ in $(seq 100); do [ -s "$work/zcrx.out" ] && break; sleep 0.1; done
echo "\$ nk_zcrx $nks 1  # IORING_REGISTER_ZCRX_IFQ on nks queue 1"
cat "$work/zcrx.out"
grep -q '^zcrx ' "$work/zcrx.out" || { echo "error: the registration failed"; exit 1; }
echo "queue-get from the netdevsim side: the provider is there"
netdev queue-get "{\"ifindex\": $nsimidx, \"id\": 1, \"type\": \"rx\"}"
echo "queue-get from the netkit side reports the physical queue's provider"
netdev queue-get "{\"ifindex\": $nks, \"id\": 1, \"type\": \"rx\"}"

say "netdevsim goes away: the notifier takes the leasing netkit device with it"
echo '$ echo 7 > /sys/bus/netdevsim/del_device'
echo 7 > /sys/bus/netdevsim/del_device
if ip link show nks > /dev/null 2>&1; then
	echo "error: nks is still there"; exit 1
fi
echo "nks is gone"
exec {zin}>&-
wait "$zpid"
zpid=
echo "the io_uring ring closed cleanly"

say "unloading $mod removes the pair in both namespaces"
nk_ynl_server_stop
run rmmod "$mod"
ip -n pod link show nk1 > /dev/null 2>&1 && { echo "error: nk1 is still there"; exit 1; }
! grep -qw "^$OTHER" /proc/modules || { echo "error: $OTHER got loaded"; exit 1; }
say "$mod loaded, worked and unloaded cleanly"
