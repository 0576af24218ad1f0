"""Literals as written where the Oxigraph store keeps another form.

Oxigraph's store canonicalises some typed literals: `"5"^^xsd:positiveInteger` is stored as
`"5"^^xsd:integer`, `"1.50"^^xsd:decimal` as `"1.5"`. SHACL looks at literals as written (a
datatype check on xsd:positiveInteger must see xsd:positiveInteger) and the dumps keep them as
written, so the build keeps, for the triples whose literal the store changed, the form they were
written in, per named graph; the store stays the one copy of everything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from villegraph.namespaces import RDF_LANGSTRING, XSD_STRING

_KEPT = frozenset({XSD_STRING, RDF_LANGSTRING})

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Key = tuple[Term, ox.NamedNode, ox.Literal]
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class WrittenForms:
    """(subject, predicate, stored literal) → the literals written for it (usually one), over all
    graphs (`by_triple`) and per graph (`by_quad`)."""

    def __init__(self) -> None:
        self.by_triple: dict[Key, list[ox.Literal]] = {}
        self.by_quad: dict[tuple[GraphName, Key], list[ox.Literal]] = {}
        self.predicates: set[ox.NamedNode] = set()
        self.stored: set[ox.Literal] = set()
        """The stored forms that stand for some other written literal."""
        self._canonical: dict[ox.Literal, ox.Literal] = {}

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> WrittenForms:
        """Collect the triples whose literal object the store would keep in another form."""
        forms = cls()
        forms.add_all(triples, ox.DefaultGraph())
        return forms

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> WrittenForms:
        """The same from quads."""
        forms = cls()
        for q in quads:
            forms.add_all([(q.subject, q.predicate, q.object)], q.graph_name)  # type: ignore[list-item]
        return forms

    def add_all(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]], graph: GraphName) -> None:
        """Note the triples of `graph` whose literal the store would keep in another form (and,
        for those, a triple of the same graph written in the stored form itself)."""
        triples = triples if isinstance(triples, list) else list(triples)
        cache = self._canonical
        fresh = {
            o: None
            for _, _, o in triples
            if type(o) is ox.Literal and o not in cache and o.datatype.value not in _KEPT
        }
        # What is kept is copied: a parsed term kept among the parse's freed objects holds
        # their memory pages (at 1M, 255 MiB held for 108k triples noted). One copy of each.
        cache.update(zip(map(_copy, fresh), _stored_forms(list(fresh)), strict=True))
        copies: dict[Any, Any] = {}

        def own(term: Any) -> Any:
            copy = copies.get(term)
            if copy is None:
                copy = copies[term] = _copy(term)
            return copy

        for s, p, o in triples:
            if type(o) is not ox.Literal:
                continue
            canonical = cache.get(o, o)
            if canonical == o:
                continue
            key = (own(s), own(p), canonical)
            o = own(o)
            per_graph = self.by_quad.setdefault((graph, key), [])
            if o not in per_graph:
                per_graph.append(o)
            anywhere = self.by_triple.setdefault(key, [])
            if o not in anywhere:
                anywhere.append(o)
            self.predicates.add(key[1])
            self.stored.add(canonical)
        for s, p, o in triples:
            if type(o) is ox.Literal and o in self.stored:
                self._also_as_stored(graph, (s, p, o))

    def _also_as_stored(self, graph: GraphName, key: Key) -> None:
        per_graph = self.by_quad.get((graph, key))
        if per_graph is not None and key[2] not in per_graph:
            stored = _copy(key[2])
            per_graph.append(stored)
            anywhere = self.by_triple[key]
            if stored not in anywhere:
                anywhere.append(stored)

    def subjects(self) -> set[Term]:
        """The subjects of the triples some of whose literals the store changed."""
        return {key[0] for key in self.by_triple}

    def canonical(self, literal: ox.Literal) -> ox.Literal:
        """The stored form of a literal noted by `add_all` (else the literal itself)."""
        return self._canonical.get(literal, literal)

    def written(self, s: Term, p: ox.NamedNode, o: Term) -> list[Term]:
        """The objects written for a stored triple: its own object unless the store changed it."""
        if type(o) is ox.Literal:
            found = self.by_triple.get((s, p, o))
            if found is not None:
                return list(found)
        return [o]

    def quads(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """Stored quads as written (a quad the store changed gives each written form)."""
        by_quad = self.by_quad
        if not by_quad:
            yield from quads
            return
        stored = self.stored
        for quad in quads:
            o = quad.object
            if type(o) is ox.Literal and o in stored:
                found = by_quad.get((quad.graph_name, (quad.subject, quad.predicate, o)))  # type: ignore[arg-type]
                if found is not None:
                    for written in found:
                        yield ox.Quad(quad.subject, quad.predicate, written, quad.graph_name)
                    continue
            yield quad

    def triples(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        """Stored triples of the union as written."""
        by_triple = self.by_triple
        if not by_triple:
            yield from triples
            return
        stored = self.stored
        for triple in triples:
            o = triple.object
            if type(o) is ox.Literal and o in stored:
                found = by_triple.get((triple.subject, triple.predicate, o))  # type: ignore[arg-type]
                if found is not None:
                    for written in found:
                        yield ox.Triple(triple.subject, triple.predicate, written)
                    continue
            yield triple

    def extra(self) -> dict[GraphName, int]:
        """Graph → how many more triples it has as written than as stored: a stored literal
        that stands for two written ones counts twice."""
        counts: dict[GraphName, int] = {}
        for (graph, _), found in self.by_quad.items():
            if len(found) > 1:
                counts[graph] = counts.get(graph, 0) + len(found) - 1
        return counts

    def __bool__(self) -> bool:
        return bool(self.by_triple)


def _copy(term: Any) -> Any:
    """A term made anew, equal to `term` (a node or a literal)."""
    if type(term) is ox.NamedNode:
        return ox.NamedNode(term.value)
    if type(term) is ox.BlankNode:
        return ox.BlankNode(term.value)
    if type(term) is ox.Literal:
        if term.language:
            return ox.Literal(term.value, language=term.language, direction=term.direction)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype.value))
    return term


def _stored_forms(literals: list[ox.Literal]) -> list[ox.Literal]:
    """The literals as an Oxigraph store gives them back (one scratch store for all)."""
    if not literals:
        return []
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:x-villegraph:p")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:x-villegraph:{i}"), predicate, literal)
        for i, literal in enumerate(literals)
    )
    stored = {
        int(q.subject.value.rsplit(":", 1)[1]): q.object  # type: ignore[union-attr]
        for q in scratch
    }
    return [_copy(stored[i]) for i in range(len(literals))]


__all__ = ["WrittenForms"]
