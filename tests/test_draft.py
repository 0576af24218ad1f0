"""`villegraph draft`: the draft of the seed announcement compiles (schema and quotes) and
reaches the figures' thresholds against the hand-curated seed; reconciliation proposes known
IRIs and lists ambiguous candidates; French dates parse; the CLI writes, refuses to overwrite
without --force and says why with exit 2."""

from __future__ import annotations

import shutil
from datetime import date, time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from villegraph.cli import main
from villegraph.draft import draft, load_index, pipeline, to_yaml
from villegraph.draft.scoring import score
from villegraph.draft.when import find_dates, find_times, moment
from villegraph.records import make_triples, read_curation

ROOT = Path(__file__).resolve().parents[1]
SEED_SOURCE = ROOT / "data" / "sources" / "000_f80f05703dc6102a.txt"
SEED_GOLD = ROOT / "tests" / "data" / "curated" / "seed.yaml"
FIXTURES = ROOT / "tests" / "data" / "draft"
BASE = "https://w3id.org/villegraph/"
CASES = [
    (SEED_SOURCE, SEED_GOLD),
    (FIXTURES / "en_webinar.txt", FIXTURES / "en_webinar.gold.yaml"),
    (FIXTURES / "table_journee.txt", FIXTURES / "table_journee.gold.yaml"),
]
THRESHOLDS = {
    "people": (0.9, 0.9),
    "organisations": (0.9, 0.9),
    "memberships": (0.9, 0.9),
    "sessions": (0.9, 0.9),
    "talks": (0.9, 0.9),
    "talk themes": (0.6, 0.7),
}


def _project(root: Path, source: Path, data_files: dict[str, str] | None = None) -> Path:
    (root / "data" / "sources").mkdir(parents=True)
    shutil.copy(source, root / "data" / "sources" / source.name)
    for name, text in (data_files or {}).items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    return root


def _draft_text(source: Path, data_dir: Path | None) -> tuple[str, list[str]]:
    result = draft(
        source.read_text(encoding="utf-8"),
        f"data/sources/{source.name}",
        load_index(data_dir),
        pipeline(),
    )
    return to_yaml(result.document, ["draft"]), result.notes


@pytest.mark.parametrize(("source", "gold"), CASES, ids=lambda path: Path(path).stem)
def test_draft_compiles_and_meets_thresholds(source: Path, gold: Path, tmp_path: Path) -> None:
    root = _project(tmp_path, source)
    text, _ = _draft_text(source, None)
    (root / "draft.yaml").write_text(text, encoding="utf-8")
    curation = read_curation(root / "draft.yaml")
    assert curation is not None and curation.is_draft
    make_triples(curation, BASE, root)  # schema and every quote found in the source
    gold_curation = read_curation(gold)
    assert gold_curation is not None
    make_triples(gold_curation, BASE, root)  # the gold itself is sound
    scores = score(yaml.safe_load(text), yaml.safe_load(gold.read_text(encoding="utf-8")))
    for kind, (precision, recall) in THRESHOLDS.items():
        assert scores[kind].precision >= precision, (kind, scores[kind])
        assert scores[kind].recall >= recall, (kind, scores[kind])


def test_seed_draft_is_the_seed_session(tmp_path: Path) -> None:
    document = yaml.safe_load(_draft_text(SEED_SOURCE, None)[0])
    assert document["status"] == "draft"
    main_session = next(s for s in document["sessions"] if s.get("number") == 5)
    assert main_session["start"] == "2023-02-16T09:00:00+01:00"
    assert main_session["end"] == "2023-02-16T10:30:00+01:00"
    assert main_session["printed_weekday"] == "jeudi"
    assert main_session["registration"] == "https://bit.ly/3XOTBct"
    tba = [s for s in document["sessions"] if s.get("status") == "to-be-announced"]
    assert [s["printed_date"] for s in tba] == ["A PRÉCISER"]
    csi = next(o for o in document["organisations"] if o.get("acronym") == "CSI")
    assert csi["parent"] == "i3"
    autheman = next(m for m in document["memberships"] if m["person"] == "deborah-autheman")
    assert autheman["printed_title"].startswith("Déléguée Régionale à la Transformation")


