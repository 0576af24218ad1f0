"""The network page in headless Chromium, with every non-local request blocked."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox
import pytest
from fixtures_browser import PageLog

from villegraph import network as N
from villegraph import viz
from villegraph.store import EmbeddedStore

pytestmark = pytest.mark.browser

SMALL = Path(__file__).parent / "data" / "network" / "small.ttl"
B = "https://w3id.org/villegraph/"
DRAWN = "body[data-drawn='true']"


@pytest.fixture(scope="module")
def small_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """file:// URL of the page for the small graph (hostile labels included)."""
    store = EmbeddedStore()
    store.oxigraph.load(path=str(SMALL), format=ox.RdfFormat.TURTLE)
    research = N.load_network(store)
    graph = N.with_works_on(N.project(research), research)  # as `villegraph viz` draws it
    path = tmp_path_factory.mktemp("viz") / "small.html"
    viz.write_html(path, viz.page(graph, N.analyse(graph, research), research=research))
    return path.as_uri()


def open_page(page: Any, url: str) -> Any:
    page.goto(url)
    page.wait_for_selector(DRAWN, state="attached", timeout=15_000)
    return page


def node_id(page: Any, iri: str) -> int:
    ids = page.evaluate(
        "iri => JSON.parse(document.getElementById('vg-data').textContent)"
        ".nodes.filter(n => n.iri === iri).map(n => n.id)",
        iri,
    )
    assert len(ids) == 1
    return int(ids[0])


def visible_count(page: Any) -> int:
    return int(page.get_attribute("#vg-visible", "data-visible"))


def clean(log: PageLog) -> None:
    assert log.blocked == []
    assert log.dialogs == []
    assert log.errors == []


def test_page_draws_offline(page: Any, page_log: PageLog, small_page: str) -> None:
    open_page(page, small_page)
    assert page.evaluate("network.body.data.nodes.length") == 13
    assert page.evaluate("network.body.data.edges.length") == 21
    assert page.evaluate("document.querySelectorAll('canvas').length") == 1
    assert visible_count(page) == 13
    clean(page_log)


def test_hostile_labels_show_as_text(page: Any, page_log: PageLog, small_page: str) -> None:
    open_page(page, small_page)
    page.fill("#vg-search", "img src")
    page.press("#vg-search", "Enter")
    assert page.text_content("#vg-details-label") == "<img src=x onerror=alert(1)>"
    page.fill("#vg-search", "bob")
    page.press("#vg-search", "Enter")
    assert page.text_content("#vg-details-label") == "Bob </script><script>alert(2)</script>"
    # the hover tooltip is text as well (vis-network sets innerText for string titles)
    alice = node_id(page, B + "person/alice")
    page.evaluate("id => network.focus(id, {scale: 1.5, animation: false})", alice)
    point = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", alice)
    box = page.locator("#vg-network").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tooltip = page.text_content("div.vis-tooltip")
    assert tooltip.startswith("<img src=x onerror=alert(1)>")
    assert page.evaluate("document.querySelectorAll('img, iframe').length") == 0
    clean(page_log)


def test_legend_filters_by_kind(page: Any, page_log: PageLog, small_page: str) -> None:
    open_page(page, small_page)
    items = page.locator("#vg-legend-list li label > span:last-child").all_text_contents()
    assert [text.split(" (")[0] for text in items] == [
        "personne",
        "organisation",
        "cycle ou séance",
        "intervention",
        "thème",
        "lieu",
    ]
    assert items[0] == "personne (2)"
    glyphs = page.locator("#vg-legend-list .vg-swatch").all_text_contents()
    assert glyphs == ["\u25cf", "\u25a0", "\u25c6", "\u25b2", "\u2b22", "\u2605"]
    page.uncheck("input[data-kind='person']")
    assert visible_count(page) == 11
    assert page.evaluate("vgNodes.get({filter: n => n.hidden}).length") == 2
    # edges touching a hidden node are hidden too
    hidden_edges = page.evaluate("vgEdges.get({filter: e => e.hidden}).length")
    assert hidden_edges == 10  # 6 links of the full network, 4 person → theme links
    page.check("input[data-kind='person']")
    assert visible_count(page) == 13
    clean(page_log)


