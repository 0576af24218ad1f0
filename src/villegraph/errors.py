"""One error hierarchy for villegraph; the CLI maps each class to a documented exit code.

VillegraphError                 exit 2 unless a subclass says otherwise
├── UsageError                  bad option or parameter value (2)
├── InputError                  unreadable input: missing file, not RDF, bad syntax (2)
│                               carries path, line, column
├── ConfigError                 a VILLEGRAPH_* setting with a bad value (2)
├── QueryError                  unknown canned query, missing/invalid parameter, bad SPARQL (2)
│   └── UnknownResource         a parameter names no resource of its kind; carries suggestions
├── ValidationFailed            the data does not conform to the shapes (1)
└── StoreError                  the store or a remote endpoint failed or refused (3)
    ├── QueryTimeout            a query ran past its deadline (3)
    └── ResultTruncated         an endpoint cut the results short (3)
"""

from __future__ import annotations

from pathlib import Path


class VillegraphError(Exception):
    """Base of every error villegraph raises on purpose."""

    exit_code: int = 2


class UsageError(VillegraphError):
    """A bad option or parameter value."""


class ConfigError(VillegraphError):
    """A setting (environment or option) with a value that cannot be used."""


class InputError(VillegraphError):
    """Input that cannot be read: names the file and, where known, the line and column."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(self.location_prefix() + message)

    def location_prefix(self) -> str:
        """`file:line:column: ` as far as it is known, or an empty string."""
        if self.path is None:
            return ""
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts) + ": "


class QueryError(VillegraphError):
    """An unknown canned query, a missing or invalid parameter, or SPARQL that does not parse."""


class UnknownResource(QueryError):
    """A parameter names no resource of the declared kind (HTTP 404); with the closest ones."""

    def __init__(self, message: str, suggestions: list[tuple[str, str]] | None = None) -> None:
        self.suggestions = suggestions or []
        """(IRI, label) of the closest resources, best first."""
        super().__init__(message)


class ValidationFailed(VillegraphError):
    """The data does not conform to the SHACL shapes."""

    exit_code = 1

    def __init__(self, message: str, report: object | None = None) -> None:
        self.report = report
        super().__init__(message)


class StoreError(VillegraphError):
    """The store or a remote endpoint failed, refused or could not be reached."""

    exit_code = 3


class QueryTimeout(StoreError):
    """A query ran past its deadline and was stopped."""


class ResultTruncated(StoreError):
    """An endpoint returned fewer results than the query asked for (e.g. Virtuoso's row cap)."""


__all__ = [
    "ConfigError",
    "InputError",
    "QueryError",
    "QueryTimeout",
    "ResultTruncated",
    "StoreError",
    "UnknownResource",
    "UsageError",
    "ValidationFailed",
    "VillegraphError",
]
