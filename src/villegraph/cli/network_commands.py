"""CLI commands: `analyze`, `export` and `viz`, on the last build or on `--endpoint`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import networkx as nx

from villegraph import network, viz
from villegraph.cli import settings as cli_settings
from villegraph.config import Settings
from villegraph.errors import InputError, UsageError
from villegraph.store import Store, open_store

PROJECTION = click.Choice(sorted(network.PROJECTIONS))


def _store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--dist",
        type=click.Path(file_okay=False, path_type=Path),
        help="Build folder to read (default: dist/, env VILLEGRAPH_DIST_DIR).",
    )(command)
    command = click.option(
        "--endpoint", help="Read a SPARQL endpoint instead of the build (env VILLEGRAPH_ENDPOINT)."
    )(command)
    return click.option(
        "--projection",
        type=PROJECTION,
        default="full",
        show_default=True,
        help="Which projection of the RDF graph: "
        + "; ".join(f"{k}: {v}" for k, v in network.PROJECTIONS.items()),
    )(command)


@contextmanager
def _opened(ctx: click.Context, dist: Path | None, endpoint: str | None) -> Iterator[Store]:
    settings: Settings = cli_settings(ctx).with_(dist_dir=dist, endpoint=endpoint)
    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


def _load(
    ctx: click.Context, dist: Path | None, endpoint: str | None, projection: str
) -> tuple[network.ResearchNetwork, nx.Graph]:
    with _opened(ctx, dist, endpoint) as store:
        research = network.load_network(store)
    return research, network.project(research, projection)


# -- analyze ----------------------------------------------------------------------------------

TABLE_COLUMNS = (
    ("label", "label", 40),
    ("kind", "kind", 9),
    ("degree", "degree", 6),
    ("betweenness", "betweenness", 11),
    ("community", "comm.", 5),
    ("bridge_score", "bridge", 6),
    ("theme_communities", "t.comm.", 7),
)


def format_table(rows: list[dict[str, Any]]) -> str:
    """Fixed-width text table of the ranked nodes."""
    header = ["#".rjust(3)] + [title.ljust(width) for _, title, width in TABLE_COLUMNS]
    lines = [" ".join(header).rstrip()]
    for rank, row in enumerate(rows, 1):
        cells = [str(rank).rjust(3)]
        for key, _, width in TABLE_COLUMNS:
            value = row[key]
            text = f"{value:.4f}" if isinstance(value, float) else str(value)
            if len(text) > width:
                text = text[: width - 1] + "…"
            cells.append(
                text.rjust(width) if key != "label" and key != "kind" else text.ljust(width)
            )
        lines.append(" ".join(cells).rstrip())
    return "\n".join(lines)


def format_csv(rows: list[dict[str, Any]]) -> str:
    """The ranked nodes as CSV, IRIs included."""
    buffer = io.StringIO()
    fields = ["rank", "iri", *(key for key, _, _ in TABLE_COLUMNS), "degree_centrality"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for rank, row in enumerate(rows, 1):
        writer.writerow({"rank": rank, **{k: row[k] for k in fields if k != "rank"}})
    return buffer.getvalue()


@click.command("analyze")
@_store_options
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many nodes to list.",
)
@click.option(
    "--sort",
    "sort_key",
    type=click.Choice(["betweenness", "degree", "bridge"]),
    default="betweenness",
    show_default=True,
    help="Rank nodes by this metric.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--seed",
    type=int,
    default=network.DEFAULT_SEED,
    show_default=True,
    help="Seed of the community detection.",
)
@click.option(
    "--rdf",
    "rdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the metrics as TriG, in the named graph {base}graph/network-<projection>.",
)
@click.pass_context
def analyze(
    ctx: click.Context,
    projection: str,
    dist: Path | None,
    endpoint: str | None,
    top: int,
    sort_key: str,
    output_format: str,
    seed: int,
    rdf_path: Path | None,
) -> None:
    """Degree, betweenness, communities and theme bridges of a projection of the network."""
    research, graph = _load(ctx, dist, endpoint, projection)
    analysis = network.analyse(graph, research, seed=seed)
    rows = analysis.rows(graph, sort_key)[:top]
    if output_format == "json":
        payload = {
            "projection": projection,
            "nodes": analysis.nodes,
            "edges": analysis.edges,
            "modularity": round(analysis.modularity, 6),
            "communities": len(set(analysis.community.values())),
            "methods": analysis.methods,
            "top": rows,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        click.echo(format_csv(rows), nl=False)
    else:
        click.echo(
            f"{projection}: {analysis.nodes} nodes, {analysis.edges} edges, "
            f"{len(set(analysis.community.values()))} communities "
            f"(modularity {analysis.modularity:.3f})"
        )
        click.echo("; ".join(f"{k}: {v}" for k, v in analysis.methods.items()))
        click.echo(format_table(rows))
    if rdf_path is not None:
        base_iri = cli_settings(ctx).base_iri
        _write_bytes(rdf_path, network.metrics_trig(analysis, base_iri))
        graph_iri, _ = network.metrics_graph(analysis, base_iri)
        click.echo(f"wrote {rdf_path} (graph <{graph_iri}>)", err=True)


# -- export -----------------------------------------------------------------------------------


@click.command("export")
@_store_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["graphml", "gexf", "csv"]),
    required=True,
    help="graphml (Cytoscape, Gephi), gexf (Gephi) or csv (two files).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write; for csv, a folder that gets nodes.csv and edges.csv.",
)
@click.pass_context
def export(
    ctx: click.Context,
    projection: str,
    dist: Path | None,
    endpoint: str | None,
    output_format: str,
    output: Path,
) -> None:
    """Write a projection for desktop tools, with labels, kinds and metrics as attributes."""
    research, graph = _load(ctx, dist, endpoint, projection)
    analysis = network.analyse(graph, research)
    flat = network.flat_copy(network.with_metrics(graph, analysis))
    if output_format == "csv":
        written = write_csv(flat, output)
    else:
        writer = nx.write_graphml if output_format == "graphml" else nx.write_gexf
        buffer = io.BytesIO()
        writer(flat, buffer)
        _write_bytes(output, buffer.getvalue())
        written = [output]
    click.echo(
        f"wrote {', '.join(str(p) for p in written)}: "
        f"{flat.number_of_nodes()} nodes, {flat.number_of_edges()} edges",
        err=True,
    )


def write_csv(graph: nx.Graph, folder: Path) -> list[Path]:
    """nodes.csv (id first) and edges.csv (source, target first) in `folder`."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: csv export needs a folder, and this is a file")
    node_fields = sorted({k for _, d in graph.nodes(data=True) for k in d} - {"iri"})
    edge_fields = sorted({k for _, _, d in graph.edges(data=True) for k in d})
    nodes = io.StringIO()
    writer = csv.writer(nodes, lineterminator="\n")
    writer.writerow(["id", *node_fields])
    for node, data in graph.nodes(data=True):
        writer.writerow([node, *(data.get(k, "") for k in node_fields)])
    edges = io.StringIO()
    writer = csv.writer(edges, lineterminator="\n")
    writer.writerow(["source", "target", *edge_fields])
    for u, v, data in graph.edges(data=True):
        writer.writerow([u, v, *(data.get(k, "") for k in edge_fields)])
    paths = [folder / "nodes.csv", folder / "edges.csv"]
    _write_text(paths[0], nodes.getvalue())
    _write_text(paths[1], edges.getvalue())
    return paths


