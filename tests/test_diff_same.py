"""The streaming diff writes what the previous one wrote: changes.md, changes.json and the
Turtle of `villegraph diff`, byte for byte, on the seed build, on two builds of a generated
network (entities added, removed and changed, SHACL results appearing and going, a literal the
store rewrites, blank nodes), on hand-edited N-Quads (default graph, duplicates, escapes,
comments, a triple moved between graphs) and on random builds; cut at every limit
(VILLEGRAPH_CHANGES_LIMIT) and whole. The reference is `tests/reference_diff.py`: the previous
implementation, every quad of both builds in Python sets.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import reference_diff as reference
from click.testing import CliRunner

from villegraph import quadscan
from villegraph.build import build
from villegraph.cli import main
from villegraph.config import Settings
from villegraph.diff import (
    Changes,
    changes_since,
    diff,
    diff_paths,
    read_build,
    scan_of_store,
    to_json_text,
    to_markdown,
    to_turtle,
)
from villegraph.dump import StatisticsCounter, write_dumps
from villegraph.errors import InputError
from villegraph.load import LoadedDataset
from villegraph.synth import generate

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "src" / "villegraph" / "resources" / "ontology"
BASE = "https://w3id.org/villegraph/"
LIMITS = (0, 1, 2, 3, 5, 8, 1000)
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _texts(changes: Changes) -> tuple[str, str, str]:
    """The three printed forms."""
    return to_markdown(changes), to_json_text(changes), to_turtle(changes)


def _same(previous: Path | None, new: Path, limits: tuple[int, ...] = LIMITS) -> Changes:
    """Both implementations on a build folder (and its previous one), at each limit; the whole
    diff of the two by `diff_paths` too. Returns the whole changes."""
    for limit in limits:
        expected = reference.build_changes(previous, new, "dist", limit)
        assert _texts(changes_since(previous, new, "dist", limit)) == _texts(expected), limit
    whole = changes_since(previous, new, "dist", 0)
    if previous is not None:
        assert _texts(diff_paths(previous, new)) == _texts(reference.diff_paths(previous, new))
    with _small_parts():  # the dumps cut into parts read by two other processes
        assert _texts(changes_since(previous, new, "dist", 3, processes=2)) == _texts(
            reference.build_changes(previous, new, "dist", 3)
        )
        if previous is not None:
            assert _texts(diff_paths(previous, new, processes=2)) == _texts(
                reference.diff_paths(previous, new)
            )
    return whole


@contextmanager
def _small_parts(size: int = 3000) -> Iterator[None]:
    """`quadscan.scan_files` and `quadscan.quads_of` cutting files into parts of `size` bytes."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quadscan, "PART_BYTES", size)
        yield


