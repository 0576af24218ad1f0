"""CLI command `villegraph init`: a new project folder holding the example announcement."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

NEXT_STEPS = """\
next:
  cd {folder}
  villegraph build           # load, derive, validate and write dist/
  villegraph query --list    # the canned queries, e.g. villegraph query programme
  villegraph serve           # SPARQL endpoint and pages on http://127.0.0.1:8000/
Add or edit Turtle files in data/ (sources/ holds the source texts). The ontology, shapes,
rules and queries shipped with villegraph are used unless the folder has its own ontology/
or queries/."""


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
def init_command(folder: Path) -> None:
    """Create a project folder holding the example announcement (data/ and its source text).

    FOLDER must not exist or be empty. Exit status: 0 created, 2 FOLDER is not empty or cannot
    be written.
    """
    from villegraph.project import create_project

    created = create_project(folder)
    texts = len(created.sources)
    click.echo(
        f"created {folder}: {len(created.data_files)} data files and {texts} source "
        f"{'text' if texts == 1 else 'texts'} in {folder / 'data'}"
    )
    click.echo(NEXT_STEPS.format(folder=shlex.quote(str(folder))))


COMMANDS: list[click.Command] = [init_command]
