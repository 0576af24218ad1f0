"""Derived facts: SPARQL CONSTRUCT rules run in Oxigraph to a fixpoint, kept in their own graph.

Each rule is a file `ontology/rules/*.rq` with a header:

    #+ rule: vg:rule-person-talk-theme
    #+ title: A person works on the themes their own talks state (own work)

The body binds `?rule` to the IRI named in the header (checked when the rules are read) and
mints attribution IRIs with `IRI(CONCAT("derived/works-on/", MD5(...)))`: the engine runs each
rule with the configured base IRI as the query's base, so the relative IRI resolves under it.

The rules, not Python, decide each attribution's evidence level (`vg:OwnWork` from a talk or a
quoted role, `vg:SessionContext` from a session's description), what it rolls up
(`vg:rolledUpFrom`), its quote, score and, for organisations, member and talk counts; the
relation each level states (`vg:worksOn`, `vg:sessionContextTheme`) is read from the ontology
(`vg:levelRelation`).

Rules run in file-name order, in passes, until a pass adds nothing. What a rule reads decides
when it must run again (its WHERE clause is scanned):
- no derived term (`vg:worksOn`, `vg:ThemeAttribution`, `vg:agent`, `vg:evidence`,
  `vg:derivedBy`): the loaded data only, so it runs once (`vg:theme` alone does not count: subject
  statements in the data use it too; a rule reading attributions names `vg:agent` or
  `vg:derivedBy` as well);
- `vg:derivedBy` with the IRIs of some rules, and neither `vg:worksOn` nor
  `vg:ThemeAttribution`: those rules' attributions, so it runs again only after they add some;
- otherwise: anything derived, so it runs again after any rule (itself included) adds some.

With the project's rules the second pass evaluates no rule (measured: it is only the check
that no rule's inputs changed): rules 10–20 read the data only, 30 reads 10 and 15, 40 reads
30, 50 reads 10–20, and each runs after what it reads. No rule reads its own results, so none
re-runs for its own additions; a rule that did (a chain followed one step a run) would need
its passes.

Whether a run added anything, and how much, is the growth of the store (`len`): the rules
write to the derived graph only, and counting the store's quads costs less than a SPARQL COUNT
over the derived graph (at 100k, 0.016 s against 0.041 s). A rule whose result is empty adds
nothing and is not counted. Checking each produced triple with `in` instead costs more than
the COUNT (2 µs a triple through Python). Figures: benchmarks/RESULTS.md.

The rules are written for Oxigraph: rule 40 uses its `LATERAL` (a SPARQL 1.2 extension) to
look up each attribution's roll-ups instead of joining every one in the store; the texts before
that rewrite, in plain SPARQL 1.1, are the reference of tests/test_rules_same.py (same derived
graph, counts and passes).

A rule with a `#+ slice: ?agent { pattern }` header is evaluated once per slice of the agents
`pattern` matches (`SLICE_SIZE` a slice), with `VALUES ?agent { … }` first in each WHERE group
naming `?agent` (`villegraph.slices`; the conditions for the same results are in the ontology's
README): each evaluation's hash joins and groups then hold one slice's rows, not the whole
network's (at 10M they held more than a gigabyte above the store). With `threads` above one,
the slices are evaluated side by side (`villegraph.parallel.ordered_map`: Oxigraph answers
without Python's lock), each slice's N-Triples held until written, in slice order.

Results never cross into Python one by one: each CONSTRUCT result (every slice of it) is
serialised to N-Triples into a temporary file (by one thread: straight into it), and loaded
into the derived graph by Oxigraph once the rule's last slice is done (so a rule reading its
own results sees them only on its next run, sliced or not); the store is the one copy of them.
(Running a rule as `INSERT { GRAPH <derived> {…} } USING <graph>… WHERE {…}` instead gives
the same facts but took four times as long at 100k triples: Oxigraph merges the USING graphs
pattern by pattern.) (Rules derive IRIs, `xsd:integer` counts and strings copied from the
data, all of which the store keeps as they are: its canonicalisation of literals does not
apply.)
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from villegraph import lexer, slices
from villegraph.errors import InputError, QueryError
from villegraph.load import LoadedDataset, graph_iri
from villegraph.namespaces import PREFIXES
from villegraph.parallel import ordered_map

DERIVED_GRAPH = "derived"
MAX_PASSES = 100
"""A safety bound: rules that keep minting new IRIs would otherwise never stop."""
SLICE_SIZE = 100
"""Values of a `#+ slice:` rule's variable per evaluation (benchmarks/RESULTS.md, "slices")."""
_SLICE = re.compile(r"\?(?P<name>\w+)\s*(?P<pattern>\{.*\})\s*$", re.DOTALL)

