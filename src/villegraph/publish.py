"""Publishing a build folder: `dist` is a symbolic link to a versioned folder, flipped in one step.

Beside the output folder `dist` (same parent, so every rename stays on one file system):

    dist -> .dist.v-<build_id>     the published build (a relative symbolic link)
    .dist.v-<build_id>/            a complete build; only the one `dist` names is kept
    .dist.tmp-<pid>-<random>/      a build being written, or what a killed build left
    .dist.link-<pid>               the new link, just before it is renamed over `dist`
    .dist.lock                     the build lock (`fcntl.flock`), held by a build from start to end

**Invariant**: once a first build has been published, `dist` names a complete build at every
instant: the previous one or the new one, never a mix, never nothing. A build writes into its
temporary folder, renames it to its version name, makes a new link and renames it over `dist`
(`os.replace`: one atomic step); only then is the previous version deleted. A process killed at
any point leaves `dist` on a complete build, and the next build deletes the leftovers: it holds
the lock, so no live build owns them. Builds of the same folder run one at a time (a second one
waits for the lock).

A real `dist/` folder (made by an earlier villegraph, or by hand) is migrated by the next build:
renamed to `.dist.v-legacy-…`, then replaced by the link. A process killed between those two
renames leaves no `dist`; the next `build`, `query` or `serve` then points `dist` at the newest
complete build beside it (`recover`). The same recovery adopts the `.dist.old-*` or `.dist.tmp-*`
folder an earlier villegraph left when it was killed between the two renames of its swap.

Readers need nothing special: `dist/villegraph.nq` and `dist/build.json` resolve through the
link. A reader that must see one build throughout resolves `dist` once (`Path.resolve`).

`VILLEGRAPH_TEST_CRASH_AT=dump|before-flip|migrate|after-flip` makes a build kill itself
(SIGKILL) at that point; it exists for the tests that prove the invariant.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CRASH_ENV = "VILLEGRAPH_TEST_CRASH_AT"
CRASH_POINTS = ("dump", "before-flip", "migrate", "after-flip")
LEFTOVER_KINDS = ("v", "tmp", "old", "link")
"""Sibling names `.{name}.{kind}-…` that belong to the publication of `name`."""


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL when `VILLEGRAPH_TEST_CRASH_AT` names `name` (tests only)."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def lock_path(target: Path) -> Path:
    """The lock file of the output folder `target`."""
    return target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def build_lock(target: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold the build lock of `target` for the block; yields False if `wait` is off and the lock
    is taken. The kernel releases it when the holder dies, however it dies."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(target), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def _leftovers(target: Path) -> list[Path]:
    """Siblings of `target` that belong to its publication (versions, temporaries, links)."""
    prefixes = tuple(f".{target.name}.{kind}-" for kind in LEFTOVER_KINDS)
    try:
        children = list(target.parent.iterdir())
    except FileNotFoundError:
        return []
    return sorted(p for p in children if p.name.startswith(prefixes))


def is_complete(folder: Path) -> bool:
    """Whether `folder` holds a whole build: build.json and every file it lists, each with the
    size and SHA-256 it records."""
    try:
        info = json.loads((folder / "build.json").read_text(encoding="utf-8"))
        files = info["files"]
        if not info["build_id"] or not files:
            return False
        for name, record in files.items():
            path = folder / name
            if path.parent != folder or path.stat().st_size != record["bytes"]:
                return False
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            if digest.hexdigest() != record["sha256"]:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


def _modified(folder: Path) -> str:
    try:
        return str(json.loads((folder / "build.json").read_text(encoding="utf-8"))["modified"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _link(target: Path, version: Path) -> None:
    """Point `target` at `version` (a sibling) in one step; a real folder at `target` is first
    moved aside as a legacy version (deleted later by `clean`)."""
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(version.name, link)
    crash_point("before-flip")
    legacy = None
    if target.is_dir() and not target.is_symlink():
        legacy = _fresh_name(target, "v-legacy")
        target.rename(legacy)
        crash_point("migrate")
    elif target.exists() and not target.is_symlink():
        link.unlink()
        raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder")
    try:
        os.replace(link, target)
    except BaseException:
        if legacy is not None:
            legacy.rename(target)
        with contextlib.suppress(OSError):
            link.unlink()
        raise
    _sync_dir(target.parent)
    crash_point("after-flip")


def _fresh_name(target: Path, kind: str) -> Path:
    """An unused sibling name `.{name}.{kind}-<pid>-<random>`."""
    made = Path(tempfile.mkdtemp(prefix=f".{target.name}.{kind}-{os.getpid()}-", dir=target.parent))
    made.rmdir()
    return made


def _sync_dir(folder: Path) -> None:
    """Flush a folder's entries (the renames) to disk, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def current_version(target: Path) -> Path | None:
    """The folder `target` publishes (itself if it is a real folder), or None if none."""
    if not target.exists():
        return None
    return target.resolve()


def recover(target: Path) -> Path | None:
    """Point a missing (or dangling) `target` at the newest complete build beside it.

    Call it holding the build lock. Returns the folder `target` now publishes, or None.
    """
    current = current_version(target)
    if current is not None:
        return current
    found = [
        p for p in _leftovers(target) if p.is_dir() and not p.is_symlink() and is_complete(p)
    ]
    if not found:
        return None
    newest = max(found, key=lambda p: (_modified(p), p.stat().st_mtime))
    _link(target, newest)
    return newest


def recover_if_missing(target: Path) -> Path | None:
    """`recover` for readers (`query`, `serve`): a no-op when `target` exists or a build is
    running (that build recovers it)."""
    target = Path(target)
    if target.exists():
        return target.resolve()
    if not _leftovers(target):
        return None  # nothing to recover from: no lock file made
    try:
        with build_lock(target, wait=False) as held:
            return recover(target) if held else None
    except OSError:
        return None


def clean(target: Path) -> list[Path]:
    """Delete every leftover beside `target` except the build it publishes; call it holding the
    build lock (after `recover`). Returns what was removed."""
    current = current_version(target)
    removed = []
    for path in _leftovers(target):
        if current is not None and not path.is_symlink() and path.resolve() == current:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        removed.append(path)
    return removed


@dataclass
class Publication:
    """A build being written: fill `folder`, set `version` (e.g. the build id) before the end."""

    target: Path
    folder: Path
    version: str = ""


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def publishing(target: Path) -> Iterator[Publication]:
    """A temporary folder beside `target`, published as `target` when the block succeeds.

    Call it holding the build lock. On any failure (or Ctrl-C) the folder is deleted and `target`
    is untouched.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent)
    )
    publication = Publication(target, folder)
    try:
        folder.chmod(0o777 & ~_umask())  # mkdtemp makes it private; dist/ is meant to be served
        yield publication
        version = target.parent / f".{target.name}.v-{publication.version or 'build'}"
        if version.exists() or version.is_symlink():
            version = _fresh_name(target, f"v-{publication.version or 'build'}")
        folder.rename(version)
        folder = version
        _link(target, version)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    clean(target)


__all__ = [
    "CRASH_ENV",
    "CRASH_POINTS",
    "Publication",
    "build_lock",
    "clean",
    "crash_point",
    "current_version",
    "is_complete",
    "lock_path",
    "publishing",
    "recover",
    "recover_if_missing",
]
