"""The source as the drafter reads it: paragraphs, plain words, slugs and unique quotes."""

from __future__ import annotations

import re

from villegraph.folding import unaccented
from villegraph.records.quotes import SourceText, normalise

_MARKS = re.compile(r"[*_`#]+|\\(?=[()\[\]])")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def plain(text: str) -> str:
    """Text without Markdown marks and link targets, whitespace collapsed."""
    return normalise(_MARKS.sub("", _LINK.sub(r"\1", text))).strip(" <>")


def slug(text: str, taken: set[str] | None = None) -> str:
    """A slug of `text` (lowercase ASCII words joined by hyphens), unique among `taken`."""
    ascii_text = unaccented(text)
    base = "-".join(re.findall(r"[a-z0-9]+", ascii_text)[:6]) or "item"
    result, number = base, 2
    while taken is not None and result in taken:
        result, number = f"{base}-{number}", number + 1
    if taken is not None:
        taken.add(result)
    return result


class Source:
    """A source text with its paragraphs (lines joined) and a quote finder."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.finder = SourceText(text)
        self.paragraphs = [paragraph.text for paragraph in self.finder.paragraphs]
        self.lines = [line.strip() for line in text.splitlines()]

    def is_unique(self, quote: str) -> bool:
        """Whether `quote` occurs in exactly one passage (what the compiler asks)."""
        return len(self.finder.find(quote)) == 1

    def quote(self, paragraph: str, start: int, end: int, max_words: int = 40) -> str:
        """The span `start:end` of a paragraph, widened word by word until it is unique."""
        start, end = _word_bounds(paragraph, start, end)
        for step in range(max_words):
            span = paragraph[start:end].strip()
            if self.is_unique(span):
                return span
            if step % 2 == 0 and end < len(paragraph):
                end = _next_end(paragraph, end)
            elif start > 0:
                start = _previous_start(paragraph, start)
            elif end < len(paragraph):
                end = _next_end(paragraph, end)
            else:
                break
        return paragraph[start:end].strip()

    def quote_text(self, fragment: str) -> str | None:
        """A unique quote around the first occurrence of `fragment`, else None."""
        for paragraph in self.paragraphs:
            at = paragraph.find(fragment)
            if at >= 0:
                return self.quote(paragraph, at, at + len(fragment))
        return None


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _next_end(text: str, end: int) -> int:
    end += 1
    while end < len(text) and text[end].isspace():
        end += 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return end


def _previous_start(text: str, start: int) -> int:
    start -= 1
    while start > 0 and text[start - 1].isspace():
        start -= 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return start


__all__ = ["Source", "plain", "slug"]
