"""SHACL validation of the villegraph graph against `ontology/shapes.ttl`.

Two engines give the same report. `store` (the default) evaluates the shapes on a pyoxigraph
store with SPARQL (`villegraph.shacl`), without an rdflib copy of the data. `pyshacl` is the
reference, described below.

Violations are structural errors (the data does not conform); warnings and infos are
consistency remarks that never make the data non-conforming. pyshacl runs with SPARQL-based
constraints and targets enabled (`advanced`), no inference, no JavaScript and no owl:imports;
the shapes state every type they need, so the data graph is validated as it is, without being
copied. The shapes' SPARQL queries are answered by Oxigraph (see `_OxigraphSparqlView`), the
core constraints by pyshacl over the rdflib graph.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Node, Variable
from rdflib.util import from_n3

from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.namespaces import DCTERMS, FOAF, PREFIXES, RDF, RDFS, SH, SKOS
from villegraph.shacl import WrittenForms
from villegraph.shacl import validate_store as shacl_validate_store
from villegraph.shacl.paths import NotAPath, write_path
from villegraph.terms import to_oxigraph, to_rdflib

SHAPES_FILE = "shapes.ttl"
SHAPES_NS = "https://w3id.org/villegraph/shapes#"
SEVERITY_NAMES: dict[URIRef, str] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
SEVERITY_ORDER = ("Violation", "Warning", "Info")
LABEL_PROPERTIES = (RDFS.label, FOAF.name, SKOS.prefLabel, DCTERMS.title)
_PLURALS = {"Violation": "violations", "Warning": "warnings", "Info": "infos"}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with the focus node's label looked up in the data.

    `path` is the result path as a SPARQL property path with prefixed names (`foaf:name`,
    `^org:member`); `shape` is the named shape responsible: the source shape when it has an
    IRI, else the named shape that declares it (an inline property shape's node shape).
    """

    severity: str
    focus: Identifier
    focus_label: str | None
    path: str | None
    value: Identifier | None
    message: str
    shape: Identifier | None

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready dict; terms in N-Triples syntax so that `from_dict` restores them."""
        return {
            "severity": self.severity,
            "focus": self.focus.n3(),
            "focus_label": self.focus_label,
            "path": self.path,
            "value": None if self.value is None else self.value.n3(),
            "message": self.message,
            "shape": None if self.shape is None else self.shape.n3(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ValidationResult:
        """The inverse of `to_dict`."""

        def term(text: str | None) -> Identifier | None:
            return None if text is None else from_n3(text)  # type: ignore[return-value]

        focus = term(data["focus"])
        if focus is None:
            raise InputError("a validation result needs a focus node")
        return cls(
            severity=data["severity"],
            focus=focus,
            focus_label=data.get("focus_label"),
            path=data.get("path"),
            value=term(data.get("value")),
            message=data["message"],
            shape=term(data.get("shape")),
        )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: results sorted by severity, and pyshacl's report graph."""

    conforms: bool
    results: list[ValidationResult]
    graph: Graph = field(compare=False, repr=False)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def infos(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Info"]

    def summary(self) -> str:
        """One line: conforms or not, with the counts."""
        verdict = "conforms" if self.conforms else "does not conform"
        counts = ", ".join(
            f"{len(self._of(severity))} {_PLURALS[severity]}" for severity in SEVERITY_ORDER
        )
        return f"{verdict} ({counts})"

    def to_text(self) -> str:
        """A human-readable report, grouped by severity, violations first."""
        lines = [f"SHACL validation: {self.summary()}"]
        for severity in SEVERITY_ORDER:
            results = self._of(severity)
            if not results:
                continue
            lines += ["", f"{_PLURALS[severity].capitalize()} ({len(results)}):"]
            for result in results:
                lines += _result_lines(result)
        return "\n".join(lines) + "\n"

    def to_json(self) -> list[dict[str, str | None]]:
        """The results as a list of JSON-ready dicts (see `ValidationResult.to_dict`)."""
        return [result.to_dict() for result in self.results]

    def to_turtle(self) -> str:
        """pyshacl's report graph in Turtle, with the project's prefixes."""
        for prefix, namespace in {**PREFIXES, "vg-shapes": SHAPES_NS}.items():
            self.graph.bind(prefix, namespace, override=True, replace=True)
        return self.graph.serialize(format="turtle")

    def _of(self, severity: str) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == severity]


