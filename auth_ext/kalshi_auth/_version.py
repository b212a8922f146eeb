"""This package's version as a constant, so kalshi-keys --version needs no importlib.metadata.

It is the Kalshi spec version implemented, openapi.yaml's info.version (or X.Y.Z.N for a further
release on the same spec); the package metadata is built from it (hatch_build.py), make
spec-update sets it, and tests/generation/test_packaging.py checks it.
"""

from __future__ import annotations

__all__ = ["VERSION"]

VERSION = "3.34.0"
