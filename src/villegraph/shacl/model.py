"""The shapes graph read into shapes, targets and constraints (rdflib terms of the shapes graph).

Only what the store engine can evaluate is accepted: any other SHACL construct on a shape raises
`UnsupportedShape` naming the shape and the construct, never silently skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from villegraph.errors import InputError
from villegraph.namespaces import RDF, SH


class UnsupportedShape(InputError):
    """A shape uses a SHACL construct the store engine does not evaluate."""


VALUE_PARAMETERS = (
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    SH.languageIn,
    SH["in"],
    SH["or"],
    SH["and"],
    SH["not"],
)
"""Constraints checked on each value node on its own."""
COMPONENTS: dict[URIRef, URIRef] = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}
_IGNORED = frozenset(
    {
        SH.name,
        SH.description,
        SH.message,
        SH.severity,
        SH.deactivated,
        SH.order,
        SH.group,
        SH.defaultValue,
        SH.path,
        SH.property,
        SH.flags,
        SH.targetClass,
        SH.targetNode,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        SH.target,
        SH.qualifiedValueShape,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
        SH.qualifiedValueShapesDisjoint,
        SH.sparql,
        SH.prefixes,
        SH.declare,
    }
)
RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")
_NODE_KINDS = frozenset(
    {SH.IRI, SH.Literal, SH.BlankNode, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral, SH.IRIOrLiteral}
)


@dataclass(frozen=True)
class Target:
    """One target declaration: kind is class, node, subjectsOf, objectsOf or sparql."""

    kind: str
    term: Node
    query: str = ""
    prefixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SparqlConstraint:
    """A SPARQL-based constraint: its node, query text, prefixes and messages."""

    node: Node
    select: str
    prefixes: tuple[tuple[str, str], ...]
    messages: tuple[Literal, ...]


@dataclass
class Shape:
    """A node or property shape with its constraints (parameter → values)."""

    node: Node
    path: Node | None
    severity: URIRef
    messages: list[Literal]
    targets: list[Target] = field(default_factory=list)
    params: dict[URIRef, list[Node]] = field(default_factory=dict)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    deactivated: bool = False
    label: str = ""
    """How errors name the shape: its IRI, or for a blank node its path and named owner."""

    @property
    def is_property(self) -> bool:
        return self.path is not None

    def one(self, parameter: URIRef) -> Node | None:
        values = self.params.get(parameter, [])
        return values[0] if values else None

    def unsupported(self, construct: str) -> UnsupportedShape:
        name = self.label or self.node.n3()
        return UnsupportedShape(f"shape {name}: {construct} is not supported by the store engine")


class ShapesGraph:
    """The shapes of a shapes graph, each read once."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._shapes: dict[Node, Shape] = {}

    def targeted(self) -> list[Shape]:
        """The shapes with targets, in a stable order."""
        nodes: set[Node] = set()
        for prop in (
            SH.targetClass,
            SH.targetNode,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.target,
        ):
            nodes.update(self.graph.subjects(prop, None))
        nodes.update(
            s
            for s in self.graph.subjects(RDF.type, SH.NodeShape)
            if (s, RDF.type, RDFS_CLASS) in self.graph
        )
        shapes = [self.shape(n) for n in sorted(nodes, key=lambda n: n.n3())]
        return [s for s in shapes if not s.deactivated]

    def shape(self, node: Node) -> Shape:
        """The shape described at `node`."""
        found = self._shapes.get(node)
        if found is None:
            found = self._shapes[node] = self._read(node)
        return found

    def items(self, head: Node) -> list[Node]:
        return list(Collection(self.graph, head))  # type: ignore[arg-type]

    def _read(self, node: Node) -> Shape:
        g = self.graph
        severity = g.value(node, SH.severity) or SH.Violation
        messages = [m for m in g.objects(node, SH.message) if isinstance(m, Literal)]
        shape = Shape(node, g.value(node, SH.path), severity, messages)  # type: ignore[arg-type]
        shape.deactivated = g.value(node, SH.deactivated) == Literal(True)
        shape.label = self._label(node)
        self._shapes[node] = shape
        for prop, value in sorted(
            g.predicate_objects(node), key=lambda pv: (pv[0].n3(), pv[1].n3())
        ):
            if not str(prop).startswith(str(SH)):
                continue
            if prop in COMPONENTS and prop != SH.sparql:
                shape.params.setdefault(prop, []).append(value)  # type: ignore[arg-type]
            elif prop not in _IGNORED:
                raise shape.unsupported(f"sh:{str(prop)[len(str(SH)) :]}")
        self._check(shape)
        shape.targets = self._targets(shape)
        shape.properties = [
            self.shape(p) for p in sorted(g.objects(node, SH.property), key=lambda n: n.n3())
        ]
        shape.sparql = [
            self._sparql(shape, c) for c in sorted(g.objects(node, SH.sparql), key=lambda n: n.n3())
        ]
        qualified = g.value(node, SH.qualifiedValueShape)
        if qualified is not None:
            if g.value(node, SH.qualifiedValueShapesDisjoint) == Literal(True):
                raise shape.unsupported("sh:qualifiedValueShapesDisjoint true")
            shape.params[SH.qualifiedValueShape] = [qualified]  # type: ignore[list-item]
            for prop in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
                if g.value(node, prop) is not None:
                    shape.params[prop] = [g.value(node, prop)]  # type: ignore[list-item]
            self.nested(qualified, shape)
        for prop in (SH["or"], SH["and"]):
            for head in shape.params.get(prop, []):
                for inner in self.items(head):
                    self.nested(inner, shape)
        for inner in shape.params.get(SH["not"], []):
            self.nested(inner, shape)
        return shape

    def _label(self, node: Node) -> str:
        if not isinstance(node, BNode):
            return node.n3()
        path = self.graph.value(node, SH.path)
        owner = next(
            (s for p in (SH.property, SH.node, SH["not"]) for s in self.graph.subjects(p, node)),
            None,
        )
        where = f" of {self._label(owner)}" if owner is not None and owner != node else ""
        return f"[{'sh:path ' + path.n3() if path is not None else node.n3()}]{where}"

    def nested(self, node: Node, owner: Shape) -> Shape:
        """A shape used inside sh:or/sh:and/sh:not/sh:qualifiedValueShape: value checks only."""
        inner = self.shape(node)
        if inner.properties or inner.sparql or inner.is_property:
            raise owner.unsupported("a nested shape with property shapes, paths or SPARQL")
        extra = set(inner.params) - set(VALUE_PARAMETERS) - {SH.hasValue}
        if extra:
            names = ", ".join(sorted(f"sh:{p[len(str(SH)) :]}" for p in extra))
            raise owner.unsupported(f"{names} in a nested shape")
        return inner

    def _check(self, shape: Shape) -> None:
        for kind in shape.params.get(SH.nodeKind, []):
            if kind not in _NODE_KINDS:
                raise shape.unsupported(f"sh:nodeKind {kind.n3()}")
        if not shape.is_property:
            for prop in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.lessThanOrEquals):
                if prop in shape.params:
                    raise shape.unsupported(f"sh:{prop[len(str(SH)) :]} on a node shape")
        for value in shape.params.get(SH.datatype, []) + shape.params.get(SH["class"], []):
            if not isinstance(value, URIRef):
                raise shape.unsupported("a sh:datatype or sh:class that is not an IRI")

    def _targets(self, shape: Shape) -> list[Target]:
        g, node = self.graph, shape.node
        targets = [Target("class", c) for c in g.objects(node, SH.targetClass)]
        targets += [Target("node", n) for n in g.objects(node, SH.targetNode)]
        targets += [Target("subjectsOf", p) for p in g.objects(node, SH.targetSubjectsOf)]
        targets += [Target("objectsOf", p) for p in g.objects(node, SH.targetObjectsOf)]
        for target in g.objects(node, SH.target):
            select = g.value(target, SH.select)
            if select is None or (target, RDF.type, SH.SPARQLTarget) not in g:
                raise shape.unsupported("a sh:target that is not a sh:SPARQLTarget with sh:select")
            targets.append(Target("sparql", target, str(select), self.prefixes(target)))
        if (node, RDF.type, RDFS_CLASS) in g:
            targets.append(Target("class", node))
        return sorted(set(targets), key=lambda t: (t.kind, t.term.n3()))

    def _sparql(self, shape: Shape, node: Node) -> SparqlConstraint:
        g = self.graph
        select = g.value(node, SH.select)
        if select is None:
            raise shape.unsupported("a sh:sparql constraint without sh:select")
        if g.value(node, SH.deactivated) == Literal(True):
            raise shape.unsupported("a deactivated sh:sparql constraint")
        messages = tuple(m for m in g.objects(node, SH.message) if isinstance(m, Literal))
        return SparqlConstraint(node, str(select), self.prefixes(node), messages)

    def prefixes(self, node: Node) -> tuple[tuple[str, str], ...]:
        """The prefixes declared (sh:declare) by the sh:prefixes values of `node`."""
        g, found = self.graph, {}
        for holder in g.objects(node, SH.prefixes):
            for declaration in g.objects(holder, SH.declare):
                prefix, namespace = (
                    g.value(declaration, SH.prefix),
                    g.value(declaration, SH.namespace),
                )
                if prefix is None or namespace is None:
                    raise UnsupportedShape(
                        f"{holder.n3()}: a sh:declare needs sh:prefix and sh:namespace"
                    )
                found[str(prefix)] = str(namespace)
        return tuple(sorted(found.items()))


def is_blank(node: Node | None) -> bool:
    return isinstance(node, BNode)


__all__ = ["COMPONENTS", "Shape", "ShapesGraph", "SparqlConstraint", "Target", "UnsupportedShape"]
