"""Competency questions from the source, answered end to end: the CLI (a real subprocess and
click's runner) and the HTTP server, on the real build.

The source (data/sources/000_f80f05703dc6102a.txt) names artificial intelligence only in the
session's general description (line 38); open data is in Chambon's abstract (line 70), citizen
participation in Tisserand's title (line 64); Autheman gives no talk, and line 46 describes her
as engaged in "la transformation et la modernisation d'une collectivité locale".
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from expected_answers import CHAMBON_ROLLED_UP, CHAMBON_TALK

from villegraph.cli import main

B = "https://w3id.org/villegraph/"


@pytest.fixture(scope="module")
def cli(built_dist: Path, project_root: Path):
    """Run `villegraph query …` in a real subprocess; returns the CompletedProcess."""
    env = {**os.environ, "VILLEGRAPH_DIST_DIR": str(built_dist), "VILLEGRAPH_ENDPOINT": ""}
    command = [sys.executable, "-m", "villegraph", "--root", str(project_root), "query"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], capture_output=True, text=True, env=env, timeout=60, check=False
        )

    return run


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _people(text: str) -> set[str]:
    return {row["personLabel"] for row in _csv(text)}


def test_nobody_works_on_ai_and_the_cli_says_so(cli) -> None:
    result = cli("who-works-on", "theme=theme/artificial-intelligence", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert _csv(result.stdout) == []
    note = result.stderr.strip()
    assert note.startswith("villegraph: note: nobody's own work")
    assert "context=true" in note


def test_ai_with_session_context_is_labelled_as_such(cli) -> None:
    result = cli(
        "who-works-on", "theme=intelligence artificielle", "context=true", "--format", "csv"
    )
    assert result.returncode == 0, result.stderr
    rows = _csv(result.stdout)
    assert {r["personLabel"] for r in rows} == {
        "Carole-Anne Tisserand",
        "Jean-Baptiste Chambon",
        "Déborah Autheman",
    }
    assert {r["levelLabel"] for r in rows} == {"contexte de séance"}
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("theme", "person"),
    [
        ("theme=theme/open-data", "Jean-Baptiste Chambon"),
        ("theme=open data", "Jean-Baptiste Chambon"),
        ("theme=theme/citizen-participation", "Carole-Anne Tisserand"),
        ("theme=participation citoyenne", "Carole-Anne Tisserand"),
    ],
)
def test_one_person_works_on_each_theme_of_a_talk(cli, theme: str, person: str) -> None:
    result = cli("who-works-on", theme, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = _csv(result.stdout)
    assert {r["personLabel"] for r in rows} == {person}
    assert {r["levelLabel"] for r in rows} == {"travail propre"}
    assert all(r["quote"] for r in rows)


def test_chambons_own_work_is_his_talk_plus_labelled_roll_ups(cli) -> None:
    result = cli("themes-of", "agent=person/jean-baptiste-chambon", "--format", "json")
    assert result.returncode == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    own = {
        b["theme"]["value"].removeprefix(B + "theme/"): b.get("rolledUp", {}).get("value", "")
        for b in bindings
        if b["level"]["value"].endswith("#OwnWork")
    }
    assert {b["how"]["value"] for b in bindings} == {"travail propre", "contexte de séance"}
    assert {t for t, rolled in own.items() if not rolled} == CHAMBON_TALK
    assert {t for t, rolled in own.items() if rolled == "thème plus général"} == CHAMBON_ROLLED_UP
    assert "artificial-intelligence" not in own


def test_autheman_has_only_the_theme_of_her_quoted_role(cli) -> None:
    result = cli("themes-of", "agent=Déborah Autheman", "--lang", "en", "--format", "csv")
    assert result.returncode == 0, result.stderr
    own = {r["themeLabel"]: r for r in _csv(result.stdout) if r["level"].endswith("#OwnWork")}
    assert set(own) == {"transformation of administrations", "public administration"}
    assert own["transformation of administrations"]["how"] == "own work"
    assert own["transformation of administrations"]["rolledUp"] == ""
    assert own["public administration"]["rolledUp"] == "broader theme"


def test_tisserand_and_chambon_share_no_own_work_theme(cli) -> None:
    result = cli("shared-themes", "person=Carole-Anne Tisserand", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert _csv(result.stdout) == []
    assert "no two people share a theme of their own work" in result.stderr


def test_an_unknown_theme_is_exit_2_with_suggestions(cli) -> None:
    result = cli("who-works-on", "theme=theme/participation-citoyenne")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "villegraph: error: parameter 'theme': no theme theme/participation-citoyenne; "
        "did you mean theme/citizen-participation (participation citoyenne), "
        "theme/participation-intermediaries (intermédiaires de la participation citoyenne)?"
    ]


def test_an_organisation_answer_says_through_how_many_members(
    built_dist: Path, project_root: Path
) -> None:
    env = {"VILLEGRAPH_DIST_DIR": str(built_dist), "VILLEGRAPH_ENDPOINT": ""}
    args = ["--root", str(project_root), "query", "themes-of", "agent=CNRS", "--lang", "en"]
    result = CliRunner().invoke(main, [*args, "--format", "csv"], env=env)
    assert result.exit_code == 0, result.output
    rows = _csv(result.output)
    assert len(rows) == 10  # Tisserand's own work, not the 29 themes of her session
    assert {r["how"] for r in rows} == {"own work, through 1 member(s)"}
    assert "artificial intelligence" not in {r["themeLabel"] for r in rows}


# --- the same questions over HTTP --------------------------------------------------------------


def test_http_who_works_on_open_data_is_chambon(live_server: str) -> None:
    response = httpx.get(
        live_server + "/queries/who-works-on.csv", params={"theme": "open data"}, timeout=30
    )
    assert response.status_code == 200
    assert _people(response.text) == {"Jean-Baptiste Chambon"}


def test_http_ai_page_says_why_it_is_empty(live_server: str) -> None:
    params = {"theme": "theme/artificial-intelligence"}
    page = httpx.get(live_server + "/queries/who-works-on", params=params, timeout=30)
    assert page.status_code == 200
    assert "context=true" in page.text
    data = httpx.get(live_server + "/queries/who-works-on.csv", params=params, timeout=30)
    assert _csv(data.text) == []
    context = httpx.get(
        live_server + "/queries/who-works-on.csv", params={**params, "context": "true"}, timeout=30
    )
    assert len(_people(context.text)) == 3


def test_http_unknown_theme_is_404_with_suggestions(live_server: str) -> None:
    params = {"theme": "theme/participation-citoyenne"}
    page = httpx.get(live_server + "/queries/who-works-on", params=params, timeout=30)
    assert page.status_code == 404
    assert "did you mean theme/citizen-participation (participation citoyenne)" in page.text
    data = httpx.get(live_server + "/queries/who-works-on.csv", params=params, timeout=30)
    assert data.status_code == 404
    assert data.text.startswith("parameter 'theme': no theme theme/participation-citoyenne;")


def test_http_shared_themes_of_tisserand_is_empty(live_server: str) -> None:
    response = httpx.get(
        live_server + "/queries/shared-themes.csv",
        params={"person": "person/carole-anne-tisserand"},
        timeout=30,
    )
    assert response.status_code == 200
    assert _csv(response.text) == []