def test_theme_filter(page: Any, page_log: PageLog, small_page: str) -> None:
    open_page(page, small_page)
    options = page.locator("#vg-theme option").all_text_contents()
    assert options == ["(tous les thèmes)", "démocratie", "données", "sobriété", "ville numérique"]
    page.select_option("#vg-theme", label="sobriété")
    # the theme, session 2, its speaker Bob (one link away), the cycle, Bob's session 1 and org
    assert visible_count(page) == 6
    page.select_option("#vg-theme", label="ville numérique")
    # the narrower theme "données" comes along, with what is near it
    shown = page.evaluate("vgNodes.get({filter: n => !n.hidden}).map(n => n.label)")
    assert {"ville numérique", "données", "Séance 1", "Exposé"} <= set(shown)
    assert "sobriété" not in shown
    page.select_option("#vg-theme", value="")
    assert visible_count(page) == 13
    clean(page_log)


def test_search_focuses_the_node(page: Any, page_log: PageLog, small_page: str) -> None:
    open_page(page, small_page)
    page.fill("#vg-search", "SOBRIETE")  # case and accents do not matter
    page.click("#vg-search-go")
    assert page.evaluate("network.getSelectedNodes()") == [node_id(page, B + "theme/c")]
    assert page.text_content("#vg-details-label") == "sobriété"
    page.fill("#vg-search", "nothing like this")
    page.press("#vg-search", "Enter")
    assert page.text_content("#vg-search-status") == "Aucun résultat"
    clean(page_log)


def test_language_switch(page: Any, page_log: PageLog, small_page: str) -> None:
    open_page(page, small_page)
    theme = node_id(page, B + "theme/a")
    assert page.evaluate("id => vgNodes.get(id).label", theme) == "données"
    page.select_option("#vg-lang", "en")
    assert page.evaluate("id => vgNodes.get(id).label", theme) == "data"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.text_content("#vg-legend h2") == "Legend"
    assert page.locator("#vg-legend-list li").first.text_content().endswith("person (2)")
    edge = page.evaluate("vgEdges.get({filter: e => e.title === 'presented by'}).length")
    assert edge == 1
    clean(page_log)


def test_clicking_a_node_shows_details_and_link(
    page: Any, page_log: PageLog, small_page: str
) -> None:
    open_page(page, small_page)
    talk = node_id(page, B + "talk/t1")
    page.evaluate("id => network.focus(id, {scale: 1.5, animation: false})", talk)
    point = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", talk)
    box = page.locator("#vg-network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("#vg-details-label", timeout=5000)
    assert page.text_content("#vg-details-label") == "Exposé"
    assert page.get_attribute("#vg-details-link", "href") == B + "talk/t1"
    neighbours = page.locator("#vg-details li button").all_text_contents()
    assert set(neighbours) == {
        "Séance 1",
        "<img src=x onerror=alert(1)>",
        "données",
        "démocratie",
        "Île-de-France",
    }
    clean(page_log)


def test_server_page_on_the_real_build(
    page: Any, page_log: PageLog, live_server: str, built_store: EmbeddedStore
) -> None:
    expected = N.project(N.load_network(built_store)).number_of_nodes()
    open_page(page, live_server + "/graph/")
    assert page.evaluate("network.body.data.nodes.length") == expected
    page.wait_for_selector("body[data-labels-placed='true']", state="attached", timeout=15_000)
    overlap = page.evaluate("villegraphLabelOverlap()")
    assert overlap["drawn"] >= 0.8 * expected and overlap["share"] <= 0.02
    page.fill("#vg-search", "Carole-Anne")
    page.press("#vg-search", "Enter")
    link = page.get_attribute("#vg-details-link", "href")
    assert link == "/person/carole-anne-tisserand"
    focus = page.get_attribute("#vg-details-focus", "href")
    assert focus.startswith("/graph/?focus=https%3A%2F%2Fw3id.org%2Fvillegraph%2Fperson%2F")
    page.click("#vg-details-focus")
    page.wait_for_selector(DRAWN, state="attached", timeout=15_000)
    research = N.load_network(built_store)
    full = N.with_works_on(N.project(research), research)
    ego = N.ego(full, B + "person/carole-anne-tisserand", 1)
    assert page.evaluate("network.body.data.nodes.length") == ego.number_of_nodes()
    # at depth 1 a person's talk, session, labs and themes, with labels that do not overlap
    kinds = page.evaluate("vgNodes.get().map(n => n.group)")
    assert {"talk", "event", "org", "theme"} <= set(kinds)
    page.wait_for_selector("body[data-labels-placed='true']", state="attached", timeout=15_000)
    assert page.evaluate("villegraphLabelOverlap()")["share"] <= 0.02
    response = page.goto(live_server + link)
    assert response is not None and response.status == 200
    clean(page_log)


def test_server_page_escapes_hostile_sample(page: Any, page_log: PageLog, web_server: str) -> None:
    open_page(page, web_server + "/graph/")
    assert page.evaluate("network.body.data.nodes.length") > 0
    clean(page_log)


def test_physics_stops_after_stabilisation(page: Any, page_log: PageLog, small_page: str) -> None:
    open_page(page, small_page)
    page.wait_for_selector("body[data-stabilised='true']", state="attached", timeout=15_000)
    assert page.evaluate("network.physics.options.enabled") is False
    clean(page_log)


def test_large_graph_is_capped_with_a_visible_notice(
    page: Any, page_log: PageLog, tmp_path: Path
) -> None:
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(1500, 2, seed=2), lambda i: f"urn:n{i}")
    nx.set_node_attributes(graph, "theme", "kind")
    nx.set_node_attributes(graph, {n: "<b>" + n for n in graph}, "label_fr")
    path = viz.write_html(
        tmp_path / "big.html", viz.page(graph, N.analyse(graph), viz.VizOptions(max_nodes=1000))
    )
    open_page(page, path.as_uri())
    data = page.evaluate("JSON.parse(document.getElementById('vg-data').textContent)")
    assert len(data["nodes"]) == 1000 and len(data["others"]) == 500
    # the 1000 nodes and the clusters of the overview they start from
    assert page.evaluate("network.body.data.nodes.length") == 1000 + len(data["clusters"])
    assert page.evaluate("network.physics.options.enabled") is False
    assert page.is_visible("#vg-notice")
    notice = page.text_content("#vg-notice")
    assert notice.startswith("Vue d'ensemble : ")  # 1000 drawn nodes: communities first
    assert "1000 nœuds affichés sur 1500 : 500 laissés de côté" in notice
    assert "thème 500. La recherche trouve aussi les nœuds laissés de côté" in notice
    clean(page_log)


