"""`benchmarks/run.py` rewrites the figures of a run and keeps the sections written by hand."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def _run_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hand_written_sections_are_what_follows_the_run_s_own() -> None:
    journal_of = _run_module().journal_of
    run = "# villegraph benchmarks\n\n## Machine\n\n- CPU\n\n## Summary\n\n| a |\n\n"
    run += "## bench_cli\n\n`python benchmarks/bench_cli.py` — ok\n\n## bench_viz\n\nfigures\n"
    journal = "## Validation engines (2025-11-30)\n\ntext\n\n## 2026-12-01: more\n\n| x |\n"
    assert journal_of(run + journal) == journal
    assert journal_of(run) == ""
    assert journal_of("") == ""


def test_the_repository_s_results_keep_their_journal() -> None:
    text = (RUN.parent / "RESULTS.md").read_text(encoding="utf-8")
    journal = _run_module().journal_of(text)
    assert journal.startswith("## ") and text.endswith(journal)
    assert "## bench_" not in journal.split("\n", 1)[0]
    assert journal.count("\n## 20") >= 10  # the dated sections, all of them
