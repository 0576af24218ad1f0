"""The IRIs of the terms curation files are written into (a small table, no rdflib)."""

from __future__ import annotations

import pyoxigraph as ox

_NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "vg": "https://w3id.org/villegraph/def#",
}


def term(name: str) -> ox.NamedNode:
    """`term("foaf:name")` → the NamedNode of foaf:name."""
    prefix, local = name.split(":", 1)
    return ox.NamedNode(_NAMESPACES[prefix] + local)


A = term("rdf:type")

ORGANISATION_KINDS: dict[str, tuple[str, ...]] = {
    "research-unit": ("org:OrganizationalUnit", "vg:ResearchUnit"),
    "research-organisation": ("vg:ResearchOrganisation",),
    "higher-education-institution": ("vg:HigherEducationInstitution",),
    "chair": ("org:OrganizationalUnit", "vg:Chair"),
    "public-authority": ("vg:PublicAuthority",),
    "organisation": (),
}
"""Organisation kind → its types beyond org:Organization and foaf:Organization."""

ATTENDANCE = {
    "online": "schema:OnlineEventAttendanceMode",
    "offline": "schema:OfflineEventAttendanceMode",
    "mixed": "schema:MixedEventAttendanceMode",
}
EVENT_STATUS = {"scheduled": "schema:EventScheduled", "to-be-announced": "vg:DateToBeAnnounced"}

__all__ = ["ATTENDANCE", "EVENT_STATUS", "ORGANISATION_KINDS", "A", "term"]