_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_DERIVED_TERMS = re.compile(
    r"worksOn|ThemeAttribution|derivedBy|\bvg:(agent|evidence)\b"
    r"|villegraph/def#(agent|evidence)\b"
)


@dataclass(frozen=True)
class Rule:
    """One derivation rule."""

    name: str
    iri: str
    title: str
    description: str
    text: str
    path: Path
    reads: frozenset[str] | None = None
    """IRIs of the rules whose results this rule reads; None: every rule's."""
    slice_by: str | None = None
    """`#+ slice: ?agent { pattern }`: the variable the rule is evaluated in slices of…"""
    slice_from: str | None = None
    """…and the group pattern whose values of it are the candidates."""

    @property
    def reads_derived(self) -> bool:
        return self.reads is None or bool(self.reads)


@dataclass
class InferenceReport:
    """What a run of the rules derived."""

    graph: str
    triples: int = 0
    passes: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)


def expand(curie: str) -> str:
    """A full IRI for `<iri>` or a `prefix:local` name of the project's prefix map."""
    if curie.startswith("<") and curie.endswith(">"):
        return curie[1:-1]
    prefix, colon, local = curie.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return curie


def load_rules(rules_dir: Path) -> list[Rule]:
    """The rules of `rules_dir`, in file-name order; a rule without `#+ rule:` is an error."""
    if not rules_dir.is_dir():
        raise InputError("rules folder not found", rules_dir)
    rules = []
    for path in sorted(rules_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header: dict[str, str] = {}
        try:
            lines = lexer.header(text)
        except lexer.HeaderError as bad:
            raise InputError(bad.message, path, bad.line) from None
        for line in lines:
            header.setdefault(line.key, line.value)
        if "rule" not in header:
            raise InputError("a rule needs a '#+ rule: <IRI>' header line", path, 1)
        try:
            ox.NamedNode(expand(header["rule"]))
        except ValueError:
            raise InputError(f"bad rule IRI {header['rule']!r}", path, 1) from None
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        if f"BIND({header['rule']} AS ?rule)" not in body:
            raise InputError(f"the rule must BIND({header['rule']} AS ?rule)", path)
        slice_by, slice_from = _slice(header.get("slice"), body, path)
        rules.append(
            Rule(
                name=path.stem,
                iri=expand(header["rule"]),
                title=header.get("title", path.stem),
                description=header.get("description", ""),
                text=text,
                path=path,
                slice_by=slice_by,
                slice_from=slice_from,
            )
        )
    return [replace(rule, reads=_reads(rule, rules)) for rule in rules]


def _slice(value: str | None, body: str, path: Path) -> tuple[str | None, str | None]:
    """The variable and candidates' pattern of a `#+ slice: ?var { pattern }` header."""
    if value is None:
        return None, None
    match = _SLICE.match(value)
    if match is None:
        raise InputError("a slice header reads '#+ slice: ?variable { pattern }'", path)
    name, pattern = match["name"], match["pattern"]
    if f"?{name}" not in pattern:
        raise InputError(f"the slice pattern must bind ?{name}", path)
    try:
        if not slices.where_groups(body, name):
            raise InputError(f"no WHERE group of the rule names ?{name}", path)
    except QueryError as error:
        raise InputError(str(error), path) from None
    return name, pattern


def _reads(rule: Rule, rules: list[Rule]) -> frozenset[str] | None:
    """What the WHERE clause of `rule` reads (see the module docstring)."""
    body = "\n".join(line for line in rule.text.splitlines() if not line.startswith("#"))
    parts = _WHERE.split(body, maxsplit=1)
    where = parts[1] if len(parts) == 2 else body
    if not _DERIVED_TERMS.search(where):
        return frozenset()
    if "worksOn" in where or "ThemeAttribution" in where or "derivedBy" not in where:
        return None
    where = where.replace(f"BIND({_curie_in(rule, body)} AS ?rule)", "")
    named = frozenset(
        other.iri
        for other in rules
        if other.iri in where or _curie(other.iri) in re.findall(r"vg:[\w-]+", where)
    )
    return named or None


def _curie(iri: str) -> str:
    return "vg:" + iri.removeprefix(PREFIXES["vg"])


def _curie_in(rule: Rule, body: str) -> str:
    """How the header names the rule in its own BIND (checked by load_rules)."""
    for written in (_curie(rule.iri), f"<{rule.iri}>"):
        if f"BIND({written} AS ?rule)" in body:
            return written
    return _curie(rule.iri)


def run_rule(store: ox.Store, rule: Rule, base_iri: str) -> bytes:
    """One evaluation of `rule` over the union of all graphs, unsliced, as N-Triples."""
    return _derive(store, rule, base_iri, rule.text)


def write_rule(
    store: ox.Store,
    rule: Rule,
    base_iri: str,
    output: BinaryIO,
    slice_size: int = SLICE_SIZE,
    threads: int = 1,
) -> None:
    """Write what `rule` derives to `output` as N-Triples, slice by slice for a sliced rule,
    the slices evaluated by `threads` threads and written in their order."""
    texts = rule_texts(store, rule, base_iri, slice_size)
    if threads <= 1:
        for text in texts:
            _construct(store, rule, text, base_iri).serialize(output, format=ox.RdfFormat.N_TRIPLES)
        return
    for derived in ordered_map(partial(_derive, store, rule, base_iri), texts, threads):
        output.write(derived)


def _derive(store: ox.Store, rule: Rule, base_iri: str, text: str) -> bytes:
    """What one text of `rule` derives, as N-Triples."""
    return _construct(store, rule, text, base_iri).serialize(format=ox.RdfFormat.N_TRIPLES) or b""


def rule_texts(store: ox.Store, rule: Rule, base_iri: str, slice_size: int) -> Iterator[str]:
    """The texts that evaluate `rule`: itself, or one per slice of its candidates (sorted)."""
    if rule.slice_by is None or rule.slice_from is None:
        yield rule.text
        return
    query = f"{slices.prologue(rule.text)}SELECT DISTINCT ?{rule.slice_by} WHERE {rule.slice_from}"
    try:
        found = store.query(query, base_iri=base_iri, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise InputError(f"SPARQL syntax error in the slice header: {error}", rule.path) from None
    assert isinstance(found, ox.QuerySolutions)
    terms = [solution[0] for solution in found]
    if not all(isinstance(term, ox.NamedNode | ox.Literal) for term in terms):
        yield rule.text  # a blank node cannot be written in VALUES
        return
    terms.sort(key=str)
    for start in range(0, len(terms), slice_size):
        yield slices.sliced(rule.text, rule.slice_by, terms[start : start + slice_size])


def _construct(store: ox.Store, rule: Rule, text: str, base_iri: str) -> ox.QueryTriples:
    try:
        result = store.query(text, base_iri=base_iri, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise InputError(f"SPARQL syntax error: {error}", rule.path) from None
    if not isinstance(result, ox.QueryTriples):
        raise InputError("a rule must be a CONSTRUCT query", rule.path)
    return result


def infer(
    dataset: LoadedDataset, rules: list[Rule], *, slice_size: int = SLICE_SIZE, threads: int = 1
) -> InferenceReport:
    """Run `rules` to a fixpoint, adding what they derive to the `derived` graph of `dataset`
    (a rule's slices evaluated by `threads` threads)."""
    with tempfile.TemporaryDirectory(prefix="villegraph-derived-") as work:
        return _infer(dataset, rules, Path(work) / "rule.nt", slice_size, threads)


def _infer(
    dataset: LoadedDataset, rules: list[Rule], scratch: Path, slice_size: int, threads: int
) -> InferenceReport:
    iri = graph_iri(dataset.base_iri, DERIVED_GRAPH)
    graph = ox.NamedNode(iri)
    store = dataset.store
    report = InferenceReport(iri, per_rule={rule.iri: 0 for rule in rules})
    size = len(store)
    """The store's quads: the rules write to `graph` only, so its growth is theirs."""
    version = {rule.iri: 0 for rule in rules}
    """Rule IRI → how many of its runs added something."""
    seen: dict[str, dict[str, int]] = {}
    """Rule IRI → the versions of the rules it reads, when it last ran."""
    while True:
        if report.passes == MAX_PASSES:
            raise InputError(f"the rules did not reach a fixpoint in {MAX_PASSES} passes")
        report.passes += 1
        added_in_pass = 0
        for rule in rules:
            inputs = list(version) if rule.reads is None else sorted(rule.reads)
            if rule.iri in seen and all(seen[rule.iri].get(i) == version.get(i) for i in inputs):
                continue
            seen[rule.iri] = {i: version.get(i, 0) for i in inputs}
            with scratch.open("wb") as output:
                write_rule(store, rule, dataset.base_iri, output, slice_size, threads)
            if not scratch.stat().st_size:
                continue
            store.load(path=scratch, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            grown = len(store)
            report.per_rule[rule.iri] += grown - size
            added_in_pass += grown - size
            if grown > size:
                version[rule.iri] += 1
            size = grown
        if not added_in_pass:
            break
    dataset.note_graph(iri)
    report.triples = sum(report.per_rule.values())
    return report


__all__ = [
    "DERIVED_GRAPH",
    "SLICE_SIZE",
    "InferenceReport",
    "Rule",
    "expand",
    "infer",
    "load_rules",
    "rule_texts",
    "run_rule",
    "write_rule",
]
