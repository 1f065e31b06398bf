#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make a git repository of the files the patch series touches, with the
# series applied as commits, for editing the series with git.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib.sh"

W=$NETKIT_RS_CACHE/patchwork
python3 "$REPO/scripts/series.py" --patchwork "$W"
git -C "$W" log --oneline base..
cat <<MSG

Edit and commit in $W (git commit --fixup / rebase -i), then:
  git -C $W format-patch -q --no-signature --zero-commit -o $REPO/patches base..
  (cd $REPO/patches && ls *.patch > series)
MSG
