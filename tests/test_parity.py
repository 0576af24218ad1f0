"""Result parity: every canned query gives the same answer on the embedded store, on the
Oxigraph server and on Virtuoso, all holding the same build.

Rows are compared as multisets (order and duplicates kept apart from ORDER BY ties). Literals
are normalised where stores legitimately differ in form, not in value: numbers are compared by
value (Virtuoso and Oxigraph canonicalise decimals, e.g. "1.50" → "1.5"; Virtuoso answers a
bound boolean as 0 or 1), `xsd:string` equals a
plain literal, a language tag is not compared (GROUP_CONCAT over tagged labels keeps their
common tag on Oxigraph and drops it on Virtuoso; SPARQL 1.1 leaves this open — the text itself,
which differs between languages, is compared), the parts of a ", "- or " | "-separated text are
compared in sorted order (SPARQL leaves the order of GROUP_CONCAT unspecified), and blank nodes are
compared as "some blank node" (labels are store-local).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from fixtures_stores import StoreServer
from rdflib import BNode, Literal
from rdflib.namespace import XSD
from rdflib.term import Identifier

from villegraph.config import Settings
from villegraph.queries import CannedQuery, Catalogue, run_canned
from villegraph.remote import RemoteStore, read_quads_by_graph
from villegraph.store import EmbeddedStore, SelectResult, Store

pytestmark = [pytest.mark.store, pytest.mark.slow]

BASE = "https://w3id.org/villegraph/"
NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long}
NUMERIC |= {XSD.positiveInteger, XSD.nonNegativeInteger}
EXAMPLE = re.compile(r"e\.g\.\s+(\S+?)[,.;)]?(?:\s|$)")


def examples(query: CannedQuery) -> list[dict[str, str]]:
    """Parameter sets to run: the examples named in the header (`e.g. X or Y`), defaults else."""
    required = [p for p in query.params if p.required]
    if not required:
        return [{}, {"lang": "en"}] if query.param("lang") else [{}]
    runs: list[dict[str, str]] = []
    for param in required:
        found = EXAMPLE.findall(param.description)
        extra = re.findall(r"\bor\s+(\S+)$", param.description)
        values = found + [v for v in extra if v not in found]
        assert values, f"{query.name}: parameter {param.name} has no example in its description"
        runs += [{param.name: value} for value in values]
    if len(required) > 1:  # one run with every parameter together
        runs = [{k: v for run in runs for k, v in run.items()}]
    return runs


def normalise(term: Identifier | None) -> object:
    if term is None:
        return None
    if isinstance(term, BNode):
        return "_:blank"
    if isinstance(term, Literal):
        if term.datatype == XSD.boolean:  # Virtuoso 7 answers a bound boolean as 0 or 1
            return ("number", Decimal(1 if str(term) in ("true", "1") else 0))
        if term.datatype in NUMERIC:
            try:
                return ("number", Decimal(str(term)).normalize())
            except InvalidOperation:
                return ("number?", str(term))
        # GROUP_CONCAT order is unspecified: compare the parts (", " or " | " separated) sorted
        text = ", ".join(sorted(re.split(r", | \| ", str(term))))
        if term.language or term.datatype in (None, XSD.string):
            return ("text", text)
        return ("literal", text, str(term.datatype))
    return ("iri", str(term))


def as_multiset(result: SelectResult) -> Counter[tuple[object, ...]]:
    return Counter(tuple(normalise(t) for t in row) for row in result.rows)


def _load(server: StoreServer, dist: Path) -> RemoteStore:
    store = RemoteStore(
        server.query_url,
        timeout=60,
        user=server.user,
        password=server.password,
        gsp_endpoint=server.gsp_url,
        graph_prefix=BASE + "graph/",
    )
    for graph, triples in read_quads_by_graph(str(dist / "villegraph.nq")).items():
        if graph:
            store.replace_graph(graph, triples)
    return store


@pytest.fixture(scope="module")
def stores(
    built_dist: Path,
    built_store: EmbeddedStore,
    virtuoso: StoreServer,
    oxigraph_server: StoreServer,
) -> dict[str, Store]:
    """The same build in the three stores."""
    return {
        "embedded": built_store,
        "oxigraph": _load(oxigraph_server, built_dist),
        "virtuoso": _load(virtuoso, built_dist),
    }


CATALOGUE = Catalogue.load(Settings().queries_dir)  # type: ignore[arg-type]


def test_every_store_holds_the_same_graphs(stores: dict[str, Store]) -> None:
    embedded = stores["embedded"]
    expected = {g: embedded.triple_count(g) for g in embedded.graphs()}
    for name in ("oxigraph", "virtuoso"):
        remote = stores[name]
        assert isinstance(remote, RemoteStore)
        assert remote.graph_counts() == expected, name


# The canned queries are written around Virtuoso 7.2's known faults (transitive paths with both
# ends free, EXISTS in BIND, IF over aggregates), so none is expected to differ today.
VIRTUOSO_DIFFERS: dict[str, str] = {}


def _cases() -> list[object]:
    cases: list[object] = []
    for query in CATALOGUE:
        for store in ("oxigraph", "virtuoso"):
            marks = []
            if store == "virtuoso" and query.name in VIRTUOSO_DIFFERS:
                marks.append(pytest.mark.xfail(reason=VIRTUOSO_DIFFERS[query.name], strict=True))
            cases.append(pytest.param(query, store, marks=marks, id=f"{query.name}-{store}"))
    return cases


@pytest.mark.parametrize(("query", "store_name"), _cases())
def test_canned_query_parity(stores: dict[str, Store], query: CannedQuery, store_name: str) -> None:
    for raw in examples(query):
        reference = run_canned(stores["embedded"], query, raw)
        # the source's three people state no theme in common: shared-themes is empty everywhere
        if query.name != "shared-themes":
            assert len(reference) > 0, f"{query.name} {raw}: no rows on the embedded store"
        answer = run_canned(stores[store_name], query, raw)
        assert answer.variables == reference.variables, raw
        assert as_multiset(answer) == as_multiset(reference), raw


def test_normalisation_keeps_real_differences() -> None:
    assert normalise(Literal("1.50", datatype=XSD.decimal)) == normalise(
        Literal("1.5", datatype=XSD.decimal)
    )
    assert normalise(Literal("x", datatype=XSD.string)) == normalise(Literal("x"))
    assert normalise(Literal("x", lang="fr")) != normalise(Literal("y", lang="fr"))
    assert normalise(Literal("b, a")) == normalise(Literal("a, b"))
    assert normalise(Literal("a, b")) != normalise(Literal("a, c"))
    assert normalise(Literal("2", datatype=XSD.integer)) != normalise(
        Literal("3", datatype=XSD.integer)
    )


def test_query_command_through_an_endpoint_with_digest_auth(
    stores: dict[str, Store], virtuoso: StoreServer, built_dist: Path
) -> None:
    """`villegraph query --endpoint URL --user --password` answers like the embedded store."""
    from click.testing import CliRunner

    from villegraph.cli import main

    protected = virtuoso.update_url  # Virtuoso's /sparql-auth: digest, dba/dba here
    args = ["query", "talks-of", "person=person/jean-baptiste-chambon", "--format", "csv"]
    args += ["--endpoint", protected]
    runner = CliRunner()
    refused = runner.invoke(main, args)
    assert refused.exit_code == 3
    assert protected in refused.output and "Traceback" not in refused.output

    answer = runner.invoke(main, [*args, "--user", "dba", "--password", "dba"])
    assert answer.exit_code == 0, answer.output
    expected = runner.invoke(main, args[:5], env={"VILLEGRAPH_DIST_DIR": str(built_dist)})
    assert expected.exit_code == 0, expected.output
    assert len(expected.output.splitlines()) > 1, "the person has talks"
    assert _csv_rows(answer.output) == _csv_rows(expected.output)


def _csv_rows(text: str) -> Counter[tuple[str, ...]]:
    """CSV rows as a multiset, ", "-separated lists in sorted order (GROUP_CONCAT's is open)."""
    import csv
    import io

    return Counter(
        tuple(", ".join(sorted(cell.split(", "))) for cell in row)
        for row in csv.reader(io.StringIO(text))
    )


@pytest.mark.parametrize("store_name", ["oxigraph", "virtuoso"])
def test_labels_and_suggestions_are_the_same_on_every_store(
    stores: dict[str, Store], store_name: str
) -> None:
    """A label stands for its resource, and an unknown one gets the same suggestions."""
    from villegraph.errors import UnknownResource

    query = CATALOGUE["who-works-on"]
    for label in ("participation citoyenne", "Intelligence Artificielle", "donnees ouvertes"):
        raw = {"theme": label, "context": "true"}
        reference = run_canned(stores["embedded"], query, raw)
        answer = run_canned(stores[store_name], query, raw)
        assert len(reference) > 0, label
        assert as_multiset(answer) == as_multiset(reference), label
    messages = []
    for name in ("embedded", store_name):
        with pytest.raises(UnknownResource) as info:
            run_canned(stores[name], query, {"theme": "theme/participation-citoyenne"})
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "theme/citizen-participation (participation citoyenne)" in messages[0]


@pytest.mark.parametrize("store_name", ["embedded", "oxigraph", "virtuoso"])
def test_a_page_read_through_its_reach_is_the_same_on_every_store(
    stores: dict[str, Store], store_name: str
) -> None:
    """places-studied's pages, read through its reach pass (a first query, then the page with
    the kept values as a VALUES block), equal the pages of the text without it on that store."""
    from villegraph.queries import reach_pass

    store = stores[store_name]
    query = CATALOGUE["places-studied"]
    reference = CannedQuery.from_file(
        Path(__file__).parent / "data" / "queries-reference" / "places-studied.rq"
    )
    reached = 0
    for lang in ("fr", "en"):
        for limit, offset in ((1, 0), (1, 1), (2, 0), (2, 1), (7, 0), (100, 0), (2, 1000)):
            raw = {"lang": lang, "limit": str(limit), "offset": str(offset)}
            expected = run_canned(store, reference, raw)
            answer = run_canned(store, query, raw)
            assert answer.rows == expected.rows, raw
            assert (answer.more, answer.notes) == (expected.more, expected.notes), raw
            kept = reach_pass(store, query, query.parse_params(raw), limit, offset)
            reached += kept is not None
    assert reached == 6, "pages ending before the last thing studied are read through it"
