"""SHACL constraints as SPARQL text: paths, focus-node patterns, value tests, SPARQL constraints.

Every query binds `?this` (the focus node); value tests are expressions over one variable. The
SPARQL-based constraints (sh:select) are batched: the focus-node pattern is put at the start of
the query's outer group, which binds `$this` for the whole group as pre-binding does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from villegraph.lexer import Token, tokens
from villegraph.namespaces import SH
from villegraph.shacl.model import Shape, ShapesGraph, SparqlConstraint, Target, UnsupportedShape
from villegraph.shacl.paths import NotAPath, write_path

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
XSD_STRING = "<http://www.w3.org/2001/XMLSchema#string>"
LANG_STRING = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
Classes = Callable[[Node], list[str] | None]
"""A class → it and its subclasses (`rdfs:subClassOf*` in the data) in SPARQL syntax, or None
where they cannot be listed (a blank-node subclass)."""


def term(node: Node) -> str:
    """A term in SPARQL syntax."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"a blank node ({node.n3()}) cannot be written in a query")


def path_text(shapes: ShapesGraph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path (IRIs in full)."""
    try:
        return write_path(shapes.graph, path, lambda iri: f"<{iri}>")
    except NotAPath as error:
        raise UnsupportedShape(str(error)) from None


def focus_pattern(shape: Shape, classes: Classes | None = None) -> tuple[str, dict[str, str]]:
    """A group pattern binding `?this` to each focus node of `shape` once, and its prefixes.
    With `classes`, a class target names the class and its subclasses instead of a path."""
    parts: list[str] = []
    prefixes: dict[str, str] = {}
    for target in shape.targets:
        parts.append(_target_pattern(target, classes))
        for prefix, namespace in target.prefixes:
            if prefixes.setdefault(prefix, namespace) != namespace:
                raise shape.unsupported(f"two namespaces for the prefix {prefix}:")
    if not parts:
        raise shape.unsupported("a shape without targets at the top level")
    union = " UNION ".join("{ " + part + " }" for part in parts)
    return "{ SELECT DISTINCT ?this WHERE { " + union + " } }", prefixes


def _target_pattern(target: Target, classes: Classes | None) -> str:
    if target.kind == "class":
        listed = classes(target.term) if classes is not None else None
        if listed is None:
            return f"?this {RDF_TYPE}/{SUBCLASS}* {term(target.term)} ."
        if len(listed) == 1:
            return f"?this {RDF_TYPE} {listed[0]} ."
        return f"VALUES ?_class {{ {' '.join(listed)} }} ?this {RDF_TYPE} ?_class ."
    if target.kind == "node":
        return f"VALUES ?this {{ {term(target.term)} }}"
    if target.kind == "subjectsOf":
        return f"?this {term(target.term)} [] ."
    if target.kind == "objectsOf":
        return f"[] {term(target.term)} ?this ."
    return "{ " + target.query + " }"


def _class_filter(var: str, cls: Node, classes: Classes | None) -> str:
    """A pattern keeping the types in `var` that are `cls` or one of its subclasses."""
    listed = classes(cls) if classes is not None else None
    if listed is None:
        return f"{var} {SUBCLASS}* {term(cls)} ."
    return f"FILTER({var} IN ({', '.join(listed)}))"


def value_test(
    shapes: ShapesGraph,
    shape: Shape,
    var: str,
    only: URIRef | None = None,
    classes: Classes | None = None,
) -> str:
    """A SPARQL expression true when the node in `var` passes the value constraints of `shape`
    (or only those of the parameter `only`); `classes` as for `one_test`."""
    tests = []
    for parameter, values in shape.params.items():
        if only is not None and parameter != only:
            continue
        for value in values:
            test = one_test(shapes, shape, parameter, value, var, classes)
            if test is not None:
                tests.append(test)
    return " && ".join(f"({t})" for t in tests) or "true"


def one_test(
    shapes: ShapesGraph,
    shape: Shape,
    parameter: URIRef,
    value: Node,
    var: str,
    classes: Classes | None = None,
) -> str | None:
    """The SPARQL expression of one constraint on the node in `var`. With `classes`, sh:class
    looks the node's types up among the class and its subclasses (one lookup per value)
    instead of following `rdfs:subClassOf*` from each value."""
    if parameter == SH.datatype:
        if value == LANG_STRING:
            return f'isLiteral({var}) && LANG({var}) != ""'
        return f"isLiteral({var}) && DATATYPE({var}) = {term(value)}" + (
            f' && LANG({var}) = ""' if term(value) == XSD_STRING else ""
        )
    if parameter == SH["class"]:
        if classes is None:
            return f"EXISTS {{ {var} {RDF_TYPE}/{SUBCLASS}* {term(value)} }}"
        found = _class_filter("?_class", value, classes)
        return f"EXISTS {{ {var} {RDF_TYPE} ?_class . {found} }}"
    if parameter == SH.nodeKind:
        return _NODE_KIND_TESTS[URIRef(str(value))].format(v=var)
    if parameter == SH.pattern:
        flags = shape.one(SH.flags)
        kept = "".join(f for f in "im" if flags is not None and f in str(flags).lower())
        return (
            f"!isBlank({var}) && REGEX(STR({var}), {Literal(str(value)).n3()}"
            + (f', "{kept}"' if kept else "")
            + ")"
        )
    if parameter in (SH.minLength, SH.maxLength):
        limit = int(value)  # type: ignore[call-overload]
        if parameter == SH.minLength:
            return "true" if limit == 0 else f"!isBlank({var}) && STRLEN(STR({var})) >= {limit}"
        return f"!isBlank({var}) && STRLEN(STR({var})) <= {limit}"
    if parameter == SH.languageIn:
        languages = [str(i).lower() for i in shapes.items(value)]
        if "*" in languages:
            return f'isLiteral({var}) && LANG({var}) != ""'
        listed = ", ".join(Literal(lang).n3() for lang in languages)
        return (
            f'isLiteral({var}) && LANG({var}) != "" && (LCASE(LANG({var})) IN ({listed}) '
            f'|| LCASE(STRBEFORE(LANG({var}), "-")) IN ({listed}))'
        )
    if parameter == SH["in"]:
        members = shapes.items(value)
        return " || ".join(f"sameTerm({var}, {term(m)})" for m in members) or "false"
    if parameter == SH.hasValue and not shape.is_property:
        return f"sameTerm({var}, {term(value)})"
    if parameter in (SH["or"], SH["and"]):
        joiner = " || " if parameter == SH["or"] else " && "
        inner = [
            value_test(shapes, shapes.shape(i), var, classes=classes) for i in shapes.items(value)
        ]
        return joiner.join(f"({t})" for t in inner) or ("false" if joiner == " || " else "true")
    if parameter == SH["not"]:
        return f"!({value_test(shapes, shapes.shape(value), var, classes=classes)})"
    return None


_NODE_KIND_TESTS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}


def prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(prefixes.items()))


# --- SPARQL-based constraints ---------------------------------------------------------------

_THIS = re.compile(r"^[?$]this$")


def batched_select(
    shapes: ShapesGraph,
    shape: Shape,
    constraint: SparqlConstraint,
    focus: str,
    focus_prefixes: dict[str, str],
) -> tuple[str, bool]:
    """The constraint's query over all focus nodes at once, and whether it projects `$this`.

    `$PATH` becomes the shape's path and `$currentShape` its IRI, as SHACL prescribes; the
    focus pattern opens the outer group. Queries that batching would change (`$this` inside a
    sub-query, aggregates not grouped by `$this`, LIMIT/OFFSET, `$shapesGraph`) are refused.
    """
    prefixes = dict(focus_prefixes)
    for prefix, namespace in constraint.prefixes:
        if prefixes.setdefault(prefix, namespace) != namespace:
            raise shape.unsupported(f"two namespaces for the prefix {prefix}:")
    text = constraint.select
    if re.search(r"[?$]shapesGraph\b", text):
        raise shape.unsupported("$shapesGraph in a SPARQL constraint")
    if re.search(r"[?$]PATH\b", text):
        if shape.path is None:
            raise shape.unsupported("$PATH in a SPARQL constraint of a node shape")
        written = path_text(shapes, shape.path)
        text = re.sub(r"([\s{}()])[?$]PATH\b", lambda m: str(m[1]) + written, text)
    if re.search(r"[?$]currentShape\b", text):
        if isinstance(shape.node, BNode):
            raise shape.unsupported("$currentShape for a blank-node shape")
        text = re.sub(r"[?$]currentShape\b", f"<{shape.node}>", text)
    toks = list(tokens(text, less_than_after_operand=True))
    opening, closing = _outer_group(toks, shape)
    head = toks[:opening]
    tail = toks[closing + 1 :]
    keywords = [t.keyword() for t in toks]
    if keywords.count("SELECT") != 1:
        raise shape.unsupported("a SPARQL constraint with a sub-query")
    if not head or head[0].keyword() != "SELECT":
        raise shape.unsupported("a SPARQL constraint that is not a SELECT query")
    tail_words = [t.keyword() for t in tail]
    if "LIMIT" in tail_words or "OFFSET" in tail_words:
        raise shape.unsupported("LIMIT or OFFSET in a SPARQL constraint")
    grouped = "GROUP" in tail_words
    if grouped:
        group_vars = _group_variables(tail)
        if not any(_THIS.match(v) for v in group_vars):
            raise shape.unsupported("a SPARQL constraint grouped without $this")
    elif any(t.text == "(" for t in head):
        raise shape.unsupported("an aggregate in a SPARQL constraint without GROUP BY $this")
    projects = any(t.text == "*" for t in head) or any(_THIS.match(t.text) for t in head)
    insert_at = toks[opening].end
    body = text[:insert_at] + " " + focus + " " + text[insert_at:]
    if not projects:
        select = head[0]
        after = (
            head[1] if len(head) > 1 and head[1].keyword() in ("DISTINCT", "REDUCED") else select
        )
        body = body[: after.end] + " ?this" + body[after.end :]
    return prologue(prefixes) + body, projects


def _outer_group(toks: list[Token], shape: Shape) -> tuple[int, int]:
    start = next((i for i, t in enumerate(toks) if t.text == "{"), None)
    if start is None:
        raise shape.unsupported("a SPARQL constraint without a WHERE group")
    depth = 0
    for index in range(start, len(toks)):
        if toks[index].text == "{":
            depth += 1
        elif toks[index].text == "}":
            depth -= 1
            if depth == 0:
                return start, index
    raise shape.unsupported("a SPARQL constraint with unbalanced braces")


def _group_variables(tail: list[Token]) -> list[str]:
    words = [t.keyword() for t in tail]
    start = words.index("GROUP") + 2
    found = []
    for token in tail[start:]:
        if token.keyword() in ("HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
            break
        if token.kind == "var":
            found.append(token.text)
    return found


__all__ = [
    "batched_select",
    "focus_pattern",
    "one_test",
    "path_text",
    "prologue",
    "term",
    "value_test",
]
