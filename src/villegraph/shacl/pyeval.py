"""SHACL value tests in Python on rdflib terms, for literals the store keeps in another form.

The same tests as `compile.value_test`, with pyshacl's reading of each (ill-typed literals fail
sh:datatype; patterns are Python regular expressions; languages match case-insensitively, or by
their first subtag).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from villegraph.namespaces import SH
from villegraph.shacl.model import Shape, ShapesGraph

IsInstance = Callable[[Node, Node], bool]
_ACTUAL: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def conforms(
    shapes: ShapesGraph,
    shape: Shape,
    value: Node,
    is_instance: IsInstance,
    only: URIRef | None = None,
) -> bool:
    """Whether `value` passes the value constraints of `shape` (or those of `only`)."""
    for parameter, values in shape.params.items():
        if only is not None and parameter != only:
            continue
        for rule in values:
            if not _passes(shapes, shape, parameter, rule, value, is_instance):
                return False
    return True


def _passes(
    shapes: ShapesGraph,
    shape: Shape,
    parameter: URIRef,
    rule: Node,
    value: Node,
    is_instance: IsInstance,
) -> bool:
    if parameter == SH.datatype:
        return _datatype(rule, value)
    if parameter == SH["class"]:
        return not isinstance(value, Literal) and is_instance(value, rule)
    if parameter == SH.nodeKind:
        kinds = {
            SH.IRI: (URIRef,),
            SH.Literal: (Literal,),
            SH.BlankNode: (BNode,),
            SH.BlankNodeOrIRI: (BNode, URIRef),
            SH.BlankNodeOrLiteral: (BNode, Literal),
            SH.IRIOrLiteral: (URIRef, Literal),
        }
        return isinstance(value, kinds[rule])  # type: ignore[index]
    if parameter == SH.pattern:
        flags = shape.one(SH.flags)
        text = str(flags).lower() if flags is not None else ""
        compiled = re.compile(
            str(rule), (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
        )
        return not isinstance(value, BNode) and compiled.search(_string(value)) is not None
    if parameter == SH.minLength:
        limit = int(rule)  # type: ignore[call-overload]
        return limit == 0 or (not isinstance(value, BNode) and len(_string(value)) >= limit)
    if parameter == SH.maxLength:
        limit = int(rule)  # type: ignore[call-overload]
        return not isinstance(value, BNode) and len(_string(value)) <= limit
    if parameter == SH.languageIn:
        wanted = {str(i).lower() for i in shapes.items(rule)}
        language = value.language if isinstance(value, Literal) else None
        if not language:
            return False
        return (
            "*" in wanted or language.lower() in wanted or language.split("-")[0].lower() in wanted
        )
    if parameter == SH["in"]:
        return value in shapes.items(rule)
    if parameter == SH.hasValue:
        return value == rule if not shape.is_property else True
    if parameter == SH["or"]:
        return any(
            conforms(shapes, shapes.shape(i), value, is_instance) for i in shapes.items(rule)
        )
    if parameter == SH["and"]:
        return all(
            conforms(shapes, shapes.shape(i), value, is_instance) for i in shapes.items(rule)
        )
    if parameter == SH["not"]:
        return not conforms(shapes, shapes.shape(rule), value, is_instance)
    return True


def _datatype(rule: Node, value: Node) -> bool:
    """pyshacl's sh:datatype: the datatype matches and the literal is well-typed."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == rule:
        if getattr(value, "ill_typed", None) is True:
            return False
        actual = _ACTUAL.get(rule)  # type: ignore[call-overload]
        return actual is None or isinstance(value.value, actual)
    if rule == RDFS.Literal or (rule == RDFS.Datatype and value.datatype):
        return True
    if value.datatype is None and value.language is None and rule == XSD.string:
        return True
    return rule == RDF.langString and bool(value.language)


def _string(value: Node) -> str:
    if (
        isinstance(value, Literal)
        and value.value is not None
        and value.datatype
        in (
            None,
            RDF.langString,
            XSD.string,
        )
    ):
        return str(value.value)
    return str(value)


def less_or_equal(value: Node, other: Node) -> bool:
    """pyshacl's sh:lessThanOrEquals comparison of two nodes."""

    def plain(node: Node) -> tuple[bool, object]:
        if isinstance(node, URIRef):
            return True, str(node)
        if isinstance(node, Literal) and isinstance(node.value, str):
            return True, node.value
        return False, node

    left_is_string, left = plain(value)
    right_is_string, right = plain(other)
    if left_is_string != right_is_string:
        return False
    try:
        return bool(left <= right)  # type: ignore[operator]
    except TypeError:
        return False


__all__ = ["conforms", "less_or_equal"]
