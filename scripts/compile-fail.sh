#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Compile-fail cases: each scripts/compile-fail/*.rs is built as an external
# Rust module against the built kernel (same tree, same make variables as
# build.sh, so the kernel crate's metadata matches). A case whose first line
# is "// expect: REGEX" passes iff the build fails and its output matches
# REGEX (grep -E); "// expect: compiles" must build. See compile-fail/README.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

[ -f "$TREE/rust/libkernel.rmeta" ] && [ -f "$TREE/Module.symvers" ] ||
	die "no built kernel in $TREE: run 'make build' first"

mkdir -p "$NETKIT_RS_CACHE/tmp"
base=$(mktemp -d "$NETKIT_RS_CACHE/tmp/compile-fail.XXXXXX")
trap 'rm -rf "$base"' EXIT

n=0 pass=0 fail=0
for case in "$REPO"/scripts/compile-fail/*.rs; do
	[ -e "$case" ] || continue
	name=$(basename "$case" .rs)
	# rustc takes the crate name from the file name: make it an identifier.
	mod=cf_${name//[^A-Za-z0-9_]/_}
	dir=$base/$name
	mkdir "$dir"
	# The prelude (the module and a driver) first, then the case.
	{ sed "s/@NAME@/$mod/" "$REPO/scripts/compile-fail/prelude.rs.in"; cat "$case"; } \
		> "$dir/$mod.rs"
	echo "obj-m := $mod.o" > "$dir/Kbuild"
	n=$((n + 1))

	expect=$(sed -n '1s|^//[[:space:]]*expect:[[:space:]]*||p' "$case")
	if [ -z "$expect" ]; then
		ok=0 why="first line is not '// expect: REGEX' or '// expect: compiles'"
		out=
	else
		# M= an absolute path; with -C into the kernel's (in-tree) build
		# directory kbuild puts the objects in M itself.
		if out=$(kmake M="$dir" modules 2>&1); then built=1; else built=0; fi
		if [ "$expect" = compiles ]; then
			ok=$built why="expected to compile, the build failed"
		elif [ $built = 1 ]; then
			ok=0 why="expected a build failure, it compiled"
		elif grep -qE -- "$expect" <<< "$out"; then
			ok=1
		else
			ok=0 why="the build failed, but its output does not match: $expect"
		fi
	fi
	if [ "$ok" = 1 ]; then
		echo "ok $n compile-fail $name"
		pass=$((pass + 1))
	else
		echo "not ok $n compile-fail $name"
		echo "# $why"
		[ -z "$out" ] || tail -n 15 <<< "$out" | sed 's/^/# /'
		fail=$((fail + 1))
	fi
	rm -rf "$dir"
done

echo "compile-fail: $pass passed, $fail failed"
[ "$fail" = 0 ]
