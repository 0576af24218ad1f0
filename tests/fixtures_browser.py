"""Fixtures: browser."""

from __future__ import annotations
