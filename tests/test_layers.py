"""The layer rule: villegraph modules import only modules of a lower (or the same) layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "villegraph"

LAYERS: dict[str, int] = {
    "namespaces": 0,
    "lexer": 0,
    "errors": 0,
    "config": 0,
    "resources": 0,
    "formats": 0,
    "terms": 0,
    "folding": 0,
    "parallel": 0,
    "bnodes": 1,
    "load": 1,
    "jsonld": 1,
    "records": 1,
    "infer": 1,
    "slices": 1,
    "indexes": 1,
    "validate": 1,
    "dump": 1,
    "dumpfiles": 1,
    "queries": 1,
    "reach": 1,
    "results": 1,
    "writers": 1,
    "store": 1,
    "remote": 1,
    "quality": 1,
    "publish": 1,
    "diff": 1,
    "quadscan": 1,
    "release": 1,
    "shacl": 1,
    "project": 1,
    "sources": 1,
    "unionwriter": 1,
    "build": 2,
    "api": 2,
    "network": 2,
    "viz": 2,
    "synth": 2,
    "draft": 2,
    "web": 3,
    "cli": 3,
    "__main__": 3,
    "__init__": 0,
}


def _layer(module: str) -> int:
    top = module.split(".")[0]
    if top not in LAYERS:
        raise AssertionError(f"module villegraph.{module} has no layer: add it to LAYERS")
    return LAYERS[top]


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(PACKAGE).with_suffix("")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(relative.parts[: -node.level])
                found.append(".".join(["villegraph", *base, *(node.module or "").split(".")]))
            elif node.module:
                found.append(node.module)
    return [m.removeprefix("villegraph.") for m in found if m.startswith("villegraph.")]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_downward(path: Path) -> None:
    relative = path.relative_to(PACKAGE).with_suffix("")
    own = ".".join(relative.parts)
    own_layer = _layer(own) if own != "__init__" else 0
    for imported in _imports(path):
        if own == "__init__":
            assert _layer(imported) == 0, f"villegraph/__init__ re-exports L0 only: {imported}"
            continue
        assert _layer(imported) <= own_layer, (
            f"villegraph.{own} (layer {own_layer}) imports villegraph.{imported} "
            f"(layer {_layer(imported)})"
        )


def test_only_the_top_layer_prints_or_exits() -> None:
    for path in _modules():
        own = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if _layer(own) == 3:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"print", "exit"}, f"{own} calls {node.func.id}()"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert (node.value.id, node.attr) != ("sys", "exit"), f"{own} calls sys.exit"
