"""`villegraph validate FILE.yaml [FILE.ttl …]`: curation files checked in their project (schema,
quotes, references against the other files, the SHACL shapes after derivation), each result at
the record and field that makes it, `file.yaml:LINE: field: severity: message`; exit 0, 1, 2."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from villegraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "data" / "draft" / "table_journee.txt"


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The draft of the study day, made once in a new project."""
    project = tmp_path_factory.mktemp("drafted") / "project"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(project)]).exit_code == 0
    shutil.copy(SOURCE, project / "data" / "sources")
    out = project / "data" / "curated" / "journee.yaml"
    source = str(project / "data" / "sources" / SOURCE.name)
    result = runner.invoke(main, ["--root", str(project), "draft", source, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    shutil.copy(SOURCE, root / "data" / "sources")
    (root / "data" / "curated").mkdir()
    return root


def _validate(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--root", str(project), "validate", *args])
    return result.exit_code, result.stdout, result.stderr


def _line(text: str, pattern: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if re.search(pattern, row))


def _reviewed(text: str) -> str:
    text = text.replace("status: draft", "status: reviewed")
    return re.sub(r"role: 'TODO[^\n]*", "role: researcher", text)


def test_a_draft_lists_its_todos_and_its_gaps_as_warnings(project: Path, drafted: str) -> None:
    path = project / "data" / "curated" / "journee.yaml"
    path.write_text(drafted, encoding="utf-8")
    code, out, err = _validate(project, str(project / "data/curated/journee.yaml"))
    assert code == 0, err
    role_line = _line(drafted, r"role: 'TODO")
    lines = out.splitlines()
    assert lines[0] == (
        f"data/curated/journee.yaml:{role_line}: memberships[1].role: todo: the role of «maître de "
        "conférences»: a role id of data/ (doctoral-student, practitioner, "
        "regional-delegate-transformation, researcher), or a new org:Role in a Turtle file of data/"
    )
    assert (
        f"data/curated/journee.yaml:{role_line}: memberships[1].role: warning: unreviewed draft: "
        "A membership has exactly one role, an org:Role."
    ) in lines
    assert "0 violations" in err and "1 TODO fields" in err


def test_a_reviewed_file_with_a_todo_names_what_to_fill(project: Path, drafted: str) -> None:
    path = project / "data" / "curated" / "journee.yaml"
    path.write_text(drafted.replace("status: draft", "status: reviewed"), encoding="utf-8")
    code, out, err = _validate(project, str(path))
    assert code == 2
    assert err.startswith(
        f"villegraph: error: data/curated/journee.yaml:{_line(drafted, 'role: .TODO')}: "
        "memberships[1].role: to fill in: the role of «maître de conférences»"
    )
    assert out == ""


def test_a_violation_is_placed_at_its_record_and_field(project: Path, drafted: str) -> None:
    text = re.sub(r"    organisers:\n      - latts\n", "", _reviewed(drafted))
    assert "organisers" not in text
    outside = project.parent / "journee.yaml"  # outside data/: checked in the project all the same
    outside.write_text(text, encoding="utf-8")
    code, out, err = _validate(project, str(outside))
    assert code == 1
    cycle_line = _line(text, r"^  - id: cycle-")
    assert out.splitlines() == [
        f"{outside}:{cycle_line}: cycles[0].organisers: violation: "
        "A webinar series has at least one organiser, an org:Organization."
    ]
    assert "does not conform (1 violations" in err
    code, out, _ = _validate(project, "--format", "json", str(outside))
    assert code == 1
    assert json.loads(out) == [
        {
            "file": str(outside),
            "line": cycle_line,
            "field": "cycles[0].organisers",
            "severity": "Violation",
            "message": "A webinar series has at least one organiser, an org:Organization.",
        }
    ]


def test_a_reviewed_file_conforms_with_its_references_resolved_in_the_project(
    project: Path, drafted: str
) -> None:
    (project / "data" / "curated" / "journee.yaml").write_text(_reviewed(drafted), "utf-8")
    # `role: researcher` and `doctoral-student` are data/roles.ttl's
    code, out, err = _validate(project, str(project / "data/curated/journee.yaml"))
    assert (code, out) == (0, ""), err
    assert "conforms (0 violations, 0 warnings, 0 infos, 0 TODO fields)" in err


def test_schema_quote_and_reference_problems_are_one_line_exit_2(
    project: Path, drafted: str
) -> None:
    path = project / "data" / "curated" / "journee.yaml"
    text = _reviewed(drafted)
    cases = [
        (
            text.replace("quote: doctorante au Laboratoire", "quote: doctorant au Laboratoire"),
            r"people\[0\]\.quote: \"doctorant au .*\" is not in the source; did you mean",
        ),
        (text.replace("role: researcher", "role: reseacher"), r"did you mean 'researcher'"),
        (
            text.replace("printed_title:", "printed_titel:", 1),
            r"memberships\[0\]\.printed_title: missing \(required\)",
        ),
    ]
    for changed, expected in cases:
        assert changed != text
        path.write_text(changed, encoding="utf-8")
        code, out, err = _validate(project, str(project / "data/curated/journee.yaml"))
        assert code == 2, (expected, err)
        assert re.match(r"villegraph: error: data/curated/journee\.yaml:\d+: ", err), err
        assert re.search(expected, err), err
        assert err.count("\n") == 1 and out == ""


def test_yaml_and_turtle_files_together(project: Path, drafted: str) -> None:
    (project / "data" / "curated" / "journee.yaml").write_text(_reviewed(drafted), "utf-8")
    extra = project / "extra.ttl"
    extra.write_text(
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "<https://w3id.org/villegraph/person/nobody> a foaf:Person .\n",
        encoding="utf-8",
    )
    code, out, _ = _validate(project, str(project / "data/curated/journee.yaml"), str(extra))
    assert code == 1
    assert out.splitlines()
    assert all(
        line.startswith("extra.ttl: <https://w3id.org/villegraph/person/nobody>")
        for line in out.splitlines()
    ), out
    assert any(": violation: " in line for line in out.splitlines())
