"""The spaCy pipeline: `fr_core_news_sm` without its parser (lemmas, part of speech and named
entities), loaded once; spaCy's blank French pipeline when the model is not installed. The
French language data is loaded through `french.install` (the same tokenizer, ~3 s sooner)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

MODEL = "fr_core_news_sm"


@cache
def pipeline() -> Any:
    """The pipeline (loaded on first use, from the installed package: no network)."""
    import spacy

    from villegraph.draft import french

    french.install()
    try:
        nlp = spacy.load(MODEL, exclude=["parser", "senter", "tokenizer"])
    except OSError:
        return spacy.blank("fr")
    french.load_tokenizer(nlp, Path(nlp.path))
    return nlp


def lemma_tokens(doc: Any) -> list[tuple[str, int, int]]:
    """(lemma, start, end) of each word token, lowercased (the form where there is no lemma)."""
    return [
        ((token.lemma_ or token.text).casefold(), token.idx, token.idx + len(token.text))
        for token in doc
        if not token.is_space and not token.is_punct
    ]


def people_names(doc: Any) -> list[str]:
    """PER entities of two words or more: the model's guesses, used to fill in only."""
    return [ent.text for ent in doc.ents if ent.label_ == "PER" and " " in ent.text.strip()]


__all__ = ["MODEL", "lemma_tokens", "people_names", "pipeline"]
