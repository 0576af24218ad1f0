"""The format table and content negotiation."""

from __future__ import annotations

import pytest

from villegraph.formats import JSONLD, NTRIPLES, TURTLE, guess_format, negotiate

OFFERED = ["text/html", "text/turtle", "application/n-triples", "application/ld+json"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/n-triples, */*;q=0.1", "application/n-triples"),
        ("text/turtle;q=0, */*", "text/html"),
        ("image/png", None),
        ("garbage,,;;q=x", None),
        ("text/*", "text/html"),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept, OFFERED) == expected


def test_guess_format_by_suffix() -> None:
    assert guess_format("a/b.TTL") is TURTLE
    assert guess_format("x.nt") is NTRIPLES
    assert guess_format("x.jsonld") is JSONLD
    assert guess_format("notes.txt") is None
