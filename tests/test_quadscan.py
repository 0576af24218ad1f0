"""`villegraph.quadscan.scan` reads N-Quads as lines: the same quads give the same keys, however
the file spells them, and the build's own dump (written by the store's serialiser) is read as
it is."""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyoxigraph as ox
import pytest

from villegraph.errors import InputError
from villegraph.quadscan import Scan, Terms, scan

EX = "http://example.org/"
CANONICAL = (
    f'<{EX}a> <{EX}p> "plain" <{EX}g> .\n'
    f'<{EX}a> <{EX}p> "with <{EX}x> inside" <{EX}g> .\n'
    f'<{EX}a> <{EX}p> "ends with a space " <{EX}g> .\n'
    f'<{EX}a> <{EX}p> "a \\"quoted\\" <b> _:c"@fr <{EX}g> .\n'
    f'<{EX}a> <{EX}p> "7"^^<http://www.w3.org/2001/XMLSchema#integer> <{EX}g> .\n'
    f"<{EX}a> <{EX}p> <{EX}b> <{EX}g> .\n"
    f"<{EX}a> <{EX}p> <{EX}b> .\n"
    f'<{EX}a> <{EX}p> "in the default graph, with spaces" .\n'
    f"<{EX}a> <{EX}p> _:b1 <{EX}h> .\n"
    f"_:b1 <{EX}p> <{EX}c> _:graph .\n"
    f'<{EX}é> <{EX}p> "été\\nligne" <{EX}g> .\n'
    f'<{EX}a> <{EX}q> "<< not a triple >>" <{EX}g> .\n'
)
RESPELLED = (
    "# the same quads, spelled otherwise\n"
    f'<{EX}a>   <{EX}p>\t"plain"^^<http://www.w3.org/2001/XMLSchema#string> <{EX}g> .\n'
    f'<{EX}a> <{EX}p> "with <{EX}x> inside"   <{EX}g>.\n'
    f'<{EX}a> <{EX}p> "ends with a space " <{EX}g> .\n'
    f'<{EX}a> <{EX}p> "a \\u0022quoted\\" <b> _:c"@fr <{EX}g> .\n'
    f'<{EX}a> <{EX}p> "7"^^<http://www.w3.org/2001/XMLSchema#integer> <{EX}g> .\n'
    f"<{EX}a> <{EX}p> <{EX}b> <{EX}g> .\n"
    f"<{EX}a> <{EX}p> <{EX}b>.\n"
    f'<{EX}a> <{EX}p> "in the default graph, with spaces" .\n'
    f"<{EX}a> <{EX}p> _:b1 <{EX}h> .\n"
    f"_:b1 <{EX}p> <{EX}c> _:graph .\n"
    f'<{EX}\\u00E9> <{EX}p> "\\u00E9t\\u00E9\\nligne" <{EX}g> .\n'
    f'<{EX}a> <{EX}q> "<< not a triple >>"   <{EX}g> .\n'
)


def _rows(found: Scan, terms: Terms) -> list[tuple[object, ...]]:
    return sorted(
        zip(
            (terms.graph_names[g] for g in found.graph),
            found.high.tolist(),
            found.low.tolist(),
            (terms.subject_names[s] for s in found.subject),
            strict=True,
        )
    )


def test_the_serialiser_writes_the_canonical_text() -> None:
    quads = ox.parse(CANONICAL.encode(), format=ox.RdfFormat.N_QUADS)
    assert ox.serialize(quads, format=ox.RdfFormat.N_QUADS) == CANONICAL.encode()


def test_any_spelling_gives_the_keys_of_the_canonical_text(tmp_path: Path) -> None:
    canonical, respelled = tmp_path / "a.nq", tmp_path / "b.nq"
    canonical.write_text(CANONICAL, encoding="utf-8")
    respelled.write_text(RESPELLED, encoding="utf-8")
    terms = Terms()
    as_written = scan(canonical, terms, canonical=True)
    parsed = scan(canonical, terms)
    other = scan(respelled, terms)
    assert _rows(as_written, terms) == _rows(parsed, terms) == _rows(other, terms)
    assert len(as_written) == 12
    assert as_written.triples == 11  # <a> <p> <b> is in two graphs
    assert not other.missing_from(as_written).any()
    assert set(terms.graph_names) == {f"{EX}g", f"{EX}h", ""}  # a blank graph name: default
    assert f"<{EX}é>" in terms.subject_names


def test_watched_quads_are_kept_in_words(tmp_path: Path) -> None:
    path = tmp_path / "a.nq"
    path.write_text(CANONICAL, encoding="utf-8")
    for canonical in (True, False):
        terms = Terms()
        found = scan(path, terms, {f"<{EX}p>": {f"<{EX}b>", '"plain"'}}, canonical=canonical)
        kept = {(terms.subject_names[s], p, o, terms.graph_names[g]) for s, p, o, g in found.kept}
        assert kept == {
            (f"<{EX}a>", f"<{EX}p>", '"plain"', f"{EX}g"),
            (f"<{EX}a>", f"<{EX}p>", f"<{EX}b>", f"{EX}g"),
            (f"<{EX}a>", f"<{EX}p>", f"<{EX}b>", ""),
        }
        assert np.all(np.diff(found.graph.astype(np.int64)) >= 0)  # sorted by graph


