"""Time until the network page has drawn in headless Chromium, for synthetic networks.

For each size, a synthetic research network (preferential attachment, two links per new node,
kinds spread like the real data) is analysed, laid out and rendered to a file; the page is then
opened `--runs` times in Debian's Chromium with every non-local request blocked, and the time
from navigation start to vis-network's first `afterDrawing` (measured by the page,
`performance.now()`) and the wall time of `goto` → drawn are reported (median, min, max).
Goal: ≤ 1 s at 1k nodes, ≤ 3 s at 10k.

With `--dist DIR` (a build, e.g. of `villegraph generate --people 2000`), it also measures, on
that build: the time to write the page of each projection (read, project, analyse, lay out,
render, write; wall and CPU), the share of overlapping node labels (`villegraphLabelOverlap()`,
computed by the page from node positions and text metrics), and how many of a seeded sample of
people the page's search finds (drawn, or left out and offered with a link to open them).
`--real DIR` measures the label overlap on another build (the real data). `--overview DIR`
(a build of `villegraph generate --people 10000`) times its full view: the page written, then
opened `--runs` times until first drawn (it opens on the overview of communities), and the
largest cluster opened (fill of the window, labels drawn, overlap). Baselines measured in the
same run: opening the store, and `python -c "import networkx, igraph"`.

    python benchmarks/bench_viz.py [--sizes 1000 10000] [--runs 3] [--max-nodes N]
                                   [--dist DIR] [--real DIR] [--sample 100] [--overview DIR]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from villegraph import network, viz

KIND_SHARE = [
    ("theme", 0.35),
    ("person", 0.25),
    ("org", 0.15),
    ("talk", 0.12),
    ("event", 0.05),
    ("place", 0.05),
    ("programme", 0.03),
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def synthetic(nodes: int, seed: int = 1) -> nx.Graph:
    """A connected scale-free graph with kinds and bilingual labels on its nodes."""
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(nodes, 2, seed=seed)
    kinds = [k for k, _ in KIND_SHARE]
    weights = [w for _, w in KIND_SHARE]
    graph = nx.Graph(projection="full")
    for i in base:
        kind = rng.choices(kinds, weights)[0]
        graph.add_node(
            f"https://w3id.org/villegraph/{kind}/n{i}",
            kind=kind,
            label_fr=f"nœud {i}",
            label_en=f"node {i}",
        )
    names = list(graph)
    for u, v in base.edges():
        graph.add_edge(names[u], names[v], relation="subject")
    return graph


def render(graph: nx.Graph, max_nodes: int, folder: Path) -> tuple[Path, dict[str, float], int]:
    """Write the page; returns its path, the Python stage times and the drawn node count."""
    times = {}
    start = time.perf_counter()
    analysis = network.analyse(graph)
    times["analyse"] = time.perf_counter() - start
    start = time.perf_counter()
    view = viz.build_view(graph, analysis, viz.VizOptions(max_nodes=max_nodes))
    times["view+layout"] = time.perf_counter() - start
    start = time.perf_counter()
    path = viz.write_html(folder / f"graph-{graph.number_of_nodes()}.html", viz.render_html(view))
    times["render+write"] = time.perf_counter() - start
    return path, times, len(view["nodes"])


def measure(browser: object, url: str, runs: int) -> tuple[list[float], list[float]]:
    """(page-measured ms to first draw, wall seconds goto → drawn) per run, fresh page each time."""
    in_page, wall = [], []
    for _ in range(runs):
        context = browser.new_context()  # type: ignore[attr-defined]
        blocked: list[str] = []

        def route(route: object, blocked: list[str] = blocked) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if url.startswith(("file://", "data:", "http://127.0.0.1")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                blocked.append(url)
                route.abort()  # type: ignore[attr-defined]

        context.route("**/*", route)
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("body[data-drawn='true']", state="attached", timeout=120_000)
        wall.append(time.perf_counter() - start)
        in_page.append(float(page.evaluate("window.vgDrawnAt")))
        if blocked:
            raise SystemExit(f"the page tried to load {blocked}")
        context.close()
    return in_page, wall


def write_page(dist: Path, projection: str, folder: Path) -> tuple[Path, float, float, dict]:
    """The page of one projection, as `villegraph viz` writes it: (path, wall s, CPU s, view).

    Timed from the network's reading to the file written; opening the store (the server holds
    it open, `villegraph viz` opens it once) is timed apart and printed.
    """
    from villegraph.config import Settings
    from villegraph.store import open_store

    opened = time.perf_counter()
    store = open_store(Settings(dist_dir=dist))
    print(f"store of {dist} opened in {time.perf_counter() - opened:.2f} s")
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        research = network.load_network(store)
    finally:
        store.close()
    graph = network.view_graph(research, projection)
    analysis = network.analyse(graph, research)
    view = viz.build_view(graph, analysis, viz.VizOptions(graph_path="/graph/"), research)
    path = viz.write_html(folder / f"{projection}.html", viz.render_html(view))
    return path, time.perf_counter() - wall, time.process_time() - cpu, view


def import_baseline() -> tuple[float, float]:
    """(wall s, CPU s of the child) of `python -c "import networkx, igraph"`, the floor of any
    page-writing process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import networkx, igraph"], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def opened_cluster(page: object, view: dict) -> dict:
    """The largest cluster opened: share of the window its drawn nodes span, scale, labels."""
    com = view["clusters"][0]["com"]
    page.evaluate("c => vgOpenCluster(c)", com)  # type: ignore[attr-defined]
    return page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const ids = vgNodes.get({filter: n => !n.hidden}).map(n => n.id);
          const at = network.getPositions(ids);
          const dom = ids.map(id => network.canvasToDOM(at[id]));
          const xs = dom.map(p => p.x), ys = dom.map(p => p.y);
          const box = document.getElementById('vg-network').getBoundingClientRect();
          const o = villegraphLabelOverlap();
          return {n: ids.length, fill_w: (Math.max(...xs) - Math.min(...xs)) / box.width,
                  fill_h: (Math.max(...ys) - Math.min(...ys)) / box.height,
                  font_px: 14 * network.getScale(), labels: o.drawn, overlap: o.share};
        }"""
    )


def overview_report(browser: object, dist: Path, runs: int) -> None:
    """The full view of a large build: page written, first draw, the largest cluster opened."""
    with tempfile.TemporaryDirectory() as tmp:
        path, wall, cpu, view = write_page(dist, "full", Path(tmp))
        total = len(view["nodes"]) + len(view["others"])
        print(
            f"\nfull view of {dist}: {len(view['nodes'])}/{total} nodes drawn, "
            f"{len(view['edges'])} links, {len(view['clusters'])} clusters, "
            f"{path.stat().st_size / 1e6:.1f} MB; written in {wall:.2f} s wall, {cpu:.2f} s CPU"
        )
        in_page, goto = measure(browser, path.as_uri(), runs)
        print(
            f"first draw (overview): {statistics.median(in_page):.0f} ms in page "
            f"[{min(in_page):.0f}-{max(in_page):.0f}], "
            f"{statistics.median(goto):.2f} s wall goto→drawn"
        )
        page = open_drawn(browser, path.as_uri())
        print(f"largest cluster opened: {opened_cluster(page, view)}")
        page.context.close()  # type: ignore[attr-defined]


def open_drawn(browser: object, url: str) -> object:
    """A page (1400×900) with only local requests, once its labels are placed."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file://", "data:"))
            else route.abort()
        ),
    )
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-stabilised='true']", state="attached", timeout=300_000)
    return page


