"""Input edges: oversize literals and unreadable entries of data/ are one-line errors (exit 2),
found before anything is parsed where possible; nothing is written, the previous dist/ stays."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import villegraph.load as load_module
from villegraph.build import build
from villegraph.config import Settings
from villegraph.errors import ConfigError, InputError
from villegraph.load import load_dataset, parse_file

PREFIX = "@prefix ex: <http://example.org/> .\n"


def _snapshot(dist: Path) -> dict[str, bytes]:
    """Every file of the published build, and what lies beside it."""
    files = {p.name: p.read_bytes() for p in sorted(dist.iterdir())}
    files["<beside>"] = "\n".join(sorted(p.name for p in dist.parent.iterdir())).encode()
    return files


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VILLEGRAPH_")}
    env["VILLEGRAPH_DIST_DIR"] = str(settings.dist_dir)
    return subprocess.run(
        [sys.executable, "-m", "villegraph", "--root", str(settings.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_50_mb_literal_is_one_line_exit_2(pipeline_settings: Settings) -> None:
    assert _cli(pipeline_settings, "build").returncode == 0
    dist = pipeline_settings.dist_dir
    assert dist is not None
    before = _snapshot(dist)
    big = pipeline_settings.root / "data" / "big.ttl"
    with big.open("w", encoding="utf-8") as handle:
        handle.write(PREFIX + '# a comment with a " quote\n')
        handle.write('ex:a ex:b """two\nlines""" , "short \\" escaped" .\n')
        handle.write('ex:a ex:c "' + "x" * 50_000_000 + '" .\n')
    result = _cli(pipeline_settings, "build")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "villegraph: error: data/big.ttl:5: literal of 50000000 bytes is over the limit of "
        "1000000 bytes\n"
    )
    assert _snapshot(dist) == before


def test_the_oversize_literal_is_found_before_parsing(
    pipeline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = pipeline_settings.root / "data" / "long.ttl"
    path.write_text(PREFIX + "ex:a ex:b '''" + "é" * 600 + "''' .\n", encoding="utf-8")

    real_parse = ox.parse

    def no_parsing(*args: object, **kwargs: object) -> object:
        assert not str(kwargs.get("path")).endswith("long.ttl"), "the file was parsed"
        return real_parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module.ox, "parse", no_parsing)
    with pytest.raises(InputError) as caught:
        load_dataset(pipeline_settings.with_(max_literal_bytes=1000))
    assert str(caught.value) == (
        "data/long.ttl:2: literal of 1200 bytes is over the limit of 1000 bytes"
    )


def test_a_literal_at_the_limit_passes(tmp_path: Path) -> None:
    path = tmp_path / "edge.nt"
    text = "y" * 1000
    path.write_text(f'<http://example.org/a> <http://example.org/b> "{text}" .\n', "utf-8")
    triples = parse_file(path, max_literal_bytes=1000)
    assert triples[0][2] == ox.Literal(text)
    with pytest.raises(InputError, match=r"edge.nt:1: literal of 1000 bytes .* limit of 999 "):
        parse_file(path, max_literal_bytes=999)


def test_long_iris_and_comments_are_not_literals(tmp_path: Path) -> None:
    path = tmp_path / "iri.ttl"
    path.write_text(
        f"# {'c' * 3000}\n<http://example.org/{'i' * 3000}> <http://example.org/b> 'ok' .\n",
        "utf-8",
    )
    assert len(parse_file(path, max_literal_bytes=1000)) == 1


def test_formats_without_a_scan_are_checked_after_parsing(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonld"
    path.write_text(
        '[{"@id": "http://example.org/a",\n "http://example.org/b": "' + "z" * 5000 + '"}]\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        parse_file(path, max_literal_bytes=4096)
    assert str(caught.value) == (f"{path}:2: literal of 5000 bytes is over the limit of 4096 bytes")


def test_the_limit_is_a_setting() -> None:
    assert Settings().max_literal_bytes == 1_000_000
    assert Settings.from_env({"VILLEGRAPH_MAX_LITERAL_BYTES": "2048"}).max_literal_bytes == 2048
    with pytest.raises(ConfigError, match="max_literal_bytes 0 must be at least 1"):
        Settings(max_literal_bytes=0)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda data: (data / "gone.ttl").symlink_to("missing.ttl"), "No such file or directory"),
        (
            lambda data: (
                (data / "loop-a.ttl").symlink_to("loop-b.ttl"),
                (data / "loop-b.ttl").symlink_to("loop-a.ttl"),
            ),
            "Too many levels of symbolic links",
        ),
        (lambda data: (data / "sub" / "gone").symlink_to("/nowhere"), "No such file or directory"),
    ],
    ids=["dangling", "looping", "dangling-without-suffix"],
)
def test_unreadable_links_in_data_are_one_line_exit_2(
    pipeline_settings: Settings, make: object, reason: str
) -> None:
    dist = build(pipeline_settings).out_dir
    before = _snapshot(dist)
    data = pipeline_settings.root / "data"
    make(data)  # type: ignore[operator]
    result = _cli(pipeline_settings, "build")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("villegraph: error: data/")
    assert f": cannot read: {reason} (a symbolic link to " in result.stderr
    assert _snapshot(dist) == before


def test_links_in_hidden_or_source_folders_are_ignored(pipeline_settings: Settings) -> None:
    data = pipeline_settings.root / "data"
    (data / ".#editor-lock.ttl").symlink_to("user@host.1234")
    (data / "sources" / "gone.txt").symlink_to("missing.txt")
    (data / "linked.ttl").symlink_to(data / "events.ttl")
    dataset = load_dataset(pipeline_settings)
    assert pipeline_settings.base_iri + "graph/linked" in dataset.files


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_an_unreadable_file_or_folder_is_exit_2(pipeline_settings: Settings) -> None:
    data = pipeline_settings.root / "data"
    locked = data / "sub"
    locked.chmod(0)
    try:
        result = _cli(pipeline_settings, "build")
    finally:
        locked.chmod(0o755)
    assert result.returncode == 2
    assert result.stderr == "villegraph: error: data/sub: cannot read: Permission denied\n"
    (data / "events.ttl").chmod(0)
    result = _cli(pipeline_settings, "build")
    assert result.returncode == 2
    assert result.stderr == "villegraph: error: data/events.ttl: cannot read: Permission denied\n"


def test_a_read_error_while_parsing_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What pyoxigraph raises for a file it may not open (seen as an unprivileged user)."""
    path = tmp_path / "locked.ttl"
    path.write_text(PREFIX, encoding="utf-8")

    def refused(*args: object, **kwargs: object) -> object:
        raise PermissionError("Permission denied (os error 13)")

    monkeypatch.setattr(load_module.ox, "parse", refused)
    with pytest.raises(InputError) as caught:
        parse_file(path, display="data/locked.ttl")
    assert str(caught.value) == "data/locked.ttl: cannot read: Permission denied"


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 64])
def test_the_longest_line_is_measured_across_pieces(tmp_path: Path, piece: int) -> None:
    import mmap
    import random

    from villegraph.load import _longest_line

    chance = random.Random(piece)
    for _ in range(40):
        text = b"".join(
            chance.choice([b"a", b"bb", b"\n", b"\n\n", b"ccccccc"])
            for _ in range(chance.randrange(1, 30))
        )
        path = tmp_path / "lines.txt"
        path.write_bytes(text)
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
            assert _longest_line(m, piece) == max(len(line) for line in text.split(b"\n")), text


def test_a_long_string_of_short_lines_is_found(tmp_path: Path) -> None:
    path = tmp_path / "lines.ttl"
    path.write_text(PREFIX + "ex:a ex:b '''" + "ab\n" * 600 + "''' .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"lines.ttl:2: literal of 1800 bytes .* limit of 1000 "):
        parse_file(path, max_literal_bytes=1000)


def test_a_file_of_short_lines_is_not_tokenised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "short.ttl"
    path.write_text(PREFIX + "".join(f'ex:a{i} ex:b "v{i}" .\n' for i in range(300)), "utf-8")

    class NoTokens:
        def finditer(self, text: object) -> object:
            raise AssertionError("the tokens were read")

    monkeypatch.setattr(load_module, "_TOKENS", NoTokens())
    assert len(parse_file(path, max_literal_bytes=1000)) == 300
    path.write_text(PREFIX + 'ex:a ex:b "' + "x" * 1200 + '" .\n', "utf-8")
    with pytest.raises(AssertionError, match="the tokens were read"):
        parse_file(path, max_literal_bytes=1000)  # a line over the limit: its tokens are read
