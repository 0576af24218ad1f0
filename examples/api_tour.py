"""A tour of the villegraph Python API on the last build of this project (run `villegraph build`).

    .venv/bin/python examples/api_tour.py [PROJECT_FOLDER]

Prints who works on open data, the programme of the cycle, the busiest people of the
person–theme network, and the validation of the data files. The tests run this script.
"""

from __future__ import annotations

import sys
from pathlib import Path

from villegraph.api import open_graph, validate_files

root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]

with open_graph(root) as graph:
    print("canned queries:", ", ".join(graph.queries()))

    # a canned query with keyword parameters: rows are dicts of plain Python values
    for row in graph.query("who-works-on", theme="theme/open-data"):
        print("works on open data:", row["personLabel"])

    # the same as a pandas DataFrame (when pandas is installed)
    try:
        programme = graph.frame("programme", lang="en")
    except ImportError:
        programme = None
    if programme is not None:
        print("sessions in the programme:", len(programme))

    # any SELECT query, values bound safely
    people = graph.select(
        "SELECT ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ; "
        "<http://xmlns.com/foaf/0.1/name> ?name } ORDER BY ?name"
    )
    print("people:", ", ".join(row["name"] for row in people))

    # a networkx projection
    network = graph.network("person-theme")
    busiest = sorted(network.degree, key=lambda pair: (-pair[1], pair[0]))[:3]
    print("person-theme network:", network.number_of_nodes(), "nodes; busiest:", busiest)

report = validate_files(*sorted((root / "data").glob("*.ttl")), root=root)
print("validation:", report.summary())