def load_shapes(settings: Settings) -> Graph:
    """The shapes graph, parsed from `settings.ontology_dir / "shapes.ttl"`."""
    path = Path(settings.ontology_dir or ".") / SHAPES_FILE
    if not path.is_file():
        raise InputError("shapes file not found", path)
    return _parse_rdflib(path)


ENGINES = ("store", "pyshacl")


def validate(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None = None,
    *,
    sparql_store: ox.Store | None = None,
    engine: str = "store",
) -> ValidationReport:
    """Validate `data` (the union of all graphs) against `shapes` with `engine`.

    `ontology` is mixed into a copy of the data only when its rdfs:subClassOf axioms are not
    already in `data` (the build passes the union, which holds the ontology graph).
    `sparql_store`, a pyoxigraph Store holding the same triples in any graphs, answers the
    shapes' SPARQL queries (and, for the store engine, everything); without it, one is filled
    from `data`.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r} (one of {', '.join(ENGINES)})")
    if type(data) is not Graph:  # a Dataset or ConjunctiveGraph: validate the union of its graphs
        data = _union(data)
    mix_ontology = ontology is not None and not _holds_hierarchy(data, ontology)
    if engine == "store":
        triples = _oxigraph_triples(data, ontology if mix_ontology else None)
        if sparql_store is None:
            sparql_store = ox.Store()
            sparql_store.extend(ox.Quad(s, p, o) for s, p, o in triples)
        return validate_store(sparql_store, shapes, WrittenForms.from_triples(triples))
    return _validate_pyshacl(data, shapes, ontology if mix_ontology else None, sparql_store)


def validate_store(
    store: ox.Store, shapes: Graph, written: Any = None, threads: int = 1
) -> ValidationReport:
    """Validate the union of the graphs of a pyoxigraph store with the store engine.

    `written` (a `villegraph.shacl.WrittenForms`) gives the literals as written where the
    store keeps another form, e.g. `"5"^^xsd:positiveInteger` stored as an xsd:integer;
    `threads` shapes are evaluated side by side (the same report for any number).
    """
    try:
        report_graph = shacl_validate_store(store, shapes, written, threads)
    except SyntaxError as error:
        reason = " ".join(str(error).split())
        raise InputError(f"a SPARQL query of the shapes does not parse: {reason}") from None
    _tag_message_languages(report_graph, shapes)
    focus_nodes = set(report_graph.objects(None, SH.focusNode))
    results = _results(report_graph, _store_labels(store, focus_nodes).get, shapes)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=report_graph)


def _validate_pyshacl(
    data: Graph, shapes: Graph, ontology: Graph | None, sparql_store: ox.Store | None
) -> ValidationReport:
    """The reference: pyshacl, its SPARQL answered by Oxigraph (see `_OxigraphSparqlView`)."""
    from pyshacl import validate as pyshacl_validate
    from pyshacl.errors import ReportableRuntimeError

    mix_ontology = ontology is not None
    if sparql_store is None:
        sparql_store = _oxigraph_copy(data, ontology if mix_ontology else None)
    try:
        with _batched_property_shapes():
            _, report_graph, _ = pyshacl_validate(
                _OxigraphSparqlView(data, sparql_store),
                shacl_graph=shapes,
                ont_graph=ontology if mix_ontology else None,
                inference="none",
                advanced=True,
                js=False,
                do_owl_imports=False,
                allow_infos=True,
                allow_warnings=True,
                # Nothing is written into the data graph (the shapes hold no sh:rule), so it is
                # validated in place rather than copied, unless the ontology has to be mixed in.
                inplace=not mix_ontology,
            )
    except ReportableRuntimeError as error:
        reason = " ".join(str(error.message).split())
        raise InputError(f"the shapes cannot be used: {reason}") from None
    _tag_message_languages(report_graph, shapes)
    results = _results(report_graph, lambda node: _label(data, node), shapes)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=report_graph)


def validate_files(
    paths: Sequence[Path | str], settings: Settings, *, engine: str = "store"
) -> ValidationReport:
    """Validate RDF files, together with the ontology and the thesaurus so that classes resolve."""
    from villegraph.load import parse_file

    ontology_dir = Path(settings.ontology_dir or ".")
    extra = [ontology_dir / name for name in ("villegraph.ttl", "themes.ttl")]
    files = list(dict.fromkeys([Path(p) for p in paths] + [p for p in extra if p.is_file()]))
    data = Graph()
    for path in files:
        for s, p, o in parse_file(path, settings.base_iri):
            data.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return validate(data, load_shapes(settings), engine=engine)


_PATCH_LOCK = threading.Lock()


@contextmanager
def _batched_property_shapes() -> Iterator[None]:
    """Let pyshacl validate each property shape once for all its value nodes.

    pyshacl (0.40) validates a property shape once per value node, building its constraint
    components anew each time; on a large graph that overhead is most of the validation time.
    Shape.validate accepts a list of focus nodes, so the property shape is validated once for
    all of them: the same results (each names its own focus node), without duplicates. This
    deliberately replaces one pyshacl method for the duration of a validation, under a lock.
    pyshacl is pinned to the releases this was written for (pyproject.toml); should another one
    be installed anyway, with a different method, validation stops with a clear error rather than
    silently running a different code path.
    """
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    original = PropertyConstraintComponent.__dict__.get("_evaluate_property_shape")
    expected = ["self", "executor", "prop_shape", "target_graph", "focus_value_nodes",
                "potentially_recursive", "_evaluation_path"]  # fmt: skip
    if original is None or list(inspect.signature(original).parameters) != expected:
        from pyshacl import __version__ as found

        raise RuntimeError(
            f"pyshacl {found} is installed; villegraph's validation was written for pyshacl "
            "0.40 (install 'pyshacl>=0.40.1,<0.41')"
        )

    def batched(
        self: Any,
        executor: Any,
        prop_shape: Node,
        target_graph: Graph,
        focus_value_nodes: dict[Node, set[Node]],
        potentially_recursive: Any,
        _evaluation_path: list[Any],
    ) -> tuple[bool, list[Any]]:
        shape = self.shape.get_other_shape(prop_shape)
        if (
            not shape
            or not shape.is_property_shape
            or (potentially_recursive and shape in potentially_recursive)
        ):  # pyshacl's own code warns or raises
            return original(  # type: ignore[no-any-return]
                self, executor, prop_shape, target_graph, focus_value_nodes,
                potentially_recursive, _evaluation_path,
            )  # fmt: skip
        nodes = list(dict.fromkeys(v for values in focus_value_nodes.values() for v in values))
        if not nodes:
            return False, []
        conforms, reports = shape.validate(
            executor, target_graph, focus=nodes, _evaluation_path=_evaluation_path[:]
        )
        return (not conforms), reports

    with _PATCH_LOCK:
        PropertyConstraintComponent._evaluate_property_shape = batched  # type: ignore[method-assign]
        try:
            yield
        finally:
            PropertyConstraintComponent._evaluate_property_shape = original  # type: ignore[method-assign]


class _OxigraphSparqlView(Graph):
    """A view of an rdflib graph (same store, nothing copied) whose SPARQL runs in Oxigraph.

    pyshacl evaluates a SPARQL-based constraint once per focus node, with the focus node as an
    initial binding. rdflib parses the query text each time and evaluates it slowly; Oxigraph
    answers the same query, with the binding as a substitution, over a store that holds the
    same triples (in any graphs: its default graph is taken as their union). Core constraints
    still read the rdflib graph.
    """

    def __init__(self, graph: Graph, oxigraph: ox.Store) -> None:
        super().__init__(
            store=graph.store,
            identifier=graph.identifier,
            namespace_manager=graph.namespace_manager,
        )
        self._oxigraph = oxigraph

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if not isinstance(query_object, str) or initNs:
            return super().query(
                query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
            )
        substitutions: dict[ox.Variable, Any] = {
            ox.Variable(name): to_oxigraph(term) for name, term in (initBindings or {}).items()
        }
        try:
            answer = self._oxigraph.query(
                query_object,
                substitutions=substitutions or None,
                use_default_graph_as_union=True,
            )
        except SyntaxError as error:
            reason = " ".join(str(error).split())
            raise InputError(f"a SPARQL query of the shapes does not parse: {reason}") from None
        return _as_rdflib_result(answer)


def _as_rdflib_result(answer: object) -> Result:
    """An rdflib Result for a pyoxigraph SELECT or ASK answer."""
    if isinstance(answer, ox.QueryBoolean):
        boolean = Result("ASK")
        boolean.askAnswer = bool(answer)
        return boolean
    if not isinstance(answer, ox.QuerySolutions):
        raise InputError("the shapes' SPARQL queries must be SELECT or ASK queries")
    names = [variable.value for variable in answer.variables]
    variables = [Variable(name) for name in names]
    rows = []
    for solution in answer:
        row = {}
        for name, variable in zip(names, variables, strict=True):
            term = solution[name]
            if term is not None:
                row[variable] = to_rdflib(term)
        rows.append(row)
    select = Result("SELECT")
    select.vars = variables
    select.bindings = rows  # type: ignore[assignment]
    return select


def _oxigraph_copy(*graphs: Graph | None) -> ox.Store:
    """An in-memory Oxigraph store holding the triples of rdflib graphs (None ones skipped)."""
    store = ox.Store()
    store.extend(ox.Quad(s, p, o) for s, p, o in _oxigraph_triples(*graphs))
    return store


def _oxigraph_triples(*graphs: Graph | None) -> list[tuple[Any, Any, Any]]:
    """The triples of rdflib graphs (None ones skipped) as pyoxigraph terms."""
    converted: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def convert(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = converted.get(term)
        if found is None:
            found = converted[term] = to_oxigraph(term)  # type: ignore[arg-type]
        return found

    return [
        (convert(s), convert(p), convert(o))
        for graph in graphs
        if graph is not None
        for s, p, o in graph
    ]


def _union(graph: Graph) -> Graph:
    """A plain Graph holding every triple of `graph` (for datasets: of all their graphs)."""
    union = Graph()
    if hasattr(graph, "quads"):  # Dataset, ConjunctiveGraph
        union.addN((s, p, o, union) for s, p, o, _ in graph.quads((None, None, None, None)))
    else:
        union.addN((s, p, o, union) for s, p, o in graph)
    return union


def _parse_rdflib(path: Path) -> Graph:
    """Parse a Turtle file with rdflib; a syntax error becomes an InputError with line:column."""
    from rdflib.plugins.parsers.notation3 import BadSyntax

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read: {error}", path) from None
    try:
        return Graph().parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        offset = min(error._i, len(text))  # the character offset rdflib stopped at
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise InputError(f"Turtle syntax error: {error._why}", path, line, column) from None


def _holds_hierarchy(data: Graph, ontology: Graph) -> bool:
    """Whether every rdfs:subClassOf axiom of the ontology is already in the data graph."""
    return all(triple in data for triple in ontology.triples((None, RDFS.subClassOf, None)))


def _tag_message_languages(report: Graph, shapes: Graph) -> None:
    """Give each result message the language of the `sh:message` template it was made from.

    pyshacl fills a template's `{?var}` slots and drops its language tag; a shape with messages
    in French and English then gives two plain messages. Each is matched against the templates
    of its source constraint and shape, and retagged with the first one that fits.
    """
    for node in list(report.subjects(RDF.type, SH.ValidationResult)):
        templates = []
        for source in (report.value(node, SH.sourceConstraint), report.value(node, SH.sourceShape)):
            if source is not None:
                templates += [
                    m for g in (report, shapes) for m in g.objects(source, SH.message)
                    if isinstance(m, Literal) and m.language
                ]  # fmt: skip
        for message in list(report.objects(node, SH.resultMessage)):
            if not isinstance(message, Literal) or message.language:
                continue
            language = next((t.language for t in templates if _fits(t, str(message))), None)
            if language:
                report.remove((node, SH.resultMessage, message))
                report.add((node, SH.resultMessage, Literal(str(message), lang=language)))


def _fits(template: Literal, message: str) -> bool:
    """Whether `message` is `template` with its `{?var}` / `{$var}` slots filled."""
    parts = re.split(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}", str(template))
    return re.fullmatch("(?s)" + ".*".join(re.escape(part) for part in parts), message) is not None


def _store_labels(store: ox.Store, nodes: set[Node]) -> dict[Node, str]:
    """The label `_label` would pick for each node, read from a pyoxigraph store."""
    found: dict[Node, list[tuple[int, Literal]]] = {}
    named = [n for n in nodes if isinstance(n, URIRef)]
    for start in range(0, len(named), 500):
        values = " ".join(f"<{n}>" for n in named[start : start + 500])
        props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
        query = (
            f"SELECT ?n ?p ?l WHERE {{ VALUES ?n {{ {values} }} VALUES ?p {{ {props} }} "
            "?n ?p ?l FILTER(isLiteral(?l)) }"
        )
        for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            rank = LABEL_PROPERTIES.index(URIRef(row["p"].value))
            found.setdefault(to_rdflib(row["n"]), []).append((rank, to_rdflib(row["l"])))  # type: ignore[arg-type]
    preference = {None: 0, "en": 1, "fr": 2}
    labels = {}
    for node, candidates in found.items():
        first = min(rank for rank, _ in candidates)
        best = min(
            (label for rank, label in candidates if rank == first),
            key=lambda o: (preference.get(o.language, 3), str(o)),
        )
        labels[node] = str(best)
    return labels


def _results(
    report: Graph, label: Callable[[Node], str | None], shapes: Graph
) -> list[ValidationResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        found = report.value(node, SH.resultSeverity)
        severity = SEVERITY_NAMES.get(URIRef(str(found)), "Violation") if found else "Violation"
        focus = report.value(node, SH.focusNode)
        path = report.value(node, SH.resultPath)
        results.append(
            ValidationResult(
                severity=severity,
                focus=focus,  # type: ignore[arg-type]
                focus_label=label(focus),  # type: ignore[arg-type]
                path=None if path is None else _path_text(report, path),
                value=report.value(node, SH.value),  # type: ignore[arg-type]
                message=_message(report, node),
                shape=_named_shape(shapes, report.value(node, SH.sourceShape)),
            )
        )
    rank = {name: index for index, name in enumerate(SEVERITY_ORDER)}
    return sorted(
        results,
        key=lambda r: (
            rank[r.severity],
            r.focus_label or "",
            str(r.focus),
            r.path or "",
            r.message,
            "" if r.value is None else r.value.n3(),
        ),
    )


def _named_shape(shapes: Graph, shape: Node | None) -> Identifier | None:
    """The shape itself if it has an IRI, else the named shape that declares it (sh:property)."""
    seen: set[Node] = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = next(shapes.subjects(SH.property, shape), None) or next(
            shapes.subjects(SH.node, shape), None
        )
        if parent is None:
            break
        shape = parent
    return shape  # type: ignore[return-value]


def _label(data: Graph, node: Node | None) -> str | None:
    """The focus node's name: rdfs:label, foaf:name, skos:prefLabel or dcterms:title.

    A plain label wins, then English, then French, then any other language.
    """
    if node is None:
        return None
    preference = {None: 0, "en": 1, "fr": 2}
    for prop in LABEL_PROPERTIES:
        labels = [o for o in data.objects(node, prop) if isinstance(o, Literal)]
        if labels:
            best = min(labels, key=lambda o: (preference.get(o.language, 3), str(o)))
            return str(best)
    return None


def _message(report: Graph, node: Node) -> str:
    """The English result message if there is one, else any, else the constraint component."""
    messages = [m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)]
    if messages:
        messages.sort(key=lambda m: (m.language not in ("en", None), str(m)))
        return str(messages[0])
    component = report.value(node, SH.sourceConstraintComponent)
    return f"fails {_compact(component)}" if component is not None else "fails a constraint"


def _path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path written as a SPARQL property path with prefixed names."""
    try:
        return write_path(graph, path, lambda iri: iri.n3(_NAMESPACES), outermost=True)
    except NotAPath:
        return str(path)


def _namespace_manager() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in {**PREFIXES, "vg-shapes": SHAPES_NS}.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    return manager


_NAMESPACES = _namespace_manager()


def _compact(term: Node | None) -> str:
    """A term in prefixed form where a project prefix fits, else in N-Triples form."""
    if term is None:
        return "-"
    if isinstance(term, URIRef | BNode | Literal):
        return term.n3(_NAMESPACES)
    return str(term)


def _result_lines(result: ValidationResult) -> list[str]:
    focus = _compact(result.focus)
    head = f"{result.focus_label} ({focus})" if result.focus_label else focus
    lines = [f"  [{result.severity}] {head}"]
    if result.path:
        lines.append(f"      path:    {result.path}")
    lines.append(f"      message: {result.message}")
    if result.value is not None:
        lines.append(f"      value:   {_compact(result.value)}")
    if result.shape is not None and not isinstance(result.shape, BNode):
        lines.append(f"      shape:   {_compact(result.shape)}")
    return lines


__all__ = [
    "ENGINES",
    "SHAPES_FILE",
    "SHAPES_NS",
    "ValidationReport",
    "ValidationResult",
    "load_shapes",
    "validate",
    "validate_files",
    "validate_store",
]
