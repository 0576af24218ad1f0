"""`villegraph.parallel`: results in the order of the work, a bounded look-ahead, errors at
their item's turn, and the number of threads a build uses."""

from __future__ import annotations

import random
import threading
import time

import pytest

from villegraph.config import Settings
from villegraph.errors import ConfigError
from villegraph.parallel import (
    DEFAULT_MOST,
    build_threads,
    in_background,
    ordered_map,
    processors,
)


def test_results_come_in_the_order_of_the_items_whatever_finishes_first() -> None:
    pauses = [random.Random(7).uniform(0, 0.01) for _ in range(40)]
    pauses.reverse()  # later items tend to finish first
    names: set[str] = set()

    def slow_square(index: int) -> int:
        time.sleep(pauses[index])
        names.add(threading.current_thread().name)
        return index * index

    assert list(ordered_map(slow_square, range(40), 3)) == [i * i for i in range(40)]
    assert len(names) > 1  # the work was shared


def test_one_thread_is_plain_map_in_the_calling_thread() -> None:
    names: list[str] = []

    def note(item: int) -> int:
        names.append(threading.current_thread().name)
        return item + 1

    assert list(ordered_map(note, [1, 2, 3], 1)) == [2, 3, 4]
    assert set(names) == {threading.current_thread().name}


def test_at_most_twice_the_threads_are_started_ahead() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def note(item: int) -> int:
        with lock:
            started.append(item)
        return item

    results = ordered_map(note, range(100), 2)
    assert next(results) == 0
    time.sleep(0.05)
    with lock:
        assert max(started) <= 4  # item 0 given back, items 1–4 started at most
    results.close()


def test_an_error_is_raised_at_its_items_turn_and_later_items_are_not_started() -> None:
    started: list[int] = []

    def fails_on_three(item: int) -> int:
        started.append(item)
        if item == 3:
            raise ValueError("three")
        return item

    found: list[int] = []
    with pytest.raises(ValueError, match="three"):
        for result in ordered_map(fails_on_three, range(50), 2):
            found.append(result)
    assert found == [0, 1, 2]
    assert max(started) < 10


def test_work_in_the_background_runs_beside_the_caller_and_hands_back_its_result() -> None:
    go = threading.Event()
    where: list[threading.Thread] = []

    def waits_for_the_caller() -> int:
        where.append(threading.current_thread())
        assert go.wait(5)  # the caller goes on meanwhile
        return 42

    future = in_background(waits_for_the_caller)
    go.set()
    assert future.result(5) == 42
    assert where[0] is not threading.current_thread() and where[0].daemon


def test_an_error_in_the_background_is_raised_where_the_result_is_read() -> None:
    def fails() -> int:
        raise ValueError("counted wrong")

    future = in_background(fails)
    with pytest.raises(ValueError, match="counted wrong"):
        future.result(5)


def test_a_build_uses_one_thread_per_processor_up_to_four_unless_told() -> None:
    assert build_threads(0) == max(1, min(DEFAULT_MOST, processors()))
    assert build_threads(3) == 3
    assert Settings.from_env({"VILLEGRAPH_BUILD_THREADS": "2"}).build_threads == 2
    with pytest.raises(ConfigError, match="build_threads"):
        Settings.from_env({"VILLEGRAPH_BUILD_THREADS": "-1"})


def test_a_large_store_has_its_shapes_evaluated_one_at_a_time_unless_told(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default, from `SHAPES_APART_BELOW` quads, validation holds one query at a time;
    `VILLEGRAPH_BUILD_THREADS` set says how many, whatever the size."""
    from dataclasses import replace

    from villegraph import build
    from villegraph.load import load_dataset

    asked: list[int] = []
    monkeypatch.setattr(build, "validate_store", lambda *args, **_: asked.append(args[3]))
    dataset = load_dataset(settings)
    build.validate_dataset(dataset, settings)
    monkeypatch.setattr(build, "SHAPES_APART_BELOW", len(dataset.store))
    build.validate_dataset(dataset, settings)
    build.validate_dataset(dataset, replace(settings, build_threads=3))
    assert asked == [build_threads(0), 1, 3]