def test_resource_page_links_to_its_network(page: Any, page_log: PageLog, live_server: str) -> None:
    page.goto(live_server + "/person/deborah-autheman")
    link = page.locator("a[href^='/graph/?focus=']").first
    link.click()
    page.wait_for_selector(DRAWN, state="attached", timeout=15_000)
    selected = page.evaluate("network.getSelectedNodes()")
    assert len(selected) == 1
    assert page.text_content("#vg-details-label") == "Déborah Autheman"
    clean(page_log)


def test_labels_do_not_overlap_and_link_labels_wait_for_selection(
    page: Any, page_log: PageLog, small_page: str
) -> None:
    open_page(page, small_page)
    page.wait_for_selector("body[data-labels-placed='true']", state="attached", timeout=15_000)
    overlap = page.evaluate("villegraphLabelOverlap()")
    assert overlap["drawn"] >= 10 and overlap["share"] == 0.0
    # no link label until a node is selected or hovered; then its links' labels only
    assert page.evaluate("vgEdges.get({filter: e => e.label}).length") == 0
    page.fill("#vg-search", "Exposé")
    page.press("#vg-search", "Enter")
    labelled = page.evaluate("vgEdges.get({filter: e => e.label}).map(e => e.label)")
    assert sorted(labelled) == ["fait partie de", "présenté par", "sujet", "sujet", "étudie"]
    clean(page_log)


def test_person_theme_links_show_their_level(page: Any, page_log: PageLog, small_page: str) -> None:
    open_page(page, small_page)
    levels = page.locator("#vg-levels li").all_text_contents()
    assert levels == [
        "travail propre (son intervention)",
        "contexte de séance (sujet d'une séance où la personne intervient)",
    ]
    dashed = page.evaluate(
        "vgEdges.get({filter: e => e.title.endsWith('contexte de séance (sujet d\\'une séance"
        " où la personne intervient)')}).map(e => Array.isArray(e.dashes))"
    )
    assert dashed == [True, True]  # Bob's two themes, from the sessions he speaks in
    style = page.evaluate(
        "[...document.querySelectorAll('.vg-line')].map(e => getComputedStyle(e).borderTopStyle)"
    )
    assert style == ["solid", "dashed"]
    clean(page_log)


def _contrast(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(x) for x in rgb.strip("rgba()").split(",")[:3])
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)  # against white


