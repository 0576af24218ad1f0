"""Read the ontology, the thesaurus and the data files into one dataset, one named graph per file.

Parsing uses pyoxigraph. Its parser keeps every literal exactly as written, but its `Store`
canonicalises literals (`"5"^^xsd:positiveInteger` is stored as `"5"^^xsd:integer`, `"1.50"` as
`"1.5"`). So a `LoadedDataset` is an in-memory Oxigraph store (the one copy of the data: SPARQL
for the rules, the shapes and the dumps) and, for the few triples whose literal the store
changed, their written form per graph (`villegraph.shacl.written`): the dumps and SHACL see the
data exactly as written without a second copy of it in Python. Files are written with the
default base IRI; when the configured base differs, every IRI under the default base (except
the ontology namespace) is rewritten while reading. Blank nodes get labels made from their content
(`villegraph.bnodes`), so that every build of the same files writes the same dumps.

A Turtle or N-Triples file of `STORE_READS_FROM` bytes or more, under the default base and
without `_:` or `[` in its bytes, is read twice at once: by the store itself (its bulk loader, on
a thread of its own: it lets go of Python's lock) and by the parser, for the checks and the
literals' written forms. The store's reading is kept when the file parses and checks without
error and has no blank node (a collection); otherwise its graph is taken out again (the parsed
triples, relabelled, go in instead, or the error is raised).

Limits: a literal longer than `Settings.max_literal_bytes` (1 MB by default; bytes of its lexical
form as written) is an InputError naming the file and line. For Turtle, TriG, N-Triples and
N-Quads files larger than the limit, a scan of the file's string tokens (memory-mapped, no
parsing; skipped when the file has no long string and no line over the limit) finds it before
anything is parsed; other formats are checked after parsing. An entry of
`data/` that cannot be read (a dangling or looping symbolic link, a folder or file without
permission) is an InputError too, never skipped.

Curation files (`data/**/*.yaml`, see `villegraph.records` and docs/curation.md) are read beside
the RDF files: each becomes a named graph named like a Turtle file's (`data/curated/seed.yaml` →
`{base}graph/curated-seed`). A draft (`status: draft`) is left out unless `include_drafts`; then
its graph is typed `vg:Unreviewed`. A curation file may refer to resources of any other file;
those references are resolved once every file is loaded (InputError `file:line: field: …`).
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox
from rdflib import Graph

from villegraph.bnodes import stable_blank_nodes
from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.formats import NQUADS, NTRIPLES, TRIG, TURTLE, RdfFormat, guess_format
from villegraph.namespaces import DEFAULT_BASE_IRI, ONTOLOGY_IRI, XSD_NS
from villegraph.parallel import in_background, return_freed_memory
from villegraph.records import (
    YAML_SUFFIXES,
    Reference,
    make_triples,
    mark_unreviewed,
    read_curation,
    unknown_reference,
)
from villegraph.shacl.written import WrittenForms
from villegraph.terms import to_rdflib

XSD = XSD_NS
ONTOLOGY_FILE = "villegraph.ttl"
THEMES_FILE = "themes.ttl"
SKIPPED_DATA_DIRS = frozenset({"sources"})
"""Folders under data/ that hold source documents, not RDF."""
RESERVED_GRAPHS = frozenset({"ontology", "themes", "derived", "quality"})
"""Graph names a data file may not take."""
MAX_LITERAL_BYTES = 1_000_000
"""The default bound on a literal's lexical form (`Settings.max_literal_bytes`)."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def graph_iri(base_iri: str, name: str) -> str:
    """The IRI of the named graph called `name` (`{base}graph/<name>`)."""
    return f"{base_iri}graph/{name}"


