"""Cost of `/reconcile` on a build, beside the site search on the same build and texts.

For each build given (`--dist DIR`, repeatable): the time to read the reconciliation index
(`web/reconcile_index.build_index`, once per served build) beside the site search index it
includes (`web/search.build_index`); then batches of 10 queries (OpenRefine's batch size) of
people's names as a spreadsheet has them: the name, the surname alone, the name in capitals
without accents, and a misspelling (one letter dropped), typed `foaf:Person`. Each batch is
answered by `reconcile.answer_batch` and, as the baseline, each of its ten names is looked up by
the site search (`search.search`, substring match, ten hits). Reported: median and p95 ms a batch
over `--runs` batches, and how often the right person (or a namesake: generated networks reuse
names) comes first.

    python benchmarks/bench_reconcile.py --dist dist [--dist /tmp/gen100k/dist] [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import unicodedata
from pathlib import Path

from rdflib import URIRef

from villegraph.store import EmbeddedStore
from villegraph.web import search
from villegraph.web.reconcile import answer_batch, parse_batch
from villegraph.web.reconcile_index import build_index

BASE = "https://w3id.org/villegraph/"
PERSON = "http://xmlns.com/foaf/0.1/Person"
Q_PEOPLE = (
    "SELECT ?p ?name ?family WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ; "
    "<http://xmlns.com/foaf/0.1/name> ?name OPTIONAL { ?p <http://xmlns.com/foaf/0.1/familyName> "
    "?family } }"
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


VARIANTS = ("full name", "surname alone", "capitals without accents", "one letter dropped")


def variants(name: str, family: str, rng: random.Random) -> list[str]:
    """How a spreadsheet may write a person: full name, surname, capitals, one letter dropped."""
    cut = rng.randrange(1, max(2, len(family) - 1))
    return [name, family, _plain(name), name.replace(family, family[:cut] + family[cut + 1 :])]


def timed(function, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - start) * 1000


def run(dist: Path, runs: int, seed: int) -> None:
    store = EmbeddedStore.from_dist(dist)
    _, search_ms = timed(search.build_index, store, BASE)
    index, index_ms = timed(build_index, store, BASE)
    people = [
        (str(p), str(name), str(family or str(name).split()[-1]))
        for p, name, family in store.select(Q_PEOPLE).rows
        if isinstance(p, URIRef)
    ]
    rng = random.Random(seed)
    names = {iri: name for iri, name, _ in people}
    reconcile_times: list[float] = []
    search_times: list[float] = []
    found = {variant: [0, 0, 0] for variant in VARIANTS}  # right first, namesake first, asked
    entries = search.index_for(store, BASE)
    for _ in range(runs):
        batch_people = [rng.choice(people) for _ in range(10)]
        kinds = [rng.randrange(len(VARIANTS)) for _ in batch_people]
        texts = [
            variants(name, family, rng)[kind]
            for (_, name, family), kind in zip(batch_people, kinds, strict=True)
        ]
        queries = {f"q{i}": {"query": t, "type": PERSON} for i, t in enumerate(texts)}
        parsed, _ = parse_batch(json.dumps(queries))
        answer, ms = timed(answer_batch, index, parsed, "fr")
        reconcile_times.append(ms)
        start = time.perf_counter()
        for text in texts:
            search.search(entries, text, "fr", 10)
        search_times.append((time.perf_counter() - start) * 1000)
        for i, (iri, _, _) in enumerate(batch_people):
            result = answer[f"q{i}"]["result"]
            tally = found[VARIANTS[kinds[i]]]
            tally[0] += bool(result) and BASE + result[0]["id"] == iri
            tally[1] += bool(result) and names.get(BASE + result[0]["id"]) == names[iri]
            tally[2] += 1
    entities = len(index.entities)

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    print(
        f"{dist}: {len(people)} people, {entities} entities; index {index_ms:.0f} ms "
        f"(site search index alone {search_ms:.0f} ms); batch of 10: reconcile p50 "
        f"{statistics.median(reconcile_times):.1f} ms, p95 {p95(reconcile_times):.1f} ms; "
        f"site search of the same 10 names p50 {statistics.median(search_times):.1f} ms, "
        f"p95 {p95(search_times):.1f} ms"
    )
    for variant, (right, same, asked) in found.items():
        print(f"  {variant}: right person first {right}/{asked}, or a namesake {same}/{asked}")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for dist in args.dist:
        run(dist, args.runs, args.seed)


if __name__ == "__main__":
    main()
