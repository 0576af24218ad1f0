"""CLI commands: serve."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import click

from villegraph.cli import check_endpoint, endpoint_options
from villegraph.cli import settings as current_settings
from villegraph.errors import ConfigError


@click.command("serve")
@click.option("--host", help="Interface to listen on (default 127.0.0.1; env VILLEGRAPH_HOST).")
@click.option("--port", type=int, help="Port (default 8000; env VILLEGRAPH_PORT).")
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the on-disk stores (default store/; env VILLEGRAPH_STORE_DIR).",
)
@click.option(
    "--dist",
    "dist_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Build folder to serve (default dist/).",
)
@click.option(
    "--timeout",
    type=float,
    help="Query deadline in seconds (default 10); with --endpoint, of each whole request.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Query workers for arbitrary SPARQL (default 2; env VILLEGRAPH_WORKERS); pages, "
    "canned queries and the reserve have their own (VILLEGRAPH_SITE_WORKERS, "
    "VILLEGRAPH_RESERVE_WORKERS).",
)
@endpoint_options
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    store_dir: Path | None,
    dist_dir: Path | None,
    timeout: float | None,
    workers: int | None,
    endpoint: str | None,
    user: str | None,
    password: str | None,
    auth: str | None,
) -> None:
    """Serve the built graph: SPARQL endpoint, linked-data pages, dumps and query UI."""
    import uvicorn

    from villegraph.store import open_store
    from villegraph.web.app import create_app, serve_embedded
    from villegraph.web.protocol import uvicorn_options

    base = current_settings(ctx)
    chosen = base.with_(
        host=host,
        store_dir=store_dir,
        dist_dir=dist_dir,
        timeout=timeout,
        endpoint=endpoint,
        user=user,
        password=password,
        auth=auth,
    )
    listen_port = chosen.port if port is None else port
    _check_can_listen(chosen.host, listen_port)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if chosen.endpoint:
        store = open_store(chosen)
        check_endpoint(store)  # before listening: a store that would answer nothing is refused
        app = create_app(chosen, store)
        serving = chosen.endpoint
    else:
        app = serve_embedded(chosen, workers=workers)
        serving = str(chosen.dist_dir)
    click.echo(f"villegraph: serving {serving} on http://{chosen.host}:{listen_port}/")
    uvicorn.run(app, host=chosen.host, port=listen_port, log_level="warning", **uvicorn_options())


def _check_can_listen(host: str, port: int) -> None:
    """ConfigError (exit 2) when the address is taken or not ours, before any store is opened."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror}") from None


COMMANDS: list[click.Command] = [serve]
