"""Settings: one frozen object, read from `VILLEGRAPH_*` environment variables, then CLI options."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, cast

from villegraph.errors import ConfigError
from villegraph.namespaces import DEFAULT_BASE_IRI
from villegraph.resources import CHECKOUT, ONTOLOGY_DIR, QUERIES_DIR, is_checkout

ENV_PREFIX = "VILLEGRAPH_"


def _default_root() -> Path:
    """The project folder when neither `--root` nor `VILLEGRAPH_ROOT` names one: the working
    directory if it holds `data/`, else the development checkout this package runs from (if it
    does), else the working directory (where a build then reports the missing `data/`)."""
    here = Path.cwd()
    if (here / "data").is_dir():
        return here
    if is_checkout(CHECKOUT) and (CHECKOUT / "data").is_dir():
        return CHECKOUT
    return here


def _own_or_packaged(root: Path, name: str, packaged: Path) -> Path:
    """The project's own folder `name` if it has one, else the packaged one."""
    own = root / name
    return own if own.is_dir() else packaged


def absolute(path: Path | str) -> Path:
    """`path` made absolute with its folders resolved, but its last part kept as named: `dist`
    is a symbolic link that each build flips, and must not be replaced by its target."""
    plain = Path(os.path.abspath(path))
    if not plain.name:
        return plain
    return plain.parent.resolve() / plain.name


FROM_ROOT = cast(Path, None)
"""Default of the folder settings: found from the root by `Settings.__post_init__`, so that
every folder of a constructed Settings is a Path."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable; paths are absolute once resolved.

    The ontology and queries folders are the project's own (`ontology/`, `queries/` of its
    root) when it has them, else the ones shipped in the package (`villegraph.resources`)."""

    root: Path = field(default_factory=_default_root)
    ontology_dir: Path = FROM_ROOT
    data_dir: Path = FROM_ROOT
    queries_dir: Path = FROM_ROOT
    dist_dir: Path = FROM_ROOT
    store_dir: Path = FROM_ROOT
    releases_dir: Path = FROM_ROOT
    base_iri: str = DEFAULT_BASE_IRI
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    max_bytes: int = 50_000_000
    max_literal_bytes: int = 1_000_000
    """The largest literal (bytes of its lexical form) a data file may hold."""
    endpoint: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "digest"
    workers: int = 2
    """Query workers for arbitrary SPARQL (the `open` lane's general workers)."""
    reserve_workers: int = 1
    """Workers of the `open` lane kept for clients that are not running long queries."""
    site_workers: int = 2
    """Query workers for pages, canned queries and the network view (the `site` lane)."""
    worker_memory_mb: int = 1024
    """How much a query worker may grow once its store is open; 0 for no limit."""
    worker_memory_quads: int = 100_000
    """A query worker copies a build of at most this many quads into memory, where queries take
    about 60 % of their time on the on-disk store (about 40 MiB a worker at the most); 0: never."""
    worker_nice: int = 5
    """Query workers run below the server: batch-scheduled and niced by this much (0 to 19; 0
    leaves them as the server is). See `villegraph.web.worker.run_below_the_server`."""
    per_client: int = 4
    """Requests one client address may have running or waiting in a lane."""
    fast_query: float = 1.0
    """Seconds past which a query makes its client heavy (and the reserve's deadline)."""
    cache_bytes: int = 64_000_000
    """Bytes of answers the server keeps per build (`villegraph.web.cache`); 0 keeps none."""
    cache_entry_bytes: int = 4_000_000
    """The largest answer kept in the cache (bytes); larger ones are answered, not kept."""
    cache_max_age: int = 60
    """Seconds a client or proxy may reuse a `/sparql` GET answer before revalidating it."""
    changes_limit: int = 1000
    """Entries each list of a build's changes.md/.json may hold (`villegraph.diff`); 0: all."""
    build_threads: int = 0
    """Threads a build runs its queries on (a rule's slices, the shapes); 0: one per processor
    available, at most four (`villegraph.parallel.build_threads`)."""

    def __post_init__(self) -> None:
        root = Path(self.root).resolve()
        object.__setattr__(self, "root", root)
        defaults = {
            "ontology_dir": _own_or_packaged(root, "ontology", ONTOLOGY_DIR),
            "data_dir": root / "data",
            "queries_dir": _own_or_packaged(root, "queries", QUERIES_DIR),
            "dist_dir": root / "dist",
            "store_dir": root / "store",
            "releases_dir": root / "releases",
        }
        for name, default in defaults.items():
            value = getattr(self, name)
            object.__setattr__(self, name, absolute(value) if value else default)
        if not self.base_iri.startswith(("http://", "https://")) or not self.base_iri.endswith(
            ("/", "#")
        ):
            raise ConfigError(
                f"base IRI {self.base_iri!r} must be an http(s) IRI ending with '/' or '#'"
            )
        if not 0 < self.port < 65536:
            raise ConfigError(f"port {self.port} is not between 1 and 65535")
        if self.timeout <= 0:
            raise ConfigError(f"timeout {self.timeout} must be positive")
        for name in ("workers", "site_workers", "per_client", "max_literal_bytes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} {getattr(self, name)} must be at least 1")
        for name in (
            "reserve_workers",
            "worker_memory_mb",
            "worker_memory_quads",
            "cache_bytes",
            "cache_entry_bytes",
            "cache_max_age",
            "changes_limit",
            "build_threads",
        ):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} {getattr(self, name)} must not be negative")
        if not 0 <= self.worker_nice <= 19:
            raise ConfigError(f"worker_nice {self.worker_nice} must be between 0 and 19")
        if self.fast_query <= 0:
            raise ConfigError(f"fast_query {self.fast_query} must be positive")
        if self.auth not in ("digest", "basic"):
            raise ConfigError(f"authentication scheme {self.auth!r} is not 'digest' or 'basic'")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from `VILLEGRAPH_<FIELD>` variables, then `overrides` (None values ignored)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = ENV_PREFIX + f.name.upper()
            if key in environ and environ[key] != "":
                values[f.name] = _convert(key, environ[key], f.type)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (None values ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _convert(key: str, raw: str, type_name: object) -> Any:
    kind = str(type_name)
    try:
        if "int" in kind:
            return int(raw)
        if "float" in kind:
            return float(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r} is not a number") from None
    if "Path" in kind:
        return Path(raw)
    return raw


__all__ = ["ENV_PREFIX", "Settings", "absolute"]