@dataclass
class LoadedDataset:
    """The dataset: an Oxigraph store (the one copy of the data) and the literals as written
    where the store keeps another form; named graphs in load order."""

    base_iri: str
    store: ox.Store = field(default_factory=ox.Store)
    written: WrittenForms = field(default_factory=WrittenForms)
    """The triples whose literal the store keeps in another form, as written, per graph."""
    files: dict[str, Path] = field(default_factory=dict)
    """Graph IRI → the file it was read from."""
    graphs: list[str] = field(default_factory=list)
    """Graph IRIs in load order (the files', then derived and quality)."""

    def add(self, quads: Iterable[ox.Quad]) -> int:
        """Add the quads of new graphs (duplicates dropped) to the store; returns how many."""
        new = list(dict.fromkeys(quads))
        by_graph: dict[Any, list[tuple[Term, ox.NamedNode, Term]]] = {}
        for q in new:
            by_graph.setdefault(q.graph_name, []).append((q.subject, q.predicate, q.object))  # type: ignore[arg-type]
        for graph, triples in by_graph.items():
            self.note_graph(graph.value)
            self.written.add_all(triples, graph)
        self.store.extend(new)
        return len(new)

    def close(self) -> None:
        """Let the store go (an empty one takes its place): after the dumps are written, the
        build reads only files."""
        self.store = ox.Store()
        self.written = WrittenForms()
        return_freed_memory()

    def add_triples(self, iri: str, triples: Sequence[tuple[Term, ox.NamedNode, Term]]) -> int:
        """Add the triples of one file as the graph `iri` (the store drops duplicates);
        returns how many were read."""
        self.note_triples(iri, triples)
        graph = ox.NamedNode(iri)
        self.store.extend(ox.Quad(s, p, o, graph) for s, p, o in triples)  # type: ignore[arg-type]
        return len(triples)

    def note_triples(self, iri: str, triples: Sequence[tuple[Term, ox.NamedNode, Term]]) -> int:
        """`add_triples` for triples the store already holds in the graph `iri` (it read their
        file itself): the graph and the literals it rewrote are noted; returns how many."""
        self.note_graph(iri)
        self.written.add_all(triples, ox.NamedNode(iri))
        return len(triples)

    def note_graph(self, iri: str) -> None:
        """Record a graph filled in the store directly (derived facts), in load order."""
        if iri not in self.graphs:
            self.graphs.append(iri)

    def iter_quads(self) -> Iterator[ox.Quad]:
        """Every quad once, as written, graph after graph in load order (within a graph, in
        the store's order, the same for the same data)."""
        for iri in self._all_graphs():
            yield from self.written.quads(
                self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
            )

    def file_quads(self) -> Iterator[ox.Quad]:
        """The quads of the graphs read from files (not derived or quality ones), as written,
        graph after graph."""
        for iri in self.graphs:
            if iri in self.files:
                yield from self.written.quads(
                    self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
                )

    @property
    def quads(self) -> list[ox.Quad]:
        """`iter_quads` as a list (a copy of the whole data: for small datasets and tests)."""
        return list(self.iter_quads())

    def _all_graphs(self) -> list[str]:
        known = list(self.graphs)
        seen = set(known)
        others = sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        return known + [g for g in others if g not in seen and _has_quads(self.store, g)]

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph (as written), in load order."""
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        found = {
            row["g"].value: int(row["n"].value)  # type: ignore[union-attr]
            for row in self.store.query(query)  # type: ignore[union-attr]
        }
        extra = self.written.extra()
        return {
            iri: found[iri] + extra.get(ox.NamedNode(iri), 0)
            for iri in self._all_graphs()
            if iri in found
        }

    def subjects(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        """Every subject of the union, once, in the store's order, as the store finds them (no
        list of them all is made: at 10M it took 334 MiB through the dumps' union pass)."""
        query = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
        for row in self.store.query(query):  # type: ignore[union-attr]
            yield row[0]  # type: ignore[index, misc]

    def union(self) -> Iterator[ox.Triple]:
        """The union of all graphs as written: distinct triples, grouped by subject (so that
        Turtle describes each subject in one block), subjects in the store's order. Reads the
        store subject by subject: no copy of the whole union is made."""
        by_subject = self.store.quads_for_pattern
        written = self.written.triples
        rewritten = self.written.subjects()  # the others' triples are as written
        for subject in self.subjects():
            triples = dict.fromkeys(q.triple for q in by_subject(subject, None, None, None))
            yield from written(triples) if subject in rewritten else triples

    def triples(self) -> list[ox.Triple]:
        """`union` as a list (a copy of the whole data: for small datasets and tests)."""
        return list(self.union())


