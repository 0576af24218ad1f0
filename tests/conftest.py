"""Shared pytest set-up; each area keeps its fixtures in a `fixtures_*.py` plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from villegraph.config import Settings

pytest_plugins = [
    "fixtures_build",
    "fixtures_server",
    "fixtures_browser",
    "fixtures_stores",
]

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "sources" / "000_f80f05703dc6102a.txt"


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository checkout under test."""
    return ROOT


@pytest.fixture(scope="session")
def source_lines() -> list[str]:
    """The source announcement, one string per line (index 0 is line 1)."""
    return SOURCE.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings on the real ontology, data and queries, writing to a temporary dist/ and store/."""
    work = tmp_path_factory.mktemp("villegraph")
    return Settings(root=ROOT, dist_dir=work / "dist", store_dir=work / "store")
