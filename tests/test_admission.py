"""Admission control and worker limits: abusive clients do not make the site unusable.

The lane's rules are tested on the event loop directly; then a real server on loopback is
attacked by clients on their own loopback addresses (127.0.0.2, 127.0.0.3 …: every address of
127.0.0.0/8 is this machine) looping queries that run to the deadline, while a third address
asks a cheap SELECT and a resource page.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures_server import SAMPLE_TRIG, ServerThread, write_dist

from villegraph.config import Settings
from villegraph.store import load_build
from villegraph.web.admission import Busy, Lane, LaneLimits, lane_for
from villegraph.web.engine import WorkerOutOfMemory, WorkerPool

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
CHEAP = "SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> } LIMIT 5"


def test_lanes_by_path() -> None:
    assert lane_for("/sparql", b"query=ASK{}") == "open"
    assert lane_for("/query", b"query=ASK{}") == "open"
    assert lane_for("/query", b"") == "site"
    assert lane_for("/person/ada-test", b"") == "site"
    assert lane_for("/queries/who-works-on", b"theme=x") == "site"
    assert lane_for("/dumps/villegraph.ttl", b"") is None
    assert lane_for("/static/style.css", b"") is None


def _limits(**changes: float) -> LaneLimits:
    values: dict = {
        "general": 1,
        "reserve": 1,
        "per_client": 2,
        "max_waiting": 2,
        "max_wait": 0.5,
        "deadline": 5.0,
        "fast": 1.0,
        "heavy_window": 60.0,
    }
    values.update(changes)
    return LaneLimits(**values)


def test_per_client_bound_answers_429_at_once() -> None:
    async def scenario() -> None:
        lane = Lane("open", _limits(general=4, reserve=0))
        await lane.acquire("a")
        await lane.acquire("a")
        started = time.monotonic()
        with pytest.raises(Busy) as refused:
            await lane.acquire("a")
        assert refused.value.status == 429 and refused.value.retry_after >= 1
        assert time.monotonic() - started < 0.1
        assert (await lane.acquire("b")).reserve is False  # another client is not affected

    asyncio.run(scenario())


def test_heavy_clients_keep_off_the_reserve() -> None:
    async def scenario() -> None:
        lane = Lane("open", _limits())
        first = await lane.acquire("abuser")
        assert first == first.__class__(reserve=False, deadline=5.0)
        lane.release("abuser", first, elapsed=5.0)  # ran to the deadline: now heavy
        assert lane.is_heavy("abuser")
        again = await lane.acquire("abuser")  # the general worker is free: it may run
        assert again.reserve is False
        # the general worker is busy; a light client gets the reserve, with the short deadline
        light = await lane.acquire("reader")
        assert light.reserve is True and light.deadline == 1.0
        lane.release("reader", light, elapsed=0.01)
        assert not lane.is_heavy("reader")
        # a client whose query ran past `fast` on the reserve becomes heavy too
        hog = await lane.acquire("hog")
        assert hog.reserve is True
        lane.release("hog", hog, elapsed=1.0)
        # now it waits for the general worker (busy), not the free reserve, and gives up
        with pytest.raises(Busy) as refused:
            await lane.acquire("hog")
        assert refused.value.status == 503 and "became free" in str(refused.value)
        assert lane.snapshot()["running_reserve"] == 0
        assert lane.snapshot()["heavy_clients"] == 2

    asyncio.run(scenario())


def test_waiters_are_woken_in_order_and_queue_is_bounded() -> None:
    async def scenario() -> None:
        lane = Lane("site", _limits(reserve=0, max_wait=2.0, per_client=10))
        held = await lane.acquire("x")
        order: list[str] = []

        async def wait(name: str) -> None:
            grant = await lane.acquire(name)
            order.append(name)
            lane.release(name, grant, 0.0)

        tasks = [asyncio.create_task(wait(n)) for n in ("w1", "w2")]
        await asyncio.sleep(0.05)
        with pytest.raises(Busy) as full:
            await lane.acquire("w3")
        assert full.value.status == 503 and "wait" in str(full.value)
        lane.release("x", held, 0.0)
        await asyncio.gather(*tasks)
        assert order == ["w1", "w2"]
        assert lane.snapshot() == {
            "running_general": 0,
            "running_reserve": 0,
            "waiting": 0,
            "heavy_clients": 0,
        }

    asyncio.run(scenario())


def test_a_cancelled_waiter_gives_its_grant_back() -> None:
    async def scenario() -> None:
        lane = Lane("site", _limits(reserve=0, max_wait=5.0))
        held = await lane.acquire("x")
        waiting = asyncio.create_task(lane.acquire("y"))
        await asyncio.sleep(0.05)
        waiting.cancel()
        lane.release("x", held, 0.0)
        await asyncio.sleep(0.05)
        assert lane.snapshot()["running_general"] == 0
        assert (await lane.acquire("z")).reserve is False

    asyncio.run(scenario())


# --- a real server under attack ------------------------------------------------------------


def _one_worker_each(work: Path, build: str, **limits: Any) -> Settings:
    """The sample built as `build` in `work`, served by one worker of each kind."""
    return Settings(
        dist_dir=write_dist(work / "dist", SAMPLE_TRIG, build),
        store_dir=work / "store",
        workers=1,
        reserve_workers=1,
        site_workers=1,
        **limits,
    )


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from villegraph.web.app import serve_embedded

    work = tmp_path_factory.mktemp("abuse")
    settings = _one_worker_each(work, "abuse-1", timeout=6.0, per_client=1, fast_query=1.0)
    with ServerThread(serve_embedded(settings)) as server:
        yield server.url


def _client(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def _abuse(url: str, address: str, stop: threading.Event, statuses: list[int]) -> None:
    with _client(address) as client:
        while not stop.is_set():
            response = client.get(url + "/sparql", params={"query": SLOW})
            statuses.append(response.status_code)
            if response.status_code in (429, 503):
                time.sleep(0.2)


@pytest.mark.slow
def test_cheap_queries_and_pages_are_served_while_two_clients_loop_long_queries(
    guarded_server: str,
) -> None:
    stop = threading.Event()
    abusive: list[int] = []
    threads = [
        threading.Thread(target=_abuse, args=(guarded_server, a, stop, abusive), daemon=True)
        for a in ("127.0.0.2", "127.0.0.3")
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2.5)  # both abusers have a long query running; the first one is heavy
        cheap_times, page_times = [], []
        with _client("127.0.0.4") as reader:
            for _ in range(6):
                started = time.monotonic()
                answer = reader.get(guarded_server + "/sparql", params={"query": CHEAP})
                cheap_times.append(time.monotonic() - started)
                assert answer.status_code == 200, answer.text
                started = time.monotonic()
                page = reader.get(
                    guarded_server + "/person/ada-test",
                    headers={"Accept": "text/html"},
                    follow_redirects=True,
                )
                page_times.append(time.monotonic() - started)
                assert page.status_code == 200
                time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    # Each long query holds a worker for 6 s: waiting for one would take seconds. The bound is
    # loose (a loaded machine) but far below the deadline.
    assert max(cheap_times) < 3.0, cheap_times
    assert max(page_times) < 3.0, page_times
    assert 504 in abusive or 503 in abusive or 429 in abusive, abusive


def test_a_second_request_from_a_busy_client_gets_429_with_retry_after(
    guarded_server: str,
) -> None:
    results: list[httpx.Response] = []

    def slow() -> None:
        with _client("127.0.0.5") as client:
            results.append(client.get(guarded_server + "/sparql", params={"query": SLOW}))

    first = threading.Thread(target=slow)
    first.start()
    time.sleep(0.5)
    # a query no one asked before: an answer from the result cache would take no worker
    fresh = CHEAP.replace("LIMIT 5", "LIMIT 4")
    with _client("127.0.0.5") as client:
        second = client.get(guarded_server + "/sparql", params={"query": fresh})
    first.join(30)
    assert second.status_code == 429
    assert int(second.headers["Retry-After"]) >= 1
    assert "too many requests" in second.text
    assert results and results[0].status_code in (503, 504)


def test_a_worker_past_its_memory_limit_is_a_clear_503(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = load_build(write_dist(tmp_path / "d", SAMPLE_TRIG, "m1"), tmp_path / "store")
    pool = WorkerPool(path, 1, memory_mb=64)
    hungry = (
        "SELECT (GROUP_CONCAT(?x) AS ?all) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
        "BIND(CONCAT(STR(?c), STR(?f), STR(?i), STR(?l)) AS ?x) }"
    )
    try:
        with (
            caplog.at_level(logging.WARNING, logger="villegraph.web"),
            pytest.raises(WorkerOutOfMemory, match="64 MiB"),
        ):
            pool.call({"op": "query", "query": hungry}, timeout=60)
        assert any("out of memory" in r.getMessage() for r in caplog.records)
        # a fresh worker takes its place
        assert pool.call({"op": "query", "query": "ASK { ?s ?p ?o }"}, timeout=60)["value"]
    finally:
        pool.close()
        pool.wait_closed(10)


def test_an_answer_from_the_result_cache_needs_no_grant(guarded_server: str) -> None:
    kept = CHEAP.replace("LIMIT 5", "LIMIT 3")
    with _client("127.0.0.6") as client:
        first = client.get(guarded_server + "/sparql", params={"query": kept})
    assert first.status_code == 200
    results: list[httpx.Response] = []

    def slow() -> None:
        with _client("127.0.0.6") as client:
            results.append(client.get(guarded_server + "/sparql", params={"query": SLOW}))

    running = threading.Thread(target=slow)
    running.start()
    time.sleep(0.5)
    with _client("127.0.0.6") as client:  # its one request in the lane is running
        again = client.get(guarded_server + "/sparql", params={"query": kept})
    running.join(30)
    assert again.status_code == 200, "answered from the cache, not 429"
    assert again.headers["x-villegraph-cache"] == "hit" and again.content == first.content


def test_a_text_that_ran_to_its_deadline_is_heavy_for_every_client(tmp_path: Path) -> None:
    """The query worker reads a new text (guard and fingerprint): when it is stopped at its
    deadline it cannot say what it read, so the server names the text itself, and the same
    text from another client is known as heavy before it runs."""
    from villegraph.lexer import fingerprint
    from villegraph.web import sparql
    from villegraph.web.app import serve_embedded

    app = serve_embedded(_one_worker_each(tmp_path, "heavy-1", timeout=1.5, fast_query=0.5))
    text = SLOW + " # a text of its own for this test"
    with ServerThread(app) as server, _client("127.0.0.6") as first:
        answer = first.get(server.url + "/sparql", params={"query": text})
        assert answer.status_code == 504, answer.text
        key = fingerprint(text, as_parsed=True)
        assert sparql.PASSED.get(text) == key
        lane = app.state.lanes["open"]
        assert lane.is_heavy("127.0.0.7", key) and not lane.is_heavy("127.0.0.7")