def _has_quads(store: ox.Store, iri: str) -> bool:
    found = store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
    return next(iter(found), None) is not None


def group_by_subject(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Distinct triples, grouped by subject in first-seen order."""
    by_subject: dict[Any, dict[ox.Triple, None]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, {})[triple] = None
    return [t for group in by_subject.values() for t in group]


def project_files(settings: Settings) -> list[tuple[Path, str]]:
    """The files a build reads, each with the name of its graph: ontology, themes, then data."""
    ontology_dir = settings.ontology_dir
    data_dir = settings.data_dir
    assert ontology_dir is not None and data_dir is not None
    files = [(ontology_dir / ONTOLOGY_FILE, "ontology"), (ontology_dir / THEMES_FILE, "themes")]
    for path, _ in files:
        if not path.is_file():
            raise InputError("file not found", _display(path, settings))
    if not data_dir.is_dir():
        raise InputError(
            "data folder not found (`villegraph init DIR` creates a project)",
            _display(data_dir, settings),
        )
    for path in _data_entries(data_dir, settings):
        relative = path.relative_to(data_dir)
        readable = guess_format(path) is not None or path.suffix in YAML_SUFFIXES
        if path.is_file() and readable:
            name = "-".join(relative.with_suffix("").parts)
            if name in RESERVED_GRAPHS:
                raise InputError(
                    f"a data file may not be called {name!r}: the graph name is reserved",
                    _display(path, settings),
                )
            files.append((path, name))
    return files


def _data_entries(data_dir: Path, settings: Settings) -> list[Path]:
    """Every file under `data_dir` in sorted path order, hidden names and `SKIPPED_DATA_DIRS`
    left out; symbolic links to folders are not followed. Raises InputError for an entry that
    cannot be read (a dangling or looping link, a folder that cannot be listed)."""
    found: list[Path] = []

    def visit(folder: Path) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as error:
            raise _unreadable(folder, error, settings) from None
        for entry in entries:
            if entry.name.startswith(".") or (
                folder == data_dir and entry.name in SKIPPED_DATA_DIRS
            ):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    path.stat()  # a dangling or looping link fails here
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as error:
                raise _unreadable(path, error, settings) from None
            if is_dir:
                visit(path)
            else:
                found.append(path)

    visit(data_dir)
    return found


def _unreadable(path: Path, error: OSError, settings: Settings) -> InputError:
    """`path: cannot read: <reason>`, naming the target of a symbolic link."""
    reason = _reason(error)
    if path.is_symlink():
        reason += f" (a symbolic link to {os.readlink(path)})"
    return InputError(f"cannot read: {reason}", _display(path, settings))


def _reason(error: OSError) -> str:
    """The system's words for an OSError, without the path or pyoxigraph's `(os error N)`."""
    return error.strerror or re.sub(r" \(os error \d+\)$", "", str(error))


def load_dataset(settings: Settings, *, include_drafts: bool = False) -> LoadedDataset:
    """Ontology, themes and every data file of the project, one named graph per file; curation
    files marked `status: draft` only with `include_drafts`."""
    dataset = LoadedDataset(settings.base_iri)
    references: list[tuple[Reference, Path]] = []
    for path, name in project_files(settings):
        display = _display(path, settings)
        if path.suffix in YAML_SUFFIXES:
            found = load_curation(dataset, path, name, settings, include_drafts=include_drafts)
            references += [(reference, display) for reference in found]
            continue
        load_file(
            dataset, path, name, display=display, max_literal_bytes=settings.max_literal_bytes
        )
    _resolve(references, dataset)
    return dataset


def load_curation(
    dataset: LoadedDataset,
    path: Path,
    name: str,
    settings: Settings,
    *,
    include_drafts: bool = False,
) -> list[Reference]:
    """Make one curation file into the graph `{base}graph/<name>` (nothing for a draft left
    out); returns its references to resources of other files, for `_resolve`."""
    display = _display(path, settings)
    iri = graph_iri(dataset.base_iri, name)
    if iri in dataset.files:
        raise InputError(
            f"two files map to the graph {iri}: {dataset.files[iri]} and this one", display
        )
    curation = read_curation(path, display, include_drafts=include_drafts)
    if curation is None:
        return []
    assert settings.data_dir is not None
    made = make_triples(curation, dataset.base_iri, settings.root, settings.data_dir)
    triples = [ox.Triple(s, p, o) for s, p, o in made.triples]
    if curation.is_draft:
        triples.append(mark_unreviewed(iri))
    for triple in triples:
        value = triple.object
        if isinstance(value, ox.Literal) and len(value.value.encode()) > settings.max_literal_bytes:
            raise _too_long(len(value.value.encode()), settings.max_literal_bytes, display, None)
    graph = ox.NamedNode(iri)
    dataset.files[iri] = path
    dataset.add(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return made.references


def _resolve(references: list[tuple[Reference, Path]], dataset: LoadedDataset) -> None:
    """Raise for the first reference (in file order) to a resource no file describes."""
    for reference, display in references:
        described = dataset.store.quads_for_pattern(ox.NamedNode(reference.iri), None, None, None)
        if next(iter(described), None) is not None:
            continue
        prefix = f"{dataset.base_iri}{reference.kind}/"
        subjects = {s.value for s in dataset.subjects() if isinstance(s, ox.NamedNode)}
        candidates = [
            iri[len(prefix) :]
            for iri in subjects
            if iri.startswith(prefix) and "/" not in iri[len(prefix) :]
        ]
        raise unknown_reference(reference, candidates, display)


def load_file(
    dataset: LoadedDataset,
    path: Path,
    name: str,
    *,
    display: Path | str | None = None,
    max_literal_bytes: int = MAX_LITERAL_BYTES,
) -> int:
    """Parse one file into the graph `{base}graph/<name>` of `dataset` (a large Turtle or
    N-Triples file is read by the store itself meanwhile: see the module's docstring); returns
    how many triples it read."""
    iri = graph_iri(dataset.base_iri, name)
    if iri in dataset.files:
        raise InputError(
            f"two files map to the graph {iri}: {dataset.files[iri]} and this one",
            display or path,
        )
    graph = ox.NamedNode(iri)
    rdf_format = guess_format(path)
    loading: list[Future[None]] = []

    def load_beside() -> None:
        assert rdf_format is not None
        loading.append(in_background(partial(_store_load, dataset.store, path, rdf_format, graph)))

    direct = dataset.base_iri == DEFAULT_BASE_IRI and rdf_format in (TURTLE, NTRIPLES)
    try:
        triples = parse_file(
            path,
            dataset.base_iri,
            display=display,
            max_literal_bytes=max_literal_bytes,
            store_may_read=load_beside if direct else None,
        )
        relabelled = stable_blank_nodes(triples, iri)
    except Exception:  # any error: the store's reading undone, the error raised as it is
        if loading:  # (Ctrl-C, no Exception, ends the build without waiting for the reading)
            _undo(dataset.store, loading[0], graph)
        raise
    dataset.files[iri] = path
    if loading and relabelled is triples and loading[0].exception() is None:
        count = dataset.note_triples(iri, triples)  # type: ignore[arg-type]
    else:
        if loading:
            _undo(dataset.store, loading[0], graph)
        count = dataset.add_triples(iri, relabelled)  # type: ignore[arg-type]
    if loading:
        return_freed_memory()  # what the store's reading freed, in its thread's heap
    return count


def _store_load(store: ox.Store, path: Path, rdf_format: RdfFormat, graph: ox.NamedNode) -> None:
    """The store's own reading of a Turtle or N-Triples file into `graph` (it lets go of
    Python's lock while it reads, so it runs beside the checks of `parse_file`)."""
    store.bulk_load(
        path=str(path), format=rdf_format.oxigraph, base_iri=DEFAULT_BASE_IRI, to_graph=graph
    )


def _undo(store: ox.Store, loading: Future[None], graph: ox.NamedNode) -> None:
    """Wait for the store's own reading of a file to end, then take its graph out again."""
    wait([loading])
    store.remove_graph(graph)


def parse_file(
    path: Path | str,
    base_iri: str = DEFAULT_BASE_IRI,
    *,
    display: Path | str | None = None,
    max_literal_bytes: int = MAX_LITERAL_BYTES,
    store_may_read: Callable[[], object] | None = None,
) -> list[tuple[Term, ox.NamedNode, Term]]:
    """The triples of one RDF file (quads of a TriG/N-Quads file lose their graph), checked.

    IRIs under the default base are moved to `base_iri`. Raises InputError naming
    `display` (default: `path`) with line and column for a syntax error, an ill-typed literal or
    a literal over `max_literal_bytes`, and for a file that cannot be read. `store_may_read` is
    called before parsing for a file of at least `STORE_READS_FROM` bytes whose literals are
    within the limit and which shows no sign of blank nodes: a file the store may read itself.
    """
    path = Path(path)
    shown = display if display is not None else path
    rdf_format = guess_format(path)
    if rdf_format is None:
        raise InputError(f"not an RDF file (unknown suffix {path.suffix!r})", shown)
    if not path.is_file():
        raise InputError("file not found", shown)
    try:
        _scan_literal_sizes(path, rdf_format, max_literal_bytes, shown)
        large = path.stat().st_size >= STORE_READS_FROM
        if store_may_read is not None and large and not _may_hold_blank_nodes(path):
            store_may_read()
        quads = list(
            ox.parse(path=str(path), format=rdf_format.oxigraph, base_iri=DEFAULT_BASE_IRI)
        )
    except SyntaxError as error:
        raise InputError(_syntax_message(error), shown, error.lineno, error.offset) from None
    except OSError as error:
        raise InputError(f"cannot read: {_reason(error)}", shown) from None
    except ValueError as error:
        raise InputError(str(error), shown) from None
    triples = [(q.subject, q.predicate, q.object) for q in quads]
    _check_literal_sizes(triples, path, max_literal_bytes, shown)
    _check_literals(triples, path, shown)
    if base_iri != DEFAULT_BASE_IRI:
        triples = list(_rebase(triples, base_iri))
    return triples  # type: ignore[return-value]


def _syntax_message(error: SyntaxError) -> str:
    message = str(error.msg or error)
    return re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", message)


def _display(path: Path, settings: Settings) -> Path:
    try:
        return path.relative_to(settings.root)
    except ValueError:
        return path


# --- literal sizes -------------------------------------------------------------------------

_SCANNED = frozenset({TURTLE.name, TRIG.name, NTRIPLES.name, NQUADS.name})
_TOKENS = re.compile(
    rb"#[^\n]*+"  # a comment
    rb"|<[^>\n]*+>"  # an IRI
    rb'|"""(?:[^"\\]++|\\.|"(?!""))*+"""'
    rb"|'''(?:[^'\\]++|\\.|'(?!''))*+'''"
    rb'|"(?:[^"\\\n]++|\\.)*+"'
    rb"|'(?:[^'\\\n]++|\\.)*+'",
    re.S,
)
"""The tokens of the Turtle family that may hold a quote: comments, IRIs, the four strings."""
STORE_READS_FROM = 1 << 20
"""Bytes from which a Turtle or N-Triples file is read by the store itself beside the parser
(`load_file`); smaller ones are put in from the parsed triples."""


def _too_long(size: int, limit: int, shown: Path | str, line: int | None) -> InputError:
    return InputError(f"literal of {size} bytes is over the limit of {limit} bytes", shown, line)


def _scan_literal_sizes(path: Path, rdf_format: RdfFormat, limit: int, shown: Path | str) -> None:
    """Raise for the first string token over `limit` bytes, without parsing: only a file larger
    than the limit can hold one, and only Turtle-family files are scanned. A file without long
    strings (`\"\"\"`, `\'\'\'`) and without a line over the limit cannot hold one: its tokens
    are not read."""
    if rdf_format.name not in _SCANNED or path.stat().st_size <= limit:
        return
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as text:
        if text.find(b'"""') < 0 and text.find(b"'''") < 0 and _longest_line(text) <= limit:
            return  # a one-line string is no longer than its line
        for token in _TOKENS.finditer(text):  # type: ignore[call-overload]
            quote = 3 if text[token.start() + 1 : token.start() + 3] in (b'""', b"''") else 1
            size = token.end() - token.start() - 2 * quote
            if size > limit and text[token.start()] in b"\"'":
                line = text[: token.start()].count(b"\n") + 1
                raise _too_long(size, limit, shown, line)


def _longest_line(text: mmap.mmap, piece: int = 1 << 26) -> int:
    """The length in bytes of the longest line of `text` (read in pieces of `piece` bytes)."""
    longest, start = 0, 0  # start: where the line running into this piece began
    for offset in range(0, len(text), piece):
        block = np.frombuffer(text[offset : offset + piece], dtype=np.uint8)
        ends = np.flatnonzero(block == 10) + offset
        if len(ends):
            longest = max(longest, int(ends[0]) - start, int(np.diff(ends).max(initial=0)) - 1)
            start = int(ends[-1]) + 1
    return max(longest, len(text) - start)


def _may_hold_blank_nodes(path: Path) -> bool:
    """Whether a Turtle or N-Triples file may describe blank nodes: `_:` or `[` anywhere (a
    file whose only blank nodes are collections, `( … )`, is seen to hold them once parsed)."""
    if not path.stat().st_size:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as text:
        return text.find(b"_:") >= 0 or text.find(b"[") >= 0


def _check_literal_sizes(
    triples: Sequence[tuple[Term, Term, Term]], path: Path, limit: int, shown: Path | str
) -> None:
    """Raise for a parsed literal over `limit` bytes (formats the scan does not cover)."""
    for _, _, o in triples:
        if isinstance(o, ox.Literal) and len(o.value) * 4 > limit:
            size = len(o.value.encode("utf-8"))
            if size > limit:
                line, _ = _locate(path, o.value[:200], prefix=True)
                raise _too_long(size, limit, shown, line)


# --- base IRI rewriting -------------------------------------------------------------------


def rebase_iri(iri: str, base_iri: str) -> str:
    """`iri` moved from the default base to `base_iri` (ontology terms stay where they are)."""
    keep = iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#")
    if iri.startswith(DEFAULT_BASE_IRI) and not keep:
        return base_iri + iri[len(DEFAULT_BASE_IRI) :]
    return iri


def _rebase(
    triples: Iterable[tuple[Term, Term, Term]], base_iri: str
) -> Iterator[tuple[Term, Term, Term]]:
    cache: dict[Term, Term] = {}

    def move(term: Term) -> Term:
        if not isinstance(term, ox.NamedNode):
            return term
        moved = cache.get(term)
        if moved is None:
            value = rebase_iri(term.value, base_iri)
            moved = cache[term] = term if value == term.value else ox.NamedNode(value)
        return moved

    for s, p, o in triples:
        yield move(s), move(p), move(o)


# --- literal lexical forms ------------------------------------------------------------------

_TZ = r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?"
_DATE = r"-?([1-9]\d{4,}|\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_TIME = r"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)"
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = r"[+-]?(\d+(\.\d*)?|\.\d+)"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "date": re.compile(_DATE + _TZ),
    "dateTime": re.compile(_DATE + "T" + _TIME + _TZ),
    "dateTimeStamp": re.compile(_DATE + "T" + _TIME + r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))"),
    "time": re.compile(_TIME + _TZ),
    "gYearMonth": re.compile(r"-?([1-9]\d{4,}|\d{4})-(0[1-9]|1[0-2])" + _TZ),
    "gYear": re.compile(r"-?([1-9]\d{4,}|\d{4})" + _TZ),
    "boolean": re.compile(r"true|false|1|0"),
    "decimal": re.compile(_DECIMAL),
    "double": re.compile(_DECIMAL + r"([eE][+-]?\d+)?|[+-]?INF|NaN"),
    "float": re.compile(_DECIMAL + r"([eE][+-]?\d+)?|[+-]?INF|NaN"),
    "anyURI": re.compile(r"[^\s<>\"{}|\\^`]*"),
}
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "positiveInteger": (1, None),
    "nonNegativeInteger": (0, None),
    "negativeInteger": (None, -1),
    "nonPositiveInteger": (None, 0),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}


