"""`villegraph query`: listing, running, formats, exit codes; CliRunner and a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from villegraph.cli import main
from villegraph.queries import Catalogue
from villegraph.resources import QUERIES_DIR

B = "https://w3id.org/villegraph/"


@pytest.fixture(scope="module")
def run(built_dist: Path, project_root: Path):
    """Invoke the CLI with dist/ pointing at the session's build; returns the click Result."""

    def invoke(*args: str, dist: Path | None = None):
        env = {"VILLEGRAPH_DIST_DIR": str(dist or built_dist), "VILLEGRAPH_ENDPOINT": ""}
        return CliRunner().invoke(main, ["--root", str(project_root), "query", *args], env=env)

    return invoke


def test_list_shows_every_query_with_its_parameters(run, project_root: Path) -> None:
    result = run("--list")
    assert result.exit_code == 0, result.output
    for query in Catalogue.load(QUERIES_DIR):
        assert query.name in result.output
        assert query.title in result.output
    assert "theme=IRI [context=false] [lang=fr]" in result.output


def test_table_output(run) -> None:
    result = run("speakers-of", "session=event/seance-5")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["speakerLabel", "printedTitle", "organisationLabel"]
    assert lines[-1] == "(3 rows)"
    assert "vgr:person/deborah-autheman" in result.output
    assert "Déborah Autheman" in result.output and '"' not in result.output


def test_csv_output_and_lang_option(run) -> None:
    result = run("programme", "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.output, newline="")))
    assert [row["printedDate"] for row in table][-1] == "A PRÉCISER"
    assert {row["lang"] for row in table} == {"en"}
    assert table[0]["session"] == B + "event/seance-1"


def test_json_output(run) -> None:
    result = run("who-works-on", "theme=vgr:theme/citizen-participation", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    people = {b["person"]["value"] for b in document["results"]["bindings"]}
    assert people == {B + "person/carole-anne-tisserand"}


def test_tsv_output(run) -> None:
    result = run("members-of", "organisation=org/psl", "--format", "tsv")
    assert result.exit_code == 0, result.output
    header, first = result.output.splitlines()[:2]
    assert header.startswith("?personLabel\t?unitLabel\t?roleLabel\t?printedTitle\t?depth")
    assert f"<{B}org/csi>" in first and '"doctorante"@fr' in first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope",), "no canned query named 'nope'"),
        (("who-work-on", "theme=theme/x"), "did you mean who-works-on"),
        (("who-works-on",), "needs parameter 'theme'"),
        (("who-works-on", "theme=a b"), "parameter 'theme'"),
        (("who-works-on", "theme"), "must be written key=value"),
        (("who-works-on", "theme=theme/x", "theme=theme/y"), "given twice"),
        (("who-works-on", "theme=theme/x", "colour=red"), "no parameter 'colour'"),
        (("shared-themes", "person=person/ada", "min=many"), "parameter 'min'.*not an integer"),
        (("shared-themes",), "needs parameter 'person'"),
        ((), "give a query NAME"),
        (("--list", "programme"), "--list takes no query name"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(run, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("villegraph: error: ")
    assert re.search(message, result.output), result.output


def test_no_build_is_exit_3(run, tmp_path: Path) -> None:
    result = run("programme", dist=tmp_path / "empty")
    assert result.exit_code == 3
    assert "run `villegraph build` first" in result.output


def test_bad_format_is_a_click_usage_error(run) -> None:
    result = run("programme", "--format", "xml")
    assert result.exit_code == 2


def test_real_subprocess(built_dist: Path, project_root: Path) -> None:
    env = {**os.environ, "VILLEGRAPH_DIST_DIR": str(built_dist), "VILLEGRAPH_ENDPOINT": ""}
    command = [sys.executable, "-m", "villegraph", "--root", str(project_root), "query"]
    ok = subprocess.run(
        [*command, "members-of", "organisation=org/sciences-po", "--format", "csv"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    rows = list(csv.DictReader(io.StringIO(ok.stdout, newline="")))
    assert [(r["personLabel"], r["unitLabel"]) for r in rows] == [
        ("Jean-Baptiste Chambon", "Centre d'études européennes et de politique comparée")
    ]
    bad = subprocess.run(
        [*command, "members-of"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        "villegraph: error: query 'members-of' needs parameter 'organisation' (iri): "
        "give organisation=VALUE"
    ]


def test_unreachable_endpoint_is_exit_3(run) -> None:
    from fixtures_stores import free_port

    result = run("programme", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert result.exit_code == 3, result.output
    assert result.output.startswith("villegraph: error: ")


@pytest.mark.store
def test_endpoint_gives_the_same_answer_as_the_build(run, built_dist: Path, oxigraph_server):
    from villegraph.remote import RemoteStore, read_quads_by_graph

    remote = RemoteStore(
        oxigraph_server.query_url, timeout=30, gsp_endpoint=oxigraph_server.gsp_url
    )
    for graph, triples in read_quads_by_graph(str(built_dist / "villegraph.nq")).items():
        if graph:
            remote.replace_graph(graph, triples)
    for args in (
        ("members-of", "organisation=org/psl"),
        ("speakers-of", "session=event/seance-5", "--lang", "en"),
        ("programme",),
    ):
        local = run(*args, "--format", "json")
        far = run(*args, "--format", "json", "--endpoint", oxigraph_server.query_url)
        assert far.exit_code == 0, far.output
        near, remote_answer = json.loads(local.output), json.loads(far.output)
        assert remote_answer["head"] == near["head"]
        assert _unordered(remote_answer) == _unordered(near)


def _unordered(answer: dict[str, Any]) -> list[str]:
    """The rows of a JSON answer where SPARQL leaves the order to each store: rows that tie on
    the ORDER BY keys, and the parts a GROUP_CONCAT joins (with ", ")."""
    rows = []
    for binding in answer["results"]["bindings"]:
        row = {
            name: {**value, "value": sorted(value["value"].split(", "))}
            for name, value in binding.items()
        }
        rows.append(json.dumps(row, sort_keys=True))
    return sorted(rows)
