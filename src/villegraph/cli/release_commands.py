"""CLI commands: `diff` (changes between two builds) and `release` (freeze the dumps)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from villegraph.cli import settings
from villegraph.errors import InputError


@click.command("diff")
@click.argument("old", required=False, type=click.Path(path_type=Path))
@click.argument("new", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text: a Markdown summary; json or turtle: for tools.",
)
@click.pass_context
def diff_command(
    ctx: click.Context, old: Path | None, new: Path | None, output_format: str
) -> None:
    """Changes between two builds: entities added, removed and changed (with labels), triples
    per named graph, SHACL results that appeared or went away.

    OLD and NEW are build folders (dist/, releases/V/) or N-Quads files. Without NEW: OLD against
    the current build. Without either: the current build against the build it replaced, as the
    build recorded it (dist/changes.json).
    Exit status: 0 printed, 2 a build that cannot be read.
    """
    from villegraph.diff import DIFF_NAMES, FORMATS, Changes, diff_paths
    from villegraph.parallel import build_threads

    dist = settings(ctx).dist_dir
    assert dist is not None
    if old is None:
        stored = dist / DIFF_NAMES[1]
        if not stored.is_file():
            raise InputError("no changes recorded: run `villegraph build` first", stored)
        try:
            changes = Changes.from_json(json.loads(stored.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(f"unreadable changes: {error}", stored) from None
        info = _build_info(dist)
        changes.new.update({k: str(info.get(k, "")) for k in ("build_id", "modified")})
    else:
        processes = build_threads(settings(ctx).build_threads)
        changes = diff_paths(old, new if new is not None else dist, processes)
    click.echo(FORMATS[output_format](changes), nl=False)


def _build_info(dist: Path) -> dict[str, object]:
    try:
        data = json.loads((dist / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@click.command("release")
@click.option(
    "--version",
    "version",
    help="Version name (default: today's date, e.g. 2026.11.30; or semantic, e.g. 1.2.0).",
)
@click.pass_context
def release_command(ctx: click.Context, version: str | None) -> None:
    """Freeze the current dumps under releases/VERSION/ and describe every release in
    releases/catalog.ttl (a DCAT dataset series; env VILLEGRAPH_RELEASES_DIR).

    Exit status: 0 released, 2 the version exists already or is not a valid name, or there is
    no complete build.
    """
    from villegraph.release import release

    project = settings(ctx)
    assert project.dist_dir is not None and project.releases_dir is not None
    made, folder = release(project.dist_dir, project.releases_dir, project.base_iri, version)
    click.echo(f"released {made.version} (build {made.build_id}) into {folder}")


COMMANDS: list[click.Command] = [diff_command, release_command]
