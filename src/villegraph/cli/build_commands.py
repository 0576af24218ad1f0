"""CLI commands: `build` (the whole pipeline into dist/) and `validate` (SHACL only)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from villegraph.cli import EXIT_NOT_CONFORMING, settings
from villegraph.errors import ValidationFailed

if TYPE_CHECKING:
    from villegraph.build import ProgressEvent

MAX_LISTED_WARNINGS = 20


def _show_progress(event: ProgressEvent) -> None:
    click.echo(f"  {event.stage:<9} {event.seconds:7.3f} s  {event.detail}", err=True)


def _warning_lines(report: Any) -> list[str]:
    """One line per warning (at most MAX_LISTED_WARNINGS), for stderr."""
    lines = []
    for result in report.warnings[:MAX_LISTED_WARNINGS]:
        focus = result.focus_label or str(result.focus)
        lines.append(f"  warning: {focus}: {result.message}")
    hidden = len(report.warnings) - MAX_LISTED_WARNINGS
    if hidden > 0:
        lines.append(f"  … and {hidden} more")
    return lines


@click.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: dist/ of the project, env VILLEGRAPH_DIST_DIR).",
)
@click.option("--quiet", "-q", is_flag=True, help="No per-stage progress, even on a terminal.")
@click.option(
    "--include-drafts",
    is_flag=True,
    help="Also read curation files marked status: draft (their graphs are typed vg:Unreviewed).",
)
@click.pass_context
def build_command(ctx: click.Context, out: Path | None, quiet: bool, include_drafts: bool) -> None:
    """Load, derive, validate and write every dump into dist/, atomically.

    dist is a link to the folder of the last complete build, flipped in one step: killed at any
    point, a build leaves the previous build in place (the next one removes its leftovers).
    Exit status: 0 built (warnings allowed), 1 the data has SHACL violations (nothing written),
    2 unreadable input (a file, link or folder of data/ that cannot be read, a literal over
    VILLEGRAPH_MAX_LITERAL_BYTES, a curation file with a problem: `file.yaml:LINE: field: …`)
    or an output folder that cannot be written.
    """
    from villegraph.build import build

    start = time.perf_counter()
    show = sys.stderr.isatty() and not quiet
    try:
        report = build(
            settings(ctx),
            out,
            progress=_show_progress if show else None,
            include_drafts=include_drafts,
        )
    except ValidationFailed as error:
        if error.report is not None:
            click.echo(error.report.to_text(), err=True, nl=False)  # type: ignore[attr-defined]
        raise
    if report.warnings:
        click.echo(f"SHACL: {report.report.summary()}", err=True)
        for line in _warning_lines(report.report):
            click.echo(line, err=True)
    seconds = time.perf_counter() - start
    click.echo(
        f"built {report.triples} triples ({report.derived} derived) in {len(report.graphs)} "
        f"graphs into {report.out_dir} in {seconds:.2f} s [build {report.build_id}]"
    )


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="How to print the SHACL report.",
)
@click.option(
    "--engine",
    type=click.Choice(["store", "pyshacl"]),
    default="store",
    show_default=True,
    help="store: the shapes as SPARQL on the Oxigraph store; pyshacl: the reference.",
)
@click.option(
    "--include-drafts",
    is_flag=True,
    help="Also read curation files marked status: draft (without PATHS).",
)
@click.pass_context
def validate_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output_format: str,
    engine: str,
    include_drafts: bool,
) -> None:
    """Check data against the SHACL shapes; nothing is written.

    Without PATHS: the project's ontology, data and derived facts, as a build would see them.
    With PATHS: those RDF files, together with the ontology and the thesaurus. With curation
    files (.yaml) among PATHS: each is schema- and quote-checked, then PATHS are validated in
    their project (its other files as context, derived facts made), and the results about what
    PATHS describe are printed as `file.yaml:LINE: field: severity: message` (a draft's TODO
    fields too; its violations are warnings, as in `build --include-drafts`).
    Exit status: 0 conforms (warnings allowed), 1 violations, 2 unreadable input or a curation
    file with a problem (`file.yaml:LINE: field: message`).
    """
    from villegraph.records import YAML_SUFFIXES

    project = settings(ctx)
    if any(path.suffix in YAML_SUFFIXES for path in paths):
        _validate_curation(ctx, list(paths), output_format)
        return
    if paths:
        from villegraph.validate import validate_files

        report = validate_files(list(paths), project, engine=engine)
    else:
        from villegraph.build import prepare

        _, _, report = prepare(project, engine=engine, include_drafts=include_drafts)
    if output_format == "turtle":
        click.echo(report.to_turtle(), nl=False)
    elif output_format == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text(), nl=False)
    if output_format != "text":
        click.echo(f"SHACL: {report.summary()}", err=True)
    if not report.conforms:
        ctx.exit(EXIT_NOT_CONFORMING)


def _validate_curation(ctx: click.Context, paths: list[Path], output_format: str) -> None:
    """`validate` of curation files (and RDF files beside them) in their project."""
    from villegraph.records.check import check_files

    checked = check_files(paths, settings(ctx))
    if output_format == "json":
        findings = [finding.to_dict() for finding in checked.findings]
        click.echo(json.dumps(findings, indent=2, ensure_ascii=False))
    elif output_format == "turtle":
        click.echo(checked.report.to_turtle(), nl=False)
    else:
        for finding in checked.findings:
            click.echo(str(finding))
    click.echo(f"SHACL: {checked.summary()}", err=True)
    if not checked.conforms:
        ctx.exit(EXIT_NOT_CONFORMING)


COMMANDS: list[click.Command] = [build_command, validate_command]
