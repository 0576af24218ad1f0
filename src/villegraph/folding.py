"""Text folded for matching: the one normaliser behind search, reconciliation, parameters,
printed dates and drafts.

Every form starts from `unaccented` (case folded, then accents dropped); they differ only in what
they keep of the rest:

    fold("  Données-Ouvertes ")   "donnees-ouvertes"   words kept as written, spaces collapsed
    fold_words("Données-Ouvertes") "donnees ouvertes"   anything but letters and digits is a space
    fold_key("Données-Ouvertes")   "donneesouvertes"    letters and digits only: a matching key

`caseless` is the other kind: accents kept, for looking up what SPARQL's `LCASE` would match.
"""

from __future__ import annotations

import unicodedata


def unaccented(text: str) -> str:
    """Case folded, accents and other combining marks dropped ("Évry" → "evry")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def caseless(text: str) -> str:
    """Lower-cased, then case folded ("Straße" → "strasse"): each character on its own, so a
    text whose lower case holds another's lower case still holds its caseless form."""
    return text.lower().casefold()


def fold(text: str) -> str:
    """Unaccented, whitespace collapsed: for prefix and substring search over labels."""
    return " ".join(unaccented(text).split())


def fold_words(text: str) -> str:
    """Unaccented words of letters and digits, one space between: for comparing labels."""
    plain = unaccented(text)
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def fold_key(text: str) -> str:
    """Unaccented letters and digits only: a key under which spellings of a name meet."""
    return "".join(c for c in unaccented(text) if c.isalnum())
