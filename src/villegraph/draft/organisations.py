"""Organisations as announcements print them: affiliation chains (`Labo (SIGLE), i3 CNRS UMR
9217, Mines Paris, PSL`), `Name (ACR)` and `Name – ACR –` anywhere, keyword-led names
(`École urbaine`, `Région Île-de-France`), letterhead lines (`GOUVERNEMENT`, `**PUCA**`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from villegraph.draft.text import plain
from villegraph.folding import fold_key

UNIT_WORDS = [
    "Centre",
    "Center",
    "Institut",
    "Institute",
    "Laboratoire",
    "Laboratory",
    "Lab",
    "Unité",
    "Unit",
    "Équipe",
    "Team",
    "Observatoire",
    "Observatory",
    "Department",
    "Département",
    "Faculté",
    "Faculty",
]
SCHOOL_WORDS = [
    "Université",
    "University",
    "École",
    "School",
    "College",
    "Collège",
    "Mines",
    "Sciences Po",
]
CHAIR_WORDS = ["Chaire", "Chair"]
AUTHORITY_WORDS = [
    "Région",
    "Region",
    "Ministère",
    "Ministry",
    "Ville",
    "Métropole",
    "Mairie",
    "Préfecture",
    "Gouvernement",
    "Council",
    "Conseil",
    "Borough",
    "Agence",
    "Agency",
]
FUNDERS = {"cnrs", "inserm", "inrae", "inria", "ird", "cea", "anr", "cirad", "ifsttar", "ined"}
KEYWORDS = UNIT_WORDS + SCHOOL_WORDS + CHAIR_WORDS + AUTHORITY_WORDS
_KEYWORD = re.compile(r"\b(?:" + "|".join(KEYWORDS) + r")\b")
_NEEDS_PROPER = {"Région", "Region", "Ville", "Métropole", "Mairie", "Council", "Borough"}
_RESEARCH_BODY = r"organisme (?:national )?de recherche|research (?:organi[sz]ation|agency|council)"
IDENTIFIER = re.compile(r"\b(?:UMR|UPR|USR|UMI|UR|EA)\s?\d{2,5}\b")
ACRONYM = r"[A-ZÉ][A-Za-zÉ0-9&]{1,9}"
_ACRONYM_ONLY = re.compile(rf"(?=[A-Z0-9&]*[A-Z]{{2}})(?:{ACRONYM})")
_BOUNDARY = {
    "au",
    "aux",
    "le",
    "la",
    "les",
    "à",
    "avec",
    "par",
    "pour",
    "chez",
    "at",
    "the",
    "with",
    "by",
    "un",
    "une",
    "a",
    "an",
    "from",
    "sein",
    "in",
    "dans",
}
_STOP = {
    "a",
    "est",
    "sont",
    "has",
    "is",
    "was",
    "qui",
    "que",
    "dans",
    "pour",
    "en",
    "avec",
    "sur",
    "par",
    "au",
    "aux",
    "will",
    "which",
    "who",
    "with",
    "to",
    "on",
    "elle-même",
    "its",
    "sa",
    "son",
    "ses",
    "a-t-elle",
}


@dataclass
class Org:
    """An organisation the draft proposes, with the words that name it and its quotes."""

    name: str
    acronym: str | None = None
    other_names: list[str] = field(default_factory=list)
    identifier: str | None = None
    parents: list[str] = field(default_factory=list)
    """Keys (`fold_key` of a name) of the organisations it belongs to."""
    quotes: list[str] = field(default_factory=list)
    context: str = ""

    def folded(self) -> set[str]:
        """Every name it goes by, folded."""
        names = [self.name, *self.other_names] + ([self.acronym] if self.acronym else [])
        return {fold_key(name) for name in names if fold_key(name)}

    @property
    def kind(self) -> str:
        """The schema's kind, guessed from the words of its name."""
        words = set(re.findall(r"[\wÉé']+", self.name))
        lowered = fold_key(self.name)
        if self.identifier or words & set(UNIT_WORDS):
            return "research-unit"
        if words & set(CHAIR_WORDS) or lowered.startswith("chaire"):
            return "chair"
        if words & set(AUTHORITY_WORDS) or lowered in {"gouvernement", "government"}:
            return "public-authority"
        if lowered in FUNDERS or (self.acronym and re.search(_RESEARCH_BODY, self.context)):
            return "research-organisation"
        if words & set(SCHOOL_WORDS) or lowered in {"psl", "sciencespo"}:
            return "higher-education-institution"
        return "organisation"


def is_org_like(segment: str) -> bool:
    """Whether a piece of an affiliation names an organisation."""
    text = plain(segment)
    first = text.split(" ")[0] if text else ""
    return bool(
        _KEYWORD.match(text)
        or re.search(rf"\(({ACRONYM})\)", text)
        or _ACRONYM_ONLY.fullmatch(first)
        or IDENTIFIER.search(text)
    )


def split_top(text: str, separator: str = ",") -> list[str]:
    """`text` cut at `separator` outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def parse_chain(chain: str) -> list[Org]:
    """An affiliation chain, most specific first; each organisation's parent is the next one."""
    orgs: list[Org] = []
    heads: list[Org] = []
    for segment in _join_named(split_top(chain.strip().rstrip(".;"))):
        group = _segment(segment)
        if not group:
            continue
        if heads:
            heads[-1].parents.append(fold_key(group[0].name))
        heads.append(group[0])
        orgs.extend(group)
    return orgs


