"""Theme suggestions from the SKOS thesaurus, in the manner of Annif's lexical backends: every
preferred and alternative label (FR and EN), lemmatised, looked for in a talk's lemmatised title
and abstract; the longest match wins where matches overlap; a score from where and how often."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox

from villegraph.draft.nlp import lemma_tokens
from villegraph.terms import value_of

SKOS = "http://www.w3.org/2004/02/skos/core#"
THEME = "https://w3id.org/villegraph/theme/"
MIN_SCORE = 0.47
"""Suggestions below this score are left out: one match of a preferred label in an abstract
scores 0.49, of an alternative label of one word 0.45."""
_FUNCTION_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "l'",
        "l",
        "de",
        "des",
        "du",
        "d'",
        "d",
        "un",
        "une",
        "à",
        "au",
        "aux",
        "en",
        "the",
        "of",
        "a",
        "an",
    ]
)


@dataclass(frozen=True)
class Suggestion:
    """A theme for a text, its score (0–1) and the words that name it (for the quote)."""

    theme: str
    score: float
    field: str
    """`title` or `abstract`: where the words are."""
    start: int
    end: int


def _content(doc: Any) -> list[tuple[str, int, int]]:
    """The lemmas of a text without its articles and prepositions."""
    return [token for token in lemma_tokens(doc) if token[0] not in _FUNCTION_WORDS]


@cache
def _labels() -> tuple[list[tuple[str, str, float]], dict[str, set[str]]]:
    """(theme slug, label, weight) for every label (preferred 1.0, alternative 0.9), and the
    descendants of each top concept (too general beside one of them)."""
    text = resources.files("villegraph.resources").joinpath("ontology/themes.ttl").read_bytes()
    store = ox.Store()
    store.load(text, ox.RdfFormat.TURTLE)
    labels: list[tuple[str, str, float]] = []
    for predicate, weight in (("prefLabel", 1.0), ("altLabel", 0.9)):
        for quad in store.quads_for_pattern(None, ox.NamedNode(SKOS + predicate), None, None):
            subject = value_of(quad.subject)
            if subject.startswith(THEME) and subject != THEME + "scheme":
                labels.append((subject.removeprefix(THEME), value_of(quad.object), weight))
    narrower: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(SKOS + "broader"), None, None):
        broader = value_of(quad.object).removeprefix(THEME)
        narrower.setdefault(broader, set()).add(value_of(quad.subject).removeprefix(THEME))
    tops = {
        value_of(quad.subject).removeprefix(THEME)
        for quad in store.quads_for_pattern(None, ox.NamedNode(SKOS + "topConceptOf"), None, None)
    }
    return labels, {top: _descendants(top, narrower) for top in tops}


def _descendants(theme: str, narrower: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    for child in narrower.get(theme, set()):
        found |= {child} | _descendants(child, narrower)
    return found


@cache
def label_index(nlp: Any) -> dict[tuple[str, ...], list[tuple[str, float]]]:
    """Lemma sequence → the themes it names, with weights."""
    index: dict[tuple[str, ...], list[tuple[str, float]]] = {}
    labels = _labels()[0]
    for (theme, _, weight), doc in zip(
        labels, nlp.pipe(label for _, label, _ in labels), strict=True
    ):
        key = tuple(lemma for lemma, _, _ in _content(doc))
        if key and (theme, weight) not in index.setdefault(key, []):
            index[key].append((theme, weight))
    return index


def _matches(
    tokens: list[tuple[str, int, int]],
    index: dict[tuple[str, ...], list[tuple[str, float]]],
    longest: int,
) -> list[tuple[int, int, str, float]]:
    """Every label occurrence (token span, theme, weight), overlaps allowed, but none held
    inside a longer one (`innovation` inside `innovation ouverte`)."""
    spans = []
    for begin in range(len(tokens)):
        for size in range(1, min(longest, len(tokens) - begin) + 1):
            key = tuple(lemma for lemma, _, _ in tokens[begin : begin + size])
            for theme, weight in index.get(key, []):
                spans.append((begin, begin + size, theme, weight))
    return [
        span
        for span in spans
        if not any(
            other[0] <= span[0] and span[1] <= other[1] and other[1] - other[0] > span[1] - span[0]
            for other in spans
        )
    ]


def suggest(nlp: Any, title_doc: Any, abstract_doc: Any | None) -> list[Suggestion]:
    """The themes a talk's title and abstract name, best first."""
    index = label_index(nlp)
    longest = max(len(key) for key in index)
    raw: dict[str, float] = {}
    first: dict[str, Suggestion] = {}
    for field_name, doc, weight in (("title", title_doc, 2.0), ("abstract", abstract_doc, 1.0)):
        if doc is None:
            continue
        tokens = _content(doc)
        for begin, end, theme, label_weight in _matches(tokens, index, longest):
            size = end - begin
            raw[theme] = raw.get(theme, 0.0) + weight * label_weight * (1 + 0.5 * (size - 1))
            first.setdefault(
                theme,
                Suggestion(theme, 0.0, field_name, tokens[begin][1], tokens[end - 1][2]),
            )
    suggestions = [
        Suggestion(theme, round(1 - math.exp(-raw[theme] / 1.5), 2), hit.field, hit.start, hit.end)
        for theme, hit in first.items()
    ]
    narrower = _labels()[1]
    kept = [hit for hit in suggestions if hit.score >= MIN_SCORE]
    specific = {hit.theme for hit in kept}
    return sorted(
        (hit for hit in kept if not narrower.get(hit.theme, set()) & specific),
        key=lambda suggestion: -suggestion.score,
    )


__all__ = ["MIN_SCORE", "Suggestion", "label_index", "suggest"]
