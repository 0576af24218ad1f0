"""CLI commands for remote stores and scale: `push` (load a build into an endpoint), `generate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from villegraph.cli import settings
from villegraph.errors import UsageError

if TYPE_CHECKING:  # the CLI imports RDF libraries only in the commands that use them
    import pyoxigraph as ox
    from rdflib import URIRef


@click.command("push")
@click.option("--endpoint", required=True, help="SPARQL query endpoint, used to verify counts.")
@click.option("--gsp", help="Graph Store Protocol URL (PUT/POST ?graph=IRI); preferred.")
@click.option("--update-endpoint", help="SPARQL Update URL, used when the store has no GSP.")
@click.option("--graph", "graph", help="Push only this named graph of the build (default: all).")
@click.option("--user", envvar="VILLEGRAPH_USER", help="User name (env VILLEGRAPH_USER).")
@click.option(
    "--password", envvar="VILLEGRAPH_PASSWORD", help="Password (env VILLEGRAPH_PASSWORD)."
)
@click.option(
    "--auth",
    type=click.Choice(["digest", "basic"]),
    default="digest",
    show_default=True,
    help="HTTP authentication scheme of the query/update endpoints.",
)
@click.option(
    "--dist",
    "dist_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Build folder to push (default: dist/).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=50_000,
    show_default=True,
    help="Triples per request.",
)
@click.option(
    "--timeout",
    type=float,
    help="Total deadline of each HTTP request, in seconds (default 10; env VILLEGRAPH_TIMEOUT).",
)
@click.pass_context
def push_command(
    ctx: click.Context,
    endpoint: str,
    gsp: str | None,
    update_endpoint: str | None,
    graph: str | None,
    user: str | None,
    password: str | None,
    auth: str,
    dist_dir: Path | None,
    chunk_size: int,
    timeout: float | None,
) -> None:
    """Replace the build's named graphs in a SPARQL store, then check the triple counts.

    Each named graph of dist/villegraph.nq is replaced (idempotent: run it twice, same store),
    through the Graph Store Protocol (--gsp) or SPARQL Update in chunks (--update-endpoint).
    --timeout bounds each HTTP request as a whole (one chunk, one update, one count), not the
    push. A warning says so when the endpoint's default graph leaves out the named graphs.

    \b
      villegraph push --endpoint http://127.0.0.1:7878/query --gsp http://127.0.0.1:7878/store
      villegraph push --endpoint http://127.0.0.1:8890/sparql \\
          --gsp http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --password dba
    """
    from villegraph.remote import RemoteStore, not_union_message, read_quads_by_graph

    config = settings(ctx).with_(timeout=timeout)
    if bool(gsp) == bool(update_endpoint):
        raise UsageError("give exactly one of --gsp URL or --update-endpoint URL")
    dump = Path(dist_dir or config.dist_dir) / "villegraph.nq"
    if not dump.is_file():
        raise UsageError(f"no build in {dump.parent}: run `villegraph build` first")
    graphs = read_quads_by_graph(str(dump))
    default = graphs.pop("", [])
    if graph is not None:
        if graph not in graphs:
            raise UsageError(f"--graph {graph}: not a named graph of {dump}")
        graphs = {graph: graphs[graph]}
    store = RemoteStore(
        endpoint,
        timeout=config.timeout,
        user=user,
        password=password,
        auth="basic" if auth == "basic" else "digest",
        gsp_endpoint=gsp,
        update_endpoint=update_endpoint,
    )
    total = 0
    sample: tuple[URIRef, URIRef] | None = None
    for name, triples in sorted(graphs.items()):
        count = store.replace_graph(name, triples, chunk_size=chunk_size)
        total += count
        click.echo(f"{name}\t{count} triples, verified")
        sample = sample or _iri_sample(triples)
    if default:
        click.echo(f"skipped {len(default)} triples of the default graph", err=True)
    click.echo(f"pushed {len(graphs)} graph(s), {total} triples, to {endpoint}")
    if sample is not None and store.default_graph_is_union(sample) is False:
        # the data are in place; only the server's configuration stands between them and queries
        click.echo(f"villegraph: warning: {not_union_message(endpoint)}", err=True)


def _iri_sample(triples: list[ox.Triple]) -> tuple[URIRef, URIRef] | None:
    """Subject and predicate of the first triple with an IRI subject, as rdflib terms."""
    import pyoxigraph as ox
    from rdflib import URIRef

    for triple in triples:
        if isinstance(triple.subject, ox.NamedNode):
            return URIRef(triple.subject.value), URIRef(triple.predicate.value)
    return None


@click.command("generate")
@click.option("--people", type=click.IntRange(min=5), help="Number of people in the network.")
@click.option(
    "--triples",
    type=str,
    help="Aim at about this many data triples instead (e.g. 10k, 100k, 1M).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Empty folder to write the data files into (laid out like data/).",
)
@click.pass_context
def generate_command(
    ctx: click.Context, people: int | None, triples: str | None, seed: int, out: Path
) -> None:
    """Write a deterministic synthetic research network (Turtle files laid out like data/).

    Build it with the real ontology, thesaurus and shapes:

    \b
      villegraph generate --triples 100k --seed 1 --out /tmp/net
      VILLEGRAPH_DATA_DIR=/tmp/net villegraph build --out /tmp/net-dist
    """
    from villegraph.synth import generate, people_for_triples

    config = settings(ctx)
    if (people is None) == (triples is None):
        raise UsageError("give exactly one of --people N or --triples N")
    if triples is not None:
        people = people_for_triples(parse_count(triples))
    assert people is not None
    assert config.ontology_dir is not None and config.data_dir is not None
    report = generate(
        out,
        people=people,
        seed=seed,
        themes_path=config.ontology_dir / "themes.ttl",
        roles_path=config.data_dir / "roles.ttl",
    )
    parts = ", ".join(f"{v} {k}" for k, v in report.counts.items())
    click.echo(f"{out}: {report.triples} triples ({parts})")


def parse_count(text: str) -> int:
    """`10k` → 10000, `1M` → 1000000, `2500` → 2500."""
    scale = {"k": 1_000, "m": 1_000_000}
    raw = text.strip().lower()
    try:
        if raw and raw[-1] in scale:
            return int(float(raw[:-1]) * scale[raw[-1]])
        return int(raw)
    except ValueError:
        raise UsageError(f"{text!r} is not a count (e.g. 10k, 1M, 2500)") from None


COMMANDS: list[click.Command] = [push_command, generate_command]
