"""CLI command `villegraph query`: list and run the canned queries of `queries/`."""

from __future__ import annotations

import click

from villegraph.cli import check_endpoint, endpoint_options
from villegraph.cli import settings as current_settings
from villegraph.errors import QueryError, UsageError


def _parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """`key=value` arguments into a dict; a malformed or repeated key is a QueryError."""
    raw: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise QueryError(f"parameter {pair!r} must be written key=value")
        if key in raw:
            raise QueryError(f"parameter {key!r} given twice")
        raw[key] = value
    return raw


@click.command("query")
@click.argument("name", required=False)
@click.argument("params", nargs=-1)
@click.option("--list", "list_", is_flag=True, help="List the canned queries and their parameters.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Output: aligned table, or SPARQL 1.1 CSV / TSV / JSON results.",
)
@endpoint_options
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    help="Language of the labels, for queries with a `lang` parameter (default fr).",
)
@click.option("--max-rows", type=click.IntRange(min=1), help="Stop after this many rows.")
@click.pass_context
def query_command(
    ctx: click.Context,
    name: str | None,
    params: tuple[str, ...],
    list_: bool,
    fmt: str,
    endpoint: str | None,
    user: str | None,
    password: str | None,
    auth: str | None,
    lang: str | None,
    max_rows: int | None,
) -> None:
    """Run the canned query NAME with PARAMS given as key=value.

    \b
    Examples:
      villegraph query --list
      villegraph query who-works-on theme=theme/citizen-participation
      villegraph query members-of organisation=vgr:org/psl --format csv
      villegraph query programme --lang en --endpoint http://127.0.0.1:7878/query
      villegraph query talks-of person=person/jean-baptiste-chambon \\
          --endpoint http://127.0.0.1:8890/sparql-auth --user dba --password dba

    IRI values may be full IRIs, prefixed names (vgr:org/psl) or paths relative to the base IRI
    (org/psl). Without --endpoint the query runs on the last build in dist/. With it, each
    request has a total deadline (VILLEGRAPH_TIMEOUT, default 10 s), and an endpoint whose
    default graph leaves out the named graphs is refused (exit 3) rather than answering nothing.
    """
    from villegraph.namespaces import prefixes_for
    from villegraph.queries import Catalogue, run_canned
    from villegraph.results import render

    config = current_settings(ctx).with_(endpoint=endpoint, user=user, password=password, auth=auth)
    catalogue = Catalogue.load(config.queries_dir, base_iri=config.base_iri)
    if list_:
        if name or params:
            raise UsageError("--list takes no query name or parameters")
        for query in catalogue:
            click.echo(f"{query.name:<16} {query.title}")
            if query.signature():
                click.echo(f"{'':<16}   {query.signature()}")
        return
    if not name:
        raise UsageError("give a query NAME (see `villegraph query --list`)")
    query = catalogue[name]
    raw = _parse_pairs(params)
    if lang and query.param("lang") is not None:
        raw.setdefault("lang", lang)
    query.parse_params(raw)  # parameter errors before the store is opened

    from villegraph.store import open_store

    store = open_store(config)
    try:
        check_endpoint(store)
        result = run_canned(
            store, query, raw, timeout=config.timeout, max_rows=max_rows or config.max_rows
        )
    finally:
        store.close()
    click.echo(render(result, fmt, prefixes_for(config.base_iri)), nl=False)
    if result.truncated:
        click.echo(f"villegraph: note: results cut at {len(result)} rows", err=True)
    for note in result.notes:
        click.echo(f"villegraph: note: {note}", err=True)


COMMANDS: list[click.Command] = [query_command]