def test_same_changes_on_the_seed_build(built_dist: Path) -> None:
    first = _same(None, built_dist)
    assert first.first_build and first.added and not first.changed
    nothing = _same(built_dist, built_dist, (0, 1))
    assert nothing.counts() == dict.fromkeys(("added", "removed", "changed", "appeared", "gone"), 0)
    assert nothing.triples_before == nothing.triples_after > 0


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture(scope="module")
def network_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two builds of a generated network (100 people, seed 1): the first kept as `old/`, the
    second of data edited as a curator would: a person gone, another come, three renamed, a
    passage's line written "02" (the store keeps 2, the dump what is written), a blank node's
    English label gone, a session's weekday corrected (its warning goes) and another's printed
    wrong (a warning appears)."""
    root = tmp_path_factory.mktemp("network")
    data = root / "data"
    generate(
        data,
        people=100,
        seed=1,
        themes_path=ONTOLOGY / "themes.ttl",
        roles_path=ROOT / "data" / "roles.ttl",
    )
    people = (data / "people.ttl").read_text(encoding="utf-8")
    head, _, rest = people.partition("\n\n<person/")
    block = "<person/" + rest.split("\n\n")[0]
    first = block.split(" ")[0]

    def extra(person: str, note: str) -> None:
        text = f"{head}\n\n{block.replace(first, person, 1)}\n\n_:note rdfs:label {note} .\n"
        (data / "extra.ttl").write_text(text, encoding="utf-8")

    def edit(name: str, old: str, new: str) -> None:
        path = data / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    extra("<person/leaving>", '"une note"@fr , "a note"@en')
    edit("events.ttl", 'vg:printedWeekday "lundi"@fr', 'vg:printedWeekday "mardi"@fr')
    settings = Settings(root=ROOT, data_dir=data, dist_dir=root / "dist")
    build(settings)
    assert settings.dist_dir is not None
    old = root / "old"
    shutil.copytree(settings.dist_dir.resolve(), old)

    extra("<person/arriving>", '"une note"@fr')
    edit("events.ttl", 'vg:printedWeekday "mardi"@fr', 'vg:printedWeekday "lundi"@fr')
    edit("events.ttl", 'vg:printedWeekday "vendredi"@fr', 'vg:printedWeekday "lundi"@fr')
    names = [line.split('"')[1] for line in people.splitlines() if "foaf:name" in line][:3]
    for name in names:
        edit("people.ttl", f'foaf:name "{name}"', f'foaf:name "{name} Renamed"')
    line = 'vg:startLine "2"^^xsd:positiveInteger'
    edit("source.ttl", line, line.replace('"2"', '"02"'))
    build(settings)
    return old, settings.dist_dir


def test_same_changes_between_two_builds_of_a_generated_network(
    network_builds: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = network_builds
    whole = _same(old, new)
    assert [e.iri for e in whole.added] == [BASE + "person/arriving"]
    assert [e.iri for e in whole.removed] == [BASE + "person/leaving"]
    assert len(whole.changed) >= 4  # three people renamed, one passage's line written anew
    assert any('"02"^^' in q[2] for e in whole.changed for q in e.added)
    assert [r.focus.rsplit("/", 1)[1] for r in whole.appeared] == ["seance-synthetique-1-2"]
    assert [r.focus.rsplit("/", 1)[1] for r in whole.gone] == ["seance-synthetique-1-1"]
    assert whole.appeared[0].focus_label.startswith("Séance synthétique 2 du cycle 1")
    extra = next(g for g in whole.graphs if g.graph == BASE + "graph/extra")
    assert extra.removed > extra.added > 0  # the blank node lost its English label
    (tmp_path / "villegraph.nq").write_bytes((new / "villegraph.nq").read_bytes())
    written = reference.build_changes(old, tmp_path, "dist", 1000)  # as the build saw it then
    assert (new / "changes.md").read_text(encoding="utf-8") == to_markdown(written)
    assert (new / "changes.json").read_text(encoding="utf-8") == to_json_text(written)


def _from_store(folder: Path) -> tuple[LoadedDataset, int]:
    """The store a build's dump describes, with the literals the store rewrites noted as
    written (as the build held them), and the union's triples as its dumps count them."""
    dataset = LoadedDataset(BASE)
    dataset.add(ox.parse(path=folder / "villegraph.nq", format=ox.RdfFormat.N_QUADS))
    counter = StatisticsCounter(dataset)
    for _ in counter.count(dataset.union()):
        pass
    return dataset, counter.triples


@pytest.mark.parametrize("which", ["seed", "old", "new"])
def test_a_first_build_compared_from_its_store_is_the_reading_of_its_dump(
    which: str, built_dist: Path, network_builds: tuple[Path, Path]
) -> None:
    """A first build's changes are made from its store (`scan_of_store`), not read from its
    dump: the same texts at every limit, on builds with SHACL results, blank nodes, a literal
    the store rewrites."""
    folder = {"seed": built_dist, "old": network_builds[0], "new": network_builds[1]}[which]
    dataset, triples = _from_store(folder)
    for limit in LIMITS:
        got = changes_since(
            None,
            folder,
            "dist",
            limit,
            scanned=scan_of_store(dataset.store, dataset.written, triples),
        )
        assert _texts(got) == _texts(reference.build_changes(None, folder, "dist", limit)), limit
    whole = changes_since(
        None, folder, "dist", 0, scanned=scan_of_store(dataset.store, dataset.written, triples)
    )
    assert whole.first_build and whole.added and whole.triples_after == triples
    if which != "seed":
        assert whole.appeared  # the network's session printed on the wrong weekday
    # the store's scan has no keys: it cannot be compared with another build
    _, found = scan_of_store(dataset.store, dataset.written, triples)
    with pytest.raises(ValueError, match="no keys"):
        found.missing_from(found)


