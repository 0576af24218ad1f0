"""CLI command `villegraph draft`: an announcement's text → a draft curation file to review."""

from __future__ import annotations

from pathlib import Path

import click

from villegraph.cli import settings
from villegraph.errors import InputError, UsageError


@click.command("draft")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft here (e.g. data/curated/NAME.yaml) instead of standard output.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.pass_context
def draft_command(ctx: click.Context, source: Path, output: Path | None, force: bool) -> None:
    """Propose the curation file (`status: draft`) of the announcement SOURCE.txt.

    People with their printed titles and organisations, organisations with acronyms and
    parents, sessions and their dates, talks with their abstracts and suggested themes, every
    fact with its verbatim quote. People and organisations the project's data/ already has are
    given their IRIs; ambiguous ones are listed in comments, never merged. Runs offline.

    Exit status: 0 drafted; 2 SOURCE cannot be read, or the output exists (use --force).
    """
    from villegraph.draft import draft_file

    project = settings(ctx)
    if output is not None and output.exists() and not force:
        raise UsageError(f"{output} exists: use --force to overwrite it")
    try:
        source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(f"cannot read: {reason}", source) from None
    file_name = f"data/sources/{source.name}"
    text, result = draft_file(source, file_name, project.data_dir, output)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    counts = ", ".join(
        f"{len(result.document.get(kind) or [])} {kind}"
        for kind in ("people", "organisations", "memberships", "sessions", "talks")
    )
    ambiguous = sum(note.startswith("ambiguous") for note in result.notes)
    where = f" → {output}" if output is not None else ""
    click.echo(f"drafted {source}{where}: {counts}; {ambiguous} ambiguous", err=True)
    if not (project.root / file_name).is_file():
        click.echo(f"note: the draft names {file_name}: copy the source there to build", err=True)


COMMANDS: list[click.Command] = [draft_command]
