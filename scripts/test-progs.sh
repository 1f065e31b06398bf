#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build upstream's BPF test runner, tools/testing/selftests/bpf/test_progs,
# with only the tests make test runs (TESTS, default "tc_netkit
# tc_redirect") and only the BPF objects those use. Upstream's Makefile builds
# every one of its hundreds of tests and objects (and a vmlinux.h); the
# sources, flags and generated headers here are its own, the selection is ours.
#
# usage: test-progs.sh        (in the work tree, once its kernel is built with BTF)
# output: $TREE/tools/testing/selftests/bpf/netkit_rs/test_progs
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

read -ra TESTS <<< "${TESTS:-tc_netkit tc_redirect}"
TEST_SRCS=("${TESTS[@]/%/.c}")
SB=$TREE/tools/testing/selftests/bpf
OUT=$SB/netkit_rs
CLANG=clang$LLVM_SUFFIX
BPFTOOL=${BPFTOOL:-$(command -v bpftool || echo /usr/sbin/bpftool)}
[ -x "$BPFTOOL" ] || die "bpftool missing: run 'make deps'"
mkdir -p "$OUT/prog_tests" "$OUT/obj" "$OUT/libbpf"

log() { printf 'test-progs: %s\n' "$*" >&2; }

# libbpf, static, and its headers as <bpf/...>.
log "libbpf"
make -s -C "$TREE/tools/lib/bpf" -j"$(nproc)" OUTPUT="$OUT/libbpf/" \
	DESTDIR="$OUT" prefix= EXTRA_CFLAGS="-g -O2" \
	"$OUT/libbpf/libbpf.a" install_headers >/dev/null

# The BPF objects the selected tests' skeletons embed.
skels=$(cd "$SB/prog_tests" &&
	sed -n 's/^#include "\(.*\)\.skel\.h"/\1/p' "${TEST_SRCS[@]}" | sort -u)
sys_includes=$(clang_sys_includes)
for s in $skels; do
	src=$SB/progs/$s.c obj=$OUT/obj/$s.bpf.o skel=$OUT/$s.skel.h
	[ "$skel" -nt "$src" ] && continue
	log "BPF $s"
	# shellcheck disable=SC2086 # word splitting intended
	$CLANG -g -Wall -Werror -D__TARGET_ARCH_x86 -mlittle-endian \
		-I"$OUT/include" -I"$SB" -I"$TREE/tools/include/uapi" \
		-I"$TREE/tools/include" -I"$TREE/usr/include" -std=gnu11 \
		-fno-strict-aliasing -Wno-compare-distinct-pointer-types \
		$sys_includes -O2 --target=bpfel -mcpu=v3 -c "$src" -o "$obj"
	"$BPFTOOL" gen object "${obj%.o}.linked.o" "$obj"
	"$BPFTOOL" gen skeleton "${obj%.o}.linked.o" name "$s" > "$skel"
done

# prog_tests/tests.h with the selected tests only (upstream's sed).
(echo '/* Generated header, do not edit */'
 cd "$SB/prog_tests" &&
 sed -n -E 's/^void (serial_)?test_([a-zA-Z0-9_]+)\((void)?\).*/DEFINE_TEST(\2)/p' \
	"${TEST_SRCS[@]}" | sort) > "$OUT/prog_tests/tests.h.new"
cmp -s "$OUT/prog_tests/tests.h.new" "$OUT/prog_tests/tests.h" ||
	mv "$OUT/prog_tests/tests.h.new" "$OUT/prog_tests/tests.h"

# The program-signing certificate test_progs registers at start-up.
if [ ! -s "$OUT/verification_cert.h" ]; then
	log "signing key"
	"$SB/verify_sig_setup.sh" genkey "$OUT" >/dev/null
	(echo "unsigned char test_progs_verification_cert[] = {"
	 od -v -t 'xC' -w12 "$OUT/signing_key.der" |
		sed 's/ \(\S\+\)/ 0x\1,/g;s/^\S\+/ /;$d'
	 echo "};"
	 echo "unsigned int test_progs_verification_cert_len = $(wc -c < "$OUT/signing_key.der");"
	) > "$OUT/verification_cert.h"
fi

# The runner and the helpers it links with, as upstream builds them.
CFLAGS=(-g -O2 -rdynamic -std=gnu11 -Wall -Werror -fno-omit-frame-pointer
	-Wno-unused-but-set-variable -Wno-unused-command-line-argument
	-I"$OUT" -I"$SB" -I"$OUT/include" -I"$TREE/tools/lib"
	-I"$TREE/tools/include" -I"$TREE/tools/arch/x86/include"
	-I"$TREE/tools/include/uapi" -I"$SB/libarena/include")
srcs=(test_progs.c cgroup_helpers.c trace_helpers.c network_helpers.c
      testing_helpers.c btf_helpers.c cap_helpers.c unpriv_helpers.c
      sysctl_helpers.c netlink_helpers.c io_helpers.c json_writer.c
      "${TEST_SRCS[@]/#/prog_tests/}")
objs=()
for c in "${srcs[@]}"; do
	o=$OUT/obj/$(basename "${c%.c}").o
	objs+=("$o")
	[ "$o" -nt "$SB/$c" ] && [ "$o" -nt "$OUT/prog_tests/tests.h" ] && continue
	log "CC $c"
	$CLANG "${CFLAGS[@]}" -c "$SB/$c" -o "$o"
done
log "LINK test_progs"
$CLANG "${CFLAGS[@]}" "${objs[@]}" "$OUT/libbpf/libbpf.a" -lelf -lz -lrt \
	-lpthread -o "$OUT/test_progs"
