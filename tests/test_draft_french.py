"""The French tokenizer of the draft: loaded with the fast token-match regex
(`villegraph.draft.french`), it cuts the announcements exactly as spaCy's own regex does, and
splits elisions and hyphenated pronouns the way the draft needs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from villegraph.draft import pipeline
from villegraph.draft.french import MODULE, spacy_pattern, token_match

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    ROOT / "data" / "sources" / "000_f80f05703dc6102a.txt",
    ROOT / "tests" / "data" / "draft" / "en_webinar.txt",
    ROOT / "tests" / "data" / "draft" / "table_journee.txt",
]
WORDS = [
    "l'administration", "L'Administration", "d'une", "qu'est-ce", "est-ce", "Est-ce",
    "peut-être", "aujourd'hui", "Jean-Baptiste", "Carole-Anne", "anti-inflammatoire",
    "arrière-plan", "faux-vampire", "entr'abat", "rentr'ouvert", "saut-de-ski",
    "pet-en-l'air", "états-unis", "Etats-Unis", "burn-out", "Burn-outs", "c'est-à-dire",
    "grand'mère", "ch'tiis", "prud'hommes", "vice-président", "néo-libéral", "semi-public",
    "auto-organisation", "co-construction", "inter-communalité", "ex-maire", "non-lieu",
    "sous-préfecture", "Île-de-France", "porte-parole", "e-mail", "9h-10h30", "-",
    "best-of", "yo-yos", "zig-zag", "arc-en-ciel", "week-end", "open-data",
]  # fmt: skip


@pytest.fixture(scope="module")
def french() -> object:
    pipeline()  # installs the fast module before spaCy's French class is imported
    return sys.modules[MODULE]


def test_the_fast_regex_matches_what_spacys_regex_matches(french: object) -> None:
    names = french.__dict__
    alternatives: list[str] = names["_regular_exp"]
    original = re.compile(spacy_pattern(alternatives)).match
    fast = token_match(
        alternatives, names["HYPHENS"], names["ELISION"], names["ALPHA_LOWER"], names["ALPHA"]
    )
    assert names["TOKEN_MATCH"] is pipeline().tokenizer.token_match
    samples = list(WORDS)
    for text in TEXTS:
        samples += text.read_text(encoding="utf-8").split()
    for alternative in alternatives:  # a word for each plain prefix: `anti` → `anti-xyz`
        head = alternative[1:].split("[", 1)[0]
        if head.isalpha():
            samples += [f"{head}-abc", f"{head}'abc", f"{head.upper()}-Abc", f"x-{head}-l'y"]
    matched = 0
    for sample in samples:
        assert bool(fast(sample)) == bool(original(sample)), sample
        matched += bool(original(sample))
    assert matched > 100  # the samples do reach the regex's words, not only its misses


def test_the_draft_tokenizer_cuts_texts_as_spacy_does(french: object) -> None:
    nlp = pipeline()
    names = french.__dict__
    tokenizer = nlp.tokenizer
    texts = [path.read_text(encoding="utf-8") for path in TEXTS] + [" ".join(WORDS)]
    fast_tokens = [[t.text for t in tokenizer(text)] for text in texts]
    tokenizer.token_match = re.compile(spacy_pattern(names["_regular_exp"])).match
    try:
        spacy_tokens = [[t.text for t in tokenizer(text)] for text in texts]
    finally:
        tokenizer.token_match = names["TOKEN_MATCH"]
    assert fast_tokens == spacy_tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("l'administration", ["l'", "administration"]),
        ("d'une collectivité", ["d'", "une", "collectivité"]),
        ("Qu'est-ce que", ["Qu'", "est", "-ce", "que"]),
        ("est-ce", ["est", "-ce"]),
        ("aujourd'hui", ["aujourd'hui"]),
        ("peut-être", ["peut-être"]),
        ("arrière-plan", ["arrière-plan"]),
        ("Jean-Baptiste Chambon", ["Jean-Baptiste", "Chambon"]),
    ],
)
def test_elisions_and_hyphens_split_as_the_draft_needs(
    french: object, text: str, tokens: list[str]
) -> None:
    assert [t.text for t in pipeline().tokenizer(text)] == tokens
