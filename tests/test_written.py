"""The literals as written (`villegraph.shacl.written`) keep copies of the terms they note, equal
to the parsed ones, so that what a build looks up with parsed or stored terms is found."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from villegraph.shacl.written import WrittenForms, _copy

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    "term",
    [
        ox.NamedNode("https://w3id.org/villegraph/person/a"),
        ox.BlankNode("b1"),
        ox.Literal("02", datatype=ox.NamedNode(XSD + "positiveInteger")),
        ox.Literal("texte", language="fr"),
        ox.Literal("نص", language="ar", direction=ox.BaseDirection.RTL),
        ox.Literal("plain"),
    ],
)
def test_a_copy_is_equal_and_hashes_equal_but_is_another_object(term: object) -> None:
    copy = _copy(term)
    assert copy == term and hash(copy) == hash(term) and copy is not term
    assert str(copy) == str(term)


def test_noted_terms_are_copies_found_by_the_parsed_ones() -> None:
    text = (
        "<https://w3id.org/villegraph/p1> <https://w3id.org/villegraph/def#startLine> "
        f'"02"^^<{XSD}positiveInteger> .\n'
        "<https://w3id.org/villegraph/p1> <https://w3id.org/villegraph/def#startLine> "
        f'"2"^^<{XSD}integer> .\n'
    )
    parsed = [
        (t.subject, t.predicate, t.object) for t in ox.parse(text.encode(), ox.RdfFormat.N_TRIPLES)
    ]
    forms = WrittenForms.from_triples(parsed)
    (key,) = forms.by_triple
    s, p, stored = key
    assert stored == ox.Literal("2", datatype=ox.NamedNode(XSD + "integer"))
    assert s == parsed[0][0] and s is not parsed[0][0] and p is not parsed[0][1]
    written = forms.written(parsed[0][0], parsed[0][1], stored)
    assert written == [parsed[0][2], parsed[1][2]]  # "02" as written, and "2" written as stored
    assert all(w is not parsed[0][2] for w in written)
    assert forms.canonical(parsed[0][2]) == stored