def test_a_store_holding_literals_written_two_ways_is_counted_as_its_dump(
    tmp_path: Path,
) -> None:
    """One stored literal written two ways in a graph is two lines of the dump: the store's
    scan counts both, as reading the dump does (and a SHACL result, a blank node, a literal
    focus node, the same triple in two graphs)."""
    g1, g2, quality = (f"<{BASE}graph/{name}>" for name in ("one", "two", "quality"))
    decimal, integer = (f"<http://www.w3.org/2001/XMLSchema#{t}>" for t in ("decimal", "integer"))
    a, n, label = f"<{BASE}a>", f"<{BASE}def#n>", "<http://www.w3.org/2000/01/rdf-schema#label>"
    text = "\n".join(
        [
            f'{a} {label} "A" {g1} .',
            f'{a} {label} "A" {g2} .',
            f'{a} {n} "1.50"^^{decimal} {g1} .',
            f'{a} {n} "1.5"^^{decimal} {g1} .',
            f'{a} {n} "01"^^{integer} {g2} .',
            f'_:b {label} "b" {g1} .',
            f"<{BASE}r> {RDF_TYPE} <{SH}ValidationReport> {quality} .",
            f"<{BASE}r> <{SH}result> <{BASE}r1> {quality} .",
            f"<{BASE}r1> {RDF_TYPE} <{SH}ValidationResult> {quality} .",
            f'<{BASE}r1> <{SH}focusNode> "1.50"^^{decimal} {quality} .',
            f"<{BASE}r1> <{SH}resultSeverity> <{SH}Warning> {quality} .",
            f"<{BASE}r2> {RDF_TYPE} <{SH}ValidationResult> {quality} .",
            f"<{BASE}r2> <{SH}focusNode> {a} {quality} .",
        ]
    )
    dataset = LoadedDataset(BASE)
    dataset.add(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))
    counter = StatisticsCounter(dataset)
    write_dumps(dataset, tmp_path, counter)
    for limit in (0, 1, 2, 1000):
        scanned = scan_of_store(dataset.store, dataset.written, counter.triples)
        got = changes_since(None, tmp_path, "dist", limit, scanned=scanned)
        expected = reference.build_changes(None, tmp_path, "dist", limit)
        assert _texts(got) == _texts(expected), limit
    counts = {g.graph: g.after for g in expected.graphs}
    assert counts[f"{BASE}graph/one"] == 4  # "1.50" and "1.5": one in the store, two lines
    assert [e.triples for e in expected.added if e.iri == f"{BASE}a"] == [5]
    assert len(expected.appeared) == 2


def test_a_first_build_writes_the_changes_its_dump_gives(
    network_builds: tuple[Path, Path], tmp_path: Path
) -> None:
    """The first build of the network (with a SHACL result and blank nodes) wrote, from its
    store, what reading its dump gives."""
    old, _ = network_builds
    (tmp_path / "villegraph.nq").write_bytes((old / "villegraph.nq").read_bytes())
    written = reference.build_changes(None, tmp_path, "dist", 1000)  # as the build saw it then
    assert written.first_build and written.appeared
    assert (old / "changes.md").read_text(encoding="utf-8") == to_markdown(written)
    assert (old / "changes.json").read_text(encoding="utf-8") == to_json_text(written)