def _valid_date_parts(lexical: str) -> bool:
    """The day exists in its month (years beyond 9999 or before 1 are not checked)."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", lexical)
    if match is None:
        return True
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return int(match[1]) == 0  # year 0000 is outside Python's range, not invalid per se
    return True


def literal_is_valid(lexical: str, datatype: str) -> bool:
    """Whether `lexical` is a valid lexical form of the XSD `datatype` (unknown types pass)."""
    if not datatype.startswith(XSD):
        return True
    local = datatype[len(XSD) :]
    if local in _INTEGER_RANGES:
        if not _INTEGER.fullmatch(lexical):
            return False
        low, high = _INTEGER_RANGES[local]
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)
    pattern = _PATTERNS.get(local)
    if pattern is None:
        return True
    if not pattern.fullmatch(lexical):
        return False
    if local in ("date", "dateTime", "dateTimeStamp"):
        return _valid_date_parts(lexical.lstrip("-"))
    return True


def _check_literals(
    triples: Sequence[tuple[Term, Term, Term]], path: Path, shown: Path | str
) -> None:
    checked: dict[tuple[str, str], bool] = {}
    for s, p, o in triples:
        if not isinstance(o, ox.Literal) or o.language:
            continue
        key = (o.value, o.datatype.value)
        valid = checked.get(key)
        if valid is None:
            valid = checked[key] = literal_is_valid(*key)
        if not valid:
            line, column = _locate(path, o.value)
            datatype = o.datatype.value.replace(XSD, "xsd:")
            raise InputError(
                f'"{o.value}" is not a valid {datatype} (in {s} {p} {o})', shown, line, column
            )


def _locate(path: Path, lexical: str, *, prefix: bool = False) -> tuple[int | None, int | None]:
    """Best-effort line and column of a quoted lexical form (or its start) in a file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None, None
    needles = (f'"{lexical}', f"'{lexical}", f">{lexical}") if prefix else ()
    for needle in needles or (f'"{lexical}"^^', f'"{lexical}"', f"'{lexical}'"):
        index = text.find(needle)
        if index >= 0:
            line = text.count("\n", 0, index) + 1
            return line, index - (text.rfind("\n", 0, index) + 1) + 1
    return None, None


