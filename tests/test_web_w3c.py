"""The W3C SPARQL 1.1 Protocol tests (tests/w3c/protocol/manifest.ttl) against a real server.

Every query and `bad_*` test runs as written: its requests are sent (method, path, headers, body
in its declared character encoding) and the response is checked against the expected status
class, result format and boolean. Update tests (`update_*`) expect the documented refusal of a
read-only endpoint: 403 for the update request.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

MANIFEST = Path(__file__).resolve().parent / "w3c" / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")

GRAPH = Graph().parse(MANIFEST, format="turtle")
ENTRIES = list(Collection(GRAPH, next(GRAPH.objects(None, MF.entries))))
KNOWN_UPSTREAM_DEFECT = {
    # The request path percent-encodes '&named-graph-uri=' inside the first value, so the
    # request names ONE graph IRI ("...data1.rdf&named-graph-uri=...data2.rdf") that is not in
    # the dataset; villegraph answers 400 as documented for graphs outside the dataset.
    "query_multiple_dataset": 400,
}


def _name(entry: URIRef) -> str:
    return str(entry).rpartition("#")[2]


def _requests(entry: URIRef) -> list[dict]:
    action = GRAPH.value(entry, MF.action)
    found = []
    for node in Collection(GRAPH, GRAPH.value(action, HT.requests)):
        body = GRAPH.value(node, HT.body)
        headers = {}
        header_list = GRAPH.value(node, HT.headers)
        if header_list is not None:
            for header in Collection(GRAPH, header_list):
                headers[str(GRAPH.value(header, HT.fieldName))] = str(
                    GRAPH.value(header, HT.fieldValue)
                )
        response = GRAPH.value(node, HT.resp)
        content = None
        if body is not None:
            encoding = str(GRAPH.value(body, CNT.characterEncoding) or "UTF-8")
            content = str(GRAPH.value(body, CNT.chars)).encode(encoding)
        found.append(
            {
                "method": str(GRAPH.value(node, HT.methodName)),
                "path": str(GRAPH.value(node, HT.absolutePath)),
                "headers": headers,
                "content": content,
                "statuses": {
                    str(s).rpartition("#")[2] for s in GRAPH.objects(response, MF.expectedStatus)
                },
                "format": GRAPH.value(response, MF.expectedFormat),
                "boolean": GRAPH.value(response, MF.expectedBoolean),
            }
        )
    return found


def _status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


@pytest.mark.parametrize("entry", ENTRIES, ids=_name)
def test_protocol(w3c_server: str, entry: URIRef) -> None:
    name = _name(entry)
    requests = _requests(entry)
    with httpx.Client(base_url=w3c_server) as client:
        if name.startswith("update_"):
            first = requests[0]
            response = client.request(
                first["method"], first["path"], headers=first["headers"], content=first["content"]
            )
            assert response.status_code == 403, response.text
            assert "read-only" in response.text
            return
        for request in requests:
            response = client.request(
                request["method"],
                request["path"],
                headers=request["headers"],
                content=request["content"],
            )
            if name in KNOWN_UPSTREAM_DEFECT:
                assert response.status_code == KNOWN_UPSTREAM_DEFECT[name], response.text
                continue
            assert _status_class(response.status_code) in request["statuses"], response.text
            fmt = str(request["format"]) if request["format"] is not None else None
            media_type = response.headers.get("content-type", "").split(";")[0]
            if fmt == "boolean":
                assert media_type in (
                    "application/sparql-results+json",
                    "application/sparql-results+xml",
                )
            elif fmt == "tabular":
                assert media_type in (
                    "application/sparql-results+json",
                    "application/sparql-results+xml",
                    "text/csv",
                    "text/tab-separated-values",
                )
            elif fmt == "RDF":
                assert media_type in ("text/turtle", "application/n-triples", "application/rdf+xml")
            if request["boolean"] is not None:
                assert response.json()["boolean"] is request["boolean"].toPython()


def test_manifest_is_complete() -> None:
    names = {_name(e) for e in ENTRIES}
    assert len(names) == 34
    assert all(GRAPH.value(e, RDF.type) is not None for e in ENTRIES)