def test_legend_colours_contrast_and_details_in_words(
    page: Any, page_log: PageLog, small_page: str
) -> None:
    open_page(page, small_page)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    colours = page.evaluate(
        "[...document.querySelectorAll('.vg-swatch')].map(e => getComputedStyle(e).color)"
    )
    assert len(colours) == 6 and all(_contrast(c) >= 3.0 for c in colours), colours
    page.fill("#vg-search", "img src")
    page.press("#vg-search", "Enter")
    assert page.text_content("#vg-details-summary") == (
        "personne — chercheuse, Laboratoire href=javascript:alert(3) (Université & Cie) — "
        "1 intervention — 2 thèmes de son intervention"
    )
    # figures are explained in words, folded away
    assert page.evaluate("document.getElementById('vg-details-measures').open") is False
    measures = page.locator("#vg-details-measures li").all_text_contents()
    assert measures[0] == "5 liens dans ce réseau"
    assert not any("0." in m for m in measures)
    clean(page_log)


def test_list_view_is_a_sortable_keyboard_table(
    page: Any, page_log: PageLog, small_page: str
) -> None:
    open_page(page, small_page)
    assert page.is_hidden("#vg-list")
    page.focus("#vg-list-toggle")
    page.keyboard.press("Enter")
    assert page.get_attribute("#vg-list-toggle", "aria-expanded") == "true"
    rows = page.locator("#vg-list-nodes tbody tr")
    assert rows.count() == 13
    assert page.locator("#vg-list-links tbody tr").count() == 21
    links = [
        int(x) for x in page.locator("#vg-list-nodes tbody td:nth-child(3)").all_text_contents()
    ]
    assert links == sorted(links, reverse=True) and links[0] == 5  # most linked first
    page.click("#vg-list-nodes button[data-sort='name']")
    names = page.locator("#vg-list-nodes tbody th").all_text_contents()
    sort = "#vg-list-nodes th[aria-sort='ascending'] button"
    assert page.get_attribute(sort, "data-sort") == "name"
    page.click("#vg-list-nodes button[data-sort='name']")
    assert page.locator("#vg-list-nodes tbody th").all_text_contents() == names[::-1]
    page.locator("#vg-list-nodes tbody button", has_text="sobriété").focus()
    page.keyboard.press("Enter")
    assert page.text_content("#vg-details-label") == "sobriété"
    page.uncheck("input[data-kind='theme']")
    assert page.locator("#vg-list-nodes tbody tr").count() == 9
    clean(page_log)


def test_search_finds_nodes_left_out_of_the_drawing(
    page: Any, page_log: PageLog, tmp_path: Path
) -> None:
    graph = nx.relabel_nodes(
        nx.barabasi_albert_graph(400, 2, seed=2), lambda i: f"https://example.org/n{i}"
    )
    nx.set_node_attributes(graph, "person", "kind")
    nx.set_node_attributes(graph, {n: "nom " + n.rsplit("/", 1)[1] for n in graph}, "label_fr")
    graph.nodes["https://example.org/n0"]["label_fr"] = "Homonyme"  # drawn: the most central
    graph.nodes["https://example.org/n399"]["label_fr"] = "Homonyme"  # left out
    options = viz.VizOptions(max_nodes=100, graph_path="/graph/")
    view = viz.build_view(graph, N.analyse(graph), options)
    left_out = view["others"][0]
    path = viz.write_html(tmp_path / "capped.html", viz.render_html(view))
    open_page(page, path.as_uri())
    page.fill("#vg-search", left_out[1])
    page.press("#vg-search", "Enter")
    status = page.text_content("#vg-search-status")
    assert status.startswith(f"« {left_out[1]} » (personne) n'est pas dessiné ici.")
    href = page.get_attribute("#vg-search-open", "href")
    assert href == "/graph/?focus=" + quote(left_out[0], safe="") + "&depth=1&lang=fr"
    # two people of one name: the drawn one is selected, the other offered beside it
    page.fill("#vg-search", "homonyme")
    page.press("#vg-search", "Enter")
    assert page.text_content("#vg-details-label") == "Homonyme"
    offered = page.get_attribute("#vg-search-more a", "data-iri")
    assert offered == "https://example.org/n399"
    clean(page_log)


