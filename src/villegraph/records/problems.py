"""The one error form of curation files: `file.yaml:LINE: field: message` (InputError, exit 2)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from villegraph.errors import InputError

FieldPath = tuple[str | int, ...]
"""Where a value sits in a curation file: keys and list indexes from the top."""


def field_name(path: FieldPath) -> str:
    """`people[0].name` for ("people", 0, "name"); `(file)` for the file itself."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(file)"


def field_error(shown: Path | str, line: int | None, path: FieldPath, message: str) -> InputError:
    """`shown:line: field: message`."""
    return InputError(f"{field_name(path)}: {message}", shown, line)


def did_you_mean(suggestions: Sequence[str]) -> str:
    """`; did you mean 'a' or 'b'?`, or nothing without suggestions."""
    if not suggestions:
        return ""
    quoted = [repr(s) for s in suggestions]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"; did you mean {listed}?"


__all__ = ["FieldPath", "did_you_mean", "field_error", "field_name"]
