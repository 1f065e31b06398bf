#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built test kernel with virtme-ng.
#
# usage: guest.sh run [CMD]   run CMD (default: the demo) in the guest
#        guest.sh shell       interactive guest
#        guest.sh test OUT    run scripts/guest-test.sh, results in OUT
# environment: IMPL=rs|c, UPSTREAM, KSELFTESTS, NK_KVM=auto|0|1,
#              GUEST_TIMEOUT (seconds), GUEST_MEM, GUEST_CPUS
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

IMPL=${IMPL:-rs}
case $IMPL in rs | c) ;; *) die "IMPL must be rs or c, not '$IMPL'" ;; esac

[ -f "$TREE/arch/x86/boot/bzImage" ] || die "no kernel built: run 'make build'"
command -v vng >/dev/null || die "virtme-ng missing: run 'make deps'"

# /dev/kvm may be a PVM nested hypervisor (kvm_pvm), which cannot boot an
# upstream kernel: the guest hangs after the BIOS. Use KVM only where a
# real kvm_intel/kvm_amd backs it.
kvm_usable() {
	case ${NK_KVM:-auto} in
	1) return 0 ;;
	0) return 1 ;;
	esac
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	[ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]
}

VNG=(vng --run "$TREE" --user root --cpus "${GUEST_CPUS:-2}"
     --memory "${GUEST_MEM:-3G}" --overlay-rwdir "$TREE"
     --cwd "$REPO")
if kvm_usable; then
	echo "guest: using KVM" >&2
else
	echo "guest: KVM unusable here, using software emulation" >&2
	VNG+=(--disable-kvm)
fi

# What the guest sees of our settings.
GUEST_ENV="export TREE='$TREE' IMPL='$IMPL' PATH=/usr/sbin:/usr/bin:/sbin:/bin:\"\$PATH\";"

demo() {
	cat <<EOF
$GUEST_ENV
set -e
mod=netkit_rs; [ "\$IMPL" = c ] && mod=netkit
echo "== kernel \$(uname -r), netkit implementation: \$mod"
modinfo -F alias \$mod | sed 's/^/alias: /'
modprobe \$mod
lsmod | grep -w "^\$mod"
mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
for r in /sys/kernel/debug/kunit/*/results; do
	[ -e "\$r" ] && { echo "== KUnit \${r%/results}"; cat "\$r"; }
done
if ip link add nkdemo0 type netkit 2>/tmp/err; then
	ip -d link show nkdemo0; ip link del nkdemo0
else
	echo "ip link add type netkit: \$(cat /tmp/err)"
fi
rmmod \$mod
echo "== \$mod loaded and unloaded cleanly"
EOF
}

mode=${1:-run}
case $mode in
run)
	shift || true
	cmd=${*:-$(demo)}
	exec "${VNG[@]}" --exec "$GUEST_ENV $cmd"
	;;
shell)
	exec "${VNG[@]}"
	;;
test)
	out=$2
	rm -rf "$out"; mkdir -p "$out"
	set +e
	timeout --foreground -k 30 "${GUEST_TIMEOUT:-3000}" \
		"${VNG[@]}" -v --rwdir "$out" --exec \
		"$GUEST_ENV bash $REPO/scripts/guest-test.sh '$out' '$IMPL' \
		 '${KSELFTESTS:-1}' '${UPSTREAM:-}'" \
		> "$out/console.log" 2>&1 < /dev/null
	echo $? > "$out/vng.rc"
	;;
*)
	die "unknown mode $mode"
	;;
esac
