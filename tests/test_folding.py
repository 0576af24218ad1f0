"""The one text normaliser: what each form keeps, and that search, parameters and drafts agree."""

from __future__ import annotations

from villegraph.folding import fold, fold_key, fold_words, unaccented


def test_unaccented_drops_marks_and_case() -> None:
    assert unaccented("Évry Données ÇA") == "evry donnees ca"
    assert unaccented("Straße") == "strasse"


def test_fold_keeps_punctuation_and_collapses_spaces() -> None:
    assert fold("  Données-Ouvertes \t publiques ") == "donnees-ouvertes publiques"


def test_fold_words_turns_punctuation_into_single_spaces() -> None:
    assert fold_words("Données-ouvertes, (publiques)!") == "donnees ouvertes publiques"
    assert fold_words("Mines Paris – PSL") == "mines paris psl"


def test_fold_key_keeps_letters_and_digits_only() -> None:
    assert fold_key("CNRS UMR 9217") == "cnrsumr9217"
    assert fold_key("Sciences Po") == fold_key("sciences-po") == fold_key("SCIENCES PO")


def test_forms_agree_on_what_they_share() -> None:
    for text in ["Participation citoyenne", "Intelligence artificielle", "Nouvelle-Aquitaine"]:
        squeezed = fold(text).replace(" ", "").replace("-", "")
        assert fold_key(text) == fold_words(text).replace(" ", "") == squeezed
