"""The per-build result cache: hits, validators, entries per format, the budget, build swaps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures_server import SAMPLE_TRIG, ServerThread, write_dist
from rdflib import URIRef

from villegraph.config import Settings
from villegraph.errors import QueryError
from villegraph.lexer import fingerprint
from villegraph.store import load_build
from villegraph.web.cache import Entry, ResultCache, etag_for
from villegraph.web.engine import PooledStore

FOAF = "http://xmlns.com/foaf/0.1/"
NEW = "https://w3id.org/villegraph/person/new"
EXTRA = f"<https://w3id.org/villegraph/graph/people> {{ <{NEW}> a <{FOAF}Person> . }}"
JSON = {"Accept": "application/sparql-results+json"}


def sparql(base: str, query: str, headers: dict[str, str] | None = None, **params: str):
    return httpx.get(base + "/sparql", params={"query": query, **params}, headers=headers or {})


# --- the cache itself --------------------------------------------------------------------------


def test_lru_within_the_byte_budget() -> None:
    cache = ResultCache(budget=1000, max_entry=600, build="b1")
    for name in ("a", "b", "c"):
        assert cache.put(name, Entry(b"x" * 100, "b1"))
    assert cache.size == 3 * 300
    assert cache.get("a") is not None  # a is now the most recently used
    assert cache.put("d", Entry(b"x" * 100, "b1"))  # 1,200 bytes: the oldest (b) goes
    assert cache.get("b") is None and cache.get("a") is not None and len(cache) == 3
    assert cache.stats.evicted == 1 and cache.size <= cache.budget
    assert not cache.put("big", Entry(b"x" * 500, "b1")), "over max_entry: not kept"
    assert cache.stats.too_big == 1 and cache.get("big") is None


def test_only_answers_of_the_current_build_are_kept() -> None:
    cache = ResultCache(budget=10_000, build="b1")
    assert cache.put("q", Entry(b"old", "b1"))
    cache.reset("b2")
    assert cache.get("q") is None and cache.size == 0 and cache.build == "b2"
    assert not cache.put("q", Entry(b"old", "b1")), "an answer of the old build is refused"
    assert cache.stats.stale == 1 and cache.get("q") is None


def test_etag_names_build_and_request() -> None:
    tag = etag_for("b1", ("protocol", "k"))
    assert tag.startswith('W/"b1-') and tag != etag_for("b2", ("protocol", "k"))
    assert tag != etag_for("b1", ("protocol", "other"))


def test_fingerprint_as_parsed_keeps_what_changes_the_query() -> None:
    same = ("SELECT * { ?s a ?o }", "select *\n{ ?s a ?o } # a comment", "SELECT*{?s a ?o}")
    assert len({fingerprint(q, as_parsed=True) for q in same}) == 1
    assert fingerprint("SELECT * { ?s a ?o }") != fingerprint("SELECT * { ?s A ?o }")
    assert fingerprint("ASK { FILTER(true) }") != fingerprint("ASK { FILTER(TRUE) }")
    # Oxigraph reads `<` after an operand as less-than: the `#` then starts a comment
    one, two = "ASK { FILTER(?o<1)#> FILTER(false) }", "ASK { FILTER(?o<1)#>\nFILTER(false) }"
    assert fingerprint(one) == fingerprint(two)
    assert fingerprint(one, as_parsed=True) != fingerprint(two, as_parsed=True)
    escaped = "SELECT * {} # \\u000a LIMIT 0"
    assert fingerprint(escaped, as_parsed=True) != fingerprint("SELECT * {}", as_parsed=True)


# --- the store's queries (pages, canned queries) -----------------------------------------------


@pytest.fixture
def two_builds(tmp_path: Path) -> tuple[Path, Path]:
    first = load_build(write_dist(tmp_path / "d1", SAMPLE_TRIG, "c1"), tmp_path / "store")
    second = load_build(write_dist(tmp_path / "d2", SAMPLE_TRIG + EXTRA, "c2"), tmp_path / "store")
    return first, second


@pytest.fixture
def pooled(two_builds: tuple[Path, Path]) -> Iterator[PooledStore]:
    store = PooledStore(two_builds[0], workers=1, site_workers=1, cache_bytes=1_000_000)
    yield store
    store.close()


PEOPLE = "SELECT ?class ?p WHERE { ?p a ?class } ORDER BY ?p"


@pytest.mark.slow
def test_store_queries_share_the_cache(pooled: PooledStore) -> None:
    cache = pooled.cache
    assert cache is not None
    bound = {"class": URIRef(FOAF + "Person")}
    first = pooled.select(PEOPLE, bound)
    again = pooled.in_lane("open").select(PEOPLE, bound)  # every lane shares one cache
    assert again.rows == first.rows and cache.stats.hits == 1
    other = pooled.select(PEOPLE, {"class": URIRef("http://www.w3.org/ns/org#Organization")})
    assert other.rows != first.rows, "bindings are part of the key"
    assert pooled.triple_count() == pooled.triple_count() and cache.stats.hits == 2
    stored = cache.stats.stored
    for _ in range(2):
        with pytest.raises(QueryError):
            pooled.select("SELECT WHERE {")
    assert cache.stats.stored == stored, "an error is not kept"


@pytest.mark.slow
def test_a_query_started_on_the_old_build_does_not_fill_the_new_cache(
    pooled: PooledStore, two_builds: tuple[Path, Path]
) -> None:
    asked = f"ASK {{ <{NEW}> ?p ?o }}"
    old_pool = pooled.pool
    answer_old = old_pool.call

    def swap_while_answering(request: dict[str, Any], timeout: float, **kw: Any) -> Any:
        answer = answer_old(request, timeout, **kw)  # answered by the old build...
        pooled.swap(two_builds[1], remove_old=False)  # ...while the new one swaps in
        return answer

    old_pool.call = swap_while_answering  # type: ignore[method-assign]
    assert pooled.ask(asked) is False
    cache = pooled.cache
    assert cache is not None and cache.build == "c2" and len(cache) == 0
    assert cache.stats.stale == 1
    assert pooled.ask(asked) is True, "the new build answers, not the old answer"
    assert pooled.ask(asked) is True and cache.stats.hits == 1


# --- the endpoint on a real server -------------------------------------------------------------


def test_a_repeated_query_is_answered_from_the_cache(web_server: str) -> None:
    query = "SELECT ?who ?label WHERE { ?who <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    first = sparql(web_server, query, JSON)
    assert first.status_code == 200 and first.headers["x-villegraph-cache"] == "miss"
    assert sparql(web_server, query, JSON).headers["x-villegraph-cache"] == "hit"
    # written otherwise, the same query as the engine reads it: read by the guard in a query
    # worker the first time (same bytes, same validator), then found in the cache at once
    spaced = query.replace("SELECT", "select\n  ").replace(" WHERE", "  # who\n where")
    read = sparql(web_server, spaced, JSON)
    assert read.headers["x-villegraph-cache"] == "miss"
    again = sparql(web_server, spaced, JSON)
    assert again.headers["x-villegraph-cache"] == "hit"
    for answer in (read, again):
        assert answer.content == first.content
        for name in ("content-type", "x-villegraph-rows", "etag", "vary", "cache-control"):
            assert answer.headers[name] == first.headers[name], name
    assert first.headers["etag"].startswith('W/"sample-1-')
    assert first.headers["cache-control"].startswith("public, max-age=")


def test_etag_and_304(web_server: str) -> None:
    query = "SELECT ?t WHERE { ?t a <https://w3id.org/villegraph/def#Talk> }"
    first = sparql(web_server, query, JSON)
    tag = first.headers["etag"]
    fresh = sparql(web_server, query, {**JSON, "If-None-Match": tag})
    assert fresh.status_code == 304 and fresh.headers["etag"] == tag and not fresh.content
    other = sparql(web_server, query, {**JSON, "If-None-Match": 'W/"sample-0-0"'})
    assert other.status_code == 200 and other.content == first.content
    # a spelling the server has not seen yet: 304 once the worker has read it
    respelled = query.replace("WHERE", "where # the talks\n")
    revalidated = sparql(web_server, respelled, {**JSON, "If-None-Match": tag})
    assert revalidated.status_code == 304 and revalidated.headers["etag"] == tag
    posted = httpx.post(
        web_server + "/sparql",
        content=query,
        headers={**JSON, "Content-Type": "application/sparql-query", "If-None-Match": tag},
    )
    assert posted.status_code == 200 and posted.content == first.content, "no 304 for POST"
    assert posted.headers["x-villegraph-cache"] == "hit" and "etag" not in posted.headers


def test_formats_are_separate_entries(web_server: str) -> None:
    query = "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } ORDER BY ?s"
    answers = {}
    for name, headers, params in (
        ("json", JSON, {}),
        ("xml", {"Accept": "application/sparql-results+xml"}, {}),
        ("csv", {}, {"format": "csv"}),
    ):
        first = sparql(web_server, query, headers, **params)
        assert first.headers["x-villegraph-cache"] == "miss", name
        again = sparql(web_server, query, headers, **params)
        assert again.headers["x-villegraph-cache"] == "hit", name
        assert again.content == first.content
        answers[name] = (first.headers["content-type"], first.headers["etag"])
    assert len({a[0] for a in answers.values()}) == 3
    assert len({a[1] for a in answers.values()}) == 3


def test_errors_are_not_kept_and_truncated_answers_are(web_server: str) -> None:
    for _ in range(2):
        broken = sparql(web_server, "SELECT ?x WHERE { ?x ?y }", JSON)
        assert broken.status_code == 400 and "x-villegraph-cache" not in broken.headers
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"  # more rows than the 50-row cap
    first = sparql(web_server, query, JSON)
    again = sparql(web_server, query, JSON)
    assert again.headers["x-villegraph-cache"] == "hit"
    assert (
        again.headers["x-villegraph-truncated"] == "true" == first.headers["x-villegraph-truncated"]
    )
    assert again.content == first.content


# --- a server of its own: the budget, and a build swap -----------------------------------------


@pytest.mark.slow
def test_the_budget_evicts_and_a_swap_empties_the_cache(tmp_path: Path) -> None:
    from villegraph.web.app import serve_embedded

    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "e1")
    settings = Settings(dist_dir=dist, store_dir=tmp_path / "store", timeout=5, cache_bytes=4000)
    app = serve_embedded(settings, workers=1, interval=0.2)
    cache = app.state.store.cache
    asked = f"ASK {{ <{NEW}> ?p ?o }}"
    with ServerThread(app) as server:
        queries = [f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n}" for n in range(1, 9)]
        for query in queries:
            assert sparql(server.url, query, JSON).headers["x-villegraph-cache"] == "miss"
        assert cache.size <= 4000 and cache.stats.evicted > 0
        assert sparql(server.url, queries[0], JSON).headers["x-villegraph-cache"] == "miss"
        assert sparql(server.url, queries[-1], JSON).headers["x-villegraph-cache"] == "hit"

        assert sparql(server.url, asked, JSON).json()["boolean"] is False
        before = sparql(server.url, asked, JSON)
        assert before.headers["x-villegraph-cache"] == "hit" and before.json()["boolean"] is False
        page = httpx.get(server.url + "/person/ada-test.html")
        assert page.status_code == 200 and cache.stats.stored > 0
        write_dist(dist, SAMPLE_TRIG + EXTRA, "e2")
        end = time.monotonic() + 20
        while cache.build != "e2" and time.monotonic() < end:
            time.sleep(0.1)
        after = sparql(server.url, asked, JSON)
        assert after.json()["boolean"] is True, "the new build answers"
        assert (
            after.headers["etag"].startswith('W/"e2-')
            and after.headers["etag"] != before.headers["etag"]
        )
        stale = sparql(server.url, asked, {**JSON, "If-None-Match": before.headers["etag"]})
        assert stale.status_code == 200, "a new build invalidates the validators"
        assert sparql(server.url, asked, JSON).headers["x-villegraph-cache"] == "hit"


def test_the_guard_runs_before_a_text_it_has_not_passed_reaches_the_cache(web_server: str) -> None:
    query = "SELECT ?o WHERE { ?s <http://xmlns.com/foaf/0.1/name> ?o } ORDER BY ?o"
    assert sparql(web_server, query, JSON).status_code == 200
    assert sparql(web_server, query, JSON).headers["x-villegraph-cache"] == "hit"
    # the same tokens once comments are dropped, but `\u000a` ends the comment for the spec
    hostile = query + " # \\u000a SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }"
    refused = sparql(web_server, hostile, JSON)
    assert refused.status_code == 400 and "SERVICE" in refused.text
