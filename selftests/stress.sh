#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Concurrency, against the implementation under test (IMPL=rs: netkit_rs.ko,
# IMPL=c: netkit.ko): for NK_STRESS_SECONDS (default 30), separate processes
# at once create and delete pairs, move peers between namespaces and delete
# the namespaces, flood a live pair with pings, attach, replace and detach BPF
# programs and links on it, take it up and down, and lease netdevsim queues
# while the netdevsim device is removed and added again (nk_lease_churn.py).
# Then: every worker did its work without an unexpected error and finished in
# time, no splat, no device left, and the module unloads.

source "$(dirname "$(readlink -e "$0")")/lib.sh"

SECS=${NK_STRESS_SECONDS:-30}
DIR=$(dirname "$(readlink -e "$0")")
NKB=$DIR/nk_bpf
PIN=/sys/fs/bpf/nk_stress_link
# Namespaces: P holds the churned pairs' peers, T the traffic pair's peer;
# N<i>a/N<i>b are made and deleted by the namespace worker.
P=nkstp
T=nkstt

[ "$(id -u)" = 0 ] || { ktap_skip_all "needs root"; exit "$KSFT_SKIP"; }
MOD=$(nk_module)
modinfo "$MOD" >/dev/null 2>&1 || { ktap_skip_all "$MOD.ko not installed"; exit "$KSFT_SKIP"; }
[ -x "$NKB" ] || { ktap_skip_all "nk_bpf not built"; exit "$KSFT_SKIP"; }

TMP=$(mktemp -d)
now() { printf '%(%s)T' -1; }

