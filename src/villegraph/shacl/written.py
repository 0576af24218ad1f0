"""Literals as written where the Oxigraph store keeps another form.

Oxigraph's store canonicalises some typed literals: `"5"^^xsd:positiveInteger` is stored as
`"5"^^xsd:integer`, `"1.50"^^xsd:decimal` as `"1.5"`. SHACL looks at literals as written (a
datatype check on xsd:positiveInteger must see xsd:positiveInteger), so the store engine keeps,
for the few triples whose literal the store changed, the form it was written in.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from villegraph.namespaces import RDF_LANGSTRING, XSD_NS, XSD_STRING

_XSD = XSD_NS
_KEPT = frozenset({XSD_STRING, RDF_LANGSTRING})

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Key = tuple[Term, ox.NamedNode, ox.Literal]


class WrittenForms:
    """(subject, predicate, stored literal) → the literals written for it (usually one)."""

    def __init__(self) -> None:
        self.by_triple: dict[Key, list[ox.Literal]] = {}
        self.predicates: set[ox.NamedNode] = set()

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> WrittenForms:
        """Collect the triples whose literal object the store would keep in another form."""
        forms = cls()
        stored: dict[ox.Literal, ox.Literal] = {}
        seen: set[tuple[Term, ox.NamedNode, ox.Literal]] = set()
        for s, p, o in triples:
            if type(o) is not ox.Literal or o.datatype.value in _KEPT:
                continue
            canonical = stored.get(o)
            if canonical is None:
                canonical = stored[o] = _stored_form(o)
            if canonical != o and (s, p, o) not in seen:
                seen.add((s, p, o))
                forms.by_triple.setdefault((s, p, canonical), []).append(o)
                forms.predicates.add(p)
        return forms

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> WrittenForms:
        """The same from quads (their graphs are ignored)."""
        return cls.from_triples((q.subject, q.predicate, q.object) for q in quads)  # type: ignore[misc]

    def written(self, s: Term, p: ox.NamedNode, o: Term) -> list[Term]:
        """The objects written for a stored triple: its own object unless the store changed it."""
        if type(o) is ox.Literal:
            found = self.by_triple.get((s, p, o))
            if found is not None:
                return list(found)
        return [o]

    def __bool__(self) -> bool:
        return bool(self.by_triple)


def _stored_form(literal: ox.Literal) -> ox.Literal:
    """The literal as an Oxigraph store gives it back."""
    scratch = ox.Store()
    node = ox.NamedNode("urn:x-villegraph:s")
    scratch.add(ox.Quad(node, node, literal))
    return next(iter(scratch)).object  # type: ignore[return-value]


__all__ = ["WrittenForms"]
