# SPDX-License-Identifier: GPL-2.0
# Shared settings of the netkit_rs scripts; sourced, not run.

NETKIT_RS_CACHE=${NETKIT_RS_CACHE:-$HOME/.cache/netkit_rs}
export NETKIT_RS_CACHE
# The work tree: the test kernel's by default, the benchmark kernel's with
# NETKIT_RS_TREE=$NETKIT_RS_CACHE/linux-bench (see make bench).
TREE=${NETKIT_RS_TREE:-${TREE:-$NETKIT_RS_CACHE/linux}}
export PATH="$HOME/.cargo/bin:$PATH"

# The toolchain the project is verified with (see README). Clang's LLVM is the
# one rustc-web is built with (22), so C helpers can be inlined into Rust
# (CONFIG_RUST_INLINE_HELPERS needs the same LLVM major version).
LLVM_SUFFIX=-22
KBUILD_ARGS=(LLVM=$LLVM_SUFFIX RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
	     RUSTFMT=/usr/bin/rustfmt CLIPPY_DRIVER=/usr/bin/clippy-driver
	     BINDGEN="$HOME/.cargo/bin/bindgen")

# Clang's default include directories, as -idirafter options: a BPF
# target's own headers lack asm/ and sys/ (upstream's get_sys_includes).
clang_sys_includes() {
	"clang$LLVM_SUFFIX" -v -E - </dev/null 2>&1 |
		sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }'
}

die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

kmake() {
	make -C "$TREE" -s -j"$(nproc)" "${KBUILD_ARGS[@]}" "$@"
}
