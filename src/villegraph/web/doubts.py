"""The doubts the build's validation raised (its SHACL warnings), read from the quality graph.

The build publishes its SHACL report in `{base}graph/quality` (see `villegraph.quality`); pages
show each warning beside the fact it is about, in the page language (English, then any other
language, when the shape has no message in it).
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Literal, URIRef

from villegraph.store import Store
from villegraph.web.capping import capped

DOUBT_ROWS = 10_000
"""The warning messages read at most (one row more is asked, to know when there were more)."""
Q_DOUBTS = f"""PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?focus ?result ?message WHERE {{
  ?result sh:focusNode ?focus ; sh:resultSeverity sh:Warning ; sh:resultMessage ?message .
}} LIMIT {DOUBT_ROWS + 1}"""


def doubts(
    store: Store, language: str, focus: str | None = None, cut: list[str] | None = None
) -> dict[str, list[str]]:
    """Focus IRI → its warning messages in `language`, one per result, in a stable order.

    When the store holds more than `DOUBT_ROWS` messages, the first are kept and "doubts" is
    noted in `cut` (pages name what they cut)."""
    bindings = {"focus": URIRef(focus)} if focus else None
    by_result: dict[tuple[str, str], list[Literal]] = defaultdict(list)
    rows = store.select(Q_DOUBTS, bindings).dicts()
    for row in capped(rows, DOUBT_ROWS, "doubts", cut if cut is not None else []):
        message = row.get("message")
        if isinstance(message, Literal):
            by_result[(str(row["focus"]), str(row["result"]))].append(message)
    found: dict[str, list[str]] = defaultdict(list)
    for (node, _), messages in sorted(by_result.items()):
        found[node].append(_in_language(messages, language))
    return {node: sorted(texts) for node, texts in found.items()}


def _in_language(messages: list[Literal], language: str) -> str:
    for wanted in (language, "en"):
        for message in messages:
            if message.language == wanted:
                return str(message)
    return str(min(messages, key=str))


__all__ = ["DOUBT_ROWS", "Q_DOUBTS", "doubts"]
