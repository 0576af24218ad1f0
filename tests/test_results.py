"""Result formats: the table, and SPARQL 1.1 CSV / TSV / JSON read back by rdflib's parsers."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from villegraph.errors import UsageError
from villegraph.namespaces import VG, prefixes_for
from villegraph.results import compact, ntriples, render, to_csv, to_json, to_table, to_tsv
from villegraph.store import SelectResult

BASE = "https://w3id.org/villegraph/"
PERSON = URIRef(BASE + "person/carole-anne-tisserand")
TRICKY = 'Quote " comma, tab\there\nnew line \\ end'

RESULT = SelectResult(
    ["s", "label", "n", "missing"],
    [
        (PERSON, Literal("Carole-Anne Tisserand"), Literal("5", datatype=XSD.integer), None),
        (VG.speaker, Literal(TRICKY, lang="fr"), Literal("2023-02-16", datatype=XSD.date), None),
        (URIRef("http://example.org/a?b=1#c"), Literal("x"), None, BNode("b0")),
    ],
)


def test_compact_prefers_the_longest_namespace() -> None:
    prefixes = prefixes_for(BASE)
    assert compact(PERSON, prefixes) == "vgr:person/carole-anne-tisserand"
    assert compact(VG.speaker, prefixes) == "vg:speaker"  # not vgr:def#speaker
    assert compact(URIRef("http://example.org/x"), prefixes) == "<http://example.org/x>"
    assert compact(Literal("doctorante", lang="fr"), prefixes) == "doctorante"
    assert compact(None, prefixes) == ""


def test_table_aligns_columns_and_counts_rows() -> None:
    text = to_table(RESULT, prefixes_for(BASE), max_width=20)
    lines = text.splitlines()
    assert lines[0].split() == ["s", "label", "n", "missing"]
    assert lines[-1] == "(3 rows)"
    column = lines[0].index("label")
    assert all(line[column - 2 : column] == "  " for line in lines[2:5])
    assert "vgr:person/carole-a…" in lines[2]
    assert "\n" not in lines[3] and "\t" not in lines[3]
    assert "Quote" in lines[3] and "…" in lines[3]


def test_table_says_when_truncated() -> None:
    cut = SelectResult(["x"], [(Literal("a"),)], truncated=True)
    assert to_table(cut).splitlines()[-1] == "(1 row, truncated)"


def test_csv_follows_the_sparql_csv_format() -> None:
    text = to_csv(RESULT)
    assert text.startswith("s,label,n,missing\r\n")
    assert text.count("\r\n") == 4
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[1] == [str(PERSON), "Carole-Anne Tisserand", "5", ""]
    assert parsed[2][1] == TRICKY
    assert parsed[3][3] == "_:b0"


def test_tsv_reads_back_with_rdflib() -> None:
    text = to_tsv(RESULT)
    assert text.splitlines()[0] == "?s\t?label\t?n\t?missing"
    parsed = Result.parse(io.StringIO(text), format="tsv")
    rows = list(parsed)
    assert rows[0][0] == PERSON
    assert rows[0][2] == Literal("5", datatype=XSD.integer)
    assert rows[1][1] == Literal(TRICKY, lang="fr")
    assert rows[1][2] == Literal("2023-02-16", datatype=XSD.date)
    assert rows[0][3] is None


def test_ntriples_escapes_what_would_break_a_line_or_an_iri() -> None:
    assert ntriples(URIRef("http://example.org/a b")) == "<http://example.org/a\\u0020b>"
    assert ntriples(Literal('a"b\nc')) == '"a\\"b\\nc"'
    assert ntriples(Literal("x", datatype=XSD.string)) == '"x"'


def test_json_reads_back_with_rdflib() -> None:
    text = to_json(RESULT)
    document = json.loads(text)
    assert document["head"]["vars"] == ["s", "label", "n", "missing"]
    first = document["results"]["bindings"][0]
    assert first["s"] == {"type": "uri", "value": str(PERSON)}
    assert first["label"] == {"type": "literal", "value": "Carole-Anne Tisserand"}
    assert "missing" not in first
    assert document["results"]["bindings"][1]["label"]["xml:lang"] == "fr"
    assert document["results"]["bindings"][2]["missing"] == {"type": "bnode", "value": "b0"}
    parsed = list(Result.parse(io.StringIO(text), format="json"))
    assert parsed[1][1] == Literal(TRICKY, lang="fr")
    assert parsed[0][2] == Literal("5", datatype=XSD.integer)


def test_render_dispatches_and_refuses_unknown_formats() -> None:
    assert render(RESULT, "csv") == to_csv(RESULT)
    assert render(RESULT, "json") == to_json(RESULT)
    with pytest.raises(UsageError, match="unknown result format"):
        render(RESULT, "xml")


def test_empty_result() -> None:
    empty = SelectResult(["a"], [])
    assert to_csv(empty) == "a\r\n"
    assert to_tsv(empty) == "?a\n"
    assert json.loads(to_json(empty))["results"]["bindings"] == []
    assert to_table(empty).splitlines()[-1] == "(0 rows)"
