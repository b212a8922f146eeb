"""This package's version as a constant, so kalshi-keys --version needs no importlib.metadata.

It is the Kalshi spec version implemented (see CHANGELOG.md); tests/test_packaging.py checks it
against pyproject.toml and openapi.yaml.
"""

from __future__ import annotations

__all__ = ["VERSION"]

VERSION = "3.34.0"
