"""The source texts the data cites, published with each build so that they can be downloaded at
their minted IRI.

Each `foaf:Document` minted as `{base}source/{slug}` with a `vg:localCopy` found in the project
(the path from the project folder, else `data/…` from the data folder, as curation files read
it) is copied into the build being written as `source-{slug}{suffix}`, and listed in build.json
like every file of the build: the texts are published atomically with the dumps (`publish.py`)
and copied into releases with them. A document whose local copy is not found is left out.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox

from villegraph.dump import FileRecord, file_record
from villegraph.formats import file_media_type
from villegraph.load import LoadedDataset
from villegraph.namespaces import ONTOLOGY_IRI

LOCAL_COPY = ox.NamedNode(ONTOLOGY_IRI + "#localCopy")
PREFIX = "source-"
SLUG = re.compile(r"[A-Za-z0-9._~\-]+")


def published_name(document: str, base_iri: str, local_copy: str) -> str | None:
    """The file name of a document's text in the build, or None when its IRI is not minted as
    `{base}source/{slug}`."""
    slug = document.removeprefix(base_iri + "source/")
    if slug == document or not SLUG.fullmatch(slug) or slug.startswith("."):
        return None
    return PREFIX + slug + Path(local_copy).suffix.lower()


def local_copies(dataset: LoadedDataset) -> dict[str, str]:
    """Document IRI → its local copy as the data states it (the first one, in file order)."""
    found: dict[str, str] = {}
    for graph in dataset.graphs:  # load order; read from the store, no copy of the data
        for quad in dataset.store.quads_for_pattern(None, LOCAL_COPY, None, ox.NamedNode(graph)):
            subject, value = quad.subject, quad.object
            if isinstance(subject, ox.NamedNode) and isinstance(value, ox.Literal):
                found.setdefault(subject.value, value.value)
    return found


def find_copy(local_copy: str, root: Path, data_dir: Path | None) -> Path | None:
    """The file a `vg:localCopy` names, or None when it is missing or outside the project."""
    candidates = [Path(root) / local_copy]
    if data_dir is not None and local_copy.startswith("data/"):
        candidates.append(Path(data_dir) / local_copy.removeprefix("data/"))
    for path in candidates:
        if ".." not in Path(local_copy).parts and path.is_file():
            return path
    return None


def write_sources(
    dataset: LoadedDataset, root: Path, data_dir: Path | None, folder: Path
) -> dict[str, FileRecord]:
    """Copy the source texts into `folder` (the build being written); their records."""
    records: dict[str, FileRecord] = {}
    for document, local_copy in sorted(local_copies(dataset).items()):
        name = published_name(document, dataset.base_iri, local_copy)
        path = find_copy(local_copy, root, data_dir)
        if name is None or path is None or name in records:
            continue
        shutil.copyfile(path, folder / name)
        records[name] = file_record(folder / name, file_media_type(name))
    return records


__all__ = ["find_copy", "local_copies", "published_name", "write_sources"]
