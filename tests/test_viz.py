"""The network page as a file and as a route, and the `analyze` / `export` / `viz` commands."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures_server import ServerThread
from markupsafe import escape
from starlette.applications import Starlette
from starlette.routing import Mount

from villegraph import network as N
from villegraph import viz
from villegraph.cli import main
from villegraph.config import Settings
from villegraph.errors import UsageError
from villegraph.store import EmbeddedStore
from villegraph.web.graph import cached_render, parse_request, routes

SMALL = Path(__file__).parent / "data" / "network" / "small.ttl"
B = "https://w3id.org/villegraph/"
HOSTILE = ("<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>")


@pytest.fixture(scope="module")
def small_store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.oxigraph.load(path=str(SMALL), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def small_html(small_store: EmbeddedStore) -> str:
    research = N.load_network(small_store)
    graph = N.project(research)
    return viz.page(graph, N.analyse(graph, research))


def data_block(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="vg-data">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_hostile_labels_never_reach_the_page_as_markup(small_html: str) -> None:
    for label in HOSTILE:
        assert label not in small_html
    assert "<img" not in small_html
    # three script elements: data, vis-network, ours (vis-network has "<script>" in a string,
    # harmless in script data as it holds no "<!--" and no "</script")
    outside = small_html.replace(viz.vis_network_js(), "")
    assert outside.count("<script") == 3
    assert small_html.lower().count("</script") == 3
    labels = {n["lf"] for n in data_block(small_html)["nodes"]}
    assert "<img src=x onerror=alert(1)>" in labels
    assert "Bob </script><script>alert(2)</script>" in labels


def test_page_references_nothing_outside_itself(small_html: str) -> None:
    assert not re.search(r"""<(?:script|link|img|iframe)[^>]*\s(?:src|href)=""", small_html)
    for word in ("bootstrap", "jsdelivr", "cdnjs", "unpkg", "sourcemappingurl", "googleapis"):
        assert word not in small_html.lower()
    assert "@import" not in small_html


def test_csp_allows_exactly_the_inline_scripts(small_html: str) -> None:
    policy = viz.content_security_policy()
    assert f'content="{escape(policy)}"' in small_html
    scripts = re.findall(r"<script>(.*?)</script>", small_html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-eval" not in policy


def test_json_for_script_escapes_breakouts() -> None:
    text = viz.json_for_script({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_view_has_kinds_sizes_links_and_bilingual_labels(small_store: EmbeddedStore) -> None:
    research = N.load_network(small_store)
    graph = N.project(research)
    options = viz.VizOptions(base_iri=B, link_prefix="/", graph_path="/graph/")
    view = viz.build_view(graph, N.analyse(graph, research), options)
    assert len(view["nodes"]) == 13 and len(view["edges"]) == 17
    by_iri = {n["iri"]: n for n in view["nodes"]}
    assert by_iri[B + "theme/a"]["lf"] == "données" and by_iri[B + "theme/a"]["le"] == "data"
    assert by_iri[B + "person/alice"]["href"] == "/person/alice"
    assert by_iri[B + "event/s1"]["size"] == 35.0  # the most central node is the largest
    assert min(n["size"] for n in view["nodes"]) == 10.0
    assert [k["key"] for k in view["kinds"]] == ["person", "org", "event", "talk", "theme", "place"]
    assert view["physics"] is True and view["notice"] is None and view["others"] == []
    assert view["edgeLabels"] == "hover"  # link labels on hover and selection only
    assert view["options"]["groups"]["theme"]["shape"] == "hexagon"
    assert view["options"]["layout"]["hierarchical"]["enabled"] is False
    edge = next(e for e in view["edges"] if e["rel"] == "presenter")
    assert (edge["lf"], edge["le"]) == ("présenté par", "presented by")
    assert view["nodes"][edge["from"]]["iri"] == B + "talk/t1"


def test_node_links_without_a_server_point_at_the_iri() -> None:
    assert viz.node_href(B + "person/x", viz.VizOptions()) == B + "person/x"
    assert viz.node_href("urn:x", viz.VizOptions()) is None
    served = viz.VizOptions(base_iri=B, link_prefix="http://127.0.0.1:8000/")
    assert viz.node_href(B + "person/x", served) == "http://127.0.0.1:8000/person/x"


def test_large_graph_is_capped_with_notice_and_fixed_positions() -> None:
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(600, 2, seed=1), lambda i: f"urn:n{i}")
    nx.set_node_attributes(graph, "person", "kind")
    analysis = N.analyse(graph)
    view = viz.build_view(graph, analysis, viz.VizOptions(max_nodes=400, focus="urn:n599"))
    assert len(view["nodes"]) == 400
    assert view["notice"]["leftOut"] == {"person": 200}
    assert (view["notice"]["shown"], view["notice"]["total"]) == (400, 600)
    kept = {n["iri"] for n in view["nodes"]}
    assert "urn:n599" in kept  # the focus stays even though it is peripheral
    top = sorted(analysis.betweenness, key=analysis.betweenness.get, reverse=True)[:300]
    assert set(top) <= kept
    assert view["physics"] is False
    # the 200 left out stay searchable: [iri, label fr, label en, kind]
    assert len(view["others"]) == 200 and kept.isdisjoint(o[0] for o in view["others"])
    assert view["options"]["physics"]["enabled"] is False
    assert view["options"]["edges"]["smooth"]["enabled"] is False
    assert all(isinstance(n["x"], float) for n in view["nodes"])


def test_edges_are_capped_keeping_the_heaviest() -> None:
    graph = nx.relabel_nodes(nx.complete_graph(30), str)
    for i, (u, v) in enumerate(sorted(graph.edges())):
        graph.edges[u, v]["weight"] = i
    view = viz.build_view(graph, None, viz.VizOptions(max_edges=100))
    assert len(view["edges"]) == 100 and len(view["nodes"]) == 30
    assert sorted(e["w"] for e in view["edges"]) == list(range(435 - 100, 435))
    assert view["notice"]["edgesShown"] == 100 and view["notice"]["edgesTotal"] == 435
    assert view["notice"]["leftOut"] == {}


def test_layout_is_seeded() -> None:
    graph = nx.relabel_nodes(nx.path_graph(30), str)
    assert viz.layout(graph, 1) == viz.layout(graph, 1)
    assert viz.layout(graph, 1) != viz.layout(graph, 2)


def test_write_html_is_utf8(tmp_path: Path) -> None:
    path = viz.write_html(tmp_path / "sub" / "g.html", "<p>données</p>")
    assert path.read_bytes() == "<p>données</p>".encode()
    assert [p.name for p in path.parent.iterdir()] == ["g.html"]


# -- the route ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(
    small_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """A real server (uvicorn on loopback) with only the network routes, on the small graph."""
    app = Starlette(routes=[Mount("/graph", routes=routes)])
    app.state.store = small_store
    app.state.settings = Settings(dist_dir=tmp_path_factory.mktemp("dist"))
    with ServerThread(app) as server, httpx.Client(base_url=server.url) as http:
        yield http


def test_route_serves_the_page_with_csp(client: httpx.Client) -> None:
    response = client.get("/graph/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == viz.content_security_policy()
    view = data_block(response.text)
    assert len(view["nodes"]) == 13
    assert view["graphPath"] == "/graph/"
    assert {n["href"] for n in view["nodes"]} >= {"/person/alice", "/theme/a"}


def test_route_focus_theme_projection_and_lang(client: httpx.Client) -> None:
    focus = client.get("/graph/", params={"focus": B + "person/alice", "depth": "1"})
    view = data_block(focus.text)
    # her talk, session and lab, and her themes, one link away (own work: a and b)
    assert {n["iri"] for n in view["nodes"]} == {
        B + "person/alice",
        B + "event/s1",
        B + "talk/t1",
        B + "org/lab",
        B + "theme/a",
        B + "theme/b",
    }
    levels = {
        (view["nodes"][e["from"]]["iri"], view["nodes"][e["to"]]["iri"]): e["lvl"]
        for e in view["edges"]
        if e["rel"] == "works-on"
    }
    assert levels == {
        (B + "person/alice", B + "theme/a"): "own",
        (B + "person/alice", B + "theme/b"): "own",
    }
    alice = view["nodes"][view["focus"]]
    assert alice["sf"] == (
        "chercheuse, Laboratoire href=javascript:alert(3) (Université & Cie) — 1 intervention — "
        "2 thèmes de son intervention"
    )
    assert view["nodes"][view["focus"]]["iri"] == B + "person/alice"
    for short in ("person/alice", "vgr:person/alice"):  # the forms a query parameter takes
        again = data_block(client.get("/graph/", params={"focus": short, "depth": "1"}).text)
        assert again["nodes"] == view["nodes"]
    assert "<title>villegraph — &lt;img src=x onerror=alert(1)&gt;</title>" in focus.text
    theme = data_block(client.get("/graph/", params={"theme": B + "theme/c"}).text)
    assert {n["iri"] for n in theme["nodes"]} == {
        B + "theme/c",
        B + "event/s2",
        B + "person/bob",
        B + "event/cycle",
        B + "event/s1",  # through Bob, who works on c (session context), one link away
        B + "org/uni",
    }
    # the brief's spelling, without the slash, is redirected with its query kept
    people = data_block(
        client.get("/graph?projection=person-person&lang=en", follow_redirects=True).text
    )
    assert people["lang"] == "en" and len(people["nodes"]) == 2


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("depth=9&focus=https://w3id.org/villegraph/person/alice", 400, "depth 9"),
        ("depth=x", 400, "not a whole number"),
        ("projection=nope", 400, "projection 'nope'"),
        ("lang=de", 400, "lang 'de'"),
        ("focus=javascript:alert(1)", 400, "not an absolute http(s) IRI"),
        ("colour=red", 400, "unknown parameter"),
        ("overview=-1", 400, "overview -1 is not between 0 and 20000"),
        ("overview=many", 400, "overview 'many' is not a whole number"),
        ("focus=https://w3id.org/villegraph/person/nobody", 404, "no node"),
        ("theme=https://w3id.org/villegraph/person/alice", 404, "no theme"),
    ],
)
def test_route_rejects_bad_parameters(
    client: httpx.Client, query: str, status: int, message: str
) -> None:
    response = client.get("/graph/?" + query)
    assert response.status_code == status
    assert message in response.text
    assert response.headers["content-type"].startswith("text/plain")


def test_route_overview_threshold(client: httpx.Client) -> None:
    """`?overview=N`: communities first above N drawn nodes (13 here), 0 always."""
    assert data_block(client.get("/graph/").text)["clusters"] == []  # 13 nodes, default 400
    always = data_block(client.get("/graph/?overview=0").text)
    assert len(always["clusters"]) >= 2
    assert sum(c["n"] for c in always["clusters"]) == len(always["nodes"]) == 13
    assert data_block(client.get("/graph/?overview=12").text)["clusters"] == always["clusters"]
    assert data_block(client.get("/graph/?overview=13").text)["clusters"] == []
    focused = client.get("/graph/", params={"overview": "0", "focus": B + "person/alice"})
    assert data_block(focused.text)["clusters"] == []  # a focus opens on the focus


# -- the commands -------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_analyze_formats(built_dist: Path) -> None:
    code, out, _ = run("analyze", "--dist", str(built_dist), "--format", "json", "--top", "3")
    assert code == 0
    payload = json.loads(out)
    assert payload["projection"] == "full" and len(payload["top"]) == 3
    assert payload["methods"]["betweenness"] == "networkx exact (normalised)"
    assert payload["top"][0]["iri"] == B + "event/seance-5"
    code, out, _ = run(
        "analyze",
        "--dist",
        str(built_dist),
        "--projection",
        "person-theme",
        "--format",
        "csv",
        "--top",
        "2",
        "--sort",
        "degree",
    )
    lines = out.splitlines()
    assert lines[0].startswith("rank,iri,label,kind,degree")
    assert lines[1].split(",")[3] == "person" and len(lines) == 3
    code, out, _ = run("analyze", "--dist", str(built_dist), "--sort", "bridge", "--top", "1")
    assert code == 0 and "Carole-Anne Tisserand" in out.splitlines()[3]


def test_cli_analyze_writes_rdf(built_dist: Path, tmp_path: Path) -> None:
    target = tmp_path / "metrics.trig"
    code, _, err = run("analyze", "--dist", str(built_dist), "--rdf", str(target))
    assert code == 0 and "graph/network-full" in err
    store = EmbeddedStore()
    store.oxigraph.load(path=str(target), format=ox.RdfFormat.TRIG)
    assert store.graphs() == [B + "graph/network-full"]


def test_cli_export_formats(built_dist: Path, tmp_path: Path) -> None:
    for fmt in ("graphml", "gexf"):
        code, _, _ = run(
            "export", "--dist", str(built_dist), "--format", fmt, "-o", str(tmp_path / f"n.{fmt}")
        )
        assert code == 0
    graph = nx.read_graphml(tmp_path / "n.graphml")
    assert graph.nodes[B + "person/deborah-autheman"]["label"] == "Déborah Autheman"
    assert nx.read_gexf(tmp_path / "n.gexf").number_of_nodes() == graph.number_of_nodes()
    code, _, _ = run("export", "--dist", str(built_dist), "--format", "csv", "-o", str(tmp_path))
    header = (tmp_path / "nodes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,") and "kind" in header and "label_en" in header
    edges = (tmp_path / "edges.csv").read_text(encoding="utf-8").splitlines()
    assert edges[0].startswith("source,target,")
    assert len(edges) - 1 == graph.number_of_edges()


def test_cli_viz_and_errors(built_dist: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    focus = B + "person/jean-baptiste-chambon"
    code, _, err = run(
        "viz",
        "--dist",
        str(built_dist),
        "-o",
        str(out),
        "--focus",
        focus,
        "--depth",
        "1",
        "--lang",
        "en",
    )
    assert code == 0 and "nodes" in err
    view = data_block(out.read_text(encoding="utf-8"))
    assert view["lang"] == "en" and view["nodes"][view["focus"]]["iri"] == focus
    assert view["nodes"][0]["href"].startswith(B)
    code, _, err = run("viz", "--dist", str(built_dist), "-o", str(out), "--focus", B + "x/y")
    assert code == 2 and "no node" in err
    code, _, err = run("viz", "--dist", str(tmp_path / "none"), "-o", str(out))
    assert code == 3 and "no build" in err
    code, _, err = run("analyze", "--dist", str(built_dist), "--projection", "x")
    assert code == 2


def test_cli_viz_overview_threshold(built_dist: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    code, _, _ = run("viz", "--dist", str(built_dist), "-o", str(out))
    assert code == 0 and data_block(out.read_text(encoding="utf-8"))["clusters"] == []
    code, _, _ = run("viz", "--dist", str(built_dist), "-o", str(out), "--overview-above", "0")
    view = data_block(out.read_text(encoding="utf-8"))
    assert code == 0 and len(view["clusters"]) >= 2
    assert sum(c["n"] for c in view["clusters"]) == len(view["nodes"])
    code, _, err = run("viz", "--dist", str(built_dist), "-o", str(out), "--overview-above", "-5")
    assert code == 2 and "Invalid value for '--overview-above': -5 is not in the range x>=0" in err
    with pytest.raises(UsageError, match="overview threshold -1 must be 0 or more"):
        viz.VizOptions(overview_above=-1)


def test_pages_are_cached_per_store_directory(small_store: EmbeddedStore, tmp_path: Path) -> None:
    class Counting:
        """The small store, with a directory name and a count of the queries it ran."""

        def __init__(self, path: str) -> None:
            self.path = path
            self.queries = 0

        def select(self, query: str, *args: object, **kw: object) -> object:
            self.queries += 1
            return small_store.select(query)

    store = Counting("store/build-1")
    settings = Settings(dist_dir=tmp_path)
    wanted = parse_request({"lang": "en"})
    first = cached_render(store, settings, wanted, "/graph/")  # type: ignore[arg-type]
    ran = store.queries
    assert ran == 5  # nodes, labels, links, memberships, doubts
    assert cached_render(store, settings, wanted, "/graph/") == first  # type: ignore[arg-type]
    assert store.queries == ran
    store.path = "store/build-2"  # a new build: rendered again
    cached_render(store, settings, wanted, "/graph/")  # type: ignore[arg-type]
    assert store.queries == 2 * ran


def test_inlined_vis_network_keeps_its_unicode_line_separators() -> None:
    """Regression: str.splitlines also splits at U+0085, which the bundle holds in a string."""
    from importlib import resources

    original = (
        resources.files("pyvis")
        .joinpath("lib/vis-9.1.2/vis-network.min.js")
        .read_text(encoding="utf-8")
    )
    inlined = viz.vis_network_js()
    assert "\x85" in original
    assert inlined.count("\x85") == original.count("\x85")
    assert "sourceMappingURL" in original and "sourceMappingURL" not in inlined
    assert len(original) - len(inlined) < 100


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--focus", "person/jean-baptiste-chambon"),
        ("--focus", "vgr:person/jean-baptiste-chambon"),
        ("--focus", "<https://w3id.org/villegraph/person/jean-baptiste-chambon>"),
        ("--theme", "theme/citizen-participation"),
    ],
)
def test_cli_viz_takes_iris_as_queries_do(
    built_dist: Path, tmp_path: Path, option: str, value: str
) -> None:
    out = tmp_path / "g.html"
    code, _, err = run("viz", "--dist", str(built_dist), "-o", str(out), option, value)
    assert code == 0, err
    view = data_block(out.read_text(encoding="utf-8"))
    iris = {node["iri"] for node in view["nodes"]}
    expected = B + value.strip("<>").split("/villegraph/")[-1].removeprefix("vgr:")
    assert expected in iris
    code, _, err = run("viz", "--dist", str(built_dist), "-o", str(out), option, "not an iri")
    assert code == 2 and err.startswith(f"villegraph: error: {option}: ")


def test_gephi_exports_keep_evidence_level_and_community(built_dist: Path, tmp_path: Path) -> None:
    target = tmp_path / "pt.gexf"
    code, _, err = run(
        "export",
        "--dist",
        str(built_dist),
        "--projection",
        "person-theme",
        "--format",
        "gexf",
        "-o",
        str(target),
    )
    assert code == 0, err
    graph = nx.read_gexf(target)
    levels = {d["level"] for _, _, d in graph.edges(data=True)}
    assert levels == {"own work", "session context"}
    assert all(isinstance(d["community"], int) for _, d in graph.nodes(data=True))
    graphml = tmp_path / "pt.graphml"
    run(
        "export",
        "--dist",
        str(built_dist),
        "--projection",
        "person-theme",
        "--format",
        "graphml",
        "-o",
        str(graphml),
    )
    assert {d["level"] for _, _, d in nx.read_graphml(graphml).edges(data=True)} == levels
