"""Evaluate the shapes on a pyoxigraph store: one SPARQL query per constraint over all focus
nodes, answered by Oxigraph; only the failing nodes come back and become results."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from villegraph.namespaces import SH
from villegraph.parallel import ordered_map
from villegraph.shacl import compile as sq
from villegraph.shacl import oxeval
from villegraph.shacl.model import (
    COMPONENTS,
    VALUE_PARAMETERS,
    Shape,
    ShapesGraph,
    SparqlConstraint,
)
from villegraph.shacl.pyeval import conforms, less_or_equal
from villegraph.shacl.written import WrittenForms
from villegraph.terms import to_oxigraph, to_rdflib

Term = ox.NamedNode | ox.BlankNode | ox.Literal
LISTED_FOCUS = 5_000
"""Up to this many focus nodes, the constraint queries list them instead of finding them."""
SCANNED = 4
"""A predicate with at most this many triples per focus node is read whole (one scan, no join
with the focus nodes), the focus nodes kept in Python."""
Subject = ox.NamedNode | ox.BlankNode


@dataclass(frozen=True)
class Focus:
    """A shape's focus nodes: the group pattern binding `?this` to them, and the nodes."""

    pattern: str
    prefixes: dict[str, str]
    nodes: list[Subject]
    members: frozenset[Subject]


@dataclass(frozen=True)
class RawResult:
    """One validation result, in the terms pyshacl puts in its report."""

    focus: Node
    path: Node | None
    value: Node | None
    component: URIRef
    shape: Shape
    messages: tuple[Literal, ...]
    source_constraint: Node | None = None