# --- rdflib boundary ------------------------------------------------------------------------


def to_rdflib_graph(dataset: LoadedDataset, graphs: Iterable[str] | None = None) -> Graph:
    """The union of `graphs` (default: all) as one rdflib Graph, literals exactly as written.

    Triples go straight to the graph's store (`Store.add`), which skips `Graph.add`'s per-call
    checks: about a third faster at 200k triples (measured)."""
    wanted = None if graphs is None else set(graphs)
    graph = Graph()
    convert = _cached({})
    add = graph.store.add
    for quad in dataset.iter_quads():
        if wanted is not None and quad.graph_name.value not in wanted:  # type: ignore[union-attr]
            continue
        triple = (convert(quad.subject), convert(quad.predicate), convert(quad.object))
        add(triple, graph, quoted=False)  # type: ignore[arg-type]
    return graph


def _cached(cache: dict[Any, object]) -> Callable[[Any], object]:
    def convert(term: Any) -> object:
        value = cache.get(term)
        if value is None:
            value = cache[term] = to_rdflib(term)
        return value

    return convert


__all__ = [
    "LoadedDataset",
    "graph_iri",
    "group_by_subject",
    "literal_is_valid",
    "load_curation",
    "load_dataset",
    "load_file",
    "parse_file",
    "project_files",
    "rebase_iri",
    "to_rdflib_graph",
]
