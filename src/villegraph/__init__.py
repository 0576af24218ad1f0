"""villegraph: a knowledge graph of a research network on the digital transition of cities."""

from __future__ import annotations

from villegraph.config import Settings
from villegraph.errors import (
    ConfigError,
    InputError,
    QueryError,
    QueryTimeout,
    ResultTruncated,
    StoreError,
    UsageError,
    ValidationFailed,
    VillegraphError,
)
from villegraph.namespaces import PREFIXES, VG

__version__ = "0.1.0"

__all__ = [
    "PREFIXES",
    "VG",
    "ConfigError",
    "InputError",
    "QueryError",
    "QueryTimeout",
    "ResultTruncated",
    "Settings",
    "StoreError",
    "UsageError",
    "ValidationFailed",
    "VillegraphError",
    "__version__",
]
