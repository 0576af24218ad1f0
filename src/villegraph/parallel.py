"""Work spread over threads where pyoxigraph lets go of the GIL, results in the order given.

pyoxigraph evaluates a query (and serialises its answer) without holding Python's global
lock, so a build's independent queries (the slices of a derivation rule, the shapes of
validation) run side by side on the processors it may use. `ordered_map` gives their results in
the order of the work, so that what a build writes does not depend on which thread was first.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

DEFAULT_MOST = 4
"""Threads a build uses at most unless told otherwise: each running query holds its own working
memory beside the store (benchmarks/RESULTS.md, "two threads")."""

T = TypeVar("T")
R = TypeVar("R")


def processors() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_threads(setting: int = 0) -> int:
    """Threads for a build's queries: `setting` (`VILLEGRAPH_BUILD_THREADS`), or with 0 one per
    processor available, at most `DEFAULT_MOST`."""
    return setting if setting > 0 else max(1, min(DEFAULT_MOST, processors()))


def return_freed_memory() -> None:
    """Ask the C allocator to give freed memory back to the system (glibc's `malloc_trim`):
    memory freed by Rust (the store's, a query's) stays in the C heap, in the arena of the
    thread that used it, where Python's own allocations, made elsewhere, would not reuse it.
    Nothing happens where there is no glibc."""
    import contextlib
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)


def ordered_map(function: Callable[[T], R], items: Iterable[T], threads: int) -> Iterator[R]:
    """`map(function, items)` run by `threads` threads, results in the order of `items`; at most
    twice as many items started as there are threads ahead of the one given back. With one
    thread, plain `map` (nothing started ahead). An error of `function` is raised here, at its
    item's turn; the items not started then are not. Once the threads are done, the memory
    their work freed is given back (`return_freed_memory`)."""
    if threads <= 1:
        yield from map(function, items)
        return
    source = iter(items)
    with ThreadPoolExecutor(threads, thread_name_prefix="villegraph-build") as pool:
        started: deque[Future[R]] = deque(
            pool.submit(function, item) for item in islice(source, 2 * threads)
        )
        try:
            while started:
                result = started.popleft().result()
                for item in islice(source, 1):
                    started.append(pool.submit(function, item))
                yield result
        finally:
            for future in started:
                future.cancel()
    return_freed_memory()


def in_background(function: Callable[[], R]) -> Future[R]:
    """`function()` started on a thread of its own; its result (or error) from the Future. The
    thread does not hold the process up on exit (Ctrl-C ends a build without waiting for it)."""
    future: Future[R] = Future()

    def run() -> None:
        future.set_running_or_notify_cancel()
        try:
            future.set_result(function())
        except BaseException as error:  # handed to whoever reads the result
            future.set_exception(error)

    threading.Thread(target=run, name="villegraph-beside", daemon=True).start()
    return future


__all__ = [
    "DEFAULT_MOST",
    "build_threads",
    "in_background",
    "ordered_map",
    "processors",
    "return_freed_memory",
]
