"""The site search as it was before `Index` (a loop over every entry for every query), kept to
check that the indexed search gives the same hits, in the same order, with the same totals."""

from __future__ import annotations

from villegraph.folding import fold
from villegraph.web.pages import pick_label
from villegraph.web.search import KINDS, MIN_LENGTH, RANK_OF_KIND, Entry, Hit, kind_name


def search(entries: list[Entry], query: str, language: str, limit: int) -> tuple[list[Hit], int]:
    """Entries whose labels contain `query` (folded), best first: a whole-label match, then a
    label starting with it, then a word starting with it, then anywhere; shorter labels first.
    The first `limit` hits, and how many entries matched in all."""
    wanted = fold(query)
    if len(wanted) < MIN_LENGTH:
        return [], 0
    scored = []
    for entry in entries:
        best: tuple[int, int, str] | None = None
        for folded, original in entry.texts:
            if wanted not in folded:
                continue
            if folded == wanted:
                rank = 0
            elif folded.startswith(wanted):
                rank = 1
            elif f" {wanted}" in f" {folded}" or any(
                part.startswith(wanted) for part in folded.replace("-", " ").split()
            ):
                rank = 2
            else:
                rank = 3
            candidate = (rank, len(folded), original)
            if best is None or candidate < best:
                best = candidate
        if best is not None:
            scored.append((best, RANK_OF_KIND.get(entry.kind, len(KINDS)), entry))
    scored.sort(key=lambda item: (item[0][0], item[1], item[0][1], item[2].iri))
    hits = []
    for (_, _, matched), _, entry in scored[:limit]:
        label = pick_label(entry.names, language) or matched
        hits.append(
            Hit(
                label=label,
                kind=kind_name(entry.kind, language),
                href=entry.href,
                iri=entry.iri,
                matched=None if fold(matched) == fold(label) else matched,
            )
        )
    return hits, len(scored)