def _join_named(segments: list[str]) -> list[str]:
    """Join a name cut at its comma: `Laboratoire Techniques`, `Territoires et Sociétés
    (LATTS)` → one segment, when the acronym starts as the earlier piece does."""
    joined: list[str] = []
    for segment in segments:
        acronym = re.search(rf"\(({ACRONYM})\)", segment)
        if (joined and acronym and not is_org_like(joined[-1])) or (
            joined
            and acronym
            and plain(segment)[:1].upper() != acronym[1][0]
            and plain(joined[-1])[:1].upper() == acronym[1][0]
        ):
            joined[-1] = f"{joined[-1]}, {segment}"
        else:
            joined.append(segment)
    return joined


def _segment(segment: str) -> list[Org]:
    """One piece of a chain: `Name (ACR) de Parent`, `i3 CNRS UMR 9217`, `Mines Paris`."""
    text = segment.strip()
    with_acronym = re.match(
        rf"(?P<name>.+?)\s*\((?P<acr>{ACRONYM})\)(?:\s*(?:de|du|of|at)\s+(?P<parent>.+))?$", text
    )
    if with_acronym:
        name = re.sub(r"^(?:l'|l’|d'|the )", "", plain(with_acronym["name"]))
        org = Org(name, with_acronym["acr"], quotes=[text])
        if with_acronym["parent"]:
            parent_name = re.sub(r"^(?:la |le |l'|the )", "", with_acronym["parent"])
            parent = Org(plain(parent_name), quotes=[with_acronym["parent"]])
            org.parents.append(fold_key(parent.name))
            return [org, parent]
        return [org]
    identifier = IDENTIFIER.search(text)
    if identifier:
        words = text[: identifier.start()].split() + text[identifier.end() :].split()
        funders = [word for word in words if fold_key(word) in FUNDERS]
        name = " ".join(word for word in words if word not in funders) or identifier[0]
        org = Org(plain(name), identifier=identifier[0], quotes=[text])
        group = [org]
        for funder in funders:
            org.parents.append(fold_key(funder))
            group.append(Org(funder, quotes=[text]))
        return group
    return [Org(plain(text), quotes=[text])]


def find_mentions(paragraph: str) -> list[Org]:
    """Organisations named in running text or letterheads of one paragraph."""
    found: list[Org] = []
    for match in re.finditer(rf"\(({ACRONYM})\)|\s[–—-]\s({ACRONYM})\s[–—-]", paragraph):
        acronym = match[1] or match[2]
        if not _ACRONYM_ONLY.fullmatch(acronym):
            continue
        name = _name_before(paragraph[: match.start()], acronym)
        if name:
            at = paragraph.rfind(name, 0, match.start())
            quote = paragraph[at : match.end()] if match[1] else name
            found.append(Org(name, acronym, quotes=[quote]))
    for match in _KEYWORD.finditer(paragraph):
        name = _name_after(paragraph[match.start() :], match[0])
        if name and not any(
            fold_key(name) in org.folded() or fold_key(name) in fold_key(org.name) for org in found
        ):
            found.append(Org(name, quotes=[name]))
    return found


def find_letterhead(line: str) -> Org | None:
    """An organisation a line prints alone: `GOUVERNEMENT`, `CHAIRE VILLES ET NUMÉRIQUE`,
    `**PUCA**`, `**SciencesPo**`."""
    text = line.strip()
    bare = plain(text)
    if bare in {"GOUVERNEMENT", "RÉPUBLIQUE FRANÇAISE", "GOVERNMENT"}:
        return Org(bare.capitalize(), other_names=[bare], quotes=[text])
    bold = re.fullmatch(r"\*\*([A-Z]\w+)\*\*", text)
    if bold and (
        _ACRONYM_ONLY.fullmatch(bold[1]) or re.fullmatch(r"[A-Z][a-z]+[A-Z][a-z]+", bold[1])
    ):
        return Org(bold[1], quotes=[text])
    if bare.isupper():
        at = _KEYWORD.match(bare.title())
        if at is not None:
            return Org(bare, quotes=[bare])
    return None


def _name_before(text: str, acronym: str) -> str | None:
    words = text.rstrip().split(" ")
    taken: list[str] = []
    for word in reversed(words):
        crossing = word.endswith(",") and taken and taken[0][:1] != acronym[0]
        if (
            not word
            or word.casefold() in _BOUNDARY
            or (word.endswith((",", ";", ":", ".")) and (not crossing))
        ):
            break
        taken.insert(0, word)
        if len(taken) > 10:
            return None
    name = re.sub(r"^(?:l'|l’|d')", "", " ".join(taken).strip("*"))
    return name if name and name[0].isupper() else None


def _name_after(text: str, keyword: str) -> str | None:
    head = re.split(r"[,.;:()\[\]«»\"|]|\s[–—-]\s", text, maxsplit=1)[0]
    words: list[str] = []
    for word in head.split():
        if words and (word.casefold() in _STOP or re.fullmatch(r"\d+", word)):
            break
        words.append(word)
        if len(words) > 8:
            return None
    if keyword in _NEEDS_PROPER and (len(words) < 2 or not words[1][:1].isupper()):
        return None
    if len(words) < 2 and keyword not in {"Gouvernement"}:
        return None
    return " ".join(words).strip("*")


__all__ = [
    "FUNDERS",
    "IDENTIFIER",
    "Org",
    "find_letterhead",
    "find_mentions",
    "is_org_like",
    "parse_chain",
    "split_top",
]
