"""Read a YAML file into plain values, keeping the line of every value and key.

Scalars follow YAML 1.1 as PyYAML's safe loader reads them, except that dates and times stay
strings (the build parses them itself, so that `2023-02-30` is an error, not a crash).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from villegraph.errors import InputError
from villegraph.records.problems import FieldPath, field_error

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """The safe loader without the implicit timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDocument:
    """The values of a YAML file and where each one was written (1-based lines)."""

    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    """Path → line of its value."""
    key_lines: dict[FieldPath, int] = field(default_factory=dict)
    """Path → line of its key (mappings only)."""

    def line(self, path: FieldPath) -> int | None:
        """The line of `path`, else of its nearest written parent."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


def read_yaml(path: Path, shown: Path | str) -> YamlDocument:
    """Parse one YAML document; InputError `shown:line:column: message` for bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(f"cannot read: {reason}", shown) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        document = YamlDocument(None)
        document.data = _value(node, (), loader, document, shown) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(filter(None, [error.context, error.problem]))
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise InputError(f"not YAML: {message}", shown, line, column) from None
    except yaml.YAMLError as error:
        raise InputError(f"not YAML: {error}", shown) from None
    finally:
        loader.dispose()
    return document


def _value(
    node: yaml.Node, path: FieldPath, loader: _Loader, document: YamlDocument, shown: Path | str
) -> Any:
    document.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in result:
                raise field_error(shown, line, (*path, key), "written twice")
            document.key_lines[(*path, key)] = line
            result[key] = _value(value_node, (*path, key), loader, document, shown)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _value(item, (*path, index), loader, document, shown)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


__all__ = ["YamlDocument", "read_yaml"]
