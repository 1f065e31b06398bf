#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make a git repository of the files the patch series touches, with the
# series applied as commits, for editing the series with git.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

PRISTINE=$NETKIT_RS_CACHE/pristine/linux-source-7.3
W=$NETKIT_RS_CACHE/patchwork
[ -d "$PRISTINE" ] || die "no pristine tree: run 'make tree'"

rm -rf "$W"
mkdir -p "$W"
cd "$W"
git init -q
grep -h '^--- a/' $(sed "s|^|$REPO/patches/|" "$REPO/patches/series") |
	sed 's|^--- a/||' | sort -u | while read -r f; do
	mkdir -p "$(dirname "$f")"
	cp "$PRISTINE/$f" "$f"
done
git add -A
git -c user.name=pristine -c user.email=pristine@localhost \
	commit -q -m "linux-source-7.3 pristine files"
git tag base
git am -q $(sed "s|^|$REPO/patches/|" "$REPO/patches/series")
git log --oneline base..
cat <<MSG

Edit and commit in $W (git commit --fixup / rebase -i), then:
  git -C $W format-patch -q --no-signature --zero-commit -o $REPO/patches base..
  (cd $REPO/patches && ls *.patch > series)
MSG
