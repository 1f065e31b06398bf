#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run: runs in the guest and shows what the netkit implementation does.
set -euo pipefail

. "$(dirname "$0")/guest-lib.sh"
nk_select_impl "${IMPL:-rs}"
mod=$MOD
echo "== kernel $(uname -r), netkit implementation: $mod"
modinfo -F alias "$mod" | sed 's/^/alias: /'
modprobe "$mod"
grep -w "^$mod" /proc/modules
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
for r in /sys/kernel/debug/kunit/"$mod"/results; do
	[ -e "$r" ] && { echo "== KUnit suite of $mod"; cat "$r"; }
done
echo "== ip link add nkdemo0 type netkit ($OTHER blacklisted)"
if ip link add nkdemo0 type netkit; then
	ip -d link show nkdemo0
	ip link del nkdemo0
else
	echo "(no device: $mod does not handle this request yet)"
fi
! grep -qw "^$OTHER" /proc/modules || { echo "error: $OTHER got loaded"; exit 1; }
rmmod "$mod"
echo "== $mod loaded and unloaded cleanly"
