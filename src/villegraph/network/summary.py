"""One line in plain words per node, for the network view's details panel.

"doctorante, CSI (i3, CNRS UMR 9217, Mines Paris, PSL) — 1 intervention — 7 thèmes de son
intervention": affiliations as printed with the organisation chain, talks, and themes by evidence
level (own work, session context), read from the network and `person_theme_levels`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from villegraph.network.model import ResearchNetwork
from villegraph.network.projections import OWN_WORK, person_theme_levels

WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "fr": {
        "talk": ("intervention", "interventions"),
        "own": ("thème de son intervention", "thèmes de son intervention"),
        "owns": ("thème de ses interventions", "thèmes de ses interventions"),
        "context": (
            "thème des séances où la personne intervient",
            "thèmes des séances où la personne intervient",
        ),
        "member": ("membre", "membres"),
        "speaker": ("intervenant·e", "intervenant·es"),
        "person": ("personne", "personnes"),
        "by": ("par", "par"),
        "in": ("dans", "dans"),
        "theme": ("thème", "thèmes"),
        "ownOf": ("en travail propre", "en travail propre"),
        "contextOf": ("en contexte de séance", "en contexte de séance"),
        "part": ("fait partie de", "fait partie de"),
    },
    "en": {
        "talk": ("talk", "talks"),
        "own": ("theme from their talk", "themes from their talk"),
        "owns": ("theme from their talks", "themes from their talks"),
        "context": (
            "theme from the sessions they speak in",
            "themes from the sessions they speak in",
        ),
        "member": ("member", "members"),
        "speaker": ("speaker", "speakers"),
        "person": ("person", "people"),
        "by": ("by", "by"),
        "in": ("in", "in"),
        "theme": ("theme", "themes"),
        "ownOf": ("as own work", "as own work"),
        "contextOf": ("in session context", "in session context"),
        "part": ("part of", "part of"),
    },
}


def _count(lang: str, key: str, n: int) -> str:
    one, many = WORDS[lang][key]
    return f"{n} {one if n == 1 else many}"


def summaries(network: ResearchNetwork, lang: str) -> dict[str, str]:
    """IRI → a one-line description in `lang` ("fr" or "en"), for every node that has one."""
    return all_summaries(network, (lang,))[lang]


def all_summaries(
    network: ResearchNetwork, langs: tuple[str, ...] = ("fr", "en")
) -> dict[str, dict[str, str]]:
    """Language → IRI → one-line description; the network is read once for every language."""
    parents: dict[str, list[str]] = defaultdict(list)
    members: Counter[str] = Counter()
    affiliations: dict[str, list[tuple[str, str]]] = defaultdict(list)
    talks_of: dict[str, list[str]] = defaultdict(list)
    presenters: dict[str, list[str]] = defaultdict(list)
    speakers: Counter[str] = Counter()
    event_talks: Counter[str] = Counter()
    part_of: dict[str, str] = {}
    subjects: Counter[str] = Counter()
    for link in network.links:
        if link.relation == "sub-org-of":
            parents[link.source].append(link.target)
        elif link.relation == "member-of":
            members[link.target] += 1
            affiliations[link.source].append((dict(link.attrs).get("title", ""), link.target))
        elif link.relation == "presenter":
            talks_of[link.target].append(link.source)
            presenters[link.source].append(link.target)
        elif link.relation == "speaker":
            speakers[link.source] += 1
        elif link.relation == "part-of":
            part_of[link.source] = link.target
            if network.nodes[link.source].kind == "talk":
                event_talks[link.target] += 1
        elif link.relation == "subject":
            subjects[link.source] += 1
    own: Counter[str] = Counter()
    context: Counter[str] = Counter()
    theme_own: Counter[str] = Counter()
    theme_context: Counter[str] = Counter()
    for (person, theme), level in person_theme_levels(network).items():
        if level == OWN_WORK:
            own[person] += 1
            theme_own[theme] += 1
        else:
            context[person] += 1
            theme_context[theme] += 1

    result: dict[str, dict[str, str]] = {}
    for lang in langs:
        label = {iri: info.label(lang) for iri, info in network.nodes.items()}
        out: dict[str, str] = {}

        def chain(org: str, label: dict[str, str] = label) -> str:
            seen: list[str] = []
            frontier = list(parents.get(org, []))
            while frontier and len(seen) < 6:
                nxt = frontier.pop(0)
                if nxt not in seen:
                    seen.append(nxt)
                    frontier.extend(parents.get(nxt, []))
            name = label[org]
            return f"{name} ({', '.join(label[p] for p in seen)})" if seen else name

        for iri, info in network.nodes.items():
            parts: list[str] = []
            if info.kind == "person":
                roles = [
                    (f"{title}, " if title else "") + chain(org)
                    for title, org in sorted(affiliations.get(iri, []))
                ]
                if roles:
                    parts.append("; ".join(roles))
                if talks_of.get(iri):
                    parts.append(_count(lang, "talk", len(talks_of[iri])))
                if own[iri]:
                    key = "own" if len(talks_of.get(iri, [])) == 1 else "owns"
                    parts.append(_count(lang, key, own[iri]))
                if context[iri]:
                    parts.append(_count(lang, "context", context[iri]))
            elif info.kind == "org":
                if members[iri]:
                    parts.append(_count(lang, "member", members[iri]))
                if parents.get(iri):
                    parts.append(
                        WORDS[lang]["part"][0] + " " + chain(iri).split(" (", 1)[-1].rstrip(")")
                    )
            elif info.kind == "talk":
                if presenters.get(iri):
                    names = ", ".join(sorted(label[p] for p in presenters[iri]))
                    parts.append(f"{WORDS[lang]['by'][0]} {names}")
                if iri in part_of:
                    parts.append(f"{WORDS[lang]['in'][0]} {label[part_of[iri]]}")
                if subjects[iri]:
                    parts.append(_count(lang, "theme", subjects[iri]))
            elif info.kind == "event":
                if event_talks[iri]:
                    parts.append(_count(lang, "talk", event_talks[iri]))
                if speakers[iri]:
                    parts.append(_count(lang, "speaker", speakers[iri]))
                if subjects[iri]:
                    parts.append(_count(lang, "theme", subjects[iri]))
            elif info.kind == "theme":
                if theme_own[iri]:
                    parts.append(
                        _count(lang, "person", theme_own[iri]) + " " + WORDS[lang]["ownOf"][0]
                    )
                if theme_context[iri]:
                    parts.append(
                        _count(lang, "person", theme_context[iri])
                        + " "
                        + WORDS[lang]["contextOf"][0]
                    )
            if parts:
                out[iri] = " — ".join(parts)
        result[lang] = out
    return result
