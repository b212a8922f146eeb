"""Maintainer tools (not installed with the packages)."""
