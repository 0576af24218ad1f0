"""Fixtures: build."""

from __future__ import annotations
