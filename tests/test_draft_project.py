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
    # the letterhead prints the organisers: PUCA, and the chair under its institution's logo (the
    # chair organises; Sciences Po's logo says whose chair it is)
    cycle = document["cycles"][0]
    assert cycle["organisers"] == ["puca", "chaire-villes-et-numerique"]
    assert cycle["quote"][1:] == ["**PUCA**", "**SciencesPo** CHAIRE VILLES ET NUMÉRIQUE"]
    built = _villegraph("build", "-q", "--include-drafts", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "0 violations" in built.stderr


def test_an_english_draft_is_reviewed_and_builds(tmp_path: Path) -> None:
    """What is printed stays in the source's language: an English announcement's printed titles
    and weekday are tagged @en and conform once a curator has filled the draft and reviewed it."""
    project = tmp_path / "project"
    assert _villegraph("init", str(project), cwd=tmp_path).returncode == 0
    shutil.copy(FIXTURES / "en_webinar.txt", project / "data" / "sources")
    curated = project / "data" / "curated" / "en-webinar.yaml"
    drafted = _villegraph("draft", "data/sources/en_webinar.txt", "-o", str(curated), cwd=project)
    assert drafted.returncode == 0, drafted.stderr
    text = curated.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert document["source"]["language"] == "en"
    assert document["sessions"][0]["printed_weekday"] == "tuesday"
    # `Organised by the Urban Data Futures network`: a network the draft does not know, so a TODO
    assert document["cycles"][0]["organisers"].startswith("TODO: who organises the cycle")

    # the curator's review: roles, the organiser the source names, IDC's kind, an abstract
    # without the closing credits, and the status
    text = re.sub(r"role: 'TODO[^\n]*", "role: researcher", text)
    text = re.sub(r"organisers: 'TODO[^\n]*", "organisers: [urban-data-futures-network]", text)
    text = text.replace(
        "    quote: '# Urban Data Futures'\n",
        "    quote:\n      - '# Urban Data Futures'\n"
        "      - Organised by the Urban Data Futures network\n",
    )
    text = text.replace(
        "organisations:\n",
        "organisations:\n  - id: urban-data-futures-network\n"
        "    name: Urban Data Futures network\n    kind: organisation\n"
        "    quote: Organised by the Urban Data Futures network\n",
        1,
    )
    text = text.replace("IDC\n    kind: research-unit", "IDC\n    kind: organisation")
    text = text.replace(
        "\\n\\nOrganised by the Urban Data Futures network with the support of the Institute"
        " for Digital Cities (IDC).",
        "",
    )
    assert "TODO" not in text
    curated.write_text(text.replace("status: draft", "status: reviewed"), encoding="utf-8")

    built = _villegraph("build", "-q", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "conforms (0 violations" in built.stderr
    assert "unreviewed" not in built.stderr
    nquads = (project / "dist" / "villegraph.nq").read_text(encoding="utf-8")
    graph = "<https://w3id.org/villegraph/graph/curated-en-webinar>"
    vg = "https://w3id.org/villegraph/"
    for line in (
        f'<{vg}membership/hart-bsp> <{vg}def#printedTitle> "Lecturer"@en {graph} .',
        f'<{vg}membership/ferreira-cur> <{vg}def#printedTitle> "Postdoctoral researcher"@en'
        f" {graph} .",
        f'<{vg}event/seance-3-2023-03-14> <{vg}def#printedWeekday> "tuesday"@en {graph} .',
        f"<{vg}talk/hart-government-as-a-platform-in> <http://purl.org/dc/terms/title> "
        f'"Government as a platform in English local authorities"@en {graph} .',
    ):
        assert line in nquads.splitlines(), line
    report = (project / "dist" / "shacl-report.ttl").read_text(encoding="utf-8")
    assert "sh:Violation" not in report
    assert "printed (tuesday) does not match" not in report

    # the weekday printed wrong: the shapes say so, in English, naming the English weekday
    curated.write_text(
        curated.read_text(encoding="utf-8").replace(
            "printed_weekday: tuesday", "printed_weekday: Wednesday"
        ),
        encoding="utf-8",
    )
    misprinted = _villegraph("validate", "data/curated/en-webinar.yaml", cwd=project)
    assert misprinted.returncode == 0, misprinted.stderr  # a warning
    assert re.search(
        r"^data/curated/en-webinar\.yaml:\d+: sessions\[0\]: warning: The weekday printed "
        r"\(Wednesday\) does not match the date 2023-03-14, a Tuesday\.$",
        misprinted.stdout,
        re.MULTILINE,
    ), misprinted.stdout
