"""A draft made in a new project, end to end with the real CLI: `villegraph init`, `draft`,
`build --include-drafts` (passes: the draft's gaps are warnings), `status: reviewed` (its TODO
fields are errors naming what to fill), filled in, `build` (passes the shapes)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "draft"


def _villegraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "villegraph", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_draft_in_a_new_project_builds_then_is_reviewed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    assert _villegraph("init", str(project), cwd=tmp_path).returncode == 0
    shutil.copy(FIXTURES / "table_journee.txt", project / "data" / "sources")
    curated = project / "data" / "curated" / "journee.yaml"
    drafted = _villegraph(
        "draft", "data/sources/table_journee.txt", "-o", str(curated), cwd=project
    )
    assert drafted.returncode == 0, drafted.stderr
    text = curated.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    # filled from the source: the role a known role's label names, the organiser it names
    memberships = {m["person"]: m for m in document["memberships"]}
    assert memberships["lea-marchand"]["role"] == "doctoral-student"
    assert document["cycles"][0]["organisers"] == ["latts"]
    assert (
        "Organisé par le Laboratoire Techniques, Territoires et Sociétés (LATTS)"
        in (document["cycles"][0]["quote"])
    )
    # not in the source: a TODO saying what to fill
    assert memberships["hugo-bernier"]["role"].startswith("TODO: the role of «maître de conf")

    without = _villegraph("build", "-q", cwd=project)  # the draft is left out
    assert without.returncode == 0, without.stderr
    with_drafts = _villegraph("build", "-q", "--include-drafts", cwd=project)
    assert with_drafts.returncode == 0, with_drafts.stderr
    assert "0 violations" in with_drafts.stderr
    assert "unreviewed draft: A membership has exactly one role" in with_drafts.stderr
    quality = (project / "dist" / "shacl-report.ttl").read_text(encoding="utf-8")
    assert "unreviewed draft: A membership has exactly one role" in quality
    assert "sh:Violation" not in quality

    curated.write_text(text.replace("status: draft", "status: reviewed"), encoding="utf-8")
    reviewed = _villegraph("build", "-q", cwd=project)
    assert reviewed.returncode == 2
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "role: 'TODO" in row)
    assert re.fullmatch(
        rf"villegraph: error: data/curated/journee\.yaml:{line}: memberships\[1\]\.role: "
        r"to fill in: the role of «maître de conférences»: a role id of data/ \(.*researcher.*\), "
        r"or a new org:Role in a Turtle file of data/\n",
        reviewed.stderr,
    ), reviewed.stderr
    filled = re.sub(r"role: 'TODO[^\n]*", "role: researcher", text)
    curated.write_text(filled.replace("status: draft", "status: reviewed"), encoding="utf-8")
    built = _villegraph("build", "-q", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "unreviewed" not in built.stderr
    nquads = (project / "dist" / "villegraph.nq").read_text(encoding="utf-8")
    assert "<https://w3id.org/villegraph/membership/bernier-iup> <http://www.w3.org/ns/org#role>" \
        " <https://w3id.org/villegraph/role/researcher>" in nquads  # fmt: skip


def test_a_draft_of_a_known_announcement_refers_to_known_organisations(tmp_path: Path) -> None:
    project = tmp_path / "project"
    assert _villegraph("init", str(project), cwd=tmp_path).returncode == 0
    curated = project / "data" / "curated" / "seance-5.yaml"
    source = "data/sources/000_f80f05703dc6102a.txt"
    assert _villegraph("draft", source, "-o", str(curated), cwd=project).returncode == 0
    text = curated.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    # every organisation is data/organisations.ttl's: referred to, not described again
    assert not document.get("organisations")
    assert "# org/csi: Centre de Sociologie de l'Innovation is " in text
    assert {m["organisation"] for m in document["memberships"]} == {
        "csi", "cee", "region-nouvelle-aquitaine",
    }  # fmt: skip
    built = _villegraph("build", "-q", "--include-drafts", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "0 violations" in built.stderr
