#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel and its modules (netkit.ko, netkit_rs.ko, netdevsim.ko)
# in the cached work tree, incrementally.
#
# usage: build.sh [extra kbuild arguments, e.g. CLIPPY=1 or a target]
# Without arguments it also builds the UAPI headers and the selftests.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

TREE=$(python3 "$REPO/scripts/tree.py")
# NK_CONFIGS: the configs/*.config fragments over tinyconfig + kvm_guest.config
# (the benchmark kernel uses "base bench": no debugging options, no BTF).
# A fragment given as a path (with a /) is used as it is (scripts/configs.sh).
read -ra OURS <<< "${NK_CONFIGS:-base test btf}"
for i in "${!OURS[@]}"; do
	case ${OURS[$i]} in
	*/*) ;;
	*) OURS[$i]=$REPO/configs/${OURS[$i]}.config ;;
	esac
done
FRAGMENTS=("$TREE/kernel/configs/kvm_guest.config" "${OURS[@]}")

config_hash() {
	# The Kconfig files change along the series (make check-series).
	{
		echo "tinyconfig${NK_SERIES_UPTO:+ upto $NK_SERIES_UPTO}"
		cat "${FRAGMENTS[@]}" "$TREE/.netkit_rs_base"
	} | sha256sum | cut -d' ' -f1
}

# Every CONFIG_X=y/m/value the fragments ask for must survive olddefconfig:
# a dependency that is not met silently drops an option (RUST above all). A
# later fragment overrides an earlier one, as in merge_config.sh.
verify_config() {
	local frag line sym got bad=0
	declare -A want=() declared=()
	# NK_VERIFY: only these fragments (scripts/configs.sh: a variant drops
	# options of the base that depend on what it turns off).
	for frag in ${NK_VERIFY:-"${OURS[@]}"}; do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*) want[${line%%=*}]=${line#*=} ;;
			esac
		done < "$frag"
	done
	# NK_VERIFY_DECLARED=1 (make check-series): only the options that the
	# tree's Kconfig files declare, which grow along the series.
	if [ -n "${NK_VERIFY_DECLARED:-}" ]; then
		while read -r _ sym; do
			declared[CONFIG_$sym]=1
		done < <(grep -rhoE --include='Kconfig*' '^(menu)?config [A-Za-z0-9_]+$' "$TREE")
	fi
	for sym in "${!want[@]}"; do
		[ -z "${NK_VERIFY_DECLARED:-}" ] || [ -n "${declared[$sym]:-}" ] || continue
		got=$(sed -n "s/^$sym=//p" "$TREE/.config")
		if [ "${want[$sym]}" = n ]; then
			[ -z "$got" ] || { echo "build: $sym is set, wanted off" >&2; bad=1; }
		elif [ "$got" != "${want[$sym]}" ]; then
			echo "build: $sym=${got:-unset}, wanted ${want[$sym]}" >&2; bad=1
		fi
	done
	[ $bad = 0 ] || die "kernel config is missing options (unmet dependencies?)"
}

make_config() {
	local want have
	want=$(config_hash)
	have=$(cat "$TREE/.netkit_rs_config" 2>/dev/null || true)
	if [ -f "$TREE/.config" ] && [ "$want" = "$have" ]; then
		return 0
	fi
	log "generating .config: tinyconfig + ${FRAGMENTS[*]##*/}"
	kmake tinyconfig >/dev/null
	(cd "$TREE" && KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh \
		-m -Q .config "${FRAGMENTS[@]}" >/dev/null)
	kmake olddefconfig >/dev/null
	verify_config
	echo "$want" > "$TREE/.netkit_rs_config"
}

log() { printf 'build: %s\n' "$*" >&2; }

kmake rustavailable >/dev/null 2>&1 ||
	{ kmake rustavailable || true; die "Rust toolchain not usable: run 'make deps'"; }
make_config
start=$(date +%s)
kmake "$@"
log "kbuild took $(( $(date +%s) - start ))s"
if [ $# = 0 ]; then
	# The project's selftests build against the tree's UAPI headers.
	kmake headers
	# lib.mk defaults OUTPUT to the current directory only at MAKELEVEL 0;
	# under make it would be empty and the programs would land in /.
	st=$TREE/tools/testing/selftests/drivers/net/netkit_rs
	make -s -C "$st" OUTPUT="$st" LLVM=$LLVM_SUFFIX
	# The YNL C test of rt-link (upstream's netkit newlink tests), with only
	# the rt-link family generated; NDEBUG=1: no ASan, which the guest lacks.
	y=$TREE/tools/net/ynl
	make -s -C "$y/lib" NDEBUG=1
	make -s -C "$y/generated" rt-link-user.o
	(cd "$y/generated" && ar rcs protos.a rt-link-user.o)
	make -s -C "$y/tests" NDEBUG=1 rt-link
	# A kernel with BTF (the test kernel) also gets upstream's BPF test_progs.
	if grep -q '^CONFIG_DEBUG_INFO_BTF=y' "$TREE/.config"; then
		bash "$REPO/scripts/test-progs.sh"
	fi
	# A kernel with PSP (the test kernel) also gets what upstream's
	# drivers/net/psp.py needs: its responder (YNL C, psp family) and the
	# BPF objects of its netkit environment (NetDrvContEnv), built as the
	# upstream Makefiles build them but without their other programs.
	if grep -q '^CONFIG_INET_PSP=y' "$TREE/.config"; then
		d=$TREE/tools/testing/selftests/drivers/net
		make -s -C "$y/generated" psp-user.o
		gcc -O2 -I"$TREE/usr/include" -I"$y/lib" -I"$y/generated" \
			-o "$d/psp_responder" "$d/psp_responder.c" \
			"$y/generated/psp-user.o" "$y/lib/ynl.a"
		# shellcheck disable=SC2046 # word splitting intended
		for p in nk_forward nk_primary_rx_redirect; do
			"clang$LLVM_SUFFIX" -O2 -g --target=bpf \
				-I"$TREE/tools/testing/selftests/bpf" -I"$TREE/usr/include" \
				-I"$TREE/tools/testing/selftests/bpf/netkit_rs/include" \
				$(clang_sys_includes) -c "$d/hw/$p.bpf.c" -o "$d/hw/$p.bpf.o"
		done
	fi
fi
