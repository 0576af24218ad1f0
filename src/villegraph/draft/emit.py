"""A draft as YAML text, with the curator's notes (reconciliation, scores) as comments."""

from __future__ import annotations

from typing import Any

import yaml

COMMENT = "#"
"""A record's key whose value (a list of lines) is written as comments before it."""


def to_yaml(document: dict[str, Any], header: list[str]) -> str:
    """The YAML text of a draft: `header` comment lines, then the document."""
    lines = [f"# {line}" if line else "#" for line in header]
    lines += _mapping(document, 0)
    return "\n".join(lines) + "\n"


def _mapping(mapping: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}# {note}" for note in mapping.get(COMMENT, [])]
    for key, value in mapping.items():
        if key == COMMENT or value is None or value == [] or value == {}:
            continue
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += _mapping(value, indent + 2)
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            lines += _sequence(value, indent + 2)
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return lines


def _sequence(items: list[Any], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for item in items:
        if isinstance(item, dict):
            body = _mapping(item, indent + 2)
            notes = [line for line in body if line.lstrip().startswith("#")]
            rest = body[len(notes) :]
            lines += [f"{pad}{line.lstrip()}" for line in notes]
            lines.append(f"{pad}- {rest[0].lstrip()}")
            lines += rest[1:]
        else:
            lines.append(f"{pad}- {_scalar(item)}")
    return lines


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, width=10**6, default_style=None)
    text = text.removesuffix("\n...\n").rstrip("\n")
    if "\n" in text or (isinstance(value, str) and value != yaml.safe_load(text)):
        return yaml.safe_dump(value, allow_unicode=True, width=10**6, default_style='"').strip()
    if isinstance(value, str) and _looks_like_date(value):
        return '"' + value + '"'
    return text


def _looks_like_date(value: str) -> bool:
    return value[:4].isdigit() and len(value) >= 4 and value.replace("-", "").isdigit()


__all__ = ["COMMENT", "to_yaml"]