def test_an_unreadable_line_is_named_with_its_line_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.nq"
    good = f"<{EX}a> <{EX}p> <{EX}b> <{EX}g> .\n"
    path.write_text(good * 3 + f"<{EX}a> <{EX}p> .\n", encoding="utf-8")
    for canonical in (True, False):
        with pytest.raises(InputError) as caught:
            scan(path, Terms(), canonical=canonical)
        assert "not N-Quads" in str(caught.value) and "line 4" in str(caught.value)
        assert "bad.nq" in str(caught.value)


def test_a_build_names_its_serialiser_and_its_dump_is_read_as_written(tmp_path: Path) -> None:
    import json

    from villegraph.diff import diff, read_build
    from villegraph.quadscan import SERIALISER

    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "villegraph.nq").write_text(CANONICAL, encoding="utf-8")
    (folder / "build.json").write_text(json.dumps({"serialiser": SERIALISER}), encoding="utf-8")
    other = tmp_path / "other.nq"
    other.write_text(RESPELLED, encoding="utf-8")
    built, plain = read_build(folder), read_build(other)
    assert built.canonical and not plain.canonical
    (folder / "build.json").write_text(json.dumps({"serialiser": "pyoxigraph 0.1"}), "utf-8")
    assert not read_build(folder).canonical
    for old, new in ((built, plain), (plain, built)):
        changes = diff(old, new)
        assert not changes.added and not changes.removed and not changes.changed
        assert changes.triples_after == changes.triples_before == 11


def test_parts_cut_a_file_at_line_starts_and_cover_it(tmp_path: Path) -> None:
    from villegraph.quadscan import _parts

    path = tmp_path / "data.nq"
    path.write_text(CANONICAL * 7, encoding="utf-8")
    data = path.read_bytes()
    for size in (1, 50, 333, len(data) - 1, len(data), 10 * len(data)):
        parts = _parts(path, size)
        assert parts[0][0] == 0 and parts[-1][1] == len(data)
        assert all(stop == start for (_, stop), (start, _) in pairwise(parts))
        assert all(data[start - 1 : start] == b"\n" for start, _ in parts[1:])
        assert all(stop > start for start, stop in parts)


def test_files_read_in_parts_by_other_processes_scan_as_one_reading(tmp_path: Path) -> None:
    """Two files (one canonical, one spelled otherwise, with duplicates) in parts of 150
    bytes read by two processes: the same numbering, rows, counts and kept quads."""
    from villegraph.quadscan import ANYTHING, scan_files

    first, second = tmp_path / "first.nq", tmp_path / "second.nq"
    first.write_text(CANONICAL * 3, encoding="utf-8")
    second.write_text(RESPELLED * 2 + f"<{EX}z> <{EX}p> <{EX}b> <{EX}k> .\n", encoding="utf-8")
    watch = {f"<{EX}q>": ANYTHING}
    files = [(first, True), (second, False)]
    terms, scans = scan_files(files, watch, processes=1)
    parted_terms, parted = scan_files(files, watch, processes=2, part_bytes=150)
    assert parted_terms == terms
    for one, apart in zip(scans, parted, strict=True):
        assert (len(apart), apart.triples, apart.kept) == (len(one), one.triples, one.kept)
        # keys come from another hash seed: compare the rows without them
        assert sorted(zip(apart.graph.tolist(), apart.subject.tolist(), strict=True)) == sorted(
            zip(one.graph.tolist(), one.subject.tolist(), strict=True)
        )
    assert int(parted[1].missing_from(parted[0]).sum()) == int(
        scans[1].missing_from(scans[0]).sum()
    )


class _Fatal(dict[str, object]):
    """A mapping like any other here, that ends abruptly the process it is sent to."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return os._exit, (9,)


def test_a_part_process_that_ends_abruptly_leaves_the_reading_to_this_one(
    tmp_path: Path,
) -> None:
    """A process reading a part is killed (as for memory): the files are read again here,
    with the scans of one reading."""
    from villegraph.quadscan import ANYTHING, scan_files

    path = tmp_path / "data.nq"
    path.write_text(CANONICAL * 3, encoding="utf-8")
    watch = _Fatal({f"<{EX}q>": ANYTHING})
    terms, scans = scan_files([(path, True)], dict(watch), processes=1)
    again_terms, again = scan_files([(path, True)], watch, processes=2, part_bytes=150)
    assert again_terms == terms
    assert (len(again[0]), again[0].triples, again[0].kept) == (
        len(scans[0]),
        scans[0].triples,
        scans[0].kept,
    )
    assert again[0].high.tolist() == scans[0].high.tolist()


def test_quads_of_a_file_in_parts_are_those_of_one_reading_in_its_order(tmp_path: Path) -> None:
    from villegraph.quadscan import quads_of

    path = tmp_path / "data.nq"
    path.write_text(CANONICAL * 4 + RESPELLED, encoding="utf-8")
    subjects = {f"<{EX}a>", f"<{EX}é>", "_:b1"}
    one = list(quads_of(path, subjects))
    assert {quad[0] for quad in one} == subjects
    assert list(quads_of(path, subjects, processes=2, part_bytes=120)) == one


class _FatalPath(type(Path())):  # type: ignore[misc]
    """A path like any other here, that ends abruptly the process it is sent to."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return os._exit, (9,)


def test_quads_of_a_part_whose_process_ends_abruptly_are_read_here(tmp_path: Path) -> None:
    from villegraph.quadscan import quads_of

    (tmp_path / "data.nq").write_text(CANONICAL * 4, encoding="utf-8")
    path = _FatalPath(tmp_path / "data.nq")
    subjects = {f"<{EX}a>"}
    one = list(quads_of(path, subjects))
    assert one
    assert list(quads_of(path, subjects, processes=2, part_bytes=120)) == one
