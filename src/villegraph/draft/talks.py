"""Talks: a heading or paragraph `Name - Title` (or a table row) for a known speaker, and the
paragraphs after it as its abstract."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from villegraph.draft.text import Source, plain

_SEPARATOR = re.compile(r"^\s*(?:[-–—:]|,)\s*")


@dataclass
class Talk:
    """A talk as the draft proposes it."""

    presenter: str
    title: str
    quotes: list[str]
    abstract: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    """The paragraphs of its title and abstract, as printed."""


def find_talks(source: Source, speakers: list[str]) -> list[Talk]:
    """Talks introduced by a paragraph starting with a speaker's name and a separator."""
    talks: list[Talk] = []
    current: Talk | None = None
    for paragraph in source.paragraphs:
        text = plain(paragraph).strip('« »"')
        starter = next((name for name in speakers if text.startswith(name)), None)
        rest = text[len(starter) :] if starter else ""
        if (
            starter
            and _SEPARATOR.match(rest)
            and len(rest) > 12
            and not paragraph.startswith(("-", "*", "|"))
        ) or (starter and paragraph.startswith("#")):
            title = _SEPARATOR.sub("", rest).strip(' «»"*')
            at = paragraph.find(starter)
            quote = source.quote(paragraph, at, min(len(paragraph), at + len(starter) + 20))
            current = Talk(starter, title, [quote], paragraphs=[paragraph])
            talks.append(current)
        elif current is not None and _is_abstract(paragraph):
            current.abstract.append(plain(paragraph))
            current.paragraphs.append(paragraph)
            current.quotes.append(source.quote(paragraph, 0, min(len(paragraph), 24)))
        else:
            current = None
    return talks


def _is_abstract(paragraph: str) -> bool:
    return not paragraph.startswith(("#", "-", "*", "|", "<", "[")) and len(paragraph) > 80


__all__ = ["Talk", "find_talks"]
