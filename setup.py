"""Packaging hook: the wheel gets the example project, the checkout's own `data/` folder (the
announcement's RDF and its source text), under `villegraph/resources/example/data/`.

Everything else is declared in pyproject.toml. The example is copied when the package is built,
so the repository keeps one copy of it; an editable install reads the checkout's `data/` in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "data"
TARGET = Path("villegraph", "resources", "example", "data")


class BuildWithExample(build_py):
    """build_py, then a copy of `data/` (hidden files left out) into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / TARGET
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".*"))


setup(cmdclass={"build_py": BuildWithExample})
