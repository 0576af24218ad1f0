"""`villegraph draft` against hand-curated gold files: precision and recall per kind of fact
(people, organisations, memberships, sessions with their dates, talks, talk themes), and the
wall time of one `villegraph draft` process (model load included) beside a plain
`python -c "import spacy"` and spaCy's own load of the model (parser and senter left out, as
the draft did before `villegraph.draft.french`) measured in the same run.

Cases: the seed announcement against tests/data/curated/seed.yaml, and the two fixtures of
tests/data/draft/ (an English announcement; a French study day with its speakers in a table).
Drafts are made without reconciliation (an empty project), so nothing is found by name in the
graph the seed already made.

    .venv/bin/python benchmarks/bench_draft.py [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from villegraph.draft.scoring import KINDS, score

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "draft"
CASES = [
    (
        "seed (FR, bullets)",
        ROOT / "data/sources/000_f80f05703dc6102a.txt",
        ROOT / "tests/data/curated/seed.yaml",
    ),
    ("en_webinar (EN)", FIXTURES / "en_webinar.txt", FIXTURES / "en_webinar.gold.yaml"),
    (
        "table_journee (FR, table)",
        FIXTURES / "table_journee.txt",
        FIXTURES / "table_journee.gold.yaml",
    ),
]
VILLEGRAPH = Path(sys.executable).with_name("villegraph")
SPACY_LOAD = "import spacy; spacy.load('fr_core_news_sm', exclude=['parser', 'senter'])"


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def _command(folder: str, source: Path) -> list[str]:
    return [str(VILLEGRAPH), "--root", folder, "draft", str(source), "-o", f"{folder}/draft.yaml"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("case                        kind           P     R    (matched/drafted/gold)")
    with tempfile.TemporaryDirectory() as top:
        folders: dict[str, str] = {}
        for name, source, _ in CASES:
            folder = Path(top) / str(len(folders))
            (folder / "data" / "sources").mkdir(parents=True)
            shutil.copy(source, folder / "data" / "sources" / source.name)
            folders[name] = str(folder)
        processes = {
            "python -c 'import spacy'": [sys.executable, "-c", "import spacy"],
            "python -c 'spacy.load(fr_core_news_sm)' (parser, senter left out)": [
                sys.executable, "-c", SPACY_LOAD,
            ],
            **{
                f"villegraph draft {name}": [
                    *_command(folders[name], Path(folders[name]) / "data/sources" / source.name),
                    "--force",
                ]
                for name, source, _ in CASES
            },
        }  # fmt: skip
        walls: dict[str, list[float]] = {name: [] for name in processes}
        for _ in range(args.runs):  # rounds: every process once per round, under the same load
            for name, command in processes.items():
                walls[name].append(_timed(command))
        for name, _, gold in CASES:
            drafted = yaml.safe_load((Path(folders[name]) / "draft.yaml").read_text("utf-8"))
            scores = score(drafted, yaml.safe_load(gold.read_text(encoding="utf-8")))
            for kind in KINDS:
                s = scores[kind]
                print(
                    f"{name:27s} {kind:13s} {s.precision:5.2f} {s.recall:5.2f}"
                    f"    ({s.matched}/{s.drafted}/{s.gold})"
                )
    print()
    for name, times in walls.items():
        print(
            f"{name}: median {statistics.median(times):.2f} s [{min(times):.2f}-{max(times):.2f}]"
        )


if __name__ == "__main__":
    main()
