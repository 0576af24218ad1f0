"""Check a curation file against the JSON Schema shipped beside this module (`schema.json`)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from villegraph.records.problems import FieldPath, did_you_mean, field_error
from villegraph.records.reading import YamlDocument
from villegraph.records.suggest import near


@cache
def curation_schema() -> dict[str, Any]:
    """The JSON Schema of curation files."""
    text = resources.files("villegraph.records").joinpath("schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(curation_schema())


def check_schema(document: YamlDocument, shown: Path | str) -> None:
    """Raise the first schema error (in file order) as `shown:line: field: message`."""
    errors = list(_validator().iter_errors(document.data))
    if not errors:
        return
    located = [_locate(error, document) for error in errors]
    line, path, message = min(located, key=lambda e: (e[0] or 0, len(e[1])))
    more = len(errors) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    raise field_error(shown, line, path, message + suffix)


def _locate(error: ValidationError, document: YamlDocument) -> tuple[int | None, FieldPath, str]:
    """Line, field path and message of one schema error."""
    path: FieldPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        key = extra[0]
        where = (*path, key)
        message = "unknown field" + did_you_mean(near(key, allowed, limit=1))
        return document.key_lines.get(where, document.line(path)), where, message
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return document.line(path), (*path, missing[0]), "missing (required)"
    if error.validator == "enum":
        options = [str(option) for option in error.validator_value]
        hint = did_you_mean(near(str(error.instance), options, limit=1))
        message = f"{_shown(error.instance)} is not one of {', '.join(options)}{hint}"
        return document.line(path), path, message
    custom = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    if custom:
        return document.line(path), path, f"{_shown(error.instance)}: {custom}"
    if error.validator == "type":
        return document.line(path), path, f"expected {error.validator_value}"
    return document.line(path), path, error.message


def _shown(value: object, limit: int = 60) -> str:
    """The value as written in a message, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["check_schema", "curation_schema"]
