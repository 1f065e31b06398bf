#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Prepare the patched kernel tree that netkit_rs builds in.

The pristine tree comes from Debian's linux-source-7.3 tarball and is unpacked
once into the cache.  The work tree is a copy of it with the repository's patch
series applied and the repository's kernel files overlaid.  Only files whose
content changes are written, so kbuild stays incremental; files that the repo
no longer provides are restored from the pristine tree (or removed).
"""

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("NETKIT_RS_CACHE",
                       os.path.expanduser("~/.cache/netkit_rs"))
PRISTINE_DIR = os.path.join(CACHE, "pristine")
TREE = os.environ.get("NETKIT_RS_TREE") or os.path.join(CACHE, "linux")
MANIFEST = os.path.join(TREE, ".netkit_rs_manifest.json")
BASE_STAMP = os.path.join(TREE, ".netkit_rs_base")

# Repository path prefix -> kernel tree path prefix.
OVERLAY = [
    ("rust/", "rust/"),
    ("drivers/", "drivers/"),
    ("Documentation/", "Documentation/"),
    ("selftests/", "tools/testing/selftests/drivers/net/netkit_rs/"),
    ("Kconfig", "drivers/net/Kconfig.netkit_rs"),
]


def log(msg):
    print(f"tree: {msg}", file=sys.stderr)


def die(msg):
    print(f"tree: error: {msg}", file=sys.stderr)
    sys.exit(1)


def tarball():
    found = sorted(glob.glob("/usr/src/linux-source-7.3*.tar.xz"))
    if not found:
        die("no /usr/src/linux-source-7.3*.tar.xz: run 'make deps' "
            "(package linux-source-7.3 from trixie-backports)")
    return found[-1]


def tarball_stamp(tar):
    st = os.stat(tar)
    try:
        pkg = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "linux-source-7.3"],
            capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        pkg = "unknown"
    return f"{os.path.basename(tar)} {st.st_size} {int(st.st_mtime)} {pkg}"


def kernel_version(tree):
    fields = {}
    with open(os.path.join(tree, "Makefile"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION) = ?(.*)",
                         line)
            if m:
                fields[m.group(1)] = m.group(2).strip()
            if len(fields) == 4:
                break
    return "{VERSION}.{PATCHLEVEL}.{SUBLEVEL}{EXTRAVERSION}".format(**fields)


def ensure_pristine(tar, stamp):
    stamp_file = os.path.join(PRISTINE_DIR, ".stamp")
    src = os.path.join(PRISTINE_DIR, "linux-source-7.3")
    if os.path.isdir(src) and _read(stamp_file) == stamp:
        return src
    log(f"unpacking {tar}")
    shutil.rmtree(PRISTINE_DIR, ignore_errors=True)
    tmp = PRISTINE_DIR + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    subprocess.run(["tar", "-C", tmp, "-xJf", tar], check=True)
    with open(os.path.join(tmp, ".stamp"), "w", encoding="utf-8") as f:
        f.write(stamp)
    os.rename(tmp, PRISTINE_DIR)
    return src


def ensure_tree(pristine, stamp):
    if os.path.isdir(TREE) and _read(BASE_STAMP) == stamp:
        return
    log(f"creating work tree {TREE} (full rebuild follows)")
    shutil.rmtree(TREE, ignore_errors=True)
    subprocess.run(["cp", "-a", pristine, TREE + ".tmp"], check=True)
    os.rename(TREE + ".tmp", TREE)
    with open(BASE_STAMP, "w", encoding="utf-8") as f:
        f.write(stamp)


def _read(path, mode="r"):
    try:
        with open(path, mode, encoding=None if "b" in mode else "utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def repo_files():
    """Files of the repository, as git sees them (tracked + untracked)."""
    try:
        out = subprocess.run(
            ["git", "-C", REPO, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            capture_output=True, check=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for root, _, names in os.walk(REPO):
            for n in names:
                files.append(os.path.relpath(os.path.join(root, n), REPO))
    return sorted(f for f in files if os.path.isfile(os.path.join(REPO, f)))


def test_kernel():
    """The test kernels (configs/test.config, also the sanitizer ones) get
    patches/test/ too: test fixtures, not part of the netkit series."""
    return "test" in os.environ.get("NK_CONFIGS", "base test btf").split()


def series_upto():
    """NK_SERIES_UPTO=N (make check-series): the tree after the first N
    patches of the series, with only their files; None: the whole series."""
    n = os.environ.get("NK_SERIES_UPTO")
    if not n:
        return None
    if not n.isdigit() or not 1 <= int(n) <= len(_series("patches")):
        die(f"NK_SERIES_UPTO={n}: not a patch number of patches/series")
    return int(n)


def series():
    """The patch files to apply, in order."""
    n = series_upto()
    if n is not None:
        return _series("patches")[:n]
    return _series("patches") + (_series("patches/test") if test_kernel() else [])


def file_owners():
    """patches/files: [(repository path or directory/, patch name)]."""
    owners = []
    patch = None
    names = {os.path.basename(p) for p in _series("patches")}
    text = _read(os.path.join(REPO, "patches", "files")) or ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            patch = line.strip()
            if patch not in names:
                die(f"patches/files names {patch}, which is not in patches/series")
            continue
        if patch is None:
            die("patches/files: a path before the first patch name")
        owners += [(path, patch) for path in line.split()]
    return owners


def _covers(path, f):
    """Whether repository path (a file, or a directory ending in /) is or
    holds repository file f."""
    return f == path or (path.endswith("/") and f.startswith(path))


def overlay_path(f):
    """The kernel tree path that repository file f is overlaid on, or None."""
    for prefix, dest in OVERLAY:
        if _covers(prefix, f):
            return dest + f[len(prefix):]
    return None


def owner_of(f, owners):
    """The patch that adds repository file f (patches/files)."""
    found = {patch for path, patch in owners if _covers(path, f)}
    if len(found) != 1:
        die(f"{f}: patches/files must name one patch that adds it, "
            f"not {len(found)}")
    return found.pop()


def _series(subdir):
    pdir = os.path.join(REPO, subdir)
    lst = _read(os.path.join(pdir, "series"))
    if lst is None:
        return []
    names = [l.strip() for l in lst.splitlines()
             if l.strip() and not l.startswith("#")]
    for n in names:
        if not os.path.isfile(os.path.join(pdir, n)):
            die(f"{subdir}/series names missing patch {n}")
    return [os.path.join(pdir, n) for n in names]


def touched_by(patch):
    paths = set()
    with open(patch, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"(?:---|\+\+\+) [ab]/(\S+)", line)
            if m:
                paths.add(m.group(1))
    return paths


def copy_pristine(pristine, patches, dest):
    """Copies into dest the pristine files that patches change; returns the
    paths the patches touch (new files included)."""
    touched = set()
    for p in patches:
        touched |= touched_by(p)
    for path in sorted(touched):
        src = os.path.join(pristine, path)
        if os.path.exists(src):
            os.makedirs(os.path.dirname(os.path.join(dest, path)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, path))
    return touched


def desired(pristine):
    """Map tree path -> (content bytes, mode)."""
    want = {}
    patches = series()
    with tempfile.TemporaryDirectory() as stage:
        touched = copy_pristine(pristine, patches, stage)
        for p in patches:
            r = subprocess.run(
                ["patch", "-p1", "-s", "-N", "--no-backup-if-mismatch",
                 "-r", "-", "-d", stage, "-i", p],
                capture_output=True, text=True, check=False)
            if r.returncode:
                die(f"patch {os.path.relpath(p, REPO)} does not apply:\n"
                    f"{r.stdout}{r.stderr}")
        for path in touched:
            full = os.path.join(stage, path)
            if os.path.exists(full):
                want[path] = (_read(full, "rb"), os.stat(full).st_mode & 0o777)
    owners = file_owners()
    applied = {os.path.basename(p) for p in patches}
    for f in repo_files():
        path = overlay_path(f)
        if path is None or owner_of(f, owners) not in applied:
            continue
        if path in want:
            die(f"{f} overlays {path}, which the patch series "
                "changes; change it in one place only")
        full = os.path.join(REPO, f)
        want[path] = (_read(full, "rb"), os.stat(full).st_mode & 0o777)
    return want


def sync(pristine, want):
    old = json.loads(_read(MANIFEST) or "{}")
    changed = []
    for path, (data, mode) in sorted(want.items()):
        dst = os.path.join(TREE, path)
        if _read(dst, "rb") != data:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            tmp = dst + ".netkit_rs.tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.chmod(tmp, mode)
            os.replace(tmp, dst)
            changed.append(path)
        elif os.stat(dst).st_mode & 0o777 != mode:
            os.chmod(dst, mode)
    for path in sorted(set(old) - set(want)):
        dst = os.path.join(TREE, path)
        src = os.path.join(pristine, path)
        if os.path.exists(src):
            shutil.copy2(src, dst)
            os.utime(dst)  # Newer than any object built from the old file.
            changed.append(path + " (restored)")
        elif os.path.exists(dst):
            os.unlink(dst)
            changed.append(path + " (removed)")
    manifest = {p: hashlib.sha256(d).hexdigest()
                for p, (d, _) in want.items()}
    with open(MANIFEST, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    return changed


def main():
    os.makedirs(CACHE, exist_ok=True)
    tar = tarball()
    stamp = tarball_stamp(tar)
    pristine = ensure_pristine(tar, stamp)
    ensure_tree(pristine, stamp)
    changed = sync(pristine, desired(pristine))
    for c in changed:
        log(f"updated {c}")
    log(f"linux {kernel_version(TREE)} (linux-source-7.3 "
        f"{stamp.split()[-1]}) at {TREE}: "
        f"{len(changed)} file(s) updated, {len(series())} patch(es)")
    print(TREE)


if __name__ == "__main__":
    main()
