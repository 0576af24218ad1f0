"""spaCy's French language data, with its token-match regex written so that it compiles fast.

`spacy/lang/fr/tokenizer_exceptions.py` ends with one regex made of 266 alternatives, each
repeating the class of every lowercase letter (`ALPHA_LOWER`, thousands of characters), under
`(?iu)`: `re` spends ~3 s optimising those character classes at import, most of a draft's
wall time. `install()` runs that module itself, without its last statement, and compiles the
same language as alternatives grouped by their shared tail (`^(?:a-sexualis|bouche-por|…)[al]+$`):
each class is compiled once (~50 ms). The grouping only factors out identical text, so the
tokens it matches are exactly those of spaCy's regex; an alternative that fits no known tail is
kept as written. The module is then in `sys.modules`, where `spacy.lang.fr` finds it: the
French class, its defaults and its lemmatizer factory are spaCy's own.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import srsly

PACKAGE = "spacy.lang.fr"
MODULE = f"{PACKAGE}.tokenizer_exceptions"
_NAMES = ("_regular_exp", "HYPHENS", "ELISION", "ALPHA_LOWER", "ALPHA")
"""What the regex is made of, in the module's own names."""
_FAST: dict[str, Callable[[str], Any]] = {}
"""spaCy's token-match pattern → the match of its fast form."""


def install() -> bool:
    """Load spaCy's French tokenizer exceptions with the fast regex, once, before `spacy.lang.fr`
    is imported; False when it is imported already or the module is not laid out as expected
    (spaCy's own regex is then used, only slower)."""
    if PACKAGE in sys.modules or MODULE in sys.modules:
        return False
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return False
    folder = next(iter(spec.submodule_search_locations))
    path = f"{folder}/tokenizer_exceptions.py"
    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), path)
    if not _ends_with_token_match(tree):
        return False
    tree.body = tree.body[:-1]
    module = types.ModuleType(MODULE)
    module.__file__ = path
    module.__package__ = PACKAGE
    # The module's relative imports (`.punctuation`) need its package, whose __init__ would
    # import this very module: a bare package stands in while it runs, then goes.
    package = types.ModuleType(PACKAGE)
    package.__path__ = [folder]
    package.__package__ = PACKAGE
    sys.modules[PACKAGE] = package
    try:
        exec(compile(tree, path, "exec"), module.__dict__)  # spaCy's own file, less one line
    finally:
        del sys.modules[PACKAGE]
    alternatives = module.__dict__.get(_NAMES[0])
    classes = [module.__dict__.get(name) for name in _NAMES[1:]]
    if not isinstance(alternatives, list):
        return False
    hyphen, elision, lower, alpha = (c if isinstance(c, str) else "" for c in classes)
    if not all((hyphen, elision, lower, alpha)):
        return False
    fast = token_match(alternatives, hyphen, elision, lower, alpha)
    _FAST[spacy_pattern(alternatives)] = fast
    module.TOKEN_MATCH = fast  # type: ignore[attr-defined]
    sys.modules[MODULE] = module
    return True


def load_tokenizer(nlp: Any, folder: Path) -> None:
    """Read a model's tokenizer (`folder/tokenizer`: rules, exceptions, regexes) into `nlp` as
    spaCy would, its token-match pattern through the fast form when it is spaCy's French one
    (a model stores the pattern as text and spaCy compiles it again: ~3 s more)."""
    path = folder / "tokenizer"
    if not path.is_file():
        return
    data = path.read_bytes()
    pattern = srsly.msgpack_loads(data).get("token_match")
    nlp.tokenizer.from_bytes(data, exclude=["vocab", "token_match"])
    if isinstance(pattern, str):
        nlp.tokenizer.token_match = _FAST.get(pattern) or re.compile(pattern).match


def spacy_pattern(alternatives: Sequence[str]) -> str:
    """The pattern spaCy compiles from the alternatives (its last statement, as written)."""
    return "(?iu)" + "|".join(f"(?:{alternative})" for alternative in alternatives)


def token_match(
    alternatives: Sequence[str], hyphen: str, elision: str, lower: str, alpha: str
) -> Callable[[str], Any]:
    """The `match` of spaCy's `(?iu)alt1|alt2|…`, its alternatives grouped by shared tails."""
    tails = [
        f"[{lower}]+$",
        f"[{lower}]*$",
        f"[{hyphen}][{lower}][{hyphen}{lower}{elision}]*$",
        f"[{elision}][{lower}][{hyphen}{lower}{elision}]*$",
    ]
    combo_head, combo_tail = f"^[{alpha}]+[{hyphen}]", f"[{hyphen}](?:l[{elision}])?[{alpha}]+$"
    grouped: dict[str, list[str]] = {tail: [] for tail in tails}
    combos: list[str] = []
    kept: list[str] = []
    for alternative in alternatives:
        if alternative.startswith(combo_head) and alternative.endswith(combo_tail):
            combos.append(alternative[len(combo_head) : -len(combo_tail)])
            continue
        starts = alternative.startswith("^")
        tail = next((t for t in tails if starts and alternative.endswith(t)), None)
        if tail is None:
            kept.append(alternative)
        else:
            grouped[tail].append(alternative[1 : -len(tail)])
    parts = [f"^{_any(heads)}{tail}" for tail, heads in grouped.items() if heads]
    if combos:
        parts.append(f"{combo_head}{_any(combos)}{combo_tail}")
    parts += kept
    return re.compile("(?iu)" + "|".join(f"(?:{part})" for part in parts)).match


def _any(heads: list[str]) -> str:
    return "(?:" + "|".join(f"(?:{head})" for head in heads) + ")"


def _ends_with_token_match(tree: ast.Module) -> bool:
    last = tree.body[-1] if tree.body else None
    return (
        isinstance(last, ast.Assign)
        and len(last.targets) == 1
        and isinstance(last.targets[0], ast.Name)
        and last.targets[0].id == "TOKEN_MATCH"
    )


__all__ = ["install", "load_tokenizer", "spacy_pattern", "token_match"]
