"""Speakers: `Prénom Nom, doctorante au <labo> (<SIGLE>), <tutelles>` lines and table rows
→ people, their printed titles and the organisations they belong to. Patterns lead."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from villegraph.draft.organisations import Org, is_org_like, parse_chain, split_top
from villegraph.draft.text import plain

_UPPER = "A-ZÉÈÊÀÂÎÔÇÖÜÁÍÓÚØÅÄ"
_LOWER = "a-zéèêëàâîïôöûüçñáíóúãõøåäß"
GIVEN = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
FAMILY = rf"(?:(?:de|du|van|von|da|di|le|la) )?[{_UPPER}][{_LOWER}{_UPPER}'’-]+"
NAME = rf"{GIVEN}(?: {FAMILY}){{1,2}}"
_LINE = re.compile(rf"^(?P<name>{NAME})\s*(?:,|\s[–—-]\s|\()\s*(?P<rest>.+?)\)?$")
_PREPOSITION = re.compile(
    r"\s(?:(?:au|aux|à la|à|du|de la|at the|at|with the|of the)\s|(?:à l'|de l'|à l’|de l’))"
)


@dataclass
class Speaker:
    """A person as a speaker line prints them."""

    name: str
    line: str
    """The line's text, as printed (bullet and Markdown stripped)."""
    title: str | None = None
    orgs: list[Org] = field(default_factory=list)

    @property
    def given_family(self) -> tuple[str, str]:
        """Given name and family name: the first word and the rest."""
        given, _, family = self.name.partition(" ")
        return given, family


def parse_line(line: str) -> Speaker | None:
    """A speaker from one line (`- Name, title au Labo (ACR), Univ`), else None."""
    text = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line).strip()
    match = _LINE.match(plain(text))
    if match is None or not re.match(r"^[-*•\d]", line.strip()):
        return None
    start = text.find(match["name"])
    return from_parts(match["name"], match["rest"], text[start:] if start >= 0 else text)


def from_parts(name: str, rest: str, line: str) -> Speaker:
    """A speaker from their name and the rest of their line (title, organisations)."""
    title, chain = split_title(rest)
    return Speaker(name, line, title, parse_chain(chain) if chain else [])


def split_title(rest: str) -> tuple[str | None, str]:
    """`doctorante au Labo (X), Univ` → (`doctorante`, `Labo (X), Univ`): the title, then the
    organisations it names, most specific first."""
    for match in _PREPOSITION.finditer(" " + rest):
        after = rest[match.end() - 1 :]
        if is_org_like(split_top(after)[0] if split_top(after) else after):
            return rest[: match.start()].strip(" ,") or None, after
    segments = split_top(rest)
    first_org = len(segments)
    while first_org > 0 and is_org_like(segments[first_org - 1]):
        first_org -= 1
    if first_org == len(segments):
        return rest.strip() or None, ""
    title = ", ".join(segments[:first_org]) or None
    return title, ", ".join(segments[first_org:])


def parse_table(rows: list[str]) -> list[Speaker]:
    """Speakers from a Markdown table whose header names a speaker and an affiliation column."""
    cells = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]
    if len(cells) < 3:
        return []
    header = [cell.casefold() for cell in cells[0]]
    who = _column(header, ("intervenant", "speaker", "nom", "name", "orat"))
    where = _column(
        header,
        (
            "affiliation",
            "institution",
            "organisation",
            "organization",
            "laboratoire",
            "titre et",
            "fonction",
            "position",
        ),
    )
    if who is None or where is None:
        return []
    speakers = []
    for row in cells[2:]:
        if len(row) <= max(who, where):
            continue
        name = plain(row[who])
        if re.fullmatch(NAME, name):
            speaker = from_parts(name, plain(row[where]), row[where])
            speaker.line = row[where]
            speakers.append(speaker)
    return speakers


def _column(header: list[str], words: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        if any(word in cell for word in words):
            return index
    return None


__all__ = ["NAME", "Speaker", "from_parts", "parse_line", "parse_table", "split_title"]
