"""Query workers run below the server (`worker.run_below_the_server`): batch-scheduled and
niced, so that a woken worker never preempts the process that dispatches and answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from villegraph.config import Settings
from villegraph.errors import ConfigError
from villegraph.store import load_build
from villegraph.web.engine import PooledStore, WorkerPool


def _batch_allowed() -> bool:
    """Whether a process may make itself a batch task here (Linux; a container's seccomp
    profile could forbid it, and the worker then goes on as it is)."""
    if not hasattr(os, "SCHED_BATCH"):
        return False
    probe = "import os; os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False)
    return done.returncode == 0


linux_only = pytest.mark.skipif(
    not _batch_allowed(), reason="this platform has no SCHED_BATCH a process may choose"
)


@pytest.fixture(scope="module")
def store_path(built_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_build(built_dist, tmp_path_factory.mktemp("priority") / "store")


def _policy_and_nice(pid: int) -> tuple[int, int]:
    return os.sched_getscheduler(pid), os.getpriority(os.PRIO_PROCESS, pid)


@linux_only
def test_workers_are_batch_scheduled_and_niced(store_path: Path) -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    pool = WorkerPool(store_path, 2, nice=5)
    try:
        assert len(pool.pids()) == 2
        for pid in pool.pids():
            assert _policy_and_nice(pid) == (os.SCHED_BATCH, min(19, own + 5))
        # they still answer
        answer = pool.call({"op": "ping"}, 10)
        assert answer["status"] == "ok"
    finally:
        pool.close()
        pool.wait_closed()
    assert _policy_and_nice(0)[1] == own, "the server's own priority is left as it was"


@linux_only
def test_nice_zero_leaves_workers_as_the_server(store_path: Path) -> None:
    own = _policy_and_nice(0)
    pool = WorkerPool(store_path, 1, nice=0)
    try:
        assert [_policy_and_nice(pid) for pid in pool.pids()] == [own]
    finally:
        pool.close()
        pool.wait_closed()


@linux_only
def test_the_served_store_passes_the_setting_to_every_lane(store_path: Path) -> None:
    store = PooledStore(store_path, workers=1, site_workers=1, nice=3)
    try:
        own = os.getpriority(os.PRIO_PROCESS, 0)
        pids = store.pool.pids() + store.in_lane("open").pool.pids()
        assert len(pids) == 2
        assert {_policy_and_nice(pid) for pid in pids} == {(os.SCHED_BATCH, min(19, own + 3))}
    finally:
        store.close()


def test_the_setting_is_read_and_bounded() -> None:
    assert Settings.from_env({}).worker_nice == 5
    assert Settings.from_env({"VILLEGRAPH_WORKER_NICE": "0"}).worker_nice == 0
    for wrong in ("-1", "20"):
        with pytest.raises(ConfigError, match="worker_nice"):
            Settings.from_env({"VILLEGRAPH_WORKER_NICE": wrong})
