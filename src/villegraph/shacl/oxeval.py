"""SHACL value tests decided on pyoxigraph terms, without making rdflib terms, where the answer
is certain: sh:datatype of the integer datatypes and sh:lessThanOrEquals between integers,
for literals written in plain decimal digits (`12`, `+3`, `-0`). Each function answers None
where it cannot decide; `pyeval` (rdflib terms, pyshacl's reading) decides then.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

_XSD = "http://www.w3.org/2001/XMLSchema#"
_DIGITS = re.compile(r"[+-]?[0-9]+")
_RANGES: dict[str, tuple[int | None, int | None]] = {
    _XSD + "integer": (None, None),
    _XSD + "positiveInteger": (1, None),
    _XSD + "nonNegativeInteger": (0, None),
    _XSD + "negativeInteger": (None, -1),
    _XSD + "nonPositiveInteger": (None, 0),
}
"""The integer datatypes whose well-formedness rdflib decides by the value's range alone."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def integer(term: Term) -> int | None:
    """The value of a well-typed literal of an integer datatype written in decimal digits."""
    if type(term) is not ox.Literal:
        return None
    bounds = _RANGES.get(term.datatype.value)
    if bounds is None or _DIGITS.fullmatch(term.value) is None:
        return None
    value = int(term.value)
    low, high = bounds
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return value


def has_datatype(term: Term, datatype: str) -> bool | None:
    """sh:datatype `datatype` (an IRI) of `term`, when `datatype` is an integer datatype: a
    literal of exactly that datatype, well-typed; None where rdflib must decide."""
    if datatype not in _RANGES:
        return None
    if type(term) is not ox.Literal:
        return False
    if term.datatype.value != datatype:
        return False
    if _DIGITS.fullmatch(term.value) is None:
        return None
    return integer(term) is not None


def at_most(value: Term, other: Term) -> bool | None:
    """sh:lessThanOrEquals between two well-typed integers in decimal digits, else None."""
    left, right = integer(value), integer(other)
    if left is None or right is None:
        return None
    return left <= right


__all__ = ["at_most", "has_datatype", "integer"]
