"""Killed builds: the real CLI build is killed (SIGKILL) at each step of the publication; `dist`
always holds a complete build, `query` works on it, and the next build removes the leftovers."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_build import EXPECTED_FILES

from villegraph.publish import CRASH_ENV, build_lock
from villegraph.resources import ONTOLOGY_DIR, QUERIES_DIR

ROOT = Path(__file__).resolve().parents[1]
EXTRA = (
    '<http://example.org/extra> <http://www.w3.org/2000/01/rdf-schema#comment> "second build" .\n'
)
DUMPS = EXPECTED_FILES


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A private copy of the real project (ontology, data, queries); dist/ goes inside it."""
    root = tmp_path / "project"
    copies = {"ontology": ONTOLOGY_DIR, "data": ROOT / "data", "queries": QUERIES_DIR}
    for name, folder in copies.items():
        shutil.copytree(folder, root / name)
    return root


def _cli(root: Path, *args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VILLEGRAPH_")}
    if crash:
        env[CRASH_ENV] = crash
    return subprocess.run(
        [sys.executable, "-m", "villegraph", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _published(dist: Path) -> dict[str, object]:
    """build.json of `dist` after checking that every file it lists is there, whole."""
    info = json.loads((dist / "build.json").read_text(encoding="utf-8"))
    assert set(info["files"]) == DUMPS
    assert {p.name for p in dist.iterdir()} == DUMPS | {"build.json"}
    for name, record in info["files"].items():
        data = (dist / name).read_bytes()
        assert record["bytes"] == len(data), name
        assert record["sha256"] == hashlib.sha256(data).hexdigest(), name
    assert info["build_id"].split("-")[1] == info["files"]["villegraph.nq"]["sha256"][:12]
    return info


def _has_extra(dist: Path) -> bool:
    return "<http://example.org/extra>" in (dist / "villegraph.nq").read_text(encoding="utf-8")


def _beside(root: Path) -> set[str]:
    """The publication's files beside dist (hidden `.dist.*` names)."""
    return {p.name for p in root.iterdir() if p.name.startswith(".dist.")}


def _assert_clean(root: Path) -> None:
    dist = root / "dist"
    assert dist.is_symlink()
    assert _beside(root) == {".dist.lock", os.readlink(dist)}


def _assert_queryable(root: Path) -> None:
    result = _cli(root, "query", "programme", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("position,title,printedDate,")
    assert "event/seance-5" in result.stdout


@pytest.mark.parametrize(
    ("point", "new_published", "left"),
    [
        ("dump", False, {".dist.tmp-"}),  # dumps half written in the temporary folder
        ("before-flip", False, {".dist.v-", ".dist.link-"}),  # new version and link, not flipped
        ("after-flip", True, {".dist.v-"}),  # flipped; the previous version not deleted yet
    ],
)
def test_a_build_killed_at_each_step_leaves_a_complete_dist(
    project: Path, point: str, new_published: bool, left: set[str]
) -> None:
    first = _cli(project, "build")
    assert first.returncode == 0, first.stderr
    dist = project / "dist"
    before = _published(dist)
    _assert_clean(project)

    (project / "data" / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    killed = _cli(project, "build", crash=point)
    assert killed.returncode == -signal.SIGKILL
    assert killed.stdout == ""

    after = _published(dist)
    assert (after["build_id"] != before["build_id"]) is new_published
    assert _has_extra(dist) is new_published
    leftovers = _beside(project) - {".dist.lock", os.readlink(dist)}
    assert {name.split("-")[0] + "-" for name in leftovers} == left, leftovers
    _assert_queryable(project)

    again = _cli(project, "build")
    assert again.returncode == 0, again.stderr
    assert _has_extra(dist)
    _published(dist)
    _assert_clean(project)


def _legacy_dist(root: Path) -> Path:
    """A real dist/ folder, as an earlier villegraph wrote it."""
    assert _cli(root, "build").returncode == 0
    dist = root / "dist"
    version = dist.resolve()
    dist.unlink()
    version.rename(dist)
    return dist


def test_a_build_killed_while_migrating_a_real_dist_folder(project: Path) -> None:
    dist = _legacy_dist(project)
    before = _published(dist)
    (project / "data" / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    killed = _cli(project, "build", crash="migrate")
    assert killed.returncode == -signal.SIGKILL
    assert not dist.exists(), "killed between the two renames of the migration"

    _assert_queryable(project)  # the reader puts the newest complete build back as dist
    after = _published(dist)
    assert dist.is_symlink() and after["build_id"] != before["build_id"] and _has_extra(dist)

    assert _cli(project, "build").returncode == 0
    _published(dist)
    _assert_clean(project)


def test_leftovers_of_the_old_rename_scheme_are_recovered(project: Path) -> None:
    """Killed between the two renames of the old swap: dist missing, the previous build in
    `.dist.old-*`, a half-written `.dist.tmp-*` beside it."""
    dist = _legacy_dist(project)
    before = _published(dist)
    dist.rename(project / ".dist.old-abc123")
    partial = project / ".dist.tmp-def456"
    partial.mkdir()
    (partial / "villegraph.nq").write_text("<a> <b> <c> <g> .\n", encoding="utf-8")

    no_build = _cli(project, "validate")  # readers of data/ only do not touch dist
    assert no_build.returncode == 0
    assert not dist.exists()
    _assert_queryable(project)
    assert _published(dist)["build_id"] == before["build_id"]
    assert os.readlink(dist) == ".dist.old-abc123"

    assert _cli(project, "build").returncode == 0
    _published(dist)
    _assert_clean(project)
    assert not partial.exists()


def test_dist_missing_and_nothing_to_recover_says_no_build(project: Path) -> None:
    partial = project / ".dist.tmp-1-x"
    partial.mkdir()
    (partial / "build.json").write_text('{"build_id": "x", "files": {}}', encoding="utf-8")
    result = _cli(project, "query", "programme")
    assert result.returncode == 3
    assert result.stderr == (
        f"villegraph: error: no build in {project / 'dist'}: run `villegraph build` first\n"
    )
    assert not (project / "dist").exists()


def test_a_build_waits_for_a_live_build_and_spares_its_folder(project: Path) -> None:
    dist = project / "dist"
    with build_lock(dist):
        live = project / f".dist.tmp-{os.getpid()}-live"  # what a running build is writing
        live.mkdir()
        waiting = subprocess.Popen(
            [sys.executable, "-m", "villegraph", "--root", str(project), "build", "-q"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
        assert waiting.poll() is None, "the second build waits for the lock"
        assert live.is_dir(), "a folder of the live build is not cleaned"
        live.rmdir()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert out.startswith("built ")
    _published(dist)
    _assert_clean(project)


def test_a_reader_without_a_build_writes_nothing(project: Path) -> None:
    result = _cli(project, "query", "programme")
    assert result.returncode == 3
    assert _beside(project) == set()
    assert not (project / "dist").exists()
