"""SHACL validation where the data is: the shapes compiled into SPARQL answered by pyoxigraph.

`validate_store(store, shapes)` evaluates the SHACL Core constraints the shapes use and their
SPARQL-based constraints on an Oxigraph store without copying the data: one query per
constraint over all focus nodes, only failing nodes coming back, and returns the report graph
pyshacl would make. Constructs it does not evaluate raise `UnsupportedShape`.

Supported: targets sh:targetClass (with rdfs:subClassOf*), sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf, sh:SPARQLTarget; sh:minCount, sh:maxCount, sh:datatype, sh:class,
sh:nodeKind, sh:pattern (flags i, m), sh:minLength, sh:maxLength, sh:languageIn, sh:uniqueLang,
sh:hasValue, sh:in, sh:or, sh:and, sh:not (of value-only shapes), sh:qualifiedValueShape with
sh:qualifiedMinCount/MaxCount, sh:lessThanOrEquals, property paths, SPARQL constraints
(sh:select, sh:prefixes/sh:declare, $this, $PATH, $currentShape), sh:deactivated, severities.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from villegraph.shacl.engine import StoreEngine
from villegraph.shacl.model import ShapesGraph, UnsupportedShape
from villegraph.shacl.report import report_graph
from villegraph.shacl.written import WrittenForms


def validate_store(
    store: ox.Store, shapes: Graph, written: WrittenForms | None = None, threads: int = 1
) -> Graph:
    """The SHACL report graph of the union of `store`'s graphs against `shapes`.

    `written` gives the literals as written where the store keeps another form (see
    `WrittenForms`); without it the store's literals are taken as written. `threads` shapes
    are evaluated side by side; the report is the same for any number.
    """
    engine = StoreEngine(store, ShapesGraph(shapes), written, threads)
    return report_graph(engine.run(), shapes, engine.describe)


__all__ = ["UnsupportedShape", "WrittenForms", "validate_store"]
