"""The `villegraph` command: a click group whose commands live in one module per area.

Exit codes (documented in the README): 0 ok; 1 the data does not conform to the shapes;
2 bad usage or unreadable input (click's own usage errors are 2 as well); 3 the store or an
endpoint failed, or a query ran past its deadline; 130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from villegraph import __version__
from villegraph.config import Settings
from villegraph.errors import VillegraphError

EXIT_OK = 0
EXIT_NOT_CONFORMING = 1
EXIT_USAGE = 2
EXIT_STORE = 3
EXIT_INTERRUPTED = 130


class VillegraphGroup(click.Group):
    """A group that turns VillegraphError into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VillegraphError as error:
            click.echo(f"villegraph: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("villegraph: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=VillegraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="villegraph")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder holding data/ and, optionally, its own ontology/ and queries/ "
    "(env VILLEGRAPH_ROOT; default: the working directory if it has data/).",
)
@click.option("--base-iri", help="Base IRI of minted resources (env VILLEGRAPH_BASE_IRI).")
@click.pass_context
def main(ctx: click.Context, root: Path | None, base_iri: str | None) -> None:
    """villegraph: a research network on the digital transition of cities, as a graph."""
    try:
        ctx.obj = Settings.from_env(root=root, base_iri=base_iri)
    except VillegraphError as error:
        click.echo(f"villegraph: error: {error}", err=True)
        ctx.exit(error.exit_code)


def endpoint_options(command: Any) -> Any:
    """`--endpoint`, `--user`, `--password`, `--auth`: reach a remote SPARQL endpoint."""
    options = [
        click.option(
            "--auth",
            type=click.Choice(["digest", "basic"]),
            help="HTTP authentication scheme (default digest; env VILLEGRAPH_AUTH).",
        ),
        click.option("--password", help="Password for the endpoint (env VILLEGRAPH_PASSWORD)."),
        click.option("--user", help="User name for the endpoint (env VILLEGRAPH_USER)."),
        click.option("--endpoint", help="A SPARQL endpoint to use instead of the last build."),
    ]
    for option in options:
        command = option(command)
    return command


def check_endpoint(store: object) -> None:
    """For a remote store: StoreError (exit 3) when its default graph leaves out the named graphs.

    Every canned query reads the default graph, which must be the union of the named graphs;
    otherwise each would answer nothing, silently. The check costs two small requests.
    """
    from villegraph.remote import RemoteStore

    if isinstance(store, RemoteStore):
        store.check_default_graph()


def settings(ctx: click.Context) -> Settings:
    """The Settings the group read, for commands."""
    obj = ctx.find_object(Settings)
    return obj if obj is not None else Settings.from_env()


def _register() -> None:
    from villegraph.cli import (
        build_commands,
        draft_commands,
        network_commands,
        project_commands,
        query_commands,
        release_commands,
        serve_commands,
        store_commands,
    )

    for module in (
        project_commands,
        build_commands,
        draft_commands,
        release_commands,
        query_commands,
        serve_commands,
        network_commands,
        store_commands,
    ):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NOT_CONFORMING",
    "EXIT_OK",
    "EXIT_STORE",
    "EXIT_USAGE",
    "check_endpoint",
    "main",
    "settings",
]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
