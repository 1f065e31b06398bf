#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the series as it would be mailed: patches/ with, in each patch, the
files of the repository that patches/files says it adds.

The patches in patches/ carry only what changes existing kernel files; the
new files (the abstractions, the helpers, the drivers, the selftests) live in
the repository and scripts/tree.py overlays them. This applies the series to
the pristine files in a git repository, adds each patch's files to its commit
and formats the result, so that every patch of it is complete.

With --patchwork (make patchwork) it only makes the git repository, of the
patches as they are in patches/, for editing them with git.

usage: series.py [output directory]   (default: $NETKIT_RS_CACHE/series)
       series.py --patchwork directory
"""

import os
import shutil
import subprocess
import sys

import tree

GIT_ID = ["-c", "user.name=netkit_rs developers",
          "-c", "user.email=netkit-rs@localhost"]


def git(work, *args):
    subprocess.run(["git", "-C", work, *GIT_ID, *args], check=True)


def repository(work, with_files):
    """A git repository at work: the pristine files the series changes
    (tagged base), then a commit per patch, with the files it adds if
    with_files."""
    tar = tree.tarball()
    pristine = tree.ensure_pristine(tar, tree.tarball_stamp(tar))
    patches = tree._series("patches")
    owners = tree.file_owners()
    adds = {os.path.basename(p): [] for p in patches}
    for f in tree.repo_files() if with_files else []:
        dest = tree.overlay_path(f)
        if dest:
            adds[tree.owner_of(f, owners)].append((f, dest))

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    git(work, "init", "-q")
    tree.copy_pristine(pristine, patches, work)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "linux-source-7.3 pristine files")
    git(work, "tag", "base")
    for p in patches:
        git(work, "am", "-q", p)
        for f, dest in adds[os.path.basename(p)]:
            full = os.path.join(work, dest)
            if os.path.exists(full):
                tree.die(f"{f}: {dest} exists before "
                         f"{os.path.basename(p)} adds it")
            os.makedirs(os.path.dirname(full), exist_ok=True)
            shutil.copy2(os.path.join(tree.REPO, f), full)
        if adds[os.path.basename(p)]:
            git(work, "add", "-A")
            git(work, "commit", "-q", "--amend", "--no-edit")


def main():
    if sys.argv[1:2] == ["--patchwork"] and len(sys.argv) == 3:
        repository(os.path.abspath(sys.argv[2]), with_files=False)
        return
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                          else os.path.join(tree.CACHE, "series"))
    work = out + ".git"
    repository(work, with_files=True)
    shutil.rmtree(out, ignore_errors=True)
    git(work, "format-patch", "-q", "--no-signature", "--zero-commit",
        "-o", out, "base..")
    for name in sorted(os.listdir(out)):
        print(os.path.join(out, name))


if __name__ == "__main__":
    main()