def findability(page: object, view: dict, sample: int, seed: int = 1) -> tuple[int, int, int]:
    """(found drawn, found left out with a link to open them, asked) for a sample of people."""
    people = [(n["iri"], n["lf"]) for n in view["nodes"] if n["kind"] == "person"]
    people += [(o[0], o[1]) for o in view["others"] if o[3] == "person"]
    asked = random.Random(seed).sample(sorted(people), min(sample, len(people)))
    drawn = left_out = 0
    for iri, label in asked:
        found = page.evaluate("q => vgSearch(q)", label)  # type: ignore[attr-defined]
        offered = page.evaluate(  # type: ignore[attr-defined]
            "() => [...document.querySelectorAll('#vg-search-more [data-iri]')]"
            ".map(e => e.getAttribute('data-iri'))"
        )
        chosen = view["nodes"][found]["iri"] if isinstance(found, int) else found
        if chosen == iri or iri in offered:  # first hit, or among its namesakes
            if any(n["iri"] == iri for n in view["nodes"]):
                drawn += 1
            else:
                left_out += 1
    return drawn, left_out, len(asked)


def projections_report(browser: object, dist: Path, real: Path | None, sample: int) -> None:
    """Page-writing time per projection, label overlap and search findability on a build."""
    with tempfile.TemporaryDirectory() as tmp:
        print(
            f"\n{'projection':<14} {'nodes drawn/total':>18} {'edges drawn':>12} "
            f"{'write wall s':>13} {'CPU s':>7} {'label overlap':>14}"
        )
        for projection in network.PROJECTIONS:
            path, wall, cpu, view = write_page(dist, projection, Path(tmp))
            total = len(view["nodes"]) + len(view["others"])
            page = open_drawn(browser, path.as_uri())
            overlap = page.evaluate("villegraphLabelOverlap()")  # type: ignore[attr-defined]
            print(
                f"{projection:<14} {len(view['nodes']):>8}/{total:<9} {len(view['edges']):>12} "
                f"{wall:>13.2f} {cpu:>7.2f} "
                f"{overlap['overlapping']:>4}/{overlap['drawn']:<5} {overlap['share']:.1%}"
            )
            if projection == "full" and view["clusters"]:
                print(f"{'':14} largest cluster opened: {opened_cluster(page, view)}")
            if projection == "full":
                page.context.close()  # type: ignore[attr-defined]
                page = open_drawn(browser, path.as_uri())  # the search from the overview
                drawn, left_out, asked = findability(page, view, sample)
                print(
                    f"{'':14} search: {drawn + left_out}/{asked} people found "
                    f"({drawn} drawn, {left_out} left out and offered with a link to open them)"
                )
            page.context.close()  # type: ignore[attr-defined]
        if real is not None:
            path, wall, _, view = write_page(real, "full", Path(tmp))
            page = open_drawn(browser, path.as_uri())
            overlap = page.evaluate("villegraphLabelOverlap()")  # type: ignore[attr-defined]
            print(
                f"real data, full view: {len(view['nodes'])} nodes, label overlap "
                f"{overlap['overlapping']}/{overlap['drawn']} = {overlap['share']:.1%}, "
                f"page written in {wall:.2f} s"
            )
            page.context.close()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--max-nodes",
        type=int,
        default=None,
        help="node cap (default: the size itself, i.e. everything drawn)",
    )
    parser.add_argument("--dist", type=Path, help="a build to measure pages, overlap, search on")
    parser.add_argument("--real", type=Path, help="a second build (the real data) for overlap")
    parser.add_argument("--sample", type=int, default=100, help="people asked of the search")
    parser.add_argument("--overview", type=Path, help="a large build whose overview is timed")
    args = parser.parse_args()
    wall, cpu = import_baseline()
    print(f'baseline: python -c "import networkx, igraph" {wall:.2f} s wall, {cpu:.2f} s CPU')
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        print(
            f"{'nodes':>6} {'drawn':>6} {'edges':>6} {'MB':>5}  python stages (s)"
            f"{'':24} first draw in page, ms (median [min-max])   wall goto→drawn, s"
        )
        for size in args.sizes:
            graph = synthetic(size)
            cap = args.max_nodes or size
            path, times, drawn = render(graph, cap, Path(tmp))
            in_page, wall = measure(browser, path.as_uri(), args.runs)
            stages = " ".join(f"{k} {v:.2f}" for k, v in times.items())
            print(
                f"{size:>6} {drawn:>6} {graph.number_of_edges():>6} "
                f"{path.stat().st_size / 1e6:>5.1f}  {stages:<42} "
                f"{statistics.median(in_page):>7.0f} [{min(in_page):.0f}-{max(in_page):.0f}]"
                f"{'':18}{statistics.median(wall):.2f} [{min(wall):.2f}-{max(wall):.2f}]"
            )
        if args.dist is not None:
            projections_report(browser, args.dist, args.real, args.sample)
        if args.overview is not None:
            overview_report(browser, args.overview, args.runs)
        browser.close()


if __name__ == "__main__":
    main()
