"""Source text → a YAML curation file for a curator to review (`villegraph draft`).

text (paragraphs, unique quotes) · when (French and English dates) · speakers and
organisations (patterns) · nlp (spaCy, fills in) · programme · talks · themes (SKOS labels) ·
reconcile (data/ files) → assemble → emit. Never writes RDF: the records compiler does.
"""

from __future__ import annotations

from pathlib import Path

from villegraph.draft.assemble import Draft, draft
from villegraph.draft.emit import to_yaml
from villegraph.draft.nlp import pipeline
from villegraph.draft.reconcile import Index, load_index


def draft_file(
    source: Path, file_name: str, data_dir: Path | None, output: Path | None = None
) -> tuple[str, Draft]:
    """The YAML text of the draft of `source` (named `file_name` in it) and its notes; the
    `output` file it replaces is not read for reconciliation."""
    text = source.read_text(encoding="utf-8")
    result = draft(text, file_name, load_index(data_dir, skip=output), pipeline())
    header = [
        f"Draft of {file_name} by `villegraph draft`: review every record, then set",
        "status: reviewed. Reconciliation and theme scores are noted in comments.",
    ]
    return to_yaml(result.document, header), result


__all__ = ["Draft", "Index", "draft", "draft_file", "load_index", "pipeline", "to_yaml"]
