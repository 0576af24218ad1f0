"""The second process of the dump stage: Turtle and JSON-LD of the union from its N-Triples.

    python -m villegraph.cli.union_process OUT_DIR BASE_IRI CHUNK < villegraph.nt
    python -m villegraph.cli.union_process OUT_DIR BASE_IRI CHUNK --follow FILE < sizes

Started by `villegraph.unionwriter.UnionProcess` (with `--follow`: FILE is read as far as the
sizes on the input say it is written); prints the records of the two dumps (JSON, one line) or,
on error, one line to stderr and exits with 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from villegraph.formats import NTRIPLES
from villegraph.unionwriter import followed, write_formats


def main(argv: Sequence[str]) -> int:
    """N-Triples on stdin (or the file it follows), records on stdout."""
    out_dir, base_iri, chunk = Path(argv[0]), argv[1], int(argv[2])
    follow = Path(argv[4]) if argv[3:4] == ["--follow"] and len(argv) == 5 else None
    source = sys.stdin.buffer if follow is None else followed(follow, sys.stdin.buffer)
    try:
        # quads of the default graph: serialised and compacted as their triples
        quads = ox.parse(source, format=NTRIPLES.oxigraph)
        records = write_formats(cast(Iterable[ox.Triple], quads), out_dir, base_iri, chunk)
    except (OSError, SyntaxError, ValueError) as error:
        print(f"villegraph.cli.union_process: {error}", file=sys.stderr)
        return 1
    print(json.dumps(records))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
