"""Curation files (data/**/*.yaml): the seed written in YAML makes the same graph as the Turtle
data; every problem is one line `file.yaml:LINE: field: message` with exit 2 and nothing built;
drafts only with --include-drafts, their graphs typed vg:Unreviewed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from villegraph.cli import main
from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.load import load_dataset, to_rdflib_graph
from villegraph.records import curation_schema
from villegraph.records.dates import iso_literal, parse_printed
from villegraph.records.quotes import SourceText

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "tests" / "data" / "curated"
ERRORS = sorted((CURATED / "errors").glob("*.yaml"))
SOURCE = ROOT / "data" / "sources" / "000_f80f05703dc6102a.txt"
BASE = "https://w3id.org/villegraph/"
UNREVIEWED = "<https://w3id.org/villegraph/def#Unreviewed>"

HEAD = """status: {status}
source:
  id: announcement
  file: data/sources/000_f80f05703dc6102a.txt
  title: Annonce de la séance 5
  label: Annonce de la séance 5
  language: fr
"""
PERSON = """people:
  - id: carole-anne-tisserand
    name: Carole-Anne Tisserand
    quote: Carole-Anne Tisserand, doctorante
"""


def _project(root: Path, files: dict[str, str] | None = None) -> Settings:
    """A project folder: the real ontology, the source announcement and `files` under data/."""
    (root / "data" / "sources").mkdir(parents=True)
    (root / "ontology").symlink_to(ROOT / "ontology")
    shutil.copy(SOURCE, root / "data" / "sources" / SOURCE.name)
    for name, text in (files or {}).items():
        path = root / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Settings(root=root, dist_dir=root / "dist")


def _cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--root", str(settings.root), *args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def _data_graph(settings: Settings) -> Graph:
    """The union of the data graphs (ontology and thesaurus left out)."""
    dataset = load_dataset(settings)
    graphs = [g for g in dataset.files if not g.endswith(("graph/ontology", "graph/themes"))]
    return to_rdflib_graph(dataset, graphs)


# --- the seed ---------------------------------------------------------------------------------


@pytest.mark.parametrize("base", [BASE, "http://example.org/net/"])
def test_seed_in_yaml_makes_the_same_graph_as_the_turtle_data(tmp_path: Path, base: str) -> None:
    """tests/data/curated/seed.yaml + data/roles.ttl (a vocabulary, kept in Turtle) ≅ data/*.ttl:
    same resources, literals, passages (lines and text) and subject statements."""
    turtle = _data_graph(Settings(root=ROOT, base_iri=base))
    yaml_project = _project(
        tmp_path,
        {
            "curated/seed.yaml": (CURATED / "seed.yaml").read_text(encoding="utf-8"),
            "roles.ttl": (ROOT / "data" / "roles.ttl").read_text(encoding="utf-8"),
        },
    )
    from_yaml = _data_graph(yaml_project.with_(base_iri=base))
    assert len(from_yaml) == len(turtle) > 900
    _, only_turtle, only_yaml = graph_diff(to_isomorphic(turtle), to_isomorphic(from_yaml))
    assert not sorted(only_turtle) and not sorted(only_yaml)
    assert to_isomorphic(turtle) == to_isomorphic(from_yaml)


def test_seed_in_yaml_builds_and_conforms(tmp_path: Path) -> None:
    settings = _project(
        tmp_path,
        {
            "curated/seed.yaml": (CURATED / "seed.yaml").read_text(encoding="utf-8"),
            "roles.ttl": (ROOT / "data" / "roles.ttl").read_text(encoding="utf-8"),
        },
    )
    code, out, err = _cli(settings, "build", "--quiet")
    assert code == 0, err
    build = json.loads((tmp_path / "dist" / "build.json").read_text(encoding="utf-8"))
    assert build["conforms"] and build["violations"] == 0
    assert list(build["graphs"])[2:4] == [BASE + "graph/curated-seed", BASE + "graph/roles"]
    # the derived facts are those of the Turtle data: Autheman's quoted role is own work
    assert "Déborah Autheman" in (tmp_path / "dist" / "villegraph.ttl").read_text("utf-8")
    assert out.startswith("built ")


# --- one line per problem ------------------------------------------------------------------


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("fixture", ERRORS, ids=lambda p: p.stem)
def test_each_problem_is_one_line_naming_file_line_and_field(tmp_path: Path, fixture: Path) -> None:
    settings = _project(tmp_path, {f"curated/{fixture.name}": fixture.read_text("utf-8")})
    code, out, err = _cli(settings, "build")
    assert code == 2
    assert err == f"villegraph: error: {_expected(fixture)}\n"
    assert out == ""
    assert not (tmp_path / "dist").exists()


def test_every_kind_of_problem_has_a_fixture() -> None:
    kinds = {path.stem for path in ERRORS}
    assert {
        "quote-not-found",
        "quote-ambiguous",
        "unknown-reference",
        "unknown-theme",
        "bad-date",
        "printed-date-does-not-parse",
        "missing-field",
        "misspelt-field",
        "not-yaml",
    } <= kinds


def test_a_problem_through_the_installed_command(tmp_path: Path) -> None:
    fixture = CURATED / "errors" / "unknown-reference.yaml"
    settings = _project(tmp_path, {f"curated/{fixture.name}": fixture.read_text("utf-8")})
    result = subprocess.run(
        [sys.executable, "-m", "villegraph", "--root", str(settings.root), "build"],
        capture_output=True,
        text=True,
        env={**os.environ, "VILLEGRAPH_DIST_DIR": str(tmp_path / "dist")},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "villegraph: error: data/curated/unknown-reference.yaml:21: memberships[0].organisation: "
        "no org 'cis'; did you mean 'csi'?\n"
    )


def test_a_bad_curation_file_leaves_the_previous_build(tmp_path: Path) -> None:
    settings = _project(tmp_path, {"curated/a.yaml": HEAD.format(status="reviewed") + PERSON})
    assert _cli(settings, "build", "--quiet")[0] == 0
    before = (tmp_path / "dist" / "build.json").read_bytes()
    (tmp_path / "data" / "curated" / "a.yaml").write_text(
        HEAD.format(status="reviewed") + PERSON.replace("doctorante", "doctorant au CSI"),
        encoding="utf-8",
    )
    code, _, err = _cli(settings, "build", "--quiet")
    assert code == 2 and "a.yaml:11: people[0].quote:" in err
    assert (tmp_path / "dist" / "build.json").read_bytes() == before


def test_references_reach_turtle_files_and_their_names_are_suggested(tmp_path: Path) -> None:
    membership = """organisations:
  - id: csi
    name: Centre de Sociologie de l'Innovation
    kind: research-unit
    quote: Centre de Sociologie de l'Innovation (CSI)
memberships:
  - id: tisserand-csi
    person: carole-anne-tisserand
    organisation: csi
    role: {role}
    printed_title: doctorante
    quote: Carole-Anne Tisserand, doctorante au Centre
"""
    roles = (ROOT / "data" / "roles.ttl").read_text(encoding="utf-8")
    text = HEAD.format(status="reviewed") + PERSON + membership
    settings = _project(
        tmp_path, {"curated/a.yaml": text.format(role="doctoral-student"), "roles.ttl": roles}
    )
    graph = _data_graph(settings)
    assert len(list(graph.triples((None, None, None)))) > 40
    (tmp_path / "data" / "curated" / "a.yaml").write_text(
        text.format(role="doctoral-students"), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        load_dataset(settings)
    assert str(caught.value) == (
        "data/curated/a.yaml:21: memberships[0].role: no role 'doctoral-students'; "
        "did you mean 'doctoral-student'?"
    )


def test_a_curation_file_and_a_turtle_file_may_not_share_a_graph(tmp_path: Path) -> None:
    settings = _project(
        tmp_path,
        {"curated/a.yaml": HEAD.format(status="reviewed") + PERSON, "curated-a.ttl": ""},
    )
    with pytest.raises(InputError, match=r"two files map to the graph .*graph/curated-a"):
        load_dataset(settings)


# --- drafts ----------------------------------------------------------------------------------


def _draft_project(tmp_path: Path) -> Settings:
    place = """places:
  - id: ile-de-france
    name: Île-de-France
    quote: la Région Île-de-France
"""
    return _project(
        tmp_path,
        {
            "curated/reviewed.yaml": HEAD.format(status="reviewed") + PERSON,
            # a draft may be unfinished: left out, it is not checked beyond its status
            "curated/draft.yaml": HEAD.format(status="draft") + place,
            "curated/unfinished.yaml": "status: draft\nsource: {}\n",
        },
    )


def test_drafts_are_left_out_by_default(tmp_path: Path) -> None:
    dataset = load_dataset(_draft_project(tmp_path))
    assert BASE + "graph/curated-reviewed" in dataset.files
    assert BASE + "graph/curated-draft" not in dataset.files
    assert not any("place/ile-de-france" in str(q.subject) for q in dataset.quads)


def test_drafts_are_built_on_request_and_marked_unreviewed(tmp_path: Path) -> None:
    settings = _draft_project(tmp_path)
    (tmp_path / "data" / "curated" / "unfinished.yaml").unlink()
    code, _, err = _cli(settings, "build", "--quiet", "--include-drafts")
    assert code == 0, err
    quads = (tmp_path / "dist" / "villegraph.nq").read_text(encoding="utf-8").splitlines()
    draft, reviewed = f"<{BASE}graph/curated-draft>", f"<{BASE}graph/curated-reviewed>"
    assert f"{draft} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {UNREVIEWED} {draft} ." in (
        quads
    )
    assert not any(line.startswith(reviewed) for line in quads)
    assert any(
        f"<{BASE}place/ile-de-france>" in line and line.endswith(f"{draft} .") for line in quads
    )
    # a curator sets status: reviewed, and the mark is gone
    path = tmp_path / "data" / "curated" / "draft.yaml"
    path.write_text(path.read_text("utf-8").replace("status: draft", "status: reviewed"), "utf-8")
    assert _cli(settings, "build", "--quiet")[0] == 0
    assert f"type> {UNREVIEWED}" not in (tmp_path / "dist" / "villegraph.nq").read_text("utf-8")


# --- quotes, dates, schema ---------------------------------------------------------------------


def test_a_quote_may_run_over_lines_and_its_passage_is_the_whole_lines() -> None:
    source = SourceText(SOURCE.read_text(encoding="utf-8"))
    (passage,) = source.find("Nouveaux enjeux de la transition\n   numérique")
    assert (passage.start, passage.end, passage.slug) == (11, 13, "l11-13")
    assert passage.text == "Nouveaux enjeux de la transition numérique des"
    (line,) = source.find("doctorant au Centre d'études")
    assert line.slug == "l51" and line.text.startswith("- Jean-Baptiste Chambon, doctorant")
    assert source.find("Liberté Fraternité") == []  # no passage spans a blank line or skips words
    assert [p.slug for p in source.find("Carole-Anne Tisserand")] == ["l50", "l64"]


def test_printed_and_iso_dates() -> None:
    assert str(parse_printed("27/11/22")) == "2022-11-27"
    assert str(parse_printed("Jeudi 16 février 2023")) == "2023-02-16"
    assert str(parse_printed("**16/02/2023**")) == "2023-02-16"
    assert parse_printed("A PRÉCISER") is None and parse_printed("31/02/23") is None
    # an English source prints its dates in English, day first or month first
    assert str(parse_printed("Tuesday 14 March 2023")) == "2023-03-14"
    assert str(parse_printed("Tuesday, March 14, 2023")) == "2023-03-14"
    assert str(parse_printed("14th  March 2023")) == "2023-03-14"
    assert parse_printed("14 Marsh 2023") is None and parse_printed("February 30, 2023") is None
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert iso_literal("2018") == ("2018", xsd + "gYear")
    assert iso_literal("2017-03") == ("2017-03", xsd + "gYearMonth")
    assert iso_literal("2023-02-16T09:00+01:00") == ("2023-02-16T09:00:00+01:00", xsd + "dateTime")
    with pytest.raises(ValueError, match="has no UTC offset"):
        iso_literal("2023-02-16T09:00")


def test_the_schema_is_valid_and_documented() -> None:
    schema = curation_schema()
    Draft202012Validator.check_schema(schema)
    docs = (ROOT / "docs" / "curation.md").read_text(encoding="utf-8")
    fields = set(schema["properties"])
    for definition in schema["$defs"].values():
        fields |= set(definition.get("properties", {}))
    missing = sorted(name for name in fields if f"`{name}`" not in docs)
    assert not missing, missing
