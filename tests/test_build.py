"""The build: build.json, progress, and atomic replacement of dist/ whatever goes wrong."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import villegraph.build as build_module
from villegraph.build import STAGES, ProgressEvent, build
from villegraph.config import Settings
from villegraph.errors import InputError, ValidationFailed

BASE = "https://w3id.org/villegraph/"
PLAIN_FILES = {
    "villegraph.ttl",
    "villegraph.nt",
    "villegraph.jsonld",
    "context.jsonld",
    "villegraph.trig",
    "villegraph.nq",
    "void.ttl",
    "shacl-report.ttl",
    "shacl-report.txt",
    "changes.md",
    "changes.json",
}
SOURCE_TEXTS = {"source-puca-webinaire-seance-5.txt"}
"""The source texts the data cites, copied as they are (villegraph.sources)."""
EXPECTED_FILES = PLAIN_FILES | {name + ".gz" for name in PLAIN_FILES} | SOURCE_TEXTS
"""Every file of a build (each RDF file and report with its gzip copy), as build.json lists them."""


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _siblings(folder: Path) -> set[str]:
    return {p.name for p in folder.parent.iterdir()}


def _published(dist: Path) -> set[str]:
    """What a project folder holds beside `project` once `dist` is published: the link, the
    version it names and the lock file, nothing else."""
    assert dist.is_symlink()
    version = os.readlink(dist)
    assert version.startswith(".dist.v-") and "/" not in version
    return {"dist", version, ".dist.lock", "project"}


def test_real_build_writes_every_file(built_dist: Path) -> None:
    assert {p.name for p in built_dist.iterdir()} == EXPECTED_FILES | {"build.json"}
    info = json.loads((built_dist / "build.json").read_text(encoding="utf-8"))
    assert set(info["files"]) == EXPECTED_FILES
    for name, record in info["files"].items():
        data = (built_dist / name).read_bytes()
        assert record["bytes"] == len(data)
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert info["files"]["villegraph.ttl"]["media_type"] == "text/turtle"
    assert info["files"]["villegraph.nq"]["media_type"] == "application/n-quads"
    assert info["base_iri"] == BASE
    assert info["conforms"] is True and info["violations"] == 0
    assert info["warnings"] >= 2  # the source's own doubts: session order, a Sunday
    assert info["graphs"][BASE + "graph/derived"] == info["derived"] > 0
    assert info["triples"] <= sum(info["graphs"].values())
    assert info["modified"].endswith("+00:00")
    assert info["build_id"].split("-")[1] == info["files"]["villegraph.nq"]["sha256"][:12]


def test_build_report_and_progress(pipeline_settings: Settings) -> None:
    events: list[ProgressEvent] = []
    report = build(pipeline_settings, progress=events.append)
    assert [e.stage for e in events] == list(STAGES)
    assert all(e.seconds >= 0 and e.detail for e in events)
    assert events[0].detail == "85 triples from 5 files"
    assert set(report.timings) == set(report.cpu_seconds) == set(report.peak_rss_mb) == set(STAGES)
    info = json.loads((report.out_dir / "build.json").read_text(encoding="utf-8"))
    assert set(info["cpu_seconds"]) == set(STAGES)
    assert all(seconds >= 0 for seconds in info["cpu_seconds"].values())
    assert report.out_dir == pipeline_settings.dist_dir
    assert report.conforms and report.violations == 0
    assert report.warnings == 1  # Bob has no rdfs:label (a warning shape)
    assert "Bob Test" in (report.out_dir / "shacl-report.txt").read_text(encoding="utf-8")
    assert report.triples == 85 + report.derived + report.graphs[BASE + "graph/quality"]
    assert report.graphs[BASE + "graph/people"] == 20


def test_out_dir_overrides_settings(pipeline_settings: Settings, tmp_path: Path) -> None:
    report = build(pipeline_settings, tmp_path / "elsewhere" / "out")
    assert report.out_dir == tmp_path / "elsewhere" / "out"
    assert (report.out_dir / "build.json").is_file()
    assert pipeline_settings.dist_dir is not None
    assert not pipeline_settings.dist_dir.exists()


def test_rebuild_replaces_the_folder(pipeline_settings: Settings) -> None:
    first = build(pipeline_settings)
    (first.out_dir / "stale.txt").write_text("left from before", encoding="utf-8")
    second = build(pipeline_settings)
    assert not (second.out_dir / "stale.txt").exists()
    assert _siblings(second.out_dir) == _published(second.out_dir)
    assert os.readlink(second.out_dir).startswith(f".dist.v-{second.build_id}")
    assert (second.out_dir / "build.json").is_file()


@pytest.fixture()
def previous(pipeline_settings: Settings) -> tuple[Path, dict[str, bytes]]:
    """A first successful build, and the bytes of every file in it."""
    report = build(pipeline_settings)
    return report.out_dir, _snapshot(report.out_dir)


def _assert_untouched(previous: tuple[Path, dict[str, bytes]]) -> None:
    dist, before = previous
    assert _snapshot(dist) == before
    assert _siblings(dist) == _published(dist), "a temporary folder was left behind"


def test_bad_input_leaves_dist_untouched(
    pipeline_settings: Settings, previous: tuple[Path, dict[str, bytes]]
) -> None:
    (pipeline_settings.root / "data" / "bad.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^data/bad.ttl:1:"):
        build(pipeline_settings)
    _assert_untouched(previous)


def test_violation_leaves_dist_untouched(
    pipeline_settings: Settings, previous: tuple[Path, dict[str, bytes]]
) -> None:
    (pipeline_settings.root / "data" / "nameless.ttl").write_text(
        "<https://w3id.org/villegraph/person/nobody> a <http://xmlns.com/foaf/0.1/Person> .\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as caught:
        build(pipeline_settings)
    assert caught.value.exit_code == 1
    assert "1 violation" in str(caught.value)
    assert caught.value.report.violations[0].message == "A person needs a name."
    _assert_untouched(previous)


@pytest.mark.parametrize("error", [RuntimeError("disk trouble"), KeyboardInterrupt()])
def test_failure_mid_dump_leaves_dist_untouched(
    pipeline_settings: Settings,
    previous: tuple[Path, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
) -> None:
    written: list[Path] = []

    def failing_void(path: Path, info: object) -> None:
        written.extend(path.parent.iterdir())  # the dumps are already in the temporary folder
        raise error

    monkeypatch.setattr(build_module, "write_void", failing_void)
    with pytest.raises(type(error)):
        build(pipeline_settings)
    assert {p.name for p in written} >= {"villegraph.ttl", "villegraph.nq"}
    _assert_untouched(previous)


def test_failure_of_the_flip_keeps_the_previous_build(
    pipeline_settings: Settings,
    previous: tuple[Path, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_replace = os.replace
    calls: list[str] = []

    def refusing_replace(source: str | Path, target: str | Path) -> None:
        calls.append(Path(source).name)
        raise OSError("rename refused")

    monkeypatch.setattr(os, "replace", refusing_replace)
    with pytest.raises(InputError, match=r"dist: cannot write the build: rename refused"):
        build(pipeline_settings)
    monkeypatch.setattr(os, "replace", real_replace)
    assert calls == [f".dist.link-{os.getpid()}"]  # the one step that publishes
    _assert_untouched(previous)


def test_a_real_dist_folder_is_migrated(pipeline_settings: Settings) -> None:
    dist = pipeline_settings.dist_dir
    assert dist is not None
    dist.mkdir()
    (dist / "from-an-earlier-version.txt").write_text("old", encoding="utf-8")
    report = build(pipeline_settings)
    assert dist.is_symlink()
    assert not (dist / "from-an-earlier-version.txt").exists()
    assert (dist / "build.json").is_file()
    assert _siblings(dist) == _published(dist), "the legacy folder is deleted"
    assert report.out_dir == dist


def test_failed_migration_puts_the_real_folder_back(
    pipeline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = pipeline_settings.dist_dir
    assert dist is not None
    dist.mkdir()
    (dist / "keep.txt").write_text("old", encoding="utf-8")

    def refusing_replace(source: str | Path, target: str | Path) -> None:
        raise OSError("rename refused")

    monkeypatch.setattr(os, "replace", refusing_replace)
    with pytest.raises(InputError, match="rename refused"):
        build(pipeline_settings)
    monkeypatch.undo()
    assert dist.is_dir() and not dist.is_symlink()
    assert (dist / "keep.txt").read_text(encoding="utf-8") == "old"
    assert _siblings(dist) == {"dist", ".dist.lock", "project"}


def test_a_file_in_the_way_is_not_replaced(pipeline_settings: Settings) -> None:
    dist = pipeline_settings.dist_dir
    assert dist is not None
    dist.write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match=r"dist: cannot write the build: it is a file"):
        build(pipeline_settings)
    assert dist.read_text(encoding="utf-8") == "mine"


def test_first_build_failure_creates_nothing(pipeline_settings: Settings) -> None:
    (pipeline_settings.root / "data" / "bad.ttl").write_text("@prefix x <y> .\n", encoding="utf-8")
    with pytest.raises(InputError):
        build(pipeline_settings)
    assert pipeline_settings.dist_dir is not None
    assert not pipeline_settings.dist_dir.exists()


def test_unwritable_output_is_an_input_error(pipeline_settings: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(InputError, match=r"a-file/dist: cannot write the build: "):
        build(pipeline_settings, blocker / "dist")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_real_build_under_another_base(settings: Settings, tmp_path: Path) -> None:
    other = "http://example.org/vg/"
    report = build(settings.with_(base_iri=other), tmp_path / "dist")
    assert report.conforms
    assert all(g.startswith(other + "graph/") for g in report.graphs)
    text = (report.out_dir / "villegraph.nt").read_text(encoding="utf-8")
    assert "<https://w3id.org/villegraph/person/" not in text
    assert f"<{other}person/carole-anne-tisserand>" in text
    assert "<https://w3id.org/villegraph/def#worksOn>" in text  # ontology terms stay
    assert f"<{other}dataset>" in (report.out_dir / "void.ttl").read_text(encoding="utf-8")


def test_stage_cpu_counts_the_processes_a_stage_waited_for() -> None:
    import subprocess
    import sys

    from villegraph.build import cpu_seconds

    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    before = cpu_seconds()
    subprocess.run([sys.executable, "-c", burn], check=True)
    assert cpu_seconds() - before >= 0.3  # the child's CPU time, not only this process's


def test_the_build_holds_every_stage_s_code_from_its_start() -> None:
    """Importing the build imports what its later stages run (validation, the changes): files
    of villegraph replaced while a build runs (an upgrade) cannot fail it half-way."""
    import subprocess
    import sys

    listing = (
        "import sys, villegraph.build; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('villegraph'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", listing], capture_output=True, text=True, check=True
    ).stdout.split()
    stages = {
        "villegraph.load",
        "villegraph.infer",
        "villegraph.validate",
        "villegraph.shacl.engine",
        "villegraph.records.unreviewed",
        "villegraph.dump",
        "villegraph.unionwriter",
        "villegraph.diff",
        "villegraph.quadscan",
    }
    assert stages <= set(found), sorted(stages - set(found))
