"""Where the project folder is found, which ontology and queries it uses, and `villegraph init`."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from click.testing import CliRunner

from villegraph.cli import main
from villegraph.config import Settings
from villegraph.resources import CHECKOUT, ONTOLOGY_DIR, QUERIES_DIR


def _project(folder: Path, *own: str) -> Path:
    (folder / "data").mkdir(parents=True)
    for name in own:
        (folder / name).mkdir()
    return folder


def test_the_working_directory_with_data_is_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path / "here"))
    settings = Settings.from_env({})
    assert settings.root == tmp_path / "here"
    assert settings.data_dir == tmp_path / "here" / "data"
    assert settings.dist_dir == tmp_path / "here" / "dist"


def test_root_option_then_environment_then_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path / "cwd"))
    by_env = _project(tmp_path / "env")
    by_option = _project(tmp_path / "option")
    environ = {"VILLEGRAPH_ROOT": str(by_env)}
    assert Settings.from_env(environ).root == by_env
    assert Settings.from_env(environ, root=by_option).root == by_option


def test_a_folder_without_data_falls_back_to_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}).root == CHECKOUT


def test_packaged_ontology_and_queries_unless_the_project_has_its_own(tmp_path: Path) -> None:
    plain = Settings(root=_project(tmp_path / "plain"))
    assert (plain.ontology_dir, plain.queries_dir) == (ONTOLOGY_DIR, QUERIES_DIR)
    own = Settings(root=_project(tmp_path / "own", "ontology", "queries"))
    assert own.ontology_dir == tmp_path / "own" / "ontology"
    assert own.queries_dir == tmp_path / "own" / "queries"
    assert (ONTOLOGY_DIR / "shapes.ttl").is_file() and (ONTOLOGY_DIR / "rules").is_dir()
    assert sorted(QUERIES_DIR.glob("*.rq"))


def test_init_copies_the_example_announcement(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert "8 data files and 1 source text" in result.output
    assert "villegraph build" in result.output
    data = tmp_path / "new" / "data"
    compared = filecmp.dircmp(CHECKOUT / "data", data)
    assert compared.left_only == compared.right_only == compared.diff_files == []
    assert (data / "sources" / "000_f80f05703dc6102a.txt").read_bytes() == (
        CHECKOUT / "data" / "sources" / "000_f80f05703dc6102a.txt"
    ).read_bytes()
    settings = Settings(root=tmp_path / "new")
    assert settings.ontology_dir == ONTOLOGY_DIR


def test_init_accepts_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["init", str(tmp_path / "empty")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "empty" / "data" / "people.ttl").is_file()


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_init_refuses_a_folder_that_holds_anything(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "taken"
    if kind == "folder":
        target.mkdir()
        (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    else:
        target.write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 2
    assert result.output.startswith("villegraph: error: ")
    assert result.output.count("\n") == 1
    if kind == "folder":
        assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    else:
        assert target.read_text(encoding="utf-8") == "mine\n"
