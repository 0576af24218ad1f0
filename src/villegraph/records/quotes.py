"""Find a verbatim quote in a source text and name the passage (the lines) it comes from.

A source is read as paragraphs: runs of non-blank lines. A paragraph's text is its lines, each
stripped of surrounding whitespace, joined with a single space; a quote is looked for in that text
with every run of whitespace (in both) read as one space, so that a quote may run over a line
break. Its passage is the lines the quote touches, whole, and the passage's text is those lines
stripped and joined the same way (the convention of `vg:Passage`'s `rdf:value`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

_SPACE = re.compile(r"\s+")
MIN_SIMILARITY = 75.0
"""How close (0-100, rapidfuzz partial ratio) a span must be to be offered for a missing quote."""


@dataclass(frozen=True)
class Passage:
    """Lines `start` to `end` (1-based, inclusive) of a source and their text."""

    start: int
    end: int
    text: str

    @property
    def slug(self) -> str:
        """`l5` or `l7-9`, the last step of the passage's IRI."""
        return f"l{self.start}" if self.start == self.end else f"l{self.start}-{self.end}"


@dataclass(frozen=True)
class _Paragraph:
    lines: tuple[str, ...]
    """The stripped lines."""
    first: int
    """The line number of the first line."""
    text: str
    """The lines joined by spaces, whitespace runs collapsed."""
    line_of: tuple[int, ...]
    """The line number of each character of `text`."""


def normalise(text: str) -> str:
    """`text` with every whitespace run read as one space, trimmed."""
    return _SPACE.sub(" ", text).strip()


class SourceText:
    """A source document, searchable for quotes."""

    def __init__(self, text: str) -> None:
        self.paragraphs: list[_Paragraph] = []
        run: list[str] = []
        first = 0
        for number, line in enumerate([*text.splitlines(), ""], start=1):
            stripped = line.strip()
            if stripped:
                if not run:
                    first = number
                run.append(stripped)
            elif run:
                self.paragraphs.append(_paragraph(run, first))
                run = []

    def find(self, quote: str) -> list[Passage]:
        """Every distinct passage holding `quote`, in source order."""
        needle = normalise(quote)
        found: dict[Passage, None] = {}
        if not needle:
            return []
        for paragraph in self.paragraphs:
            start = paragraph.text.find(needle)
            while start >= 0:
                end = start + len(needle) - 1
                found[_passage(paragraph, paragraph.line_of[start], paragraph.line_of[end])] = None
                start = paragraph.text.find(needle, start + 1)
        return list(found)

    def nearest(self, quote: str) -> tuple[str, int] | None:
        """The span of the source closest to a quote that is not in it, with its line."""
        needle = normalise(quote)
        best: tuple[float, str, int] | None = None
        for paragraph in self.paragraphs:
            match = fuzz.partial_ratio_alignment(needle, paragraph.text)
            if match is None or match.score < MIN_SIMILARITY:
                continue
            if best is None or match.score > best[0]:
                start, end = _words(paragraph.text, match.dest_start, match.dest_end)
                best = (match.score, paragraph.text[start:end], paragraph.line_of[start])
        return None if best is None else (best[1], best[2])


def _words(text: str, start: int, end: int) -> tuple[int, int]:
    """`start` and `end` moved out to the nearest word boundaries."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _paragraph(lines: list[str], first: int) -> _Paragraph:
    text: list[str] = []
    line_of: list[int] = []
    for offset, line in enumerate(lines):
        if offset:
            text.append(" ")
            line_of.append(first + offset - 1)
        collapsed = _SPACE.sub(" ", line)
        text.append(collapsed)
        line_of.extend([first + offset] * len(collapsed))
    return _Paragraph(tuple(lines), first, "".join(text), tuple(line_of))


def _passage(paragraph: _Paragraph, start: int, end: int) -> Passage:
    lines = paragraph.lines[start - paragraph.first : end - paragraph.first + 1]
    return Passage(start, end, " ".join(lines))


__all__ = ["Passage", "SourceText", "normalise"]
