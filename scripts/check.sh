#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: rustfmtcheck, a CLIPPY=1 build, the compile-fail cases,
# rustdoc, checkpatch on the patch series as mailed (make series: the patches
# with the files they add).  Runs every check, then fails if any failed.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

failed=()
step() { # step name command...
	local name=$1 start=$SECONDS; shift
	echo "check: $name" >&2
	if "$@"; then
		echo "check: $name ok ($((SECONDS - start))s)" >&2
	else
		echo "check: $name FAILED" >&2
		failed+=("$name")
	fi
}

# EMBEDDED_FILENAME: drivers/net/Kconfig sourcing drivers/net/Kconfig.netkit_rs
# contains its own file name, the same false positive as arch/x86/Kconfig
# sourcing Kconfig.cpu.
checkpatch() {
	local out=$NETKIT_RS_CACHE/tmp/check-series
	python3 "$REPO/scripts/series.py" "$out" >/dev/null &&
	"$TREE/scripts/checkpatch.pl" --quiet --no-tree --strict \
		--ignore FILE_PATH_CHANGES,EMBEDDED_FILENAME \
		"$out"/*.patch "$REPO"/patches/test/*.patch
}

# No unsafe and no raw bindings in the drivers (netkit_rs and the test driver
# of the run-time checks), comments aside: all of that belongs in the
# abstractions.
driver_is_safe() {
	! grep -nHE '\bunsafe\b|bindings::' "$REPO"/drivers/net/*.rs |
		grep -vE '^[^:]+:[0-9]+:\s*//'
}

step rustfmtcheck kmake rustfmtcheck
# CLIPPY=1 changes the Rust command lines, so the normal build afterwards
# rebuilds the Rust objects again; both are incremental otherwise. Any
# clippy or rustc warning fails the check.
step clippy kmake CLIPPY=1 KRUSTFLAGS=-Dwarnings
kmake >/dev/null
# Misuses of the abstractions that must not compile (scripts/compile-fail/).
step compile_fail bash "$REPO/scripts/compile-fail.sh"
step rustdoc kmake rustdoc
step checkpatch checkpatch
step driver_has_no_unsafe driver_is_safe

if [ ${#failed[@]} -gt 0 ]; then
	echo "check: failed: ${failed[*]}" >&2
	exit 1
fi
echo "check: all passed" >&2
