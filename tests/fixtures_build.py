"""Fixtures: the real data built once per test session, and a store over that build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from villegraph.config import Settings
from villegraph.resources import ONTOLOGY_DIR
from villegraph.store import EmbeddedStore

PIPELINE_DATA = Path(__file__).resolve().parent / "data" / "pipeline"


@pytest.fixture(scope="session")
def built_dist(settings: Settings) -> Path:
    """The dist/ folder of one build of the real ontology and data (built once per session)."""
    from villegraph.build import build

    report = build(settings)
    return report.out_dir


@pytest.fixture(scope="session")
def small_network(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings on a generated network of 100 people (seed 1, about 10k triples) as the data
    folder, generated once per session; tests read it and never edit it."""
    from villegraph.synth import generate

    root = tmp_path_factory.mktemp("small-network")
    generate(
        root / "data",
        people=100,
        seed=1,
        themes_path=ONTOLOGY_DIR / "themes.ttl",
        roles_path=Path(__file__).resolve().parents[1] / "data" / "roles.ttl",
    )
    return Settings(
        root=Path(__file__).resolve().parents[1], data_dir=root / "data", dist_dir=root / "dist"
    )


@pytest.fixture(scope="session")
def built_store(built_dist: Path) -> Iterator[EmbeddedStore]:
    """An in-memory EmbeddedStore holding the N-Quads dump of `built_dist`."""
    store = EmbeddedStore.from_dist(built_dist)
    yield store
    store.close()


@pytest.fixture()
def pipeline_project(tmp_path: Path) -> Path:
    """A private copy of the small test project (ontology, rules, data) under tests/data."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(PIPELINE_DATA / "project", root)
    rules = ONTOLOGY_DIR / "rules"
    shutil.copytree(rules, root / "ontology" / "rules")
    return root


@pytest.fixture()
def pipeline_settings(pipeline_project: Path, tmp_path: Path) -> Settings:
    """Settings on the small test project, writing into a temporary dist/."""
    return Settings(root=pipeline_project, dist_dir=tmp_path / "dist")
