"""`TODO` fields: what a draft could not find in its source, left for the curator to fill.

A field whose value is a string starting with `TODO` (`role: "TODO: the role of «maître de
conférences», a role id of data/ (researcher, …)"`) is a placeholder. In a reviewed file it is an
error naming what to fill (`x.yaml:LINE: memberships[1].role: to fill in: the role of …`). In a
draft it is left out, as if not written yet, so the draft can be built with `--include-drafts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from villegraph.records.problems import FieldPath, field_error
from villegraph.records.reading import YamlDocument

MARK = "TODO"


def todos(value: Any, path: FieldPath = ()) -> list[FieldPath]:
    """The paths of every placeholder under `value`, in file order."""
    if isinstance(value, str):
        return [path] if value.startswith(MARK) else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in todos(item, (*path, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in todos(item, (*path, index))]
    return []


def refuse_todos(document: YamlDocument, shown: Path | str) -> None:
    """Raise `shown:LINE: field: to fill in: …` for the first placeholder of a reviewed file."""
    found = todos(document.data)
    if not found:
        return
    path = found[0]
    hint = str(_at(document.data, path))[len(MARK) :].lstrip(" :") or "a value"
    more = len(found) - 1
    suffix = f" (and {more} more TODO field{'s' if more > 1 else ''})" if more else ""
    raise field_error(shown, document.line(path), path, f"to fill in: {hint}{suffix}")


def drop_todos(document: YamlDocument) -> list[FieldPath]:
    """Leave out the placeholders of a draft (an item of a list of references goes; a field
    goes from its record); returns what was left out."""
    found = todos(document.data)
    for path in reversed(found):
        parent = _at(document.data, path[:-1])
        del parent[path[-1]]
        if parent == [] and len(path) > 1:
            del _at(document.data, path[:-2])[path[-2]]
    return found


def _at(value: Any, path: FieldPath) -> Any:
    for part in path:
        value = value[part]
    return value


__all__ = ["MARK", "drop_todos", "refuse_todos", "todos"]