# -- viz --------------------------------------------------------------------------------------


@click.command("viz")
@_store_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("network.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option("--theme", help="Show only this theme (IRI), its narrower themes and what is near.")
@click.option("--focus", help="Show only the nodes around this one (IRI); see --depth.")
@click.option(
    "--depth",
    type=click.IntRange(0, 6),
    default=1,
    show_default=True,
    help="Links from --focus to include.",
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of the labels (the page can switch).",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="Draw at most this many nodes (the most central); a notice says what is left out.",
)
@click.option(
    "--max-edges",
    type=click.IntRange(min=0),
    default=20_000,
    show_default=True,
    help="Draw at most this many links (the strongest); a notice says what is left out.",
)
@click.option(
    "--overview-above",
    type=click.IntRange(min=0),
    default=viz.OVERVIEW_ABOVE,
    show_default=True,
    help="Open on an overview of communities when more than this many nodes are drawn "
    "(0: always, a number above --max-nodes: never; never with --focus).",
)
@click.option(
    "--link-base",
    help="Server URL for the nodes' page links (e.g. http://127.0.0.1:8000/); "
    "default: the resources' own IRIs.",
)
@click.pass_context
def viz_command(
    ctx: click.Context,
    projection: str,
    dist: Path | None,
    endpoint: str | None,
    output: Path,
    theme: str | None,
    focus: str | None,
    depth: int,
    lang: str,
    max_nodes: int,
    max_edges: int,
    overview_above: int,
    link_base: str | None,
) -> None:
    """Write the interactive network as one self-contained, offline HTML page."""
    if theme and focus:
        raise UsageError("give --theme or --focus, not both")
    base_iri = cli_settings(ctx).base_iri
    focus_iri = network.node_iri(focus, base_iri, "--focus") if focus else None
    theme_iri = network.node_iri(theme, base_iri, "--theme") if theme else None
    with _opened(ctx, dist, endpoint) as store:
        research = network.load_network(store)
    graph = network.view_graph(research, projection, focus=focus_iri, depth=depth, theme=theme_iri)
    title = "villegraph"
    shown_around = focus_iri or theme_iri
    if shown_around:
        title += " — " + research.nodes[shown_around].label(lang)
    analysis = network.analyse(graph, research)
    if link_base is not None and not link_base.startswith(("http://", "https://")):
        raise UsageError(f"--link-base {link_base!r} is not an http(s) URL")
    options = viz.VizOptions(
        lang=lang,
        title=title,
        max_nodes=max_nodes,
        max_edges=max_edges,
        base_iri=base_iri if link_base else None,
        link_prefix=link_base.rstrip("/") + "/" if link_base else None,
        graph_path=link_base.rstrip("/") + "/graph/" if link_base else None,
        focus=focus_iri,
        overview_above=overview_above,
    )
    view = viz.build_view(graph, analysis, options, research)
    viz.write_html(output, viz.render_html(view))
    shown = len(view["nodes"])
    note = f" ({graph.number_of_nodes() - shown} left out)" if view["notice"] else ""
    click.echo(f"wrote {output}: {shown} nodes{note}, {len(view['edges'])} edges", err=True)


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror}", path) from None


COMMANDS: list[click.Command] = [analyze, export, viz_command]