def test_reconciliation_proposes_known_iris() -> None:
    text, notes = _draft_text(SEED_SOURCE, ROOT / "data")
    document = yaml.safe_load(text)
    assert {p["id"] for p in document["people"]} == {
        "carole-anne-tisserand",
        "jean-baptiste-chambon",
        "deborah-autheman",
    }
    assert any(note.startswith("org/csi:") and f"{BASE}org/csi" in note for note in notes)
    assert f"# org/csi: Centre de Sociologie de l'Innovation is {BASE}org/csi" in text


def test_ambiguous_candidates_are_listed_not_merged(tmp_path: Path) -> None:
    two_cee = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/villegraph/org/cee> a org:Organization ;
    foaf:name "Centre d'études européennes et de politique comparée" ; skos:altLabel "CEE" .
<https://w3id.org/villegraph/org/cee-energie> a org:Organization ;
    foaf:name "Conseil de l'énergie" ; skos:altLabel "CEE" .
"""
    root = _project(tmp_path, SEED_SOURCE, {"orgs.ttl": two_cee})
    text, notes = _draft_text(SEED_SOURCE, root / "data")
    document = yaml.safe_load(text)
    cee = next(o for o in document["organisations"] if o.get("acronym") == "CEE")
    assert cee["id"] not in {"cee", "cee-energie"}
    ambiguous = [note for note in notes if note.startswith("ambiguous")]
    assert len(ambiguous) == 1
    assert f"{BASE}org/cee " in ambiguous[0] and f"{BASE}org/cee-energie " in ambiguous[0]
    assert "# ambiguous: Centre d'études européennes" in text


@pytest.mark.parametrize(
    ("printed", "day", "times"),
    [
        ("Jeudi 16 février 2023 9h - 10h30", date(2023, 2, 16), (time(9), time(10, 30))),
        ("JEUDI 16 FÉVRIER 2023 DE 9H À 10H30", date(2023, 2, 16), (time(9), time(10, 30))),
        ("27/11/22 : Séance introductive", date(2022, 11, 27), None),
        ("le 1er mars 2024 de 14h à 16h", date(2024, 3, 1), (time(14), time(16))),
        ("Mardi 3 octobre 2023, de 14h à 17h30", date(2023, 10, 3), (time(14), time(17, 30))),
        ("Tuesday 14 March 2023, 2:00 – 3:30 pm", date(2023, 3, 14), (time(14), time(15, 30))),
    ],
)
def test_printed_dates_and_times_parse(
    printed: str, day: date, times: tuple[time, time] | None
) -> None:
    assert find_dates(printed)[0].day == day
    assert find_times(printed) == times


def test_a_preciser_is_no_date_and_summer_time_has_its_offset() -> None:
    assert find_dates("A PRÉCISER : Les citoyens") == []
    assert moment(date(2023, 10, 3), time(14)) == "2023-10-03T14:00:00+02:00"


def test_cli_writes_refuses_to_overwrite_and_forces(tmp_path: Path) -> None:
    root = _project(tmp_path, SEED_SOURCE)
    source = root / "data" / "sources" / SEED_SOURCE.name
    out = root / "data" / "curated" / "seance-5.yaml"
    runner = CliRunner()
    first = runner.invoke(main, ["--root", str(root), "draft", str(source), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert out.read_text(encoding="utf-8").count("status: draft") == 1
    again = runner.invoke(main, ["--root", str(root), "draft", str(source), "-o", str(out)])
    assert again.exit_code == 2
    assert "exists: use --force" in again.output
    forced = runner.invoke(
        main, ["--root", str(root), "draft", str(source), "-o", str(out), "--force"]
    )
    assert forced.exit_code == 0, forced.output
    missing = runner.invoke(main, ["--root", str(root), "draft", str(root / "nope.txt")])
    assert missing.exit_code == 2
    assert "cannot read" in missing.output


def test_cli_draft_builds_with_include_drafts(tmp_path: Path) -> None:
    root = _project(tmp_path, SEED_SOURCE)
    source = root / "data" / "sources" / SEED_SOURCE.name
    out = root / "data" / "curated" / "seance-5.yaml"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["--root", str(root), "draft", str(source), "-o", str(out)]).exit_code
        == 0
    )
    built = runner.invoke(main, ["--root", str(root), "build", "-q", "--include-drafts"])
    # the draft passes the schema and every quote is found (no `seance-5.yaml:LINE:` error);
    # in this bare project (no data/roles.ttl) its roles are TODOs: the shapes' complaints about
    # the draft's records are warnings
    assert ".yaml:" not in built.output, built.output
    assert built.exit_code == 0, built.output
    assert "unreviewed draft: A membership has exactly one role" in built.output