cleanup() {
	ip link del nkst0 2>/dev/null
	rm -f "$PIN"
	ip netns del $P 2>/dev/null
	ip netns del $T 2>/dev/null
	for ns in $(ip netns list | awk '/^nkst/ {print $1}'); do
		ip netns del "$ns"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# Each worker runs until the deadline and writes "OK FAILED [detail]" to
# $TMP/NAME.
report() { # report NAME OK FAILED [DETAIL]
	echo "$2 $3 ${4:-}" > "$TMP/$1"
}

w_pairs() {
	local ok=0 bad=0 i=0 mode
	while [ "$(now)" -lt "$DEADLINE" ]; do
		mode=l3; [ $((i % 2)) = 0 ] || mode=l2
		if ip link add nksp$((i % 4)) type netkit mode $mode \
			peer name nksq$((i % 4)) netns $P &&
			ip link del nksp$((i % 4)); then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
		i=$((i + 1))
	done
	report pairs $ok $bad
}

w_netns() {
	local ok=0 bad=0 i=0 a b
	while [ "$(now)" -lt "$DEADLINE" ]; do
		a=nkst${i}a b=nkst${i}b
		if ip netns add $a && ip netns add $b &&
			ip -n $a link add nksn type netkit peer name nksm &&
			ip -n $a link set nksm netns $b &&
			ip -n $b link set nksm up &&
			ip netns del $a && ip netns del $b; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
			ip netns del $a 2>/dev/null
			ip netns del $b 2>/dev/null
		fi
		i=$((i + 1))
	done
	report netns $ok $bad
}

# ping -f on the traffic pair for the whole run; up/down and BPF programs
# make it lose packets, which is fine: it must have sent and received some.
w_traffic() {
	local out sent recv
	out=$(ping -f -q -I nkst0 -w "$SECS" 10.77.0.2 2>&1)
	sent=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1/p')
	recv=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\2/p')
	if [ -n "$recv" ] && [ "$recv" -gt 0 ]; then
		report traffic "$recv" 0 "sent $sent"
	else
		report traffic 0 1 "$(echo "$out" | tail -n 2 | tr '\n' ' ')"
	fi
}

w_updown() {
	local ok=0 bad=0
	while [ "$(now)" -lt "$DEADLINE" ]; do
		if ip -n $T link set nkst1 down && ip link set nkst0 down &&
			ip link set nkst0 up && ip -n $T link set nkst1 up; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
		sleep 0.2
	done
	report updown $ok $bad
}

w_progs() {
	local ok=0 bad=0 a b
	while [ "$(now)" -lt "$DEADLINE" ]; do
		if a=$("$NKB" attach nkst0 primary pass) &&
			b=$("$NKB" attach nkst0 primary drop replace "$a") &&
			"$NKB" attach nkst0 primary next before "$b" >/dev/null &&
			"$NKB" detach nkst0 primary "$b"; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
		# Whatever is left (after a failure too) goes before the next round.
		for a in $("$NKB" query nkst0 primary |
			awk '{for (i = 1; $i != "links"; i++)
				if (p) print $i; else if ($i == "progs") p = 1}'); do
			"$NKB" detach nkst0 primary "$a" || bad=$((bad + 1))
		done
	done
	report progs $ok $bad
}

w_links() {
	local ok=0 bad=0
	while [ "$(now)" -lt "$DEADLINE" ]; do
		if "$NKB" link nkst0 peer pass "$PIN" >/dev/null &&
			"$NKB" link-update "$PIN" drop &&
			"$NKB" link-update "$PIN" pass &&
			"$NKB" link-detach "$PIN"; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
		rm -f "$PIN"
	done
	report links $ok $bad
}

w_leases() {
	local out
	out=$(python3 "$DIR/nk_lease_churn.py" "$SECS" 2>&1)
	# Last line: "OK FAILED DETAIL"
	echo "$out" | tail -n 1 > "$TMP/leases"
	echo "$out" | head -n -1 | sed 's/^/# leases: /' >&2
}

setup() {
	cleanup
	TMP=$(mktemp -d)
	mountpoint -q /sys/fs/bpf || mount -t bpf bpffs /sys/fs/bpf || return 1
	ip netns add $P && ip netns add $T || return 1
	ip link add nkst0 type netkit peer name nkst1 netns $T || return 1
	ip addr add 10.77.0.1/24 dev nkst0 && ip -n $T addr add 10.77.0.2/24 dev nkst1 &&
		ip link set nkst0 up && ip -n $T link set nkst1 up
}

stress() {
	local w pids=() ok bad detail fail=0 since
	since=$(dmesg | wc -l)
	setup || return 1
	DEADLINE=$(( $(now) + SECS ))
	for w in pairs netns traffic updown progs links leases; do
		"w_$w" &
		pids+=($!)
	done
	# Each worker stops at the deadline; one that does not within two
	# minutes more is stuck (RTNL or a device reference held).
	for w in "${pids[@]}"; do
		timeout 120 tail --pid="$w" -f /dev/null
	done
	for w in "${pids[@]}"; do
		if kill -0 "$w" 2>/dev/null; then
			echo "a worker is stuck:"
			ps -o pid,stat,wchan:32,args --ppid "$w" -p "$w"
			kill "$w"
			fail=1
		fi
	done
	for w in pairs netns traffic updown progs links leases; do
		if ! read -r ok bad detail < "$TMP/$w"; then
			echo "$w: no report"
			fail=1
			continue
		fi
		echo "stress $w: $ok done, $bad failed${detail:+, $detail}"
		# Every worker did some work, and none failed where nothing else
		# can make it fail (the lease worker counts the expected failures
		# of leases on a netdevsim device that is going away in detail).
		if [ "$ok" -lt 1 ] || [ "$bad" != 0 ]; then
			echo "$w: $ok done, $bad failed"
			fail=1
		fi
	done
	cleanup
	trap - EXIT
	# The module goes, with every device of the deleted namespaces.
	if ! rmmod "$MOD"; then
		echo "rmmod $MOD failed"
		fail=1
	fi
	modprobe "$MOD" || fail=1
	if dmesg | tail -n +"$((since + 1))" |
		grep -E -e 'BUG:|WARNING:|blocked for more than|circular locking|refcount_t' \
			-e 'unregister_netdevice: waiting'; then
		fail=1
	fi
	return $fail
}

ktap_print_header
ktap_set_plan 1
modprobe netdevsim || { ktap_test_skip "stress: no netdevsim"; ktap_finished; exit; }
LOG=$(mktemp)
t=$SECONDS
stress > "$LOG" 2>&1
rc=$?
printf '# time stress %ss\n' $((SECONDS - t))
# What each worker did, and on failure why.
grep -v 'could not flock netns runtime directory' "$LOG" | head -n 200 | sed 's/^/# /'
rm -f "$LOG"
if [ "$rc" = 0 ]; then
	ktap_test_pass stress
else
	ktap_test_fail stress
fi
ktap_finished
