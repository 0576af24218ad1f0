"""Releases: the current dumps frozen under `releases/V/`, described as a DCAT dataset series.

    releases/
      releases.json     the releases in order: version, issued date, build id (the record)
      catalog.ttl       a dcat:DatasetSeries; each release a dcat:Dataset in it (made from the
                        record and each release's build.json)
      V/                every file of the build `dist` published, byte for byte (build.json too,
                        so a release is a build folder: `villegraph diff releases/V dist`)

A release is copied while holding the build lock (no build flips `dist` meanwhile) into a
temporary folder, then renamed to `V`; an existing version is never overwritten. The catalog's
download URLs are relative to the catalog (`<V/villegraph.nq>`), so they resolve to wherever the
folder is served, e.g. `/dumps/releases/V/villegraph.nq`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from villegraph.dump import IANA
from villegraph.errors import InputError, UsageError
from villegraph.publish import build_lock, is_complete

RECORD_NAME = "releases.json"
CATALOG_NAME = "catalog.ttl"
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")
"""An acceptable version name (a folder name and an IRI segment)."""


@dataclass(frozen=True)
class Release:
    """One frozen release."""

    version: str
    issued: str
    """The release date and time (ISO 8601, UTC)."""
    build_id: str


def default_version(now: datetime | None = None) -> str:
    """A date-based version: `YYYY.MM.DD` of today (UTC)."""
    return (now or datetime.now(UTC)).strftime("%Y.%m.%d")


def check_version(version: str) -> str:
    """`version` if it can name a release folder; UsageError otherwise."""
    if not VERSION.match(version) or ".." in version:
        raise UsageError(
            f"version {version!r} must be letters, digits, '.', '+', '_' or '-' (at most 64)"
        )
    return version


def releases(folder: Path) -> list[Release]:
    """The releases recorded in `folder`, oldest first (none if there is no record)."""
    path = Path(folder) / RECORD_NAME
    if not path.is_file():
        return []
    try:
        items = json.loads(path.read_text(encoding="utf-8"))["releases"]
        return [Release(i["version"], i["issued"], i["build_id"]) for i in items]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"cannot read the release record: {error}", path) from None


def release(
    dist: Path, folder: Path, base_iri: str, version: str | None = None
) -> tuple[Release, Path]:
    """Freeze the build `dist` publishes as `folder/version` and rewrite the catalog.

    Raises UsageError for a bad or existing version, InputError when there is no complete build.
    """
    version = check_version(version or default_version())
    folder = Path(folder)
    if not dist.exists():
        raise InputError("no build to release: run `villegraph build` first", dist)
    with build_lock(dist):
        source = dist.resolve() if dist.exists() else None
        if source is None or not is_complete(source):
            raise InputError("no complete build to release: run `villegraph build` first", dist)
        known = releases(folder)
        target = folder / version
        if target.exists() or any(r.version == version for r in known):
            raise UsageError(f"release {version} exists already in {folder}")
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{version}.tmp-", dir=folder))
        try:
            for path in sorted(source.iterdir()):
                if path.is_file():
                    shutil.copy2(path, tmp / path.name)
            if not is_complete(tmp):
                raise InputError("the copy of the build is not whole", tmp)
            tmp.chmod(0o755)
            tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    info = json.loads((target / "build.json").read_text(encoding="utf-8"))
    issued = datetime.now(UTC).replace(microsecond=0).isoformat()
    made = Release(version, issued, str(info.get("build_id", "")))
    record = [*known, made]
    _replace(
        folder / RECORD_NAME,
        json.dumps({"releases": [r.__dict__ for r in record]}, indent=2) + "\n",
    )
    _replace(folder / CATALOG_NAME, catalog_turtle(folder, record, base_iri))
    return made, target


def _replace(path: Path, text: str) -> None:
    """Write `path` whole or not at all (a temporary file renamed over it)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def series_iri(base_iri: str) -> str:
    """The IRI of the dataset series."""
    return f"{base_iri}dataset/releases"


def release_iri(base_iri: str, version: str) -> str:
    """The IRI of one release (a dcat:Dataset)."""
    return f"{base_iri}dataset/release/{version}"


def _media_iri(media_type: str) -> str:
    return IANA + media_type.split(";")[0].strip()


def catalog_turtle(folder: Path, record: list[Release], base_iri: str) -> str:
    """The DCAT description of the releases: a dcat:DatasetSeries and one dcat:Dataset per
    release (issued, version, the previous release it revises, its distributions with
    download URL relative to the catalog, IANA media type, size and SHA-256)."""
    series = series_iri(base_iri)
    lines = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix spdx: <http://spdx.org/rdf/terms#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<{series}> a dcat:DatasetSeries ;",
        '    dcterms:title "villegraph releases"@en, "versions publiées de villegraph"@fr',
    ]
    if record:
        lines[-1] += " ;"
        lines.append(f"    dcat:first <{release_iri(base_iri, record[0].version)}> ;")
        lines.append(f"    dcat:last <{release_iri(base_iri, record[-1].version)}>")
    lines[-1] += " ."
    previous: Release | None = None
    for item in record:
        lines += ["", *_dataset_lines(folder, item, previous, base_iri, series)]
        previous = item
    return "\n".join(lines) + "\n"


def _dataset_lines(
    folder: Path, item: Release, previous: Release | None, base_iri: str, series: str
) -> list[str]:
    iri = release_iri(base_iri, item.version)
    files = _files(folder / item.version)
    lines = [
        f"<{iri}> a dcat:Dataset ;",
        f"    dcat:inSeries <{series}> ;",
        f"    dcterms:title {_literal('villegraph ' + item.version)}@en ;",
        f"    dcat:version {_literal(item.version)} ;",
        f"    dcterms:issued {_literal(item.issued)}^^xsd:dateTime ;",
        f"    dcterms:identifier {_literal(item.build_id)} ;",
    ]
    if previous is not None:
        before = release_iri(base_iri, previous.version)
        lines.append(f"    prov:wasRevisionOf <{before}> ;")
        lines.append(f"    dcat:prev <{before}> ;")
    if not files:
        lines[-1] = lines[-1][:-2] + " ."
    for index, (name, record) in enumerate(files):
        end = " ;" if index < len(files) - 1 else " ."
        lines += [
            "    dcat:distribution [ a dcat:Distribution ;",
            f"        dcterms:title {_literal(name)} ;",
            f"        dcat:downloadURL <{item.version}/{name}> ;",
            f"        dcat:mediaType <{_media_iri(record['media_type'])}> ;",
            f'        dcat:byteSize "{int(record["bytes"])}"^^xsd:nonNegativeInteger ;',
            "        spdx:checksum [ a spdx:Checksum ;",
            "            spdx:algorithm spdx:checksumAlgorithm_sha256 ;",
            f'            spdx:checksumValue "{record["sha256"]}"^^xsd:hexBinary ] ]{end}',
        ]
    return lines


def _files(version_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """The files a release's build.json lists, sorted by name."""
    try:
        info = json.loads((version_dir / "build.json").read_text(encoding="utf-8"))
        return sorted(info["files"].items())
    except (OSError, ValueError, KeyError, AttributeError):
        return []


__all__ = [
    "CATALOG_NAME",
    "RECORD_NAME",
    "Release",
    "catalog_turtle",
    "check_version",
    "default_version",
    "release",
    "release_iri",
    "releases",
    "series_iri",
]
