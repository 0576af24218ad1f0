"""The Python API on the real build: canned queries as dicts and DataFrames, SELECT, networks,
validation, and the example script of the README."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from villegraph.api import Graph, open_graph, validate_files
from villegraph.config import Settings
from villegraph.errors import QueryError

ROOT = Path(__file__).resolve().parents[1]
PERSON = "https://w3id.org/villegraph/person/jean-baptiste-chambon"


@pytest.fixture(scope="module")
def graph(settings: Settings, built_dist: Path) -> Graph:
    opened = open_graph(settings.root, dist=built_dist)
    yield opened
    opened.close()


def test_canned_query_rows_are_plain_dicts(graph: Graph) -> None:
    rows = graph.query("talks-of", person=PERSON)
    assert len(rows) == 1
    row = rows[0]
    assert row["person"] == PERSON
    assert row["talk"] == "https://w3id.org/villegraph/talk/chambon-donnees-bureaucraties-locales"
    assert row["title"].startswith("Les données comme instrument de transformation")
    assert isinstance(row["date"], dt.datetime) and row["date"].date() == dt.date(2023, 2, 16)


def test_parameters_may_be_paths_and_errors_are_villegraph_errors(graph: Graph) -> None:
    by_path = graph.query("talks-of", person="person/jean-baptiste-chambon")
    assert by_path == graph.query("talks-of", person=PERSON)
    with pytest.raises(QueryError, match="no canned query"):
        graph.query("who-work-on", theme="theme/open-data")
    with pytest.raises(QueryError, match="no parameter"):
        graph.query("talks-of", persona=PERSON)


def test_frame_has_the_query_columns(graph: Graph) -> None:
    pytest.importorskip("pandas")
    frame = graph.frame("programme", lang="en")
    result = graph.result("programme", lang="en")
    assert list(frame.columns) == list(result.variables)
    assert len(frame) == len(result.rows) > 0


def test_select_binds_values_safely(graph: Graph) -> None:
    query = "SELECT ?name WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?name }"
    bound = graph.select(query, {"p": PERSON})
    assert bound == [{"name": "Jean-Baptiste Chambon"}]
    hostile = graph.select(query, {"p": 'x" } ; DROP ALL ; #'})
    assert hostile == []


def test_network_projection(graph: Graph) -> None:
    network = graph.network("person-theme")
    assert isinstance(network, nx.Graph)
    assert PERSON in network and network.degree(PERSON) > 0


def test_validate_files(settings: Settings) -> None:
    report = validate_files(*sorted((ROOT / "data").glob("*.ttl")), root=ROOT)
    assert report.conforms and not report.violations
    assert len(report.warnings) == 2  # the doubtful date of the introductory session


def test_example_script_runs(built_dist: Path) -> None:
    env = {**os.environ, "VILLEGRAPH_DIST_DIR": str(built_dist)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "api_tour.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert any(line.startswith("canned queries:") and "who-works-on" in line for line in lines)
    assert any("Jean-Baptiste Chambon" in line for line in lines if line.startswith("people:"))
    assert any(line.startswith("person-theme network:") for line in lines)
    assert "validation: conforms" in done.stdout