def test_a_large_first_build_reads_its_dump_after_letting_its_store_go(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above `SCAN_STORE_UP_TO` quads, a first build's changes are read from its dump (the
    store let go first), below it counted in the store: the same files either way."""
    import villegraph.build as building

    calls: list[int] = []
    counted = building.scan_of_store

    def spied(*args: object) -> object:
        calls.append(1)
        return counted(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(building, "scan_of_store", spied)
    small = build(settings, tmp_path / "small").out_dir
    assert calls == [1]
    monkeypatch.setattr(building, "SCAN_STORE_UP_TO", 0)
    large = build(settings, tmp_path / "large").out_dir
    assert calls == [1]
    for name in ("changes.md", "changes.json"):
        assert (small / name).read_bytes().replace(b"small", b"large") == (
            large / name
        ).read_bytes()


def test_the_cli_prints_what_it_printed(network_builds: tuple[Path, Path]) -> None:
    old, new = network_builds
    for name, writer in (("text", to_markdown), ("json", to_json_text), ("turtle", to_turtle)):
        result = CliRunner().invoke(
            main, ["--root", str(ROOT), "diff", str(old), str(new), "--format", name]
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == writer(reference.diff_paths(old, new)), name


def test_same_changes_on_hand_edited_nquads(
    network_builds: tuple[Path, Path], tmp_path: Path
) -> None:
    """N-Quads as anyone may write them: the default graph, a blank node as a graph name,
    duplicate lines, comments, escaped IRIs, a triple moved to another graph, results
    renamed, added without IRI, taken away."""
    old_lines = (network_builds[0] / "villegraph.nq").read_text(encoding="utf-8").splitlines()
    quality = f"<{BASE}graph/quality>"
    people = f"<{BASE}graph/people>"
    person = next(line.split(" ")[0] for line in old_lines if line.endswith(f"{people} ."))
    gone = next(line.split(" ")[0] for line in old_lines if f"<{SH}ValidationResult>" in line)
    extra = [
        f'<{BASE}thing/a> <http://www.w3.org/2000/01/rdf-schema#label> "par défaut" .',
        f"<{BASE}thing/a> {RDF_TYPE} <http://xmlns.com/foaf/0.1/Person> _:graph .",
        f'<{BASE}thing/b> <http://purl.org/dc/terms/title> "B"@en {people} .',
    ]
    new_lines = [line for line in old_lines if not line.startswith(gone)]
    new_lines = [line.replace(person, f"<{BASE}person/\\u0061-renamed>") for line in new_lines]
    moved = next(
        i for i, line in enumerate(new_lines) if line.endswith(f"{people} .") and person not in line
    )
    new_lines[moved] = new_lines[moved].replace(people, f"<{BASE}graph/elsewhere>")
    appeared = [
        f"_:r1 {RDF_TYPE} <{SH}ValidationResult> {quality} .",
        f"_:r1 <{SH}focusNode> {person} {quality} .",
        f'_:r1 <{SH}resultMessage> "Un message"@fr {quality} .',
        f'_:r1 <{SH}resultMessage> "A message"@en {quality} .',
        f"_:r1 <{SH}resultSeverity> <{SH}Warning> {quality} .",
        f"<{BASE}quality/new> {RDF_TYPE} <{SH}ValidationResult> {quality} .",
        f"<{BASE}quality/new> <{SH}focusNode> <{BASE}thing/b> {quality} .",
    ]
    old_path, new_path = tmp_path / "old.nq", tmp_path / "new.nq"
    old_path.write_text("\n".join([*old_lines, *extra[:2]]) + "\n", encoding="utf-8")
    new_path.write_text(
        "# edited by hand\n"
        + "\n".join([*new_lines, *new_lines[:50], extra[0], "  " + extra[2]]).replace(" .", "  .")
        + "\n"
        + "\r\n".join(appeared)  # other line ends
        + "\r\n",
        encoding="utf-8",
    )
    expected = reference.diff(reference.read_build(old_path), reference.read_build(new_path))
    for limit in LIMITS:
        got = diff(read_build(old_path), read_build(new_path), limit)
        assert _texts(got) == _texts(expected.cut(limit)), limit
    whole = diff_paths(old_path, new_path)
    assert whole.appeared and whole.gone and whole.added and whole.removed and whole.changed
    assert "" in {g.graph for g in whole.graphs}


def _random_nquads(rng: random.Random, size: int) -> list[str]:
    subjects = [f"<{BASE}s/{i}>" for i in range(12)] + ["_:b1", "_:b2"]
    predicates = [
        "<http://www.w3.org/2000/01/rdf-schema#label>",
        "<http://xmlns.com/foaf/0.1/name>",
        "<http://purl.org/dc/terms/title>",
        f"<{BASE}def#p>",
        RDF_TYPE,
        f"<{SH}focusNode>",
        f"<{SH}resultMessage>",
    ]
    objects = [
        '"un"@fr',
        '"one"@en',
        '"eins"@de',
        '"plain"',
        '""',
        '"x"^^<http://www.w3.org/2001/XMLSchema#integer>',
        f"<{BASE}s/1>",
        f"<{BASE}s/2>",
        "_:b1",
        f"<{SH}ValidationResult>",
        f"<{SH}ValidationReport>",
    ]
    graphs = ["", f" <{BASE}graph/a>", f" <{BASE}graph/b>", f" <{BASE}graph/quality>"]
    lines = []
    for _ in range(size):
        s, p, o = rng.choice(subjects), rng.choice(predicates), rng.choice(objects)
        lines.append(f"{s} {p} {o}{rng.choice(graphs)} .")
    return lines


@pytest.mark.parametrize("seed", range(12))
def test_same_changes_on_random_builds(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    old = _random_nquads(rng, rng.randint(0, 60))
    new = rng.sample(old, len(old) // 2) + _random_nquads(rng, rng.randint(0, 60))
    (tmp_path / "old.nq").write_text("\n".join(old) + "\n", encoding="utf-8")
    (tmp_path / "new.nq").write_text("\n".join(new) + "\n", encoding="utf-8")

    expected = reference.diff(
        reference.read_build(tmp_path / "old.nq"), reference.read_build(tmp_path / "new.nq")
    )
    for limit in LIMITS:
        got = diff(read_build(tmp_path / "old.nq"), read_build(tmp_path / "new.nq"), limit)
        assert _texts(got) == _texts(expected.cut(limit)), limit
    first = reference.diff(None, reference.read_build(tmp_path / "new.nq"))
    for limit in LIMITS:
        got = diff(None, read_build(tmp_path / "new.nq"), limit)
        assert _texts(got) == _texts(first.cut(limit)), limit
    if seed % 4 == 0:  # the same read in parts of about 300 bytes by two processes
        with _small_parts(300):
            got = diff(read_build(tmp_path / "old.nq"), read_build(tmp_path / "new.nq"), 3, 2)
            assert _texts(got) == _texts(expected.cut(3))


def test_an_unreadable_previous_build_is_a_first_build(built_dist: Path, tmp_path: Path) -> None:
    broken = tmp_path / "previous"
    broken.mkdir()
    (broken / "villegraph.nq").write_text("<a> <b> .\n", encoding="utf-8")
    got = changes_since(broken, built_dist, "dist", 5)
    assert got.first_build
    assert _texts(got) == _texts(reference.build_changes(broken, built_dist, "dist", 5))
    with _small_parts():  # an error in another process: the same
        assert _texts(changes_since(broken, built_dist, "dist", 5, processes=2)) == _texts(got)
        with pytest.raises(InputError) as apart:
            diff_paths(built_dist, broken, processes=2)
    with pytest.raises(InputError) as caught:
        diff_paths(built_dist, broken)
    with pytest.raises(InputError) as expected:
        reference.diff_paths(built_dist, broken)
    assert str(caught.value) == str(expected.value) == str(apart.value)
