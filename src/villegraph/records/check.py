"""`villegraph validate FILE.yaml …`: curation files (and Turtle files beside them) checked as the
build would check them, in their project.

Each curation file is read, schema-checked and made into triples with its quotes found (the
first problem is the usual InputError `file.yaml:LINE: field: message`, exit 2). The project's
files (drafts left out, as a build does) are the context that references need; the named files
are added to them, or take their place when they are in `data/` already; drafts named here are
read. Then derivation and the SHACL shapes run, as in a build, and the results are kept whose
focus node a named file describes, each placed at the record that makes it:
`file.yaml:LINE: field: severity: message`. As in `build --include-drafts`, a draft's
violations are warnings (`unreviewed draft: …`), and its TODO fields are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from villegraph.config import Settings
from villegraph.records.compile import YAML_SUFFIXES, CurationFile, make_triples, read_curation
from villegraph.records.problems import FieldPath, field_name
from villegraph.records.rdf import unknown_reference
from villegraph.records.reading import read_yaml
from villegraph.records.todo import MARK, todos
from villegraph.records.unreviewed import as_warnings, draft_subjects

FIELDS: dict[str, str] = {
    "org:role": "role",
    "vg:printedTitle": "printed_title",
    "vg:attestedOn": "attested_on",
    "org:member": "person",
    "org:organization": "organisation",
    "org:subOrganizationOf": "parent",
    "schema:organizer": "organisers",
    "dcterms:title": "title",
    "dcterms:abstract": "abstract",
    "dcterms:description": "description",
    "foaf:name": "name",
    "foaf:givenName": "given_name",
    "foaf:familyName": "family_name",
    "rdfs:label": "label",
    "skos:altLabel": "other_names",
    "schema:startDate": "start",
    "schema:endDate": "end",
    "vg:printedDate": "printed_date",
    "vg:printedWeekday": "printed_weekday",
    "vg:programmePosition": "number",
    "vg:registrationPage": "registration",
    "vg:presenter": "presenter",
    "vg:speaker": "speakers",
    "dcterms:subject": "themes",
    "vg:studies": "studies",
    "schema:eventAttendanceMode": "attendance",
    "schema:eventStatus": "status",
}
"""A shape's path → the field of a record that makes it (for the message's field)."""


@dataclass(frozen=True)
class Finding:
    """One line of the check: where, which field, what."""

    file: str
    line: int | None
    field: str
    severity: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.severity.lower()}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass
class CheckReport:
    """The findings of the named files (TODOs first), and the whole SHACL report."""

    findings: list[Finding]
    report: Any

    @property
    def conforms(self) -> bool:
        return not any(finding.severity == "Violation" for finding in self.findings)

    def summary(self) -> str:
        counts = {
            severity: sum(f.severity == severity for f in self.findings)
            for severity in ("Violation", "Warning", "Info", "Todo")
        }
        verdict = "conforms" if self.conforms else "does not conform"
        return (
            f"{verdict} ({counts['Violation']} violations, {counts['Warning']} warnings, "
            f"{counts['Info']} infos, {counts['Todo']} TODO fields)"
        )


@dataclass
class _Named:
    path: Path
    shown: str
    subjects: set[str]
    defined: dict[str, FieldPath]
    curation: CurationFile | None = None


def check_files(paths: list[Path], settings: Settings) -> CheckReport:
    """Check `paths` (curation and RDF files) in their project; see the module docstring."""
    from villegraph.infer import infer, load_rules
    from villegraph.load import (
        LoadedDataset,
        load_curation,
        load_file,
        parse_file,
        project_files,
    )
    from villegraph.validate import load_shapes, validate_store

    named = {path.resolve(): path for path in paths}
    dataset = LoadedDataset(settings.base_iri)
    by_path = {path.resolve(): name for path, name in project_files(settings)}
    references: list[tuple[Any, str]] = []
    for resolved, name in by_path.items():
        if resolved in named:
            continue
        if resolved.suffix in YAML_SUFFIXES:
            refs = load_curation(dataset, resolved, name, settings)
            references += [(reference, _shown(resolved, settings)) for reference in refs]
        else:
            load_file(dataset, resolved, name, display=_shown(resolved, settings))
    files: list[_Named] = []
    for resolved, path in named.items():
        shown = _shown(path, settings)
        name = by_path.get(resolved) or f"check-{resolved.stem}"
        if resolved.suffix in YAML_SUFFIXES:
            refs = load_curation(dataset, path, name, settings, include_drafts=True)
            references += [(reference, shown) for reference in refs]
            curation = read_curation(path, shown)
            assert curation is not None and settings.data_dir is not None
            made = make_triples(curation, settings.base_iri, settings.root, settings.data_dir)
            subjects = {s.value for s, _, _ in made.triples if isinstance(s, ox.NamedNode)}
            files.append(_Named(path, shown, subjects, made.defined, curation))
        else:
            load_file(dataset, path, name, display=shown)
            triples = parse_file(path, settings.base_iri, display=shown)
            subjects = {s.value for s, _, _ in triples if isinstance(s, ox.NamedNode)}
            files.append(_Named(path, shown, subjects, {}))
    _resolve(references, dataset)
    assert settings.ontology_dir is not None
    infer(dataset, load_rules(settings.ontology_dir / "rules"))
    report = validate_store(dataset.store, load_shapes(settings), dataset.written)
    report = as_warnings(report, draft_subjects(dataset.file_quads()))
    findings: list[Finding] = []
    for file in files:
        found = _todos(file) + [
            _finding(file, result)
            for result in report.results
            if str(result.focus) in file.subjects
        ]
        findings += sorted(found, key=lambda finding: finding.line or 0)
    return CheckReport(findings, report)


def _finding(file: _Named, result: Any) -> Finding:
    record = _record(file.defined, str(result.focus))
    field = FIELDS.get(result.path or "")
    if file.curation is None:
        label = result.focus_label or str(result.focus)
        where = f"<{result.focus}>" if label == str(result.focus) else f"{label} <{result.focus}>"
        return Finding(file.shown, None, where + (f" {result.path}" if result.path else ""),
                       result.severity, result.message)  # fmt: skip
    if record is None:
        return Finding(file.shown, None, f"<{result.focus}>", result.severity, result.message)
    document = file.curation.document
    path: FieldPath = (*record, field) if field else record
    line = document.key_lines.get(path) or document.line(record)
    shown = field_name(path) + ("" if field or not result.path else f" ({result.path})")
    return Finding(file.shown, line, shown, result.severity, result.message)


def _record(defined: dict[str, FieldPath], focus: str) -> FieldPath | None:
    """The record that makes `focus`, or whose IRI `focus` extends (`…/subject/theme`)."""
    if focus in defined:
        return defined[focus]
    owners = [iri for iri in defined if focus.startswith(iri + "/")]
    return defined[max(owners, key=len)] if owners else None


def _todos(file: _Named) -> list[Finding]:
    """A draft's TODO fields (a reviewed file with one does not get this far)."""
    if file.curation is None or not file.curation.is_draft:
        return []
    raw = read_yaml(file.path, file.shown)  # the draft's TODOs were left out when it was read
    found = []
    for path in todos(raw.data):
        value = raw.data
        for part in path:
            value = value[part]
        hint = str(value)[len(MARK) :].lstrip(" :")
        found.append(Finding(file.shown, raw.line(path), field_name(path), "Todo", hint))
    return found


def _resolve(references: list[Any], dataset: Any) -> None:
    """Raise for the first reference to a resource no file describes (as the loader does)."""
    subjects = {s.value for s in dataset.subjects() if isinstance(s, ox.NamedNode)}
    for reference, shown in references:
        if reference.iri in subjects:
            continue
        prefix = f"{dataset.base_iri}{reference.kind}/"
        candidates = [
            iri[len(prefix) :]
            for iri in subjects
            if iri.startswith(prefix) and "/" not in iri[len(prefix) :]
        ]
        raise unknown_reference(reference, candidates, shown)


def _shown(path: Path, settings: Settings) -> str:
    """A path as messages show it: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(settings.root.resolve()))
    except ValueError:
        return str(path)


__all__ = ["FIELDS", "CheckReport", "Finding", "check_files"]