class StoreEngine:
    """Runs every targeted shape of `shapes` on `store` (its default graph as the union), the
    shapes evaluated by `threads` threads side by side, their results given in shape order."""

    def __init__(
        self,
        store: ox.Store,
        shapes: ShapesGraph,
        written: WrittenForms | None = None,
        threads: int = 1,
    ):
        self.store = store
        self.shapes = shapes
        self.written = written or WrittenForms()
        self.threads = threads
        self._lock = threading.Lock()
        self._listing: dict[str, threading.Lock] = {}
        """Focus key → held while its focus nodes are listed (once, whichever thread asks)."""
        self._left: Counter[str] = Counter()
        """Focus key → shapes with these targets not finished yet."""
        self._instances: dict[tuple[Node, Node], bool] = {}
        self._converted: dict[Term, Node] = {}
        self._predicates: dict[URIRef, bool] = {}
        self._focus: dict[str, Focus] = {}
        self._sizes: dict[URIRef, tuple[int, bool]] = {}
        self._scans: dict[URIRef, dict[Subject, set[Term]]] = {}
        self._subclasses: dict[Node, list[str] | None] = {}

    def run(self) -> Iterator[RawResult]:
        shapes = list(self.shapes.targeted())
        self._left.update(self._focus_key(shape) for shape in shapes)
        for results in ordered_map(self._results_of, shapes, self.threads):
            yield from results

    def _results_of(self, shape: Shape) -> list[RawResult]:
        """The results of one targeted shape; its focus nodes let go of after the last shape
        with the same targets."""
        key = self._focus_key(shape)
        try:
            focus = self._focus_of(shape)
            return list(self._shape(shape, focus)) if focus.nodes else []
        finally:
            with self._lock:
                self._left[key] -= 1
                if not self._left[key]:
                    self._focus.pop(key, None)

    def _focus_key(self, shape: Shape) -> str:
        pattern, prefixes = sq.focus_pattern(shape, self._classes)
        return sq.prologue(prefixes) + pattern

    def _focus_of(self, shape: Shape) -> Focus:
        """The focus nodes of a shape, listed once for all shapes with the same targets (and
        let go after the last of them, see `run`)."""
        pattern, prefixes = sq.focus_pattern(shape, self._classes)
        key = sq.prologue(prefixes) + pattern  # as `_focus_key` names it
        with self._lock:
            listing = self._listing.setdefault(key, threading.Lock())
        with listing:
            found = self._focus.get(key)
            if found is None:
                query = f"SELECT ?this WHERE {pattern}"
                nodes: list[Subject] = [row[0] for row in self._select(prefixes, query)]  # type: ignore[misc]
                listed = pattern
                if len(nodes) <= LISTED_FOCUS and not any(type(n) is ox.BlankNode for n in nodes):
                    # Named once, the focus nodes are not searched for again by every constraint.
                    listed = "VALUES ?this { " + " ".join(str(n) for n in nodes) + " }"
                found = self._focus[key] = Focus(listed, prefixes, nodes, frozenset(nodes))
        return found

    def _classes(self, cls: Node) -> list[str] | None:
        """A class and its subclasses in the data (`rdfs:subClassOf*`), listed once, so that
        class tests look each node's types up among them; None if one is a blank node."""
        if cls not in self._subclasses:
            query = f"SELECT DISTINCT ?c WHERE {{ ?c {sq.SUBCLASS}* {sq.term(cls)} }}"
            found = [row[0] for row in self._select({}, query)]
            listed = all(type(c) is ox.NamedNode for c in found)
            self._subclasses[cls] = [str(c) for c in found] if listed else None
        return self._subclasses[cls]

    def _scannable(self, shape: Shape, focus: Focus) -> bool:
        """Whether the shape's path is one predicate with few enough triples to be read whole
        (see SCANNED): counted once, up to the bound asked."""
        if not isinstance(shape.path, URIRef):
            return False
        bound = SCANNED * len(focus.nodes)
        size, exact = self._sizes.get(shape.path, (0, False))
        if not exact and size <= bound:
            triples = f"SELECT * WHERE {{ ?s {sq.term(shape.path)} ?o }} LIMIT {bound + 1}"
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {triples} }}"
            size = int(next(self._select({}, query))[0].value)  # type: ignore[union-attr]
            exact = size <= bound
            self._sizes[shape.path] = (size, exact)
        return size <= bound

    def describe(self, node: Node) -> Iterator[tuple[Node, Node]]:
        """The predicates and objects of a node, as written."""
        subject = to_oxigraph(node)  # type: ignore[arg-type]
        for quad in self.store.quads_for_pattern(subject, None, None):  # type: ignore[arg-type]
            for written in self.written.written(subject, quad.predicate, quad.object):  # type: ignore[arg-type]
                yield to_rdflib(quad.predicate), to_rdflib(written)

    # --- queries ---------------------------------------------------------------------------

    def _select(self, prefixes: dict[str, str], text: str) -> Iterator[ox.QuerySolution]:
        answer = self.store.query(sq.prologue(prefixes) + text, use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        return iter(answer)

    # --- shapes ----------------------------------------------------------------------------

    def _shape(self, shape: Shape, focus: Focus) -> Iterator[RawResult]:
        if shape.is_property:
            yield from self._property(shape, focus)
            return
        tests = [
            (parameter, rule, sq.one_test(self.shapes, shape, parameter, rule, "?v", self._classes))
            for parameter in VALUE_PARAMETERS
            for rule in shape.params.get(parameter, [])
        ]
        if tests:
            # The focus node is the value node of a node shape's value constraints.
            yield from self._value_tests(shape, focus, "BIND(?this AS ?v)", tests)
        for rule in shape.params.get(SH.hasValue, []):
            test = sq.one_test(self.shapes, shape, SH.hasValue, rule, "?this")
            query = f"SELECT ?this WHERE {{ {focus.pattern} FILTER(!({test})) }}"
            for row in self._select(focus.prefixes, query):
                yield self._core(shape, to_rdflib(row["this"]), None, SH.hasValue)
        for prop in shape.properties:
            if not prop.deactivated:
                yield from self._property(prop, focus)
        for constraint in shape.sparql:
            yield from self._sparql(shape, constraint, focus)

    def _core(
        self,
        shape: Shape,
        focus: Node,
        value: Node | None,
        parameter: URIRef,
        component: URIRef | None = None,
    ) -> RawResult:
        component = component or COMPONENTS[parameter]
        messages = tuple(shape.messages) or (Literal(_generic(component)),)
        return RawResult(focus, shape.path, value, component, shape, messages)

    def _retyped(self, shape: Shape) -> bool:
        """Whether the shape reads predicates whose literals the store keeps in another form."""
        if not self.written:
            return False
        touched = {p.value for p in self.written.predicates}
        paths = [shape.path, *shape.params.get(SH.lessThanOrEquals, [])]
        if isinstance(shape.path, URIRef) and all(isinstance(p, URIRef) for p in paths):
            return any(str(p) in touched for p in paths)
        text = sq.path_text(self.shapes, shape.path)  # type: ignore[arg-type]
        if any(f"<{p}>" in text for p in touched):
            raise shape.unsupported("a complex path through literals the store rewrites")
        return False

    def _property(self, shape: Shape, focus: Focus) -> Iterator[RawResult]:
        if self._retyped(shape):
            yield from self._property_in_python(shape, focus)
        else:
            yield from self._property_in_sparql(shape, focus)
        for constraint in shape.sparql:
            yield from self._sparql(shape, constraint, focus)

    def _property_in_sparql(self, shape: Shape, focus: Focus) -> Iterator[RawResult]:
        path = sq.path_text(self.shapes, shape.path)  # type: ignore[arg-type]
        params = shape.params
        if not self._has_values(shape):
            # No value anywhere: only the constraints that demand values can fail.
            yield from self._counted(shape, focus, path, only_demanding=True)
            return
        yield from self._counted(shape, focus, path, only_demanding=False)
        tests = [
            (parameter, rule, sq.one_test(self.shapes, shape, parameter, rule, "?v", self._classes))
            for parameter in VALUE_PARAMETERS
            for rule in params.get(parameter, [])
        ]
        if tests:
            yield from self._value_tests(shape, focus, f"?this {path} ?v", tests)
        yield from self._missing_values(shape, focus, path, params.get(SH.hasValue, []))
        if Literal(True) in params.get(SH.uniqueLang, []):
            query = (
                f"SELECT ?this ?lang WHERE {{ {focus.pattern} ?this {path} ?v "
                f'FILTER(isLiteral(?v) && LANG(?v) != "") BIND(LCASE(LANG(?v)) AS ?lang) }} '
                f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            for row in self._select(focus.prefixes, query):
                yield self._core(shape, to_rdflib(row["this"]), None, SH.uniqueLang)
        yield from self._qualified_counts(shape, focus, path)
        for other in params.get(SH.lessThanOrEquals, []):
            query = (
                f"SELECT DISTINCT ?this ?v ?o WHERE {{ {focus.pattern} ?this {path} ?v . "
                f"?this {sq.term(other)} ?o }}"
            )
            yield from self._less_or_equal(shape, self._select(focus.prefixes, query))

    def _has_values(self, shape: Shape) -> bool:
        """Whether the shape's path (a single predicate) has any value at all in the store; other
        paths are taken to have some. Answered once per predicate by a cheap ASK."""
        if not isinstance(shape.path, URIRef):
            return True
        found = self._predicates.get(shape.path)
        if found is None:
            answer = self.store.query(
                f"ASK {{ ?s {sq.term(shape.path)} ?o }}", use_default_graph_as_union=True
            )
            found = self._predicates[shape.path] = bool(answer)
        return found

    def _counted(
        self, shape: Shape, focus: Focus, path: str, *, only_demanding: bool
    ) -> Iterator[RawResult]:
        """sh:minCount and sh:maxCount; with `only_demanding` (the path has no value at all),
        sh:minCount, sh:hasValue and sh:qualifiedMinCount, the only ones that can fail then."""
        params = shape.params
        lows = [int(rule) for rule in params.get(SH.minCount, [])]  # type: ignore[call-overload]
        highs = [] if only_demanding else [int(str(rule)) for rule in params.get(SH.maxCount, [])]
        if lows and highs:
            yield from self._min_and_max(shape, focus, path, lows, highs)
        else:
            for limit in lows:
                if limit == 1:
                    query = (
                        f"SELECT ?this WHERE {{ {focus.pattern} "
                        f"FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
                    )
                elif limit > 1:
                    query = (
                        f"SELECT ?this WHERE {{ {focus.pattern} OPTIONAL {{ ?this {path} ?v }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {limit})"
                    )
                else:
                    continue
                for row in self._select(focus.prefixes, query):
                    yield self._core(shape, to_rdflib(row["this"]), None, SH.minCount)
            for limit in highs:
                query = (
                    f"SELECT ?this WHERE {{ {focus.pattern} ?this {path} ?v }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?v) > {limit})"
                )
                for row in self._select(focus.prefixes, query):
                    yield self._core(shape, to_rdflib(row["this"]), None, SH.maxCount)
        if only_demanding:
            required = params.get(SH.hasValue, [])
            yield from self._missing_values(shape, focus, path, required)
            yield from self._qualified_counts(shape, focus, path, only_demanding=True)

    def _min_and_max(
        self, shape: Shape, focus: Focus, path: str, lows: list[int], highs: list[int]
    ) -> Iterator[RawResult]:
        """sh:minCount and sh:maxCount from one count of each focus node's values."""
        query = (
            f"SELECT ?this ?n WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE "
            f"{{ {focus.pattern} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this }} "
            f"FILTER(?n < {max(lows)} || ?n > {min(highs)}) }}"
        )
        counts = [
            (to_rdflib(row["this"]), int(row["n"].value))
            for row in self._select(focus.prefixes, query)
        ]
        for limit in lows:
            for node, count in counts:
                if count < limit:
                    yield self._core(shape, node, None, SH.minCount)
        for limit in highs:
            for node, count in counts:
                if count > limit:
                    yield self._core(shape, node, None, SH.maxCount)

    def _value_tests(
        self,
        shape: Shape,
        focus: Focus,
        values: str,
        tests: list[tuple[URIRef, Node, str | None]],
    ) -> Iterator[RawResult]:
        """All value constraints of the shape in one pass over its values (`values` binds ?v
        for ?this): each test bound to a variable (unbound where the test errs, which
        FILTER(!(test)) would have dropped), the rows kept where some test is false; results
        in the order of the tests. A predicate with few triples is read whole, without the
        focus pattern, and its rows kept for the focus nodes."""
        binds = " ".join(f"BIND(({test}) AS ?ok{i})" for i, (_, _, test) in enumerate(tests))
        failing = " || ".join(f"(BOUND(?ok{i}) && !?ok{i})" for i in range(len(tests)))
        names = " ".join(f"?ok{i}" for i in range(len(tests)))
        scanned = shape.is_property and self._scannable(shape, focus)
        where = values if scanned else f"{focus.pattern} {values}"
        query = f"SELECT DISTINCT ?this ?v {names} WHERE {{ {where} {binds} FILTER({failing}) }}"
        found: list[list[tuple[Node, Node]]] = [[] for _ in tests]
        members = focus.members
        for row in self._select(focus.prefixes, query):
            if scanned and row["this"] not in members:
                continue
            for i in range(len(tests)):
                ok = row[f"ok{i}"]
                if ok is not None and ok.value == "false":
                    found[i].append((to_rdflib(row["this"]), to_rdflib(row["v"])))
        for (parameter, _, _), rows in zip(tests, found, strict=True):
            for node, value in rows:
                yield self._core(shape, node, value if shape.is_property else node, parameter)

    def _missing_values(
        self, shape: Shape, focus: Focus, path: str, values: list[Any]
    ) -> Iterator[RawResult]:
        """sh:hasValue: focus nodes whose path does not reach each required value."""
        for rule in values:
            query = (
                f"SELECT ?this WHERE {{ {focus.pattern} FILTER NOT EXISTS "
                f"{{ ?this {path} {sq.term(rule)} }} }}"
            )
            for row in self._select(focus.prefixes, query):
                yield self._core(shape, to_rdflib(row["this"]), None, SH.hasValue)

    def _qualified_counts(
        self, shape: Shape, focus: Focus, path: str, *, only_demanding: bool = False
    ) -> Iterator[RawResult]:
        """sh:qualifiedValueShape with its counts (with `only_demanding`, only when a
        sh:qualifiedMinCount above 0 can fail on nodes without values)."""
        qualified = shape.one(SH.qualifiedValueShape)
        if only_demanding and not int(str(shape.one(SH.qualifiedMinCount) or 0)):
            return
        if qualified is not None:
            inner = self.shapes.shape(qualified)
            test = sq.value_test(self.shapes, inner, "?v", classes=self._classes)
            query = (
                f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus.pattern} OPTIONAL "
                f"{{ ?this {path} ?v FILTER({test}) }} }} GROUP BY ?this"
            )
            low, high = shape.one(SH.qualifiedMinCount), shape.one(SH.qualifiedMaxCount)
            low_n = None if low is None else int(low)  # type: ignore[call-overload]
            high_n = None if high is None else int(high)  # type: ignore[call-overload]
            having = [
                f"?n < {low_n}" if low_n is not None else "",
                f"?n > {high_n}" if high_n is not None else "",
            ]
            condition = " || ".join(h for h in having if h) or "false"
            query = f"SELECT * WHERE {{ {{ {query} }} FILTER({condition}) }}"
            for row in self._select(focus.prefixes, query):
                yield from self._qualified(
                    shape, to_rdflib(row["this"]), int(row["n"].value), low_n, high_n
                )

    def _qualified(
        self, shape: Shape, focus: Node, count: int, low: int | None, high: int | None
    ) -> Iterator[RawResult]:
        if high is not None and count > high:
            yield self._core(
                shape, focus, None, SH.qualifiedValueShape, SH.QualifiedMaxCountConstraintComponent
            )
        if low is not None and count < low:
            yield self._core(
                shape, focus, None, SH.qualifiedValueShape, SH.QualifiedMinCountConstraintComponent
            )

    def _less_or_equal(self, shape: Shape, rows: Iterator[ox.QuerySolution]) -> Iterator[RawResult]:
        failing: dict[tuple[Any, Any], None] = {}
        for row in rows:
            value, other = to_rdflib(row["v"]), to_rdflib(row["o"])
            if not less_or_equal(value, other):
                failing[(to_rdflib(row["this"]), value)] = None
        for focus, value in failing:
            yield self._core(shape, focus, value, SH.lessThanOrEquals)

    # --- the same in Python, for predicates whose literals the store rewrote -----------------

    def _values(self, shape: Shape, focus: Focus, predicate: Node) -> dict[Subject, set[Term]]:
        """Focus node → its values for `predicate` as written, in pyoxigraph terms. A predicate
        with few triples is read whole once (for all shapes that read it), else joined with the
        focus nodes."""
        p = ox.NamedNode(str(predicate))
        written = self.written.written
        probe = Shape(shape.node, predicate, shape.severity, [])
        if self._scannable(probe, focus):
            every = self._scans.get(predicate)  # type: ignore[call-overload]
            if every is None:
                every = {}  # filled, then shared (another thread may read it meanwhile)
                for row in self._select({}, f"SELECT ?s ?v WHERE {{ ?s <{predicate}> ?v }}"):
                    subject, value = row[0], row[1]
                    found = every.get(subject)  # type: ignore[arg-type]
                    if found is None:
                        found = every[subject] = set()  # type: ignore[index]
                    found.update(written(subject, p, value))  # type: ignore[arg-type]
                self._scans[predicate] = every  # type: ignore[index]
            return {node: every.get(node, set()) for node in focus.nodes}
        query = f"SELECT ?this ?v WHERE {{ {focus.pattern} OPTIONAL {{ ?this <{predicate}> ?v }} }}"
        values: dict[Subject, set[Term]] = {}
        for row in self._select(focus.prefixes, query):
            subject, value = row[0], row[1]
            found = values.get(subject)  # type: ignore[arg-type]
            if found is None:
                found = values[subject] = set()  # type: ignore[index]
            if value is not None:
                found.update(written(subject, p, value))  # type: ignore[arg-type]
        return values

    def _rdf(self, term: Term) -> Node:
        """The rdflib form of a pyoxigraph term, made once per term."""
        converted = self._converted.get(term)
        if converted is None:
            converted = self._converted[term] = to_rdflib(term)
        return converted

    def _is_instance(self, node: Node, cls: Node) -> bool:
        key = (node, cls)
        if key not in self._instances:
            query = f"ASK {{ ?n {sq.RDF_TYPE}/{sq.SUBCLASS}* {sq.term(cls)} }}"
            answer = self.store.query(
                query,
                substitutions={ox.Variable("n"): to_oxigraph(node)},  # type: ignore[arg-type]
                use_default_graph_as_union=True,
            )
            self._instances[key] = bool(answer)
        return self._instances[key]

    def _property_in_python(self, shape: Shape, focus: Focus) -> Iterator[RawResult]:
        """The property shape's constraints in Python over the values as written, on
        pyoxigraph terms where `oxeval` decides (integer datatypes and comparisons), else on
        rdflib terms, each such test made once per distinct value."""
        values = self._values(shape, focus, shape.path)  # type: ignore[arg-type]
        params = shape.params
        rdf = self._rdf
        passes: dict[tuple[URIRef, Node, Term], bool] = {}

        def ok(parameter: URIRef, rule: Node, value: Term) -> bool:
            if parameter == SH.datatype:
                decided = oxeval.has_datatype(value, str(rule))
                if decided is not None:
                    return decided
            key = (parameter, rule, value)
            result = passes.get(key)
            if result is None:
                result = passes[key] = self._conforms_rule(shape, parameter, rule, rdf(value))
            return result

        tests = [(param, rule) for param in VALUE_PARAMETERS for rule in params.get(param, [])]
        min_counts = [int(rule) for rule in params.get(SH.minCount, [])]  # type: ignore[call-overload]
        max_counts = [int(rule) for rule in params.get(SH.maxCount, [])]  # type: ignore[call-overload]
        has_values = [(rule, to_oxigraph(rule)) for rule in params.get(SH.hasValue, [])]  # type: ignore[arg-type]
        unique_lang = Literal(True) in params.get(SH.uniqueLang, [])
        qualified = shape.one(SH.qualifiedValueShape)
        inner = self.shapes.shape(qualified) if qualified is not None else None
        low, high = shape.one(SH.qualifiedMinCount), shape.one(SH.qualifiedMaxCount)
        for subject, found in values.items():
            for limit in min_counts:
                if len(found) < limit:
                    yield self._core(shape, rdf(subject), None, SH.minCount)
            for limit in max_counts:
                if len(found) > limit:
                    yield self._core(shape, rdf(subject), None, SH.maxCount)
            for parameter, rule in tests:
                failing = [v for v in found if not ok(parameter, rule, v)]
                for value in sorted((rdf(v) for v in failing), key=lambda n: n.n3()):
                    yield self._core(shape, rdf(subject), value, parameter)
            for _, wanted in has_values:
                if wanted not in found:
                    yield self._core(shape, rdf(subject), None, SH.hasValue)
            if unique_lang:
                languages = [
                    v.language.lower() for v in found if type(v) is ox.Literal and v.language
                ]
                for _language in sorted({x for x in languages if languages.count(x) > 1}):
                    yield self._core(shape, rdf(subject), None, SH.uniqueLang)
            if inner is not None:
                count = sum(
                    1 for v in found if conforms(self.shapes, inner, rdf(v), self._is_instance)
                )
                yield from self._qualified(
                    shape,
                    rdf(subject),
                    count,
                    None if low is None else int(str(low)),
                    None if high is None else int(str(high)),
                )
        compared: dict[tuple[Term, Term], bool] = {}

        def at_most(value: Term, other: Term) -> bool:
            decided = oxeval.at_most(value, other)
            if decided is not None:
                return decided
            result = compared.get((value, other))
            if result is None:
                result = compared[(value, other)] = less_or_equal(rdf(value), rdf(other))
            return result

        for other in params.get(SH.lessThanOrEquals, []):
            others = self._values(shape, focus, other)
            for subject, found in values.items():
                bounds = others.get(subject, ())
                failing = [v for v in found if any(not at_most(v, o) for o in bounds)]
                for value in sorted((rdf(v) for v in failing), key=lambda n: n.n3()):
                    yield self._core(shape, rdf(subject), value, SH.lessThanOrEquals)

    def _conforms_rule(self, shape: Shape, parameter: URIRef, rule: Node, value: Node) -> bool:
        probe = Shape(shape.node, shape.path, shape.severity, [], params={parameter: [rule]})
        probe.params.update({k: v for k, v in shape.params.items() if k == SH.flags})
        return conforms(self.shapes, probe, value, self._is_instance)

    # --- SPARQL-based constraints ----------------------------------------------------------

    def _sparql(
        self, shape: Shape, constraint: SparqlConstraint, focus: Focus
    ) -> Iterator[RawResult]:
        query, projects_this = sq.batched_select(
            self.shapes, shape, constraint, focus.pattern, focus.prefixes
        )
        answer = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        names = [v.value for v in answer.variables]
        seen: set[tuple[object, ...]] = set()
        for row in answer:
            bound = {n: to_rdflib(row[n]) for n in names if row[n] is not None}
            if "failure" in bound:
                raise shape.unsupported("a SPARQL constraint reporting ?failure")
            f = bound["this"]
            t = bound.pop("this") if projects_this else (bound.pop("this") and None)
            p, v = bound.pop("path", None), bound.pop("value", None)
            if p is None and v is None and t is None:
                continue
            key = (f, t, p, v, tuple(sorted(bound.items())))
            if key in seen:
                continue
            seen.add(key)
            if v is None and not shape.is_property:
                v = f
            fills = {
                **bound,
                **({"this": t} if t is not None else {}),
                **({"path": p} if p is not None else {}),
                **({"value": v} if v is not None else {}),
            }
            messages = [
                *constraint.messages,
                *[m for m in shape.messages if m not in constraint.messages],
            ]
            texts = tuple(Literal(_fill(str(m), fills)) for m in messages)
            yield RawResult(
                t or f,
                p if p is not None else shape.path,
                v,
                SH.SPARQLConstraintComponent,
                shape,
                texts,
                constraint.node,
            )


def _fill(message: str, fills: Mapping[str, Node]) -> str:
    for name, value in fills.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def _generic(component: URIRef) -> str:
    name = str(component).rsplit("#", 1)[-1]
    return f"Value does not conform to {name}"


__all__ = ["RawResult", "StoreEngine"]
