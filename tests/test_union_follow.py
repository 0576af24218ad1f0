"""The second dump process follows the N-Triples file as the build writes it: it reads no
further than the build said, to the end once told, and the build never waits for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from villegraph import dump, unionwriter
from villegraph.build import prepare
from villegraph.config import Settings
from villegraph.quality import quality_quads
from villegraph.unionwriter import FollowedFile, followed


def test_a_followed_file_is_read_as_far_as_said(tmp_path: Path) -> None:
    path = tmp_path / "growing.nt"
    data = b"0123456789" * 10
    path.write_bytes(data)  # more on disk than said so far
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as sizes, os.fdopen(write_end, "wb") as say:
        reader = FollowedFile(path, sizes)
        buffer = bytearray(64)
        say.write(b"25\n")
        say.flush()
        assert reader.readinto(buffer) == 25 and bytes(buffer[:25]) == data[:25]
        got: list[int] = []
        waiting = threading.Thread(target=lambda: got.append(reader.readinto(buffer)))
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive()  # nothing more is said: it waits, it does not read on
        say.write(b"40\n")
        say.flush()
        waiting.join(10)
        assert got == [15] and bytes(buffer[:15]) == data[25:40]
        say.write(b"100\n")
        say.close()
        assert reader.readinto(buffer) == 60 and bytes(buffer[:60]) == data[40:]
        assert reader.readinto(buffer) == 0  # read to the last size said; the sizes ended
        reader.close()


def test_reading_a_followed_file_gives_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "growing.nt"
    data = b"".join(b'<urn:s%d> <urn:p> "%d" .\n' % (i, i) for i in range(5000))
    read_end, write_end = os.pipe()

    def writer() -> None:
        with path.open("wb") as handle, os.fdopen(write_end, "wb") as say:
            for start in range(0, len(data), 7_777):
                handle.write(data[start : start + 7_777])
                handle.flush()
                say.write(b"%d\n" % min(len(data), start + 7_777))
                say.flush()

    thread = threading.Thread(target=writer)
    thread.start()
    with os.fdopen(read_end, "rb") as sizes:
        assert followed(path, sizes).read() == data
    thread.join()


def test_a_size_past_the_file_s_end_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "short.nt"
    path.write_bytes(b"abc")
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as say:
        say.write(b"10\n")
    with os.fdopen(read_end, "rb") as sizes, pytest.raises(OSError, match="ends before 10"):
        followed(path, sizes).read()


def test_the_process_following_a_file_writes_what_it_writes_from_its_input(
    tmp_path: Path,
) -> None:
    lines = b"".join(
        b'<urn:s%d> <urn:p> "x%d"@fr .\n<urn:s%d> <urn:q> <urn:o%d> .\n' % (i // 3, i, i // 3, i)
        for i in range(900)
    )
    source = tmp_path / "union.nt"
    source.write_bytes(lines)
    module = [sys.executable, "-m", "villegraph.cli.union_process"]
    records = {}
    for how in ("input", "follow"):
        out = tmp_path / how
        out.mkdir()
        command = [*module, str(out), "urn:x:", "7"]
        if how == "input":
            done = subprocess.run(command, input=lines, capture_output=True, check=True)
        else:
            sizes = b"".join(b"%d\n" % n for n in (1000, 20_000, len(lines)))
            command += ["--follow", str(source)]
            done = subprocess.run(command, input=sizes, capture_output=True, check=True)
        records[how] = json.loads(done.stdout)
        assert (out / "villegraph.ttl").stat().st_size > 0
    assert records["follow"] == records["input"]
    assert (tmp_path / "follow" / "villegraph.jsonld").read_bytes() == (
        tmp_path / "input" / "villegraph.jsonld"
    ).read_bytes()


def test_the_build_does_not_wait_for_the_second_process(
    pipeline_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process reads nothing until the union's N-Triples are written (a flag made
    when the graphs begin): the build must get there with a pipe of one page, more than a page
    of N-Triples written."""
    dataset, _, report = prepare(pipeline_settings)
    dataset.add(quality_quads(report.graph, dataset.base_iri))
    expected = dump.write_dumps(dataset, _fresh(tmp_path / "one"), apart=False)
    flag = tmp_path / "union-written"
    stalled = (
        "import os, runpy, sys, time\n"
        "flag = sys.argv.pop(1)\n"
        "for _ in range(3000):\n"
        "    if os.path.exists(flag): break\n"
        "    time.sleep(0.01)\n"
        "else: sys.exit('the build waited for the second process')\n"
        "runpy.run_module('villegraph.cli.union_process', run_name='__main__')\n"
    )
    enter = unionwriter.UnionProcess.__enter__

    def stalled_enter(self: unionwriter.UnionProcess) -> unionwriter.UnionProcess:
        self.command = [sys.executable, "-c", stalled, str(flag), *self.command[3:]]
        return enter(self)

    graphs = dump.write_graphs

    def flag_then_graphs(*args: object, **kwargs: object) -> None:
        flag.touch()
        graphs(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(unionwriter, "PIPE_BYTES", 4096)
    monkeypatch.setattr(unionwriter.UnionProcess, "__enter__", stalled_enter)
    monkeypatch.setattr(dump, "write_graphs", flag_then_graphs)
    out = _fresh(tmp_path / "two")
    assert dump.write_dumps(dataset, out, apart=True) == expected
    assert (out / "villegraph.nt").stat().st_size > 4096 * 4


def _fresh(path: Path) -> Path:
    path.mkdir()
    return path
