#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built test kernel with virtme-ng.
#
# usage: guest.sh run [CMD]   run CMD or $NK_CMD (default: the demo) in the guest
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
# virtme-ng shares the host's root over virtiofs where it finds virtiofsd
# (make deps installs it), else over the much slower 9p.
command -v virtiofsd >/dev/null ||
	echo "guest: no virtiofsd (make deps): the root is shared over 9p, slower" >&2
# Extra qemu options, e.g. make bench's "-icount shift=0,sleep=off".
[ -z "${GUEST_QEMU_OPTS:-}" ] || VNG+=(--qemu-opts "$GUEST_QEMU_OPTS")

# What the guest sees of our settings.
GUEST_ENV="export TREE='$TREE' IMPL='$IMPL' PATH=/usr/sbin:/usr/bin:/sbin:/bin:\"\$PATH\";"
# The selftests' own knobs (NK_CYCLES, NK_MODULE_CYCLES, NK_PARITY_REF,
# NK_LEASE_ROUNDS, NK_FAULT_*, NK_PARITY_JOBS,
# NK_STRESS_SECONDS, NK_FUZZ_*) and the time limits per test and per suite
# (kselftest_override_timeout, SUITE_TIMEOUT: make soak) reach the
# guest.
for v in NK_CYCLES NK_MODULE_CYCLES NK_PARITY_REF NK_LEASE_ROUNDS NK_FAULT_STRIDE NK_FAULT_MAX NK_FAULT_OPS NK_PARITY_JOBS \
	NK_STRESS_SECONDS NK_FUZZ_SEEDS NK_FUZZ_OPS kselftest_override_timeout \
	SUITE_TIMEOUT; do
	[ -z "${!v:-}" ] || GUEST_ENV+=" export $v='${!v}';"
done

mode=${1:-run}
case $mode in
run)
	# The command runs from a file in a shared directory and leaves its
	# exit status there: vng's own script I/O ports (virtio-serial links
	# made by udev) do not appear in this guest, and the kernel command
	# line that carries --exec is short.
	shift || true
	cmd=${NK_CMD:-${*:-bash $REPO/scripts/demo.sh}}
	out=$(mktemp -d "$NETKIT_RS_CACHE/run.XXXXXX")
	trap 'kill $tailpid 2>/dev/null; rm -rf "$out"' EXIT
	# IMPL's module is the one the rtnl-link-netkit alias loads.
	printf '%s\n%s\n%s\n' "$GUEST_ENV" \
		". $REPO/scripts/guest-lib.sh && nk_select_impl $IMPL" "$cmd" > "$out/cmd"
	: > "$out/output"
	tail -n +1 -F "$out/output" 2>/dev/null &
	tailpid=$!
	set +e
	"${VNG[@]}" -v --rwdir "$out" --exec \
		"bash $out/cmd > $out/output 2>&1 < /dev/null; echo \$? > $out/rc" \
		> "$out/console.log" 2>&1 < /dev/null
	sleep 1
	if [ ! -s "$out/rc" ]; then
		echo "guest: the guest did not finish the command; console:" >&2
		tail -n 30 "$out/console.log" >&2
		exit 255
	fi
	exit "$(cat "$out/rc")"
	;;
shell)
	exec "${VNG[@]}"
	;;
test)
	out=$2
	rm -rf "$out"; mkdir -p "$out"
	set +e
	# Not --foreground: on timeout the whole group goes, qemu included.
	# Under CI's 90 minutes with the build, above the suites' own limits.
	timeout -k 30 "${GUEST_TIMEOUT:-4800}" \
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
