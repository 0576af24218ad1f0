"""Curated YAML → RDF, beside `load`: one YAML file per source, written by people.

read_yaml (values and their lines) → check_schema (schema.json) → Maker: the source's
passages located from verbatim quotes (quotes), dates parsed (dates), triples made (rdf).
Every problem is an InputError `file.yaml:LINE: field: message`, with near names suggested.
"""

from __future__ import annotations

from villegraph.records.compile import (
    DRAFT,
    YAML_SUFFIXES,
    CurationFile,
    make_triples,
    mark_unreviewed,
    read_curation,
)
from villegraph.records.rdf import Made, Reference, unknown_reference
from villegraph.records.schema import curation_schema

__all__ = [
    "DRAFT",
    "YAML_SUFFIXES",
    "CurationFile",
    "Made",
    "Reference",
    "curation_schema",
    "make_triples",
    "mark_unreviewed",
    "read_curation",
    "unknown_reference",
]
