"""`villegraph.quadscan.scan` reads N-Quads as lines: the same quads give the same keys, however
the file spells them, and the build's own dump (written by the store's serialiser) is read as
it is."""

from __future__ import annotations

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
