"""The embedded store honours the deadline the `Store` interface promises (CLI exit 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from villegraph.errors import QueryError, QueryTimeout
from villegraph.store import EmbeddedStore

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"


def test_select_ask_construct_stop_at_the_deadline(built_store: EmbeddedStore) -> None:
    for call in (
        lambda: built_store.select(SLOW, timeout=0.5),
        lambda: built_store.ask("ASK { { " + SLOW + " } }", timeout=0.5),
        lambda: built_store.construct(
            "CONSTRUCT { ?a ?b ?c } WHERE " + SLOW.split("WHERE ")[1], timeout=0.5
        ),
    ):
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"0\.5 s deadline"):
            call()
        assert time.monotonic() - started < 5


def test_fast_queries_and_errors_pass_through(built_store: EmbeddedStore) -> None:
    result = built_store.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", timeout=30)
    assert int(result.rows[0][0]) > 1000  # type: ignore[arg-type]
    assert built_store.ask("ASK { ?s ?p ?o }", timeout=30) is True
    with pytest.raises(QueryError, match="syntax"):
        built_store.select("SELECT * WHERE {", timeout=30)


def test_cli_query_past_its_deadline_exits_3(built_dist: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "slow.rq").write_text("#+ title: A query that never ends\n" + SLOW + "\n")
    env = {
        **os.environ,
        "VILLEGRAPH_DIST_DIR": str(built_dist),
        "VILLEGRAPH_QUERIES_DIR": str(queries),
        "VILLEGRAPH_TIMEOUT": "1",
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "villegraph", "query", "slow"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip().splitlines() == [
        "villegraph: error: query ran past its 1 s deadline"
    ]
    assert time.monotonic() - started < 30
