"""`/reconcile`: the Reconciliation Service API 0.2 on the real build, through a live server.

Every JSON answer is validated against the specification's JSON Schemas, vendored under
tests/data/reconciliation/ (see its LICENCE.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).resolve().parent / "data" / "reconciliation"
BASE = "https://w3id.org/villegraph/"
PERSON = "http://xmlns.com/foaf/0.1/Person"
ORGANIZATION = "http://www.w3.org/ns/org#Organization"
CHAMBON = BASE + "person/jean-baptiste-chambon"


def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, DRAFT7)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def valid(name: str, data: Any) -> Any:
    """`data`, after checking it against the vendored schema `name`.json."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(schema, registry=REGISTRY).iter_errors(data), key=str)
    assert not errors, f"{name}: " + "; ".join(e.message for e in errors[:3])
    return data


def reconcile(server: str, queries: dict[str, Any], method: str = "POST") -> httpx.Response:
    valid("reconciliation-query-batch", queries)
    text = json.dumps(queries)
    if method == "GET":
        return httpx.get(server + "/reconcile", params={"queries": text})
    return httpx.post(server + "/reconcile", data={"queries": text})


def results(server: str, queries: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    response = reconcile(server, queries)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    batch = valid("reconciliation-result-batch", response.json())
    return {key: answer["result"] for key, answer in batch.items()}


def test_crawlers_are_kept_off(live_server: str) -> None:
    assert "Disallow: /reconcile" in httpx.get(live_server + "/robots.txt").text


def test_manifest(live_server: str) -> None:
    response = httpx.get(live_server + "/reconcile")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    manifest = valid("manifest", response.json())
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == BASE
    assert {t["id"] for t in manifest["defaultTypes"]} >= {PERSON, ORGANIZATION}
    assert manifest["batchSize"] == 50
    proposals = manifest["extend"]["propose_properties"]
    assert proposals["service_path"] == "/reconcile/properties"
    identifier = quote("person/jean-baptiste-chambon", safe="")
    view = httpx.get(manifest["view"]["url"].replace("{{id}}", identifier))
    assert view.status_code == 303 and view.headers["location"] == "/person/jean-baptiste-chambon"
    preview = httpx.get(manifest["preview"]["url"].replace("{{id}}", identifier))
    assert preview.status_code == 200 and "Jean-Baptiste Chambon" in preview.text
    for kind in ("entity", "type", "property"):
        service = manifest["suggest"][kind]
        answer = httpx.get(service["service_url"] + service["service_path"], params={"prefix": "c"})
        assert answer.status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_surname_with_a_type_is_a_match(live_server: str, method: str) -> None:
    response = reconcile(live_server, {"q0": {"query": "Chambon", "type": PERSON}}, method)
    assert response.status_code == 200
    (first, *_) = valid("reconciliation-result-batch", response.json())["q0"]["result"]
    assert BASE + first["id"] == CHAMBON
    assert first["match"] is True and first["score"] == 100
    assert first["name"] == "Jean-Baptiste Chambon"
    assert first["type"] == [{"id": PERSON, "name": "personne"}]
    assert "Centre d'études européennes" in first["description"]


def test_accents_and_case_do_not_count(live_server: str) -> None:
    answers = results(
        live_server,
        {
            "a": {"query": "DEBORAH AUTHEMAN"},
            "b": {"query": "déborah autheman", "type": [PERSON]},
            "c": {"query": "region ile de france"},
        },
    )
    assert answers["a"][0]["id"] == answers["b"][0]["id"] == "person/deborah-autheman"
    assert answers["a"][0]["match"] and answers["b"][0]["score"] == 100
    assert answers["c"][0]["id"] == "org/region-ile-de-france"


def test_a_lab_by_its_name_acronym_or_identifier(live_server: str) -> None:
    answers = results(
        live_server,
        {
            "i3": {"query": "i3"},
            "umr": {"query": "UMR 9217", "type": ORGANIZATION},
            "csi": {"query": "csi", "type": ORGANIZATION},
            "id": {"query": "org/cee"},
            "iri": {"query": BASE + "org/cee"},
        },
    )
    assert answers["i3"][0]["id"] == "org/i3" and answers["i3"][0]["match"]
    assert answers["umr"][0]["id"] == "org/i3"
    assert answers["csi"][0]["id"] == "org/csi" and answers["csi"][0]["match"]
    assert answers["id"][0]["id"] == answers["iri"][0]["id"] == "org/cee"


def test_a_misspelt_name_ranks_the_right_person_first(live_server: str) -> None:
    answers = results(live_server, {"q": {"query": "Tiserand"}, "t": {"query": "Carole Tiserand"}})
    for key in ("q", "t"):
        first = answers[key][0]
        assert first["id"] == "person/carole-anne-tisserand"
        assert first["match"] is False, "a misspelling is proposed, never matched for certain"
        assert all(other["score"] < first["score"] for other in answers[key][1:])


def test_property_constraints_raise_and_lower_the_score(live_server: str) -> None:
    answers = results(
        live_server,
        {
            "right": {
                "query": "Chambon",
                "properties": [{"pid": "affiliation", "v": "CEE"}],
            },
            "by-id": {
                "query": "Chambon",
                "properties": [{"pid": "affiliation", "v": {"id": "org/sciences-po"}}],
            },
            "wrong": {
                "query": "Chambon",
                "properties": [{"pid": "affiliation", "v": {"id": "org/csi", "name": "CSI"}}],
            },
        },
    )
    assert answers["right"][0]["id"] == "person/jean-baptiste-chambon"
    assert answers["right"][0]["match"] and answers["by-id"][0]["match"]
    wrong = answers["wrong"][0]
    assert wrong["id"] == "person/jean-baptiste-chambon"
    assert wrong["score"] < answers["right"][0]["score"] and wrong["match"] is False


def test_a_property_constraint_disambiguates(live_server: str) -> None:
    plain = {"query": "Centre", "type": ORGANIZATION}
    answers = results(
        live_server,
        {
            "plain": plain,
            "sciences-po": {**plain, "properties": [{"pid": "parent", "v": "Sciences Po"}]},
            "mines": {**plain, "properties": [{"pid": "parent", "v": ["Mines Paris", "PSL"]}]},
            "only": {"properties": [{"pid": "acronym", "v": "CEE"}], "type": ORGANIZATION},
        },
    )
    assert {c["id"] for c in answers["plain"]} >= {"org/csi", "org/cee"}
    assert not any(c["match"] for c in answers["plain"]), "two centres: no certain match"
    assert answers["sciences-po"][0]["id"] == "org/cee"
    assert answers["mines"][0]["id"] == "org/csi"
    assert answers["only"][0]["id"] == "org/cee", "properties alone, without a query string"


def test_types_restrict_the_candidates(live_server: str) -> None:
    answers = results(
        live_server,
        {
            "person": {"query": "Sciences Po", "type": PERSON},
            "org": {"query": "Sciences Po", "type": ORGANIZATION, "limit": 1},
            "all": {
                "query": "Centre",
                "type": [ORGANIZATION, "https://w3id.org/villegraph/def#Chair"],
                "type_strict": "all",
            },
        },
    )
    assert answers["person"] == []
    assert [c["id"] for c in answers["org"]] == ["org/sciences-po"]
    assert all("def#Chair" in json.dumps(c["type"]) for c in answers["all"])


def test_nobody_is_an_empty_list(live_server: str) -> None:
    answers = results(live_server, {"q0": {"query": "Xqzwv Jklmnop"}, "q1": {"query": "  "}})
    assert answers == {"q0": [], "q1": []}


@pytest.mark.parametrize(
    ("queries", "status", "words"),
    [
        ("{not json", 400, "not JSON"),
        ("[1, 2]", 400, "JSON object"),
        ('{"q0": "Chambon"}', 400, '"q0"'),
        ('{"q0": {"query": 3}}', 400, "`query` must be a string"),
        ('{"q0": {"query": "x", "type": "foaf:Nope"}}', 400, "unknown type"),
        ('{"q0": {"query": "x", "limit": 0}}', 400, "positive"),
        ('{"q0": {"query": "x", "properties": [{"pid": "shoe", "v": 1}]}}', 400, "affiliation"),
        (json.dumps({f"q{n}": {"query": "x"} for n in range(51)}), 413, "batch size of 50"),
    ],
)
def test_malformed_batches_are_one_line_errors(
    live_server: str, queries: str, status: int, words: str
) -> None:
    for response in (
        httpx.post(live_server + "/reconcile", data={"queries": queries}),
        httpx.get(live_server + "/reconcile", params={"queries": queries}),
    ):
        assert response.status_code == status
        assert words in response.text and response.text.count("\n") == 1
        assert response.headers["access-control-allow-origin"] == "*"


def test_jsonp_is_refused(live_server: str) -> None:
    jsonp = httpx.get(live_server + "/reconcile", params={"callback": "f", "queries": "{}"})
    assert jsonp.status_code == 400 and "JSONP" in jsonp.text and "CORS" in jsonp.text
    assert not jsonp.text.startswith("f(")
    manifest = httpx.get(live_server + "/reconcile", params={"callback": "f"})
    assert manifest.status_code == 400


def test_data_extension(live_server: str) -> None:
    query = {
        "ids": ["person/jean-baptiste-chambon", BASE + "org/csi", "person/nobody"],
        "properties": [{"id": "affiliation"}, {"id": "role"}, {"id": "acronym"}],
    }
    valid("data-extension-query", query)
    response = httpx.post(live_server + "/reconcile", data={"extend": json.dumps(query)})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    answer = valid("data-extension-response", response.json())
    assert answer["meta"][0] == {
        "id": "affiliation",
        "name": "affiliation",
        "type": {"id": ORGANIZATION, "name": "organisation"},
    }
    chambon = answer["rows"]["person/jean-baptiste-chambon"]
    assert {"id": "org/cee", "name": "Centre d'études européennes et de politique comparée"} in (
        chambon["affiliation"]
    )
    assert {"id": "org/sciences-po", "name": "Sciences Po"} in chambon["affiliation"]
    assert {"str": "doctorant"} in chambon["role"] and chambon["acronym"] == []
    assert answer["rows"][BASE + "org/csi"]["acronym"] == [{"str": "CSI"}]
    assert answer["rows"]["person/nobody"] == {"affiliation": [], "role": [], "acronym": []}
    proposal = httpx.get(live_server + "/reconcile/properties", params={"type": PERSON}).json()
    assert [p["id"] for p in proposal["properties"]] == ["affiliation", "role"]
    for bad, status in [
        ("{", 400),
        ('{"ids": ["x"], "properties": [{"id": "shoe"}]}', 400),
        (json.dumps({"ids": ["x"] * 201, "properties": []}), 413),
    ]:
        refused = httpx.get(live_server + "/reconcile", params={"extend": bad})
        assert refused.status_code == status and refused.text.count("\n") == 1


def test_the_limit_is_bounded_and_said(live_server: str) -> None:
    response = reconcile(live_server, {"q": {"query": "ville", "limit": 1000}})
    assert response.headers["x-villegraph-limit"] == "25 (lowered)"
    assert 0 < len(response.json()["q"]["result"]) <= 25
    small = reconcile(live_server, {"q": {"query": "ville", "limit": 2}})
    assert small.headers["x-villegraph-limit"] == "25"
    assert len(small.json()["q"]["result"]) == 2


def test_cors_for_a_page_on_localhost(live_server: str) -> None:
    origin = {"Origin": "http://127.0.0.1:3333"}
    manifest = httpx.get(live_server + "/reconcile", headers=origin)
    assert manifest.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in manifest.headers
    preflight = httpx.options(
        live_server + "/reconcile",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_suggest_entities_types_and_properties(live_server: str) -> None:
    def suggest(kind: str, **params: str) -> list[dict[str, Any]]:
        response = httpx.get(live_server + f"/reconcile/suggest/{kind}", params=params)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        schema = {"entity": "entities", "type": "types", "property": "properties"}[kind]
        return valid(f"suggest-{schema}-response", response.json())["result"]

    people = suggest("entity", prefix="cham", type=PERSON)
    assert [p["id"] for p in people] == ["person/jean-baptiste-chambon"]
    assert people[0]["notable"] == [{"id": PERSON, "name": "personne"}]
    assert "person/jean-baptiste-chambon" in [e["id"] for e in suggest("entity", prefix="Jean-B")]
    first = suggest("entity", prefix="ce")
    assert len(suggest("entity", prefix="ce", cursor=str(len(first)))) < 10 or len(first) == 10
    assert suggest("entity", prefix="zzzz") == []
    types = suggest("type", prefix="org")
    assert ORGANIZATION in [t["id"] for t in types]
    research_unit = [t for t in suggest("type", prefix="research unit")]
    assert research_unit[0]["broader"] == [{"id": ORGANIZATION, "name": "organisation"}]
    assert [p["id"] for p in suggest("property", prefix="aff")] == ["affiliation"]
    assert len(suggest("property", prefix="")) == 7


def test_properties_of_a_type(live_server: str) -> None:
    response = httpx.get(live_server + "/reconcile/properties", params={"type": PERSON})
    answer = valid("data-extension-property-proposal", response.json())
    assert [p["id"] for p in answer["properties"]] == ["affiliation", "role"]
    research_unit = "https://w3id.org/villegraph/def#ResearchUnit"
    unit = httpx.get(live_server + "/reconcile/properties", params={"type": research_unit}).json()
    assert {p["id"] for p in unit["properties"]} == {"acronym", "identifier", "parent"}
    unknown = httpx.get(live_server + "/reconcile/properties", params={"type": "x"})
    assert unknown.status_code == 400


def test_preview_is_escaped_and_offline(web_server: str) -> None:
    response = httpx.get(web_server + "/reconcile/preview", params={"id": "person/evil"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<script" not in response.text and "&lt;script&gt;" in response.text
    assert "http" not in response.text.replace("https://w3id.org/villegraph/person/evil", "")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    missing = httpx.get(web_server + "/reconcile/preview", params={"id": "person/nobody"})
    assert missing.status_code == 404


def test_hostile_names_stay_data(web_server: str) -> None:
    response = httpx.post(
        web_server + "/reconcile", data={"queries": json.dumps({"q": {"query": "Evil & Co"}})}
    )
    first = valid("reconciliation-result-batch", response.json())["q"]["result"][0]
    assert first["id"] == "person/evil" and "<script>" in first["name"]
    assert response.headers["content-type"].startswith("application/json")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.text(max_size=300),
    limit=st.integers(min_value=1, max_value=100),
    typed=st.booleans(),
)
def test_any_query_string_gives_a_valid_answer(
    live_server: str, query: str, limit: int, typed: bool
) -> None:
    item: dict[str, Any] = {"query": query, "limit": limit}
    if typed:
        item["type"] = PERSON
    response = httpx.post(live_server + "/reconcile", data={"queries": json.dumps({"q": item})})
    assert response.status_code == 200, response.text
    answer = valid("reconciliation-result-batch", response.json())
    assert len(answer["q"]["result"]) <= min(limit, 25)
    suggestion = httpx.get(live_server + "/reconcile/suggest/entity", params={"prefix": query})
    assert suggestion.status_code == 200
    valid("suggest-entities-response", suggestion.json())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.text(max_size=200))
def test_any_queries_parameter_is_an_answer_or_a_400(live_server: str, raw: str) -> None:
    response = httpx.post(live_server + "/reconcile", data={"queries": raw})
    assert response.status_code in (200, 400, 413), response.text
    if response.status_code == 200:
        valid("reconciliation-result-batch", response.json())
