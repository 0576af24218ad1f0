"""The endpoint's query-string reader against `urllib.parse.parse_qs`: same parameters, same
UnicodeDecodeError, on generated texts full of escapes (valid, malformed, not UTF-8)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villegraph.web import urlencoded

ESCAPES = "% %2 %20 %2B %25 %zz %C3%A9 %C3 %A9 %E2%82%AC %ED%A0%80 %5C %0A %00 %ff %FF %fe%ff x%4"
OTHERS = ["%3D", "%26", "\\", "\\x41", "\\n", "+", "=", "&", "&&", "é", "€", "query", "a"]
PIECES = st.sampled_from([*ESCAPES.split(), *OTHERS])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=24).map("".join)


def _reference(text: str) -> dict[str, list[str]] | type[Exception]:
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return UnicodeDecodeError


def _ours(text: str) -> dict[str, list[str]] | type[Exception]:
    try:
        return urlencoded.parse(text)
    except UnicodeDecodeError:
        return UnicodeDecodeError


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_the_same_parameters_as_parse_qs(text: str) -> None:
    assert _ours(text) == _reference(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("query=SELECT%20*%20WHERE%20%7B%7D", {"query": ["SELECT * WHERE {}"]}),
        ("a=1&a=2&b", {"a": ["1", "2"], "b": [""]}),
        ("q=%5Cx41+%25zz+%C3%A9", {"q": ["\\x41 %zz é"]}),
        ("q=a%3Db%26c", {"q": ["a=b&c"]}),
        ("&&q=&", {"q": [""]}),
    ],
)
def test_known_texts(text: str, expected: dict[str, list[str]]) -> None:
    assert urlencoded.parse(text) == expected


def test_escapes_that_are_not_utf8_raise() -> None:
    with pytest.raises(UnicodeDecodeError):
        urlencoded.parse("query=%C3%28")


def test_a_page_query_round_trips() -> None:
    text = 'SELECT ?p WHERE { ?p <http://x/n> "l\'été \\"+&=%" } # fin\n\tLIMIT 5'
    assert urlencoded.parse("query=" + quote(text, safe="")) == {"query": [text]}
    assert urlencoded.parse("query=" + quote(text)) == {"query": [text]}
