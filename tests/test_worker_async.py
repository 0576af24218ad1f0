"""The query pool awaited on the event loop (`WorkerPool.call_async`, the `/sparql` path):
the same answers as `call`, the deadline kept, the loop free while a worker answers, and a
worker never lost when the waiting request is cancelled."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fixtures_server import SAMPLE_TRIG, write_dist

from villegraph.errors import QueryTimeout
from villegraph.store import load_build
from villegraph.web.engine import WorkerPool

T = TypeVar("T")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
PEOPLE = "SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> } ORDER BY ?s"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("async")
    return load_build(write_dist(root / "d", SAMPLE_TRIG, "a1"), root / "store")


@pytest.fixture
def pool(store_path: Path) -> Iterator[WorkerPool]:
    made = WorkerPool(store_path, 1)
    yield made
    made.close()
    made.wait_closed(10)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a thread of its own: the test's thread may already run a loop (other
    tests' plugins), and the pool's exchanges must not share it."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _rows(answer: dict[str, object]) -> list[object]:
    return list(answer["rows"])  # type: ignore[call-overload]


def test_the_same_answer_as_call(pool: WorkerPool) -> None:
    request = {"op": "query", "query": PEOPLE}
    awaited = _run(pool.call_async(request, 30))
    assert awaited["status"] == "ok" and _rows(awaited)
    assert _rows(awaited) == _rows(pool.call(request, 30))
    raw = _run(pool.call_async(request, 30, raw=True))
    assert isinstance(raw["wire"], bytes) and raw["rows"] == awaited["rows"]


def test_past_its_deadline_the_worker_is_replaced(pool: WorkerPool) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="deadline"):
        _run(pool.call_async({"op": "query", "query": SLOW}, 0.5))
    assert time.monotonic() - started < 5
    answer = pool.call({"op": "query", "query": PEOPLE}, 60)  # a fresh worker answers
    assert _rows(answer)


def test_the_loop_runs_while_a_worker_answers(pool: WorkerPool) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def main() -> None:
        ticker = asyncio.create_task(tick())
        with pytest.raises(QueryTimeout):
            await pool.call_async({"op": "query", "query": SLOW}, 1.0)
        ticker.cancel()

    _run(main())
    assert ticks >= 30  # about 100 when nothing waits for the worker on the loop


def test_requests_wait_for_the_one_worker(pool: WorkerPool) -> None:
    async def main() -> list[dict[str, object]]:
        calls = [pool.call_async({"op": "query", "query": PEOPLE}, 30) for _ in range(4)]
        return list(await asyncio.gather(*calls))

    answers = _run(main())
    assert len(answers) == 4 and all(_rows(a) == _rows(answers[0]) for a in answers)


def test_a_cancelled_request_gives_its_worker_back(
    pool: WorkerPool, caplog: pytest.LogCaptureFixture
) -> None:
    # about a second on the sample
    slowish = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

    async def main() -> dict[str, object]:
        waiting = asyncio.create_task(pool.call_async({"op": "query", "query": slowish}, 60))
        await asyncio.sleep(0.2)
        waiting.cancel()  # the client went away
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # the exchange goes on: the only worker is busy until it answers, then free again
        return await pool.call_async({"op": "query", "query": PEOPLE}, 60)

    with caplog.at_level("WARNING"):
        answer = _run(main())
    assert _rows(answer)
    assert len(pool.pids()) == 1  # not killed, not replaced
    assert not any("never retrieved" in r.getMessage() for r in caplog.records)


def test_a_request_cancelled_while_waiting_for_a_worker_takes_none(pool: WorkerPool) -> None:
    async def main() -> dict[str, object]:
        # the one worker is busy until its deadline, then replaced
        busy = asyncio.create_task(pool.call_async({"op": "query", "query": SLOW}, 1.5))
        await asyncio.sleep(0.2)
        waiting = asyncio.create_task(pool.call_async({"op": "query", "query": PEOPLE}, 60))
        await asyncio.sleep(0.2)
        assert not waiting.done() and pool._idle.qsize() == 0  # it waits for a worker
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        with pytest.raises(QueryTimeout):
            await busy
        # the worker the cancelled request was to take comes back to the pool
        return await asyncio.wait_for(pool.call_async({"op": "query", "query": PEOPLE}, 60), 20)

    answer = _run(main())
    assert _rows(answer)
    assert len(pool.pids()) == 1
