"""Cost of the site search (`/search`, `/search.json`) on a build: the index, then one query.

On the build in `--dist` (e.g. of `villegraph generate --triples 1M --seed 1`), loaded in
memory: the time to read the index (`web/search.build_index`, once per served build, the part
laying out the haystack timed apart), then for every query the p50 over `--runs` runs of the
indexed `search.search` beside the loop over every entry it replaced (tests/reference_search.py,
the same hits), at the suggestion box's 10 hits and the page's 100. The queries are those a
person types: a label letter by letter from two letters, a name, two letters, no match. The
baseline is a plain pyoxigraph `bulk_load` of the same `villegraph.nq` in the same run.

    .venv/bin/python benchmarks/bench_search.py --dist /tmp/net-dist [--runs 5]

Prints a Markdown table; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the reference implementation kept by the tests

import reference_search  # noqa: E402

from villegraph.store import EmbeddedStore  # noqa: E402
from villegraph.web import search  # noqa: E402

BASE = "https://w3id.org/villegraph/"
TYPED = "laboratoire synthétique 1"
QUERIES = [
    *(TYPED[:n] for n in (2, 3, 4, 6, 11, 17, len(TYPED))),
    "de",
    "ville",
    "données",
    "ile-de",
    "zzzz",
]


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def p50(call: Callable[[], Any], runs: int) -> float:
    return statistics.median(timed(call)[0] for _ in range(runs))


def bench(dist: Path, runs: int) -> str:
    import pyoxigraph as ox

    def plain_load() -> ox.Store:
        plain = ox.Store()
        plain.bulk_load(path=str(dist / "villegraph.nq"), format=ox.RdfFormat.N_QUADS)
        return plain

    load_s, plain = timed(plain_load)
    del plain
    store = EmbeddedStore.from_dist(dist)
    index_s, index = timed(lambda: search.build_index(store, BASE))
    layout_s, _ = timed(lambda: search.Index(index.entries))
    texts = len(index.starts)
    lines = [
        f"Build {dist}: plain pyoxigraph bulk_load of villegraph.nq {load_s:.1f} s; "
        f"`build_index` {index_s:.1f} s ({len(index):,} entries, {texts:,} texts), of which "
        f"laying out the haystack ({len(index.haystack) / 1e6:.1f} M characters) "
        f"{layout_s:.2f} s\n",
        "| query | matches | hits | loop p50 ms | indexed p50 ms | loop ÷ indexed |",
        "|---|---|---|---|---|---|",
    ]
    for query in QUERIES:
        for limit in (search.SUGGEST_LIMIT, search.PAGE_LIMIT):
            new = search.search(index, query, "fr", limit)
            old = reference_search.search(index.entries, query, "fr", limit)
            assert new == old, query  # the figure is only worth it for the same answer
            old_s = p50(
                lambda q=query, n=limit: reference_search.search(index.entries, q, "fr", n), runs
            )
            new_s = p50(lambda q=query, n=limit: search.search(index, q, "fr", n), runs)
            lines.append(
                f"| {query} | {new[1]:,} | {limit} | {old_s * 1000:.1f} | {new_s * 1000:.2f} | "
                f"{old_s / new_s:.0f}× |"
            )
    store.close()
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, required=True, help="a build folder")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query")
    args = parser.parse_args()
    print(bench(args.dist, args.runs))


if __name__ == "__main__":
    main()
