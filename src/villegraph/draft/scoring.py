"""Precision and recall of a draft against a curated file, per kind of fact: people,
organisations, memberships, sessions with their dates, talks, talk themes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from villegraph.draft.text import plain
from villegraph.folding import fold_key

KINDS = ("people", "organisations", "memberships", "sessions", "talks", "talk themes")
TITLE_SIMILARITY = 85.0


@dataclass(frozen=True)
class Score:
    """Matches, drafted and gold counts of one kind."""

    matched: int
    drafted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched / self.drafted if self.drafted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0


def score(drafted: dict[str, Any], gold: dict[str, Any]) -> dict[str, Score]:
    """Per kind, how many drafted facts the gold file states and how many it states."""
    people = _pairs(drafted.get("people"), gold.get("people"), _person_keys)
    orgs = _pairs(drafted.get("organisations"), gold.get("organisations"), _org_keys)
    talks = _talk_pairs(drafted, gold, people)
    result = {
        "people": Score(
            len(people), len(drafted.get("people") or []), len(gold.get("people") or [])
        ),
        "organisations": Score(
            len(orgs), len(drafted.get("organisations") or []), len(gold.get("organisations") or [])
        ),
        "memberships": _set_score(
            _memberships(drafted, people, orgs, True), _memberships(gold, people, orgs, False)
        ),
        "sessions": _set_score(
            {_session_key(s) for s in drafted.get("sessions") or []},
            {_session_key(s) for s in gold.get("sessions") or []},
        ),
        "talks": Score(len(talks), len(drafted.get("talks") or []), len(gold.get("talks") or [])),
    }
    draft_themes = {
        (talks.get(t["id"], "?" + t["id"]), th["theme"])
        for t in drafted.get("talks") or []
        for th in t.get("themes") or []
    }
    gold_themes = {
        (t["id"], th["theme"]) for t in gold.get("talks") or [] for th in t.get("themes") or []
    }
    result["talk themes"] = _set_score(draft_themes, gold_themes)
    return result


def _set_score(drafted: set[Any], gold: set[Any]) -> Score:
    return Score(len(drafted & gold), len(drafted), len(gold))


def _pairs(
    drafted: list[dict[str, Any]] | None, gold: list[dict[str, Any]] | None, keys: Any
) -> dict[str, str]:
    """Drafted id → gold id, one to one, by shared names."""
    pairs: dict[str, str] = {}
    used: set[str] = set()
    for record in drafted or []:
        for candidate in gold or []:
            if candidate["id"] not in used and keys(record) & keys(candidate):
                pairs[record["id"]] = candidate["id"]
                used.add(candidate["id"])
                break
    return pairs


def _person_keys(record: dict[str, Any]) -> set[str]:
    return {fold_key(record["name"])}


def _org_keys(record: dict[str, Any]) -> set[str]:
    names = [record["name"], record.get("acronym"), *(record.get("other_names") or [])]
    return {fold_key(name) for name in names if isinstance(name, str) and fold_key(name)}


def _memberships(
    document: dict[str, Any], people: dict[str, str], orgs: dict[str, str], drafted: bool
) -> set[tuple[str, str]]:
    found = set()
    for record in document.get("memberships") or []:
        person, org = record["person"], record["organisation"]
        if drafted:
            person, org = people.get(person, "?" + person), orgs.get(org, "?" + org)
        found.add((person, org))
    return found


def _session_key(record: dict[str, Any]) -> tuple[Any, ...]:
    from villegraph.records.dates import parse_printed

    printed = record.get("printed_date")
    day = parse_printed(printed) if printed else None
    start = record.get("start")
    day_text = day.isoformat() if day else (start[:10] if start else None)
    return (
        day_text,
        record.get("status", "scheduled"),
        start if start and "T" in start else None,
        record.get("end"),
    )


def _talk_pairs(
    drafted: dict[str, Any], gold: dict[str, Any], people: dict[str, str]
) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for talk in drafted.get("talks") or []:
        for candidate in gold.get("talks") or []:
            presenters = candidate["presenter"]
            presenters = presenters if isinstance(presenters, list) else [presenters]
            title = _text(candidate["title"])
            if (
                people.get(talk.get("presenter") or "") in presenters
                and fuzz.ratio(plain(_text(talk["title"])), plain(title)) >= TITLE_SIMILARITY
                and candidate["id"] not in pairs.values()
            ):
                pairs[talk["id"]] = candidate["id"]
                break
    return pairs


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(next(iter(value.values())))
    return str(value)


__all__ = ["KINDS", "Score", "score"]