def test_large_networks_open_on_an_overview_of_communities(
    page: Any, page_log: PageLog, tmp_path: Path
) -> None:
    graph = nx.relabel_nodes(
        nx.connected_caveman_graph(6, 80), lambda i: f"https://example.org/n{i}"
    )
    for i, node in enumerate(graph):
        graph.nodes[node].update(kind="theme" if i % 80 == 0 else "person", label_fr=f"n{i}")
    view = viz.build_view(graph, N.analyse(graph), viz.VizOptions(overview_above=400))
    assert len(view["clusters"]) >= 6
    assert sum(c["n"] for c in view["clusters"]) == 480
    path = viz.write_html(tmp_path / "overview.html", viz.render_html(view))
    open_page(page, path.as_uri())
    shown = page.evaluate("vgNodes.get({filter: n => !n.hidden}).map(n => n.group)")
    assert set(shown) == {"cluster"} and len(shown) == len(view["clusters"])
    assert page.text_content("#vg-notice").startswith("Vue d'ensemble : ")
    assert page.evaluate("villegraphLabelOverlap()")["share"] <= 0.02
    # clicking a cluster opens it: its members, drawn
    first = view["clusters"][0]
    point = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", first["id"])
    box = page.locator("#vg-network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("body[data-open-cluster]", state="attached", timeout=5000)
    opened = page.evaluate("vgNodes.get({filter: n => !n.hidden}).length")
    assert opened == first["n"]
    assert page.is_visible("#vg-overview")
    # search reaches a node of another cluster: its cluster opens and the node is selected
    other = next(n for n in view["nodes"] if n["com"] != first["com"])
    page.fill("#vg-search", other["lf"])
    page.press("#vg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [other["id"]]
    assert page.get_attribute("body", "data-open-cluster") == str(other["com"])
    page.click("#vg-overview")
    assert page.evaluate("vgNodes.get({filter: n => !n.hidden}).length") == len(view["clusters"])
    clean(page_log)


def test_an_opened_cluster_is_laid_out_for_its_own_view(
    page: Any, page_log: PageLog, tmp_path: Path
) -> None:
    """The largest cluster, opened: its members fill the window, with labels at reading size
    (not a corner of the whole layout zoomed until labels vanish), and labels do not overlap."""
    blocks = nx.stochastic_block_model(
        [300, 200, 150, 100, 80],
        [[0.03 if i == j else 0.001 for j in range(5)] for i in range(5)],
        seed=4,
    )
    graph = nx.relabel_nodes(nx.Graph(blocks), lambda i: f"https://example.org/n{i}")
    for i, node in enumerate(graph):
        graph.nodes[node].update(kind="theme" if i % 25 == 0 else "person", label_fr=f"nœud {i}")
    view = viz.build_view(graph, N.analyse(graph), viz.VizOptions())
    largest = view["clusters"][0]
    assert largest["n"] >= 150 and sum(c["n"] for c in view["clusters"]) == 830
    members = [n for n in view["nodes"] if n["com"] == largest["com"]]
    radii = [math.hypot(n["cx"], n["cy"]) for n in members]  # spread over the unit disk
    assert max(radii) <= 1.0 and max(radii) >= 0.99 and sorted(radii)[len(radii) // 2] >= 0.6
    path = viz.write_html(tmp_path / "clusters.html", viz.render_html(view))
    page.set_viewport_size({"width": 1400, "height": 900})
    open_page(page, path.as_uri())
    point = page.evaluate(
        "id => network.canvasToDOM(network.getPositions([id])[id])", largest["id"]
    )
    box = page.locator("#vg-network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector(
        f"body[data-open-cluster='{largest['com']}']", state="attached", timeout=5000
    )
    drawn = page.evaluate(
        """() => {
          const ids = vgNodes.get({filter: n => !n.hidden}).map(n => n.id);
          const at = network.getPositions(ids);
          const dom = ids.map(id => network.canvasToDOM(at[id]));
          const xs = dom.map(p => p.x), ys = dom.map(p => p.y);
          return {n: ids.length, width: Math.max(...xs) - Math.min(...xs),
                  height: Math.max(...ys) - Math.min(...ys), scale: network.getScale(),
                  sizes: vgNodes.get(ids).map(n => n.size)};
        }"""
    )
    assert drawn["n"] == largest["n"]
    assert drawn["width"] >= 0.6 * box["width"] and drawn["height"] >= 0.6 * box["height"]
    assert drawn["scale"] * 14 >= 10  # 14px labels drawn at 10px or more (vis hides below 6)
    assert min(drawn["sizes"]) >= 3 and max(drawn["sizes"]) <= 30
    overlap = page.evaluate("villegraphLabelOverlap()")
    assert overlap["drawn"] >= 30 and overlap["share"] <= 0.02
    # back to the overview, then another cluster: laid out for its own view as well
    page.click("#vg-overview")
    page.evaluate("id => vgOpenCluster(id)", view["clusters"][-1]["com"])
    assert page.evaluate("network.getScale()") * 14 >= 10
    assert page.evaluate("villegraphLabelOverlap()")["share"] <= 0.02
    clean(page_log)
